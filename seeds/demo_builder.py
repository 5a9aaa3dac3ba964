"""The demo builder: organisation, people, logins, plan, rounds, teams, inspections and the shared record helpers."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from types import SimpleNamespace

import click
from sqlalchemy import select

from app.commands.feedback import generate_feedback_items
from app.commands.rectification import add_evidence
from app.extensions import db
from schema import (
    Announcement,
    AnnualPlan,
    ArchiveItem,
    ArchiveVolume,
    Briefing,
    Clue,
    CustodyEvent,
    Feedback,
    FeedbackSignature,
    Finding,
    Inspection,
    InspectionReport,
    LeaderNomination,
    Material,
    Meeting,
    MeetingAttendee,
    NewsRelease,
    Person,
    PlanApproval,
    ReboundCheck,
    Recommendation,
    Rectification,
    RectificationItem,
    Round,
    RoutingRule,
    Speech,
    StatusEvent,
    Talk,
    TalkReport,
    Team,
    TeamMember,
    Unit,
    WorkPlan,
)
from seeds.demo import DEMO_PASSWORD, DEMO_USERS, DEMO_YEAR, EMAIL_DOMAIN, PLAN_TITLE, d
from seeds.demo_imports import ImportedRecords
from seeds.demo_outcomes import RoundOutcomes
from seeds.demo_records import InspectionRecords


class DemoBuilder(ImportedRecords, InspectionRecords, RoundOutcomes):
    """Builds the demo organisation, plan, rounds, teams and inspections; the records come from the mixins."""

    def __init__(self, sm):
        self.sm = sm
        self.s = db.session
        self.rng = random.Random(2026)  # a reproducible demo data set, not a secret  # nosec B311
        self.units: dict[str, Unit] = {}
        self.people: dict[str, Person] = {}
        self.rules = {r.priority: r for r in self.s.execute(select(RoutingRule)).scalars()}

    # ------------------------------------------------------------------------------------------ helpers
    def add(self, obj):
        self.s.add(obj)
        return obj

    def unit(self, name: str, **kw) -> Unit:
        if name not in self.units:
            unit = self.s.execute(select(Unit).where(Unit.name == name)).scalar_one_or_none()
            if unit is None:
                unit = self.add(Unit(name=name, **kw))
            self.units[name] = unit
        return self.units[name]

    def person(self, name: str, unit: str | None, title: str, *, leader: bool = False,
               political: str = "中共党员", rank: str | None = None, phone: str | None = None) -> Person:
        p = self.add(Person(
            name=name, unit=self.unit(unit) if unit else None, title=title, is_leadership=leader,
            political_status=political, rank=rank, phone=phone or f"010-6233{self.rng.randint(1000, 9999)}",
        ))
        self.people[name] = p
        return p

    def p(self, name: str) -> Person:
        return self.people[name]

    def event(self, obj, to_value: str, from_value: str | None, at: str, actor: str, note: str | None = None,
              field: str = "status"):
        self.add(StatusEvent(
            entity=obj.__tablename__, entity_id=obj.id, field=field, from_value=from_value, to_value=to_value,
            actor=actor, at=datetime.fromisoformat(at), note=note,
        ))

    # ------------------------------------------------------------------------------------------ build
    def build(self):
        self.org()
        self.users()
        self.plan_and_rounds()
        self.inspections()
        self.s.flush()
        self.i1_mechanical()
        self.i2_computer()
        self.i3_materials()
        self.i4_library()
        self.i0_student_affairs_2025()
        self.i5_student_affairs()
        self.i6_logistics()
        self.round_outcomes()
        self.s.flush()
        self.archives()
        self.status_events()
        self.bulletins()
        self.imported()

    # ------------------------------------------------------------------------------------------ organisation
    def org(self):
        for name in ("纪委监察室", "党委组织部", "审计室", "党委办公室", "党委宣传部", "工会", "人事处", "财务处",
                     "资产处", "巡察工作办公室"):
            self.unit(name, kind="职能部门")
        # 六（二）1 "其他问题移送相关单位（部门）": 巡察办 has set 资产处 up to receive transfers too.
        self.unit("资产处").is_receiving = True
        self.unit("机械工程学院", kind="教学科研单位", short_name="机械学院", party_org_name="机械工程学院党委", staff_count=186)
        self.unit("材料科学与工程学院", kind="教学科研单位", short_name="材料学院", party_org_name="材料科学与工程学院党委", staff_count=142)
        self.unit("计算机与通信工程学院", kind="教学科研单位", short_name="计通学院", party_org_name="计算机与通信工程学院党委", staff_count=95)
        self.unit("党委学生工作部", kind="党政管理部门", short_name="学工部", party_org_name="机关党委学生工作部党支部", staff_count=38)
        self.unit("后勤集团", kind="其他直属机构", short_name="后勤", party_org_name="后勤党委", staff_count=120)
        self.unit("图书馆", kind="其他直属机构", short_name="图书馆", party_org_name="图书馆党总支", staff_count=60)
        for name in ("机械工程学院", "材料科学与工程学院", "计算机与通信工程学院", "党委学生工作部", "后勤集团", "图书馆"):
            u = self.units[name]
            u.contact = u.contact or f"{u.short_name}办公室 010-6233{self.rng.randint(1000, 9999)}"

        P = self.person
        # 校领导 and 职能部门
        P("刘振华", None, "党委书记", leader=True, rank="正局级")
        P("陈志远", None, "党委副书记、纪委书记，巡察工作领导小组组长", leader=True, rank="副局级")
        P("赵立新", "巡察工作办公室", "巡察办主任", rank="正处级")
        P("孙雅琴", "巡察工作办公室", "巡察办副主任", rank="副处级")
        P("韩磊", "巡察工作办公室", "巡察办科员、系统管理员", rank="科员")
        P("钱志强", "纪委监察室", "纪委副书记、监察室主任", rank="正处级")
        P("许晓燕", "纪委监察室", "纪检监察科科长", rank="正科级")
        P("周海涛", "党委组织部", "党委组织部部长", rank="正处级")
        P("吴佳", "党委组织部", "干部科科长", rank="正科级")
        P("郑国华", "审计室", "审计室主任", rank="正处级")
        P("冯振宇", "党委办公室", "党委办公室主任", rank="正处级")
        P("邱文静", "党委宣传部", "新闻中心主任", rank="正科级")
        P("蔡永红", "财务处", "财务处副处长", rank="副处级")
        P("陶然", "人事处", "人事处副处长", rank="副处级")
        # 巡察组成员 (抽调)
        P("王建国", "人事处", "巡察专员（原人事处处长）", rank="正处级")
        P("李红梅", "审计室", "审计室副主任", rank="副处级")
        P("张伟", "财务处", "会计核算科科长", rank="正科级")
        P("刘洋", "党委宣传部", "理论科科长", rank="正科级")
        P("陈静", "党委办公室", "秘书科副科长", rank="副科级")
        P("杨光明", "党委组织部", "巡察专员（原组织部副部长）", rank="正处级")
        P("黄丽", "纪委监察室", "纪委监察室副主任", rank="副处级")
        P("赵磊", "资产处", "资产管理科科长", rank="正科级")
        P("周敏", "工会", "工会组织部部长", rank="正科级")
        P("林芳", "人事处", "人事处副处长", rank="副处级")
        P("徐涛", "审计室", "工程审计科科长", rank="正科级")
        P("马晓", "党委组织部", "组织科副科长", rank="副科级")
        # 机械工程学院
        P("孙志刚", "机械工程学院", "党委书记", leader=True, rank="正处级")
        P("吕建华", "机械工程学院", "院长", leader=True, rank="正处级")
        P("何晓东", "机械工程学院", "副院长", leader=True, rank="副处级")
        P("高峰", "机械工程学院", "党委副书记", leader=True, rank="副处级")
        P("朱丽娜", "机械工程学院", "学院办公室主任", rank="正科级")
        P("林国栋", "机械工程学院", "教授、机械设计系主任")
        P("宋雨桐", "机械工程学院", "讲师", political="群众")
        P("钟明", "机械工程学院", "实验中心主任")
        # 材料科学与工程学院
        P("郭庆华", "材料科学与工程学院", "党委书记", leader=True, rank="正处级")
        P("罗海燕", "材料科学与工程学院", "院长", leader=True, rank="正处级")
        P("梁文斌", "材料科学与工程学院", "副院长", leader=True, rank="副处级")
        P("宋佳", "材料科学与工程学院", "党委副书记", leader=True, rank="副处级")
        P("谢婷", "材料科学与工程学院", "学院办公室主任（巡察联络人）", rank="正科级")
        P("韩冰", "材料科学与工程学院", "副教授")
        P("唐敏", "材料科学与工程学院", "财务秘书", political="群众")
        # 计算机与通信工程学院
        P("邓卫东", "计算机与通信工程学院", "党委书记", leader=True, rank="正处级")
        P("曹宇", "计算机与通信工程学院", "院长", leader=True, rank="正处级")
        P("彭立", "计算机与通信工程学院", "副院长", leader=True, rank="副处级")
        P("曾琳", "计算机与通信工程学院", "学院办公室主任", rank="正科级")
        P("萧然", "计算机与通信工程学院", "副教授", political="民盟盟员")
        # 党委学生工作部
        P("袁伟", "党委学生工作部", "部长", leader=True, rank="正处级")
        P("蒋红", "党委学生工作部", "副部长", leader=True, rank="副处级")
        P("沈涛", "党委学生工作部", "副部长、学生资助管理中心主任", leader=True, rank="副处级")
        P("潘悦", "党委学生工作部", "综合办公室主任", rank="正科级")
        P("丁一凡", "党委学生工作部", "辅导员", political="中共党员")
        # 后勤集团
        P("魏建军", "后勤集团", "后勤党委书记", leader=True, rank="正处级")
        P("田志明", "后勤集团", "总经理", leader=True, rank="正处级")
        P("任勇", "后勤集团", "副总经理", leader=True, rank="副处级")
        P("姜华", "后勤集团", "综合办公室主任", rank="正科级")
        P("范斌", "后勤集团", "饮食服务中心主任", rank="正科级")
        # 图书馆
        P("方明", "图书馆", "党总支书记", leader=True, rank="正处级")
        P("石磊", "图书馆", "馆长", leader=True, rank="正处级")
        P("董雪", "图书馆", "副馆长", leader=True, rank="副处级")
        P("廖静", "图书馆", "馆办公室主任", rank="正科级")

    def users(self):
        taken = set(self.s.execute(select(Person.username).where(Person.username.is_not(None))).scalars())
        for login, (role_name, person_name) in DEMO_USERS.items():
            person = self.p(person_name)
            user = self.sm.find_user(username=login)
            if user is None:
                email = f"{login}@{EMAIL_DOMAIN}"
                user = self.sm.add_user(
                    login, person_name[1:], person_name[0], email, self.sm.find_role(role_name),
                    password=DEMO_PASSWORD, commit=False,
                )
                if not user:
                    raise click.ClickException(f"无法创建演示用户 {login}（用户名或邮箱可能已被占用）。")
            if login not in taken:
                person.username = login

    # ------------------------------------------------------------------------------------------ 一、启动巡察
    def plan_and_rounds(self):
        p = self.p
        plan = self.plan = self.add(AnnualPlan(
            year=DEMO_YEAR, title=PLAN_TITLE,
            targets="第一轮（常规巡察）：机械工程学院党委、材料科学与工程学院党委、计算机与通信工程学院党委、图书馆党总支；\n"
                    "第二轮（巡察整改“回头看”）：机关党委学生工作部党支部、后勤党委。",
            task_plan="围绕党的领导、党的建设、全面从严治党、党风廉政建设和反腐败斗争、重点领域风险防控、"
                      "落实上一轮巡视（督查）整改情况六个方面开展政治巡察；全年组建3个巡察组，"
                      "第一轮3月中旬进驻，第二轮11月上旬进驻，每次巡察工作时间1个月左右。",
        ))
        self.add(PlanApproval(plan=plan, body="领导小组", approved_on=d("2026-01-09"),
                              meeting_name="巡察工作领导小组2026年第1次会议", note="原则同意，提请党委常委会审议。"))
        self.add(PlanApproval(plan=plan, body="党委常委会", approved_on=d("2026-01-15"),
                              meeting_name="党委常委会2026年第2次会议", note="审议通过年度巡察工作计划及组长人选。"))
        self.add(LeaderNomination(plan=plan, person=p("王建国"), note="第一巡察组、第三巡察组组长建议人选"))
        self.add(LeaderNomination(plan=plan, person=p("杨光明"), note="第二巡察组组长建议人选"))

        self.r0 = self.add(Round(
            name="2025年第二轮巡察", year=2025, kind="常规", starts_on=d("2025-10-13"), ends_on=d("2025-12-31"),
            note="系统上线前的历史轮次，巡察了党委学生工作部、后勤集团（学工部的整改台账已补录）；"
                 "作为2026年第二轮“回头看”的上一轮。",
        ))
        self.r1 = self.add(Round(plan=plan, name="2026年第一轮巡察", year=2026, kind="常规",
                                 starts_on=d("2026-03-05"), ends_on=d("2026-07-31")))
        self.r2 = self.add(Round(plan=plan, name="2026年第二轮巡察", year=2026, kind="回头看",
                                 starts_on=d("2026-10-29"), ends_on=d("2027-01-31"), previous_round=self.r0,
                                 note="对2025年第二轮巡察整改落实情况开展“回头看”。"))

        def team(rnd, name, phone, email, room, members, signed):
            t = self.add(Team(round=rnd, name=name, phone=phone, email=email,
                              reception=f"工作日 8:30-17:00，{room}", mailbox_location="被巡察单位办公楼一层大厅"))
            for person, role, dept, duties in members:
                self.add(TeamMember(team=t, person=p(person), role=role, seconded_from=self.unit(dept),
                                    duties=duties, commitment_signed_on=d(signed)))
            return t

        self.t1 = team(self.r1, "第一巡察组", "010-62334101", "xcz1@demo.xct.edu.cn", "主楼 412 室", [
            ("王建国", "组长", "人事处", "全面负责，主持组务会，审阅谈话记录"),
            ("李红梅", "副组长", "审计室", "协助组长，负责财务、资产和科研经费方面"),
            ("张伟", "成员", "财务处", "个别谈话、调阅资料、信访登记"),
            ("刘洋", "成员", "党委宣传部", "意识形态、宣传思想工作；公告和新闻稿"),
            ("陈静", "成员", "党委办公室", "会议记录、材料管理、立卷归档"),
        ], "2026-03-05")
        self.t2 = team(self.r1, "第二巡察组", "010-62334102", "xcz2@demo.xct.edu.cn", "主楼 415 室", [
            ("杨光明", "组长", "党委组织部", "全面负责"),
            ("黄丽", "副组长", "纪委监察室", "协助组长，负责信访和问题线索"),
            ("赵磊", "成员", "资产处", "资产、采购方面；调阅资料"),
            ("周敏", "成员", "工会", "座谈会、走访调研、会议记录"),
        ], "2026-03-05")
        self.t3 = team(self.r2, "第三巡察组", "010-62334103", "xcz3@demo.xct.edu.cn", "主楼 412 室", [
            ("王建国", "组长", "人事处", "全面负责"),
            ("林芳", "副组长", "人事处", "协助组长，负责选人用人和干部队伍建设"),
            ("张伟", "成员", "财务处", "资助资金、经营收支；信访登记"),
            ("徐涛", "成员", "审计室", "基建维修、采购项目"),
            ("马晓", "成员", "党委组织部", "基层党建、会议记录"),
        ], "2026-10-29")

        self.t0 = team(self.r0, "2025年第二轮第二巡察组", "010-62334102", "xcz2@demo.xct.edu.cn", "主楼 415 室", [
            ("杨光明", "组长", "党委组织部", "全面负责"),
            ("周敏", "成员", "工会", "座谈会、走访调研、会议记录"),
        ], "2025-10-13")

        # Round-level meetings and speeches (附件1)
        for rnd, held, train in ((self.r1, "2026-03-05", "2026-03-06"), (self.r2, "2026-10-29", "2026-10-30")):
            self.add(Meeting(
                round=rnd, kind="动员部署会", title=f"{rnd.name}动员部署会", held_on=d(held), place="主楼第一会议室",
                host=p("陈志远"), attendees="领导小组成员，各巡察组全体人员，巡察办全体人员",
                agenda="1. 传达学习中央和教育部党组巡视巡察工作精神\n2. 宣布巡察组组长授权任职及任务分工的决定\n"
                       "3. 巡察组组长表态发言\n4. 领导小组负责同志作动员讲话\n5. 巡察组人员签订工作纪律承诺书",
                recorder=p("孙雅琴"),
            ))
            self.add(Meeting(
                round=rnd, kind="培训", title=f"{rnd.name}巡察组业务培训", held_on=d(train), place="主楼第三会议室",
                host=p("赵立新"), attendees="各巡察组全体人员",
                agenda="巡察工作流程、个别谈话方法、问题线索处置、保密纪律", recorder=p("韩磊"),
            ))
            self.add(Speech(round=rnd, speaker=p("陈志远"), occasion="动员部署会",
                            body="同志们：今天召开巡察工作动员部署会，主要任务是深入学习贯彻中央和教育部党组关于巡视巡察工作的部署要求……"
                                 "各巡察组要坚守政治巡察定位，发现问题、形成震慑、推动改革、促进发展。",
                            filed_on=d(held)))

    def inspections(self):
        U, p = self.units, self.p

        def insp(rnd, team, unit, no, **dates):
            return self.add(Inspection(round=rnd, team=team, unit=U[unit], notice_no=no,
                                       **{k: (d(v) if isinstance(v, str) and k != "note" else v) for k, v in dates.items()}))

        self.i1 = insp(self.r1, self.t1, "机械工程学院", "校巡通〔2026〕1号", notice_date="2026-03-10",
                       entry_date="2026-03-16", work_start="2026-03-16", work_end="2026-04-15",
                       committee_report_date="2026-04-23", feedback_date="2026-04-29", feedback_done_date="2026-04-30",
                       meeting_list_received_on="2026-03-16", liaison=p("朱丽娜"))
        self.i2 = insp(self.r1, self.t2, "计算机与通信工程学院", "校巡通〔2026〕2号", notice_date="2026-03-10",
                       entry_date="2026-03-16", work_start="2026-03-16", work_end="2026-04-15",
                       committee_report_date="2026-04-23", feedback_date="2026-04-29", feedback_done_date="2026-04-30",
                       meeting_list_received_on="2026-03-16", liaison=p("曾琳"))
        self.i3 = insp(self.r1, self.t1, "材料科学与工程学院", "校巡通〔2026〕3号", notice_date="2026-05-06",
                       entry_date="2026-05-11", work_start="2026-05-11", work_end="2026-06-10",
                       committee_report_date="2026-06-18", feedback_date="2026-06-24", feedback_done_date="2026-06-25",
                       meeting_list_received_on="2026-05-11", liaison=p("谢婷"),
                       note="通知于5月6日下发：5月9日（周六）为劳动节调休工作日，计入工作日。")
        self.i4 = insp(self.r1, self.t2, "图书馆", "校巡通〔2026〕4号", notice_date="2026-05-07",
                       entry_date="2026-05-11", work_start="2026-05-11", work_end="2026-06-09",
                       committee_report_date="2026-06-18", feedback_date="2026-06-23", feedback_done_date="2026-06-24",
                       meeting_list_received_on="2026-05-12", liaison=p("廖静"),
                       note="会议清单于进驻次日提供，已要求单位说明情况。")
        self.i0 = insp(self.r0, self.t0, "党委学生工作部", "校巡通〔2025〕7号", notice_date="2025-10-15",
                       entry_date="2025-10-20", work_start="2025-10-20", work_end="2025-11-19",
                       committee_report_date="2025-11-27", feedback_date="2025-12-03", feedback_done_date="2025-12-04",
                       meeting_list_received_on="2025-10-20", liaison=p("潘悦"),
                       note="历史巡察，整改台账补录（七（二）：2026年第二轮“回头看”首先检查其整改落实情况）。")
        self.i5 = insp(self.r2, self.t3, "党委学生工作部", "校巡通〔2026〕5号", notice_date="2026-11-03",
                       entry_date="2026-11-09", work_start="2026-11-09", meeting_list_received_on="2026-11-09",
                       liaison=p("潘悦"))
        self.i6 = insp(self.r2, self.t3, "后勤集团", None, entry_date="2026-12-07", work_start="2026-12-07",
                       liaison=p("姜华"), note="拟于12月7日进驻，巡察通知待下发（应在12月1日至2日间下发）。")

    # ------------------------------------------------------------------------------------------ shared pieces
    def preparation(self, insp, *, briefings, plan_filed, entry_meetings=True, expected=None, present=None,
                    leader="王建国", host=None, secretary=None, announce=True, news=True):
        """二、了解准备 and 三（一）（二）: briefings, work plan, speech, 见面会, 动员会, announcement, news."""
        p = self.p
        for dept, briefer, held, method, content, material in briefings:
            self.add(Briefing(inspection=insp, department=self.unit(dept), briefer=briefer, held_on=d(held),
                              method=method, content=content, written_material=material,
                              recorder=p(self.member_of(insp, "成员"))))
        self.add(WorkPlan(
            inspection=insp,
            tasks=f"对{insp.unit.party_org_name}开展政治巡察，重点了解六个方面情况，"
                  "特别关注落实上一轮巡视整改、“三重一大”决策、科研经费和选人用人。",
            methods="听取汇报、列席会议、个别谈话、调阅资料、受理信访、问卷调查、走访调研、专题座谈。",
            schedule="第1周：进驻、动员、听取汇报；第2-3周：个别谈话、调阅资料、走访调研；"
                     "第4周：深入了解、组务会分析研判；结束后两周内形成巡察情况报告。",
            division="组长全面负责；副组长负责财务、资产方面；成员分工负责谈话、信访、资料、会议记录和立卷归档。",
            filed_on=d(plan_filed) if plan_filed else None,
        ))
        entry = insp.entry_date
        if not entry_meetings:
            return
        self.add(Speech(inspection=insp, speaker=p(leader), occasion="动员会",
                        body=f"根据学校党委统一部署，{insp.team.name}今天正式进驻{insp.unit.name}开展巡察……"
                             "希望大家实事求是反映情况，积极支持配合巡察工作。",
                        filed_on=self.shift(entry, -3)))
        self.add(Meeting(inspection=insp, kind="见面会", title=f"{insp.unit.name}领导班子见面会", held_on=entry,
                         place=f"{insp.unit.short_name}第一会议室", host=p(leader),
                         attendees=f"巡察组全体成员，巡察办负责同志，{insp.unit.name}领导班子成员",
                         minutes="通报巡察工作任务，明确工作要求，就共同做好巡察工作交换意见；单位当日提供会议清单。",
                         recorder=p(self.member_of(insp, "成员"))))
        self.add(Meeting(inspection=insp, kind="动员会", title=f"巡察{insp.unit.name}工作动员会", held_on=entry,
                         place=f"{insp.unit.short_name}报告厅", host=p(host) if host else None,
                         expected_count=expected, present_count=present,
                         attendees="领导班子成员、党委委员、科级以上干部、高级职称教师、党支部书记、教代会代表、师生代表",
                         agenda="1. 巡察组组长作动员讲话\n2. 领导小组负责同志提出工作要求\n3. 党组织主要负责人表态发言",
                         minutes=f"单位组织签到并提交巡察组：应到{expected}人，实到{present}人。",
                         recorder=p(self.member_of(insp, "成员"))))
        if announce:
            day = self.shift(entry, 1)
            self.add(Announcement(
                inspection=insp,
                body=f"根据学校党委统一部署，{insp.team.name}自{entry.month}月{entry.day}日起对{insp.unit.party_org_name}开展"
                     f"为期1个月左右的巡察。巡察期间受理反映{insp.unit.name}领导班子及其成员、中层干部问题的来信来电来访，"
                     f"联系电话：{insp.team.phone}，邮箱：{insp.team.email}，意见箱设在{insp.team.mailbox_location}。",
                published_oa_on=day, posted_on_site_on=day, posted_on_premises_on=day))
        if news:
            self.add(NewsRelease(inspection=insp, stage="动员", title=f"学校党委第{insp.team.name[1]}巡察组巡察{insp.unit.name}工作动员会召开",
                                 body=f"{entry.month}月{entry.day}日，学校党委巡察{insp.unit.name}工作动员会召开……",
                                 leader_approved_on=self.shift(entry, 1), published_on=self.shift(entry, 1)))

    def member_of(self, insp, role):
        for m in insp.team.members:
            if m.role == role:
                return m.person.name
        raise KeyError(role)

    @staticmethod
    def shift(day: date, n: int) -> date:
        return day + timedelta(days=n)

    def meeting(self, insp, kind, title, held, *, host=None, recorder=None, minutes=None, attendees=None, place=None,
                agenda=None):
        return self.add(Meeting(inspection=insp, kind=kind, title=title, held_on=d(held), place=place,
                                host=self.p(host) if host else None, recorder=self.p(recorder) if recorder else None,
                                minutes=minutes, attendees=attendees, agenda=agenda))

    def talk(self, insp, who, held, interviewers, record, *, category="领导班子成员", recorder=None, reviewed=None,
             single_approved=None, place="巡察组谈话室"):
        p = self.p
        t = self.add(Talk(
            inspection=insp, interviewee=p(who), held_on=d(held), place=place, interviewee_category=category,
            outline="1. 对单位落实党的领导、党的建设情况的评价\n2. 对领导班子和主要负责人的评价\n"
                    "3. 对“三重一大”、选人用人、经费管理的意见\n4. 其他需要反映的问题",
            record=record, recorder=p(recorder or interviewers[-1]),
            reviewed_by=p(self.member_of(insp, "组长")) if reviewed else None,
            reviewed_on=d(reviewed) if reviewed else None,
        ))
        t.interviewers = [p(n) for n in interviewers]
        if single_approved:
            t.single_approved_by = p(self.member_of(insp, "组长"))
            t.single_approved_on = d(single_approved)
        return t

    def material(self, insp, name, provider, received, *, by, copies=1, pages=None, classification="非密",
                 original=False, important=False, approved=None, returned=None, events=(), note=None):
        p = self.p
        m = self.add(Material(
            inspection=insp, name=name, provider_unit=insp.unit, provider_name=provider, copies=copies, pages=pages,
            received_on=d(received), received_by=p(by), classification=classification, is_original=original,
            is_important=important, approved_by=p(self.member_of(insp, "组长")) if approved else None,
            approved_on=d(approved) if approved else None, custodian=p(by),
            returned_on=d(returned) if returned else None, note=note,
        ))
        self.add(CustodyEvent(material=m, kind="接收", happened_on=d(received), handled_by=p(by), note="登记入《巡察组接收材料记录表》"))
        for kind, day, who, what in events:
            self.add(CustodyEvent(material=m, kind=kind, happened_on=d(day), handled_by=p(who), note=what))
        if returned:
            self.add(CustodyEvent(material=m, kind="归还", happened_on=d(returned), handled_by=p(by), note=f"归还{provider}，双方签字"))
        return m

    def clue(self, insp, code, source, category, leadership, summary, *, status="登记", disposal=None, rule=None,
             department=None, persons=(), decision_on=None, reason=None, **links):
        c = self.add(Clue(
            inspection=insp, code=code, source=source, category=category, involves_leadership=leadership,
            summary=summary, status=status, disposal=disposal,
            routing_rule=self.rules.get(rule) if rule else None,
            department=self.unit(department) if department else None, proposal_reason=reason,
            decision_on=d(decision_on) if decision_on else None,
            decision_meeting="党委常委会" + ("2026年第12次会议" if decision_on and decision_on < "2026-06-01" else "2026年第18次会议") if decision_on else None,
            decision="同意巡察组分类处置意见" if decision_on else None, **links,
        ))
        c.persons = [self.p(n) for n in persons]
        return c

    def finding(self, insp, seq, aspect, summary, detail, *, talks=(), clues=(), petitions=(), materials=(), general=False):
        f = self.add(Finding(inspection=insp, seq=seq, aspect=aspect, summary=summary, detail=detail, is_general=general))
        f.talks, f.clues, f.petitions, f.materials = list(talks), list(clues), list(petitions), list(materials)
        return f

    def recommend(self, insp, seq, text, findings):
        r = self.add(Recommendation(inspection=insp, seq=seq, text=text))
        r.findings = list(findings)
        return r

    def reporting(self, insp, *, drafted, office, leader, basic, body, org_eval, leader_eval, special=None):
        self.add(InspectionReport(inspection=insp, title=f"关于巡察{insp.unit.party_org_name}情况的报告",
                                  basic_situation=basic, body=body, drafted_on=d(drafted), office_reviewed_on=d(office),
                                  leader_reviewed_on=d(leader), special_report=special))
        self.add(TalkReport(inspection=insp, org_evaluation=org_eval, leader_evaluations=leader_eval,
                            drafted_on=d(drafted)))
        self.add(Meeting(inspection=insp, kind="常委会汇报", title=f"{insp.team.name}向党委常委会汇报巡察{insp.unit.name}情况",
                         held_on=insp.committee_report_date, place="主楼第一会议室", host=self.p("刘振华"),
                         attendees="党委常委全体成员；领导小组成员单位主要负责人列席",
                         minutes="常委会听取汇报，原则同意巡察情况报告和反馈意见，要求按会议意见修改后反馈。"))

    def feedback(self, insp, *, doc_no, approved, overall, secretary, head):
        p, fb_day, done_day = self.p, insp.feedback_date, insp.feedback_done_date
        leader = self.member_of(insp, "组长")
        fb = self.add(Feedback(
            inspection=insp, doc_no=doc_no, overall=overall,
            opinion="一是提高政治站位，切实履行全面从严治党主体责任；二是严格执行“三重一大”决策制度；"
                    "三是加强经费和资产管理；四是扎实推进上一轮巡视整改。",
            requirements="收到反馈意见后一周内召开领导班子专题民主生活会；10日内报送整改方案；"
                         "2个月内报送整改情况报告（含移交问题线索办理情况）。",
            plan=f"反馈时间：{fb_day.isoformat()}至{done_day.isoformat()}；方式：个别反馈、班子反馈、大会反馈；"
                 "参加人员：巡察组全体成员、巡察办负责同志、被巡察单位领导班子及中层干部。",
            leading_group_approved_on=d(approved),
        ))
        self.add(FeedbackSignature(feedback=fb, signer_role="巡察组组长", person=p(leader), signed_on=fb_day))
        self.add(FeedbackSignature(feedback=fb, signer_role="被巡察党组织主要负责人", person=p(secretary), signed_on=fb_day))
        self.add(FeedbackSignature(feedback=fb, signer_role="巡察办负责人", person=p("赵立新"), signed_on=fb_day))
        sessions = [
            (self.add(Meeting(inspection=insp, kind="个别反馈", title=f"向{insp.unit.name}主要负责人个别反馈", held_on=fb_day,
                              place="主楼412室", host=p(leader), attendees=f"{secretary}、{head}；巡察办赵立新陪同",
                              minutes="主要负责人作简短表态；三方在《巡察反馈签收单》上签字。")),
             [(leader, "巡察组组长"), ("赵立新", "巡察办负责同志"), (secretary, "党组织主要负责人"),
              (head, "行政主要负责人")]),
            (self.add(Meeting(inspection=insp, kind="班子反馈", title=f"向{insp.unit.name}领导班子反馈", held_on=fb_day,
                              place=f"{insp.unit.short_name}第一会议室", host=p("赵立新"), attendees="领导班子全体成员",
                              minutes="组长重点反馈突出问题，对领导班子成员的问题线索点事不点人；班子成员逐一表态，明确分管领域整改责任。")),
             [("赵立新", "巡察办负责同志"), (leader, "巡察组组长"), (secretary, "领导班子成员"), (head, "领导班子成员")]),
            (self.add(Meeting(inspection=insp, kind="大会反馈", title=f"巡察{insp.unit.name}反馈会", held_on=done_day,
                              place=f"{insp.unit.short_name}报告厅", host=p(secretary), attendees="全体中层干部和教职工代表",
                              minutes="组长宣读巡察反馈意见，巡察办负责同志提出整改要求，党组织主要负责人作表态发言。")),
             [(secretary, "党组织主要负责人"), (leader, "巡察组组长"), ("赵立新", "巡察办负责同志")]),
        ]
        for meeting, people in sessions:  # 五（三） who attends each session, as people
            for name, role in people:
                self.add(MeetingAttendee(meeting=meeting, person=p(name), role=role))
        self.s.flush()
        generate_feedback_items(insp)  # 五（一） the feedback's items, from the report's findings
        self.add(NewsRelease(inspection=insp, stage="反馈", title=f"学校党委巡察组向{insp.unit.party_org_name}反馈巡察情况",
                             body=f"{done_day.month}月{done_day.day}日，学校党委巡察组向{insp.unit.party_org_name}反馈巡察情况……",
                             leader_approved_on=done_day, office_approved_on=self.shift(done_day, 1),
                             published_on=self.shift(done_day, 1)))
        return fb

    def rebound(self, insp, previous_items, results):
        """七（二） the new inspection's check of each previous item; a 反弹 moves it and opens a new ledger row."""
        checker = self.p(self.member_of(insp, "组长"))
        for item, (result, note, day) in zip(previous_items, results):
            check = self.add(ReboundCheck(inspection=insp, previous_item=item, result=result, note=note,
                                          checked_on=d(day), checked_by=checker))
            if result == "反弹":
                self.s.flush()
                self.event(item, "反弹", item.status, f"{day}T16:00:00", "zuzhang", note)
                item.status = "反弹"
                check.new_item = self.add(RectificationItem(
                    inspection=insp, previous_item=item, seq=1, problem=f"（上一轮整改反弹）{item.problem}",
                    task=item.task, measures=item.measures, status="未启动", progress=note))

    def rectification(self, insp, *, secretary, life_meeting, plan, report=None, approved=None, notice=None, items=()):
        p = self.p
        if life_meeting:
            self.add(Meeting(inspection=insp, kind="专题民主生活会", title=f"{insp.unit.party_org_name}巡察整改专题民主生活会",
                             held_on=d(life_meeting), place=f"{insp.unit.short_name}第一会议室", host=p(secretary),
                             attendees="领导班子全体成员；巡察组、巡察办、组织部派员列席",
                             minutes="结合巡察反馈意见认领责任、对照检查，开展批评与自我批评，提出整改措施。"))
        r = self.add(Rectification(
            inspection=insp, first_responsible=p(secretary), plan_submitted_on=d(plan) if plan else None,
            report_submitted_on=d(report) if report else None, report_approved_on=d(approved) if approved else None,
            notice_text=(f"根据学校党委统一部署，{insp.team.name}对{insp.unit.party_org_name}进行了巡察并反馈了意见。"
                         "现将整改情况予以通报……") if notice else None,
            notice_unpublishable="涉及问题线索办理的事项按规定不予公开，已向巡察办备案说明。" if notice else None,
            notice_published_on=d(notice) if notice else None,
        ))
        out = []
        uploader = SimpleNamespace(username=insp.liaison.username or insp.liaison.name if insp.liaison else "被巡察单位")
        for seq, (finding, task, measures, who, lead, phase, due, status, progress, completed) in enumerate(items, 1):
            item = self.add(RectificationItem(
                inspection=insp, finding=finding, seq=seq, problem=finding.summary if finding else None, task=task,
                measures=measures, responsible=p(who), leader=p(lead), phase=phase, due_date=d(due), status="未启动",
                progress=progress, completed_on=d(completed) if completed else None,
            ))
            if status in ("待审核", "已销号"):
                # 六（一）: applying for and granting 销号 rest on evidence, added by the ledger's own step
                add_evidence(item, uploader, data=f"{task}：{progress or '整改佐证'}（演示）".encode(),
                             filename=f"{task}佐证材料.txt")
            item.status = status
            if status == "已销号":
                item.reviewed_by = p("孙雅琴")
                item.reviewed_on = self.shift(d(completed), 5) if completed else None
            out.append(item)
        return r, out

    def archive(self, insp, *, no, handed, items, by):
        vol = self.add(ArchiveVolume(inspection=insp, volume_no=no, title=f"{insp.round.name}巡察{insp.unit.party_org_name}档案",
                                     handed_over_on=d(handed) if handed else None, handed_by=by if handed else None,
                                     received_by="孙雅琴" if handed else None,
                                     override_reason="按纸质归档材料清单接收，电子文书未在系统中生成" if handed else None))
        for seq, (title, formed, copies, pages, cls, retention, kind) in enumerate(items, 1):
            self.add(ArchiveItem(volume=vol, seq=seq, title=title, formed_on=d(formed), copies=copies, pages=pages,
                                 classification=cls, retention=retention, kind=kind))
        return vol
