"""Status moves as rows of `status_transition` (STYLE.md: a status changes only through one transition table)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    id: int
    entity: str
    from_status: str
    to_status: str
    action: str
    roles: frozenset[str]
    note_required: bool = False
    is_active: bool = True


def available(transitions: Iterable[Transition], entity: str, status: str, roles: set[str] | None) -> list[Transition]:
    """The moves open from `status` to a holder of `roles` (None: a system actor — a job, a seed — may make any)."""
    return [t for t in transitions
            if t.is_active and t.entity == entity and t.from_status == status
            and (roles is None or "Admin" in roles or t.roles & roles)]


def find(transitions: Iterable[Transition], entity: str, status: str, to: str, roles: set[str] | None
         ) -> tuple[Transition | None, str | None]:
    """The transition from `status` to `to` open to `roles`, or None and the Chinese reason it is refused."""
    rows = [t for t in transitions if t.is_active and t.entity == entity and t.from_status == status and t.to_status == to]
    if not rows:
        return None, f"状态不能从「{status}」变为「{to}」"
    open_rows = available(rows, entity, status, roles)
    if not open_rows:
        return None, f"当前角色不能执行「{rows[0].action}」（{status}→{to}）"
    return open_rows[0], None
