"""Request guards and error answers shared by every screen and API: no user input may produce a 500."""

from __future__ import annotations

import logging
import re

import prison
from flask import Flask, current_app, g, jsonify, render_template_string, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

MAX_ID = 2**31 - 1
MAX_PAGE = 100_000
_LIST_ARG = re.compile(r"^(page|psize)_")

MESSAGES = {
    400: "请求参数有误",
    401: "请先登录",
    403: "没有权限执行此操作",
    404: "记录不存在或无权查看",
    405: "不支持的请求方式",
    413: "上传的文件过大",
    422: "数据不符合规则",
    500: "系统内部错误，请联系管理员",
}

_ERROR_PAGE = """{% extends "appbuilder/base.html" %}{% block content %}
<div class="alert alert-danger"><h4>{{ code }} {{ message }}</h4></div>{% endblock %}"""


def _bad(message: str, code: int = 400):
    if request.path.startswith("/api/"):
        return jsonify(message=message), code
    appbuilder = current_app.appbuilder
    if not hasattr(g, "user"):  # CSRF and other early refusals run before FAB sets g.user for the base template
        g.user = current_user
    page = render_template_string(_ERROR_PAGE, code=code, message=message, appbuilder=appbuilder,
                                  base_template=appbuilder.base_template)
    return page, code


def _check_int(name: str, raw, lo: int, hi: int) -> str | None:
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return f"参数 {name} 必须是整数"
    if not lo <= value <= hi:
        return f"参数 {name} 超出范围（{lo}～{hi}）"
    return None


def guard_request():
    """Reject crafted ids, page numbers, page sizes and rison queries before FAB parses them."""
    pk = (request.view_args or {}).get("pk")
    if pk is not None and (not str(pk).isdigit() or int(pk) > MAX_ID):
        return _bad(MESSAGES[404], 404)
    for arg, raw in request.args.items():
        if _LIST_ARG.match(arg):
            error = _check_int(arg, raw, 0, MAX_PAGE)
            if error:
                return _bad(error)
    for source in (request.args, request.form):
        for name, value in source.items(multi=True):
            if "\x00" in value:
                return _bad(f"字段「{name}」含有不允许的空字符（NUL）")
    if request.is_json:
        raw = request.get_data(cache=True)
        if b"\\u0000" in raw or b"\x00" in raw:
            return _bad("请求数据含有不允许的空字符（NUL）")
    q = request.args.get("q")
    if q is not None and request.path.startswith("/api/"):
        try:
            parsed = prison.loads(q)
        except (RecursionError, Exception):  # prison raises bare ParserException / IndexError / RecursionError
            return _bad("参数 q 不是合法的 rison 表达式")
        if isinstance(parsed, dict):
            for key in ("page", "page_size"):
                if key in parsed:
                    error = _check_int(key, parsed[key], 1 if key == "page_size" else 0, MAX_PAGE)
                    if error:
                        return _bad(error)
            filters = parsed.get("filters")
            for flt in filters if isinstance(filters, list) else []:
                error = _filter_error(flt) if isinstance(flt, dict) else None
                if error:
                    return _bad(error)
    return None


# FAB's REST filters by operator: the text ones concatenate the value with "%", the list ones iterate it.
TEXT_FILTERS = frozenset({"sw", "ew", "ct", "nsw", "new", "nct"})
LIST_FILTERS = frozenset({"in", "not_in"})


def _filter_error(flt: dict) -> str | None:
    """What FAB would apply to the query and fail on (a 500): a value of the wrong shape, or beyond 64 bits."""
    column, operator, value = flt.get("col"), flt.get("opr"), flt.get("value")
    if operator in TEXT_FILTERS and not isinstance(value, str):
        return f"参数 q：字段 {column} 的筛选值必须是文本"
    if operator in LIST_FILTERS and not isinstance(value, list):
        return f"参数 q：字段 {column} 的筛选值必须是列表"
    for one in value if isinstance(value, list) else [value]:
        if isinstance(one, int) and not isinstance(one, bool) and not -(2**63) <= one < 2**63:
            return f"参数 q：字段 {column} 的筛选值超出范围"
    return None


def _jwt_answers(app: Flask) -> None:
    """flask-jwt-extended answers {"msg": "..."} in English; API.md promises {"message": ...} in Chinese."""
    jwt = app.appbuilder.sm.jwt_manager

    def unauthorized(_reason=None, *_args):
        return jsonify(message=MESSAGES[401]), 401

    jwt.unauthorized_loader(unauthorized)
    jwt.invalid_token_loader(unauthorized)
    jwt.expired_token_loader(lambda *_a: (jsonify(message="登录已过期，请重新登录"), 401))
    jwt.revoked_token_loader(lambda *_a: (jsonify(message="登录已失效，请重新登录"), 401))
    jwt.needs_fresh_token_loader(lambda *_a: (jsonify(message="请重新登录后再试"), 401))


def register_web(app: Flask) -> None:
    app.before_request(guard_request)
    _jwt_answers(app)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        last = request.path.rstrip("/").rsplit("/", 1)[-1]
        if (code == 405 and request.path.startswith("/api/") and not request.path.endswith("/")
                and not last.isdigit() and not last.startswith("_")):
            # /api/v1/unit/abc matches no id route: the record does not exist, the method is not wrong. A method a
            # collection does not offer (POST to a read-only resource's "/") stays 405, as on its id routes.
            code = 404
        message = MESSAGES.get(code, exc.description or "请求失败")
        if code == 400 and exc.description and "CSRF" in exc.description:
            message = "表单已过期或缺少安全令牌，请刷新页面后重试"
        return _bad(message, code)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error")
        from .extensions import db

        db.session.rollback()
        return _bad(MESSAGES[500], 500)
