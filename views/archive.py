"""八、立卷归档: archive volumes and their items (附件24), collected from the inspection's documents and checked
against the required list (系统设置 → 归档要求), handed over to 巡察办 with every file verified, then read-only;
destruction records of what is not archived; and the documents kept on file."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import lazyload
from flask import abort, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import safe
from flask_appbuilder.fieldwidgets import DatePickerWidget
from flask_appbuilder.security.decorators import protect
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.audit import DOWNLOAD, record_read
from app.commands import CommandError
from app.commands import archive as flow
from app.commands.documents import finalize as finalize_document
from app.commands.documents import records_of
from app.commands.holds import take_out_refusal
from app.commands.rectification import full_name
from app.errors import NotFound
from app.extensions import db
from app.permissions import READ, WRITE
from app.scope import scoped as in_scope  # .disposal's scoped finds one record
from app.storage import CONTENT_TYPES, content_disposition, storage_path
from app.uow import transaction
from app.web import _bad
from schema import ArchiveItem, ArchiveRequirement, ArchiveVolume, DestructionRecord, Document, Inspection
from schema.base import INT_MAX
from schema.enums import ARCHIVE_RECORD_TYPES, ARCHIVE_STAGES, RETENTION_PERIODS

from .base import Resource, XctModelRestApi, XctModelView, XctSQLAInterface, body_day
from .disposal import _step, scoped
from .fields import choice_field, with_blank

CATEGORY = "八、立卷归档"
STAMPS = ["created_at", "updated_at"]
VERIFICATION = ["verified_count", "verified_at", "verified_by", "override_reason"]
LABELS = {"title": "案卷题名", "handed_over_on": "移交巡察办日期", "handed_by": "移交人（巡察组）",
          "received_by": "接收人（巡察办）", "verified_count": "校验一致的文件数", "verified_at": "校验时间（UTC）",
          "verified_by": "校验人", "override_reason": "材料不全时接收的理由"}
ITEM_LABELS = {"title": "文件材料题名", "kind": "档案类别", "requirement": "对应归档要求"}


def _no_delete(problem):
    """pre_delete of a volume or item: refused (in Chinese, on the screen and in the API) once handed over."""
    flow.refuse_if_locked(problem)


ARCHIVE_ITEM = Resource(ArchiveItem, {},
                        ("volume", "seq", "title", "kind", "formed_on", "copies", "pages", "classification",
                         "retention", "document", "requirement", "note"))


class ArchiveItemView(XctModelView):
    resource = ARCHIVE_ITEM
    base_order = ("seq", "asc")
    list_columns = ["volume", "seq", "title", "kind", "classification", "retention", "formed_on"]
    _fields = list(ARCHIVE_ITEM.fields)
    show_columns = _fields + STAMPS
    search_columns = ["title", "kind", "classification", "retention", "formed_on"]
    order_columns = ["seq", "title", "kind", "formed_on"]
    label_columns = ITEM_LABELS
    formatters_columns = {"retention": with_blank("")}
    add_form_extra_fields = edit_form_extra_fields = {
        "retention": choice_field("保管期限", RETENTION_PERIODS, blank="（未定）"),
    }
    item_rule = staticmethod(flow.item_write_problem)

    def pre_delete(self, item):
        _no_delete(flow.item_write_problem(item, deleting=True))


ARCHIVE_VOLUME = Resource(ArchiveVolume, {},
                          ("inspection", "volume_no", "title"))


class ArchiveVolumeView(XctModelView):
    """A volume's page shows the completeness check (present / missing per stage) and its steps: 收集归档材料,
    移交巡察办, 销毁登记. The handover fields are set by the step only."""

    resource = ARCHIVE_VOLUME
    show_template = "xct/archive_show.html"
    list_columns = ["volume_no", "title", "inspection", "handed_over_on", "handed_by", "received_by"]
    _fields = list(ARCHIVE_VOLUME.fields)
    show_columns = _fields + ["handed_over_on", "handed_by", "received_by"] + VERIFICATION + STAMPS
    search_columns = ["volume_no", "title", "handed_over_on", "handed_by", "received_by"]
    order_columns = ["volume_no", "title", "handed_over_on"]
    label_columns = LABELS
    related_views = [ArchiveItemView]
    item_rule = staticmethod(flow.volume_write_problem)

    def pre_delete(self, item):
        _no_delete(flow.volume_write_problem(item, deleting=True))

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            volume = self.datamodel.get(int(kwargs["pk"]))
            sm = self.appbuilder.sm
            kwargs["check"] = flow.check_volume(volume)
            kwargs["locked"] = flow.locked_message(volume)
            kwargs["pk_inspection"] = volume.inspection_id
            kwargs["may"] = {name: sm.has_access("can_write", resource) for name, resource in (
                ("collect", "ArchiveItem"), ("handover", "ArchiveVolume"), ("destroy", "DestructionRecord"))}
        return super().render_template(template, **kwargs)


DESTRUCTION_RECORD = Resource(DestructionRecord, {"method": "销毁方式", "document_sha256": "文件SHA-256"})


class DestructionRecordView(XctModelView):
    """Read-only: a destruction is recorded from the volume page (销毁登记), which also deletes the stored file."""

    resource = DESTRUCTION_RECORD
    base_permissions = ["can_read"]
    include_route_methods = {"list", "show"}
    base_order = ("destroyed_on", "desc")
    list_columns = ["material_title", "inspection", "destroyed_on", "method", "destroyed_by", "witness"]
    _fields = ["inspection", "material_title", "destroyed_on", "method", "destroyed_by", "witness", "document",
               "document_sha256"]
    show_columns = _fields + STAMPS
    search_columns = ["material_title", "destroyed_on", "method", "destroyed_by", "witness"]
    order_columns = ["material_title", "destroyed_on", "method"]
    label_columns = {"document": "销毁的文件"}


ARCHIVE_REQUIREMENT = Resource(ArchiveRequirement, {},
                               ("code", "stage", "seq", "title", "kind", "attachment_no", "record_type", "applies_if",
                                "clause", "is_active"))


class ArchiveRequirementView(XctModelView):
    """系统设置 → 归档要求: what every inspection's archive must hold (八（一）), by stage; rows are the rule's data."""

    resource = ARCHIVE_REQUIREMENT
    base_order = ("code", "asc")
    list_columns = ["code", "stage", "seq", "title", "kind", "attachment_no", "record_type", "applies_if",
                    "is_active"]
    _fields = list(ARCHIVE_REQUIREMENT.fields)
    show_columns = _fields + STAMPS
    search_columns = ["code", "stage", "title", "kind", "attachment_no", "is_active"]
    order_columns = ["code", "stage", "seq", "title"]
    label_columns = {"code": "编号", "title": "材料名称", "kind": "档案类别", "attachment_no": "附件号（据文书识别）",
                     "record_type": "据记录识别", "applies_if": "仅当有此类记录时要求", "seq": "阶段内顺序"}
    formatters_columns = {"attachment_no": with_blank(""), "record_type": with_blank(""),
                          "applies_if": with_blank("（总是要求）")}
    add_form_extra_fields = edit_form_extra_fields = {
        "stage": choice_field("阶段", ARCHIVE_STAGES),
        "record_type": choice_field("据记录识别", ARCHIVE_RECORD_TYPES, blank="（据附件号识别）"),
        "applies_if": choice_field("仅当有此类记录时要求", ARCHIVE_RECORD_TYPES, blank="（总是要求）"),
    }
    item_rule = staticmethod(flow.requirement_write_problem)


# ---------------------------------------------------------------- the steps


def _inspection_choices():
    stmt = in_scope(sa.select(Inspection), Inspection).order_by(Inspection.id.desc())
    return [(i.id, str(i)) for i in db.session.scalars(stmt)]


class CollectForm(FlaskForm):
    inspection = SelectField("巡察", coerce=int, validators=[DataRequired("请选择巡察")])


class HandoverForm(FlaskForm):
    handed_over_on = DateField("移交日期", widget=DatePickerWidget(), default=date.today,
                               validators=[DataRequired("请填写移交日期")])
    handed_by = StringField("移交人（巡察组）", validators=[DataRequired("请填写移交人"), Length(max=50)])
    received_by = StringField("接收人（巡察办）", validators=[DataRequired("请填写接收人"), Length(max=50)])
    reason = TextAreaField("材料不全时接收的理由", validators=[Length(max=1000)],
                           description="归档材料齐全时留空；不全时须由巡察办说明理由方可接收")


class DestroyForm(FlaskForm):
    document = SelectField("销毁的文件", coerce=lambda v: int(v) if str(v).isdigit() else None,
                           validators=[Optional()], description="选择未归档的电子文件（将从存储中删除）；纸质材料留空并填写名称")
    material_title = StringField("材料名称", validators=[Length(max=200)], description="选择文件时可留空（取文件标题）")
    method = StringField("销毁方式", validators=[DataRequired("请填写销毁方式"), Length(max=50)],
                         description="如：粉碎、删除电子版")
    destroyed_by = StringField("销毁人", validators=[DataRequired("请填写销毁人"), Length(max=50)])
    witness = StringField("监销人", validators=[DataRequired("请填写监销人"), Length(max=50)])
    destroyed_on = DateField("销毁日期", widget=DatePickerWidget(), default=date.today,
                             validators=[DataRequired("请填写销毁日期")])


VOLUMES = XctSQLAInterface(ArchiveVolume)
INSPECTIONS = XctSQLAInterface(Inspection)


def archive_panel(inspection: Inspection) -> dict:
    """The inspection page's 立卷归档 panel: its volume as the caller may see it, with what is still missing."""
    volume = db.session.scalar(in_scope(sa.select(ArchiveVolume).where(ArchiveVolume.inspection_id == inspection.id),
                                        ArchiveVolume).options(lazyload(ArchiveVolume.inspection)))  # the page's own
    check = flow.check_volume(volume) if volume else None
    return {"archive": {"volume": volume, "missing": check and check.messages, "items": check and check.collected}}


class ArchiveFlowView(BaseView):
    """收集归档材料 (巡察组组长或巡察办), 移交巡察办 and 销毁登记 (巡察办)."""

    route_base = "/archiveflow"
    class_permission_name = "ArchiveItem"
    method_permission_name = {"collect": WRITE}

    @expose("/collect", methods=["GET", "POST"])
    @has_access
    def collect(self):
        form = CollectForm(inspection=request.args.get("inspection", type=int))
        form.inspection.choices = _inspection_choices()
        result = {}

        def run(f):
            volume, added = flow.collect(scoped(INSPECTIONS, f.inspection.data))
            result.update(volume=volume.id, added=added)

        page = _step(self, form, run, title="收集归档材料", back=url_for("ArchiveVolumeView.list"), done="已收集归档材料",
                     clause="巡察组严格执行保密规定。指定专人负责巡察材料的立卷归档，并填写归档材料清单。（规程八（一））",
                     intro="从本次巡察生成和上传的文书中收集归档材料，按阶段编号，文书、业务分列；再次收集只增加新的文件。")
        if result:
            flash(f"新增归档材料{result['added']}件", "info")
            return redirect(url_for("ArchiveVolumeView.show", pk=result["volume"]))
        return page


class ArchiveVolumeFlowView(BaseView):
    route_base = "/archivevolumeflow"
    class_permission_name = "ArchiveVolume"
    method_permission_name = {"handover": WRITE}

    @expose("/handover/<pk>", methods=["GET", "POST"])
    @has_access
    def handover(self, pk):
        volume = scoped(VOLUMES, pk)
        form = HandoverForm(received_by=full_name(g.user))
        check = flow.check_volume(volume)
        return _step(self, form, lambda f: flow.handover(
            volume, g.user, handed_by=f.handed_by.data, received_by=f.received_by.data,
            handed_over_on=f.handed_over_on.data, reason=f.reason.data),
            title=f"移交巡察办：{volume.title}", back=url_for("ArchiveVolumeView.show", pk=volume.id),
            done="已移交巡察办，文件校验一致；案卷转为只读",
            problems=[flow.locked_message(volume)] if volume.handed_over_on else check.messages,
            clause="巡察组在反馈工作结束后1个月内向巡察办移交本次巡察的档案，任何个人不得以任何形式保留巡察工作文件和材料。"
                   "（规程八（二）1）")


class DestructionFlowView(BaseView):
    route_base = "/destructionflow"
    class_permission_name = "DestructionRecord"
    method_permission_name = {"destroy": WRITE}

    @expose("/destroy/<pk>", methods=["GET", "POST"])
    @has_access
    def destroy(self, pk):
        volume = scoped(VOLUMES, pk)
        form = DestroyForm()
        form.document.choices = [("", "（纸质材料，不删除文件）")] + [
            (d.id, f"{d.title}（{d.original_name}）") for d in flow.destroyable_documents(volume.inspection)]
        return _step(self, form, lambda f: flow.destroy(
            volume.inspection, g.user, document_id=f.document.data, material_title=f.material_title.data,
            method=f.method.data, destroyed_by=f.destroyed_by.data, witness=f.witness.data,
            destroyed_on=f.destroyed_on.data),
            title=f"销毁登记：{volume.inspection}", back=url_for("ArchiveVolumeView.show", pk=volume.id),
            done="已登记销毁", clause="对不需要归档的材料要及时销毁。（规程八（二）1）")


DOCUMENT_LABELS = {"title": "文书标题", "template": "所用模板", "version": "版本", "state": "稿件状态",
                   "finalized_by": "定稿人", "finalized_at": "定稿时间", "page_count": "页数（PDF）",
                   "formed_on": "形成时间"}


class DocumentView(XctModelView):
    """Documents are generated or uploaded through their own screens; here one is read, downloaded, or a generated
    version made 定稿 (the version the archive files)."""

    datamodel = XctSQLAInterface(Document)
    include_route_methods = {"list", "show", "file", "finalize"}
    method_permission_name = {**XctModelView.method_permission_name, "file": READ, "finalize": WRITE}
    list_columns = ["title", "version", "state", "original_name", "inspection", "attachment_no", "is_confidential",
                    "classification", "formed_on"]
    show_columns = ["title", "version", "state", "finalized_by", "finalized_at", "original_name", "inspection",
                    "attachment_no", "template", "formed_on", "page_count", "size", "content_type", "sha256",
                    "is_generated", "is_confidential", "classification", "uploaded_by", "created_at"]
    search_columns = ["title", "original_name", "attachment_no", "state", "is_generated", "is_confidential",
                      "formed_on"]
    order_columns = ["title", "original_name", "attachment_no", "version", "formed_on", "created_at"]
    label_columns = DOCUMENT_LABELS

    @expose("/file/<int:pk>")
    @has_access
    def file(self, pk):
        return send_document(self.datamodel.get(pk))

    @expose("/finalize/<int:pk>", methods=["POST"])
    @has_access
    def finalize(self, pk):
        """定稿 (the team's 组长 or 巡察办): this version is the one the archive files."""
        doc = self.datamodel.get(pk)
        if doc is None:
            abort(404)
        try:
            with transaction():
                finalize_document(doc, g.user)
            flash(f"「{doc.title}」第{doc.version}版已定稿", "success")
        except CommandError as exc:
            flash(exc.message, "danger")
        back = request.form.get("next", "")
        return redirect(back if back.startswith("/") and not back.startswith("//") else url_for(".show", pk=pk))


def file_response(data: bytes, original_name: str):
    """Bytes made on request (a template, a generated 附件) as a download under their Chinese name."""
    suffix = original_name[original_name.rfind("."):].lower()
    response = send_file(io.BytesIO(data), mimetype=CONTENT_TYPES.get(suffix, "application/octet-stream"), max_age=0)
    response.headers["Content-Disposition"] = content_disposition(original_name)
    return response


def send_document(doc: Document | None):
    """The stored file of a document the caller may see (the scoped get found it), under its Chinese name."""
    path = storage_path(doc.storage_name) if doc is not None else None
    if path is None or not path.is_file():
        abort(404)
    kept = take_out_refusal(doc.inspection_id)  # 八（二）: the team keeps nothing after the handover
    if kept:
        return _bad(kept, 403)
    for model, ids in records_of(doc).items():
        record_read(model, ids, DOWNLOAD)
    response = send_file(path, mimetype=doc.content_type or "application/octet-stream", max_age=0)
    response.headers["Content-Disposition"] = content_disposition(doc.original_name)
    response.headers["X-Content-SHA256"] = doc.sha256
    return response


# ---------------------------------------------------------------- REST




def _text(body: dict, name: str) -> str | None:
    value = body.get(name)
    if value is not None and not isinstance(value, str):
        raise CommandError("须为文字", name)
    return value


def _id(body: dict, name: str, label: str) -> int | None:
    value = body.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= INT_MAX:
        raise CommandError(f"{label}须为记录编号（正整数）", name)
    return value


class ArchiveVolumeApi(XctModelRestApi):
    """GET /<id>/check: the completeness check; POST /<id>/handover: 移交巡察办; POST /<id>/destroy: 销毁登记."""

    resource_name = "archive_volume"
    resource = ARCHIVE_VOLUME
    list_columns = ["id", "inspection.id", "volume_no", "title", "handed_over_on", "handed_by", "received_by"]
    show_columns = list_columns + VERIFICATION + ["items.id"] + STAMPS
    label_columns = {**LABELS, "items.id": "条目编号"}
    item_rule = staticmethod(flow.volume_write_problem)
    method_permission_name = {**XctModelRestApi.method_permission_name, "check": READ, "handover": WRITE}

    def pre_delete(self, item):
        _no_delete(flow.volume_write_problem(item, deleting=True))

    def delete_headless(self, pk):
        try:
            return super().delete_headless(pk)
        except CommandError as exc:
            return self.command_error(exc)

    @expose("/<int:pk>/check", methods=["GET"])
    @protect()
    @safe
    def check(self, pk):
        volume = self.datamodel.get(pk)
        if volume is None:
            return self.response_404()
        return self.response(200, result=flow.check_answer(volume))

    @expose("/<int:pk>/handover", methods=["POST"])
    @protect()
    @safe
    def handover(self, pk):
        volume = self.datamodel.get(pk)
        if volume is None:
            return self.response_404()

        def run():
            body = self.json_body()
            return {"result": flow.handover(
                volume, g.user, handed_by=_text(body, "handed_by"), received_by=_text(body, "received_by"),
                handed_over_on=body_day(body, "handed_over_on", "移交日期"), reason=_text(body, "reason"))}
        return self.run_command(run)


class ArchiveItemApi(XctModelRestApi):
    """POST /collect {"inspection": id}: 收集归档材料 (creates the volume if absent)."""

    resource_name = "archive_item"
    resource = ARCHIVE_ITEM
    base_order = ("seq", "asc")
    list_columns = ["id", "volume.id", "seq", "title", "kind", "formed_on", "copies", "pages", "classification",
                    "retention", "document.id", "requirement.code"]
    show_columns = list_columns + ["note"] + STAMPS
    label_columns = {**ITEM_LABELS, "requirement.code": "对应归档要求"}
    item_rule = staticmethod(flow.item_write_problem)
    method_permission_name = {**XctModelRestApi.method_permission_name, "collect": WRITE}

    def pre_delete(self, item):
        _no_delete(flow.item_write_problem(item, deleting=True))

    def delete_headless(self, pk):
        try:
            return super().delete_headless(pk)
        except CommandError as exc:
            return self.command_error(exc)

    @expose("/collect", methods=["POST"])
    @protect()
    @safe
    def collect(self):
        def run():
            inspection_id = _id(self.json_body(), "inspection", "巡察")
            inspection = INSPECTIONS.get(inspection_id) if inspection_id else None
            if inspection is None:
                raise NotFound("巡察不存在或无权查看", "inspection")
            volume, added = flow.collect(inspection)
            return {"result": {"volume": volume.id, "added": added, "items": len(volume.items)}}
        return self.run_command(run)


class DestructionRecordApi(XctModelRestApi):
    """Read-only list; POST /destroy {"volume", "document" | "material_title", "method", "destroyed_by", "witness",
    "destroyed_on"} records one and deletes the document's stored file."""

    resource_name = "destruction_record"
    resource = DESTRUCTION_RECORD
    include_route_methods = {"get", "get_list", "info", "destroy"}
    method_permission_name = {**XctModelRestApi.method_permission_name, "destroy": WRITE}
    list_columns = ["id", "inspection.id", "material_title", "destroyed_on", "method", "destroyed_by", "witness",
                    "document.id", "document_sha256"]
    show_columns = list_columns + STAMPS
    label_columns = {"document.id": "销毁的文件"}

    @expose("/destroy", methods=["POST"])
    @protect()
    @safe
    def destroy(self):
        def run():
            body = self.json_body()
            volume_id = _id(body, "volume", "案卷")
            volume = VOLUMES.get(volume_id) if volume_id else None
            if volume is None:
                raise NotFound("案卷不存在或无权查看", "volume")
            record = flow.destroy(
                volume.inspection, g.user, document_id=_id(body, "document", "文件"),
                material_title=_text(body, "material_title"), method=_text(body, "method"),
                destroyed_by=_text(body, "destroyed_by"), witness=_text(body, "witness"),
                destroyed_on=body_day(body, "destroyed_on", "销毁日期"))
            return {"id": record.id, "result": {"document": record.document_id, "sha256": record.document_sha256}}
        return self.run_command(run, 201)


class ArchiveRequirementApi(XctModelRestApi):
    resource_name = "archive_requirement"
    resource = ARCHIVE_REQUIREMENT
    base_order = ("code", "asc")
    list_columns = ["id"] + ArchiveRequirementView._fields
    show_columns = list_columns + STAMPS
    label_columns = ArchiveRequirementView.label_columns
    item_rule = staticmethod(flow.requirement_write_problem)


class DocumentApi(XctModelRestApi):
    resource_name = "document"
    datamodel = XctSQLAInterface(Document)
    include_route_methods = {"get", "get_list", "info", "file", "finalize"}
    method_permission_name = {**XctModelRestApi.method_permission_name, "file": READ, "finalize": WRITE}
    list_columns = ["id", "inspection.id", "attachment_no", "template.id", "title", "original_name", "sha256", "size",
                    "content_type", "is_generated", "is_confidential", "classification", "formed_on", "uploaded_by",
                    "created_at", "subject", "version", "state", "finalized_by", "finalized_at", "page_count"]
    show_columns = list_columns
    label_columns = DOCUMENT_LABELS

    @expose("/<int:pk>/finalize", methods=["POST"])
    @protect()
    @safe
    def finalize(self, pk):
        """定稿 of this version (the team's 组长 or 巡察办); 409 when it is already final."""
        doc = self.datamodel.get(pk)
        if doc is None:
            return self.response_404()
        return self.run_command(lambda: _document_answer(finalize_document(doc, g.user)))

    @expose("/<int:pk>/file", methods=["GET"])
    @protect()
    @safe
    def file(self, pk):
        doc = self.datamodel.get(pk)
        if doc is None:
            return self.response_404()
        if not storage_path(doc.storage_name).is_file():  # destroyed (销毁记录) or lost
            return self.response(404, message="文件已不在存储中（已销毁或缺失）")
        return send_document(doc)


def _document_answer(doc: Document) -> dict:
    return {"message": f"「{doc.title}」第{doc.version}版已定稿", "result": {
        "id": doc.id, "version": doc.version, "state": doc.state, "finalized_by": doc.finalized_by,
        "finalized_at": doc.finalized_at.isoformat(timespec="seconds") if doc.finalized_at else None,
        "formed_on": doc.formed_on.isoformat() if doc.formed_on else None}}


SCREENS = [
    (ArchiveVolumeView, "档案案卷", CATEGORY, "fa-archive"),
    (ArchiveItemView, "归档材料", CATEGORY, "fa-file"),
    (DestructionRecordView, "销毁记录", CATEGORY, "fa-trash"),
    (DocumentView, "文书", CATEGORY, "fa-file-text"),
    (ArchiveRequirementView, "归档要求", "系统设置", "fa-list-ol"),
]
HIDDEN = [ArchiveFlowView, ArchiveVolumeFlowView, DestructionFlowView]
APIS = [ArchiveVolumeApi, ArchiveItemApi, DestructionRecordApi, DocumentApi, ArchiveRequirementApi]
