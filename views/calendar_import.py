"""导入工作日历: upload an .xlsx or .csv of calendar days, preview what changes, then confirm.

Between the two steps the validated rows travel in the confirm form itself, signed with the app's SECRET_KEY
(itsdangerous, one hour, bound to the user): nothing is kept on the server and the session cookie stays small.
Permissions: the screen has its own resource, ``CalendarImport`` (action ``can_write``), which only Admin holds (Admin
holds every permission; no other role grants it in app.permissions.ROLE_GRANTS). It is deliberately not
``CalendarDay``: role sync gives ``menu_access`` to every role that may *read* a screen's resource, so LeadingGroup
and Office (readers of CalendarDay) would see a menu entry that answers "access denied" — and tests/test_roles.py
requires every role holding a screen's resource to reach that screen. To let another role import, grant it
``"CalendarImport": WRITE`` in ROLE_GRANTS.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

from flask import current_app, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.commands import CommandError
from app.commands.calendar_import import (
    MAX_FILE_BYTES,
    MAX_ROWS,
    CalendarFileError,
    Row,
    apply_import,
    parse_calendar_file,
    preview_import,
)
from app.permissions import WRITE
from config import BASE_DIR

CATEGORY = "系统设置"
TEMPLATE_FILE = Path(BASE_DIR) / "seeds" / "calendar_template.csv"
TEMPLATE_NAME = "工作日历导入模板.csv"
SIGN_SALT = "xct-calendar-import"
SIGN_MAX_AGE = 3600  # seconds between preview and confirm
CHUNK = 200_000  # multipart fields larger than MAX_FORM_MEMORY_SIZE (500 kB) are refused: split the payload
MAX_ERRORS_SHOWN = 200


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SIGN_SALT)


def sign_rows(rows: list[Row], fill_weekdays: bool, filename: str) -> list[str]:
    """The rows as signed text, cut into form-field sized chunks."""
    packed = [[r.day.isoformat(), int(r.is_workday), r.note, r.line] for r in rows]
    token = _serializer().dumps({"u": g.user.id, "f": filename, "w": int(fill_weekdays), "r": packed})
    return [token[i:i + CHUNK] for i in range(0, len(token), CHUNK)]


def unsign_rows(chunks: list[str]) -> tuple[list[Row], bool, str]:
    """Rows back from the confirm form; raises CommandError when the signature is wrong, stale or someone else's."""
    try:
        payload = _serializer().loads("".join(chunks), max_age=SIGN_MAX_AGE)
    except SignatureExpired:
        raise CommandError("预览已超过 1 小时，请重新上传文件") from None
    except BadSignature:
        raise CommandError("导入数据校验失败（可能被修改），请重新上传文件") from None
    try:
        if payload["u"] != g.user.id:
            raise CommandError("导入数据不属于当前用户，请重新上传文件")
        rows = [Row(date.fromisoformat(d), bool(w), n, line) for d, w, n, line in payload["r"]]
        return rows, bool(payload["w"]), str(payload["f"])
    except (KeyError, TypeError, ValueError):
        raise CommandError("导入数据格式有误，请重新上传文件") from None


class CalendarImportView(BaseView):
    """导入工作日历: 上传 → 预览（不保存）→ 确认导入（一个事务，全部或全不）."""

    route_base = "/calendar-import"
    default_view = "index"
    class_permission_name = "CalendarImport"
    method_permission_name: ClassVar[dict[str, str]] = {
        "index": WRITE, "preview": WRITE, "confirm": WRITE, "example": WRITE,
    }
    page_template = "xct/calendar_import.html"

    def _page(self, status: int = 200, **kwargs):
        kwargs.setdefault("errors", [])
        kwargs.setdefault("preview", None)
        errors = kwargs["errors"]
        kwargs["errors_more"] = max(0, len(errors) - MAX_ERRORS_SHOWN)
        kwargs["errors"] = errors[:MAX_ERRORS_SHOWN]
        return self.render_template(self.page_template, max_mb=MAX_FILE_BYTES // (1024 * 1024), max_rows=MAX_ROWS,
                                    **kwargs), status

    @expose("/", methods=["GET"])
    @has_access
    def index(self):
        return self._page()

    @expose("/template", methods=["GET"])
    @has_access
    def example(self):
        """The example file (seeds/calendar_template.csv) under its Chinese name."""
        response = send_file(TEMPLATE_FILE, mimetype="text/csv", as_attachment=True, download_name="calendar.csv")
        response.headers["Content-Disposition"] = (
            f"attachment; filename=\"calendar_template.csv\"; filename*=UTF-8''{quote(TEMPLATE_NAME)}"
        )
        return response

    @expose("/preview", methods=["POST"])
    @has_access
    def preview(self):
        fill = request.form.get("fill_weekdays") in ("1", "y", "on", "true")
        if (request.content_length or 0) > MAX_FILE_BYTES + 64 * 1024:
            return self._page(errors=[f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，请拆分后分批导入"],
                              fill_weekdays=fill)
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return self._page(errors=["请选择要导入的 .xlsx 或 .csv 文件"], fill_weekdays=fill)
        filename = upload.filename
        data = upload.stream.read(MAX_FILE_BYTES + 1)
        try:
            rows = parse_calendar_file(filename, data)
            preview = preview_import(rows, fill_weekdays=fill)
        except CalendarFileError as exc:
            return self._page(errors=exc.errors, filename=filename, fill_weekdays=fill)
        except CommandError as exc:
            return self._page(errors=[exc.message], filename=filename, fill_weekdays=fill)
        return self._page(preview=preview, filename=filename, fill_weekdays=fill,
                          payload=sign_rows(rows, fill, filename))

    @expose("/confirm", methods=["POST"])
    @has_access
    def confirm(self):
        try:
            rows, fill, filename = unsign_rows(request.form.getlist("payload"))
            result = apply_import(rows, fill_weekdays=fill)
        except CalendarFileError as exc:
            return self._page(errors=exc.errors)
        except CommandError as exc:
            return self._page(errors=[exc.message])
        parts = [f"新增 {result['inserted']} 天", f"修改 {result['updated']} 天", f"未变 {result['unchanged']} 天"]
        if result["filled"]:
            parts.append(f"按周一至周五补齐 {result['filled']} 天")
        flash(f"已导入“{filename}”：" + "，".join(parts) + "。", "success")
        for year, missing in result["incomplete"].items():
            flash(f"{year} 年仍缺少 {missing} 天，这些日期的工作日期限将显示为“日历未知”。", "warning")
        return redirect(url_for("CalendarImportView.index"))


SCREENS = [
    (CalendarImportView, "导入工作日历", CATEGORY, "fa-upload"),
]
APIS: list = []
