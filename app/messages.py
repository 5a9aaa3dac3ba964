"""Chinese messages more than one layer answers with: the HTTP statuses (app.web's error pages and JSON, the REST
base class) and the request-body refusal. Messages of one screen or rule stay where they are used."""

from __future__ import annotations

import re

HTTP_MESSAGES = {
    400: "请求参数有误",
    401: "请先登录",
    403: "没有权限执行此操作",
    404: "记录不存在或无权查看",
    405: "不支持的请求方式",
    413: "上传的文件过大",
    422: "数据不符合规则",
    429: "尝试过于频繁，请稍后再试",
    500: "系统内部错误，请联系管理员",
}

JSON_BODY_REQUIRED = "请求体必须是 JSON 对象（Content-Type: application/json）"

_API_MESSAGES = [  # FAB's own REST messages → Chinese
    (r"Request is not JSON", "请求体必须是 JSON（Content-Type: application/json）"),
    (r"400 Bad Request: .*", "请求体不是合法的 JSON"),
    (r"Not a valid rison(?:/json)? argument", "参数 q 不是合法的 rison 表达式"),
    (r"Not a valid rison schema (.*)", r"参数 q 的结构不正确：\1"),
    (r"Invalid order by column: (.*)", r"不能按字段 \1 排序"),
    (r"Filter column: (.*) not allowed to filter", r"不能按字段 \1 筛选"),
    (r"Filter operation: (.*) not allowed on column: (.*)", r"字段 \2 不支持筛选操作 \1"),
    (r"Cannot use both select and sel columns", "参数 columns 与 select_columns 不能同时使用"),
    (r"Arguments are not correct", "请求参数有误"),
    (r"Could not process entity", "数据不符合规则"),
]
_API_RES = [(re.compile(p + r"\Z", re.S), zh) for p, zh in _API_MESSAGES]


def zh_api_message(message, default: str) -> str:
    """FAB's English REST message in Chinese; an unknown English one becomes `default` (a Chinese one is kept)."""
    if not message:
        return default
    text = str(message)
    for pattern, zh in _API_RES:
        if pattern.match(text):
            return pattern.sub(zh, text)
    return text if re.search(r"[\u4e00-\u9fff]", text) else default
