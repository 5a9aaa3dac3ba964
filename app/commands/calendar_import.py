"""导入工作日历: calendar days from an uploaded .xlsx or .csv file (日期, 是否工作日, 备注), through the one import
framework (app.commands.imports: the file read there, its caps, the preview → confirm flow of views.imports).

* `parse_calendar_file` / `calendar_rows` read and validate every row, raising `ImportFileError` with every problem;
* `preview_import` compares the rows with the table (new / changed / unchanged) and names the years the import
  leaves incomplete; `plan_calendar` is that preview as the framework's ImportPlan;
* `apply_import` validates again and upserts in one transaction: all rows or none.

A year the file does not cover day by day stays incomplete unless the caller asks for `fill_weekdays`: then the
days of that year missing from both the file and the table are written with the weekday default (Monday to Friday
working days). Nothing is ever guessed otherwise: the deadline computation answers `unknown_calendar` for a day the
table does not hold.
"""

from __future__ import annotations

import calendar as _cal
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from app.commands import CommandError
from app.extensions import db
from app.uow import transaction
from schema import CalendarDay

from .imports import MAX_ROWS, ImportFileError, ImportPlan, blank, check_file_name, clip, read_sheet

NOTE_MAX = 50
MIN_YEAR, MAX_YEAR = 2000, 2199
PREVIEW_ROWS = 50

COL_DAY, COL_WORKDAY, COL_NOTE = "日期", "是否工作日", "备注"
REQUIRED_COLUMNS = (COL_DAY, COL_WORKDAY)

TRUE_WORDS = {"是", "1", "工作日", "true", "t", "yes", "y", "班", "上班"}
FALSE_WORDS = {"否", "0", "休息日", "false", "f", "no", "n", "休", "休息", "节假日"}

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Row:
    """One calendar day to write; `line` is the row number in the file (None for a day filled by weekday)."""

    day: date
    is_workday: bool
    note: str | None = None
    line: int | None = None


# ------------------------------------------------------------------------------------------------ cells


def parse_day(value) -> date:
    """A date cell: an Excel date, or text YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYY年M月D日. Raises ValueError."""
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise ValueError(f"日期“{value:%Y-%m-%d %H:%M}”带有时间，请只填日期")
        result = value.date()
    elif isinstance(value, date):
        result = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):  # an unformatted Excel serial number
        raise ValueError(  # noqa: TRY004 - every cell problem is a ValueError, reported as the cell's message
            f"无法识别的日期“{value:g}”（请使用 YYYY-MM-DD 格式，或把单元格设为日期格式）"
        )
    else:
        text = str(value).strip()
        # "2027-01-01 00:00:00" is how a date column comes out of some exports
        text = re.sub(r"\s+0{1,2}:00(:00)?$", "", text)
        match = _DATE_RE.match(text)
        if not match:
            raise ValueError(f"无法识别的日期“{clip(text)}”（格式应为 YYYY-MM-DD）")
        try:
            result = date(*(int(g) for g in match.groups()))
        except ValueError:
            raise ValueError(f"无法识别的日期“{clip(text)}”（该日期不存在）") from None
    if not MIN_YEAR <= result.year <= MAX_YEAR:
        raise ValueError(f"日期“{result.isoformat()}”的年份超出范围（{MIN_YEAR}–{MAX_YEAR}）")
    return result


def parse_flag(value) -> bool:
    """是/否/1/0/工作日/休息日/true/false (and Excel TRUE/FALSE, 1/0 numbers). Raises ValueError."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if value in (0, 1):
            return bool(value)
        raise ValueError(f"无法识别的取值“{value:g}”（应为 是/否、1/0、工作日/休息日 或 true/false）")
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError(f"无法识别的取值“{clip(str(value).strip())}”（应为 是/否、1/0、工作日/休息日 或 true/false）")


def parse_note(value) -> str | None:
    if blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > NOTE_MAX:
        raise ValueError(f"备注不能超过 {NOTE_MAX} 个字（现有 {len(text)} 个字）")
    return text


# ------------------------------------------------------------------------------------------------ parse


def parse_calendar_file(filename: str, data: bytes) -> list[Row]:
    """Every row of an uploaded calendar file, validated; raises ImportFileError listing every problem.

    Row numbers in messages are the file's own (the header is row 1, as Excel shows it).
    """
    check_file_name(filename, data)
    return calendar_rows(data)


def calendar_rows(data: bytes) -> list[Row]:
    """The rows of a calendar file (.xlsx or .csv, told apart by content), every problem in one ImportFileError."""
    header, lines = read_sheet(data, REQUIRED_COLUMNS, (COL_NOTE,))
    columns = {n: header.index(n) for n in (COL_DAY, COL_WORKDAY, COL_NOTE) if n in header}
    errors: list[str] = []
    rows: list[Row] = []
    seen: dict[date, int] = {}
    for number, values in lines:
        row = _row(number, values, columns, errors)
        if row is None:
            continue
        if row.day in seen:
            errors.append(f"第 {number} 行「{COL_DAY}」：日期 {row.day.isoformat()} 与第 {seen[row.day]} 行重复")
            continue
        seen[row.day] = number
        rows.append(row)
    if errors:
        raise ImportFileError(errors)
    if not rows:
        raise ImportFileError(["文件中没有数据行（只有表头）"])
    return rows


def _row(number: int, values: list, columns: dict[str, int], errors: list[str]) -> Row | None:
    ok = True
    parsed = {}
    for column, parse in ((COL_DAY, parse_day), (COL_WORKDAY, parse_flag), (COL_NOTE, parse_note)):
        value = values[columns[column]] if column in columns else None
        if column != COL_NOTE and blank(value):
            errors.append(f"第 {number} 行「{column}」：不能为空")
            ok = False
            continue
        try:
            parsed[column] = parse(value)
        except ValueError as exc:
            errors.append(f"第 {number} 行「{column}」：{exc}")
            ok = False
    if not ok:
        return None
    return Row(parsed[COL_DAY], parsed[COL_WORKDAY], parsed[COL_NOTE], number)


def validate_rows(rows: Sequence[Row]) -> list[str]:
    """The same rules for rows that did not come through `parse_calendar_file` (a caller's own list)."""
    errors: list[str] = []
    if not rows:
        return ["没有要导入的日期"]
    if len(rows) > MAX_ROWS:
        return [f"数据行超过 {MAX_ROWS} 行，请拆分后分批导入"]
    seen: dict[date, str] = {}
    for index, row in enumerate(rows, start=1):
        where = f"第 {row.line} 行" if row.line else f"第 {index} 条"
        if not isinstance(row.day, date) or isinstance(row.day, datetime):
            errors.append(f"{where}「{COL_DAY}」：不是日期")
            continue
        if not MIN_YEAR <= row.day.year <= MAX_YEAR:
            errors.append(f"{where}「{COL_DAY}」：日期“{row.day.isoformat()}”的年份超出范围（{MIN_YEAR}–{MAX_YEAR}）")
        if not isinstance(row.is_workday, bool):
            errors.append(f"{where}「{COL_WORKDAY}」：应为 是 或 否")
        if row.note is not None and (not isinstance(row.note, str) or len(row.note) > NOTE_MAX):
            errors.append(f"{where}「{COL_NOTE}」：备注不能超过 {NOTE_MAX} 个字")
        if row.day in seen:
            errors.append(f"{where}「{COL_DAY}」：日期 {row.day.isoformat()} 与{seen[row.day]}重复")
        else:
            seen[row.day] = where
    return errors


# ------------------------------------------------------------------------------------------------ compare


def _year_days(year: int) -> Iterator[date]:
    day = date(year, 1, 1)
    for _ in range(366 if _cal.isleap(year) else 365):
        yield day
        day += timedelta(days=1)


def _existing(years: Iterable[int]) -> dict[date, CalendarDay]:
    years = sorted(set(years))
    if not years:
        return {}
    query = sa.select(CalendarDay).where(CalendarDay.day.between(date(years[0], 1, 1), date(years[-1], 12, 31)))
    return {c.day: c for c in db.session.scalars(query)}


def weekday_default(day: date) -> bool:
    return day.weekday() < 5


def _plan(rows: Sequence[Row], fill_weekdays: bool) -> dict:
    """What the import would do: every row classified, plus the years it leaves incomplete and the filled days."""
    listed = {r.day: r for r in rows}
    years = sorted({r.day.year for r in rows})
    existing = _existing(years)
    items, new, changed, unchanged = [], 0, 0, 0
    for row in rows:
        old = existing.get(row.day)
        if old is None:
            status, new = "new", new + 1
        elif old.is_workday != row.is_workday or (old.note or None) != row.note:
            status, changed = "changed", changed + 1
        else:
            status, unchanged = "unchanged", unchanged + 1
        items.append((row, status, old))
    incomplete: dict[int, int] = {}
    fill: list[Row] = []
    for year in years:
        missing = [d for d in _year_days(year) if d not in listed and d not in existing]
        if missing:
            incomplete[year] = len(missing)
            if fill_weekdays:
                fill.extend(Row(d, weekday_default(d), None, None) for d in missing)
    return {"items": items, "new": new, "changed": changed, "unchanged": unchanged, "years": years,
            "incomplete": incomplete, "fill": fill, "existing": existing}


def _warnings(plan: dict, fill_weekdays: bool) -> list[str]:
    warnings = []
    for year, missing in plan["incomplete"].items():
        if fill_weekdays:
            warnings.append(
                f"{year} 年有 {missing} 天既不在文件中也不在日历表中，将按周一至周五为工作日、周六周日为休息日补齐"
            )
        else:
            warnings.append(
                f"{year} 年导入后仍缺少 {missing} 天：文件没有逐日列出这一年，这些日期的工作日期限将显示为“日历未知”；"
                "如需按周一至周五补齐，请勾选“按周一至周五补齐其余日期”"
            )
    return warnings


def describe(row: Row) -> dict:
    return {"line": row.line, "day": row.day.isoformat(), "weekday": "周" + _WEEKDAYS[row.day.weekday()],
            "is_workday": row.is_workday, "note": row.note or ""}


def preview_import(rows: Sequence[Row], fill_weekdays: bool = False) -> dict:
    """Counts of new, changed and unchanged days, the incomplete years and the first rows, without writing.

    Returns {"total", "new", "changed", "unchanged", "filled", "years", "incomplete": {year: missing days},
    "warnings": [Chinese sentences], "rows": first PREVIEW_ROWS rows with their status and the old values}.
    """
    return _preview(rows, fill_weekdays)[0]


def _preview(rows: Sequence[Row], fill_weekdays: bool) -> tuple[dict, dict]:
    errors = validate_rows(rows)
    if errors:
        raise ImportFileError(errors)
    plan = _plan(rows, fill_weekdays)
    shown = []
    for row, status, old in plan["items"][:PREVIEW_ROWS]:
        item = describe(row)
        item["status"] = status
        item["old_is_workday"] = None if old is None else old.is_workday
        item["old_note"] = None if old is None else (old.note or "")
        shown.append(item)
    return {
        "total": len(rows), "new": plan["new"], "changed": plan["changed"], "unchanged": plan["unchanged"],
        "filled": len(plan["fill"]), "years": plan["years"], "incomplete": plan["incomplete"],
        "warnings": _warnings(plan, fill_weekdays), "rows": shown, "fill_weekdays": fill_weekdays,
    }, plan


def apply_import(rows: Sequence[Row], fill_weekdays: bool = False) -> dict:
    """Upsert the rows (and, when asked, the weekday default for the missing days of their years) in one transaction.

    Raises CommandError (ImportFileError when a row is invalid) and writes nothing if anything fails.
    Returns {"inserted", "updated", "unchanged", "filled", "years", "incomplete"}.
    """
    errors = validate_rows(rows)
    if errors:
        raise ImportFileError(errors)
    try:
        with transaction():
            inserted, updated, plan = _apply(rows, fill_weekdays)
    except SQLAlchemyError:
        raise CommandError("保存工作日历时数据库出错（可能有人同时在导入），未保存任何数据，请重试") from None
    return {
        "inserted": inserted, "updated": updated, "unchanged": plan["unchanged"], "filled": len(plan["fill"]),
        "years": plan["years"], "incomplete": {} if fill_weekdays else plan["incomplete"],
    }


def _apply(rows: Sequence[Row], fill_weekdays: bool) -> tuple[int, int, dict]:
    plan = _plan(rows, fill_weekdays)
    inserted = updated = 0
    for row, status, old in plan["items"]:
        if status == "new":
            db.session.add(CalendarDay(day=row.day, is_workday=row.is_workday, note=row.note))
            inserted += 1
        elif status == "changed":
            old.is_workday, old.note = row.is_workday, row.note
            updated += 1
    for row in plan["fill"]:
        db.session.add(CalendarDay(day=row.day, is_workday=row.is_workday, note=None))
    db.session.flush()
    return inserted, updated, plan


def plan_calendar(data: bytes, fill_weekdays: bool = False) -> ImportPlan:
    """The framework's plan of a calendar file: its rows, the preview (counts, years, first rows) as `summary`, and
    as `changes` every day the import would write (new, changed, filled by weekday)."""
    rows = calendar_rows(data)
    preview, plan = _preview(rows, fill_weekdays)
    action = {"new": "新增", "changed": "修改"}
    changes = [{"line": row.line, "action": action[status], "title": row.day.isoformat(), "fields": []}
               for row, status, _ in plan["items"] if status in action]
    changes += [{"line": None, "action": "补齐", "title": row.day.isoformat(), "fields": []} for row in plan["fill"]]
    return ImportPlan(rows=rows, changes=changes, warnings=preview["warnings"], summary=preview)


def apply_calendar(data: bytes, fill_weekdays: bool = False) -> dict:
    """`apply_import` of the rows the same file gave on its preview."""
    return apply_import(calendar_rows(data), fill_weekdays)
