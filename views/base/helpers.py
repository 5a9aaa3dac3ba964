"""Small functions the screens and APIs share: formatters, form checks, request bodies, the list export."""

from __future__ import annotations

import io
import re
import tempfile
from datetime import date
from pathlib import Path

from flask import current_app, g, request, send_file
from wtforms.validators import StopValidation

from app.audit import MASK
from app.commands import CommandError
from app.commands.jobs import start_list_export
from app.extensions import db
from app.storage import CONTENT_TYPES, content_disposition
from schema.base import INT_MAX, INT_MIN

from app.labels import LABELS


def integer_in_range(form, field):
    """Stops the chain: FAB's Unique validator would otherwise query the database with the huge number."""
    if field.data is not None and not INT_MIN <= field.data <= INT_MAX:
        raise StopValidation(f"数值必须在 {INT_MIN}～{INT_MAX} 之间")


def yes_no(value) -> str:
    return "是" if value else ("否" if value is not None else "")


def blank_none(value) -> str:
    if isinstance(value, (list, tuple, set)):
        return "、".join(map(str, value))
    return "" if value is None else str(value)


def masked(value) -> str:
    """A petitioner's identity as every screen shows it until revealed (app.audit.identity_columns)."""
    return MASK if value else ""


def _change_text(value) -> str:
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, dict):
        return str(value.get("text") or f"#{value.get('id')}")
    if isinstance(value, list):
        return "、".join(_change_text(v) for v in value)
    if isinstance(value, bool):
        return yes_no(value)
    return str(value)


def describe_changes(changes: dict, labels: dict | None = None) -> list[dict[str, str]]:
    """A change-history row's fields as [{"field", "old", "new"}]: Chinese labels, readable values."""
    labels = labels or LABELS
    return [{"field": _field_label(k, labels), "old": _change_text(old), "new": _change_text(new)}
            for k, (old, new) in (changes or {}).items()]


def _field_label(key: str, labels: dict) -> str:
    """The screen's own label when it is Chinese; FAB fills in English ones ("Intake Token") for the columns a screen
    does not show, which the history still names: those come from the shared table."""
    shown = str(labels.get(key) or "")
    return shown if re.search(r"[\u4e00-\u9fff]", shown) else str(LABELS.get(key, shown or key))


def uploaded(field: str = "file") -> tuple[bytes, str]:
    """The request's uploaded file as (bytes, original name); (b"", "") when none was chosen."""
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        return b"", ""
    return upload.read(), upload.filename


def body_day(body: dict, name: str, label: str) -> date | None:
    """The date `name` of a JSON body (YYYY-MM-DD), None when absent; otherwise a CommandError naming the field."""
    value = body.get(name)
    if value in (None, ""):
        return None
    try:
        if isinstance(value, str):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise CommandError(f"「{label}」须为日期（YYYY-MM-DD），收到「{value}」", name)


def document_answer(doc) -> dict:
    """The API's answer for a file just stored (app.storage.store)."""
    db.session.flush()
    return {"id": doc.id, "result": {"original_name": doc.original_name, "sha256": doc.sha256}}


def check_item_rule(view, item) -> None:
    """Raise the view's record rule as a CommandError; FAB flashes it on a screen, the API answers 422."""
    problem = view.item_rule(item) if view.item_rule else None
    if problem:
        db.session.rollback()
        raise CommandError(problem[1], problem[0])


def export_list(view, job_answer):
    """The list `view` shows for this request, every page, as an Excel file (app.exports.lists): at once up to
    EXPORT_SYNC_MAX_ROWS rows, otherwise as a background job, answered by `job_answer(job)`."""
    from app.exports.lists import list_export, write_workbook
    from jobs import submit

    export = list_export(view)  # CommandError: a filter or order the list refuses
    if export.count > current_app.config["EXPORT_SYNC_MAX_ROWS"]:
        return job_answer(start_list_export(export.title, g.user.username, type(view).__name__, request.path,
                                            request.query_string.decode(), submit))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / export.filename
        write_workbook(path, export)
        data = io.BytesIO(path.read_bytes())
    response = send_file(data, mimetype=CONTENT_TYPES[".xlsx"])
    response.headers["Content-Disposition"] = content_disposition(export.filename)
    return response
