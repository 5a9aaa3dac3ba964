"""使用说明: what each role does in each phase of the procedure, with links to the screens it may open (issue 14)."""

from __future__ import annotations

from flask import current_app, redirect, render_template
from flask_login import current_user

# role → [(phase or category of the side menu, what this role does there)]; the links are the category's menu
# entries the reader may open, so the page never points at a screen the role cannot see.
GUIDES: dict[str, list[tuple[str, str]]] = {
    "Office": [
        ("一、启动巡察", "录入年度巡察工作计划和审批情况，建立本轮巡察、组建巡察组、登记组长和成员（规程二（一）（二））。"),
        ("二、了解准备", "为每个被巡察单位建立“巡察”记录（组、单位、联络人、关键日期），登记情况准备和巡察公告，生成巡察通知等文书。"),
        ("三、实施巡察", "审核巡察组报来的问题线索（巡察办审核通过），跟踪重要情况报告和立行立改。"),
        ("四、巡察报告", "查看巡察情况报告、发现的问题和意见建议，组织审议。"),
        ("五、结果反馈", "登记反馈意见、签收单，安排个别、班子和大会反馈。"),
        ("六、成果运用", "记录党委决定，把线索编入移送批次并移送；审核整改台账销号；登记提交事项。"),
        ("七、督查督办", "查看期限预警，督办逾期事项，开展回头看。"),
        ("八、立卷归档", "接收巡察组移交的案卷，核对归档材料，办理销毁登记。"),
        ("九、成果共享", "编发巡察情况通报，查看重复出现的问题和统计。"),
    ],
    "TeamLeader": [
        ("二、了解准备", "填写组内工作方案并在进驻前报巡察办备案（D1），登记情况准备。"),
        ("三、实施巡察", "组织会议、谈话、信访、调阅资料、走访；审阅谈话记录；把问题登记为线索并提出处置意见。"),
        ("四、巡察报告", "起草巡察情况报告，逐条登记发现的问题与意见建议。"),
        ("五、结果反馈", "准备反馈意见，完成反馈后上传签收单。"),
        ("八、立卷归档", "在巡察页面“收集归档材料”，把案卷移交巡察办。"),
    ],
    "TeamMember": [
        ("三、实施巡察", "登记谈话、信访件、调阅资料和走访情况；发现问题时登记线索，交组长审核。"),
        ("四、巡察报告", "协助整理发现的问题及佐证材料。"),
    ],
    "UnitLiaison": [
        ("二、了解准备", "查看巡察通知和公告，按要求报送会议清单等材料（D4）。"),
        ("五、结果反馈", "查看反馈意见并签收。"),
        ("六、成果运用", "在“整改台账”下载台账、逐项填写整改情况后上传；完成的事项上传佐证材料并申请销号。"),
    ],
    "LeadingGroup": [
        ("", "在“领导看板”查看各轮巡察、线索、逾期事项和整改销号情况；各环节的记录均可查阅（只读）。"),
        ("四、巡察报告", "审阅巡察情况报告。"),
        ("七、督查督办", "查看期限预警和督办情况。"),
    ],
    "ReceivingDept": [
        ("六、成果运用", "在“接收的移送线索”查看移送本部门的线索，登记办理方式和办理结果，按期报告办理情况。"),
    ],
    "PartyOffice": [
        ("六、成果运用", "办理提交事项并报告结果；督办整改台账。"),
        ("七、督查督办", "查看期限预警，督办逾期事项。"),
    ],
    "Admin": [
        ("系统设置", "维护用户与角色、工作日历、期限规则、移送规则、编号规则、文书模板和界面配置。"),
    ],
}
# model → field → the 规程 clause the field's date is judged by, shown under the field on the add and edit forms
# (issue 14 item 2): the reader sees the rule where the value is typed, not only when a deadline turns red.
FIELD_HELP: dict[str, dict[str, str]] = {
    "Inspection": {
        "notice_date": "规程二（二）2：巡察工作开展3-5个工作日前，巡察办向被巡察党组织下发巡察通知。",
        "work_start": "规程二（二）2：巡察工作时间一般为1个月左右。",
        "work_end": "规程二（二）2：巡察工作时间一般为1个月左右。",
    },
    "Rectification": {
        "plan_submitted_on": "规程六（一）：于反馈后10日内制定巡察整改方案报巡察办，整改方案应当建立台账。",
        "report_submitted_on": "规程六（一）：接到反馈意见后2个月内将整改情况报告报巡察办。",
    },
    "Transfer": {
        "reported_on": "规程六（二）4：接收部门于接收之日起3个月内将办理情况报领导小组。",
    },
    "ArchiveVolume": {
        "handed_over_on": "规程八（二）1：巡察组在反馈工作结束后1个月内向巡察办移交本次巡察的档案。",
    },
    # not a clause: the code rule 巡察办 keeps under 系统设置 › 编号规则 (app.rules.codes)
    "Petition": {"code": "留空则保存时按「编号规则」自动生成。"},
    "Clue": {"code": "留空则保存时按「编号规则」自动生成。"},
}
COMMON = "每个页面左侧是按规程顺序排列的菜单，上方的路径指出当前所在位置；列表为空时，页面会提示先做什么。"


def _menu_links() -> dict[str, list[tuple[str, str]]]:
    """category label → [(entry label, url)] of the side menu entries the reader may open."""
    sm, links = current_app.appbuilder.sm, {}
    for top in current_app.appbuilder.menu.get_list():
        items = [c for c in top.childs if c and c.name != "-"] if top.childs else [top]
        key = top.label if top.childs else ""
        for item in items:
            if sm.has_access("menu_access", item.name):  # as FAB's is_menu_visible filter
                links.setdefault(key, []).append((item.label, item.get_url()))
    return links


def help_page():
    if not current_user.is_authenticated:
        return redirect(current_app.appbuilder.get_url_for_login)
    roles = [r.name for r in current_user.roles]
    links = _menu_links()
    sections = [{"role": name, "steps": [{"phase": phase, "text": text, "links": links.get(phase, [])}
                                         for phase, text in GUIDES.get(name, [])]}
                for name in roles if name in GUIDES]
    return render_template("xct/help.html", title="使用说明", sections=sections, common=COMMON,
                           appbuilder=current_app.appbuilder, base_template=current_app.appbuilder.base_template)


def register_help(app) -> None:
    app.add_url_rule("/help/", "xct_help", help_page)
