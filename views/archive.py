"""八、立卷归档: archive volumes and their items (附件24), destruction records, and the documents kept on file."""

from __future__ import annotations

import io

from flask import abort, send_file
from flask_appbuilder import expose, has_access
from flask_appbuilder.api import safe
from flask_appbuilder.security.decorators import protect

from app.audit import DOWNLOAD, record_read
from app.commands.clues import records_in
from app.permissions import READ
from app.storage import CONTENT_TYPES, content_disposition, storage_path
from schema import ArchiveItem, ArchiveVolume, DestructionRecord, Document
from schema.enums import RETENTION_PERIODS

from .base import XctModelRestApi, XctModelView, XctSQLAInterface
from .fields import choice_field, with_blank

CATEGORY = "八、立卷归档"
STAMPS = ["created_at", "updated_at"]


class ArchiveItemView(XctModelView):
    datamodel = XctSQLAInterface(ArchiveItem)
    base_order = ("seq", "asc")
    list_columns = ["volume", "seq", "title", "kind", "classification", "retention", "formed_on"]
    _fields = ["volume", "seq", "title", "kind", "formed_on", "copies", "pages", "classification", "retention",
               "document", "note"]
    show_columns = _fields + STAMPS
    add_columns = edit_columns = _fields
    search_columns = ["title", "kind", "classification", "retention", "formed_on"]
    order_columns = ["seq", "title", "kind", "formed_on"]
    label_columns = {"title": "文件材料题名", "kind": "档案类别"}
    formatters_columns = {"retention": with_blank("")}
    add_form_extra_fields = edit_form_extra_fields = {
        "retention": choice_field("保管期限", RETENTION_PERIODS, blank="（未定）"),
    }


class ArchiveVolumeView(XctModelView):
    datamodel = XctSQLAInterface(ArchiveVolume)
    list_columns = ["volume_no", "title", "inspection", "handed_over_on", "handed_by", "received_by"]
    _fields = ["inspection", "volume_no", "title", "handed_over_on", "handed_by", "received_by"]
    show_columns = _fields + STAMPS
    add_columns = edit_columns = _fields
    search_columns = ["volume_no", "title", "handed_over_on", "handed_by", "received_by"]
    order_columns = ["volume_no", "title", "handed_over_on"]
    label_columns = {"title": "案卷题名", "handed_over_on": "移交巡察办日期"}
    related_views = [ArchiveItemView]


class DestructionRecordView(XctModelView):
    datamodel = XctSQLAInterface(DestructionRecord)
    base_order = ("destroyed_on", "desc")
    list_columns = ["material_title", "inspection", "destroyed_on", "method", "destroyed_by", "witness"]
    _fields = ["inspection", "material_title", "destroyed_on", "method", "destroyed_by", "witness"]
    show_columns = _fields + STAMPS
    add_columns = edit_columns = _fields
    search_columns = ["material_title", "destroyed_on", "method", "destroyed_by", "witness"]
    order_columns = ["material_title", "destroyed_on", "method"]
    label_columns = {"method": "销毁方式"}


class DocumentView(XctModelView):
    """Read-only here: documents are generated or uploaded through their own screen."""

    datamodel = XctSQLAInterface(Document)
    base_permissions = ["can_read"]
    include_route_methods = {"list", "show", "file"}
    method_permission_name = {**XctModelView.method_permission_name, "file": READ}
    list_columns = ["title", "original_name", "inspection", "attachment_no", "is_confidential", "formed_on"]
    show_columns = ["title", "original_name", "inspection", "attachment_no", "template", "formed_on", "size",
                    "content_type", "sha256", "is_generated", "is_confidential", "uploaded_by", "created_at"]
    search_columns = ["title", "original_name", "attachment_no", "is_generated", "is_confidential", "formed_on"]
    order_columns = ["title", "original_name", "attachment_no", "formed_on", "created_at"]
    label_columns = {"title": "文书标题", "template": "所用模板"}

    @expose("/file/<int:pk>")
    @has_access
    def file(self, pk):
        return send_document(self.datamodel.get(pk))


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
    for model, ids in records_in(doc).items():
        record_read(model, ids, DOWNLOAD)
    response = send_file(path, mimetype=doc.content_type or "application/octet-stream", max_age=0)
    response.headers["Content-Disposition"] = content_disposition(doc.original_name)
    response.headers["X-Content-SHA256"] = doc.sha256
    return response


# ---------------------------------------------------------------- REST


class ArchiveVolumeApi(XctModelRestApi):
    resource_name = "archive_volume"
    datamodel = XctSQLAInterface(ArchiveVolume)
    list_columns = ["id", "inspection.id", "volume_no", "title", "handed_over_on", "handed_by", "received_by"]
    show_columns = list_columns + ["items.id"] + STAMPS
    add_columns = edit_columns = ArchiveVolumeView._fields
    label_columns = {"title": "案卷题名", "handed_over_on": "移交巡察办日期", "items.id": "条目编号"}


class ArchiveItemApi(XctModelRestApi):
    resource_name = "archive_item"
    datamodel = XctSQLAInterface(ArchiveItem)
    base_order = ("seq", "asc")
    list_columns = ["id", "volume.id", "seq", "title", "kind", "formed_on", "copies", "pages", "classification",
                    "retention", "document.id"]
    show_columns = list_columns + ["note"] + STAMPS
    add_columns = edit_columns = ArchiveItemView._fields
    label_columns = {"title": "文件材料题名", "kind": "档案类别"}


class DestructionRecordApi(XctModelRestApi):
    resource_name = "destruction_record"
    datamodel = XctSQLAInterface(DestructionRecord)
    list_columns = ["id", "inspection.id", "material_title", "destroyed_on", "method", "destroyed_by", "witness"]
    show_columns = list_columns + STAMPS
    add_columns = edit_columns = DestructionRecordView._fields
    label_columns = {"method": "销毁方式"}


class DocumentApi(XctModelRestApi):
    resource_name = "document"
    datamodel = XctSQLAInterface(Document)
    include_route_methods = {"get", "get_list", "info", "file"}
    method_permission_name = {**XctModelRestApi.method_permission_name, "file": READ}
    list_columns = ["id", "inspection.id", "attachment_no", "template.id", "title", "original_name", "sha256", "size",
                    "content_type", "is_generated", "is_confidential", "formed_on", "uploaded_by", "created_at"]
    show_columns = list_columns
    label_columns = {"title": "文书标题", "template": "所用模板"}

    @expose("/<int:pk>/file", methods=["GET"])
    @protect()
    @safe
    def file(self, pk):
        doc = self.datamodel.get(pk)
        return send_document(doc) if doc is not None else self.response_404()


SCREENS = [
    (ArchiveVolumeView, "档案案卷", CATEGORY, "fa-archive"),
    (ArchiveItemView, "归档材料", CATEGORY, "fa-file"),
    (DestructionRecordView, "销毁记录", CATEGORY, "fa-trash"),
    (DocumentView, "文书", CATEGORY, "fa-file-text"),
]
APIS = [ArchiveVolumeApi, ArchiveItemApi, DestructionRecordApi, DocumentApi]
