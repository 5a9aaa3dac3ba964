"""`flask setup`: upgrade the database, sync permissions and roles, load reference data. Idempotent."""

from __future__ import annotations

from flask import current_app
from flask_migrate import upgrade

from app.extensions import db
from app.permissions import ROLE_GRANTS, ROLES, role_permissions
from app.uow import transaction

SETUP_ACTOR = "系统初始化：基础数据"  # who the change history names for the reference rows setup inserts


def sync_permissions() -> None:
    """Create the permission-view pairs of every registered view."""
    current_app.appbuilder.add_permissions(update_perms=True)


def resource_of(view) -> str:
    """The permission resource of a screen: its class_permission_name, or the model's name."""
    return getattr(view, "class_permission_name", None) or view.datamodel.obj.__name__


def menu_resources(appbuilder) -> dict[str, tuple[str, str]]:
    """menu item name → (resource, category) of every screen of ours in the registered menu (FAB's own skipped).

    Read from the menu views/__init__.py built rather than by importing views/ (README 分层: commands never
    import views).
    """
    out = {}
    for item in appbuilder.menu.get_list():
        entries = [(child, item.name) for child in item.childs] if item.childs else [(item, "")]
        for entry, category in entries:
            view = entry.baseview
            if view is not None and type(view).__module__.split(".")[0] == "views":
                out[entry.name] = (resource_of(view), category)
    return out


@transaction
def sync_roles() -> dict[str, int]:
    """Make each built-in role hold exactly its permissions (replacing, never appending). Returns counts."""
    sm = current_app.appbuilder.sm
    pvm_model = sm.permissionview_model
    all_pvms = db.session.query(pvm_model).all()
    by_name = {(p.permission.name, p.view_menu.name): p for p in all_pvms}
    menu = menu_resources(current_app.appbuilder)
    counts = {}
    for role_name in ROLES:
        role = sm.find_role(role_name) or sm.add_role(role_name)
        if role_name == "Admin":
            wanted = set(all_pvms)
        else:
            wanted = {by_name[p] for p in role_permissions(role_name, menu) if p in by_name}
        if set(role.permissions) != wanted:
            role.permissions = sorted(wanted, key=lambda p: p.id)
        counts[role_name] = len(wanted)
    return counts


def run_setup() -> dict[str, dict[str, int]]:
    """Returns {"roles": permissions per role, "reference": rows inserted per table}."""
    upgrade(directory=current_app.extensions["migrate"].directory)
    sm = current_app.appbuilder.sm
    for role_name in ROLES:  # before permissions: FAB grants new permissions to an existing Admin role
        if sm.find_role(role_name) is None:
            sm.add_role(role_name)
    sync_permissions()
    roles = sync_roles()
    from app.audit import acting_as
    from seeds.loader import load_reference

    with acting_as(SETUP_ACTOR):
        return {"roles": roles, "reference": load_reference()}


assert set(ROLE_GRANTS) | {"Admin"} == set(ROLES)
