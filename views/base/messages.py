"""REST messages in Chinese (used by XctModelRestApi and the data interface): marshmallow's and FAB's English
texts, and database constraint errors, as one Chinese sentence naming the field."""

from __future__ import annotations

import re

from flask_babel import gettext

_VALIDATION_TEXTS = [  # marshmallow 3 / marshmallow-sqlalchemy / FAB messages → Chinese, first match wins
    (r"Missing data for required field\.", "该字段是必填字段"),
    (r"Field may not be null\.", "该字段不能为空"),
    (r"Unknown field\.", "未知字段，不允许提交"),
    (r"Invalid input type\.", "请求体必须是 JSON 对象"),
    (r"Not a valid integer\.", "不是有效的整数"),
    (r"Not a valid number\.", "不是有效的数字"),
    (r"Number too large\.", "数值过大"),
    (r"Special numeric values \(nan or infinity\) are not permitted\.", "不允许使用 NaN 或无穷大"),
    (r"Not a valid string\.", "不是有效的文本"),
    (r"Not a valid utf-8 string\.", "不是有效的 UTF-8 文本"),
    (r"Not a valid boolean\.", "不是有效的布尔值（应为 true 或 false）"),
    (r"Not a valid datetime\.", "不是有效的日期时间（格式：YYYY-MM-DDTHH:MM:SS）"),
    (r"Not a valid date\.", "不是有效的日期（格式：YYYY-MM-DD）"),
    (r"Not a valid time\.", "不是有效的时间（格式：HH:MM:SS）"),
    (r"Not a valid (?:naive|aware) (?:datetime|time)\.", "不是有效的日期时间（时区有误）"),
    (r'".*" cannot be formatted as a (?:datetime|date|time)\.', "无法识别为日期或时间"),
    (r"Not a valid email address\.", "不是有效的电子邮箱地址"),
    (r"Not a valid URL\.", "不是有效的网址"),
    (r"Not a valid UUID\.", "不是有效的 UUID"),
    (r"Not a valid list\.", "必须是列表"),
    (r"Not a valid mapping type\.", "必须是 JSON 对象"),
    (r"Not a valid tuple\.", "必须是列表"),
    (r"Invalid type\.", "类型无效"),
    (r"Invalid value\.", "取值无效"),
    (r"Must be one of: (.*)\.", r"取值必须是以下之一：\1"),
    (r"Shorter than minimum length (\d+)\.", r"长度不能少于 \1 个字符"),
    (r"Longer than maximum length (\d+)\.", r"长度不能超过 \1 个字符"),
    (r"Length must be between (\d+) and (\d+)\.", r"长度必须在 \1～\2 个字符之间"),
    (r"Length must be (\d+)\.", r"长度必须为 \1 个字符"),
    (r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\.", r"必须在 \1～\2 之间"),
    (r"Must be greater than (\S+) and less than (\S+)\.", r"必须大于 \1 且小于 \2"),
    (r"Must be greater than or equal to (\S+)\.", r"不能小于 \1"),
    (r"Must be less than or equal to (\S+)\.", r"不能大于 \1"),
    (r"Must be greater than (\S+)\.", r"必须大于 \1"),
    (r"Must be less than (\S+)\.", r"必须小于 \1"),
    (r"Could not deserialize related value .*|Not a valid related id\.", "关联记录的 id 无效"),
    (r"Related record (\S+) not found\.", r"关联记录（id \1）不存在"),
    (r"Already exists\.?", "已存在"),
]
_VALIDATION_RES = [(re.compile(p + r"\Z", re.S), zh) for p, zh in _VALIDATION_TEXTS]


def flatten_messages(texts) -> list[str]:
    """marshmallow nests messages for lists and nested fields ({0: [...]}) — flatten to a list of strings."""
    if isinstance(texts, dict):
        return [t for v in texts.values() for t in flatten_messages(v)]
    if isinstance(texts, (list, tuple)):
        return [t for v in texts for t in flatten_messages(v)]
    return [str(texts)]


def zh_validation_text(text: str) -> str:
    for pattern, zh in _VALIDATION_RES:
        if pattern.match(text):
            return pattern.sub(zh, text)
    translated = gettext(text)  # FAB's own validators (e.g. password complexity) are in the catalogues
    return translated if translated != text else f"取值无效（{text}）"


def integrity_message(text: str, labels: dict) -> str:
    """A database constraint error (SQLite or PostgreSQL wording) as one Chinese sentence naming the field."""
    def label(column: str) -> str:
        column = column.strip().strip('"').split(".")[-1]
        return f"「{labels.get(column) or column}」"

    low = text.lower()
    if "unique" in low or "duplicate key" in low:
        m = re.search(r"UNIQUE constraint failed: ([\w., ]+)", text) or re.search(r"Key \(([^)]+)\)=", text)
        cols = "、".join(label(c) for c in m.group(1).split(",")) if m else ""
        return "违反唯一性约束：该记录已存在" + (f"（{cols}重复）" if cols else "")
    if "not null" in low or "not-null" in low:
        m = re.search(r"NOT NULL constraint failed: ([\w.]+)", text) or re.search(r'column "(\w+)"', text)
        return "缺少必填字段" + (label(m.group(1)) if m else "")
    if "foreign key" in low:
        return "违反外键约束：关联的记录不存在，或该记录仍被其他记录引用"
    if "check constraint" in low:
        return "数据不符合规则（违反检查约束）"
    if "value too long" in low:
        return "文本超出字段允许的长度"
    return "数据库拒绝了这次修改：数据不符合规则"
