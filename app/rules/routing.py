"""Routing of a clue to the department that must act on it (六（二）1, DOMAIN.md §5): rules as rows, first match wins."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

ANY_DEPARTMENT = "相关部门（人工选择）"


@dataclass(frozen=True)
class RoutingRule:
    id: int
    priority: int
    category: str | None  # None: any category
    involves_leadership: bool | None  # None: either
    department_id: int | None  # None: 相关单位（部门）, chosen by hand
    department_name: str | None
    disposal: str
    is_active: bool = True

    def matches(self, category: str, involves_leadership: bool) -> bool:
        return (
            self.is_active
            and self.category in (None, category)
            and self.involves_leadership in (None, involves_leadership)
        )


@dataclass(frozen=True)
class Route:
    department_id: int | None
    department_name: str
    rule_id: int | None
    disposal: str | None

    def as_dict(self) -> dict:
        return {"department": self.department_id, "department_name": self.department_name, "rule": self.rule_id,
                "disposal": self.disposal}


def route(rules: Iterable[RoutingRule], category: str, involves_leadership: bool) -> Route:
    """The first active rule by priority (then id) that matches; no match → 相关部门, chosen by hand."""
    for rule in sorted(rules, key=lambda r: (r.priority, r.id)):
        if rule.matches(category, involves_leadership):
            return Route(rule.department_id, rule.department_name or ANY_DEPARTMENT, rule.id, rule.disposal)
    return Route(None, ANY_DEPARTMENT, None, None)
