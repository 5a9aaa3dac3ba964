"""Moving a record's status through the `status_transition` rows; every move writes a StatusEvent."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.rules.transitions import Transition, available, find
from schema import StatusEvent, StatusTransition

from . import CommandError


def load_transitions(entity: str) -> list[Transition]:
    rows = db.session.execute(sa.select(StatusTransition).where(StatusTransition.entity == entity)).scalars()
    return [Transition(r.id, r.entity, r.from_status, r.to_status, r.action,
                       frozenset(x.strip() for x in r.roles.split(",") if x.strip()), r.note_required, r.is_active)
            for r in rows]


def role_names(user) -> set[str] | None:
    """The roles of a signed-in user; None for a system actor (no user: a job, a seed, the CLI)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return {role.name for role in user.roles}


def actor_name(user) -> str:
    return getattr(user, "username", None) or "系统"


def open_moves(obj, user) -> list[Transition]:
    """The moves `user` may make from the record's present status (for the buttons on its page)."""
    return available(load_transitions(obj.__tablename__), obj.__tablename__, obj.status, role_names(user))


def move(obj, to: str, user, note: str | None = None) -> StatusEvent:
    """Change `obj.status` to `to` if a transition row allows it for `user`; record the event. Does not commit."""
    transition, refusal = find(load_transitions(obj.__tablename__), obj.__tablename__, obj.status, to,
                               role_names(user))
    if transition is None:
        raise CommandError(refusal, "status")
    note = (note or "").strip() or None
    if transition.note_required and not note:
        raise CommandError(f"「{transition.action}」须填写说明", "note")
    if note and len(note) > 500:
        raise CommandError("说明不能超过 500 字", "note")
    event = StatusEvent(entity=obj.__tablename__, entity_id=obj.id, field="status", from_value=obj.status,
                        to_value=to, actor=actor_name(user), note=note)
    obj.status = to
    db.session.add(event)
    return event
