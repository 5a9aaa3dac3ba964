"""信访编号 / 线索编号 from a pattern admins edit (schema.rules.CodeRule; issue 14 item 2). Pure: pattern in, code out.

A pattern is text with three fields: ``{年}`` (the year of the inspection's round), ``{巡察}`` (the inspection's
number, two digits) and ``{序号}`` (the next running number among codes with the same beginning, three digits), e.g.
``XC{年}-{巡察}-{序号}`` → ``XC2026-05-003``. A record whose 编号 is typed keeps it.
"""

from __future__ import annotations

import re
import string

FIELDS = {"年": "巡察轮次的年度（4 位）", "巡察": "巡察的编号（2 位）", "序号": "流水号（3 位，同前缀内递增）"}
DEFAULTS = {"Petition": "XC{年}-{巡察}-{序号}", "Clue": "XS{年}-{巡察}-{序号}"}
MAX_CODE = 30  # the 编号 columns' length


def pattern_problem(pattern: str | None) -> str | None:
    """Why `pattern` cannot make codes (Chinese, naming the field), or None."""
    text = (pattern or "").strip()
    if not text:
        return "请填写编号规则"
    try:
        fields = [(name, spec or conv) for _lit, name, spec, conv in string.Formatter().parse(text) if name is not None]
    except ValueError:
        return "编号规则的花括号不成对"
    names = [name for name, _extra in fields]
    unknown = [n for n in names if n not in FIELDS]
    if unknown or any(extra for _name, extra in fields):
        return f"编号规则只能使用 {'、'.join('{' + f + '}' for f in FIELDS)}，不认识：{'、'.join(unknown) or '格式说明'}"
    if names.count("序号") != 1:
        return "编号规则须含且只含一个 {序号}"
    if len(render(text, 2026, 99, 999)) > MAX_CODE:
        return f"按此规则生成的编号超过 {MAX_CODE} 个字符"
    return None


def render(pattern: str, year: int, inspection: int, serial: int) -> str:
    return pattern.format(年=f"{year:04d}", 巡察=f"{inspection:02d}", 序号=f"{serial:03d}")


def prefix(pattern: str, year: int, inspection: int) -> tuple[str, str]:
    """(the text before {序号}, the text after it) for this year and inspection."""
    before, after = pattern.split("{序号}")
    return (before.format(年=f"{year:04d}", 巡察=f"{inspection:02d}"),
            after.format(年=f"{year:04d}", 巡察=f"{inspection:02d}"))


def next_code(pattern: str, year: int, inspection: int, existing) -> str:
    """The code after the highest running number among `existing` codes made by the same pattern (1 if none)."""
    head, tail = prefix(pattern, year, inspection)
    shape = re.compile(re.escape(head) + r"(\d+)" + re.escape(tail) + r"\Z")
    serials = [int(m.group(1)) for code in existing if code and (m := shape.match(code))]
    return render(pattern, year, inspection, max(serials, default=0) + 1)
