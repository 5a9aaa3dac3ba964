"""The architecture the code promises: one unit of work (app.uow) owns every commit, and it behaves as the
procedure's records need — nothing half-written on an error, no file deleted or job sent for data that was never
stored."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g
from sqlalchemy import event

import schema as m

ROOT = Path(__file__).resolve().parent.parent
# The runtime packages: benchmarks/ and tests/ are tooling and commit their own fixtures; schema/migrations/ runs
# on Alembic's own connection (env.py), never on the app's session.
SCANNED = ("app", "views", "seeds", "jobs", "schema")
NOT_SCANNED = ("schema/migrations/",)

# Files that may call .commit() outside the unit of work, each with the reason. Keep it short: a new entry needs
# a reason a reviewer accepts.
COMMIT_ALLOWED = {
    "app/uow.py": "the mechanism itself: the one commit of every unit of work",
}


def _commit_calls(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit"]


def test_no_commit_outside_the_unit_of_work():
    found = {}
    for package in SCANNED:
        for path in sorted((ROOT / package).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith(NOT_SCANNED):
                continue
            lines = _commit_calls(path)
            if lines and rel not in COMMIT_ALLOWED:
                found[rel] = lines
    assert not found, f"commit() outside app.uow.transaction(): {found}"


def test_the_allowlist_is_still_needed():
    # An entry whose file no longer commits would let a new commit in unnoticed: drop it.
    stale = [rel for rel in COMMIT_ALLOWED if not _commit_calls(ROOT / rel)]
    assert not stale


def test_the_scan_sees_a_commit(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f(db):\n    db.session.commit()\n", encoding="utf-8")
    assert _commit_calls(probe) == [2]


# ---- the mechanism ----------------------------------------------------------------------------------------

def _day(n: int):
    """A calendar day no demo record or other test uses."""
    from datetime import date

    return date(2199, 1, n)


def _days(app) -> int:
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(m.CalendarDay)
                                 .where(m.CalendarDay.day >= _day(1)))


@pytest.fixture()
def commits(app):
    """Counts the commits of every ORM session while the test runs; removes the test's calendar days after."""
    counted = []

    def count(_session):
        counted.append(1)

    event.listen(sa.orm.Session, "after_commit", count)
    yield counted
    event.remove(sa.orm.Session, "after_commit", count)
    from app.extensions import db

    with app.app_context():
        db.session.execute(sa.delete(m.CalendarDay).where(m.CalendarDay.day >= _day(1)))
        db.session.commit()


def test_rollback_on_error_leaves_nothing_written(app, commits):
    from app.extensions import db
    from app.uow import after_commit, transaction

    ran = []
    with app.app_context():
        with pytest.raises(ZeroDivisionError), transaction():
            db.session.add(m.CalendarDay(day=_day(1), is_workday=True))
            db.session.flush()  # in the database's transaction already
            after_commit(lambda: ran.append("hook"))
            raise ZeroDivisionError("boom")
        assert not db.session.info.get("xct_uow_depth")
    assert _days(app) == 0
    assert ran == [] and commits == []


def test_after_commit_runs_once_the_data_is_stored(app, commits):
    from app.extensions import db
    from app.uow import after_commit, transaction

    seen = []
    with app.app_context(), transaction():
        db.session.add(m.CalendarDay(day=_day(2), is_workday=False))
        after_commit(lambda: seen.append(_days(app)))  # another session sees the row: it is committed
        assert seen == []
    assert seen == [1] and len(commits) == 1


def test_nested_units_commit_once(app, commits):
    from app.extensions import db
    from app.uow import after_commit, in_transaction, transaction

    order = []

    @transaction
    def inner(n):
        db.session.add(m.CalendarDay(day=_day(n), is_workday=True))
        after_commit(lambda: order.append(f"inner {n}"))
        return n

    with app.app_context():
        with transaction():
            assert inner(3) == 3 and inner(4) == 4
            assert commits == [] and in_transaction()
            after_commit(lambda: order.append("outer"))
        assert not in_transaction()
    assert len(commits) == 1 and _days(app) == 2
    assert order == ["inner 3", "inner 4", "outer"]


def test_an_inner_failure_rolls_back_the_whole_unit(app, commits):
    from app.extensions import db
    from app.uow import transaction

    with app.app_context(), pytest.raises(ValueError), transaction():
        db.session.add(m.CalendarDay(day=_day(5), is_workday=True))
        with transaction():
            raise ValueError("inner")
    assert _days(app) == 0 and commits == []


def test_a_rollback_inside_the_unit_drops_its_hooks(app, commits):
    from app.extensions import db
    from app.uow import after_commit, transaction

    ran = []
    with app.app_context(), transaction():
        db.session.add(m.CalendarDay(day=_day(7), is_workday=True))
        db.session.flush()
        after_commit(lambda: ran.append("dropped"))
        db.session.rollback()  # e.g. a view refusing the record it was saving
        after_commit(lambda: ran.append("kept"))
    assert ran == ["kept"] and _days(app) == 0


def test_after_commit_outside_a_unit_is_refused(app):
    from app.uow import after_commit

    with app.app_context(), pytest.raises(RuntimeError):
        after_commit(lambda: None)


def test_a_failed_commit_does_not_delete_the_file(app):
    """八、立卷归档 destruction: the file goes only with its stored DestructionRecord."""
    from app.commands.archive import destroy
    from app.extensions import db
    from app.storage import storage_path, store
    from app.uow import transaction


    def refuse(_session):
        raise sa.exc.OperationalError("COMMIT", {}, Exception("disk full"))

    with app.test_request_context():
        g.user = office = app.appbuilder.sm.find_user("office")  # the scope destroy looks through
        inspection = db.session.scalar(sa.select(m.Inspection).order_by(m.Inspection.id).limit(1))
        before = db.session.scalar(sa.select(sa.func.count()).select_from(m.DestructionRecord))
        event.listen(sa.orm.Session, "before_commit", refuse)
        try:
            with pytest.raises(sa.exc.OperationalError), transaction():
                doc = store(b"guidance copy", "指导意见（副本）.txt", inspection_id=inspection.id)
                db.session.flush()
                path = storage_path(doc.storage_name)
                destroy(inspection, office, document_id=doc.id, material_title=None, method="删除电子版",
                        destroyed_by="周敏", witness="孙雅琴", destroyed_on=None)
        finally:
            event.remove(sa.orm.Session, "before_commit", refuse)
        assert path.exists(), "the stored file was deleted although its destruction record was not stored"
        path.unlink()
        after = db.session.scalar(sa.select(sa.func.count()).select_from(m.DestructionRecord))
        assert after == before


def test_a_committed_destruction_deletes_the_file(app):
    from app.commands.archive import destroy
    from app.extensions import db
    from app.storage import storage_path, store
    from app.uow import transaction

    with app.test_request_context():
        g.user = office = app.appbuilder.sm.find_user("office")  # the scope destroy looks through
        inspection = db.session.scalar(sa.select(m.Inspection).order_by(m.Inspection.id).limit(1))
        with transaction():
            doc = store(b"guidance copy", "指导意见（副本）.txt", inspection_id=inspection.id)
            db.session.flush()
            path = storage_path(doc.storage_name)
            record = destroy(inspection, office, document_id=doc.id, material_title=None, method="删除电子版",
                             destroyed_by="周敏", witness="孙雅琴", destroyed_on=None)
            assert path.exists()  # still there until the record is stored
        assert not path.exists()
        with transaction():
            db.session.delete(record)
            db.session.delete(doc)


def test_the_read_log_does_not_commit_the_request_session(app):
    """A read is logged on a connection of its own: what the request's session holds stays uncommitted."""
    from app.audit import _write
    from app.extensions import db
    from schema.base import utcnow

    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(m.ReadLog))
        db.session.add(m.CalendarDay(day=_day(6), is_workday=True))  # pending: committing would store it
        _write([{"at": utcnow(), "actor": "架构测试", "remote_addr": None, "entity": "clue", "entity_id": 1,
                 "channel": "页面", "path": None, "reason": None}])
        assert len(db.session.new) == 1
        db.session.rollback()
    assert _days(app) == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(m.ReadLog)) == before + 1  # append-only


def test_each_module_run_on_one_engine_exists():
    """tests/conftest.py's ONE_ENGINE names modules that exist and an engine the suite has: a renamed module would
    quietly run on both engines again (safe, but no longer the split its comment measures)."""
    from pathlib import Path

    from tests.conftest import ONE_ENGINE

    here = Path(__file__).resolve().parent
    assert ONE_ENGINE and all((here / name).is_file() for name in ONE_ENGINE), ONE_ENGINE
    assert set(ONE_ENGINE.values()) <= {"sqlite", "postgresql"}
