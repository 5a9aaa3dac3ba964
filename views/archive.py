"""八、立卷归档: archive volumes and their items (附件24), destruction records, and the documents kept on file."""

from __future__ import annotations

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
    include_route_methods = {"list", "show"}
    list_columns = ["title", "original_name", "inspection", "attachment_no", "is_confidential", "formed_on"]
    show_columns = ["title", "original_name", "inspection", "attachment_no", "template", "formed_on", "size",
                    "content_type", "sha256", "is_generated", "is_confidential", "uploaded_by", "created_at"]
    search_columns = ["title", "original_name", "attachment_no", "is_generated", "is_confidential", "formed_on"]
    order_columns = ["title", "original_name", "attachment_no", "formed_on", "created_at"]
    label_columns = {"title": "文书标题", "template": "所用模板"}


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
    include_route_methods = {"get", "get_list", "info"}
    list_columns = ["id", "inspection.id", "attachment_no", "template.id", "title", "original_name", "sha256", "size",
                    "content_type", "is_generated", "is_confidential", "formed_on", "uploaded_by", "created_at"]
    show_columns = list_columns
    label_columns = {"title": "文书标题", "template": "所用模板"}


SCREENS = [
    (ArchiveVolumeView, "档案案卷", CATEGORY, "fa-archive"),
    (ArchiveItemView, "归档材料", CATEGORY, "fa-file"),
    (DestructionRecordView, "销毁记录", CATEGORY, "fa-trash"),
    (DocumentView, "文书", CATEGORY, "fa-file-text"),
]
APIS = [ArchiveVolumeApi, ArchiveItemApi, DestructionRecordApi, DocumentApi]
