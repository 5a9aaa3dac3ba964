"""The project's security manager (FAB_SECURITY_MANAGER_CLASS)."""

from __future__ import annotations

from flask import g, has_request_context
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import assoc_permissionview_role as role_pvm


class XctSecurityManager(SecurityManager):
    """FAB's DB security; roles and permissions are synced by `flask setup` from app.permissions.

    FAB asks the database once per menu item and per check (~64 queries a page measured); here a user's
    permission set is read once per request and every check answers from it.
    """

    def add_permissions_view(self, base_permissions, view_menu):
        """Only add. FAB deletes a resource's permissions that one view lacks, but a screen, its REST API and an
        import page share one resource with different methods: they would take turns removing each other's.
        Roles are set by app.commands.setup.sync_roles, so nothing here grants anything."""
        view_menu_db = self.add_view_menu(view_menu)
        existing = {pv.permission.name for pv in self.find_permissions_view_menu(view_menu_db) if pv.permission}
        for permission in base_permissions:
            if permission not in existing:
                self.add_permission_view_menu(permission, view_menu)

    def _permission_set(self, user) -> frozenset[tuple[str, str]]:
        key = getattr(user, "id", None)
        cache = g.setdefault("_xct_permissions", {}) if has_request_context() else {}
        if key not in cache:
            role_ids = [role.id for role in self.get_user_roles(user)]
            pvm, perm, view = self.permissionview_model, self.permission_model, self.viewmenu_model
            rows = (
                self.session.query(perm.name, view.name)
                .select_from(pvm)
                .join(perm, pvm.permission_id == perm.id)
                .join(view, pvm.view_menu_id == view.id)
                .join(role_pvm, role_pvm.c.permission_view_id == pvm.id)
                .filter(role_pvm.c.role_id.in_(role_ids))
                .distinct()
                .all()
            ) if role_ids else []
            cache[key] = frozenset((p, v) for p, v in rows)
        return cache[key]

    def _has_view_access(self, user, permission_name: str, view_name: str) -> bool:
        return (permission_name, view_name) in self._permission_set(user)

    def _get_user_permission_view_menus(self, user, permission_name, view_menus_name=None):
        if user is None:
            return super()._get_user_permission_view_menus(user, permission_name, view_menus_name)
        names = {v for p, v in self._permission_set(user) if p == permission_name}
        return names if view_menus_name is None else names & set(view_menus_name)
