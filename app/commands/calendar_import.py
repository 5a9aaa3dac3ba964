"""导入工作日历: calendar days from an uploaded .xlsx or .csv file (日期, 是否工作日, 备注).

Three steps, each usable on its own:

* `parse_calendar_file` reads and validates every row, raising `CalendarFileError` with every problem found;
* `preview_import` compares the rows with the table (new / changed / unchanged) and names the years the import
  leaves incomplete;
* `apply_import` validates again and upserts in one transaction: all rows or none.

A year the file does not cover day by day stays incomplete unless the caller asks for `fill_weekdays`: then the
days of that year missing from both the file and the table are written with the weekday default (Monday to Friday
working days). Nothing is ever guessed otherwise: the deadline computation answers `unknown_calendar` for a day the
table does not hold.
"""

from __future__ import annotations

import calendar as _cal
import csv
import io
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

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 3_700
NOTE_MAX = 50
MIN_YEAR, MAX_YEAR = 2000, 2199
MAX_BLANK_RUN = 1_000  # an Excel sheet may carry a million formatted but empty rows: stop after this many
MAX_COLUMNS = 30
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


class CalendarFileError(CommandError):
    """The file cannot be imported; `errors` lists every problem (row and column named where there is one)."""

    def __init__(self, errors: Sequence[str]):
        self.errors = list(errors)
        first = self.errors[0] if self.errors else "文件无法导入"
        more = f"（共 {len(self.errors)} 处错误）" if len(self.errors) > 1 else ""
        super().__init__(f"文件未通过检查，未保存任何数据：{first}{more}", field="file")


# ------------------------------------------------------------------------------------------------ reading


def _read_csv(data: bytes) -> Iterator[tuple[int, list]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CalendarFileError(["文件是 UTF-16 编码（Excel 的“Unicode 文本”），请另存为“CSV UTF-8（逗号分隔）”"])
    text = None
    # utf-8-sig reads UTF-8 with or without BOM; GB18030 is a superset of GBK, what Excel on Chinese Windows saves.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise CalendarFileError(["无法识别文件编码，请将 CSV 保存为 UTF-8 或 GBK 编码"])
    if "\x00" in text:
        raise CalendarFileError(["文件内容不是文本，请确认上传的是 CSV 文件"])
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for values in reader:
            yield reader.line_num, values
    except csv.Error as exc:
        raise CalendarFileError([f"第 {reader.line_num} 行：CSV 格式有误（{exc}）"]) from None


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - zipfile, XML and openpyxl errors alike mean "not a readable .xlsx"
        raise CalendarFileError(["无法读取 Excel 文件：文件已损坏，或不是 .xlsx 格式"]) from None
    try:
        if not workbook.worksheets:
            raise CalendarFileError(["Excel 文件中没有工作表"])
        sheet = workbook.worksheets[0]
        try:
            for number, values in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
                yield number, list(values)
        except CalendarFileError:
            raise
        except Exception:  # noqa: BLE001 - a malformed sheet XML inside a valid zip
            raise CalendarFileError(["无法读取 Excel 文件：工作表内容已损坏"]) from None
    finally:
        workbook.close()


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_name(value) -> str:
    return "" if value is None else str(value).strip().lstrip("\ufeff").strip()


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
            raise ValueError(f"无法识别的日期“{_clip(text)}”（格式应为 YYYY-MM-DD）")
        try:
            result = date(*(int(g) for g in match.groups()))
        except ValueError:
            raise ValueError(f"无法识别的日期“{_clip(text)}”（该日期不存在）") from None
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
    raise ValueError(f"无法识别的取值“{_clip(str(value).strip())}”（应为 是/否、1/0、工作日/休息日 或 true/false）")


def parse_note(value) -> str | None:
    if _blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if len(text) > NOTE_MAX:
        raise ValueError(f"备注不能超过 {NOTE_MAX} 个字（现有 {len(text)} 个字）")
    return text


def _clip(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


# ------------------------------------------------------------------------------------------------ parse


def parse_calendar_file(filename: str, data: bytes) -> list[Row]:
    """Every row of an uploaded calendar file, validated; raises CalendarFileError listing every problem.

    Row numbers in messages are the file's own (the header is row 1, as Excel shows it).
    """
    name = (filename or "").strip().lower()
    if name.endswith(".xlsm"):
        raise CalendarFileError(["不支持含宏的 .xlsm 文件，请在 Excel 中另存为 .xlsx 后再导入"])
    if name.endswith(".xls"):
        raise CalendarFileError(["不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入"])
    if name.endswith(".xlsx"):
        reader = _read_xlsx
    elif name.endswith(".csv"):
        reader = _read_csv
    else:
        raise CalendarFileError(["只能导入 .xlsx 或 .csv 文件"])
    if not data:
        raise CalendarFileError(["文件是空的"])
    if len(data) > MAX_FILE_BYTES:
        raise CalendarFileError([f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，请拆分后分批导入"])
    return _rows_of(reader(data))


def _rows_of(lines: Iterable[tuple[int, list]]) -> list[Row]:
    errors: list[str] = []
    rows: list[Row] = []
    columns: dict[str, int] | None = None
    seen: dict[date, int] = {}
    data_rows = blank_run = 0
    for number, values in lines:
        if all(_blank(v) for v in values):
            blank_run += 1
            if columns is not None and blank_run > MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        if columns is None:
            columns = _header(number, values)
            continue
        data_rows += 1
        if data_rows > MAX_ROWS:
            raise CalendarFileError([f"数据行超过 {MAX_ROWS} 行，请按年份拆分后分批导入"])
        row = _row(number, values, columns, errors)
        if row is None:
            continue
        if row.day in seen:
            errors.append(f"第 {number} 行「{COL_DAY}」：日期 {row.day.isoformat()} 与第 {seen[row.day]} 行重复")
            continue
        seen[row.day] = number
        rows.append(row)
    if columns is None:
        raise CalendarFileError([f"文件中没有内容：第 1 行应为表头（{COL_DAY},{COL_WORKDAY},{COL_NOTE}）"])
    if data_rows == 0:
        raise CalendarFileError(["文件中没有数据行（只有表头）"])
    if errors:
        raise CalendarFileError(errors)
    return rows


def _header(number: int, values: list) -> dict[str, int]:
    names = [_header_name(v) for v in values]
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        found = "、".join(f"「{n}」" for n in names if n) or "无"
        raise CalendarFileError([
            f"第 {number} 行（表头）缺少" + "、".join(f"「{c}」" for c in missing)
            + f"列；表头应为：{COL_DAY},{COL_WORKDAY},{COL_NOTE}（现有：{_clip(found, 80)}）"
        ])
    duplicated = sorted({n for n in names if n in (COL_DAY, COL_WORKDAY, COL_NOTE) and names.count(n) > 1})
    if duplicated:
        raise CalendarFileError([f"第 {number} 行（表头）：「{duplicated[0]}」列出现了不止一次"])
    return {n: names.index(n) for n in (COL_DAY, COL_WORKDAY, COL_NOTE) if n in names}


def _row(number: int, values: list, columns: dict[str, int], errors: list[str]) -> Row | None:
    def cell(column: str):
        index = columns.get(column)
        return values[index] if index is not None and index < len(values) else None

    ok = True
    parsed = {}
    for column, parse in ((COL_DAY, parse_day), (COL_WORKDAY, parse_flag), (COL_NOTE, parse_note)):
        value = cell(column)
        if column != COL_NOTE and _blank(value):
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
        return [f"数据行超过 {MAX_ROWS} 行，请按年份拆分后分批导入"]
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
    errors = validate_rows(rows)
    if errors:
        raise CalendarFileError(errors)
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
    }


def apply_import(rows: Sequence[Row], fill_weekdays: bool = False) -> dict:
    """Upsert the rows (and, when asked, the weekday default for the missing days of their years) in one transaction.

    Raises CommandError (CalendarFileError when a row is invalid) and writes nothing if anything fails.
    Returns {"inserted", "updated", "unchanged", "filled", "years", "incomplete"}.
    """
    errors = validate_rows(rows)
    if errors:
        raise CalendarFileError(errors)
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
