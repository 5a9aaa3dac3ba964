"""A streamed list export (issue 18 item 3): N rows in the file, exactly N read-log rows, the values the list shows,
a petitioner's identity masked, widths from the first rows; a failed export records no read."""

from __future__ import annotations

import io
from datetime import date, datetime

import openpyxl
import pytest
import sqlalchemy as sa

import schema as m
from tests.conftest import demo_world, open_inspection

ROWS = 2_503  # crosses several read-log batches and query chunks (both made small below)
LONG = "很长的被反映人" * 10


def _db():
    from app.extensions import db

    return db


@pytest.fixture(scope="module")
def world(databases, tmp_path_factory):
    """A demo copy of its own with ROWS petitions in zuyuan's team's inspection; the last has a long name."""
    for application, client, tokens in demo_world(databases, tmp_path_factory, "export_stream"):
        teams = sa.select(m.TeamMember.team_id).join(m.Person, m.Person.id == m.TeamMember.person_id).where(
            m.Person.username == "zuyuan")
        inspection_id = open_inspection(application, m.Inspection.team_id.in_(teams))
        with application.app_context():
            from app.uow import transaction

            with transaction():
                _db().session.execute(sa.insert(m.Petition), [
                    {"inspection_id": inspection_id, "code": f"ST-{i:05d}", "channel": "来信",
                     "received_on": date(2026, 1, 1 + i % 28), "subject_name": LONG if i == ROWS - 1 else f"某{i}",
                     "petitioner_name": "张三", "summary": "反映问题", "triage": "待处理"} for i in range(ROWS)])
            _db().session.remove()
        yield application, client, inspection_id


def _reads_after(app, start: int) -> list[tuple[str, int, str]]:
    with app.app_context():
        rows = _db().session.execute(sa.select(m.ReadLog.entity, m.ReadLog.entity_id, m.ReadLog.actor)
                                     .where(m.ReadLog.id > start, m.ReadLog.channel == "导出")).all()
        _db().session.remove()
    return [tuple(r) for r in rows]


def _last_read(app) -> int:
    with app.app_context():
        last = _db().session.scalar(sa.select(sa.func.coalesce(sa.func.max(m.ReadLog.id), 0)))
        _db().session.remove()
    return last


def _petitions(app, inspection_id: int) -> dict[str, tuple]:
    with app.app_context():
        rows = _db().session.execute(sa.select(m.Petition.code, m.Petition.id, m.Petition.received_on,
                                               m.Petition.subject_name)
                                     .where(m.Petition.inspection_id == inspection_id,
                                            m.Petition.code.startswith("ST-"))).all()
        label = str(_db().session.get(m.Inspection, inspection_id))
        _db().session.remove()
    return {code: (pk, received_on, subject, label) for code, pk, received_on, subject in rows}


def test_an_export_of_n_rows_writes_n_read_log_rows_and_the_values(world, monkeypatch):
    app, client, inspection_id = world
    monkeypatch.setattr("app.audit.READ_BATCH", 1000)
    app.config["EXPORT_SYNC_MAX_ROWS"] = ROWS * 2  # answered at once, through the screen's own export
    from seeds.demo import DEMO_PASSWORD

    assert client.post("/login/", data={"username": "zuyuan", "password": DEMO_PASSWORD}).status_code == 302
    start = _last_read(app)
    resp = client.get("/petitionview/export?_flt_0_code=ST-")  # 信访编号 starts with
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]

    sheet = openpyxl.load_workbook(io.BytesIO(resp.data)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["信访编号", "来源方式", "收到日期", "巡察", "被反映人", "处理状态"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    expected = _petitions(app, inspection_id)
    assert len(rows) == len(expected) == ROWS
    for code, channel, received, inspection, subject, triage in rows:
        _, received_on, subject_name, label = expected[code]
        assert received == datetime(received_on.year, received_on.month, received_on.day)
        assert (inspection, subject) == (label, subject_name)
    # exactly one read per exported petition, by the one who exported it (DOMAIN.md §6)
    reads = _reads_after(app, start)
    assert len(reads) == len(rows)
    assert sorted(r[1] for r in reads) == sorted(pk for pk, *_ in expected.values())
    assert {(r[0], r[2]) for r in reads} == {("petition", "zuyuan")}
    # widths follow the header and the first rows: the long name in the last row does not widen its column
    assert sheet.column_dimensions["E"].width < 40


def _export(app, inspection_id: int, columns: list[str]):
    from app.exports.lists import ListExport

    query = _db().session.query(m.Petition).filter(m.Petition.inspection_id == inspection_id,
                                                    m.Petition.code.startswith("ST-")).order_by(m.Petition.id)
    return ListExport("信访件列表", columns, columns, query.count(), query, m.Petition)


def test_the_petitioner_identity_is_masked_in_a_streamed_export(world, tmp_path):
    app, _, inspection_id = world
    from app.exports.lists import write_workbook

    with app.test_request_context("/"):
        written = write_workbook(tmp_path / "x.xlsx", _export(app, inspection_id, ["code", "petitioner_name"]),
                                 chunk=700)
        _db().session.remove()
    values = [r[1] for r in openpyxl.load_workbook(tmp_path / "x.xlsx").worksheets[0].iter_rows(
        min_row=2, values_only=True)]
    assert len(values) == written == ROWS and set(values) == {"已隐藏"}


def test_a_failed_export_records_no_read(world, tmp_path):
    app, _, inspection_id = world
    from app.exports.lists import write_workbook

    def progress(rows: int) -> None:
        if rows >= 1400:
            raise RuntimeError("worker killed")

    start = _last_read(app)
    with app.app_context(), pytest.raises(RuntimeError):
        try:
            write_workbook(tmp_path / "y.xlsx", _export(app, inspection_id, ["code"]), progress, chunk=700)
        finally:
            _db().session.remove()
    assert _reads_after(app, start) == []


MIXED = ["code", "channel", "received_on", "is_anonymous", "inspection", "inspection.id", "petitioner_name",
         "duplicate_of", "created_at", "summary", "replied_on"]  # a date, a boolean, a choice, relations, identity


def _cells(path) -> tuple[list[list[tuple]], dict[str, float]]:
    """Every cell of the sheet as (value, number format, wraps), and the column widths."""
    sheet = openpyxl.load_workbook(path).worksheets[0]
    cells = [[(c.value, c.number_format, bool(c.alignment.wrap_text)) for c in row] for row in sheet.iter_rows()]
    return cells, {key: dim.width for key, dim in sheet.column_dimensions.items()}


def test_column_values_and_entities_write_the_same_cells(world, tmp_path, monkeypatch):
    """The column-value path (every listed column a table column or a many-to-one) and the entity path (value_of
    each listed column of each record) give the same file, None values, masking and related records' text included."""
    app, _, inspection_id = world
    from app.exports import lists

    with app.app_context():
        from app.uow import transaction

        with transaction():
            first = _db().session.scalar(sa.select(m.Petition.id).where(m.Petition.code == "ST-00000"))
            _db().session.execute(sa.insert(m.Petition), [
                {"inspection_id": inspection_id, "code": f"EQ-{i}", "channel": ("来信", "来电", "网络")[i % 3],
                 "received_on": date(2026, 2, 1 + i), "is_anonymous": i % 2 == 0,
                 "petitioner_name": "李四" if i % 3 else None, "subject_name": f"某{i}",
                 "summary": " 前后有空格 " if i == 0 else f"问题{i}", "triage": "待处理",
                 "duplicate_of_id": first if i % 2 else None, "replied_on": date(2026, 3, 1) if i == 1 else None,
                 "created_at": datetime(2026, 1, 2, 9, 30 + i)} for i in range(6)])
        _db().session.remove()

    real, paths = lists._plain_columns, []

    def export(path, plain: bool):
        def columns(*args):
            found = real(*args) if plain else None  # None: as for a list with a column only an entity answers
            paths.append(found is not None)
            return found

        monkeypatch.setattr(lists, "_plain_columns", columns)
        with app.test_request_context("/"):
            query = _db().session.query(m.Petition).filter(m.Petition.code.startswith("EQ-")).order_by(m.Petition.id)
            lists.write_workbook(path, lists.ListExport("信访件列表", MIXED, MIXED, 6, query, m.Petition))
            _db().session.remove()
        return _cells(path)

    plain, entities = export(tmp_path / "plain.xlsx", True), export(tmp_path / "entities.xlsx", False)
    assert paths == [True, False]  # each export took the path it tests
    assert plain == entities
    rows = plain[0][1:]
    assert len(rows) == 6
    assert {r[MIXED.index("petitioner_name")][0] for r in rows} == {"已隐藏", None}
    assert {r[MIXED.index("is_anonymous")][0] for r in rows} == {"是", "否"}
    assert rows[1][MIXED.index("duplicate_of")][0] == "ST-00000" and rows[0][MIXED.index("duplicate_of")][0] is None
    assert rows[0][MIXED.index("received_on")][:2] == (datetime(2026, 2, 1), "yyyy-mm-dd")
    assert rows[0][MIXED.index("inspection.id")][0] == inspection_id


def test_the_petition_lists_export_reads_columns_not_entities(world):
    """The 信访受理 screen's export reads no Petition entity (the column-value path)."""
    app, client, _ = world
    app.config["EXPORT_SYNC_MAX_ROWS"] = ROWS * 2
    from seeds.demo import DEMO_PASSWORD

    loaded = []

    def count(target, context) -> None:
        loaded.append(target)

    assert client.post("/login/", data={"username": "zuyuan", "password": DEMO_PASSWORD}).status_code == 302
    sa.event.listen(m.Petition, "load", count)
    try:
        screen = client.get("/petitionview/export?_flt_0_code=ST-")
    finally:
        sa.event.remove(m.Petition, "load", count)
    assert screen.status_code == 200 and openpyxl.load_workbook(io.BytesIO(screen.data)).worksheets[0].max_row > ROWS
    assert loaded == []
