"""导入工作日历 through the one import framework: parsing .csv/.xlsx, preview, the all-or-nothing import, the
two-step screen (the file held between preview and confirm) and its permission."""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

import schema as m
from app.commands import CommandError
from app.commands.calendar_import import (
    Row,
    apply_import,
    parse_calendar_file,
    preview_import,
)
from app.commands.imports import MAX_ROWS, ImportFileError
from tests.conftest import open_inspection

HEADER = "日期,是否工作日,备注"
URL = "/calendar-import/"


def _csv(*lines: str, encoding: str = "utf-8", header: str = HEADER) -> bytes:
    return "\r\n".join([header, *lines, ""]).encode(encoding)


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _errors(filename: str, data: bytes) -> list[str]:
    with pytest.raises(ImportFileError) as info:
        parse_calendar_file(filename, data)
    return info.value.errors


def _year_lines(year: int) -> list[str]:
    day, lines = date(year, 1, 1), []
    while day.year == year:
        note = "元旦" if (day.month, day.day) == (1, 1) else ""
        lines.append(f"{day.isoformat()},{'是' if day.weekday() < 5 else '否'},{note}")
        day += timedelta(days=1)
    return lines


def _count(app, year: int | None = None) -> int:
    from app.extensions import db

    with app.app_context():
        query = sa.select(sa.func.count()).select_from(m.CalendarDay)
        if year is not None:
            query = query.where(m.CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
        return db.session.scalar(query)


def _delete_year(app, year: int) -> None:
    from app.extensions import db

    with app.app_context():
        in_year = m.CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31))
        db.session.execute(sa.delete(m.CalendarDay).where(in_year))
        db.session.commit()


def _upload(client, filename: str, data: bytes, fill: bool = False):
    form = {"file": (io.BytesIO(data), filename)}
    if fill:
        form["fill_weekdays"] = "1"
    return client.post(URL, data=form, content_type="multipart/form-data")


def _pending(html: str) -> dict:
    """The confirm form of a preview: the held file's key and the options carried with it."""
    found = re.findall(r'type="hidden" name="(confirm|fill_weekdays)" value="([^"]+)"', html)
    return dict(found)


# ---------------------------------------------------------------------------------------------- parsing


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_parse_csv_encodings(encoding):
    rows = parse_calendar_file("日历.CSV", _csv("2027-01-01,否,元旦", "2027/1/4,是,", "2027年1月9日,休息日,周末",
                                               "2027-01-10, 0 ,  ", encoding=encoding))
    assert rows == [
        Row(date(2027, 1, 1), False, "元旦", 2), Row(date(2027, 1, 4), True, None, 3),
        Row(date(2027, 1, 9), False, "周末", 4), Row(date(2027, 1, 10), False, None, 5),
    ]


def test_parse_csv_columns_by_header_and_blank_lines():
    data = _csv("", "否,2027-05-01,劳动节", "true,2027-05-08,", "", header="是否工作日,日期,备注")
    assert parse_calendar_file("a.csv", data) == [
        Row(date(2027, 5, 1), False, "劳动节", 3), Row(date(2027, 5, 8), True, None, 4),
    ]
    # 备注 is optional
    assert parse_calendar_file("a.csv", _csv("2027-05-01,工作日", header="日期,是否工作日")) == [
        Row(date(2027, 5, 1), True, None, 2)]


def test_parse_xlsx_cells():
    data = _xlsx([
        ["日期", "是否工作日", "备注"],
        [datetime(2027, 1, 1), "否", "元旦"],  # an Excel date cell
        [date(2027, 1, 2), False, None],  # a boolean cell
        ["2027/01/04", 1, ""],  # text date, number flag
        [None, None, None],  # an empty row is skipped
        ["2027-02-06", "工作日", 2027],  # a number as note
    ])
    assert parse_calendar_file("calendar.xlsx", data) == [
        Row(date(2027, 1, 1), False, "元旦", 2), Row(date(2027, 1, 2), False, None, 3),
        Row(date(2027, 1, 4), True, None, 4), Row(date(2027, 2, 6), True, "2027", 6),
    ]


def test_parse_errors_name_row_and_column():
    errors = _errors("bad.csv", _csv(
        "2027-01-01,否,元旦",
        "2027-02-30,是,",  # row 3: no such day
        "2027-03-01,也许,",  # row 4: bad flag
        "2027-01-01,否,元旦",  # row 5: duplicate of row 2
        "明天,x," + "长" * 51,  # row 6: three problems
        ",是,",  # row 7: empty date
    ))
    assert "第 3 行「日期」：无法识别的日期“2027-02-30”（该日期不存在）" in errors
    assert any(e.startswith("第 4 行「是否工作日」：无法识别的取值“也许”") for e in errors)
    assert "第 5 行「日期」：日期 2027-01-01 与第 2 行重复" in errors
    assert any(e.startswith("第 6 行「日期」：无法识别的日期“明天”") for e in errors)
    assert any(e.startswith("第 6 行「是否工作日」") for e in errors)
    assert "第 6 行「备注」：备注不能超过 50 个字（现有 51 个字）" in errors
    assert "第 7 行「日期」：不能为空" in errors
    assert len(errors) == 7


def test_parse_xlsx_errors_name_row_and_column():
    errors = _errors("bad.xlsx", _xlsx([["日期", "是否工作日"], [46388, "是"], [datetime(2027, 1, 1, 9, 30), 2]]))
    assert any(e.startswith("第 2 行「日期」：无法识别的日期“46388”") for e in errors)
    assert any(e.startswith("第 3 行「日期」") and "带有时间" in e for e in errors)
    assert any(e.startswith("第 3 行「是否工作日」：无法识别的取值“2”") for e in errors)


@pytest.mark.parametrize(("filename", "data", "expected"), [
    ("日历.xls", b"\xd0\xcf\x11\xe0", "不支持旧版 Excel（.xls）"),
    ("日历.xlsm", b"PK\x03\x04", "不支持含宏的 .xlsm"),
    ("日历.txt", b"a,b", "只能导入 .xlsx 或 .csv 文件"),
    ("日历", b"a,b", "只能导入 .xlsx 或 .csv 文件"),
    ("日历.csv", b"", "文件是空的"),
    ("日历.xlsx", b"\x00\x01garbage" * 100, "无法读取文件：Excel 文件已损坏"),
    ("日历.xlsx", b"PK\x03\x04" + b"\x00" * 200, "无法读取文件：Excel 文件已损坏"),
    ("日历.csv", b"PK\x03\x04" + b"\x00" * 200, "文件内容不是文本"),
    ("日历.csv", b"\x00\x01\x02\x03garbage", "文件内容不是文本"),
    ("日历.csv", "日期,是否工作日,备注\r\n".encode(), "没有数据行"),
    ("日历.csv", b"\r\n\r\n", "文件中没有内容"),
    ("日历.csv", b"date,workday\r\n2027-01-01,1\r\n", "缺少「日期」、「是否工作日」列"),
    ("日历.csv", "日期,是否工作日\r\n".encode("utf-16"), "UTF-16"),
    ("日历.csv", b"x" * (2 * 1024 * 1024 + 1), "文件超过 2 MB"),
])
def test_parse_refuses_bad_files(filename, data, expected):
    errors = _errors(filename, data)
    assert len(errors) == 1 and expected in errors[0], errors


def test_parse_refuses_too_many_rows():
    start = date(2030, 1, 1)
    lines = [f"{start + timedelta(days=i)},是," for i in range(MAX_ROWS + 1)]
    assert _errors("many.csv", _csv(*lines)) == [f"数据行超过 {MAX_ROWS} 行，请拆分后分批导入"]
    assert len(parse_calendar_file("ok.csv", _csv(*lines[:MAX_ROWS]))) == MAX_ROWS


# ---------------------------------------------------------------------------------------------- preview and apply


def test_preview_counts_and_incomplete_years(app):
    from app.extensions import db

    with app.app_context():
        old = db.session.scalars(sa.select(m.CalendarDay).order_by(m.CalendarDay.day).limit(2)).all()
        same, other = old
        rows = [
            Row(same.day, same.is_workday, same.note, 2),  # unchanged
            Row(other.day, not other.is_workday, other.note, 3),  # changed
            Row(date(2098, 1, 1), False, "元旦", 4),  # new; 2098 stays incomplete
        ]
        before = _count(app)
        preview = preview_import(rows)
        assert (preview["new"], preview["changed"], preview["unchanged"], preview["filled"]) == (1, 1, 1, 0)
        assert preview["incomplete"] == {2098: 364}  # the year of the old rows is complete in the table
        assert any("2098 年导入后仍缺少 364 天" in w for w in preview["warnings"])
        assert [r["status"] for r in preview["rows"]] == ["unchanged", "changed", "new"]
        filled = preview_import(rows, fill_weekdays=True)
        assert filled["filled"] == 364 and filled["incomplete"] == {2098: 364}
        assert _count(app) == before  # a preview writes nothing


def test_apply_only_listed_days_unless_fill(app):
    # 2098-01-01 is a Wednesday off, 2098-01-04 a Saturday on (调休)
    rows = [Row(date(2098, 1, 1), False, "元旦", 2), Row(date(2098, 1, 4), True, "调休上班", 3)]
    try:
        with app.app_context():
            result = apply_import(rows)
            assert (result["inserted"], result["updated"], result["filled"]) == (2, 0, 0)
            assert result["incomplete"] == {2098: 363}
        assert _count(app, 2098) == 2
        with app.app_context():
            result = apply_import(rows, fill_weekdays=True)  # again, now filling the rest by weekday
            assert (result["inserted"], result["updated"], result["unchanged"], result["filled"]) == (0, 0, 2, 363)
        assert _count(app, 2098) == 365
        from app.extensions import db

        with app.app_context():
            query = sa.select(m.CalendarDay.day, m.CalendarDay.is_workday).where(
                m.CalendarDay.day.between(date(2098, 1, 1), date(2098, 12, 31)))
            days = dict(db.session.execute(query).all())
        assert days[date(2098, 1, 1)] is False and days[date(2098, 1, 4)] is True  # listed days as listed
        assert days[date(2098, 1, 2)] is True and days[date(2098, 1, 5)] is False  # Thursday, Sunday: by weekday
        assert all(v == (d.weekday() < 5) for d, v in days.items() if d not in (date(2098, 1, 1), date(2098, 1, 4)))
    finally:
        _delete_year(app, 2098)


def test_apply_invalid_rows_saves_nothing(app):
    rows = [Row(date(2097, 1, 1), False, "元旦", 2), Row(date(2097, 1, 2), True, "长" * 51, 3),
            Row(date(2097, 1, 1), True, None, 4)]
    before = _count(app)
    with app.app_context(), pytest.raises(CommandError) as info:
        apply_import(rows)
    assert "第 3 行「备注」" in info.value.message
    assert "第 4 行「日期」：日期 2097-01-01 与第 2 行重复" in info.value.errors
    assert _count(app) == before


# ---------------------------------------------------------------------------------------------- the screen


def test_screen_bad_file_saves_nothing(app, login):
    client = login("admin")
    before = _count(app)
    resp = _upload(client, "日历.csv", _csv("2096-01-01,否,元旦", "2096-01-02,是,", "2096-02-30,是,"))
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "第 4 行「日期」：无法识别的日期“2096-02-30”" in page and "未保存任何数据" in page
    assert not _pending(page)  # no confirm button for a file with errors
    for name, data in [("x.xls", b"junk"), ("x.xlsx", b"\xff" * 5000), ("x.csv", b""), ("x.pdf", b"%PDF"),
                       ("x.csv", b"\x00" * 10)]:
        resp = _upload(client, name, data)
        assert resp.status_code == 200, name
        assert "alert-danger" in resp.get_data(as_text=True), name
    resp = client.post(URL, data={}, content_type="multipart/form-data")
    assert resp.status_code == 200 and "请选择要导入的" in resp.get_data(as_text=True)
    resp = _upload(client, "huge.csv", b"1" * (3 * 1024 * 1024))
    assert resp.status_code == 200 and "文件超过 2 MB" in resp.get_data(as_text=True)
    assert _count(app) == before


def test_screen_refuses_a_forged_or_stale_confirm(app, login):
    client = login("admin")
    page = _upload(client, "日历.csv", _csv("2096-01-01,否,元旦")).get_data(as_text=True)
    digest = _pending(page)["confirm"]
    assert len(digest) == 64
    before = _count(app)
    for forged in ("x" + digest[1:], "garbage", "../" * 20 + "etc", ""):
        resp = client.post(URL, data={"confirm": forged})
        assert resp.status_code == 200
        assert "预览已失效，请重新上传文件" in resp.get_data(as_text=True) or not forged
    assert _count(app) == before


def test_full_year_import_makes_deadlines_computable(app, login, tokens):
    client = login("admin")
    h = tokens("admin")
    # after the archive handover (八（二）) its dates are read-only; without an end date a start may move to 2099
    iid = open_inspection(app, m.Inspection.work_start.is_not(None), m.Inspection.work_end.is_(None))
    original = client.get(f"/api/v1/inspection/{iid}", headers=h).json["result"]["work_start"]
    assert _count(app, 2099) == 0
    try:
        resp = client.put(f"/api/v1/inspection/{iid}", json={"work_start": "2099-03-09"}, headers=h)
        assert resp.status_code == 200, resp.get_json()
        d2 = {d["code"]: d for d in client.get(f"/api/v1/inspection/{iid}/deadlines", headers=h).json["result"]}["D2"]
        assert d2["status"] == "unknown_calendar" and "2099" in d2["message"]

        # step 1: preview, nothing saved
        resp = _upload(client, "2099年工作日历.csv", _csv(*_year_lines(2099), encoding="utf-8-sig"))
        page = resp.get_data(as_text=True)
        assert resp.status_code == 200, page
        assert "新增 <strong>365</strong> 天" in page and "确认导入" in page
        assert "仍缺少" not in page  # the year is complete
        assert page.count('<tr class="success">') == 50  # the first 50 rows
        assert _count(app, 2099) == 0
        # step 2: confirm
        resp = client.post(URL, data=_pending(page))
        assert resp.status_code == 302, resp.get_data(as_text=True)
        assert "新增 365 天" in client.get(URL).get_data(as_text=True)
        assert _count(app, 2099) == 365

        d2 = {d["code"]: d for d in client.get(f"/api/v1/inspection/{iid}/deadlines", headers=h).json["result"]}["D2"]
        assert d2["status"] != "unknown_calendar"
        assert (d2["earliest"], d2["due"]) == ("2099-03-02", "2099-03-04")  # 5 and 3 working days before Monday 03-09
    finally:
        client.put(f"/api/v1/inspection/{iid}", json={"work_start": original}, headers=h)
        _delete_year(app, 2099)
    assert client.get(f"/api/v1/inspection/{iid}", headers=h).json["result"]["work_start"] == original


def test_screen_fill_option_is_carried_to_confirm(app, login):
    client = login("admin")
    try:
        data = _xlsx([["日期", "是否工作日", "备注"], [date(2095, 1, 1), "否", "元旦"]])
        page = _upload(client, "holidays.xlsx", data, fill=True).get_data(as_text=True)
        assert "另按周一至周五补齐 <strong>364</strong> 天" in page
        assert _pending(page)["fill_weekdays"] == "1"
        resp = client.post(URL, data=_pending(page))
        assert resp.status_code == 302
        assert _count(app, 2095) == 365
    finally:
        _delete_year(app, 2095)


def test_example_file_download(login):
    client = login("admin")
    resp = client.get(URL)
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert "按周一至周五补齐其余日期" in page and 'name="file"' in page
    resp = client.get(URL + "template")
    assert resp.status_code == 200
    assert "filename*=UTF-8''" in resp.headers["Content-Disposition"]
    rows = parse_calendar_file("calendar_template.csv", resp.data)
    assert rows[0] == Row(date(2027, 1, 1), False, "元旦", 2)


@pytest.mark.parametrize("username", ["office", "leader", "zuzhang"])
def test_only_admin_reaches_the_screen(app, login, username):
    client = login(username)
    assert client.get(URL).status_code in (302, 403)
    assert client.get(URL + "template").status_code in (302, 403)
    before = _count(app)
    resp = _upload(client, "日历.csv", _csv("2094-01-01,否,元旦"))
    assert resp.status_code in (302, 403)
    assert _count(app) == before
    assert "导入工作日历" not in client.get("/").get_data(as_text=True)
