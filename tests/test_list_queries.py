"""A list page runs the same number of SQL statements for 25 or 100 rows (no N+1), and every list screen, REST
list and REST item at most STATEMENT_CEILING (issue 18: the relations an answer shows are loaded, no others)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

import schema as m
from tests.conftest import demo_app, token_cache

STATEMENT_CEILING = 15


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
        # the unit's next inspection: its page's 回头看 panel shows these 110 ledger rows, some with evidence and a check
        later_round = m.Round(name="测试：下一轮巡察", year=insp.round.year + 1, kind=insp.round.kind)
        later = m.Inspection(round=later_round, team=insp.team, unit=insp.unit, notice_no="测试下一轮",
                             entry_date=date(insp.round.year + 1, 3, 2))
        evidence = db.session.scalar(sa.select(m.Document).limit(1))
        for item in rows[3::4][:20]:
            item.evidence = [evidence]
            rows.append(m.ReboundCheck(inspection=later, previous_item=item, result="已巩固"))
        db.session.add_all(rows + [later_round, later])
        db.session.commit()


@pytest.fixture(scope="module")
def app(databases, tmp_path_factory):
    """A demo database of its own with the rows of ``_fill``: other modules count the demo's rows."""
    for application in demo_app(databases, tmp_path_factory, "list_queries"):
        _fill(application)
        yield application


def _statements(app, get, url) -> int:
    """The statements `get(url)` runs (it must answer 200)."""
    from app.extensions import db

    seen = []
    with app.app_context():
        engine = db.engine

    def count(*_args):
        seen.append(1)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        resp = get(url)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert resp.status_code == 200, url
    return len(seen)


@pytest.mark.parametrize("model", ["Petition", "Talk", "Clue", "RectificationItem", "Inspection", "Person", "Deadline"])
def test_same_statements_for_25_and_100(app, login, model):
    from views import screens

    client = login("admin")
    view = next(v for v, *_ in screens() if getattr(v, "datamodel", None) and v.datamodel.obj.__name__ == model)
    url = f"/{view.__name__.lower()}/list/?psize_{view.__name__}="
    client.get(url + "25")  # warm caches (permissions, menu)
    small, large = _statements(app, client.get, url + "25"), _statements(app, client.get, url + "100")
    # a many-to-one is joined to the rows' statement, a collection loads in one: 75 more rows add nothing
    assert large == small, f"{model}: 25 行 {small} 条语句，100 行 {large} 条语句"


def _answers(app):
    """(kind, class name, URL) of every list screen and REST resource registered: a new screen is covered."""
    from views.base.rest import XctModelRestApi
    from views.base.screen import XctModelView

    for view in app.appbuilder.baseviews:
        if isinstance(view, XctModelView):
            yield "页面", type(view).__name__, f"{view.route_base}/list/?psize_{type(view).__name__}=100"
        elif isinstance(view, XctModelRestApi):
            yield "REST", type(view).__name__, f"/api/v1/{view.resource_name}/"


def test_every_answer_within_the_ceiling(app, login):
    """Every list screen, REST list (100 rows) and REST item of 巡察办 (who reads nearly everything) runs at most
    STATEMENT_CEILING statements, the fixed ones of a request (session and user, reference stamp, screen setting)
    included."""
    client = login("office")
    headers = token_cache(app)("office")
    over, measured = [], 0
    for kind, name, url in _answers(app):
        if kind == "页面":
            targets = [url]
            get = client.get
        else:
            first = client.get(url + "?q=(page_size:1)", headers=headers).get_json() or {}
            targets = [url + "?q=(page_size:100)"] + [f"{url}{i}" for i in first.get("ids", [])[:1]]

            def get(u):
                return client.get(u, headers=headers)
        for target in targets:
            if get(target).status_code != 200:  # warm caches; a resource the office may not read is not an answer
                continue
            count = _statements(app, get, target)
            measured += 1
            if count > STATEMENT_CEILING:
                over.append(f"{kind} {name} {target}: {count}")
    assert measured > 100, measured
    assert not over, f"超过 {STATEMENT_CEILING} 条语句：\n" + "\n".join(over)



def test_the_inspection_page_within_the_ceiling(app, login):
    """The inspection page (the inspection, its clocks and checks, the 回头看 panel over the previous ledger's 110
    rows with evidence and checks, the ledger count, the 24 附件, repeat flags, the archive, the step buttons) runs at
    most STATEMENT_CEILING statements for every demo role, the fixed ones of a request included: the reference data
    admins keep is read once per process (app.reference)."""
    from app.extensions import db
    from app.scope import scoped
    from seeds.demo import DEMO_USERS

    with app.app_context():
        later = db.session.scalar(sa.select(m.Inspection.id).where(m.Inspection.notice_no == "测试下一轮"))
        users = {u.username: u for u in app.appbuilder.sm.get_all_users()}
        first = {who: db.session.scalar(scoped(sa.select(sa.func.min(m.Inspection.id)), m.Inspection, users[who]))
                 for who in DEMO_USERS}
    pages = [("office", later)] + [(who, pk) for who, pk in first.items() if pk is not None]
    assert len(pages) >= 8, pages
    over = []
    for who, pk in pages:
        client = login(who)
        url = f"/inspectionview/show/{pk}"
        html = client.get(url).get_data(as_text=True)  # warm caches
        if pk == later:
            assert "上一轮巡察整改落实情况" in html and html.count("已巩固") >= 20 and "整改任务109" in html
        count = _statements(app, client.get, url)
        if count > STATEMENT_CEILING:
            over.append(f"{who} {url}: {count}")
    assert not over, f"巡察页超过 {STATEMENT_CEILING} 条语句：\n" + "\n".join(over)
