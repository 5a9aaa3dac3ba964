"""Chinese messages more than one layer answers with: the HTTP statuses (app.web's error pages and JSON, the REST
base class) and the request-body refusal. Messages of one screen or rule stay where they are used."""

from __future__ import annotations

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
