"""五、结果反馈 and 六（一）整改类 as use cases: feedback items from the report's findings, the ledger started from them,
the three sessions' attendees, the 签收单 step, the news release's approvals and publication, the rectification's
dated steps (专题民主生活会 D7, 方案 D8, 报告 D9) and the public notice draft (整改情况通报稿) as a Word document.

Each function changes the session and leaves the commit to the caller (one transaction per step).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import sqlalchemy as sa

from app.exports.render import render_docx
from app.extensions import db
from app.rules.approvers import NEWS_APPROVER_ROLES, NEWS_ROLE_REFUSAL, REPORT_APPROVER_ROLES, REPORT_ROLE_REFUSAL
from app.rules.feedback import SESSION_RULES, Session, delivered_on, news_problem, session_problems, signature_problems
from app.storage import store
from schema import (
    Document,
    Feedback,
    FeedbackItem,
    FeedbackSignature,
    Finding,
    Inspection,
    Meeting,
    MeetingAttendee,
    NewsRelease,
    Person,
    Recommendation,
    Rectification,
    RectificationItem,
)
from schema.enums import ASPECTS, ATTENDEE_ROLES, SIGNER_ROLES

from . import CommandError
from .approvals import news_approver_refusal, office_refusal, require_roles, signer_check
from .deadlines import DEMOCRATIC_MEETING
from .status import actor_name

# ---------------------------------------------------------------------------------------------- 反馈事项


def feedback_items(inspection: Inspection) -> list[FeedbackItem]:
    return list(db.session.scalars(sa.select(FeedbackItem).where(FeedbackItem.inspection_id == inspection.id)
                                   .order_by(FeedbackItem.seq, FeedbackItem.id)))


def generate_feedback_items(inspection: Inspection) -> int:
    """五（一） “巡察组根据巡察情况报告起草反馈意见”: one item per finding (by aspect, then seq), its recommendations
    linked and their text as the 整改要求. Findings that already have an item are left alone (the items are edited
    afterwards); answers how many were added."""
    findings = list(db.session.scalars(sa.select(Finding).where(Finding.inspection_id == inspection.id)))
    if not findings:
        raise CommandError("本次巡察尚未登记发现的问题，无法生成反馈事项（先在“发现的问题”中登记）", "findings")
    order = {a: i for i, a in enumerate(ASPECTS)}
    findings.sort(key=lambda f: (order.get(f.aspect, 99), f.seq or 0, f.id))
    existing = feedback_items(inspection)
    done = {i.finding_id for i in existing if i.finding_id}
    seq = max((i.seq or 0 for i in existing), default=0)
    recs = list(db.session.scalars(sa.select(Recommendation).where(Recommendation.inspection_id == inspection.id)
                                   .order_by(Recommendation.seq, Recommendation.id)))
    added = 0
    for finding in findings:
        if finding.id in done:
            continue
        linked = [r for r in recs if finding in r.findings]
        seq += 1
        db.session.add(FeedbackItem(
            inspection_id=inspection.id, finding=finding, seq=seq, problem=f"【{finding.aspect}】{finding.summary}",
            requirement="\n".join(r.text for r in linked) or None, recommendations=linked))
        added += 1
    return added


def start_ledger(inspection: Inspection) -> int:
    """六（一）3 the ledger's 问题清单 from the feedback items: one row per item, each keeping its finding; an item whose
    finding (or, without one, whose problem text) already has a row adds nothing. Answers how many rows were added."""
    items = feedback_items(inspection)
    if not items:
        raise CommandError("尚无反馈事项：请先“从巡察报告生成反馈事项”", "feedback_items")
    rows = list(db.session.scalars(sa.select(RectificationItem).where(
        RectificationItem.inspection_id == inspection.id)))
    findings = {r.finding_id for r in rows if r.finding_id}
    problems = {(r.problem or "").strip() for r in rows}
    seq = max((r.seq or 0 for r in rows), default=0)
    added = 0
    for item in items:
        if (item.finding_id and item.finding_id in findings) or (not item.finding_id and item.problem.strip() in problems):
            continue
        seq += 1
        db.session.add(RectificationItem(
            inspection_id=inspection.id, finding_id=item.finding_id, seq=seq, problem=item.problem,
            task=item.requirement or f"针对“{item.problem[:60]}”制定整改措施", status="未启动"))
        added += 1
    return added


# ---------------------------------------------------------------------------------------------- 三个层次的反馈


def sessions(inspection: Inspection) -> list[Session]:
    """The inspection's feedback meetings as the rule sees them (app.rules.feedback.session_problems)."""
    meetings = list(db.session.scalars(sa.select(Meeting).where(
        Meeting.inspection_id == inspection.id, Meeting.kind.in_(tuple(SESSION_RULES)))
        .order_by(Meeting.held_on, Meeting.id)))
    rows = db.session.execute(sa.select(MeetingAttendee.meeting_id, MeetingAttendee.person_id, MeetingAttendee.role)
                              .where(MeetingAttendee.meeting_id.in_([m.id for m in meetings]))).all()
    out = []
    for m in meetings:
        mine = [r for r in rows if r.meeting_id == m.id]
        host_role = next((r.role for r in mine if r.person_id == m.host_id), None) if m.host_id else None
        out.append(Session(m.kind, m.held_on, {r.role for r in mine}, host_role))
    return out


def add_attendee(meeting: Meeting, person: Person | None, role: str, note: str | None = None) -> MeetingAttendee:
    if person is None:
        raise CommandError("请选择参加人员", "person")
    if role not in ATTENDEE_ROLES:
        raise CommandError(f"身份必须是以下之一：{'、'.join(ATTENDEE_ROLES)}", "role")
    if db.session.scalar(sa.select(MeetingAttendee.id).where(MeetingAttendee.meeting_id == meeting.id,
                                                            MeetingAttendee.person_id == person.id)):
        raise CommandError(f"{person.name}已在参加人员中", "person")
    row = MeetingAttendee(meeting_id=meeting.id, person_id=person.id, role=role, note=(note or "").strip() or None)
    db.session.add(row)
    return row


# ---------------------------------------------------------------------------------------------- 签收单


def signer_candidates(inspection: Inspection) -> list[Person]:
    """Whom the 签收单's dropdown offers (五（三）1): the inspected unit's people for its party organisation, and the
    users and the leadership for the team and 巡察办; sign() then checks the person against the party."""
    return list(db.session.scalars(sa.select(Person).where(sa.or_(
        Person.unit_id == inspection.unit_id, Person.username.is_not(None), Person.is_leadership.is_(True)))
        .order_by(Person.name)))


def signatures_of(feedback: Feedback) -> dict[str, tuple[int | None, date | None]]:
    return {s.signer_role: (s.person_id, s.signed_on) for s in feedback.signatures}


def sign(feedback: Feedback, role: str, person: Person | None, on: date | None) -> FeedbackSignature:
    """One signer signs the 签收单 (附件22). When the third has signed, the feedback counts as delivered: the
    inspection's feedback_date (D6 done, the D7–D9 anchor) becomes the day the 签收单 was complete."""
    if role not in SIGNER_ROLES:
        raise CommandError(f"签字人身份必须是以下之一：{'、'.join(SIGNER_ROLES)}", "signer_role")
    if person is None:
        raise CommandError("请选择签字人", "person")
    if on is None:
        raise CommandError("请填写签字日期", "signed_on")
    inspection = feedback.inspection
    individual = db.session.scalar(sa.select(sa.func.min(Meeting.held_on)).where(
        Meeting.inspection_id == inspection.id, Meeting.kind == "个别反馈"))
    if individual is None:
        raise CommandError("尚未记录个别反馈：签收单在个别反馈后签字（五（三）1）", "signed_on")
    if on < individual:
        raise CommandError(f"签字日期不能早于个别反馈日期（{individual.isoformat()}）——“反馈后……在《巡察反馈签收单》上签字”",
                           "signed_on")
    refusal = signer_check(inspection, role, person)  # 五（三）1: each party signs for itself (issue 13, item 2)
    if refusal:
        raise CommandError(refusal, "person")
    row = next((s for s in feedback.signatures if s.signer_role == role), None)
    if row is None:
        row = FeedbackSignature(signer_role=role)
        feedback.signatures.append(row)
    row.person, row.person_id, row.signed_on = person, person.id, on
    day = delivered_on(signatures_of(feedback))
    if day is not None:
        inspection.feedback_date = day
    return row


# ---------------------------------------------------------------------------------------------- 新闻稿


def approve_news(news: NewsRelease, who: str, on: date | None) -> None:
    """审定: who is "leader" (巡察组组长) or "office" (巡察办, feedback news only)."""
    require_roles(NEWS_APPROVER_ROLES.get(who, frozenset()), NEWS_ROLE_REFUSAL, "who")
    if on is None:
        raise CommandError("请填写审定日期", "approved_on")
    if news.published_on:
        raise CommandError("新闻稿已发布，不能再审定", "published_on")
    refusal = news_approver_refusal(news, who)  # 五（四）: the team's 组长, and 巡察办 (issue 13, item 2)
    if refusal:
        raise CommandError(refusal, "who")
    if who == "leader":
        news.leader_approved_on = on
    elif who == "office" and news.stage == "反馈":
        news.office_approved_on = on
    else:
        raise CommandError("审定人只能是巡察组组长，反馈新闻稿还须巡察办审定", "who")


def publish_news(news: NewsRelease, on: date | None) -> None:
    """发布, refused while an approval the procedure asks for is missing (app.rules.feedback.news_problem)."""
    if on is None:
        raise CommandError("请填写发布日期", "published_on")
    problem = news_problem(news.stage, news.leader_approved_on, news.office_approved_on, on)
    if problem:
        raise CommandError(problem[1], problem[0])
    news.published_on = on


def news_write_problem(news: NewsRelease) -> tuple[str, str] | None:
    """The record rule of the news screens and REST PUT/POST: the same rule as the publish step."""
    return news_problem(news.stage, news.leader_approved_on, news.office_approved_on, news.published_on)


# ---------------------------------------------------------------------------------------------- 整改 (六（一）)


def rectification_of(inspection: Inspection) -> Rectification:
    row = db.session.scalar(sa.select(Rectification).where(Rectification.inspection_id == inspection.id))
    if row is None:
        row = Rectification(inspection_id=inspection.id, inspection=inspection)
        db.session.add(row)
    return row


def _after_feedback(inspection: Inspection, on: date | None, what: str, field: str) -> date:
    if on is None:
        raise CommandError(f"请填写{what}日期", field)
    if inspection.feedback_date is None:
        raise CommandError("尚未完成反馈（《巡察反馈签收单》未签齐）：“被巡察党组织接到反馈意见后”方可办理", field)
    if on < inspection.feedback_date:
        raise CommandError(f"{what}日期不能早于反馈日期（{inspection.feedback_date.isoformat()}）", field)
    return on


def record_life_meeting(inspection: Inspection, held_on: date | None, host: Person | None,
                        minutes: str | None = None) -> Meeting:
    """六（一）2 “应在一周内召开领导班子专题民主生活会” (D7 reads this meeting's date)."""
    _after_feedback(inspection, held_on, "专题民主生活会召开", "held_on")
    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.inspection_id == inspection.id,
                                                         Meeting.kind == DEMOCRATIC_MEETING))
    if meeting is None:
        meeting = Meeting(inspection_id=inspection.id, kind=DEMOCRATIC_MEETING,
                          title=f"{inspection.unit.party_org_name or inspection.unit.name}巡察整改专题民主生活会")
        db.session.add(meeting)
    meeting.held_on, meeting.host = held_on, host
    meeting.minutes = (minutes or "").strip() or meeting.minutes
    return meeting


def submit_plan(inspection: Inspection, on: date | None) -> Rectification:
    """六（一）3 “于反馈后10日内制定巡察整改方案报巡察办” (D8)."""
    rect = rectification_of(inspection)
    rect.plan_submitted_on = _after_feedback(inspection, on, "整改方案报送", "plan_submitted_on")
    return rect


def submit_report(inspection: Inspection, on: date | None) -> Rectification:
    """六（一）4 “应在2个月内将整改情况报告……报巡察办” (D9)."""
    rect = rectification_of(inspection)
    if rect.plan_submitted_on is None:
        raise CommandError("请先报送整改方案", "plan_submitted_on")
    on = _after_feedback(inspection, on, "整改情况报告报送", "report_submitted_on")
    if on < rect.plan_submitted_on:
        raise CommandError("整改情况报告报送日期不能早于整改方案报送日期", "report_submitted_on")
    rect.report_submitted_on = on
    return rect


def approve_report(inspection: Inspection, on: date | None) -> Rectification:
    """六（一）5 “整改情况报告经领导小组批准后” the notice may be drafted."""
    require_roles(REPORT_APPROVER_ROLES, REPORT_ROLE_REFUSAL, "report_approved_on")
    rect = rectification_of(inspection)
    if rect.report_submitted_on is None:
        raise CommandError("整改情况报告尚未报送，不能批准", "report_approved_on")
    if on is None or on < rect.report_submitted_on:
        raise CommandError("请填写不早于报送日期的批准日期", "report_approved_on")
    refusal = office_refusal("领导小组批准整改情况报告", "六（一）5 整改情况报告由巡察办报领导小组批准后记录")
    if refusal:
        raise CommandError(refusal, "report_approved_on")
    rect.report_approved_on = on
    return rect


# 六（一） the rectification's steps as the screen and the API offer them: step → (title, clause); each sets the
# date its deadline (D7, D8, D9) reads.
RECTIFICATION_STEPS = {
    "ledger": ("从反馈事项建立整改台账", None),
    "life_meeting": ("召开领导班子专题民主生活会", "六（一）2 被巡察党组织接到反馈意见后，应在一周内召开领导班子专题民主生活会"),
    "plan": ("报送整改方案", "六（一）3 于反馈后10日内制定巡察整改方案报巡察办"),
    "report": ("报送整改情况报告", "六（一）4 应在2个月内将整改情况报告……报巡察办"),
    "approve": ("领导小组批准整改情况报告", "六（一）5 整改情况报告经领导小组批准后……"),
}


def rectification_step(inspection: Inspection, step: str, on: date | None, minutes: str | None = None) -> dict:
    """Take one of RECTIFICATION_STEPS; the answer the API returns ({"added": n} for the ledger)."""
    if step == "ledger":
        return {"added": start_ledger(inspection)}
    if step == "life_meeting":
        record_life_meeting(inspection, on, rectification_of(inspection).first_responsible, minutes)
    elif step == "plan":
        submit_plan(inspection, on)
    elif step == "report":
        submit_report(inspection, on)
    elif step == "approve":
        approve_report(inspection, on)
    else:
        raise CommandError(f"未知的整改步骤「{step}」", "step")
    return {}


# ---------------------------------------------------------------------------------------------- 整改情况通报稿


@lru_cache(maxsize=1)
def _notice_template() -> bytes:
    """The house layout (seeds.make_templates.Form) with the notice's placeholders, rendered by docxtpl."""
    import io

    from seeds.make_templates import Form

    form = (Form().title("{{ party_org }}关于巡察整改情况的通报（稿）")
            .para("根据学校党委统一部署，{{ team }}于{{ work_start }}至{{ work_end }}对{{ party_org }}进行了巡察，"
                  "并于{{ feedback_date }}反馈了巡察意见。现将整改情况通报如下。")
            .h1("一、公开的整改事项")
            .rows(["序号", "问题", "整改措施", "整改进展", "状态"], "i in public",
                  ["{{ i.seq }}", "{{ i.problem }}", "{{ i.measures }}", "{{ i.progress }}", "{{ i.status }}"])
            .tag("{%p if not public %}").para("（无）").tag("{%p endif %}")
            .h1("二、不宜公开的事项（专门说明，报巡察办备案）")
            .rows(["序号", "问题", "状态"], "i in unpublishable", ["{{ i.seq }}", "{{ i.problem }}", "{{ i.status }}"])
            .tag("{%p if not unpublishable %}").para("（无）").tag("{%p endif %}")
            .para("说明：{{ explanation }}")
            .right("{{ party_org }}").right("{{ today }}"))
    out = io.BytesIO()
    form.doc.save(out)
    return out.getvalue()


def notice_context(inspection: Inspection) -> dict:
    rect = rectification_of(inspection)
    items = list(db.session.scalars(sa.select(RectificationItem).where(
        RectificationItem.inspection_id == inspection.id).order_by(RectificationItem.seq, RectificationItem.id)))

    def row(i):
        return {"seq": i.seq or "", "problem": i.problem or i.task, "measures": i.measures or "",
                "progress": i.progress or "", "status": i.status}

    fmt = lambda day: f"{day.year}年{day.month}月{day.day}日" if day else "（未定）"
    return {"party_org": inspection.unit.party_org_name or inspection.unit.name, "team": inspection.team.name,
            "work_start": fmt(inspection.work_start), "work_end": fmt(inspection.work_end),
            "feedback_date": fmt(inspection.feedback_date), "today": fmt(date.today()),
            "public": [row(i) for i in items if i.publishable],
            "unpublishable": [row(i) for i in items if not i.publishable],
            "explanation": rect.notice_unpublishable or "（待填写不宜公开事项的说明）"}


def notice_document(inspection: Inspection, user) -> Document:
    """六（一）5 “原则上所有整改情况均应公开，不宜公开的事项要专门作出说明”: the draft, stored under 文书."""
    rect = rectification_of(inspection)
    if rect.report_approved_on is None:
        raise CommandError("整改情况报告经领导小组批准后，方可起草整改情况通报稿（六（一）5）", "report_approved_on")
    data = render_docx(_notice_template(), notice_context(inspection))
    return store(data, f"整改情况通报稿（{inspection.unit.name}）.docx", title=f"整改情况通报稿：{inspection.unit.name}",
                 inspection_id=inspection.id, uploaded_by=actor_name(user))


def feedback_page(inspection: Inspection) -> dict:
    """What the feedback page shows: items, session problems, 签收单 state."""
    fb = db.session.scalar(sa.select(Feedback).where(Feedback.inspection_id == inspection.id))
    return {"items": feedback_items(inspection), "session_problems": session_problems(sessions(inspection)),
            "signature_problems": signature_problems(signatures_of(fb)) if fb else ["尚未登记反馈意见"]}
