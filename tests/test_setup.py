"""`flask setup` creates everything on an empty database, and a second run changes nothing."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from tests.conftest import make_app


def _snapshot(db) -> dict[str, tuple[int, str]]:
    """table → (row count, digest of all rows), ignoring update timestamps."""
    out = {}
    for table in db.metadata.sorted_tables:
        cols = [c for c in table.columns if c.name not in ("updated_at", "changed_on")]
        rows = db.session.execute(sa.select(*cols)).all()
        digest = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
        out[table.name] = (len(rows), digest)
    return out


def test_setup_twice_changes_nothing(databases, tmp_path):
    app = make_app(databases.new(), str(tmp_path))
    with app.app_context():
        from app.commands.setup import run_setup
        from app.extensions import db

        run_setup()
        first = _snapshot(db)
        result = run_setup()
        assert _snapshot(db) == first
        assert not any(result["reference"].values())
        assert set(result["roles"]) == {"Admin", "LeadingGroup", "Office", "TeamLeader", "TeamMember", "ReceivingDept",
                               "UnitLiaison", "PartyOffice"}
        # reference data arrived: calendar, the 12 deadline rules, routing rules, 24 template slots
        assert first["deadline_rule"][0] == 12
        assert first["document_template"][0] == 24
        assert first["routing_rule"][0] >= 7
        assert first["calendar_day"][0] > 365 * 20
        db.session.remove()
        db.engine.dispose()


def test_role_sync_replaces_instead_of_appending(databases, tmp_path):
    app = make_app(databases.new(), str(tmp_path))
    with app.app_context():
        from app.commands.setup import run_setup, sync_roles
        from app.extensions import db

        run_setup()
        sm = app.appbuilder.sm
        liaison = sm.find_role("UnitLiaison")
        before = {(p.permission.name, p.view_menu.name) for p in liaison.permissions}
        extra = sm.find_permission_view_menu("can_write", "Clue")
        liaison.permissions.append(extra)
        db.session.commit()
        sync_roles()
        after = {(p.permission.name, p.view_menu.name) for p in sm.find_role("UnitLiaison").permissions}
        assert after == before
        assert ("can_write", "Clue") not in after
        db.session.remove()
        db.engine.dispose()
