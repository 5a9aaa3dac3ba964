"""八、立卷归档: collect an inspection's materials into its volume, check them against the required list, hand the
volume over to 巡察办 with every stored file verified, and record the destruction of what is not archived.

八（一）"指定专人负责巡察材料的立卷归档，并填写归档材料清单。"
八（二）1 "巡察组在反馈工作结束后1个月内向巡察办移交本次巡察的档案，任何个人不得以任何形式保留巡察工作文件和材料，
对不需要归档的材料要及时销毁。"  八（二）2 "巡察办由专人在规定时间内做好涉密材料等的回收和管理。"
"""

from __future__ import annotations

import functools
from datetime import date

import sqlalchemy as sa

from app.errors import error
from app.extensions import db
from app.reference import kept
from app.rules.archive import ArchiveCheck, Collected, Requirement, check_archive
from app.scope import scoped
from app.storage import file_problem, storage_path
from app.uow import after_commit
from schema import (
    ArchiveItem,
    ArchiveRequirement,
    ArchiveVolume,
    Briefing,
    DeepDive,
    DestructionRecord,
    Document,
    Inspection,
    Material,
    Meeting,
    Petition,
    Rectification,
    Survey,
    Talk,
    Transfer,
    Visit,
    WorkPlan,
)
from schema.base import utcnow
from schema.enums import ARCHIVE_KINDS, ARCHIVE_STAGES
from schema.transfer import ClueExhibit, transfer_clue

from . import CommandError
from .status import actor_name

# 八（二）2: taking the volume in (and so accepting it with items missing) and destroying materials are 巡察办's.
OFFICE_ROLES = frozenset({"Admin", "Office"})
LIST_ATTACHMENT = 24  # 附件24 is the volume's own list, generated from its items, not one of them
TRANSFER_LIST = 12


def _meeting(kind):
    return Meeting, (Meeting.kind == kind,), Meeting.held_on


# record type (ARCHIVE_RECORD_TYPES) → (model, criteria, the date it was formed)
RECORD_TYPES = {
    "组内工作方案": (WorkPlan, (WorkPlan.filed_on.is_not(None),), WorkPlan.filed_on),
    "情况准备": (Briefing, (), Briefing.held_on),
    "动员会": _meeting("动员会"),
    "调查问卷": (Survey, (), Survey.distributed_on),
    "听取汇报": _meeting("听取汇报"),
    "列席会议": _meeting("列席会议"),
    "座谈会": _meeting("座谈会"),
    "信访": (Petition, (), Petition.received_on),
    "个别谈话": (Talk, (), Talk.held_on),
    "调阅资料": (Material, (), Material.received_on),
    "走访调研": (Visit, (), Visit.held_on),
    "深入了解": (DeepDive, (DeepDive.finished_on.is_not(None),), DeepDive.finished_on),
    "移送": (Transfer, (Transfer.transferred_on.is_not(None),), Transfer.transferred_on),
    "整改方案": (Rectification, (Rectification.plan_submitted_on.is_not(None),), Rectification.plan_submitted_on),
    "整改情况报告": (Rectification, (Rectification.report_submitted_on.is_not(None),),
                     Rectification.report_submitted_on),
}


_error = error  # (message, field, status): the typed error of that status (app.errors)


def requirements() -> list[ArchiveRequirement]:
    order = {s: i for i, s in enumerate(ARCHIVE_STAGES)}
    rows = db.session.scalars(sa.select(ArchiveRequirement).where(ArchiveRequirement.is_active.is_(True)))
    return sorted(rows, key=lambda r: (order.get(r.stage, len(order)), r.seq, r.code))


def _rule(r: ArchiveRequirement) -> Requirement:
    return Requirement(r.code, r.stage, r.seq, r.title, r.kind, r.attachment_no, r.record_type, r.applies_if)


def record_types(inspection_id: int) -> set[str]:
    """The record types the inspection has at least one record of (a fact, whoever asks), in one statement."""
    probes = [sa.select(sa.literal(name).label("name")).where(
        sa.exists().where(model.inspection_id == inspection_id, *criteria))
        for name, (model, criteria, _) in RECORD_TYPES.items()]
    return set(db.session.scalars(sa.union_all(*probes)))


def check_volume(volume: ArchiveVolume) -> ArchiveCheck:
    items = [Collected(code, no) for code, no in db.session.execute(
        sa.select(ArchiveRequirement.code, Document.attachment_no).select_from(ArchiveItem)
        .outerjoin(ArchiveRequirement, ArchiveRequirement.id == ArchiveItem.requirement_id)
        .outerjoin(Document, Document.id == ArchiveItem.document_id)
        .where(ArchiveItem.volume_id == volume.id).order_by(ArchiveItem.seq))]
    rules = kept("archive_requirements", lambda: [_rule(r) for r in requirements()])  # (app.reference)
    return check_archive(rules, items, record_types(volume.inspection_id))


def check_answer(volume: ArchiveVolume) -> dict:
    """The check as the REST API and the volume page give it."""
    return {"id": volume.id, "handed_over_on": volume.handed_over_on.isoformat() if volume.handed_over_on else None,
            **check_volume(volume).as_dict()}


def requirement_write_problem(req: ArchiveRequirement) -> tuple[str, str] | None:
    """A requirement is recognised one way: by a 附件 number (1–23) or by a record type, not both."""
    if (req.attachment_no is None) == (req.record_type is None):
        return "attachment_no", "「附件号」与「据记录识别」须填且只填一项"
    if req.attachment_no is not None and not 1 <= req.attachment_no < LIST_ATTACHMENT:
        return "attachment_no", "附件号须为 1～23（附件24 是归档材料清单本身）"
    return None


# ---------------------------------------------------------------- read-only after handover


def locked_message(volume: ArchiveVolume | None) -> str | None:
    if volume is not None and volume.handed_over_on is not None:
        return f"案卷「{volume.title}」已于{volume.handed_over_on.isoformat()}移交巡察办，案卷及其归档材料不能再修改或删除"
    return None


def _committed_volume(volume_id: int | None) -> ArchiveVolume | None:
    """The volume as stored (an edit may not lift a handover by changing the date or the item's volume)."""
    if volume_id is None:
        return None
    with db.session.no_autoflush:
        row = db.session.execute(sa.select(ArchiveVolume.title, ArchiveVolume.handed_over_on)
                                 .where(ArchiveVolume.id == volume_id)).first()
    return ArchiveVolume(title=row.title, handed_over_on=row.handed_over_on) if row else None


def _changed(obj) -> bool:
    state = sa.inspect(obj)
    return any(attr.history.has_changes() for attr in state.attrs)


def volume_write_problem(volume: ArchiveVolume, deleting: bool = False) -> tuple[str, str] | None:
    """A volume edited (a save that changes nothing is let through) or deleted: refused once handed over."""
    state = sa.inspect(volume)
    if state.persistent and (deleting or _changed(volume)):
        message = locked_message(_committed_volume(volume.id))
        if message:
            return "handed_over_on", message
    return None


def item_write_problem(item: ArchiveItem, deleting: bool = False) -> tuple[str, str] | None:
    """An item added, edited (a save that changes nothing is let through) or deleted: refused when its volume
    (before or after the edit) is handed over."""
    state = sa.inspect(item)
    if state.persistent and not deleting and not _changed(item):
        return None
    ids = {item.volume.id if item.volume is not None else item.volume_id}
    ids |= {v.id for v in state.attrs.volume.history.deleted or () if v is not None}
    if state.persistent:
        with db.session.no_autoflush:
            ids.add(db.session.scalar(sa.select(ArchiveItem.volume_id).where(ArchiveItem.id == item.id)))
    for volume_id in ids:
        message = locked_message(_committed_volume(volume_id))
        if message:
            return "volume", message
    return None


def refuse_if_locked(problem: tuple[str, str] | None) -> None:
    if problem:
        db.session.rollback()
        raise CommandError(problem[1], problem[0])


# ---------------------------------------------------------------- collect


def ensure_volume(inspection: Inspection) -> ArchiveVolume:
    volume = db.session.scalar(sa.select(ArchiveVolume).where(ArchiveVolume.inspection_id == inspection.id))
    if volume is None:
        party_org = inspection.unit.party_org_name or inspection.unit.name
        volume = ArchiveVolume(inspection=inspection, title=f"{inspection.round.name}巡察{party_org}档案")
        db.session.add(volume)
        db.session.flush()
    return volume


def destroyed_document_ids() -> sa.Select:
    return sa.select(DestructionRecord.document_id).where(DestructionRecord.document_id.is_not(None))


def _sent_packages() -> sa.Select:
    sent = sa.select(transfer_clue.c.clue_id).join(Transfer, Transfer.id == transfer_clue.c.transfer_id).where(
        Transfer.transferred_on.is_not(None))
    return sa.select(ClueExhibit.document_id).where(ClueExhibit.document_id.is_not(None),
                                                   ClueExhibit.clue_id.in_(sent))


def _final_versions() -> sa.Select:
    """The newest 定稿 version of each generated document: the one version the archive files (八（一）)."""
    newest = sa.select(Document.subject, sa.func.max(Document.version).label("version")).where(
        Document.subject.is_not(None), Document.state == "定稿").group_by(Document.subject).subquery()
    return sa.select(Document.id).join(newest, sa.and_(Document.subject == newest.c.subject,
                                                       Document.version == newest.c.version))


def _inspection_documents(inspection: Inspection) -> list[Document]:
    """The inspection's documents the caller may see (附件12 of a batch included), oldest first: uploaded files, and
    of each generated document its final version only (drafts and superseded finals stay in its history); never
    附件24, never a destroyed one, never a transferred clue's package (it went with the transfer, 六（二）3)."""
    transfers = sa.select(Transfer.id).where(Transfer.inspection_id == inspection.id)
    stmt = sa.select(Document).where(
        sa.or_(Document.inspection_id == inspection.id, Document.transfer_id.in_(transfers)),
        sa.or_(Document.attachment_no.is_(None), Document.attachment_no != LIST_ATTACHMENT),
        sa.or_(Document.subject.is_(None), Document.id.in_(_final_versions())),
        # 附件12 is filed as each batch's list, final as sent; a list regenerated for the whole inspection is a copy
        sa.or_(Document.subject.is_(None), Document.subject.not_like(f"inspection:%:{TRANSFER_LIST}")),
        Document.id.not_in(destroyed_document_ids()), Document.id.not_in(_sent_packages()))
    return list(db.session.scalars(scoped(stmt, Document).order_by(Document.id)))


RECORD_SUBJECTS = ("meeting:", "talk:")  # app.commands.documents.subject_key of one meeting's or talk's 附件


def _filed_documents(inspection: Inspection) -> tuple[list[Document], set[int]]:
    """The documents to file, and the 附件 the inspection documents record by record: where a meeting's or talk's
    own 附件 (8, 9, 10, 14) has a final version, those are filed, one per meeting or talk, and the inspection's
    whole set of that 附件 is a compilation of them, not filed (one document per record, no copy twice)."""
    docs = _inspection_documents(inspection)
    per_record = {d.attachment_no for d in docs if (d.subject or "").startswith(RECORD_SUBJECTS)}
    return [d for d in docs if not _compiled(d, inspection, per_record)], per_record


def _compiled(doc: Document, inspection: Inspection, per_record: set[int]) -> bool:
    return doc.attachment_no in per_record and doc.subject == f"inspection:{inspection.id}:{doc.attachment_no}"


def _item_fields(doc: Document) -> dict:
    """What an archive item takes from its document: title, 形成时间 (the record's date, app.rules.documents), 页数
    (from the rendered PDF, when one was made), 密级."""
    return {"title": doc.title, "formed_on": doc.formed_on or doc.created_at.date(), "pages": doc.page_count,
            "classification": doc.classification or "非密"}  # the document's one 密级 (app.commands.documents.carried)


def collect(inspection: Inspection) -> tuple[ArchiveVolume, int]:
    """收集归档材料: add the inspection's documents and required records not in its volume yet, then number every
    item in stage order, 文书 before 业务. Running it again adds only what is new; an item holding an earlier final
    version of a document now holds its newest one (one item per document); a meeting's or talk's own record, once
    final, replaces the inspection's compilation of that 附件 (_filed_documents). Answers (volume, items added)."""
    volume = ensure_volume(inspection)
    message = locked_message(volume)
    if message:
        raise CommandError(message, "inspection")
    reqs = requirements()
    documents, per_record = _filed_documents(inspection)
    for item in [i for i in volume.items if i.document is not None and _compiled(i.document, inspection, per_record)]:
        volume.items.remove(item)  # filed before its meetings' (talks') own records were final: they replace it
    by_attachment: dict[int, ArchiveRequirement] = {}
    for r in reqs:
        if r.attachment_no is not None:
            by_attachment.setdefault(r.attachment_no, r)
    have_docs = {i.document_id for i in volume.items if i.document_id is not None}
    by_subject = {i.document.subject: i for i in volume.items if i.document is not None and i.document.subject}
    have_reqs = {i.requirement_id for i in volume.items if i.requirement_id is not None and i.document_id is None}
    added = 0
    provisional = 1_000_000  # a new item's 序号 until renumber: (volume_id, seq) is unique at every flush
    for doc in documents:
        if doc.id in have_docs:
            continue
        if doc.subject in by_subject:  # a newer final version replaces the one filed before
            item = by_subject[doc.subject]
            item.document = doc
            for name, value in _item_fields(doc).items():
                setattr(item, name, value)
            continue
        req = by_attachment.get(doc.attachment_no)
        kind = req.kind if req else "业务"
        volume.items.append(ArchiveItem(
            seq=provisional + added, copies=1, retention="永久" if kind == "文书" else "30年", kind=kind, document=doc,
            requirement=req, **_item_fields(doc)))
        added += 1
    for req in reqs:  # requirements met by records (组内工作方案, 动员会签到表 …), one item each
        if req.record_type is None or req.id in have_reqs:
            continue
        model, criteria, formed = RECORD_TYPES[req.record_type]
        count, last = db.session.execute(sa.select(sa.func.count(), sa.func.max(formed)).select_from(model).where(
            model.inspection_id == inspection.id, *criteria)).one()
        if not count:
            continue
        volume.items.append(ArchiveItem(
            seq=provisional + added, title=req.title, formed_on=last, copies=1, classification="内部",
            retention="永久" if req.kind == "文书" else "30年", kind=req.kind, requirement=req,
            note=f"据系统中{req.record_type}记录{count}条"))
        added += 1
    renumber(volume)
    return volume, added


def renumber(volume: ArchiveVolume) -> None:
    """序号 in stage order (the requirement's stage, then its order; items of no requirement last), 文书 first."""
    stages = {s: i for i, s in enumerate(ARCHIVE_STAGES)}
    kinds = {k: i for i, k in enumerate(ARCHIVE_KINDS)}

    def key(item: ArchiveItem):
        req = item.requirement
        return (kinds.get(item.kind, len(kinds)), stages.get(req.stage, len(stages)) if req else len(stages),
                req.seq if req else 0, item.formed_on or date.max, item.id or 0)

    db.session.flush()
    ordered = sorted(volume.items, key=key)
    for n, item in enumerate(ordered, 1):  # through negatives: (volume_id, seq) is unique at every UPDATE
        item.seq = -n
    db.session.flush()
    for n, item in enumerate(ordered, 1):
        item.seq = n
    db.session.flush()


# ---------------------------------------------------------------- handover


def _roles(user) -> set[str]:
    return {r.name for r in getattr(user, "roles", None) or []}


def handover(volume: ArchiveVolume, user, *, handed_by: str, received_by: str, handed_over_on: date | None = None,
             reason: str | None = None) -> dict:
    """移交巡察办: refused while required items are missing (unless 巡察办 gives a reason) or while a stored file is
    missing or no longer matches its SHA-256; otherwise records who handed over, who received, and the
    verification. Sets D12 done (archive_volume.handed_over_on)."""
    message = locked_message(volume)
    if message:
        raise _error(message, "handed_over_on", 409)
    handed_by, received_by, reason = (handed_by or "").strip(), (received_by or "").strip(), (reason or "").strip()
    if not handed_by:
        raise _error("请填写移交人（巡察组）", "handed_by")
    if not received_by:
        raise _error("请填写接收人（巡察办）", "received_by")
    if len(handed_by) > 50 or len(received_by) > 50:
        raise _error("移交人、接收人均不超过50字", "handed_by" if len(handed_by) > 50 else "received_by")
    on = handed_over_on or date.today()
    if on > date.today():
        raise _error("移交日期不能晚于今天", "handed_over_on")
    check = check_volume(volume)
    if not check.complete:
        if not reason:
            raise _error("归档材料不全，不能移交：" + "；".join(check.messages), "reason")
        if not _roles(user) & OFFICE_ROLES:
            raise _error("归档材料不全时，只有巡察办可以说明理由后接收移交", "reason", 403)
    problems = [(item, problem) for item in volume.items if item.document is not None
                for problem in [file_problem(item.document)] if problem]
    if problems:
        raise _error("以下归档材料的文件校验未通过，不能移交：" + "；".join(
            f"{item.seq}. {item.title}（{problem}）" for item, problem in problems), "items")
    verified = sum(1 for item in volume.items if item.document is not None)
    volume.handed_over_on, volume.handed_by, volume.received_by = on, handed_by, received_by
    volume.verified_count, volume.verified_at, volume.verified_by = verified, utcnow(), actor_name(user)
    volume.override_reason = reason if not check.complete else None
    db.session.flush()
    return {"id": volume.id, "handed_over_on": on.isoformat(), "verified_count": verified,
            "missing": check.messages, "message": f"已移交巡察办，{verified}个文件校验一致"}


# ---------------------------------------------------------------- destruction


def destroyable_documents(inspection: Inspection) -> list[Document]:
    """八（二）1 "对不需要归档的材料要及时销毁": the inspection's own files not in its volume and not destroyed yet —
    never a transfer's list or a transferred clue's package (they went with the transfer, 六（二）3)."""
    archived = sa.select(ArchiveItem.document_id).where(ArchiveItem.document_id.is_not(None))
    stmt = sa.select(Document).where(
        Document.inspection_id == inspection.id, Document.transfer_id.is_(None),
        Document.id.not_in(archived), Document.id.not_in(destroyed_document_ids()),
        Document.id.not_in(sa.select(ClueExhibit.document_id).where(ClueExhibit.document_id.is_not(None))))
    return list(db.session.scalars(scoped(stmt, Document).order_by(Document.id)))


def destroy(inspection: Inspection, user, *, document_id: int | None, material_title: str | None, method: str,
            destroyed_by: str, witness: str, destroyed_on: date | None) -> DestructionRecord:
    """Record a destruction (方式, 销毁人, 监销人, 日期). A stored file named with it is deleted from the storage folder;
    its Document row stays, with the record naming it and its SHA-256, so the change history keeps the trace."""
    if not _roles(user) & OFFICE_ROLES:
        raise _error("销毁材料须由巡察办登记", None, 403)
    fields = {"method": (method or "").strip(), "destroyed_by": (destroyed_by or "").strip(),
              "witness": (witness or "").strip()}
    for name, label in (("method", "销毁方式"), ("destroyed_by", "销毁人"), ("witness", "监销人")):
        if not fields[name]:
            raise _error(f"请填写{label}", name)
        if len(fields[name]) > 50:
            raise _error(f"{label}不超过50字", name)
    if fields["destroyed_by"] == fields["witness"]:
        raise _error("监销人不能与销毁人为同一人", "witness")
    on = destroyed_on or date.today()
    if on > date.today():
        raise _error("销毁日期不能晚于今天", "destroyed_on")
    doc = None
    if document_id is not None:
        doc = next((d for d in destroyable_documents(inspection) if d.id == document_id), None)
        if doc is None:
            raise _error("所选文件不存在、已归档或已销毁，不能销毁", "document_id")
    title = (material_title or "").strip() or (doc.title if doc else "")
    if not title:
        raise _error("请填写销毁的材料名称或选择文件", "material_title")
    if len(title) > 200:
        raise _error("材料名称不超过200字", "material_title")
    record = DestructionRecord(inspection=inspection, material_title=title, destroyed_on=on, document=doc,
                               document_sha256=doc.sha256 if doc else None, **fields)
    db.session.add(record)
    db.session.flush()
    if doc is not None:
        # only once the record naming it is stored: a failed commit must not lose the file with no trace
        after_commit(functools.partial(storage_path(doc.storage_name).unlink, missing_ok=True))
    return record
