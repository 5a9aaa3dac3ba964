"""XctModelRestApi: the base of every REST resource (API.md)."""

from __future__ import annotations

import sys

from flask import request, url_for
from flask_appbuilder import ModelRestApi, expose
from flask_appbuilder.api import protect
from marshmallow import validate
from marshmallow.fields import Raw
from marshmallow_sqlalchemy.fields import Related, RelatedList

from app.audit import API, MASK, identity_columns, record_read
from app.commands import CommandError
from app.errors import BadRequest
from app.extensions import db
from app.fab_compat import RestInfoMixin
from app.messages import HTTP_MESSAGES, JSON_BODY_REQUIRED, zh_api_message
from app.permissions import API_METHOD_PERMISSIONS
from app.uow import transaction
from app.web import BAD_VALUE, is_bad_value
from schema.base import INT_MAX, INT_MIN

from app.labels import LABELS, MODEL_NOUNS
from .helpers import export_list
from .messages import flatten_messages, integrity_message, zh_validation_text
from .resource import declare
from .screen import XctModelView


def _dotted_label(col: str, labels: dict[str, str]) -> str:
    """A Chinese label for a dotted REST column: ``unit.id`` → 单位编号, ``unit.name`` → 单位."""
    rel, attr = col.split(".", 1)
    base = labels.get(rel) or LABELS.get(rel, rel)
    if attr == "id":
        return f"{base}编号"
    if attr in ("name", "title"):
        return base
    return f"{base}{labels.get(attr) or LABELS.get(attr, attr)}"


class XctModelRestApi(RestInfoMixin, ModelRestApi):
    """A REST resource in FAB's style: stable default order, read/write permissions, Chinese errors (API.md);
    reads of confidential records logged and a petitioner's identity masked, as on the screens."""

    method_permission_name = API_METHOD_PERMISSIONS
    allow_browser_login = True
    page_size = 25
    max_page_size = 100
    base_order = ("id", "asc")

    resource = None  # a views.base.resource.Resource shared with the model's screen

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        declare(cls)

    def __init__(self, **kwargs):
        if self.class_permission_name is None:
            self.class_permission_name = self.datamodel.obj.__name__
        own = dict(self.label_columns or {})
        cols = list(self.list_columns or []) + list(self.show_columns or [])
        dotted = {c: _dotted_label(c, own) for c in cols if "." in c and c not in own}
        self.label_columns = {**LABELS, **dotted, **own}
        noun = MODEL_NOUNS[self.datamodel.obj.__name__]
        self.list_title = self.list_title or f"{noun}列表"
        self.show_title = self.show_title or f"{noun}详情"
        self.add_title = self.add_title or f"新增{noun}"
        self.edit_title = self.edit_title or f"编辑{noun}"
        dm = self.datamodel
        validators = dict(self.validators_columns or {})
        for col in set(self.add_columns or []) | set(self.edit_columns or []):
            if col in dm.list_columns and dm.is_integer(col) and col not in validators:
                validators[col] = validate.Range(min=INT_MIN, max=INT_MAX)  # beyond it the database fails (a 500)
        self.validators_columns = validators
        # A petitioner's identity is not a search criterion either: a filter would answer it letter by letter.
        self.identity_columns = identity_columns(dm.obj)
        self.search_exclude_columns = [*(self.search_exclude_columns or []), *self.identity_columns]
        if self.include_route_methods is not None:  # every list can be exported
            self.include_route_methods = set(self.include_route_methods) | {"export"}
        super().__init__(**kwargs)
        # FAB's answers pass their columns (``_answer_options``); the list's export passes none
        self.datamodel.show_in_lists(self.list_columns)

    # ---- reads are logged, a petitioner's identity is masked in every answer ----

    def _mask(self, row) -> None:
        if isinstance(row, dict):
            for name in self.identity_columns:
                if row.get(name):
                    row[name] = MASK

    def pre_get(self, data):
        self._mask(data.get("result"))

    def pre_get_list(self, data):
        for row in data.get("result") or []:
            self._mask(row)

    def get_headless(self, pk, **kwargs):
        resp = super().get_headless(pk, **kwargs)
        if resp.status_code == 200:
            record_read(self.datamodel.obj, [pk], API)
        return resp

    def get_list_headless(self, **kwargs):
        resp = super().get_list_headless(**kwargs)
        if resp.status_code == 200:
            record_read(self.datamodel.obj, resp.json.get("ids") or [], API)
        return resp

    def _masked_write(self, resp):
        """POST and PUT answer the whole record: mask it. A masked value sent back is "unchanged", not a name."""
        if not self.identity_columns or resp.status_code not in (200, 201):
            return resp
        data = resp.json
        self._mask(data.get("result"))
        return self.response(resp.status_code, **data)

    def _drop_masked_input(self) -> None:
        payload = request.get_json(silent=True)  # the same cached object FAB reads next
        if isinstance(payload, dict):
            for name in self.identity_columns:
                if payload.get(name) == MASK:
                    del payload[name]

    # ---- Chinese answers (API.md): validation errors are 400 naming the field, integrity errors 422 ----

    @staticmethod
    def response(code, **kwargs):
        if code == 200 and kwargs == {"message": "OK"}:  # FAB's answer to a DELETE
            kwargs = {"message": "已删除"}
        return ModelRestApi.response(code, **kwargs)

    def response_400(self, message=None):
        if isinstance(message, (dict, list)):
            return self._validation_response(message)
        return self.response(400, message=zh_api_message(message, HTTP_MESSAGES[400]))

    def response_401(self):
        return self.response(401, message=HTTP_MESSAGES[401])

    def response_403(self):
        return self.response(403, message=HTTP_MESSAGES[403])

    def response_404(self):
        return self.response(404, message=HTTP_MESSAGES[404])

    def response_422(self, message=None):
        if isinstance(message, (dict, list)):  # marshmallow ValidationError.messages: bad input, not a conflict
            return self._validation_response(message)
        if isinstance(message, str) and message.startswith("Database exception occurred"):
            return self.response(422, message=integrity_message(message, self.label_columns))
        return self.response(422, message=zh_api_message(message, HTTP_MESSAGES[422]))

    def response_500(self, message=None):
        # FAB's @safe answers every exception here, inside its except clause: a DataError is bad input (app.web).
        exc = sys.exc_info()[1]
        if is_bad_value(exc):
            db.session.rollback()
            return self.response(400, message=BAD_VALUE)
        return self.response(500, message=HTTP_MESSAGES[500])

    def _validation_response(self, messages):
        errors = {}
        for field, texts in (messages.items() if isinstance(messages, dict) else [("_schema", messages)]):
            errors[field] = [zh_validation_text(t) for t in flatten_messages(texts)]
        parts = []
        for field, texts in errors.items():
            if field == "_schema":
                parts.append("请求数据有误：" + "；".join(texts))
            else:
                parts.append(f"字段「{self.label_columns.get(field) or field}」：" + "；".join(texts))
        return self.response(400, message="；".join(parts), errors=errors)

    def _payload_errors(self, schema):
        """What FAB's schema load would not refuse cleanly.

        Ids of related records must exist: marshmallow-sqlalchemy would build a new, empty related row instead.
        A choice column (a non-native Enum) becomes a ``fields.Raw`` with a Length validator, which takes any JSON
        value and then fails on ``len(true)`` (a 500): its value must be text.
        """
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return {}
        errors = {}
        for name, value in payload.items():
            field = schema.fields.get(name)
            if value is None:
                continue
            if _is_choice(field) and not isinstance(value, str):
                errors[name] = ["Not a valid string."]
            if not isinstance(field, (Related, RelatedList)):
                continue
            for one in value if isinstance(value, list) else [value]:
                if isinstance(one, dict):
                    one = next(iter(one.values()), None) if len(one) == 1 else None
                if isinstance(one, bool) or not isinstance(one, (int, str)) or not str(one).isdigit():
                    errors[name] = ["Not a valid related id."]
                elif int(one) > INT_MAX or self.datamodel.get_related_interface(name).get(int(one)) is None:
                    # not found, or outside the caller's scope (a talk cannot be filed under another team's
                    # inspection)
                    errors[name] = [f"Related record {one} not found."]
        return errors

    item_rule = None
    pre_add = pre_update = XctModelView.pre_add
    pre_delete = XctModelView.pre_delete

    def post_headless(self):
        if request.is_json:
            errors = self._payload_errors(self.add_model_schema)
            if errors:
                return self._validation_response(errors)
        try:
            return self._masked_write(super().post_headless())
        except CommandError as exc:
            return self.command_error(exc)

    def put_headless(self, pk):
        if request.is_json and self.datamodel.get(pk, self._base_filters) is not None:
            errors = self._payload_errors(self.edit_model_schema)
            if errors:
                return self._validation_response(errors)
            self._drop_masked_input()
        try:
            return self._masked_write(super().put_headless(pk))
        except CommandError as exc:
            return self.command_error(exc)

    def delete_headless(self, pk):
        try:
            return super().delete_headless(pk)
        except CommandError as exc:  # pre_delete: the archive lock (issue 13, item 4)
            return self.command_error(exc)

    @expose("/export", methods=["GET"])
    @protect()
    def export(self):
        """The list of GET / for the same rison `q` (filters, order), all pages, as an Excel file; a large one
        answers 202 with the background job that makes it (GET /api/v1/job/<id>)."""
        try:
            return export_list(self, lambda job: self.response(
                202, message="数据较多，已转为后台任务，完成后可下载", job_id=job.id, state=job.state,
                url=url_for("JobApi.get", pk=job.id)))
        except CommandError as exc:
            return self.command_error(exc)

    # ---- use cases (app.commands) behind custom endpoints ----

    def command_error(self, exc: CommandError):
        db.session.rollback()
        extra = {"errors": {exc.field: [exc.message]}} if exc.field else {}
        return self.response(exc.status, message=exc.message, **extra)

    def json_body(self) -> dict:
        """The request's JSON object, or a CommandError (400) saying it is not one."""
        body = request.get_json(silent=True) if request.is_json else None
        if not isinstance(body, dict):
            raise BadRequest(JSON_BODY_REQUIRED)
        return body

    def run_command(self, fn, code: int = 200):
        """Run one use case in one transaction: its answer (a dict) on success, its Chinese error otherwise."""
        try:
            with transaction():
                result = fn()
        except CommandError as exc:
            return self.command_error(exc)
        return self.response(code, **(result or {"message": "已完成"}))


def _is_choice(field) -> bool:
    return type(field) is Raw and any(isinstance(v, validate.OneOf) for v in field.validators)
