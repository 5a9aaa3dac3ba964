"""Every screen and REST API, registered in one place, menus in the procedure's order (DOMAIN.md §7)."""

from __future__ import annotations

from importlib import import_module

from app.commands.setup import resource_of  # noqa: F401 - the tests read a screen's resource from here

# Categories in the order of the procedure; each module lists its screens under them.
CATEGORIES = (
    ("", None),  # top-level entries (我的待办, 领导看板)
    ("一、启动巡察", "fa-flag"),
    ("二、了解准备", "fa-search"),
    ("三、实施巡察", "fa-briefcase"),
    ("四、巡察报告", "fa-file-text"),
    ("五、结果反馈", "fa-comments"),
    ("六、成果运用", "fa-share"),
    ("七、督查督办", "fa-eye"),
    ("八、立卷归档", "fa-archive"),
    ("九、成果共享", "fa-bar-chart"),
    ("系统设置", "fa-cogs"),
)
MODULES = ("deadlines", "dashboards", "jobs", "plan", "preparation", "fieldwork", "reporting", "outcomes", "disposal",
           "ledger", "feedback", "archive", "statistics", "settings", "calendar_import", "screen_settings", "imports",
           "audit", "steps", "search", "sso", "intake")


def screens() -> list[tuple[type, str, str, str]]:
    """(view class, menu name, category, icon) of every menu screen, in menu order."""
    entries = [e for name in MODULES for e in import_module(f"views.{name}").SCREENS]
    order = {cat: i for i, (cat, _) in enumerate(CATEGORIES)}
    return sorted(entries, key=lambda e: order[e[2]])  # stable: keeps each module's own order


def apis() -> list[type]:
    return [api for name in MODULES for api in import_module(f"views.{name}").APIS]


def register_views(appbuilder) -> None:
    icons = dict(CATEGORIES)
    for view, name, category, icon in screens():
        if category:
            appbuilder.add_view(view, name, icon=icon, category=category, category_icon=icons[category])
        else:
            appbuilder.add_view(view, name, icon=icon)
    for module in MODULES:
        for view in getattr(import_module(f"views.{module}"), "HIDDEN", ()):
            appbuilder.add_view_no_menu(view)
    for api in apis():
        appbuilder.add_api(api)
    from views.intake import register_public

    register_public(appbuilder.sm.limiter)  # 码上巡察: public pages, no login
    # FAB adds its own security menu first; it belongs after ours.
    menu = appbuilder.menu.menu
    menu.sort(key=lambda item: item.name == "Security")
