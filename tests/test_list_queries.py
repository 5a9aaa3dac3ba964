"""A list page runs (nearly) the same number of SQL statements for 25 or 100 rows (no N+1)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

import schema as m


def _fill(app):
    """At least 110 rows in the busiest confidential and ledger tables."""
    from app.extensions import db

    with app.app_context():
        insp = db.session.get(m.Inspection, db.session.scalar(sa.select(m.Inspection.id).limit(1)))
        person = db.session.scalar(sa.select(m.Person).limit(1))
        rows = []
        for i in range(110):
            petition = m.Petition(inspection=insp, channel="来信", received_on=date(2026, 3, 10), summary=f"信访{i}")
            talk = m.Talk(inspection=insp, interviewee=person, held_on=date(2026, 3, 11), interviewers=[person])
            clue = m.Clue(inspection=insp, source="信访", category="作风", summary=f"线索{i}", petition=petition)
            item = m.RectificationItem(inspection=insp, task=f"整改任务{i}", responsible=person)
            rows += [petition, talk, clue, item]
        db.session.add_all(rows)
        db.session.commit()


@pytest.fixture(scope="module")
def filled(app):
    _fill(app)


def _statements(app, client, url) -> int:
    from app.extensions import db

    seen = []
    with app.app_context():
        engine = db.engine

    def count(*_args):
        seen.append(1)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        resp = client.get(url)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert resp.status_code == 200, url
    return len(seen)


@pytest.mark.parametrize("model", ["Petition", "Talk", "Clue", "RectificationItem", "Inspection", "Person", "Deadline"])
def test_same_statements_for_25_and_100(app, filled, login, model):
    from views import screens

    client = login("admin")
    view = next(v for v, *_ in screens() if getattr(v, "datamodel", None) and v.datamodel.obj.__name__ == model)
    url = f"/{view.__name__.lower()}/list/?psize_{view.__name__}="
    client.get(url + "25")  # warm caches (permissions, menu)
    small, large = _statements(app, client, url + "25"), _statements(app, client, url + "100")
    # A relation loads in one statement, or none when every row's key is null: 75 more rows may add at most
    # one statement per eager relation (a lazy load per row would add dozens).
    bound = small + len(view.datamodel.list_eager)
    assert large <= bound, f"{model}: 25 行 {small} 条语句，100 行 {large} 条语句"
