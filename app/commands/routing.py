"""Routing a clue by the rows of `routing_rule` (the same function for the API, the screens and the transfer)."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.rules.routing import Route, RoutingRule, route
from schema import Clue, Unit
from schema import RoutingRule as RoutingRuleRow


def load_rules() -> list[RoutingRule]:
    rows = db.session.execute(
        sa.select(RoutingRuleRow, Unit.name).outerjoin(Unit, Unit.id == RoutingRuleRow.department_id)
    ).all()
    return [RoutingRule(r.id, r.priority, r.category, r.involves_leadership, r.department_id, name, r.disposal,
                        r.is_active) for r, name in rows]


def route_clue(clue: Clue) -> Route:
    return route(load_rules(), clue.category, bool(clue.involves_leadership))
