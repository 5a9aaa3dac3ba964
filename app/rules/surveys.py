"""问卷统计 (三（二）3 "巡察组回收并统计分析"): per question, how many answered and how many chose each option.

One pure function shared by the survey page (chart and table), 附件06 and 附件23.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

MULTI_SEPARATORS = re.compile(r"[\n；;、，,|]+")  # how a 多选 answer lists its options (stored one per line)


def options_of(question) -> list[str]:
    return [o.strip() for o in (question.options or "").splitlines() if o.strip()]


def chosen(value: str | None) -> list[str]:
    """The options named by one answer (one for 单选, any number for 多选)."""
    return [part.strip() for part in MULTI_SEPARATORS.split(value or "") if part.strip()]


def question_statistics(questions: Iterable, answers: Iterable[tuple[int, str | None]]) -> list[dict]:
    """`questions`: objects with id, seq, text, kind (单选/多选/文本) and options (one per line); `answers`:
    (question id, value) pairs. Per question, in seq order: {"seq", "text", "kind", "answered" (answers that are
    not blank), "options": [{"option", "count", "percent"}], "other" (choices not among the options)}.

    A percentage is of those who answered that question, one decimal: for 多选 they add up to more than 100."""
    answered: Counter = Counter()
    picks: Counter = Counter()
    for question_id, value in answers:
        parts = chosen(value)
        if not parts:
            continue
        answered[question_id] += 1
        for part in dict.fromkeys(parts):  # the same option twice in one answer counts once
            picks[(question_id, part)] += 1
    result = []
    for q in sorted(questions, key=lambda q: q.seq):
        n = answered[q.id]
        options = [] if q.kind == "文本" else options_of(q)
        rows = [{"option": o, "count": picks[(q.id, o)],
                 "percent": round(picks[(q.id, o)] * 100 / n, 1) if n else 0.0} for o in options]
        other = 0 if q.kind == "文本" else sum(c for (qid, o), c in picks.items() if qid == q.id and o not in options)
        result.append({"seq": q.seq, "text": q.text, "kind": q.kind, "answered": n, "options": rows, "other": other})
    return result
