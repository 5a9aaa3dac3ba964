"""Request guards and error answers shared by every screen and API: no user input may produce a 500."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from urllib.parse import urlsplit

import prison
from flask import Flask, current_app, g, jsonify, render_template, request, session
from flask_login import current_user
from flask_talisman import Talisman
from werkzeug.exceptions import HTTPException

from schema.base import INT_MAX

from . import sessions
from .messages import HTTP_MESSAGES

log = logging.getLogger(__name__)

MAX_ID = INT_MAX
MAX_PAGE = 100_000
_LIST_ARG = re.compile(r"^(page|psize)_")

MESSAGES = HTTP_MESSAGES

# A template file, not a string: Jinja compiles a string on every call (~0.4 ms of each refusal's page), a file once.
_ERROR_PAGE = "xct/error.html"


def _bad(message: str, code: int = 400):
    if request.path.startswith("/api/"):
        return jsonify(message=message), code
    appbuilder = current_app.appbuilder
    if not hasattr(g, "user"):  # CSRF and other early refusals run before FAB sets g.user for the base template
        g.user = current_user
    page = render_template(_ERROR_PAGE, code=code, message=message, appbuilder=appbuilder,
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


# APIs whose `q` is plain text, not FAB's rison: the search words (issue 17 contract, app.commands.search checks them)
PLAIN_Q_PATHS = frozenset({"/api/v1/search"})


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
    if q is not None and request.path.startswith("/api/") and request.path not in PLAIN_Q_PATHS:
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


BAD_VALUE = "查询或筛选条件的取值与字段类型不符或超出范围"


def is_bad_value(exc: BaseException | None) -> bool:
    """PostgreSQL refuses a value of the wrong type or beyond a column's range (a text for a boolean, an integer
    beyond 32 bits) as a DataError, where SQLite compares anyway: that is bad input, not a fault of ours."""
    from sqlalchemy.exc import DataError

    return isinstance(exc, DataError)


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
    # load_user_jwt found no active user: the account was disabled (or deleted) after the token was issued.
    jwt.user_lookup_error_loader(lambda *_a: (jsonify(message="账号已停用或不存在，请重新登录"), 401))
    # A token issued before the user's password changed is revoked (app.sessions.password_mark).
    jwt.additional_claims_loader(lambda identity: {"pwd": sessions.password_mark(identity)})
    jwt.token_in_blocklist_loader(lambda _header, data: data.get("pwd") != sessions.password_mark(data["sub"]))


# Every page's scripts carry FAB's nonce (templates call csp_nonce(), which Talisman provides), so script-src needs
# no 'unsafe-inline'. Styles do: FAB's templates and widgets write style="..." attributes. No origin but our own.
CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _security_headers(app: Flask) -> None:
    """CSP, X-Content-Type-Options, X-Frame-Options, Referrer-Policy (and HSTS on HTTPS) on every answer."""
    from .sso import cas_origin

    policy = dict(CONTENT_SECURITY_POLICY)
    if cas_origin(app.config):  # logging out posts a form whose answer leads on to the CAS server's logout
        policy["form-action"] = ["'self'", cas_origin(app.config)]
    Talisman(
        app,
        # HTTPS is the reverse proxy's job; a redirect here would loop behind a proxy that speaks HTTP to us.
        force_https=False,
        content_security_policy=policy,
        content_security_policy_nonce_in=["script-src"],
        frame_options="DENY",
        referrer_policy="same-origin",
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_samesite=app.config["SESSION_COOKIE_SAMESITE"],
    )


def _visible(url: str) -> str:
    # Browsers drop tabs and newlines anywhere and control characters and spaces at the ends, and read "\" as "/".
    return re.sub(r"^[\x00-\x20]+|[\x00-\x20]+$|[\t\n\r]", "", url).replace("\\", "/")


def safe_redirect(response):
    """No answer sends the browser to another site. FAB checks its `next` parameter, but lets `/\\evil.example`
    through, which browsers follow as //evil.example; so every redirect is checked here, whoever made it."""
    if 300 <= response.status_code < 400 and response.location:
        target = urlsplit(_visible(response.location))
        hosts = (request.host, *current_app.config.get("SSO_REDIRECT_HOSTS", ()))  # the CAS server (app.sso)
        if target.scheme not in ("", "http", "https") or (target.netloc and target.netloc not in hosts):
            log.warning("off-site redirect to %r replaced by the home page", response.location)
            response.location = current_app.appbuilder.get_url_for_index
    return response


def csrf_for_browser_api_calls():
    """FAB exempts its REST APIs from CSRF (token clients have no form), but our APIs also accept the browser's
    session cookie (allow_browser_login): a write sent with that cookie needs the CSRF token too (X-CSRFToken)."""
    if request.path.startswith("/api/") and "_user_id" in session and current_app.config["WTF_CSRF_ENABLED"]:
        from .extensions import csrf

        csrf.protect()


# ---- static files: a version in every URL, so the browser keeps them a year (FAB_NOTES: Flask says no-cache) ----

STATIC_ENDPOINTS = ("static", "appbuilder.static")
STATIC_MAX_AGE = 365 * 24 * 3600
_versions: dict[tuple[str, float], str] = {}


def _static_file(endpoint: str, filename: str) -> str | None:
    folder = current_app.static_folder if endpoint == "static" else current_app.blueprints["appbuilder"].static_folder
    path = os.path.normpath(os.path.join(folder or "", filename))
    return path if folder and path.startswith(os.path.normpath(folder)) and os.path.isfile(path) else None


def static_version(endpoint: str, filename: str) -> str | None:
    """The first 10 hex digits of the file's SHA-256, cached per (path, mtime): a changed file gets a new URL."""
    path = _static_file(endpoint, filename)
    if path is None:
        return None
    key = (path, os.stat(path).st_mtime)
    if key not in _versions:
        with open(path, "rb") as fh:
            _versions[key] = hashlib.sha256(fh.read()).hexdigest()[:10]
    return _versions[key]


def versioned_static(endpoint: str, values: dict) -> None:
    """url_for('static' | 'appbuilder.static', filename=…) gains ?v=<content hash>."""
    if endpoint in STATIC_ENDPOINTS and "filename" in values and "v" not in values:
        version = static_version(endpoint, values["filename"])
        if version:
            values["v"] = version


def cache_versioned_static(response):
    """A static answer asked for by its current version may be kept a year; any other one is revalidated."""
    if request.endpoint in STATIC_ENDPOINTS and response.status_code == 200 and request.args.get("v"):
        version = static_version(request.endpoint, (request.view_args or {}).get("filename", ""))
        if version == request.args["v"]:
            response.cache_control.no_cache = None
            response.cache_control.public = True
            response.cache_control.max_age = current_app.config.get("SEND_FILE_MAX_AGE_DEFAULT") or STATIC_MAX_AGE
            response.cache_control.immutable = True
    return response


def register_web(app: Flask) -> None:
    app.url_defaults(versioned_static)
    app.after_request(cache_versioned_static)
    _security_headers(app)  # first: its nonce must exist before any other hook can answer with a page
    app.before_request(guard_request)
    app.before_request(csrf_for_browser_api_calls)
    app.after_request(safe_redirect)
    _jwt_answers(app)
    from . import dbfaults

    dbfaults.init_app(app)

    @app.route("/favicon.ico")
    def favicon():
        """Every browser asks each site for it: the emblem of the menu bar, from our own static files (no database,
        no login), so no page leaves a 404 in the console."""
        return app.send_static_file("xct/favicon.svg")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        if code == 500 and dbfaults.is_db_down(getattr(exc, "original_exception", None)):
            return dbfaults.answer()  # e.g. the read log's write after the view lost the database
        last = request.path.rstrip("/").rsplit("/", 1)[-1]
        if (code == 405 and request.path.startswith("/api/") and not request.path.endswith("/")
                and not last.isdigit() and not last.startswith("_")):
            # /api/v1/unit/abc matches no id route: the record does not exist, the method is not wrong. A method a
            # collection does not offer (POST to a read-only resource's "/") stays 405, as on its id routes.
            code = 404
        message = MESSAGES.get(code, exc.description or "请求失败")
        if code == 400 and exc.description and "CSRF" in exc.description:
            message = "表单已过期或缺少安全令牌，请刷新页面后重试"
        try:
            return _bad(message, code)
        except Exception as error:  # the error page's menu needs the database
            if dbfaults.is_db_down(error):
                return dbfaults.answer()
            raise

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        from . import dbfaults

        dbfaults.rollback_quietly()
        if dbfaults.is_db_down(exc):  # a Chinese 503 that needs no database, retried once if a GET
            log.warning("数据库不可用：%s", exc)
            return dbfaults.answer()
        if is_bad_value(exc):
            return _bad(BAD_VALUE, 400)
        log.exception("unhandled error")
        return _bad(MESSAGES[500], 500)
