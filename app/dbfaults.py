"""Database faults (issue 18): a Chinese 503 instead of a bare 500, and one retry of a read that met a lost connection.

A PostgreSQL restart drops every pooled connection; `pool_pre_ping` (config) replaces them at the next checkout, but a
request already talking to the database fails. Here:
- any database error that means "cannot reach the database" (the engine's `handle_error` event sees each, also those
  FAB's `@safe` turns into a 500) marks the request, and its answer becomes 503 暂时无法连接数据库，请稍后重试 — a page
  that needs no database (no menu, no user), or JSON under /api/;
- a GET or HEAD so answered is run once more (`RetryReads`, around the WSGI app) as soon as the database answers again,
  waiting at most DB_RETRY_WAIT seconds: reads are idempotent, so a sub-second restart fails no GET. A write is
  never repeated: its user gets the 503 and what they typed stays in the browser (back button).
"""

from __future__ import annotations

import logging
import time

import sqlalchemy as sa
from flask import Flask, Response, current_app, g, has_request_context, jsonify, request

log = logging.getLogger(__name__)

DB_DOWN = "暂时无法连接数据库，请稍后重试"
MARK = "xct.db_down"  # WSGI environ key: this answer is a 503 for a lost database
RETRIED = "xct.db_retried"

_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>巡察通：服务暂不可用</title></head>
<body><h3>503 {message}</h3><p>{hint}</p><p><a href="javascript:history.back()">返回上一页</a>　<a href="/">首页</a></p>
</body></html>"""


def is_db_down(exc: BaseException | None) -> bool:
    """Whether `exc` (or what it wraps) says the database cannot be reached, rather than that a statement is wrong."""
    while exc is not None:
        if isinstance(exc, (sa.exc.DisconnectionError, sa.exc.TimeoutError)):
            return True
        if isinstance(exc, sa.exc.DBAPIError) and (
                exc.connection_invalidated or isinstance(exc, (sa.exc.OperationalError, sa.exc.InterfaceError))):
            # SQLite says OperationalError for a missing table too: still no 500, and logged below
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _on_engine_error(context) -> None:
    if context.is_pre_ping:
        return  # a stale pooled connection: the pool replaces it and the request goes on
    if has_request_context() and (context.is_disconnect or isinstance(
            context.sqlalchemy_exception, (sa.exc.OperationalError, sa.exc.InterfaceError))):
        g.xct_db_down = True


def answer() -> Response:
    """The 503 for the current request; marks it for RetryReads."""
    request.environ[MARK] = True
    if request.path.startswith("/api/"):
        resp = jsonify(message=DB_DOWN)
    else:
        hint = "页面未能打开，请稍候刷新。" if request.method in ("GET", "HEAD") else \
            "所填内容尚未保存：请返回上一页（浏览器会保留已填写的内容），稍后再提交。"
        resp = Response(_PAGE.format(message=DB_DOWN, hint=hint), mimetype="text/html")
    resp.status_code = 503
    resp.headers["Retry-After"] = "5"
    return resp


def _after(response: Response) -> Response:
    # FAB's @safe answers a failed REST call with its own 500 and the driver's English message
    if response.status_code == 500 and g.get("xct_db_down"):
        return answer()
    return response


def _database_answers(app: Flask, wait: float) -> bool:
    from .extensions import db

    deadline = time.monotonic() + wait
    with app.app_context():
        while True:
            try:
                with db.engine.connect() as conn:
                    conn.exec_driver_sql("SELECT 1")
                return True
            except sa.exc.DBAPIError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(0.1)


class RetryReads:
    """WSGI middleware: a GET/HEAD answered 503 for a lost database runs once more when the database is back."""

    def __init__(self, app: Flask, wsgi_app):
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.wsgi_app(environ, start_response)
        original = dict(environ)
        held = {}

        def hold(status, headers, exc_info=None):
            held["args"] = (status, headers, exc_info)
            return lambda _data: None

        raised = None
        try:
            body = self.wsgi_app(environ, hold)
        except Exception as exc:
            # only where Flask propagates errors (tests, debug): e.g. the read log's write after the view lost the
            # database; elsewhere Flask turns it into a 500 that app.web answers as this 503
            if not is_db_down(exc):
                raise
            raised, body = exc, []
            environ[MARK] = True
        if environ.get(MARK) and self.app.config.get("DB_RETRY_WAIT", 0) > 0:
            if hasattr(body, "close"):
                body.close()
            log.warning("数据库连接中断，%s 在数据库恢复后重试一次", original.get("PATH_INFO"))
            if _database_answers(self.app, self.app.config["DB_RETRY_WAIT"]):
                return self.wsgi_app({**original, RETRIED: True}, start_response)
            body = self.wsgi_app({**original, RETRIED: True}, hold)  # still down: its own 503
        elif raised is not None:
            raise raised
        status, headers, exc_info = held["args"]
        start_response(status, headers, exc_info)
        return body


def init_app(app: Flask) -> None:
    if not sa.event.contains(sa.engine.Engine, "handle_error", _on_engine_error):
        sa.event.listen(sa.engine.Engine, "handle_error", _on_engine_error)
    app.after_request(_after)
    app.wsgi_app = RetryReads(app, app.wsgi_app)


def rollback_quietly() -> None:
    from .extensions import db

    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        current_app.logger.warning("回滚失败（数据库不可用）")
