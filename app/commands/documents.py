"""文书: template versions of the 24 附件 (upload, re-activate) and documents generated from an inspection's records."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

import seeds
from app.exports.attachments import REGISTRY, sent_transfers, transfer_context
from app.exports.render import MACRO_SUFFIXES, check_template, render
from app.extensions import db
from app.scope import current_scope_user, scope_criterion
from app.storage import MAX_UPLOAD_BYTES, storage_path, store, write_file
from schema import Document, DocumentTemplate, Inspection, Transfer
from schema.history import StatusEvent

from . import CommandError
from .status import actor_name
from .holds import take_out_refusal

SEED_DIR = Path(seeds.__file__).parent / "templates"  # the defaults, written by seeds/make_templates.py
SOURCE_NOUNS = {"Talk": "个别谈话", "Petition": "信访", "Clue": "问题线索", "Material": "调阅资料",
                "Transfer": "移送批次", "TalkReport": "个别谈话情况报告", "InspectionReport": "巡察情况报告",
                "Finding": "发现的问题", "Recommendation": "意见建议", "Feedback": "反馈意见", "Meeting": "会议",
                "Briefing": "情况准备", "WorkPlan": "组内工作方案", "Survey": "调查问卷", "Visit": "走访调研",
                "ArchiveVolume": "档案案卷", "Document": "文书", "Announcement": "巡察公告"}


def _error(message: str, status: int, field: str | None = None) -> CommandError:
    exc = CommandError(message, field)
    exc.status = status
    return exc


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
    name = Path((filename or "").replace("\\", "/")).name.strip()
    if not name or not data:
        raise CommandError("请选择要上传的模板文件", "file")
    if len(data) > MAX_UPLOAD_BYTES:
        raise CommandError(f"模板文件超过 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB", "file")
    suffix = Path(name).suffix.lower()
    if suffix not in MACRO_SUFFIXES and suffix != f".{slot.file_format}":
        raise CommandError(f"附件{slot.attachment_no}的模板须为 .{slot.file_format} 文件，收到「{name}」", "file")
    check_template(slot.file_format, name, data)
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
    sm = current_app.appbuilder.sm
    for model in REGISTRY[no].sources:
        crit = scope_criterion(model, user)
        if not sm.has_access("can_read", model.__name__) or isinstance(crit, sa.sql.elements.False_):
            return f"无权查看附件{no}：其内容来自您无权查看的{SOURCE_NOUNS.get(model.__name__, model.__name__)}记录"
    return None


def attachment_menu(user) -> list[dict]:
    """The 24 附件 for an inspection page: number, title, format, and why the user may not have it (or None)."""
    active = {t.attachment_no: t for t in db.session.scalars(
        sa.select(DocumentTemplate).where(DocumentTemplate.is_active.is_(True)))}
    return [{"no": no, "title": active[no].title.removesuffix("模板") if no in active else f"附件{no}",
             "file_format": active[no].file_format if no in active else "",
             "reason": may_export(no, user) if no in active else f"附件{no}没有启用的模板"} for no in REGISTRY]


def export_attachment(inspection: Inspection, no, user) -> Document:
    """附件`no` of `inspection`, filled from its records as the caller may see them, stored as a Document."""
    if not isinstance(no, int) or no not in REGISTRY:
        raise _error(f"附件编号须为 1～24，收到「{no}」", 404, "n")
    applies, request_user = current_scope_user()  # outside a request (CLI, jobs) nothing is restricted
    kept = take_out_refusal(inspection.id)  # 八（二）: the team exports nothing after the handover
    if kept:
        raise _error(kept, 403, "n")
    if applies:
        reason = may_export(no, request_user)
        if reason:
            raise _error(reason, 403, "n")
    attachment, tpl = REGISTRY[no], active_template(no)
    data = template_bytes(tpl)
    if attachment.build is not None:
        data = render(tpl.file_format, data, attachment.build(inspection))
    fields = {"inspection_id": inspection.id}
    if no == 12:
        # The list names transferred clues: the team keeps no copy (六（二）3) and a department sees only its own
        # batches. Filed under its one batch, a list is 巡察办's and that department's; a list of several batches
        # is filed under none of them, nor under the inspection, so only 巡察办 and the leading group list it.
        sent = sent_transfers(inspection)
        if len(sent) == 1:
            fields["transfer_id"] = sent[0].id
        elif sent:
            fields["inspection_id"] = None
    party_org = inspection.unit.party_org_name or inspection.unit.name
    return store(data, f"附件{no} {tpl.title.removesuffix('模板')}（{party_org}）.{tpl.file_format}",
                 title=f"附件{no} {tpl.title.removesuffix('模板')}", attachment_no=no, template_id=tpl.id,
                 is_generated=True, is_confidential=attachment.confidential,
                 formed_on=date.today(), uploaded_by=actor_name(user), **fields)


def file_transfer_list(transfer: Transfer, user) -> Document:
    """附件12 of one batch as it is sent, filed for 巡察办 and the receiving department (六（二）3)."""
    tpl = active_template(12)
    data = render(tpl.file_format, template_bytes(tpl), transfer_context([transfer]))
    on = transfer.transferred_on
    return store(data, f"移送问题线索清单（{transfer.department.name}，{on.isoformat()}）.{tpl.file_format}",
                 title=f"附件12 移送问题线索清单（{transfer.department.name}）", attachment_no=12, template_id=tpl.id,
                 inspection_id=transfer.inspection_id, transfer_id=transfer.id, is_generated=True,
                 is_confidential=True, formed_on=on, uploaded_by=actor_name(user))
