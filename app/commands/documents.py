"""文书: template versions of the 24 附件 (upload, re-activate) and documents generated from an inspection's records."""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from pathlib import Path
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import lazyload
from flask import current_app

import seeds
from app.audit import EXPORT, READ_LOGGED, record_read
from app.errors import error
from app.exports.attachments import REGISTRY, SECRET, contents, sent_transfers, transfer_context
from app.exports.pdf import OfficeUnavailable, cached_pdfs, pages_of
from app.exports.records import form_of, record_context, record_count, record_label
from app.exports.render import MACRO_SUFFIXES, render
from app.exports.samples import sample_context
from app.exports.template_check import check_upload
from app.extensions import db
from app.reference import kept
from app.rules.documents import content_key, formed_on
from app.scope import current_scope_user, liaison_attachment, scope_criterion, scoped
from app.storage import MAX_UPLOAD_BYTES, safe_name, storage_path, store, write_file
from schema import (
    Announcement,
    ArchiveVolume,
    Briefing,
    Clue,
    Document,
    DocumentTemplate,
    Feedback,
    FeedbackSignature,
    Inspection,
    InspectionReport,
    Job,
    Material,
    Meeting,
    Person,
    Petition,
    Survey,
    Talk,
    TalkReport,
    TeamMember,
    Transfer,
    Visit,
)
from schema.base import utcnow
from schema.enums import CLASSIFICATIONS
from schema.history import StatusEvent

from . import CommandError
from .holds import take_out_refusal
from .jobs import start_job
from .status import actor_name, role_names

FINALIZE_ROLES = frozenset({"Admin", "Office"})  # and the team's 组长 (may_finalize)

SEED_DIR = Path(seeds.__file__).parent / "templates"  # the defaults, written by seeds/make_templates.py
SOURCE_NOUNS = {"Talk": "个别谈话", "Petition": "信访", "Clue": "问题线索", "Material": "调阅资料",
                "Transfer": "移送批次", "TalkReport": "个别谈话情况报告", "InspectionReport": "巡察情况报告",
                "Finding": "发现的问题", "Recommendation": "意见建议", "Feedback": "反馈意见", "Meeting": "会议",
                "Briefing": "情况准备", "WorkPlan": "组内工作方案", "Survey": "调查问卷", "Visit": "走访调研",
                "ArchiveVolume": "档案案卷", "Document": "文书", "Announcement": "巡察公告"}


def _error(message: str, status: int, field: str | None = None) -> CommandError:
    return error(message, field, status)


# ---------------------------------------------------------------- templates


def active_template(no: int) -> DocumentTemplate:
    tpl = db.session.scalars(sa.select(DocumentTemplate).where(
        DocumentTemplate.attachment_no == no, DocumentTemplate.is_active.is_(True))
        .order_by(DocumentTemplate.version.desc())).first()
    if tpl is None:
        raise _error(f"附件{no}没有启用的模板，请在「文书模板」中启用一个版本", 404, "attachment_no")
    return tpl


def template_file_name(tpl: DocumentTemplate) -> str:
    return tpl.original_name or f"附件{tpl.attachment_no} {tpl.title}.{tpl.file_format}"


def template_bytes(tpl: DocumentTemplate) -> bytes:
    """An uploaded version from the storage folder; version 1 without a file is the default shipped in seeds/."""
    default = SEED_DIR / f"附件{tpl.attachment_no:02d}.{tpl.file_format}"
    path = storage_path(tpl.storage_name) if tpl.storage_name else default
    if not path.is_file():
        raise _error(f"附件{tpl.attachment_no}模板文件缺失（{path.name}），请重新上传", 404, "file")
    return path.read_bytes()


def upload_template(slot: DocumentTemplate, filename: str, data: bytes, user) -> DocumentTemplate:
    """A new version of `slot`'s 附件, checked first (macros, placeholders, sandbox), then active; older ones kept."""
    # every refusal of an upload is a 400 naming the problem (issue 15): the file is bad, not the request's state
    name = Path((filename or "").replace("\\", "/")).name.strip()
    if not name or not data:
        raise _error("请选择要上传的模板文件", 400, "file")
    if len(data) > MAX_UPLOAD_BYTES:
        raise _error(f"模板文件超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB", 400, "file")
    suffix = Path(name).suffix.lower()
    if suffix not in MACRO_SUFFIXES and suffix != f".{slot.file_format}":
        raise _error(f"附件{slot.attachment_no}的模板须为 .{slot.file_format} 文件，收到「{name}」", 400, "file")
    sample = sample_context(slot.attachment_no) if REGISTRY[slot.attachment_no].build is not None else {}
    check_upload(slot.attachment_no, slot.file_format, name, data, sample)
    versions = db.session.scalars(sa.select(DocumentTemplate).where(
        DocumentTemplate.attachment_no == slot.attachment_no)).all()
    storage_name, sha256 = write_file(data, suffix)
    for old in versions:
        old.is_active = False
    tpl = DocumentTemplate(attachment_no=slot.attachment_no, title=slot.title, file_format=slot.file_format,
                           is_guidance=slot.is_guidance, version=max(v.version for v in versions) + 1,
                           is_active=True, original_name=name, storage_name=storage_name, sha256=sha256)
    db.session.add(tpl)
    db.session.flush()
    _record(tpl, None, f"v{tpl.version}", user, f"上传{name}")
    return tpl


def activate_template(tpl: DocumentTemplate, user) -> None:
    """Make `tpl` the version that renders its 附件 (e.g. back to an older one)."""
    current = db.session.scalars(sa.select(DocumentTemplate).where(
        DocumentTemplate.attachment_no == tpl.attachment_no, DocumentTemplate.is_active.is_(True))).all()
    for other in current:
        other.is_active = False
    tpl.is_active = True
    db.session.flush()
    _record(tpl, ",".join(f"v{c.version}" for c in current) or None, f"v{tpl.version}", user, "启用此版本")


def _record(tpl: DocumentTemplate, before: str | None, after: str, user, note: str) -> None:
    db.session.add(StatusEvent(entity="document_template", entity_id=tpl.id, field="is_active", from_value=before,
                               to_value=after, actor=actor_name(user), note=note))


# ---------------------------------------------------------------- generated documents


def may_export(no: int, user) -> str | None:
    """None if `user`, the request's signed-in user, may have 附件`no`; otherwise the Chinese reason: its content
    comes from records they may not read (a role without that screen, or a row scope that leaves none of them).
    The same two checks as every screen: FAB's permission, then app.scope."""
    readable = current_app.appbuilder.sm.permitted(user, "can_read")
    for model in REGISTRY[no].sources:
        crit = scope_criterion(model, user)
        if model.__name__ not in readable or isinstance(crit, sa.sql.elements.False_):
            return f"无权查看附件{no}：其内容来自您无权查看的{SOURCE_NOUNS.get(model.__name__, model.__name__)}记录"
    return None


def attachment_menu(user, inspection: Inspection | None = None) -> list[dict]:
    """The 24 附件 for an inspection page: number, title, format, why the user may not have it (or None), and the
    versions of the inspection's document the user may see (newest first)."""
    active = kept("active_templates", lambda: {  # number → (title, format), kept per process (app.reference)
        no: (title, file_format) for no, title, file_format in db.session.execute(
            sa.select(DocumentTemplate.attachment_no, DocumentTemplate.title, DocumentTemplate.file_format)
            .where(DocumentTemplate.is_active.is_(True)))})
    panel = version_panel(inspection) if inspection is not None else {}
    return [{"no": no, "title": active[no][0].removesuffix("模板") if no in active else f"附件{no}",
             "file_format": active[no][1] if no in active else "",
             "reason": may_export(no, user) if no in active else f"附件{no}没有启用的模板",
             "versions": panel.get(no, [])} for no in REGISTRY]


def subject_key(no: int, *, inspection_id: int | None = None, transfer_id: int | None = None, record=None) -> str:
    """What a generated 附件 documents: one document per subject, its versions the rows sharing this key — an
    inspection, a transfer batch (附件12), or one meeting or talk (app.exports.records: 附件8, 9, 10, 14)."""
    if record is not None:
        return f"{form_of(record).noun}:{record.id}:{no}"
    return f"transfer:{transfer_id}:{no}" if transfer_id is not None else f"inspection:{inspection_id}:{no}"


def subject_record(doc: Document):
    """The meeting or talk a per-record document documents, or None (an inspection's or a transfer's document)."""
    kind, _, rest = (doc.subject or "").partition(":")
    model = {"meeting": Meeting, "talk": Talk}.get(kind)
    return db.session.get(model, int(rest.split(":")[0])) if model is not None else None


def versions(subject: str) -> list[Document]:
    """Every version of one document, newest first."""
    return list(db.session.scalars(sa.select(Document).where(Document.subject == subject)
                                   .order_by(Document.version.desc())))


def _facts(inspection: Inspection) -> dict[str, sa.ScalarSelect | object]:
    """app.rules.documents' facts for one inspection: the dates of its records (whoever asks: they are facts)."""
    iid = inspection.id

    def first(column, *criteria, agg=sa.func.min):
        return sa.select(agg(column)).where(*criteria).scalar_subquery()

    def last(column, *criteria):
        return first(column, *criteria, agg=sa.func.max)

    def held(*kinds, agg=sa.func.max):
        return first(Meeting.held_on, Meeting.inspection_id == iid, Meeting.kind.in_(kinds), agg=agg)

    return {
        "动员部署会": first(Meeting.held_on, Meeting.round_id == inspection.round_id, Meeting.kind == "动员部署会"),
        "巡察通知": inspection.notice_date, "巡察结束": inspection.work_end,
        "向党委汇报": inspection.committee_report_date, "反馈": inspection.feedback_date,
        "反馈工作结束": inspection.feedback_done_date,
        "情况准备": last(Briefing.held_on, Briefing.inspection_id == iid),
        "动员会": held("动员会"), "听取汇报": held("听取汇报"), "列席会议": held("列席会议"), "座谈会": held("座谈会"),
        "反馈会议": held("个别反馈", "班子反馈", "大会反馈", agg=sa.func.min),
        "问卷发放": first(Survey.distributed_on, Survey.inspection_id == iid),
        "公告发布": first(Announcement.published_oa_on, Announcement.inspection_id == iid),
        "受理信访": last(Petition.received_on, Petition.inspection_id == iid),
        "移送": last(Transfer.transferred_on, Transfer.inspection_id == iid),
        "首次个别谈话": first(Talk.held_on, Talk.inspection_id == iid),
        "个别谈话": last(Talk.held_on, Talk.inspection_id == iid),
        "调阅资料": last(Material.received_on, Material.inspection_id == iid),
        "走访调研": last(Visit.held_on, Visit.inspection_id == iid),
        "巡察报告": last(InspectionReport.drafted_on, InspectionReport.inspection_id == iid),
        "谈话情况报告": last(TalkReport.drafted_on, TalkReport.inspection_id == iid),
        "签收": last(FeedbackSignature.signed_on, FeedbackSignature.feedback_id.in_(
            sa.select(Feedback.id).where(Feedback.inspection_id == iid))),
        "案卷移交": last(ArchiveVolume.handed_over_on, ArchiveVolume.inspection_id == iid),
    }


def record_dates(inspection: Inspection) -> dict:
    """The facts' dates, read in one statement."""
    facts = _facts(inspection)
    queried = {k: v for k, v in facts.items() if isinstance(v, sa.ScalarSelect)}
    row = db.session.execute(sa.select(*(v.label(f"f{n}") for n, v in enumerate(queried.values())))).one()
    values = {k: v for k, v in facts.items() if k not in queried}
    values.update(zip(queried, row, strict=True))
    return values


def _as_date(value):
    return date.fromisoformat(value) if isinstance(value, str) else value  # SQLite answers MIN(date) as text


def document_formed_on(no: int, inspection: Inspection, generated_on: date) -> date:
    return _as_date(formed_on(no, {k: _as_date(v) for k, v in record_dates(inspection).items()}, generated_on))


def _version(subject: str, key: str, make, **fields) -> tuple[Document, bool]:
    """The version of `subject` rendered from `key` (its content): the newest version when it has that content and
    its file (so downloading a final version twice creates nothing), otherwise a new 草稿 version made by `make`
    (the bytes); older versions stay as the history. Answers (document, created)."""
    history = versions(subject)
    latest = history[0] if history else None
    if latest is not None and latest.content_key == key and storage_path(latest.storage_name).is_file():
        return latest, False
    data, name = make()
    for _attempt in range(3):  # two requests may number the same version: the loser takes the next number
        number = (db.session.scalar(sa.select(sa.func.max(Document.version)).where(Document.subject == subject))
                  or 0) + 1
        try:
            with db.session.begin_nested():
                doc = store(data, name, subject=subject, version=number, state="草稿", content_key=key, **fields)
                db.session.flush()
            return doc, True
        except sa.exc.IntegrityError:
            continue
    raise _error("同一文书正被他人同时生成，请稍后重试", 409, "n")


class Generated(NamedTuple):
    """A generated 附件's version and how many records it carries (app.exports.records.record_count: whether its
    PDF renders in a job)."""

    document: Document
    records: int


def _check_export(inspection: Inspection, no: int) -> bool:
    """Raise why the caller may not have 附件`no` of `inspection` (the handover, permission and row scope, the unit's
    附件); answers whether a person asks (then their reads of its records are logged)."""
    applies, request_user = current_scope_user()  # outside a request (CLI, jobs) nothing is restricted
    kept = take_out_refusal(inspection.id)  # 八（二）: the team exports nothing after the handover
    if kept:
        raise _error(kept, 403, "n")
    if applies:
        reason = may_export(no, request_user)
        given = liaison_attachment(no, request_user)  # the unit has a 附件 once it is given to it
        if not reason and given is not None and db.session.scalar(
                sa.select(Inspection.id).where(Inspection.id == inspection.id, given)) is None:
            reason = f"无权查看附件{no}：该文书尚未（或不）交给被巡察单位"
        if reason:
            raise _error(reason, 403, "n")
    return applies


def _export_refusal(inspection: Inspection, no: int) -> str | None:
    """_check_export's refusal as text (a page's disabled button says it), or None."""
    try:
        _check_export(inspection, no)
    except CommandError as exc:
        return exc.message
    return None


def _log_reads(applies: bool, found: dict[type, set[int]]) -> None:
    if applies:  # a person reads what the document holds (DOMAIN.md §6); a seed or the CLI filing it does not
        for model, ids in found.items():
            record_read(model, sorted(ids), EXPORT)


def export_attachment(inspection: Inspection, no, user) -> Document:
    """附件`no` of `inspection` (generate_attachment), its version only."""
    return generate_attachment(inspection, no, user).document


def generate_attachment(inspection: Inspection, no, user) -> Generated:
    """附件`no` of `inspection`, filled from its records as the caller may see them: the document's newest version
    when its content has not changed, else a new 草稿 version (app.rules.documents.content_key)."""
    if not isinstance(no, int) or no not in REGISTRY:
        raise _error(f"附件编号须为 1～24，收到「{no}」", 404, "n")
    applies = _check_export(inspection, no)
    attachment, tpl = REGISTRY[no], active_template(no)
    with contents() as found:  # the talks, petitions, clues and materials the builder fills it with
        context = attachment.build(inspection) if attachment.build is not None else {}
    fields = {"inspection_id": inspection.id}
    if no == 12:
        # The list names transferred clues: the team keeps no copy (六（二）3) and a department sees only its own
        # batches. Filed under its one batch, a list is 巡察办's and that department's; a list of several batches
        # is filed under none of them, nor under the inspection, so only 巡察办 and the leading group list it.
        sent = sent_transfers(inspection)
        found.setdefault(Clue, set()).update(c.id for t in sent for c in t.clues)
        if len(sent) == 1:
            fields["transfer_id"] = sent[0].id
        elif sent:
            fields["inspection_id"] = None
    meta = carried(attachment.confidential, found)
    context = marked(context, meta)
    title = tpl.title.removesuffix("模板")
    party_org = safe_name(inspection.unit.party_org_name or inspection.unit.name)

    def make():
        data = template_bytes(tpl)
        if attachment.build is not None:
            data = render(tpl.file_format, data, context)
        return data, f"附件{no} {title}（{party_org}）.{tpl.file_format}"

    _log_reads(applies, found)
    doc, _ = _version(subject_key(no, inspection_id=inspection.id), content_key(tpl.id, tpl.sha256, context), make,
                      title=f"附件{no} {title}", attachment_no=no, template_id=tpl.id, is_generated=True,
                      uploaded_by=actor_name(user), formed_on=document_formed_on(no, inspection, date.today()),
                      **meta, **fields)
    return Generated(doc, record_count(context))


def generate_record(record, no, user) -> Generated:
    """附件`no` of one meeting (8 听取汇报, 9 列席会议, 10 座谈会) or one talk (14): a document of its own with versions,
    like an inspection's, formed on the meeting's or the talk's date, under the same refusals as the inspection's
    附件 (a talk record is confidential: its readers are the talk's, every read logged)."""
    form = form_of(record)
    if form is None or form.no != no:
        which = f"附件{form.no}" if form is not None else "无对应的附件"
        raise _error(f"「{record_label(record)}」{which}，不能生成附件{no}", 404, "n")
    inspection = record.inspection
    applies = _check_export(inspection, no)
    tpl, confidential = active_template(no), REGISTRY[no].confidential
    with contents() as found:
        context = record_context(record)
    meta = carried(confidential, found)
    context = marked(context, meta)  # 密级 at the top left, as the inspection's 附件
    title, label = tpl.title.removesuffix("模板"), record_label(record)[:60]

    def make():
        return render(tpl.file_format, template_bytes(tpl), context), \
            f"附件{no} {title}（{safe_name(label)}）.{tpl.file_format}"

    _log_reads(applies, found)
    doc, _ = _version(subject_key(no, record=record), content_key(tpl.id, tpl.sha256, context), make,
                      title=f"附件{no} {title}（{label}）", attachment_no=no, template_id=tpl.id, is_generated=True,
                      uploaded_by=actor_name(user), formed_on=record.held_on or date.today(),
                      inspection_id=inspection.id, **meta)
    return Generated(doc, record_count(context))


def start_document_pdf(doc: Document, user, enqueue) -> Job:
    """The PDF of a long document as a background job (jobs.exports.document_pdf_job): its result, the PDF, is the
    owner's (and Admin's and 巡察办's) to download from 后台任务."""
    return start_job("document_pdf", f"生成PDF：{doc.title}"[:200], user.username, {"document_id": doc.id}, enqueue)


def carried(confidential: bool, found: dict[type, set[int]]) -> dict:
    """What a generated document carries of the records it was made from: whether it is confidential (a
    confidential 附件, or any talk, petition, clue or material in it), its 密级 — 秘密 for a confidential 附件 (the mark
    it prints), 内部 at least for another carrying such records, raised to the highest 密级 of the materials in it
    (三（三）6 "如有涉密材料，按相关保密规定处理") — and the records themselves, so that each download of it is a recorded
    read of each (send_document). The one 密级 of the document: stored, printed (`marked`) and archived."""
    found = {model: ids for model, ids in found.items() if ids}
    if not (confidential or found):
        return {"is_confidential": False, "classification": None, "contents": None}
    floor = SECRET if confidential else "内部"
    levels = [CLASSIFICATIONS.index(floor)] + [CLASSIFICATIONS.index(c) for c in db.session.scalars(
        sa.select(Material.classification).where(Material.id.in_(found.get(Material, ()))))]
    return {"is_confidential": True, "classification": CLASSIFICATIONS[max(levels)],
            "contents": {model.__tablename__: sorted(ids) for model, ids in found.items()} or None}


def marked(context: dict, meta: dict) -> dict:
    """The context with the document's 密级 printed at the top left when it is one of the 密级 of GB/T 9704 (秘密 and
    above): the same value as the stored one (carried)."""
    level = meta["classification"]
    if level in CLASSIFICATIONS[CLASSIFICATIONS.index(SECRET):]:
        return {**context, "secret": level}
    return context


def records_of(doc: Document) -> dict[type, list[int]]:
    """The confidential records a file carries: a generated document's contents, a clue's package, a transfer's
    list, a petition's letters (app.commands.clues.records_in); downloading it is a read of each."""
    from .clues import records_in  # clues files its transfer lists through this module

    found = {model: set(ids) for model, ids in records_in(doc).items()}
    models = {model.__tablename__: model for model in READ_LOGGED}
    for table, ids in (doc.contents or {}).items():
        if table in models:
            found.setdefault(models[table], set()).update(ids)
    return {model: sorted(ids) for model, ids in found.items()}


def file_transfer_list(transfer: Transfer, user) -> Document:
    """附件12 of one batch as it is sent, filed for 巡察办 and the receiving department (六（二）3): final as sent."""
    tpl = active_template(12)
    context = transfer_context([transfer])
    on = transfer.transferred_on

    def make():
        return (render(tpl.file_format, template_bytes(tpl), context),
                f"移送问题线索清单（{safe_name(transfer.department.name)}，{on.isoformat()}）.{tpl.file_format}")

    doc, created = _version(
        subject_key(12, transfer_id=transfer.id), content_key(tpl.id, tpl.sha256, context), make,
        title=f"附件12 移送问题线索清单（{transfer.department.name}）", attachment_no=12, template_id=tpl.id,
        inspection_id=transfer.inspection_id, transfer_id=transfer.id, is_generated=True, formed_on=on,
        uploaded_by=actor_name(user), **carried(True, {Clue: {c.id for c in transfer.clues}}))
    if created:
        _finalize(doc, user)
    return doc


# ---------------------------------------------------------------- 定稿


def display_name(user) -> str:
    """Who took a step, as people read it: the person linked to the login, else the account's name."""
    username = getattr(user, "username", None)
    if not username:
        return "系统"
    person = db.session.scalar(sa.select(Person.name).where(Person.username == username).limit(1))
    full = f"{getattr(user, 'last_name', '') or ''}{getattr(user, 'first_name', '') or ''}".strip()
    return person or full or username


def _inspection_of(doc: Document) -> Inspection | None:
    if doc.inspection is not None:
        return doc.inspection
    kind, _, rest = (doc.subject or "").partition(":")
    if kind == "inspection":
        return db.session.get(Inspection, int(rest.split(":")[0]))
    transfer = db.session.get(Transfer, doc.transfer_id) if doc.transfer_id else None
    return transfer.inspection if transfer else None


def may_finalize(doc: Document, user) -> bool:
    """定稿 is the team's 组长's or 巡察办's (Admin too); a system actor (seed, CLI, job) may."""
    roles = role_names(user)
    if roles is None or roles & FINALIZE_ROLES:
        return True
    inspection = _inspection_of(doc)
    return inspection is not None and db.session.scalar(
        sa.select(sa.literal(1)).select_from(TeamMember).join(Person, Person.id == TeamMember.person_id).where(
            TeamMember.team_id == inspection.team_id, TeamMember.role == "组长",
            Person.username == user.username).limit(1)) is not None


def _finalize(doc: Document, user) -> None:
    doc.state, doc.finalized_by, doc.finalized_at = "定稿", display_name(user), utcnow()
    db.session.add(StatusEvent(entity="document", entity_id=doc.id, field="state", from_value="草稿", to_value="定稿",
                               actor=actor_name(user), note=f"第{doc.version}版定稿"))


def finalize(doc: Document, user) -> Document:
    """定稿: this version becomes the one the archive files (八（一）); 形成时间 taken again from the records."""
    if doc.subject is None:
        raise _error(f"「{doc.original_name}」不是系统生成的文书，没有版本，无需定稿", 422, "state")
    if doc.state == "定稿":
        raise _error(f"「{doc.title}」第{doc.version}版已于{doc.finalized_at:%Y-%m-%d}由{doc.finalized_by}定稿", 409,
                     "state")
    if not may_finalize(doc, user):
        raise _error("定稿须由本巡察组组长或巡察办确认", 403, "state")
    if not storage_path(doc.storage_name).is_file():
        raise _error(f"「{doc.title}」第{doc.version}版的文件已不在存储中（已销毁或缺失），不能定稿", 422, "state")
    record, inspection = subject_record(doc), _inspection_of(doc)
    if isinstance(record, Talk):
        refusal = talk_final_refusal(record, doc)
        if refusal:
            raise _error(refusal, 422, "state")
    if record is not None:
        doc.formed_on = record.held_on or doc.formed_on
    elif inspection is not None and doc.attachment_no and not doc.transfer_id:
        doc.formed_on = document_formed_on(doc.attachment_no, inspection, doc.created_at.date())
    _finalize(doc, user)
    # 页数 as printed (附件24, the archive's items): from the PDF LibreOffice renders; None where it is absent
    doc.page_count = pages_of(storage_path(doc.storage_name).read_bytes(), Path(doc.original_name).suffix.lstrip("."))
    db.session.flush()
    return doc


def finalize_all(docs: list[Document], user) -> list[Document]:
    """finalize each of `docs`, their PDFs (页数) rendered first by one LibreOffice run instead of one each. Only the
    drafts this user may finalize are rendered: a refused one costs no conversion (finalize then refuses it)."""
    files = [(storage_path(d.storage_name).read_bytes(), Path(d.original_name).suffix.lstrip(".")) for d in docs
             if d.subject is not None and d.state != "定稿" and may_finalize(d, user)
             and storage_path(d.storage_name).is_file()]
    with suppress(OfficeUnavailable):  # finalize answers 页数 None where LibreOffice is absent
        cached_pdfs([f for f in files if f[1] in ("docx", "xlsx")])
    return [finalize(doc, user) for doc in docs]


def talk_final_refusal(talk: Talk, doc: Document) -> str | None:
    """三（三）5（4）: a talk record is final once the 组长 has reviewed it, so the version to finalize is one generated
    after that review (it carries the reviewer and the date)."""
    if talk.reviewed_by is None or talk.reviewed_on is None:
        return "个别谈话记录须经组长审阅后才能定稿，请先在该谈话中登记组长审阅"
    if doc.created_at.date() < talk.reviewed_on:
        return f"第{doc.version}版生成于组长审阅（{talk.reviewed_on.isoformat()}）之前，请重新生成后再定稿"
    return None


def record_menu(record) -> dict | None:
    """A meeting's or talk's own 附件 for its page: number, title, why the caller may not have it (or None), and the
    versions of its document the user may see (newest first); None where the record has no 附件 of its own."""
    form = form_of(record)
    if form is None:
        return None
    tpl = db.session.scalars(sa.select(DocumentTemplate).where(
        DocumentTemplate.attachment_no == form.no, DocumentTemplate.is_active.is_(True))).first()
    stmt = scoped(sa.select(Document).where(Document.subject == subject_key(form.no, record=record)), Document)
    return {"no": form.no, "title": tpl.title.removesuffix("模板") if tpl else f"附件{form.no}",
            "file_format": tpl.file_format if tpl else "",
            "reason": _export_refusal(record.inspection, form.no) if tpl else f"附件{form.no}没有启用的模板",
            "versions": list(db.session.scalars(stmt.order_by(Document.version.desc())))}


def version_panel(inspection: Inspection) -> dict[int, list[Document]]:
    """附件 number → the versions of the inspection's documents the caller may see, newest first (its 附件 panel)."""
    # the documents' inspection is the page's, already loaded: taken from the session when touched, not selected
    # again with its own selectin relations
    stmt = scoped(sa.select(Document).where(Document.subject.like(f"inspection:{inspection.id}:%")), Document) \
        .options(lazyload(Document.inspection))
    panel: dict[int, list[Document]] = {}
    for doc in db.session.scalars(stmt.order_by(Document.version.desc())):
        panel.setdefault(doc.attachment_no, []).append(doc)
    return panel
