"""Alembic owns every table: upgrade on an empty database, no autogenerate difference, downgrade and upgrade again."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.conftest import make_app


def _diff(app):
    from app.extensions import db

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        return compare_metadata(ctx, db.metadata)


def test_round_trip(databases, tmp_path):
    app = make_app(databases.new(), str(tmp_path))
    with app.app_context():
        from app.extensions import db

        directory = app.extensions["migrate"].directory
        upgrade(directory=directory)
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"ab_user", "ab_role", "inspection", "clue", "rectification_item", "calendar_day"} <= tables
        assert set(db.metadata.tables) <= tables
        assert _diff(app) == []
        downgrade(directory=directory, revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(directory=directory)
        assert _diff(app) == []
        db.engine.dispose()
