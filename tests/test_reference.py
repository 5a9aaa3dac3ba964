"""Reference data kept in memory per process (app.reference): the database renews its stamp on every write to the
reference tables (migration 0005o's triggers), so a kept value is never served after a change, from this process or
another host, and a rolled-back change leaves the old value in force."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

import schema as m
from tests.conftest import demo_app

MIGRATION = Path(__file__).resolve().parent.parent / "schema" / "migrations" / "versions" / "0005o_reference_stamp.py"


def _tables() -> tuple[str, ...]:
    spec = importlib.util.spec_from_file_location("reference_stamp_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TABLES


@pytest.fixture(scope="module")
def app(databases, tmp_path_factory):
    yield from demo_app(databases, tmp_path_factory, "reference")


def _stamp(conn) -> str:
    return conn.execute(sa.text("SELECT stamp FROM reference_stamp WHERE id = 1")).scalar_one()


# A write of each kind to each table, in SQL as another host or a script would do it (no ORM event involved).
SAMPLE = {
    "deadline_rule": ("UPDATE deadline_rule SET title = title WHERE id = (SELECT min(id) FROM deadline_rule)",),
    "calendar_day": ("INSERT INTO calendar_day (day, is_workday) VALUES ('2099-01-01', false)",
                     "UPDATE calendar_day SET note = '测试' WHERE day = '2099-01-01'",
                     "DELETE FROM calendar_day WHERE day = '2099-01-01'"),
    "document_template": ("UPDATE document_template SET title = title WHERE id = (SELECT min(id) FROM "
                          "document_template)",),
    "repeat_rule": ("UPDATE repeat_rule SET threshold = threshold WHERE id = (SELECT min(id) FROM repeat_rule)",),
    "archive_requirement": ("UPDATE archive_requirement SET title = title WHERE id = (SELECT min(id) FROM "
                            "archive_requirement)",),
    "ab_permission": ("UPDATE ab_permission SET name = name WHERE id = (SELECT min(id) FROM ab_permission)",),
    "ab_view_menu": ("UPDATE ab_view_menu SET name = name WHERE id = (SELECT min(id) FROM ab_view_menu)",),
    "ab_permission_view": ("UPDATE ab_permission_view SET view_menu_id = view_menu_id WHERE id = (SELECT min(id) "
                           "FROM ab_permission_view)",),
    "ab_permission_view_role": ("UPDATE ab_permission_view_role SET role_id = role_id WHERE id = (SELECT min(id) "
                                "FROM ab_permission_view_role)",),
}


def test_every_write_to_a_reference_table_renews_the_stamp(app):
    from app.extensions import db

    assert set(SAMPLE) == set(_tables())  # a table given a trigger is tested here
    with app.app_context():
        engine = db.engine
    for table, statements in SAMPLE.items():
        for statement in statements:
            with engine.begin() as conn:
                before = _stamp(conn)
                assert conn.execute(sa.text(statement)).rowcount == 1, statement
                assert _stamp(conn) != before, statement
    with engine.begin() as conn:  # a write elsewhere leaves it alone
        before = _stamp(conn)
        conn.execute(sa.text("UPDATE unit SET name = name WHERE id = (SELECT min(id) FROM unit)"))
        assert _stamp(conn) == before


def test_a_kept_value_is_read_once_and_again_after_a_change(app):
    from app.extensions import db
    from app.reference import kept

    reads = []

    def load():
        reads.append(1)
        return db.session.scalar(sa.select(sa.func.count()).select_from(m.CalendarDay))

    with app.app_context():
        first = kept("test:calendar_days", load)
        assert kept("test:calendar_days", load) == first and len(reads) == 1
        # another host adds a day (its own connection, committed)
        with db.engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO calendar_day (day, is_workday) VALUES ('2099-02-02', true)"))
        db.session.rollback()  # a new transaction of this session sees it
        assert kept("test:calendar_days", load) == first + 1 and len(reads) == 2
        # a change rolled back: the value read inside it is not served afterwards
        db.session.execute(sa.delete(m.CalendarDay).where(m.CalendarDay.day == date(2099, 2, 2)))
        assert kept("test:calendar_days", load) == first and len(reads) == 3
        db.session.rollback()
        assert kept("test:calendar_days", load) == first + 1 and len(reads) == 4
        with db.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM calendar_day WHERE day = '2099-02-02'"))


def test_an_edited_deadline_rule_counts_at_once_on_the_inspection_page(app):
    """The page keeps the rules between requests, yet an admin's edit shows on the next one."""
    from app.extensions import db
    from seeds.demo import DEMO_PASSWORD

    with app.app_context():
        rule = db.session.scalar(sa.select(m.DeadlineRule).where(m.DeadlineRule.is_active.is_(True))
                                 .order_by(m.DeadlineRule.id))
        code, title = rule.code, rule.title
        pk = db.session.scalar(sa.select(sa.func.min(m.Inspection.id)))
    client = app.test_client()
    client.post("/login/", data={"username": "office", "password": DEMO_PASSWORD})
    url = f"/inspectionview/show/{pk}"
    assert title in client.get(url).get_data(as_text=True)
    with app.app_context():
        db.session.execute(sa.update(m.DeadlineRule).where(m.DeadlineRule.code == code).values(title="测试改名的期限"))
        db.session.commit()
    try:
        html = client.get(url).get_data(as_text=True)
        assert "测试改名的期限" in html and title not in html
    finally:
        with app.app_context():
            db.session.execute(sa.update(m.DeadlineRule).where(m.DeadlineRule.code == code).values(title=title))
            db.session.commit()
