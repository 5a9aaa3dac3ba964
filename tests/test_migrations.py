"""Alembic owns every table: upgrade on an empty database, no autogenerate difference, downgrade and upgrade again."""

from __future__ import annotations

import re
from itertools import pairwise
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests.conftest import make_app


def _diff(app):
    from app.extensions import db

    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "render_as_batch": True})
        # minus what the search migration (0005g) makes outside the ORM metadata: FTS5 tables, pg_trgm indexes
        return [d for d in compare_metadata(ctx, db.metadata) if not _outside_metadata(d)]


def _outside_metadata(diff) -> bool:
    from schema.search import outside_metadata

    kind, obj = (diff[0], diff[1]) if isinstance(diff, tuple) else ("", None)
    return kind in ("remove_table", "remove_index") and outside_metadata(kind.split("_")[1], obj.name)


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


# ---------------------------------------------------------------------------------------------- the chain itself

VERSIONS = Path(__file__).resolve().parent.parent / "schema" / "migrations" / "versions"


def _script():
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(VERSIONS.parent))


def test_one_head_and_file_names_sort_in_chain_order():
    script = _script()
    assert len(script.get_heads()) == 1, script.get_heads()
    chain = list(reversed(list(script.walk_revisions())))  # base → head
    assert chain[0].down_revision is None
    for before, after in pairwise(chain):
        assert after.down_revision == before.revision
    names = [Path(rev.path).name for rev in chain]
    assert names == sorted(names) == sorted(p.name for p in VERSIONS.glob("*.py"))
    ids = [rev.revision for rev in chain]
    assert ids == sorted(ids)
    for rev in chain:  # each file's name and docstring header say what its code says
        assert Path(rev.path).name.startswith(rev.revision + "_")
        head = Path(rev.path).read_text(encoding="utf-8")
        assert re.search(rf"^Revision ID: {re.escape(rev.revision)}$", head, re.MULTILINE), rev.path
        assert re.search(rf"^Revises: {re.escape(rev.down_revision or '')}$", head, re.MULTILINE), rev.path


def test_renamed_ids_never_name_a_current_revision():
    from schema.migrations.renamed import RENAMED_REVISIONS

    current = {rev.revision for rev in _script().walk_revisions()}
    assert not set(RENAMED_REVISIONS) & current
    assert set(RENAMED_REVISIONS.values()) <= current


def _version(db) -> list[str]:
    return list(db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalars())


def _stamp_old(db, old: str) -> None:
    db.session.execute(sa.text("UPDATE alembic_version SET version_num = :old"), {"old": old})
    db.session.commit()


def test_database_stamped_with_old_id_upgrades_to_head(databases, tmp_path):
    """A database at the old 0003e (now 0003d) upgrades through the usual `upgrade`."""
    app = make_app(databases.new(), str(tmp_path))
    with app.app_context():
        from app.extensions import db

        directory = app.extensions["migrate"].directory
        upgrade(directory=directory, revision="0003d")
        _stamp_old(db, "0003e")
        upgrade(directory=directory)
        assert _version(db) == [_script().get_current_head()]
        assert "screen_setting" in sa.inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()


# the 12 rules as a database made before 0002 held them: no responsible column
RULE_0001 = sa.table("deadline_rule", *(sa.column(c) for c in (
    "code", "title", "anchor", "direction", "offset", "offset_max", "time_unit", "warn_only", "done_field", "clause",
    "is_active", "created_at", "updated_at")))


def _responsible(db) -> dict[str, str]:
    return dict(db.session.execute(sa.text("SELECT code, responsible FROM deadline_rule")).all())


def test_old_database_gets_each_rules_responsible_party_from_the_seed(databases, tmp_path):
    """Rules from before 0002 held 巡察组 everywhere; 0005a, and then the loader, give each its seed party,
    except a rule whose party an admin edited; an id stamped before the renaming (0003a) upgrades too."""
    from datetime import datetime

    from seeds.loader import read_csv

    app = make_app(databases.new(), str(tmp_path))
    with app.app_context():
        from app.commands.setup import run_setup
        from app.extensions import db

        directory = app.extensions["migrate"].directory
        seed = {r["code"]: r for r in read_csv("deadline_rules.csv")}
        upgrade(directory=directory, revision="0001")
        now = datetime(2026, 1, 1)
        db.session.execute(sa.insert(RULE_0001), [
            {"code": r["code"], "title": r["title"], "anchor": r["anchor"], "direction": r["direction"],
             "offset": int(r["offset"]), "offset_max": int(r["offset_max"]) if r["offset_max"] else None,
             "time_unit": r["time_unit"], "warn_only": r["warn_only"] == "true", "done_field": r["done_field"] or None,
             "clause": None, "is_active": True, "created_at": now, "updated_at": now} for r in seed.values()])
        db.session.commit()
        upgrade(directory=directory, revision="0003c")
        _stamp_old(db, "0003a")  # what that database's alembic_version said before the renaming
        assert set(_responsible(db).values()) == {"巡察组"}  # the bug: every reminder to the team
        d4 = db.session.execute(sa.text("SELECT id FROM deadline_rule WHERE code = 'D4'")).scalar()
        db.session.execute(sa.text(  # an admin deliberately named the team for D4: kept
            "INSERT INTO change_log (at, actor, entity, entity_id, entity_label, operation, changes) "
            "VALUES (:at, 'office', 'deadline_rule', :id, 'D4', '修改', :changes)"),
            {"at": now, "id": d4, "changes": '{"responsible": ["巡察组", "巡察组"]}'})
        db.session.commit()

        upgrade(directory=directory)  # 0005a alone, before the loader has a say
        assert _version(db) == [_script().get_current_head()]
        got = _responsible(db)
        assert got == {code: ("巡察组" if code == "D4" else r["responsible"]) for code, r in seed.items()}
        assert got["D2"] == "巡察办" and got["D10"] == "接收部门"

        # the loader corrects it too: a rule set back to the default behind the change log's back
        run_setup()
        db.session.execute(sa.text("UPDATE deadline_rule SET responsible = '巡察组' WHERE code = 'D7'"))
        db.session.commit()
        result = run_setup()
        assert result["reference"]["deadline_rule.responsible"] == 1
        assert _responsible(db)["D7"] == "被巡察单位" and _responsible(db)["D4"] == "巡察组"
        assert not any(run_setup()["reference"].values())
        db.session.remove()
        db.engine.dispose()
