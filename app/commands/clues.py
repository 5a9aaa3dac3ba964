"""六（二）（三） 问题线索的分类处置: the team proposes, 巡察办 reviews, the 学校党委 decides, 巡察办 transfers, the
receiving department acknowledges, handles and reports back.

Each function validates everything first, raises CommandError with a Chinese message naming the field, and leaves
the commit to the caller (one use case, one transaction).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.rules import transfer as package
from app.storage import store
from schema import (
    Clue,
    ClueExhibit,
    Document,
    ImmediateFix,
    Petition,
    RectificationItem,
    StatusEvent,
    Submission,
    Transfer,
    Unit,
)
from schema.document import petition_document
from schema.enums import DISPOSALS, EXHIBIT_KINDS, TRANSFER_HANDLING
from schema.transfer import transfer_clue

from . import CommandError
from .codes import fill_code
from .documents import file_transfer_list
from .routing import route_clue
from .status import actor_name, move, open_moves

DEPARTMENT_DISPOSALS = ("移送类",)  # disposals that go to a receiving department (六（二）1)
# 六（一） problems of the unit itself and 六（二）5 处理意见 go to the inspected party organisation.
UNIT_DISPOSALS = ("整改类", "处理意见")


def _text(value, field: str, label: str, limit: int, required: bool = True) -> str | None:
    value = (value or "").strip() if isinstance(value, str) or value is None else None
    if value is None:
        raise CommandError(f"「{label}」必须是文本", field)
    if required and not value:
        raise CommandError(f"请填写「{label}」", field)
    if len(value) > limit:
        raise CommandError(f"「{label}」不能超过 {limit} 字", field)
    return value or None


def _day(value, field: str, label: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise CommandError(f"「{label}」不是有效的日期（格式：YYYY-MM-DD）", field) from None


def _receiving(department_id, field: str = "department") -> Unit:
    unit = db.session.get(Unit, department_id) if isinstance(department_id, int) else None
    if unit is None:
        raise CommandError("请选择接收部门", field)
    if not unit.is_receiving:
        raise CommandError(f"「{unit.name}」未设置为接收移送的部门（系统设置 → 单位 → 接收移送）", field)
    return unit


def label(clue: Clue) -> str:
    return clue.code or f"#{clue.id}"


# ---------------------------------------------------------------------------------------------- the clue


def propose(clue: Clue, user, *, disposal: str | None = None, department_id: int | None = None,
            reason: str | None = None) -> None:
    """登记 → 拟处置: the team's disposal; the routing rules' answer unless the team gives a reason to depart."""
    route = route_clue(clue)
    disposal = disposal or route.disposal or "移送类"
    if disposal not in DISPOSALS:
        raise CommandError(f"「处置方式」必须是以下之一：{'、'.join(DISPOSALS)}", "disposal")
    reason = _text(reason, "proposal_reason", "不按规则处置的理由", 500, required=False)
    if disposal in DEPARTMENT_DISPOSALS:
        department_id = department_id if department_id is not None else route.department_id
        _receiving(department_id)
    elif disposal in UNIT_DISPOSALS:
        department_id = clue.inspection.unit_id
    elif department_id is not None and (not isinstance(department_id, int) or db.session.get(Unit, department_id) is None):
        raise CommandError("「提交对象」不存在（留空为学校党委）", "department")
    departs = disposal != (route.disposal or "移送类") or (
        route.department_id is not None and department_id != route.department_id)
    if departs and not reason:
        rule = f"规则（{route.department_name}，{route.disposal or '移送类'}）"
        raise CommandError(f"处置意见与{rule}不一致，请填写理由", "proposal_reason")
    clue.disposal, clue.department_id, clue.routing_rule_id = disposal, department_id, route.rule_id
    clue.proposal_reason = reason
    move(clue, "拟处置", user, reason)


def review(clue: Clue, user, *, approve: bool, note: str | None = None) -> None:
    """拟处置 → 巡察办审核, or back to 登记 with the reason."""
    move(clue, "巡察办审核" if approve else "登记", user, note)


def decide(clues: Sequence[Clue], user, *, on, meeting: str | None, decision: str | None) -> list:
    """巡察办审核 → 党委决定 for each clue, and what the decision sets going besides a transfer:
    提交类 a Submission, 处理意见 an ImmediateFix, 整改类 a row of the unit's ledger. Answers the records made."""
    if not clues:
        raise CommandError("请选择问题线索", "clues")
    on = _day(on, "decision_on", "党委决定日期")
    meeting = _text(meeting, "decision_meeting", "决定会议", 100)
    decision = _text(decision, "decision", "决定内容", 500)
    made = []
    for clue in clues:
        move(clue, "党委决定", user, f"{meeting}：{decision}")
        clue.decision_on, clue.decision_meeting, clue.decision = on, meeting, decision
        made.extend(_follow_up(clue, on))
    return made


def _follow_up(clue: Clue, on: date) -> list:
    insp = clue.inspection
    if clue.disposal == "提交类":  # 六（三）: a special report to the 学校党委 or a functional department
        sub = Submission(round_id=insp.round_id, inspection_id=insp.id, title=f"专题报告：{clue.summary[:60]}",
                         summary=clue.summary, department_id=clue.department_id, status="已提交",
                         received_on=on)  # D11 starts with the decision that creates it (issue 13, item 5)
        sub.clues = [clue]
        db.session.add(sub)
        return [sub]
    if clue.disposal == "处理意见":  # 六（二）5
        fix = ImmediateFix(inspection_id=insp.id, clue_id=clue.id, issue=clue.summary, raised_on=on, status="已提出",
                           requirement=clue.decision)
        db.session.add(fix)
        return [fix]
    if clue.disposal == "整改类":  # 六（一）: into the unit's 问题清单
        item = RectificationItem(inspection_id=insp.id, problem=clue.summary, task=f"整改：{clue.summary}",
                                 status="未启动")
        db.session.add(item)
        return [item]
    return []


def close(clue: Clue, user, note: str | None) -> None:
    """党委决定 → 已办结 for a clue not transferred (its follow-up is tracked where it went)."""
    refusal = close_refusal(clue)
    if refusal:
        raise CommandError(refusal, "status")
    move(clue, "已办结", user, note)


def close_refusal(clue: Clue) -> str | None:
    """Why the clue may not be closed by hand: a transferred clue is closed by the department's report (六（二）4)."""
    return "移送类线索由接收部门报告办理结果后办结" if clue.disposal in DEPARTMENT_DISPOSALS else None


def clue_steps(clue: Clue, user) -> list[tuple[str, str]]:
    """(action, step) the clue's page offers `user`: the transition rows open to them (app.commands.status), and
    办结 only where close() would accept it. 党委决定 → 已移送 and 已移送 → 已办结 happen on the transfer's page."""
    steps = []
    for t in open_moves(clue, user):
        if t.to_status == "党委决定":
            steps.append((t.action, "decide"))
        elif t.from_status == "登记":
            steps.append((t.action, "propose"))
        elif t.from_status == "拟处置":
            steps.append((t.action, "review"))
        elif t.from_status == "党委决定" and t.to_status == "已办结" and close_refusal(clue) is None:
            steps.append((t.action, "close"))
    return steps


# ---------------------------------------------------------------------------------------------- the package


def add_exhibit(clue: Clue, user, *, kind: str, data: bytes | None = None, filename: str | None = None,
                absent_reason: str | None = None, note: str | None = None) -> ClueExhibit:
    """A file of one kind for the clue's transfer package, or the stated reason it is absent."""
    if kind not in EXHIBIT_KINDS:
        raise CommandError(f"「材料类别」必须是以下之一：{'、'.join(EXHIBIT_KINDS)}", "kind")
    refusal = exhibit_refusal(clue)
    if refusal:
        raise CommandError(refusal, "clue")
    absent_reason = _text(absent_reason, "absent_reason", "缺少原因", 300, required=False)
    note = _text(note, "note", "备注", 300, required=False)
    if not data and not absent_reason:
        raise CommandError("请上传材料文件，或填写缺少的原因", "file")
    document = None
    if data:
        document = store(data, filename or "", title=f"{label(clue)} {kind}", inspection_id=clue.inspection_id,
                         is_confidential=True, uploaded_by=actor_name(user))
    exhibit = ClueExhibit(clue=clue, kind=kind, document=document, absent_reason=None if data else absent_reason,
                          note=note)
    db.session.add(exhibit)
    return exhibit


def exhibit_refusal(clue: Clue) -> str | None:
    """Why the clue's package may no longer change: it was sent (六（二）3), or the clue was closed without one."""
    if clue.status == "已办结":
        return "线索已办结，不能再修改移送材料"
    return "线索已移送，不能再修改移送材料" if clue.status == "已移送" or _sent(clue) else None


def _sent(clue: Clue) -> bool:
    # read from the database, not the loaded row: its triggers set the column when a batch leaves (migration 0005n)
    return db.session.scalar(sa.select(Clue.transferred_on).where(Clue.id == clue.id)) is not None


def package_of(clue: Clue) -> package.PackageClue:
    return package.PackageClue(
        label(clue), clue.status, clue.disposal, clue.department_id,
        [package.Exhibit(e.kind, e.document_id is not None, e.absent_reason) for e in clue.exhibits])


# ---------------------------------------------------------------------------------------------- the transfer


def build_transfers(clues: Sequence[Clue], user) -> list[Transfer]:
    """One batch per (inspection, department) for decided 移送类 clues not yet in a batch; an unsent batch of the
    same inspection and department takes them in."""
    if not clues:
        raise CommandError("请选择问题线索", "clues")
    refused = [f"线索 {label(c)}（{c.status}，{c.disposal or '未定'}）" for c in clues
               if c.status != "党委决定" or c.disposal not in DEPARTMENT_DISPOSALS]
    if refused:
        raise CommandError("只有经学校党委决定、处置方式为移送类的线索才能编入移送批次：" + "；".join(refused), "clues")
    batched = set(db.session.scalars(sa.select(transfer_clue.c.clue_id).where(
        transfer_clue.c.clue_id.in_([c.id for c in clues]))))
    groups: dict[tuple[int, int], list[Clue]] = defaultdict(list)
    for clue in clues:
        if clue.id not in batched:
            _receiving(clue.department_id, "clues")
            groups[(clue.inspection_id, clue.department_id)].append(clue)
    if not groups:
        raise CommandError("所选线索都已编入移送批次", "clues")
    out = []
    for (inspection_id, department_id), members in groups.items():
        batch = db.session.scalar(sa.select(Transfer).where(
            Transfer.inspection_id == inspection_id, Transfer.department_id == department_id,
            Transfer.transferred_on.is_(None)))
        if batch is None:
            batch = Transfer(inspection_id=inspection_id, department_id=department_id)
            db.session.add(batch)
        batch.clues = list(batch.clues) + members
        out.append(batch)
    return out


def transfer_problems(transfer: Transfer) -> list[str]:
    problems = package.problems(transfer.department_id, [package_of(c) for c in transfer.clues])
    if transfer.department is not None and not transfer.department.is_receiving:
        problems.insert(0, f"「{transfer.department.name}」未设置为接收移送的部门")
    return problems


def send(transfer: Transfer, user, *, on, doc_no: str | None = None, handed_by: str | None = None) -> None:
    """Hand the batch over: refused, naming each missing item, unless the package is complete (六（二）2); then
    the clues are 已移送, and the list (附件12) is filed for 巡察办 and the department (六（二）3)."""
    if transfer.transferred_on is not None:
        raise CommandError("该批次已移送", "transferred_on")
    on = _day(on, "transferred_on", "移送日期")
    doc_no = _text(doc_no, "doc_no", "文号", 50, required=False)
    handed_by = _text(handed_by, "handed_by", "移交人", 50, required=False) or actor_name(user)
    problems = transfer_problems(transfer)
    if problems:
        raise CommandError("移送材料不完整，不能移送：" + "；".join(problems), "clues")
    transfer.transferred_on, transfer.doc_no, transfer.handed_by = on, doc_no, handed_by
    for clue in transfer.clues:
        move(clue, "已移送", user, doc_no or f"移送{transfer.department.name}")
    db.session.flush()
    file_transfer_list(transfer, user)


def acknowledge(transfer: Transfer, user, *, on, received_by: str | None = None) -> None:
    """签收: the receiving department's 3 months (D10) run from this date."""
    if transfer.transferred_on is None:
        raise CommandError("该批次尚未移送，不能签收", "received_on")
    if transfer.received_on is not None:
        raise CommandError(f"该批次已于 {transfer.received_on.isoformat()} 签收", "received_on")
    on = _day(on, "received_on", "签收日期")
    if on < transfer.transferred_on:
        raise CommandError(f"签收日期不能早于移送日期 {transfer.transferred_on.isoformat()}", "received_on")
    transfer.received_on = on
    transfer.received_by = _text(received_by, "received_by", "接收人", 50, required=False) or actor_name(user)


def record_handling(transfer: Transfer, user, *, handling: str, result: str | None) -> None:
    if transfer.received_on is None:
        raise CommandError("请先签收", "received_on")
    if handling not in TRANSFER_HANDLING:
        raise CommandError(f"「办理方式」必须是以下之一：{'、'.join(TRANSFER_HANDLING)}", "handling")
    transfer.handling = handling
    transfer.result = _text(result, "result", "办理结果", 5000, required=False)


def report_back(transfer: Transfer, user, *, on) -> None:
    """办理情况报领导小组 (六（二）4): D10 is done, the clues 已办结."""
    if transfer.received_on is None:
        raise CommandError("请先签收", "received_on")
    if transfer.reported_on is not None:
        raise CommandError(f"已于 {transfer.reported_on.isoformat()} 报告", "reported_on")
    if not transfer.handling or not (transfer.result or "").strip():
        raise CommandError("请先填写办理方式和办理结果", "result")
    on = _day(on, "reported_on", "报告日期")
    if on < transfer.received_on:
        raise CommandError(f"报告日期不能早于签收日期 {transfer.received_on.isoformat()}", "reported_on")
    transfer.reported_on = on
    for clue in transfer.clues:
        move(clue, "已办结", user, f"{transfer.handling}：{transfer.result[:100]}")


# ---------------------------------------------------------------------------------------------- submissions


def start_submission(sub: Submission, user, note: str | None = None) -> None:
    """已提交 → 办理中 (六（三）, 七（三） 提交类由党委办公室督办)."""
    move(sub, "办理中", user, note)


def report_submission(sub: Submission, user, *, on, result: str | None) -> None:
    """办理中 → 已报告: the department's 工作情况 to the leading group within 3 months (D11)."""
    on = _day(on, "reported_on", "报告日期")
    result = _text(result, "result", "办理结果", 5000)
    if sub.received_on is not None and on < sub.received_on:
        raise CommandError(f"报告日期不能早于接收日期 {sub.received_on.isoformat()}", "reported_on")
    move(sub, "已报告", user, result[:200])
    sub.reported_on, sub.result = on, result


# ---------------------------------------------------------------------------------------------- petitions


def attach_to_petition(petition: Petition, user, *, data: bytes, filename: str) -> Document:
    """A letter, scan or note of a petition (附件11), kept confidential with the inspection's records."""
    doc = store(data, filename, title=f"信访材料 {petition.code or petition.id}", inspection_id=petition.inspection_id,
                is_confidential=True, uploaded_by=actor_name(user))
    petition.attachments.append(doc)
    return doc


def clue_from_petition(petition: Petition, user) -> Clue:
    """三（三）4 "将问题线索分类别进行移送": a clue registered from the petition, keeping the link to it."""
    if petition.triage in ("不属受理范围", "重复"):
        raise CommandError(f"分流为「{petition.triage}」的信访件不登记问题线索", "triage")
    clue = Clue(inspection_id=petition.inspection_id, source="信访", petition=petition, category="其他",
                summary=petition.summary, status="登记")
    fill_code(clue)
    db.session.add(clue)
    db.session.flush()
    db.session.add(StatusEvent(entity="clue", entity_id=clue.id, field="status", to_value="登记",
                               actor=actor_name(user), note=f"由信访件 {petition.code or petition.id} 登记"))
    return clue


def records_in(doc: Document) -> dict[type, list[int]]:
    """The confidential records a file carries (a clue's package, a transfer's list, a petition's letters), so that
    downloading it is logged as a read of each of them."""
    clue_ids = set(db.session.scalars(sa.select(ClueExhibit.clue_id).where(ClueExhibit.document_id == doc.id)))
    if doc.transfer_id is not None:
        clue_ids |= set(db.session.scalars(sa.select(transfer_clue.c.clue_id).where(
            transfer_clue.c.transfer_id == doc.transfer_id)))
    petition_ids = list(db.session.scalars(sa.select(petition_document.c.petition_id).where(
        petition_document.c.document_id == doc.id)))
    return {Clue: sorted(clue_ids), Petition: petition_ids}


# ---------------------------------------------------------------------------------------------- plain writes


def clue_write_problem(clue: Clue) -> tuple[str, str] | None:
    """A clue written as a record (the REST contract's POST/PUT): it starts 登记, and its status then moves only
    through the steps (/propose, /review, /decide, the transfer), each checked by the transition table."""
    state = sa.inspect(clue)
    if state.transient or state.pending:
        if clue.status not in (None, "登记"):
            return "status", "新登记的问题线索状态只能是「登记」，之后通过分类处置的各个步骤办理"
        return None
    history = state.attrs.status.history
    if history.has_changes():
        return "status", "状态须通过分类处置的步骤改变（提出处置意见、审核、党委决定、移送、报告办理结果）"
    return None


def transfer_write_problem(transfer: Transfer) -> tuple[str, str] | None:
    """A transfer written as a record may carry a 移送日期 only if every clue's package is complete (六（二）2)."""
    if transfer.transferred_on is None:
        return None
    state = sa.inspect(transfer)
    if state.persistent:
        sent = state.attrs.transferred_on.history
        was_sent = any(sent.deleted) if sent.has_changes() else True
        moved = state.attrs.department.history.has_changes() or state.attrs.department_id.history.has_changes()
        if was_sent and moved:
            return "department", "已移送的批次不能改变接收部门"
    lacking = [f"线索 {label(c)} 缺少{'、'.join(missing_items)}" for c in transfer.clues
               if (missing_items := package.missing_items(package_of(c)))]
    if not transfer.clues:
        return "clues", "已移送的批次须包含问题线索"
    if lacking:
        return "clues", "移送材料不完整：" + "；".join(lacking)
    return None
