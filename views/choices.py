"""Forms that help (issue 14 item 2, issue 18): relation dropdowns that search on the server, depend on each other,
and start from sensible defaults.

A form's dropdown over a table that grows with the work (people, units, inspections, teams, clues…) no longer lists
the table in the page: it holds only its chosen row, and select2 asks GET /choices/<View>/<field>?q=&page= while
the user types. The answer goes through the screen's own scoped data interface (views.base.interface), so it offers
exactly the rows the form would accept, 20 at a time. Dependent dropdowns are declared in DEPENDS: a team is one of
the chosen round's, an inspection one of the chosen round's and team's; a person list puts the inspected unit's
people first. Defaults (DEFAULTS, TODAY) fill an empty add form: the current round, the reader's team and
inspection, 登记人 = the reader's person, today's date where the procedure means "when it is registered".
"""

from __future__ import annotations

import re
from datetime import date

import sqlalchemy as sa
from flask import abort, current_app, jsonify, request
from flask_login import current_user

from app.audit import identity_columns
from app.extensions import db
from schema import Inspection, Person, Round, Team, TeamMember, Unit
from schema.base import INT_MAX

PAGE = 20
# Related models whose dropdowns search on the server (tables that grow with the work); the few rounds stay inline.
AJAX_MODELS = frozenset({"Person", "Unit", "Inspection", "Team", "Clue", "Petition", "Finding", "Talk", "Material",
                         "RectificationItem", "Transfer", "Feedback", "ArchiveVolume", "Meeting"})

# related model → form field it depends on → (criterion on the parent's id, strict). Strict: only matching rows are
# offered (a team of another round is never right); not strict: matching rows come first (an interviewee is usually,
# not always, of the inspected unit).
DEPENDS: dict[str, dict[str, tuple[object, bool]]] = {
    "Team": {"round": (lambda pk: Team.round_id == pk, True)},
    "Inspection": {"round": (lambda pk: Inspection.round_id == pk, True),
                   "team": (lambda pk: Inspection.team_id == pk, True),
                   "unit": (lambda pk: Inspection.unit_id == pk, True)},
    "Person": {"unit": (lambda pk: Person.unit_id == pk, False),
               "inspection": (lambda pk: Person.unit_id.in_(
                   sa.select(Inspection.unit_id).where(Inspection.id == pk).scalar_subquery()), False)},
}

# What a search matches beyond the model's own text columns.
SEARCH_JOINS = {
    "Inspection": lambda q: sa.or_(Inspection.unit.has(Unit.name.contains(q)),
                                   Inspection.round.has(Round.name.contains(q)),
                                   Inspection.team.has(Team.name.contains(q))),
}

# form field → how to fill it on an empty add form (by the field's name, whatever the model).
ME_FIELDS = ("registered_by", "recorder")
# 登记 "now": the date a record is registered on, per model (a date the procedure counts from is typed).
TODAY: dict[str, tuple[str, ...]] = {
    "Petition": ("received_on",),  # 三（三）4 信访件受理登记
    "CustodyEvent": ("happened_on",),
    "UrgentReport": ("reported_on",),
}


# ---- the endpoint ----


def _view(name: str):
    for view in current_app.appbuilder.baseviews:
        if type(view).__name__ == name and hasattr(view, "datamodel"):
            return view
    return None


def _pk(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and int(text) <= INT_MAX else None


def _searchable_fields(view) -> set[str]:
    """The relation fields whose choices the current user may ask of `view`: its list filters for whoever reads it
    (a read-only role filters a list too), its form fields for whoever writes it. Nothing for anyone else."""
    sm = current_app.appbuilder.sm
    fields = set()
    if sm.has_access("can_read", view.class_permission_name):
        fields |= set(view.search_columns or [])
    if sm.has_access("can_write", view.class_permission_name):
        fields |= set(view.add_columns or []) | set(view.edit_columns or [])
    return fields


def _text_match(model, q: str):
    # a petitioner's identity (masked on every path, app.audit.identity_columns) is never searched: a hit would tell it
    hidden = identity_columns(model)
    cols = [c for c in model.__table__.columns
            if isinstance(c.type, sa.String) and not c.foreign_keys and c.key not in hidden]
    clauses = [getattr(model, c.key).contains(q) for c in cols if hasattr(model, c.key)]
    if model.__name__ in SEARCH_JOINS:
        clauses.append(SEARCH_JOINS[model.__name__](q))
    return sa.or_(*clauses) if clauses else sa.false()


def _dependent(model, stmt: sa.Select, args) -> sa.Select:
    preferred = []
    for field, (criterion, strict) in DEPENDS.get(model.__name__, {}).items():
        parent = _pk(args.get(field))
        if parent is None:
            continue
        crit = criterion(parent)
        if strict:
            stmt = stmt.where(crit)
        else:
            preferred.append(crit)
    if preferred:
        stmt = stmt.order_by(sa.case((sa.and_(*preferred), 0), else_=1))
    return stmt


def choices(view_name: str, field: str):
    """GET /choices/<View>/<field>?q=&page=&<parent field>=<id>[&id=]: select2's results, 20 a page, within the scope
    (the related model's rows the user may see, app.scope), to a reader of the view for its filters and to a writer
    for its forms; anyone else, and any other field, is answered 404."""
    view = _view(view_name)
    if view is None or not current_user.is_authenticated:
        abort(404)
    if field not in _searchable_fields(view) or not view.datamodel.is_relation_many_to_one(field):
        abort(404)
    related = view.datamodel.get_related_interface(field)
    model = related.obj
    q = (request.args.get("q") or "").strip()[:50]
    page = min(_pk(request.args.get("page")) or 1, 10_000)
    stmt = sa.select(model)
    for term in re.split(r"[\s·、,，]+", q):  # "2026年第一轮巡察·材料学院": every part matches somewhere
        if term:
            stmt = stmt.where(_text_match(model, term))
    stmt = _dependent(model, stmt, request.args)
    if "id" in request.args:  # the label of one chosen row (a list filter restored from its URL)
        stmt = stmt.where(model.id == _pk(request.args["id"]))
    crit = related_scope(related)
    if crit is not None:
        stmt = stmt.where(crit)
    rows = list(db.session.scalars(stmt.order_by(model.id.desc()).offset((page - 1) * PAGE).limit(PAGE + 1)))
    return jsonify(results=[{"id": str(r.id), "text": str(r)} for r in rows[:PAGE]],
                   pagination={"more": len(rows) > PAGE})


def related_scope(related):
    from app.scope import current_criterion

    return current_criterion(related.obj)


# ---- what a form field asks of this module (views.fields.BlankQuerySelectField) ----


def ajax_source(field_name: str):
    """(url, related interface, parent field names) when the current form's `field_name` searches on the server."""
    endpoint = request.endpoint or ""
    if "." not in endpoint:
        return None
    view = _view(endpoint.split(".")[0])
    if view is None or not view.datamodel.is_relation_many_to_one(field_name):
        return None
    related = view.datamodel.get_related_interface(field_name)
    if related.obj.__name__ not in AJAX_MODELS:
        return None
    parents = tuple(DEPENDS.get(related.obj.__name__, {}))
    return f"/choices/{type(view).__name__}/{field_name}", related, parents


def strict_parents(model_name: str) -> tuple[str, ...]:
    return tuple(f for f, (_c, strict) in DEPENDS.get(model_name, {}).items() if strict)


# ---- defaults of an empty add form ----


def current_round() -> Round | None:
    """The round under way today, else the newest that has started, else the newest."""
    today = date.today()
    under_way = db.session.scalars(sa.select(Round).where(Round.starts_on <= today, sa.or_(
        Round.ends_on.is_(None), Round.ends_on >= today)).order_by(Round.starts_on.desc()).limit(1)).first()
    return under_way or db.session.scalars(sa.select(Round).order_by(
        (Round.starts_on <= today).desc(), Round.year.desc(), Round.id.desc()).limit(1)).first()


def my_person(user) -> Person | None:
    name = getattr(user, "username", None)
    return db.session.scalars(sa.select(Person).where(Person.username == name)).first() if name else None


def _my_team(person: Person | None, round_: Round | None) -> Team | None:
    if person is None or round_ is None:
        return None
    teams = list(db.session.scalars(sa.select(Team).join(TeamMember, TeamMember.team_id == Team.id).where(
        TeamMember.person_id == person.id, Team.round_id == round_.id).limit(2)))
    return teams[0] if len(teams) == 1 else None


def _only_inspection(round_: Round | None, team: Team | None) -> Inspection | None:
    if round_ is None or team is None:
        return None
    found = list(db.session.scalars(sa.select(Inspection).where(
        Inspection.round_id == round_.id, Inspection.team_id == team.id).limit(2)))
    return found[0] if len(found) == 1 else None


def fill_defaults(view, form) -> None:
    """An add form opened empty (GET) starts from the defaults; a value the link already fixed is kept."""
    if request.method != "GET":
        return
    person = my_person(current_user)

    def empty(name):
        return name in form and form[name].data in (None, "", [])

    def readable(obj, name):
        # a default the reader could not pick (outside their scope) is no default
        source = ajax_source(name)
        crit = related_scope(source[1]) if source else None
        if obj is None or crit is None:
            return obj
        return db.session.scalar(sa.select(type(obj)).where(type(obj).id == obj.id, crit))

    round_ = current_round() if "round" in form else None
    if empty("round") and round_ is not None:
        form["round"].data = round_
    round_ = form["round"].data if "round" in form and form["round"].data is not None else round_
    team = readable(_my_team(person, round_ or current_round()), "team")
    if empty("team") and team is not None:
        form["team"].data = team
    if empty("inspection"):
        inspection = readable(_only_inspection(round_ or current_round(), team), "inspection")
        if inspection is not None:
            form["inspection"].data = inspection
    for name in ME_FIELDS:
        if empty(name) and person is not None:
            form[name].data = person
    for name in TODAY.get(view.datamodel.obj.__name__, ()):
        if empty(name):
            form[name].data = date.today()


def register_choices(app) -> None:
    app.add_url_rule("/choices/<view_name>/<field>", "xct_choices", choices)
