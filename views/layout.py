"""What the page layout (views/templates/appbuilder/baselayout.html) needs to know: the menu entry of this page."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, jsonify, request
from flask_login import current_user
from flask_babel import gettext
from markupsafe import Markup

from app.rules.deadlines import STATUS_LABELS as DEADLINE_STATUS_LABELS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Here:
    """The side-menu entry a page belongs to ('' when none does, e.g. the home page)."""

    label: str = ""
    category: str = ""
    url: str = ""


def _segment(url: str) -> str:
    return (url or "").split("?")[0].strip("/").split("/")[0]


def current_entry(path: str) -> Here:
    """The menu entry owning the path's first segment: /talkview/show/3 belongs to 谈话 (/talkview/list/)."""
    segment = _segment(path)
    if not segment:
        return Here()
    for entry_segment, label, category, url in _entries():
        if entry_segment == segment:
            return Here(gettext(label), gettext(category) if category else "", url)
    return Here()


def _entries() -> list[tuple[str, str, str, str]]:
    """(first segment, label, category, URL) of every menu entry, in menu order: built once per app and URL prefix.
    The menu is registered at start-up and never changes; building each entry's URL on every page (~40 url_for) was
    a twentieth of a page's time."""
    cache = current_app.extensions.setdefault("xct_menu_entries", {})
    key = request.script_root
    if key not in cache:
        found = []
        for top in current_app.appbuilder.menu.get_list():
            for item, category in ([(c, top.label) for c in top.childs if c and c.name != "-"] if top.childs
                                   else [(top, "")]):
                url = item.get_url()
                found.append((_segment(url), item.label, category, url))
        cache[key] = found
    return cache[key]


def here() -> Here:
    appbuilder = getattr(current_app, "appbuilder", None)
    if appbuilder is None:
        return Here()
    if (request.endpoint or "").endswith(".userinfo"):  # one's own page, not the user list it is routed under
        return Here("个人信息")
    if request.endpoint == "xct_help":
        return Here("使用说明")
    return current_entry(request.path)


# Distinct (visible entries, current entry) pairs kept: a handful of roles × the menu's ~40 entries.
MENU_CACHE_SIZE = 512


def side_menu(current: Here) -> Markup:
    """The side menu's HTML (appbuilder/xct_menu.html), rendered once per set of visible entries and current entry.
    Which entries show depends only on the reader's menu_access permissions (FAB's is_menu_visible), and the menu is
    registered once at start-up; checking each entry on every page cost ~20 ms of a page's render. A role whose
    permissions change has a new set, hence a new key: nothing is invalidated by hand."""
    visible = frozenset(current_app.appbuilder.sm.get_user_menu_access())
    key = (visible, current, request.path == "/")
    cache = current_app.extensions.setdefault("xct_side_menu", {})
    html = cache.get(key)
    if html is None:
        if len(cache) >= MENU_CACHE_SIZE:  # not reached in practice; a plain dict stays safe across threads
            cache.clear()
        appbuilder = current_app.appbuilder  # a context processor's variable, not a Jinja global: passed in
        module = current_app.jinja_env.get_template("appbuilder/xct_menu.html").make_module({"appbuilder": appbuilder})
        html = cache[key] = module.side_menu(current, key[2])  # a macro of an .html template: Markup already
    return html


# The server touches a session's idle clock at most once a minute (app.sessions.TOUCH_EVERY): a page may have been
# served up to that long after the last touch, so it is told a minute less than the configured idle time.
TOUCH_SLACK = 60


def idle_seconds() -> int:
    """How long the current login lasts without another request (SESSION_IDLE_MINUTES), as a page may count it."""
    return max(0, int(current_app.config["SESSION_IDLE_TIMEOUT"].total_seconds()) - TOUCH_SLACK)


def session_alive():
    """GET /session/alive: whether the browser is still signed in; asking restarts the idle clock (the 继续工作 button
    of the idle warning, views/static/xct/drafts.js)."""
    signed_in = bool(current_user and current_user.is_authenticated)  # loading the user touches the session
    return jsonify(signed_in=signed_in, idle_seconds=idle_seconds() if signed_in else 0)


def layout_context() -> dict:
    return {"xct_here": here, "xct_idle_seconds": idle_seconds, "xct_side_menu": side_menu}


# ---- one meaning per colour: a status is shown as a tag of the colour of what it asks of the reader ----
# danger: late or sent back (act now); warning: waiting on someone's review or decision; processing: under way;
# success: finished; default: not started or nothing to do yet. Data, read by lists, show pages and the home page.
STATUS_COLOURS = {
    "danger": ("已逾期", "退回", "反弹", "overdue"),
    "warning": ("即将到期", "待审核", "巡察办审核", "党委决定", "拟处置", "due_soon"),
    "processing": ("整改中", "办理中", "已提出", "登记", "已移送", "已提交"),
    "success": ("已完成", "已销号", "已办结", "已报告", "done"),
    "default": ("未到期", "未启动", "日历未知", "pending", "unknown_calendar"),
}
COLOUR_OF = {status: colour for colour, statuses in STATUS_COLOURS.items() for status in statuses}
LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


def status_tag(text) -> Markup:
    """A status as a coloured tag; an unknown one grey (its text unchanged)."""
    code = "" if text is None else str(text)
    if not code:
        return Markup("")
    shown = DEADLINE_STATUS_LABELS.get(code, code)  # a deadline's status is stored as a code (overdue, …)
    return Markup('<span class="xct-tag xct-tag-{}">{}</span>').format(COLOUR_OF.get(code, "default"), shown)


def local_time(value: datetime, seconds: bool = False) -> str:
    """A stored (naive UTC) time in Asia/Shanghai, to the minute (or second): what a clerk reads, no microseconds."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(LOCAL_ZONE).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


# The built-in roles (app/permissions.py) as people call them: a role code is an internal.
ROLE_LABELS = {
    "Admin": "系统管理员", "LeadingGroup": "巡察工作领导小组", "Office": "巡察办", "TeamLeader": "巡察组组长",
    "TeamMember": "巡察组成员", "ReceivingDept": "接收部门", "UnitLiaison": "被巡察单位联络人", "PartyOffice": "党委办公室",
    "Public": "未登录用户",
}


def cell(raw, shown, column: str = ""):
    """What a list or show cell displays: times local, yes/no, role names and lists in Chinese, statuses as tags,
    anything else as formatted (FAB's own screens, e.g. 个人信息, print `True` and `[Office]` otherwise)."""
    if isinstance(raw, datetime):
        return local_time(raw)
    if isinstance(shown, bool):
        return "是" if shown else "否"
    if isinstance(shown, (list, tuple, set)) or type(shown).__name__ == "InstrumentedList":
        return "、".join(ROLE_LABELS.get(str(v), str(v)) for v in shown)
    if column == "roles" or column.endswith(".roles"):
        return ROLE_LABELS.get(str(shown), shown)
    if column == "status" or column.endswith(".status"):
        return status_tag(shown)
    return shown


# FAB's own flashes that its zh catalogue leaves English, by pattern; anything else without a Chinese character is an
# internal message (an exception's text) and is replaced by a Chinese sentence, the original logged.
_FLASHES = [
    (re.compile(r"^An error occurred: ", re.S), "列表查询条件有误（字段或取值不正确），已返回上一页，请修改查询条件后重试"),
    (re.compile(r"^Access is Denied", re.S), "没有权限执行此操作"),
    (re.compile(r"^(Added|Changed|Deleted) Row", re.S), "已保存"),
]
_CJK = re.compile(r"[\u4e00-\u9fff]")


def zh_flash(message) -> str:
    text = str(message)
    for pattern, chinese in _FLASHES:
        if pattern.search(text):
            return chinese
    if not _CJK.search(text):
        log.warning("English flash replaced: %s", text)
        return "操作未完成，请检查输入后重试；如仍有问题请联系管理员"
    return message


def shown_flashes(messages) -> list[tuple[str, str]]:
    """(category, Chinese text) of the flashes to show. FAB answers a page opened without a live login with a red
    "Access is Denied": after a login timed out (app.sessions says so in its own flash) that is no fault of the
    reader, so it is left out, and for a reader not signed in it becomes a plain request to sign in."""
    anonymous = not (current_user and current_user.is_authenticated)
    timed_out = any("登录已超时" in str(m) for _c, m in messages)
    out = []
    for category, message in messages:
        denied = str(message).startswith("Access is Denied")
        if denied and anonymous:
            if timed_out:
                continue
            category, message = "info", "请先登录"
        out.append((category if category and category != "message" else "info", zh_flash(message)))
    return out


def register_layout(app) -> None:
    from .choices import register_choices
    from .help import register_help

    register_help(app)  # 使用说明, linked from the top bar
    register_choices(app)  # the relation dropdowns' server search
    app.add_url_rule("/session/alive", "xct_session_alive", session_alive)
    app.context_processor(layout_context)
    app.jinja_env.filters.update(status_tag=status_tag, local_time=local_time, zh_flash=zh_flash,
                                 role_label=lambda name: ROLE_LABELS.get(name, name))
    app.jinja_env.globals["xct_cell"] = cell
    app.jinja_env.globals["xct_flashes"] = shown_flashes
