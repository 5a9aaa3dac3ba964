"""Writes the default template of each of the 24 附件, and of the 九、成果共享 documents (annual report, bulletin),
into seeds/templates/ (run once; the files are committed).

    python -m seeds.make_templates

Word forms follow GB/T 9704 where it applies: A4, margins 37/35/28/26 mm, 方正小标宋简体 title, 仿宋_GB2312 body,
黑体 and 楷体_GB2312 headings, the page number in the footer. The page setup (22 lines × 28 characters, odd/even
page numbers, tables, 密级) is applied again to every rendered file by app.exports.printready, so an admin's own
template prints the same; what only a template can say is here: one record per page with lines to sign (附件14,
16), room to sign (附件22), guidance as a Word comment (附件17), never as text. Fonts are set on the East Asian
slot (w:eastAsia): python-docx's Font.name sets only the Latin one (FAB_NOTES "Around it"). Placeholders are
docxtpl's Jinja tags over the plain context of app.exports.attachments; `{%p …%}` / `{%tr …%}` repeat paragraphs /
table rows.

Excel forms are written with xlsxwriter: a title, `{{ … }}` cells, and one row of `{{ row.… }}` cells that
app.exports.render repeats for each item of `rows`.
"""

from __future__ import annotations

import csv
import zipfile
from datetime import datetime
from pathlib import Path

import xlsxwriter
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

HERE = Path(__file__).parent
OUT = HERE / "templates"

TITLE_FONT, BODY_FONT, H1_FONT, H2_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312"
SIZE_TITLE, SIZE_BODY, SIZE_TABLE = Pt(22), Pt(16), Pt(12)  # 二号, 三号, 小四


def east_asian(font_parent, name: str, size=None, bold: bool | None = None) -> None:
    """Set `name` on every font slot of a run or style, the East Asian one included."""
    font_parent.font.name = name
    r_pr = font_parent.element.get_or_add_rPr()
    r_fonts = r_pr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        r_fonts.set(qn(slot), name)
    if size is not None:
        font_parent.font.size = size
    if bold is not None:
        font_parent.font.bold = bold


def _page_field(paragraph) -> None:
    """— 1 — in the footer: a PAGE field Word fills in."""
    def fld(kind):
        el = OxmlElement("w:fldChar")
        el.set(qn("w:fldCharType"), kind)
        return el

    paragraph.add_run("— ")
    run = paragraph.add_run()
    run._r.append(fld("begin"))
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run._r.append(instr)
    run._r.append(fld("separate"))
    run._r.append(OxmlElement("w:t"))
    run._r[-1].text = "1"
    run._r.append(fld("end"))
    paragraph.add_run(" —")
    for r in paragraph.runs:
        east_asian(r, "宋体", Pt(14))


class Form:
    """One Word template in the house layout."""

    def __init__(self):
        self.doc = Document()
        section = self.doc.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28)
        normal = self.doc.styles["Normal"]
        east_asian(normal, BODY_FONT, SIZE_BODY)
        fmt = normal.paragraph_format
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
        fmt.space_before = fmt.space_after = Pt(0)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_field(footer)

    def _p(self, text: str, font: str = BODY_FONT, size=SIZE_BODY, *, align=None, indent=False, bold=None):
        p = self.doc.add_paragraph()
        if align is not None:
            p.alignment = align
        if indent:
            p.paragraph_format.first_line_indent = Pt(32)  # two characters of 三号
        east_asian(p.add_run(text), font, size, bold)
        return p

    def title(self, text: str):
        p = self._p(text, TITLE_FONT, SIZE_TITLE, align=WD_ALIGN_PARAGRAPH.CENTER)
        p.paragraph_format.line_spacing = Pt(36)
        p.paragraph_format.space_after = Pt(14)
        return self

    def doc_no(self, placeholder: str):
        self._p(placeholder, align=WD_ALIGN_PARAGRAPH.CENTER)
        return self

    def h1(self, text: str):
        self._p(text, H1_FONT, indent=True)
        return self

    def h2(self, text: str):
        self._p(text, H2_FONT, indent=True)
        return self

    def para(self, text: str, *, indent=True):
        self._p(text, indent=indent)
        return self

    def tag(self, text: str):
        """A docxtpl paragraph tag ({%p …%}); docxtpl removes the paragraph that holds it."""
        self._p(text)
        return self

    def lines(self, expr: str):
        """Each line of a list of strings as its own indented paragraph."""
        return self.tag(f"{{%p for line in {expr} %}}").para("{{ line }}").tag("{%p endfor %}")

    def new_page_per_item(self):
        """Inside a {%p for%}: every item after the first starts a page (one record per page)."""
        self.tag("{%p if not loop.first %}")
        p = self.doc.add_paragraph()
        br = OxmlElement("w:br")
        br.set(qn("w:type"), "page")
        p.add_run()._r.append(br)
        return self.tag("{%p endif %}")

    def signatures(self, *labels: str):
        """Lines to sign on, two to a line, and the date: 谈话人（签字）：＿＿＿＿ …"""
        blank = "＿" * 4
        cells = [f"{label}（签字）：{blank}" for label in labels]
        for n in range(0, len(cells), 2):
            self._p("　　".join(cells[n:n + 2]), indent=False).paragraph_format.space_before = Pt(14)
        return self.right("年　　月　　日")

    def note(self, text: str):
        """Guidance for whoever edits the template, as a Word comment on the title: never in the output."""
        first = next(p for p in self.doc.paragraphs if p.runs)
        comment = self.doc.add_comment(first.runs, text=text, author="巡察通", initials="XCT")
        comment._comment_elm.set(qn("w:date"), "2026-01-01T00:00:00Z")  # reproducible, like the zip's times
        return self

    def right(self, text: str):
        self._p(text, align=WD_ALIGN_PARAGRAPH.RIGHT)
        return self

    def fields(self, pairs: list[tuple[str, str | list[str]]]):
        """A two-column form table: label, value (a list: one paragraph each, e.g. a {%p for%} over lines)."""
        table = self.doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for label, value in pairs:
            cells = table.add_row().cells
            east_asian(cells[0].paragraphs[0].add_run(label), H1_FONT, SIZE_TABLE)
            texts = value if isinstance(value, list) else [value]
            for i, text in enumerate(texts):
                p = cells[1].paragraphs[0] if i == 0 else cells[1].add_paragraph()
                east_asian(p.add_run(text), BODY_FONT, SIZE_TABLE)
            cells[0].width, cells[1].width = Mm(40), Mm(116)
        self.doc.add_paragraph()
        return self

    def rows(self, headers: list[str], loop: str, cells: list[str], height=None):
        """A table with a header row and one row per item: {%tr for …%} / values / {%tr endfor %}; `height`: the
        item rows' least height (room to sign)."""
        table = self.doc.add_table(rows=0, cols=len(headers))
        table.style = "Table Grid"
        for values, font in ((headers, H1_FONT), ([f"{{%tr for {loop} %}}"] + [""] * (len(headers) - 1), BODY_FONT),
                             (cells, BODY_FONT), (["{%tr endfor %}"] + [""] * (len(headers) - 1), BODY_FONT)):
            row = table.add_row()
            if height is not None and values is cells:
                row.height = height
            for cell, text in zip(row.cells, values):
                east_asian(cell.paragraphs[0].add_run(text), font, SIZE_TABLE)
        self.doc.add_paragraph()
        return self

    def save(self, path: Path):
        self.doc.save(path)
        reproducible(path)


SIX_ASPECTS_GUIDE = [
    ("一、党的领导方面", ("重点了解贯彻落实党的理论和路线方针政策、党中央决策部署及学校党委工作要求情况，"
                 "落实意识形态工作责任制情况，党组织把方向、管大局、保落实情况。")),
    ("二、党的建设方面", "重点了解领导班子自身建设、民主集中制执行、选人用人、基层党组织建设和党员队伍建设情况。"),
    ("三、全面从严治党方面", "重点了解落实全面从严治党主体责任和监督责任情况，执行中央八项规定精神情况。"),
    ("四、党风廉政建设和反腐败斗争方面", "重点了解领导干部廉洁自律、“三重一大”决策、违规违纪问题情况。"),
    ("五、重点领域风险防控方面", "重点了解科研经费、招生考试、基建修缮、采购招标、资产管理等领域的风险防控情况。"),
    ("六、落实上一轮巡视（督查）整改情况", "重点了解上一轮巡视、督查及审计发现问题的整改落实和长效机制建设情况。"),
    ("七、其他", "学校党委要求了解的其他情况。"),
]


def cell_lines(expr: str) -> list[str]:
    """A form cell holding each line of a list of strings as its own paragraph."""
    return [f"{{%p for line in {expr} %}}", "{{ line }}", "{%p endfor %}"]


def meeting_record(title: str, people: list[tuple[str, str]], extra: list[tuple[str, str]]) -> Form:
    """附件8/9/10: one record table per meeting of the kind."""
    return (Form().title(title).para("被巡察单位：{{ unit }}", indent=False)
            .tag("{%p for m in meetings %}")
            .fields([("会议名称", "{{ m.title }}"), ("时间", "{{ m.held_on }}"), ("地点", "{{ m.place }}")] + people
                    + [("参加人员", "{{ m.attendees }}")] + extra
                    + [("记录人", "{{ m.recorder }}")])
            .tag("{%p endfor %}")
            .tag("{%p if not meetings %}").para("（本次巡察暂无此类会议记录）").tag("{%p endif %}"))


def word_forms() -> dict[int, Form]:
    forms: dict[int, Form] = {}
    forms[1] = (Form().title("{{ round }}动员部署会议程")
                .fields([("会议名称", "{{ meeting.title }}"), ("时间", "{{ meeting.held_on }}"),
                         ("地点", "{{ meeting.place }}"), ("主持人", "{{ meeting.host }}"),
                         ("参会人员", "{{ meeting.attendees }}")])
                .h1("会议议程").lines("meeting.agenda")
                .h1("巡察组组成").tag("{%p for t in teams %}").h2("{{ t.name }}（组长：{{ t.leader }}）")
                .para("{{ t.members }}").tag("{%p endfor %}"))
    forms[2] = Form().title("主要巡察内容")
    for heading, text in SIX_ASPECTS_GUIDE:
        forms[2].h1(heading).para(text)
    forms[3] = (Form().title("情况准备记录表").para("被巡察单位：{{ unit }}", indent=False)
                .rows(["通报部门", "通报人", "时间", "方式", "通报的主要情况", "书面材料", "记录人"], "b in briefings",
                      ["{{ b.department }}", "{{ b.briefer }}", "{{ b.held_on }}", "{{ b.method }}", "{{ b.content }}",
                       "{{ b.written_material }}", "{{ b.recorder }}"]))
    forms[4] = (Form().title("关于对{{ party_org }}开展巡察的通知").doc_no("{{ notice_no }}")
                .para("{{ party_org }}：", indent=False)
                .para("根据学校党委巡察工作安排，经学校党委同意，{{ team }}将于{{ work_start }}至{{ work_end }}"
                      "对{{ party_org }}开展巡察。现将有关事项通知如下：")
                .h1("一、巡察时间").para("{{ work_start }}至{{ work_end }}，{{ entry_date }}进驻。")
                .h1("二、工作任务").lines("tasks")
                .h1("三、工作方式").lines("methods")
                .h1("四、工作要求").para("请按照巡察组要求提供有关材料，如实反映情况，支持配合巡察工作；"
                                    "进驻当日提供巡察期间的会议清单。")
                .h1("五、请准备的材料")
                .para("单位基本情况、领导班子及成员分工、近三年工作总结、“三重一大”决策会议记录、财务报表、"
                      "上一轮巡视（督查）整改材料、干部选拔任用资料。")
                .h1("六、联系人").para("巡察组：{{ leader }}，电话 {{ team_phone }}；单位联络人：{{ liaison }}。")
                .right("学校党委巡察工作领导小组办公室").right("{{ notice_date }}"))
    forms[5] = (Form().title("巡察{{ unit }}工作动员会议程")
                .fields([("时间", "{{ meeting.held_on }}"), ("地点", "{{ meeting.place }}"),
                         ("主持人", "{{ meeting.host }}"), ("参会范围", "{{ meeting.attendees }}"),
                         ("应到人数", "{{ meeting.expected_count }}"), ("实到人数", "{{ meeting.present_count }}")])
                .h1("会议议程").lines("meeting.agenda")
                .h1("参会人数要求").para("{{ attendance_rule }}"))
    forms[6] = (Form().title("{{ survey.title }}").h1("填写说明").lines("survey.instructions")
                .tag("{%p for q in survey.questions %}").h2("{{ q.seq }}. {{ q.text }}")
                .tag("{%p for o in q.options %}").para("□ {{ o }}").tag("{%p endfor %}")
                .tag("{%p for a in q.answer_lines %}").para("{{ a }}", indent=False).tag("{%p endfor %}")
                .tag("{%p endfor %}")
                .right("{{ team }}"))
    forms[7] = (Form().title("巡察公告").lines("body")
                .h1("巡察组组成人员").para("{{ members }}")
                .para("联系电话：{{ team_phone }}；电子邮箱：{{ team_email }}")
                .para("信访接待：{{ reception }}；意见箱：{{ mailbox }}")
                .tag("{%p if intake_url %}")
                .para("网上反映（码上巡察，可匿名）：扫描下方二维码，或访问 {{ intake_url }}")
                .para("{{ intake_qr }}", indent=False)
                .tag("{%p endif %}")
                .right("{{ team }}").right("{{ published_on }}"))
    forms[8] = meeting_record("专题汇报记录表", [("主持人", "{{ m.host }}"), ("汇报人", "{{ m.reporter }}")], [("汇报主题及主要内容", cell_lines("m.minutes"))])
    forms[9] = meeting_record("列席会议记录表", [("主持人", "{{ m.host }}")], [("议题", cell_lines("m.agenda")),
                                                    ("讨论和决定事项", cell_lines("m.minutes"))])
    forms[10] = meeting_record("座谈会记录表", [("主持人", "{{ m.host }}")], [("主题", cell_lines("m.agenda")),
                                                     ("发言摘要", cell_lines("m.minutes"))])
    forms[13] = (Form().title("个别谈话提纲").para("被巡察单位：{{ unit }}", indent=False)
                 .tag("{%p for o in outlines %}").h1("谈话对象类别：{{ o.category }}").lines("o.questions")
                 .tag("{%p endfor %}")
                 .h1("按六个方面了解").tag("{%p for a in aspects %}").para("{{ a }}").tag("{%p endfor %}")
                 .h1("对领导班子和主要负责人的评价").para("（请谈话对象评价）").h1("其他").para("（其他需要反映的问题）"))
    forms[14] = (Form().tag("{%p for t in talks %}").new_page_per_item().title("个别谈话记录表")
                 .fields([("谈话时间", "{{ t.held_on }}"), ("地点", "{{ t.place }}"),
                          ("谈话人", "{{ t.interviewers }}"),
                          ("记录人", "{{ t.recorder }}"), ("谈话对象", "{{ t.interviewee }}"), ("单位", "{{ t.unit }}"),
                          ("职务", "{{ t.title }}"), ("政治面貌", "{{ t.political_status }}"),
                          ("谈话内容", cell_lines("t.record")), ("组长审阅", "{{ t.reviewed }}")])
                 .signatures("谈话人", "记录人", "谈话对象")
                 .tag("{%p endfor %}")
                 .tag("{%p if not talks %}").title("个别谈话记录表").para("（本次巡察暂无个别谈话记录）")
                 .tag("{%p endif %}"))
    forms[16] = (Form().tag("{%p for v in visits %}").new_page_per_item().title("走访调研记录表")
                 .fields([("走访对象", "{{ v.target }}"), ("时间", "{{ v.held_on }}"), ("地点", "{{ v.place }}"),
                          ("参加人员", "{{ v.participants }}"), ("调研事项", "{{ v.topic }}"),
                          ("了解的情况", cell_lines("v.findings")), ("记录人", "{{ v.recorder }}")])
                 .signatures("记录人", "巡察组负责人")
                 .tag("{%p endfor %}")
                 .tag("{%p if not visits %}").title("走访调研记录表").para("（本次巡察暂无走访调研记录）")
                 .tag("{%p endif %}"))
    forms[17] = (Form().title("{{ title }}").para("学校党委：", indent=False)
                 .lines("basic_situation")
                 .para("巡察期间，共个别谈话{{ stats.talks }}人次，受理信访{{ stats.petitions }}件，"
                       "调阅资料{{ stats.materials }}份，发现问题{{ stats.findings }}个，"
                       "形成问题线索{{ stats.clues }}件。")
                 .h1("一、发现的主要问题")
                 .tag("{%p for a in aspects %}").h2("{{ a.heading }}")
                 .tag("{%p for f in a.findings %}").para("{{ f.seq }}. {{ f.summary }}").lines("f.detail")
                 .tag("{%p endfor %}")
                 .tag("{%p if not a.findings %}").para("未发现突出问题。").tag("{%p endif %}")
                 .tag("{%p endfor %}")
                 .h1("二、意见建议")
                 .tag("{%p for r in recommendations %}").para("{{ r.seq }}. {{ r.text }}（针对{{ r.answers }}）")
                 .tag("{%p endfor %}")
                 .h1("三、问题线索及移送建议").para("{{ clue_summary }}")
                 .right("{{ team }}").right("{{ drafted_on }}")
                 .note("起草说明：四（一）要求巡察情况报告总体篇幅一般在3000字左右；系统在巡察页面给出本报告的字数。"
                       "“巡察期间，共个别谈话……”一句的数字由系统按记录统计，请勿在基本情况中另写不同的数字。"))
    forms[18] = (Form().title("{{ party_org }}个别谈话情况报告")
                 .para("{{ team }}共个别谈话{{ talk_count }}人次，其中领导班子成员{{ leader_talk_count }}人次。")
                 .h1("一、对党组织履行全面从严治党主体责任的评价").lines("org_evaluation")
                 .h1("二、对领导班子成员的评价").lines("leader_evaluations")
                 .h1("三、谈话对象").rows(["谈话对象", "职务", "时间"], "t in talks",
                                     ["{{ t.interviewee }}", "{{ t.title }}", "{{ t.held_on }}"])
                 .right("{{ team }}").right("{{ drafted_on }}"))
    forms[19] = (Form().title("关于巡察{{ party_org }}的反馈意见").doc_no("{{ doc_no }}")
                 .para("{{ party_org }}：", indent=False)
                 .h1("一、总体评价").lines("overall")
                 .h1("二、发现的主要问题")
                 .tag("{%p for a in aspects %}").tag("{%p if a.findings %}").h2("{{ a.heading }}")
                 .tag("{%p for f in a.findings %}").para("{{ f.seq }}. {{ f.summary }}").tag("{%p endfor %}")
                 .tag("{%p endif %}").tag("{%p endfor %}")
                 .h1("三、整改意见").lines("opinion")
                 .h1("四、整改要求").lines("requirements")
                 .para("请于{{ plan_due }}前将整改方案报巡察办，于{{ report_due }}前报送整改情况报告。")
                 .right("学校党委巡察工作领导小组").right("{{ feedback_date }}"))
    forms[20] = (Form().title("巡察{{ party_org }}反馈工作方案").lines("plan")
                 .rows(["方式", "时间", "地点", "主持人", "参加人员"], "m in sessions",
                       ["{{ m.kind }}", "{{ m.held_on }}", "{{ m.place }}", "{{ m.host }}", "{{ m.attendees }}"]))
    forms[21] = (Form().title("巡察反馈流程及注意事项")
                 .h1("一、个别反馈").para("巡察组组长向被巡察党组织主要负责人反馈，巡察办负责同志参加；主要负责人表态，"
                                     "三方在签收单上签字。")
                 .h1("二、班子反馈").para("向领导班子反馈突出问题，对领导班子成员的问题线索点事不点人；班子成员逐一表态。")
                 .h1("三、大会反馈").para("组长宣读反馈意见，巡察办负责同志提出整改要求，党组织主要负责人表态。")
                 .h1("四、注意事项").para("反馈意见须经领导小组审定；反馈稿不得擅自更改；会后及时收回反馈材料并立卷归档。"))
    forms[22] = (Form().title("巡察反馈签收单")
                 .fields([("被巡察单位", "{{ party_org }}"), ("反馈时间", "{{ feedback_date }}"),
                          ("地点", "{{ place }}"), ("反馈内容", "{{ content }}")])
                 .rows(["签字人", "姓名", "签字", "日期"], "s in signatures",
                       ["{{ s.role }}", "{{ s.name }}", "", "{{ s.signed_on }}"], height=Mm(18)))
    return forms


# ---------------------------------------------------------------- Excel layouts

SHEETS: dict[int, dict] = {
    11: {"info": ["被巡察单位：{{ unit }}", "巡察组：{{ team }}"],
         "columns": [("序号", "seq", 6), ("编号", "code", 14), ("受理日期", "received_on", 12),
                     ("来源方式", "channel", 10),
                     ("反映人", "petitioner", 10), ("被反映人", "subject", 12), ("单位职务", "subject_post", 18),
                     ("反映的主要问题", "summary", 40), ("问题类别", "category", 12), ("拟处置意见", "proposal", 18),
                     ("登记人", "registered_by", 10), ("备注", "note", 20)]},
    12: {"info": ["接收部门：{{ department }}", "移送日期：{{ transferred_on }}", "文号：{{ doc_no }}"],
         "columns": [("序号", "seq", 6), ("线索编号", "code", 16), ("被反映人", "persons", 16),
                     ("单位职务", "posts", 22),
                     ("问题摘要", "summary", 50), ("来源", "source", 10), ("移送材料", "exhibits", 30),
                     ("件数", "count", 6), ("页数", "pages", 6), ("处置建议", "advice", 24)],
         "signature": ["共移送材料 {{ total_count }} 件", "移交人（签字）：{{ handed_by }}",
                       "接收人（签字）：{{ received_by }}"]},
    15: {"info": ["被巡察单位：{{ unit }}", "巡察组：{{ team }}"],
         "columns": [("序号", "seq", 6), ("材料名称", "name", 30), ("提供单位/人", "provider", 20),
                     ("份数", "copies", 6),
                     ("页数", "pages", 6), ("接收日期", "received_on", 12), ("接收人", "received_by", 10),
                     ("密级", "classification", 8), ("是否原件", "is_original", 8), ("归还日期", "returned_on", 12),
                     ("经办人", "custodian", 10), ("备注", "note", 30)]},
    23: {"info": ["被巡察单位：{{ unit }}", "轮次：{{ round }}", "巡察组：{{ team }}"],
         "columns": [("序号", "seq", 6), ("类别", "group", 14), ("统计项目", "label", 30), ("数值", "value", 10)]},
    24: {"info": ["全宗/案卷号：{{ volume_no }}", "案卷题名：{{ volume_title }}"],
         "columns": [("序号", "seq", 6), ("材料名称", "title", 40), ("形成时间", "formed_on", 12),
                     ("份数", "copies", 6),
                     ("页数", "pages", 6), ("密级", "classification", 8), ("保管期限", "retention", 10),
                     ("文书/业务", "kind", 10), ("备注", "note", 20)],
         "signature": ["移交人：{{ handed_by }}", "接收人：{{ received_by }}", "日期：{{ handed_over_on }}"]},
}


# 九、成果共享: documents that are not 附件 of the procedure, filled by app.exports.statistics.
def sharing_forms() -> dict[str, Form]:
    return {
        # 九（三）巡察工作年度报告 (a draft for 巡察办 to finish)
        "annual_report": (
            Form().title("{{ year }}年巡察工作年度报告（草稿）")
            .h1("一、巡察工作开展情况").lines("work_lines")
            .rows(["轮次", "巡察单位数", "个别谈话人次", "受理信访件数", "问题线索数", "发现问题数"],
                  "r in rounds", ["{{ r.round }}", "{{ r.inspections }}", "{{ r.talks }}", "{{ r.petitions }}",
                                  "{{ r.clues }}", "{{ r.findings }}"])
            .rows(["问题方面", "发现问题数"], "a in aspects", ["{{ a.label }}", "{{ a.value }}"])
            .h1("二、被巡察党组织整改落实情况").lines("rectification_lines")
            .rows(["轮次", "被巡察单位", "整改事项", "已完成", "未完成", "整改方案报送", "整改报告报送"],
                  "x in rectification", ["{{ x.round }}", "{{ x.unit }}", "{{ x.items }}", "{{ x.done }}",
                                         "{{ x.open }}", "{{ x.plan_submitted_on }}", "{{ x.report_submitted_on }}"])
            .h1("三、巡察移送事项办理情况").lines("transfer_lines")
            .rows(["接收部门", "移送批次", "问题线索", "已签收", "已报告办理情况"],
                  "t in transfers", ["{{ t.department }}", "{{ t.batches }}", "{{ t.clues }}", "{{ t.received }}",
                                     "{{ t.reported }}"])
            .h1("四、相关职能部门落实学校党委意见建议情况").lines("submission_lines")
            .rows(["提交事项", "承办", "状态", "报告日期"],
                  "s in submissions", ["{{ s.title }}", "{{ s.department }}", "{{ s.status }}", "{{ s.reported_on }}"])
            .h1("五、建议").para("（由巡察办根据以上情况撰写。）")
            .right("学校巡察工作办公室").right("{{ today }}")),
        # 九（一）巡察情况通报
        "bulletin": (
            Form().title("{{ title }}")
            .para("{{ recipients }}：", indent=False)
            .lines("content")
            .right("学校巡察工作办公室").right("{{ issued_on }}")),
    }


def write_sheet(path: Path, title: str, spec: dict) -> None:
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    book.set_properties({"title": title, "created": datetime(2026, 1, 1)})
    sheet = book.add_worksheet(title[:31])
    big = book.add_format({"bold": True, "font_size": 16, "align": "center", "font_name": "方正小标宋简体"})
    head = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "bg_color": "#EEEEEE",
                            "font_name": "黑体"})
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top", "font_name": "仿宋_GB2312"})
    plain = book.add_format({"font_name": "仿宋_GB2312"})
    columns = spec["columns"]
    sheet.merge_range(0, 0, 0, len(columns) - 1, title, big)
    # the lines above and below the table run across it: in one narrow column they would be cut
    sheet.merge_range(1, 0, 1, len(columns) - 1, "　　".join(spec["info"]), plain)
    for col, (name, key, width) in enumerate(columns):
        sheet.set_column(col, col, width)
        sheet.write(2, col, name, head)
        sheet.write(3, col, f"{{{{ row.{key} }}}}", cell)
    sheet.freeze_panes(3, 0)
    if spec.get("signature"):
        sheet.merge_range(5, 0, 5, len(columns) - 1, "　　".join(spec["signature"]), plain)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_footer("&C第 &P 页 共 &N 页")
    sheet.repeat_rows(0, 2)
    sheet.fit_to_pages(1, 0)
    book.close()


def reproducible(path: Path) -> None:
    """Rewrite the zip with fixed entry times, so running the script again changes no committed file."""
    with zipfile.ZipFile(path) as src:
        entries = [(item.filename, src.read(item)) for item in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for filename, data in entries:
            dst.writestr(zipfile.ZipInfo(filename, date_time=(2026, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    with open(HERE / "templates.csv", encoding="utf-8") as fh:
        slots = {int(r["attachment_no"]): r for r in csv.DictReader(fh)}
    forms = word_forms()
    for no, row in slots.items():
        path = OUT / f"附件{no:02d}.{row['file_format']}"
        if row["file_format"] == "xlsx":
            write_sheet(path, row["title"].removesuffix("模板"), SHEETS[no])
            reproducible(path)
        else:
            forms[no].save(path)
    for name, form in sharing_forms().items():
        form.save(OUT / f"{name}.docx")
    print(f"已写入 {len(slots)} 个附件模板和 {len(sharing_forms())} 个成果共享文书模板到 {OUT}")


if __name__ == "__main__":
    main()
