"""Each demo user reaches exactly the screens and REST resources of its role (DOMAIN.md §6), menus in procedure order."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from app.permissions import READ, ROLE_GRANTS, SELF_SERVICE, WRITE

USERS = {
    "admin": "Admin", "leader": "LeadingGroup", "office": "Office", "zuzhang": "TeamLeader", "zuyuan": "TeamMember",
    "jiwei": "ReceivingDept", "liaison": "UnitLiaison", "dangban": "PartyOffice",
}


def _screens():
    from views import screens

    return screens()


def _resource(view) -> str:
    from views import resource_of

    return resource_of(view)


def _list_url(view) -> str:
    if hasattr(view, "datamodel"):
        return f"/{view.__name__.lower()}/list/"
    return f"{view.route_base}/"


def _grant(role: str, resource: str) -> str | None:
    if role == "Admin" or ("can_write", resource) in SELF_SERVICE:
        return WRITE
    if ("can_read", resource) in SELF_SERVICE:
        return READ
    return ROLE_GRANTS[role].get(resource)


def _menu_names(html: str) -> list[str]:
    """Menu entries in page order, read from the navbar's dropdown links."""
    nav = html.split('class="navbar', 1)[1].split("</nav>", 1)[0]
    texts = (re.sub(r"<[^>]+>", "", a) for a in re.findall(r"<a[^>]*>(.*?)</a>", nav, flags=re.S))
    return [html_lib.unescape(t).replace("\xa0", " ").strip() for t in texts]


@pytest.mark.parametrize("username", USERS)
def test_menus_follow_role(app, login, username):
    role = USERS[username]
    page = login(username).get("/").get_data(as_text=True)
    names = set(_menu_names(page))
    for _view, name, category, _icon in _screens():
        resource = _resource(_view)
        if _grant(role, resource):
            assert name in names, f"{username} 应看到菜单「{name}」"
            assert not category or category in names
        else:
            assert name not in names, f"{username} 不应看到菜单「{name}」"


def test_admin_menu_in_procedure_order(app, login):
    from views import CATEGORIES

    names = _menu_names(login("admin").get("/").get_data(as_text=True))
    positions = [names.index(cat) for cat, _ in CATEGORIES if cat]
    assert positions == sorted(positions)


@pytest.mark.parametrize("username", USERS)
def test_screens_and_apis_follow_role(app, client, login, tokens, username):
    role = USERS[username]
    login(username)
    headers = tokens(username)
    api_names = {api.datamodel.obj.__name__: api.resource_name for api in app.appbuilder.baseviews
                 if getattr(api, "resource_name", None) and hasattr(api, "datamodel")}
    for view, name, _category, _icon in _screens():
        resource = _resource(view)
        grant = _grant(role, resource)
        listing = client.get(_list_url(view))
        if grant:
            assert listing.status_code == 200, (username, name)
        else:
            assert listing.status_code in (302, 403), (username, name, listing.status_code)
        if not hasattr(view, "datamodel"):
            continue
        adding = client.get(f"/{view.__name__.lower()}/add")
        if grant != WRITE:
            assert adding.status_code in (302, 403, 404), (username, name, adding.status_code)
        elif "can_write" in (view.base_permissions or ["can_write"]) and "add" in (view.include_route_methods or {"add"}):
            assert adding.status_code == 200, (username, name)
        api = api_names.get(resource)
        if api:
            resp = client.get(f"/api/v1/{api}/", headers=headers)
            assert resp.status_code == (200 if grant else 403), (username, api, resp.status_code)
