"""Who may take an approval step (issue 13, item 2): the caller's person and roles against app.rules.approvers.

Steps run by the signed-in user are checked; outside a request (the demo loader, the CLI entering historic data)
there is no caller to check and the step records what it is given.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, has_request_context

from app.errors import Forbidden
from app.extensions import db
from app.rules.approvers import role_refusal, signer_refusal
from schema import Inspection, Person, TeamMember

from .holds import roles_of


def caller():
    """The signed-in user of this request, or None (no request, or anonymous)."""
    user = getattr(g, "user", None) if has_request_context() else None
    return user if getattr(user, "is_authenticated", False) else None


def person_id_of(user) -> int | None:
    username = getattr(user, "username", None)
    return db.session.scalar(sa.select(Person.id).where(Person.username == username)) if username else None


def team_person_ids(inspection: Inspection | None, role: str | None = None) -> set[int]:
    """The persons on the team inspecting `inspection` (only its `role`, e.g. 组长, when given)."""
    if inspection is None or inspection.team_id is None:
        return set()
    stmt = sa.select(TeamMember.person_id).where(TeamMember.team_id == inspection.team_id)
    if role:
        stmt = stmt.where(TeamMember.role == role)
    return set(db.session.scalars(stmt))


def office_refusal(step: str, clause: str) -> str | None:
    user = caller()
    if user is None or "Office" in roles_of(user):
        return None
    return f"「{step}」只能由巡察办办理（{clause}）"


def news_approver_refusal(news, who: str) -> str | None:
    """五（四） 新闻稿经巡察组组长审定，反馈新闻稿另经巡察办审定: the 组长 of this team, or 巡察办."""
    user = caller()
    if user is None:
        return None
    if who == "office":
        return office_refusal("巡察办审定新闻稿", "五（四）反馈新闻稿经巡察办审定后发布")
    if person_id_of(user) not in team_person_ids(news.inspection, "组长"):
        return "新闻稿的组长审定只能由本巡察组组长本人办理（五（四））"
    return None


def signer_check(inspection: Inspection, role: str, person: Person) -> str | None:
    """五（三）1 《巡察反馈签收单》: the 组长 signs for the team, a person of the inspected unit for its party
    organisation, and someone neither of the team nor of the unit for 巡察办."""
    if caller() is None:
        return None
    return signer_refusal(role, is_team_leader=person.id in team_person_ids(inspection, "组长"),
                          of_unit=person.unit_id == inspection.unit_id,
                          on_team=person.id in team_person_ids(inspection), is_leadership=bool(person.is_leadership))


def require_roles(allowed: frozenset[str], message: str, field: str) -> None:
    """Forbidden (403) unless the signed-in caller holds one of `allowed` (app.rules.approvers.role_refusal)."""
    user = caller()
    refusal = role_refusal(roles_of(user) if user is not None else None, allowed, message)
    if refusal:
        raise Forbidden(refusal, field)
