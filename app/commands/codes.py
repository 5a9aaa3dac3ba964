"""Fill a new 信访/线索's blank 编号 from its code rule (app.rules.codes); the generic add paths and the commands that
create one call `fill_code` before the record is saved."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.rules import codes
from schema import CodeRule, Inspection, Round


def fill_code(item) -> None:
    """Give `item` (a Petition or a Clue) the next code of its model's active rule when its 编号 is blank."""
    model = type(item)
    if model.__name__ not in codes.DEFAULTS or (getattr(item, "code", None) or "").strip():
        return
    inspection_id = item.inspection_id or getattr(getattr(item, "inspection", None), "id", None)
    if inspection_id is None:
        return
    with db.session.no_autoflush:
        pattern = db.session.scalar(sa.select(CodeRule.pattern).where(CodeRule.model == model.__name__,
                                                                      CodeRule.is_active.is_(True)))
        if not pattern or codes.pattern_problem(pattern):
            return
        year = db.session.scalar(sa.select(Round.year).join(Inspection, Inspection.round_id == Round.id)
                                 .where(Inspection.id == inspection_id)) or date.today().year
        head, _tail = codes.prefix(pattern, year, inspection_id)
        existing = db.session.scalars(sa.select(model.code).where(model.code.startswith(head, autoescape=True)))
        item.code = codes.next_code(pattern, year, inspection_id, existing)


def code_rule_problem(rule: CodeRule) -> tuple[str, str] | None:
    """A rule whose pattern cannot make codes, refused on every write path naming the field."""
    problem = codes.pattern_problem(rule.pattern)
    return ("pattern", problem) if problem else None
