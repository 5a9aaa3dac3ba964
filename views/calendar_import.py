"""导入工作日历: upload an .xlsx or .csv of calendar days, preview what changes, then confirm — the one import flow
(views.imports.import_flow: the file is held between the two steps, re-read and re-checked on the confirm).

Permissions: the screen has its own resource, ``CalendarImport`` (action ``can_write``), which only Admin holds (Admin
holds every permission; no other role grants it in app.permissions.ROLE_GRANTS). It is deliberately not
``CalendarDay``: role sync gives ``menu_access`` to every role that may *read* a screen's resource, so LeadingGroup
and Office (readers of CalendarDay) would see a menu entry that answers "access denied" — and tests/test_roles.py
requires every role holding a screen's resource to reach that screen. To let another role import, grant it
``"CalendarImport": WRITE`` in ROLE_GRANTS.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar
from urllib.parse import quote

from flask import request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access

from app.commands.calendar_import import apply_calendar, plan_calendar
from app.permissions import WRITE
from config import BASE_DIR

from .imports import import_flow

CATEGORY = "系统设置"
TEMPLATE_FILE = Path(BASE_DIR) / "seeds" / "calendar_template.csv"
TEMPLATE_NAME = "工作日历导入模板.csv"


def _fill_weekdays() -> bool:
    """按周一至周五补齐其余日期: a checkbox on the upload, carried by a hidden field to the confirm."""
    return request.form.get("fill_weekdays") in ("1", "y", "on", "true")


def _done(result: dict) -> str:
    parts = [f"新增 {result['inserted']} 天", f"修改 {result['updated']} 天", f"未变 {result['unchanged']} 天"]
    if result["filled"]:
        parts.append(f"按周一至周五补齐 {result['filled']} 天")
    missing = "".join(f"{year} 年仍缺少 {days} 天，这些日期的工作日期限将显示为“日历未知”。"
                      for year, days in result["incomplete"].items())
    return "工作日历已导入：" + "，".join(parts) + "。" + missing


class CalendarImportView(BaseView):
    """导入工作日历: 上传 → 预览（不保存）→ 确认导入（一个事务，全部或全不）."""

    route_base = "/calendar-import"
    default_view = "index"
    class_permission_name = "CalendarImport"
    method_permission_name: ClassVar[dict[str, str]] = {"index": WRITE, "example": WRITE}

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        fill = _fill_weekdays()
        return import_flow(self, plan=lambda data: plan_calendar(data, fill), apply=lambda data: apply_calendar(
            data, fill), done=_done, back=url_for("CalendarImportView.index"), template="xct/calendar_import.html",
            fill_weekdays=fill)

    @expose("/template", methods=["GET"])
    @has_access
    def example(self):
        """The example file (seeds/calendar_template.csv) under its Chinese name."""
        response = send_file(TEMPLATE_FILE, mimetype="text/csv", as_attachment=True, download_name="calendar.csv")
        response.headers["Content-Disposition"] = (
            f"attachment; filename=\"calendar_template.csv\"; filename*=UTF-8''{quote(TEMPLATE_NAME)}"
        )
        return response


SCREENS = [
    (CalendarImportView, "导入工作日历", CATEGORY, "fa-upload"),
]
APIS: list = []
