"""The 24 附件: for each, the records it is filled from and the builder of its plain context (ATTACHMENTS.md).

A builder reads the records of one inspection through the caller's row scope (app.scope), so a document never
shows a row its reader could not open on a screen, and answers only dicts, lists, strings and numbers: templates
see no ORM object (app.exports.render).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from app.audit import MASK, READ_LOGGED
from app.extensions import db
from app.public_url import external_url
from app.rules.surveys import question_statistics
from app.scope import scoped as in_scope  # this module's scoped() lists rows
from app.stats import attachment_rows
from schema import (
    Announcement,
    ArchiveVolume,
    Briefing,
    Clue,
    Feedback,
    Finding,
    ImmediateFix,
    Inspection,
    InspectionReport,
    Material,
    Meeting,
    MeetingAttendee,
    Person,
    Petition,
    Recommendation,
    Survey,
    SurveyAnswer,
    SurveyResponse,
    Talk,
    TalkReport,
    Team,
    Transfer,
    Visit,
    WorkPlan,
)
from schema.enums import ASPECTS, SIGNER_ROLES

# DOMAIN.md §2: the report's and the feedback's headings, in the procedure's order; 其他 only when it has findings.
ASPECT_HEADINGS = {
    "党的领导": "（一）党的领导方面", "党的建设": "（二）党的建设方面", "全面从严治党": "（三）全面从严治党方面",
    "党风廉政建设和反腐败斗争": "（四）党风廉政建设和反腐败斗争方面", "重点领域风险防控": "（五）重点领域风险防控方面",
    "整改落实": "（六）落实上一轮巡视（督查）整改情况方面", "其他": "（七）其他方面",
}
SECRET = "秘密"  # the 密级 of a confidential 附件 (talks, petitions, clues, materials)  # nosec B105
REPORT_LENGTH = 3000  # 四（一）"总体篇幅一般在3000字左右"
LENGTH_TOLERANCE = 0.2


def fmt(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def name(person) -> str:
    return person.name if person is not None else ""


def scoped(model, *criteria, order=None) -> list:
    """Rows of `model` matching `criteria` that the current caller may see (noted in `contents()` when
    confidential)."""
    stmt = in_scope(sa.select(model).where(*criteria), model)
    rows = list(db.session.scalars(stmt.order_by(*(order or (model.id,)))))
    found = _contents.get()
    if found is not None and model in READ_LOGGED:
        found.setdefault(model, set()).update(r.id for r in rows)
    return rows


_contents: ContextVar[dict | None] = ContextVar("xct_attachment_contents", default=None)


@contextmanager
def contents() -> Iterator[dict[type, set[int]]]:
    """The confidential records (talks, petitions, clues, materials) the builders read inside the block, by model:
    a document made from them carries them (its read log, its 密级)."""
    token = _contents.set({})
    try:
        yield _contents.get()
    finally:
        _contents.reset(token)


def one(model, inspection: Inspection):
    rows = scoped(model, model.inspection_id == inspection.id)
    return rows[0] if rows else None


def base(inspection: Inspection) -> dict:
    team, unit = inspection.team, inspection.unit
    members = sorted(team.members, key=lambda m: ("组长", "副组长", "成员").index(m.role))
    leader = next((m.person.name for m in members if m.role == "组长"), "")
    return {
        "unit": unit.name, "party_org": unit.party_org_name or unit.name, "round": inspection.round.name,
        "team": team.name, "leader": leader, "team_phone": team.phone or "", "team_email": team.email or "",
        "reception": team.reception or "", "mailbox": team.mailbox_location or "",
        "members": "、".join(f"{m.person.name}（{m.role}）" for m in members),
        "notice_no": inspection.notice_no or "", "notice_date": fmt(inspection.notice_date),
        "entry_date": fmt(inspection.entry_date), "work_start": fmt(inspection.work_start),
        "work_end": fmt(inspection.work_end), "feedback_date": fmt(inspection.feedback_date),
        "liaison": name(inspection.liaison), "today": fmt(date.today()),
    }


REPORTER_ROLES = ("党组织主要负责人", "行政主要负责人", "领导班子成员")


def reporter(m: Meeting) -> str:
    """Who reported at a 听取汇报 (附件8's 汇报人, not the host who chaired it): the inspected unit's leaders among
    the meeting's attendees, else a person of the unit whom the record names just before 汇报 (…书记孙志刚汇报),
    else blank, to be filled in by hand."""
    named = [a.person.name for a in scoped(MeetingAttendee, MeetingAttendee.meeting_id == m.id,
                                           MeetingAttendee.role.in_(REPORTER_ROLES))]
    if named or m.inspection is None:
        return "、".join(named)
    text = f"{m.attendees or ''}；{m.minutes or ''}"
    people = db.session.scalars(sa.select(Person.name).where(Person.unit_id == m.inspection.unit_id)).all()
    return "、".join(p for p in dict.fromkeys(people) if re.search(re.escape(p) + r"(同志)?.{0,2}汇报", text))


def meeting_dict(m: Meeting) -> dict:
    return {"kind": m.kind, "title": m.title or m.kind, "held_on": fmt(m.held_on), "place": m.place or "",
            "host": name(m.host), "reporter": reporter(m) if m.kind == "听取汇报" else "", "attendees": m.attendees or "", "agenda": lines(m.agenda),
            "minutes": lines(m.minutes), "recorder": name(m.recorder), "expected_count": m.expected_count or "",
            "present_count": m.present_count or ""}


def meetings(inspection: Inspection, *kinds: str) -> list[Meeting]:
    return scoped(Meeting, Meeting.inspection_id == inspection.id, Meeting.kind.in_(kinds),
                  order=(Meeting.held_on, Meeting.id))


def findings_by_aspect(inspection: Inspection) -> tuple[list[dict], list[Finding]]:
    found = scoped(Finding, Finding.inspection_id == inspection.id, order=(Finding.seq, Finding.id))
    aspects = []
    for aspect in ASPECTS:
        mine = [{"seq": f.seq or i, "summary": f.summary, "detail": lines(f.detail)}
                for i, f in enumerate((f for f in found if f.aspect == aspect), 1)]
        if mine or aspect != "其他":
            aspects.append({"aspect": aspect, "heading": ASPECT_HEADINGS[aspect], "findings": mine})
    return aspects, found


# ---------------------------------------------------------------- one builder per 附件


def a01(i: Inspection) -> dict:
    rnd = i.round
    meeting = next(iter(scoped(Meeting, Meeting.round_id == rnd.id, Meeting.kind == "动员部署会")), None)
    teams = [{"name": t.name, "leader": next((m.person.name for m in t.members if m.role == "组长"), ""),
              "members": "、".join(f"{m.person.name}（{m.role}）" for m in t.members)}
             for t in scoped(Team, Team.round_id == rnd.id, order=(Team.name,))]
    return {**base(i), "meeting": meeting_dict(meeting) if meeting else {"title": f"{rnd.name}动员部署会"},
            "teams": teams}


def a03(i: Inspection) -> dict:
    rows = scoped(Briefing, Briefing.inspection_id == i.id, order=(Briefing.held_on, Briefing.id))
    return {**base(i), "briefings": [
        {"department": b.department.name if b.department else "", "briefer": b.briefer or "",
         "held_on": fmt(b.held_on), "method": b.method or "", "content": b.content or "",
         "written_material": b.written_material or "", "recorder": name(b.recorder)} for b in rows]}


def a04(i: Inspection) -> dict:
    plan = one(WorkPlan, i)
    return {**base(i), "tasks": lines(plan.tasks) if plan else [], "methods": lines(plan.methods) if plan else []}


def attendance_rule(staff: int | None) -> str:
    # DOMAIN.md §4, stated for the unit's headcount
    if staff is None:
        return "参会人数按教职工总人数确定（单位未登记教职工总人数）。"
    if staff >= 100:
        expected = max(100, -(-staff * 8 // 10))
        return (f"教职工总人数{staff}人（≥100人）：应参会人数不少于总人数的80%且不少于100人，"
                f"即不少于{expected}人；实到不少于应到的80%。")
    return f"教职工总人数{staff}人（<100人）：全体教职工参会；实到不少于应到的80%。"


def a05(i: Inspection) -> dict:
    found = meetings(i, "动员会")
    return {**base(i), "meeting": meeting_dict(found[0]) if found else {}, "attendance_rule": attendance_rule(
        i.unit.staff_count)}


def survey_stats(survey: Survey) -> list[dict]:
    """app.rules.surveys.question_statistics of the survey's answers (附件06 and 附件23 alike)."""
    return question_statistics(survey.questions, db.session.execute(
        sa.select(SurveyAnswer.question_id, SurveyAnswer.value).join(SurveyResponse)
        .where(SurveyResponse.survey_id == survey.id)).all())


def survey_rows(survey: Survey | None) -> list[tuple[str, str, object]]:
    """附件23's 问卷统计 sheet: 发放, 回收 and 录入统计 counts, then per question the answers and, per option, its
    count and percentage. The percentages are of the questionnaires entered; where fewer were entered than
    collected the sheet says so, so no figure contradicts 回收份数."""
    if survey is None:
        return []
    entered = db.session.scalar(sa.select(sa.func.count()).select_from(SurveyResponse)
                                .where(SurveyResponse.survey_id == survey.id)) or 0
    collected = survey.collected_count if survey.collected_count is not None else entered
    rows = [("问卷", "发放份数", survey.distributed_count or 0), ("问卷", "回收份数", collected),
            ("问卷", "录入统计份数", entered)]
    if entered != collected:
        rows.append(("问卷", "说明", f"以下按已录入的{entered}份统计（回收{collected}份）"))
    for q in survey_stats(survey):
        rows.append((f"第{q['seq']}题", f"{q['text']}（作答份数）", q["answered"]))
        rows += [(f"第{q['seq']}题", f"选“{o['option']}”", f"{o['count']}（{o['percent']:.1f}%）")
                 for o in q["options"]]
    return rows


KIND_MARKS = {"单选": "（单选）", "多选": "（可多选）", "文本": ""}
ANSWER_LINES = 4  # lines left to write on under an open question


def a06(i: Inspection) -> dict:
    """The questionnaire as handed out, to be answered on paper: the results are 附件23's 问卷统计 sheet."""
    survey = one(Survey, i)
    if survey is None:
        return {**base(i), "survey": {"title": "调查问卷", "questions": []}}
    questions = []
    for q in survey.questions:
        # the kind is said once: a question that already reads "（可多选）" gets no second mark
        mark = "" if "选）" in q.text else KIND_MARKS.get(q.kind, "")
        questions.append({"seq": q.seq, "text": f"{q.text}{mark}", "kind": q.kind,
                          "options": lines(q.options) if q.kind != "文本" else [],
                          "answer_lines": ["_" * 40] * (ANSWER_LINES if q.kind == "文本" else 0)})
    return {**base(i), "survey": {"title": survey.title, "instructions": lines(survey.instructions),
                                  "questions": questions}}


def intake_address(i: Inspection) -> str:
    """The public 码上巡察 page of the inspection (views.intake), for the 公告's 联系方式: at PUBLIC_URL when set (a job
    has no host of its own, app.public_url), else the request's host; "" when there is neither."""
    return (external_url("intake.page", token=i.intake_token) or "") if i.intake_token else ""


def a07(i: Inspection) -> dict:
    notice = one(Announcement, i)
    # 附件7 公告's 联系方式 gains the online box (三（二）4 意见箱): its address, and the same drawn as a QR code
    # (app.exports.render.QR_FIELDS turns `intake_qr` into an image)
    address = intake_address(i)
    return {**base(i), "body": lines(notice.body) if notice else [],
            "published_on": fmt(notice.published_oa_on) if notice else "", "intake_url": address,
            "intake_qr": address}


def record_of(*kinds: str) -> Callable[[Inspection], dict]:
    def build(i: Inspection) -> dict:
        return {**base(i), "meetings": [meeting_dict(m) for m in meetings(i, *kinds)]}

    return build


def a11(i: Inspection) -> dict:
    petitions = scoped(Petition, Petition.inspection_id == i.id, order=(Petition.received_on, Petition.id))
    clues = {c.petition_id: c for c in scoped(Clue, Clue.inspection_id == i.id, Clue.petition_id.is_not(None))}
    rows = []
    for seq, p in enumerate(petitions, 1):
        clue = clues.get(p.id)
        persons = clue.persons if clue else []
        rows.append({
            "seq": seq, "code": p.code or "", "received_on": p.received_on.isoformat(), "channel": p.channel,
            # masked as on every screen (app.audit.identity_columns): revealed only on the petition's page, with a reason
            "petitioner": "匿名" if p.is_anonymous else (MASK if p.petitioner_name else ""),
            "subject": p.subject_name or "、".join(x.name for x in persons),
            "subject_post": "、".join(f"{x.unit.name if x.unit else ''}{x.title or ''}" for x in persons),
            "summary": p.summary, "category": clue.category if clue else "",
            "proposal": (f"{p.triage}：形成线索{clue.code or ''}" if clue else p.triage),
            "registered_by": name(p.registered_by), "note": p.triage_reason or ""})
    return {**base(i), "rows": rows}


def _exhibits(clue: Clue) -> tuple[str, int, int | str]:
    """The clue's package as the receiving department counts it: each kind with its 件, the 件数, the 页数 (where
    the stored files carry one, else blank to count by hand)."""
    files = [e for e in clue.exhibits if e.document]
    kinds = Counter(e.kind for e in files)
    text = "；".join([f"{k}{n}件" for k, n in kinds.items()]
                    + [f"{e.kind}：无（{e.absent_reason}）" for e in clue.exhibits if not e.document])
    pages = [getattr(e.document, "pages", None) for e in files]
    return text, len(files), sum(pages) if pages and all(pages) else ""


def transfer_context(transfers: list[Transfer]) -> dict:
    """附件12 of one transfer batch (filed when it is sent) or of every sent batch of an inspection: one sheet per
    receiving department (`sheets`), each with its own 接收部门, dates, 文号, signatures and numbering."""
    per_department: dict[str, list[Transfer]] = {}
    for transfer in transfers:
        per_department.setdefault(transfer.department.name, []).append(transfer)
    sheets = [{"sheet": department, **_transfer_sheet(batches)} for department, batches in per_department.items()]
    everything = _transfer_sheet(transfers)
    return {**everything, "sheets": sheets, "secret": SECRET}  # always confidential (六（二）3)


def _transfer_sheet(transfers: list[Transfer]) -> dict:
    rows, seq = [], 0
    for transfer in transfers:
        for clue in sorted(transfer.clues, key=lambda c: (c.code or "", c.id)):
            seq += 1
            exhibits, count, pages = _exhibits(clue)
            rows.append({
                "seq": seq, "code": clue.code or f"#{clue.id}", "persons": "、".join(p.name for p in clue.persons),
                "posts": "、".join(f"{p.unit.name if p.unit else ''}{p.title or ''}" for p in clue.persons),
                "summary": clue.summary, "source": clue.source, "exhibits": exhibits, "count": count,
                "pages": pages, "advice": clue.decision or clue.proposal_reason or "按学校党委决定移送",
                "department": transfer.department.name})
    return {"department": "、".join(dict.fromkeys(t.department.name for t in transfers)),
            "transferred_on": "、".join(dict.fromkeys(fmt(t.transferred_on) for t in transfers if t.transferred_on)),
            "doc_no": "、".join(t.doc_no for t in transfers if t.doc_no),
            "handed_by": "、".join(dict.fromkeys(t.handed_by for t in transfers if t.handed_by)),
            "received_by": "、".join(dict.fromkeys(t.received_by for t in transfers if t.received_by)),
            "total_count": sum(r["count"] for r in rows), "rows": rows}


def sent_transfers(i: Inspection) -> list[Transfer]:
    return scoped(Transfer, Transfer.inspection_id == i.id, Transfer.transferred_on.is_not(None),
                  order=(Transfer.transferred_on, Transfer.id))


def a12(i: Inspection) -> dict:
    return {**base(i), **transfer_context(sent_transfers(i))}


def talks(i: Inspection) -> list[Talk]:
    return scoped(Talk, Talk.inspection_id == i.id, order=(Talk.held_on, Talk.id))


def a13(i: Inspection) -> dict:
    outlines: dict[str, list[str]] = {}
    for t in talks(i):
        outlines.setdefault(t.interviewee_category or "其他人员", lines(t.outline))
    return {**base(i), "outlines": [{"category": k, "questions": v} for k, v in outlines.items()],
            "aspects": [ASPECT_HEADINGS[a] for a in ASPECTS[:6]]}


def talk_dict(t: Talk) -> dict:
    return {"held_on": fmt(t.held_on), "place": t.place or "", "interviewers": "、".join(p.name for p in t.interviewers),
            "recorder": name(t.recorder), "interviewee": t.interviewee.name,
            "unit": t.interviewee.unit.name if t.interviewee.unit else "", "title": t.interviewee.title or "",
            "political_status": t.interviewee.political_status or "", "record": lines(t.record),
            "reviewed": f"{name(t.reviewed_by)}（{fmt(t.reviewed_on)}）" if t.reviewed_by else "待组长审阅"}


def a14(i: Inspection) -> dict:
    return {**base(i), "talks": [talk_dict(t) for t in talks(i)]}


def a15(i: Inspection) -> dict:
    rows = scoped(Material, Material.inspection_id == i.id, order=(Material.received_on, Material.id))
    return {**base(i), "rows": [{
        "seq": n, "name": m.name, "provider": "／".join(x for x in (m.provider_unit.name if m.provider_unit else "",
                                                                   m.provider_name or "") if x),
        "copies": m.copies or "", "pages": m.pages or "", "received_on": m.received_on.isoformat() if m.received_on
        else "", "received_by": name(m.received_by), "classification": m.classification,
        "is_original": "是" if m.is_original else "否", "returned_on": m.returned_on.isoformat() if m.returned_on
        else "", "custodian": name(m.custodian),
        "note": "；".join([m.note or ""] + [f"{e.happened_on.isoformat()}{e.kind}" for e in m.custody_events
                                            if e.kind != "接收"]).strip("；")} for n, m in enumerate(rows, 1)]}


def a16(i: Inspection) -> dict:
    rows = scoped(Visit, Visit.inspection_id == i.id, order=(Visit.held_on, Visit.id))
    return {**base(i), "visits": [{"target": v.target, "held_on": fmt(v.held_on), "place": v.place or "",
                                   "participants": v.participants or "", "topic": v.topic or "",
                                   "findings": lines(v.findings), "recorder": name(v.recorder)} for v in rows]}


def count_chars(text: str) -> int:
    """字数 as Word counts Chinese: each CJK character or full-width mark, each run of Latin letters or digits."""
    return len(re.findall(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]|[A-Za-z0-9]+", text))


def length_note(count: int) -> str:
    low, high = REPORT_LENGTH * (1 - LENGTH_TOLERANCE), REPORT_LENGTH * (1 + LENGTH_TOLERANCE)
    verdict = "偏短" if count < low else "偏长" if count > high else "符合要求"
    return f"正文约{count}字，篇幅要求3000字左右，{verdict}"


# 附件17's figures are 附件23's (app.stats, counted in SQL through the caller's scope): one count of each thing
STAT_LABELS = {"talks": "个别谈话人次", "petitions": "受理信访件数", "materials": "调阅资料份数",
               "findings": "发现问题数", "clues": "问题线索数"}


def stats(i: Inspection) -> dict:
    counted = {r["label"]: r["value"] for r in attachment_rows(i.id)}
    fixes = sa.select(sa.func.count()).select_from(ImmediateFix).where(ImmediateFix.inspection_id == i.id)
    return {**{key: counted.get(label, 0) for key, label in STAT_LABELS.items()},
            "fixes": db.session.scalar(in_scope(fixes, ImmediateFix))}


# A figure the drafter typed into the report's text (个别谈话52人次) and the one counted from the records must not
# disagree on one page: the text says the counted figure. Patterns of app.exports.attachments.stats's keys.
FIGURES = {"talks": r"(个别谈话)(\d+)(人次)", "petitions": r"(受理信访)(\d+)(件)", "materials": r"(调阅资料)(\d+)(项|份)",
           "findings": r"(发现问题)(\d+)(个)", "clues": r"(问题线索)(\d+)(件)"}


def same_figures(text: str, figures: dict) -> str:
    for key, pattern in FIGURES.items():
        text = re.sub(pattern, lambda m, k=key: f"{m.group(1)}{figures[k]}{m.group(3)}", text)
    return text


def a17(i: Inspection) -> dict:
    report = one(InspectionReport, i)
    aspects, found = findings_by_aspect(i)
    numbers = {f.id: f.seq or n for n, f in enumerate(found, 1)}
    recs = [{"seq": r.seq or n, "text": r.text,
             "answers": "、".join(f"问题{numbers[f.id]}" for f in r.findings if f.id in numbers) or "全部问题"}
            for n, r in enumerate(scoped(Recommendation, Recommendation.inspection_id == i.id,
                                         order=(Recommendation.seq, Recommendation.id)), 1)]
    clues = scoped(Clue, Clue.inspection_id == i.id)
    by_disposal = Counter(c.disposal or "待处置" for c in clues)
    parts = "，".join(f"{k}{v}件" for k, v in sorted(by_disposal.items()))
    clue_summary = f"共形成问题线索{len(clues)}件，其中{parts}。" if clues else "巡察期间未形成问题线索。"
    figures = stats(i)
    ctx = {**base(i), "title": report.title if report else f"关于巡察{i.unit.party_org_name or i.unit.name}情况的报告",
           "basic_situation": [same_figures(line, figures) for line in lines(report.basic_situation)] if report
           else [], "stats": figures,
           "aspects": aspects, "recommendations": recs, "clue_summary": clue_summary,
           "drafted_on": fmt(report.drafted_on) if report else ""}
    text = "".join(ctx["basic_situation"] + [a["heading"] for a in aspects]
                   + [f["summary"] + "".join(f["detail"]) for a in aspects for f in a["findings"]]
                   + [r["text"] for r in recs] + [clue_summary])
    ctx["word_count"] = count_chars(text)
    ctx["length_note"] = length_note(ctx["word_count"])
    return ctx


def a18(i: Inspection) -> dict:
    report = one(TalkReport, i)
    all_talks = talks(i)
    return {**base(i), "org_evaluation": lines(report.org_evaluation) if report else [],
            "leader_evaluations": lines(report.leader_evaluations) if report else [],
            "drafted_on": fmt(report.drafted_on) if report else "", "talk_count": len(all_talks),
            "leader_talk_count": sum(1 for t in all_talks if t.interviewee.is_leadership),
            "talks": [{"interviewee": t.interviewee.name, "title": t.interviewee.title or "", "held_on": fmt(t.held_on)}
                      for t in sorted(all_talks, key=lambda t: not t.interviewee.is_leadership)]}


def a19(i: Inspection) -> dict:
    fb = one(Feedback, i)
    aspects, _ = findings_by_aspect(i)
    day = i.feedback_date
    return {**base(i), "doc_no": fb.doc_no if fb and fb.doc_no else "", "overall": lines(fb.overall) if fb else [],
            "opinion": lines(fb.opinion) if fb else [], "requirements": lines(fb.requirements) if fb else [],
            "aspects": aspects,
            # 六（一）: 10 days for the plan, 2 months for the report (DOMAIN.md D8, D9)
            "plan_due": fmt(day + timedelta(days=10)) if day else "收到反馈意见后10日内",
            "report_due": fmt(_add_months(day, 2)) if day else "收到反馈意见后2个月内"}


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, d))
        except ValueError:
            continue
    raise AssertionError("unreachable")


FEEDBACK_KINDS = ("个别反馈", "班子反馈", "大会反馈")


def a20(i: Inspection) -> dict:
    fb = one(Feedback, i)
    return {**base(i), "plan": lines(fb.plan) if fb else [],
            "sessions": [meeting_dict(m) for m in meetings(i, *FEEDBACK_KINDS)]}


def a22(i: Inspection) -> dict:
    fb = one(Feedback, i)
    first = meetings(i, "个别反馈")
    party_org = i.unit.party_org_name or i.unit.name
    signatures = {s.signer_role: s for s in (fb.signatures if fb else [])}
    return {**base(i), "place": first[0].place if first else "", "content": f"《关于巡察{party_org}的反馈意见》"
            + (f"（{fb.doc_no}）" if fb and fb.doc_no else ""),
            "signatures": [{"role": role, "name": name(signatures[role].person) if role in signatures else "",
                            "signed_on": fmt(signatures[role].signed_on) if role in signatures else ""}
                           for role in SIGNER_ROLES]}


def a23(i: Inspection) -> dict:
    """Counted in SQL by app.stats through the caller's scope; the questionnaire's results on a sheet of their own."""
    def numbered(rows):
        return [{"seq": n, "group": g, "label": label, "value": v} for n, (g, label, v) in enumerate(rows, 1)]

    main = numbered((r["group"], r["label"], r["value"]) for r in attachment_rows(i.id))
    survey = survey_rows(one(Survey, i))
    sheets = [{"sheet": "相关数据统计", "rows": main}] + ([{"sheet": "问卷统计", "rows": numbered(survey)}]
                                                       if survey else [])
    return {**base(i), "rows": main, "sheets": sheets}


def a24(i: Inspection) -> dict:
    vol = one(ArchiveVolume, i)
    items = vol.items if vol else []
    # "2026年第一轮巡察" + "巡察…档案": the round's name already ends in 巡察
    title = re.sub(r"(巡察)+", "巡察", vol.title) if vol else ""
    return {**base(i), "volume_no": vol.volume_no or "" if vol else "", "volume_title": title,
            "handed_by": vol.handed_by or "" if vol else "", "received_by": vol.received_by or "" if vol else "",
            "handed_over_on": vol.handed_over_on.isoformat() if vol and vol.handed_over_on else "",
            "rows": [{"seq": x.seq, "title": x.title, "formed_on": x.formed_on.isoformat() if x.formed_on else "",
                      "copies": x.copies or "", "pages": x.pages or "", "classification": x.classification,
                      "retention": x.retention or "", "kind": x.kind, "note": x.note or ""} for x in items]}


# ---------------------------------------------------------------- the registry


def guidance(i: Inspection) -> dict:
    """附件2 and 21 say the same for every inspection; rendered all the same, so that an admin's replacement gets
    the print layout (app.exports.printready) like every other 附件."""
    return {}


@dataclass(frozen=True)
class Attachment:
    """One 附件: its builder (`guidance` for 附件2 and 21: no records), the records it reads (a caller must be
    allowed to read each of them) and whether its content is confidential (talks, petitions, clues, materials)."""

    build: Callable[[Inspection], dict] | None
    sources: tuple[type, ...] = ()
    confidential: bool = False

    def __post_init__(self):
        # A confidential 附件's context carries its 密级, which app.exports.render prints at the top left
        # (GB/T 9704 7.2.2) and templates may show as {{ secret }}.
        if self.confidential and self.build is not None:
            build = self.build
            object.__setattr__(self, "build", lambda i: {**build(i), "secret": SECRET})


REGISTRY: dict[int, Attachment] = {
    1: Attachment(a01, (Meeting,)),
    2: Attachment(guidance),
    3: Attachment(a03, (Briefing,)),
    4: Attachment(a04, (WorkPlan,)),
    5: Attachment(a05, (Meeting,)),
    6: Attachment(a06, (Survey,)),
    7: Attachment(a07, (Announcement,)),
    8: Attachment(record_of("听取汇报"), (Meeting,)),
    9: Attachment(record_of("列席会议"), (Meeting,)),
    10: Attachment(record_of("座谈会"), (Meeting,)),
    11: Attachment(a11, (Petition, Clue), confidential=True),
    12: Attachment(a12, (Transfer, Clue), confidential=True),
    13: Attachment(a13, (Talk,), confidential=True),
    14: Attachment(a14, (Talk,), confidential=True),
    15: Attachment(a15, (Material,), confidential=True),
    16: Attachment(a16, (Visit,)),
    17: Attachment(a17, (InspectionReport, Finding, Recommendation, Clue)),
    18: Attachment(a18, (TalkReport, Talk), confidential=True),
    19: Attachment(a19, (Feedback, Finding)),
    20: Attachment(a20, (Feedback, Meeting)),
    21: Attachment(guidance),
    22: Attachment(a22, (Feedback,)),
    23: Attachment(a23, (Talk, Petition, Material, Clue, Finding, Survey)),
    24: Attachment(a24, (ArchiveVolume,)),
}
