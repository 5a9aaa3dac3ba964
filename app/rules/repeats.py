"""重复出现的问题: which aspects (Finding.aspect) and categories (Clue.category) recur (issue 7 item 5).

六（三）"对全面从严治党等方面存在的普遍性、倾向性问题和其他重大问题，应当形成专题报告，分析原因，向学校党委提出建议".
A rule row (schema.RepeatRule) names a scope, a field and a threshold; this pure function applies every rule to the
occurrences (one per field value × unit × round, counted in SQL by app.stats) and answers the flags. What a scope
groups by and what it counts is the table SCOPES, not an if.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

ACROSS_ROUNDS = "同一单位跨轮次"  # (a) one unit, the same aspect/category in several rounds
ACROSS_UNITS = "同一轮次多个单位"  # (b) one round, the same aspect/category at several units

# scope → (what a flag is about, what it counts)
SCOPES = {ACROSS_ROUNDS: ("unit", "round"), ACROSS_UNITS: ("round", "unit")}


@dataclass(frozen=True)
class Occurrence:
    """`count` findings (or clues) whose `field` is `value`, in one inspection (one unit in one round)."""

    field: str  # 问题方面 / 线索类别
    value: str
    unit_id: int
    unit: str
    round_id: int
    round: str
    round_start: str  # ISO date (or "") that orders the rounds
    inspection_id: int
    count: int


@dataclass(frozen=True)
class Rule:
    scope: str
    field: str
    threshold: int


@dataclass(frozen=True)
class Flag:
    scope: str
    field: str
    value: str
    threshold: int
    subject_id: int  # the unit (a) or the round (b)
    subject: str
    places: tuple[str, ...]  # the rounds (a) or the units (b) where it occurs, in order
    inspection_ids: tuple[int, ...]
    count: int  # findings or clues in all

    @property
    def key(self) -> str:
        return f"{self.scope}:{self.field}:{self.value}:{self.subject_id}"

    @property
    def text(self) -> str:
        return TEXTS[self.scope].format(subject=self.subject, n=len(self.places), places="、".join(self.places),
                                        value=self.value, noun=NOUNS[self.field], count=self.count)


TEXTS = {ACROSS_ROUNDS: "{subject}在{n}个轮次（{places}）均存在“{value}”{noun}，共{count}个",
         ACROSS_UNITS: "{subject}中{n}个单位（{places}）均存在“{value}”{noun}，共{count}个"}
NOUNS = {"问题方面": "方面的问题", "线索类别": "类问题线索"}


def repeat_flags(occurrences: list[Occurrence], rules: list[Rule]) -> list[Flag]:
    """Every flag the rules raise over the occurrences, in the order of the rules, then field value, then subject."""
    flags: list[Flag] = []
    for rule in rules:
        subject, place = SCOPES[rule.scope]
        groups: dict[tuple, list[Occurrence]] = defaultdict(list)
        for occ in occurrences:
            if occ.field == rule.field:
                groups[(occ.value, getattr(occ, f"{subject}_id"))].append(occ)
        for (value, subject_id), occs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            ordered = sorted(occs, key=lambda o: (o.round_start, o.round_id, o.unit))
            places = tuple(dict.fromkeys(getattr(o, place) for o in ordered))
            if len(places) >= rule.threshold:
                flags.append(Flag(rule.scope, rule.field, value, rule.threshold, subject_id,
                                  getattr(ordered[0], subject), places,
                                  tuple(dict.fromkeys(o.inspection_id for o in ordered)),
                                  sum(o.count for o in ordered)))
    return flags
