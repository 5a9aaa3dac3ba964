"""The scratch app of tests/conftest.py: the next module that takes it finds the demo's records, stored files,
configuration and rate-limit counters again, on the same app (not one built again)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from limits import parse

import schema as m
from tests.conftest import demo_app

ONE_AN_HOUR = parse("1 per hour")


def _units(app) -> int:
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(m.Unit))


def test_a_module_finds_what_the_module_before_changed_undone(databases, tmp_path_factory):
    first = demo_app(databases, tmp_path_factory)
    app = next(first)
    units, files = _units(app), sorted(p.name for p in Path(app.config["STORAGE_DIR"]).rglob("*"))
    limiter = app.appbuilder.sm.limiter
    with app.app_context():
        from app.extensions import db

        db.session.add(m.Unit(name="临时测试单位", kind="职能部门"))
        db.session.commit()
    (Path(app.config["STORAGE_DIR"]) / "left-behind.txt").write_text("上一个模块留下的文件")
    app.config["EXPORT_SYNC_MAX_ROWS"] = 1
    app.config["XCT_ONLY_IN_THIS_MODULE"] = True
    assert limiter.limiter.hit(ONE_AN_HOUR, "scratch-test") and not limiter.limiter.test(ONE_AN_HOUR, "scratch-test")
    assert _units(app) == units + 1
    assert databases.take_scratch() is None  # held by the module above: another module would build its own
    next(first, None)

    second = demo_app(databases, tmp_path_factory)
    again = next(second)
    assert again is app
    assert _units(again) == units
    assert sorted(p.name for p in Path(again.config["STORAGE_DIR"]).rglob("*")) == files
    assert again.config["EXPORT_SYNC_MAX_ROWS"] != 1 and "XCT_ONLY_IN_THIS_MODULE" not in again.config
    assert limiter.limiter.test(ONE_AN_HOUR, "scratch-test")  # the counter the module before used up starts again
    next(second, None)
