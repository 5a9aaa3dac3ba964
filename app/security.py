"""The project's security manager (FAB_SECURITY_MANAGER_CLASS)."""

from __future__ import annotations

import re

from flask import current_app, flash, g, has_request_context, redirect
from flask_appbuilder.actions import action
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import assoc_permissionview_role as role_pvm
from flask_appbuilder.security.views import AuthDBView, UserDBModelView

from . import sessions

INVALID_LOGIN = "用户名或密码错误，请重试"
_PASSWORD_CLASSES = ((r"[a-z]", "小写字母"), (r"[A-Z]", "大写字母"), (r"[0-9]", "数字"), (r"[^a-zA-Z0-9]", "其他符号"))


def password_problems(password: str, min_length: int, min_classes: int) -> list[str]:
    """What a password lacks under the rule (config PASSWORD_MIN_LENGTH, PASSWORD_MIN_CLASSES); empty when it passes."""
    problems = []
    if len(password or "") < min_length:
        problems.append(f"长度至少 {min_length} 个字符")
    if sum(bool(re.search(pattern, password or "")) for pattern, _ in _PASSWORD_CLASSES) < min_classes:
        names = "、".join(name for _, name in _PASSWORD_CLASSES)
        problems.append(f"至少包含{names}中的 {min_classes} 类")
    return problems


def password_complexity(password: str) -> None:
    """FAB_PASSWORD_COMPLEXITY_VALIDATOR: FAB shows the message under the password field of every form that sets one."""
    config = current_app.config
    problems = password_problems(password, config["PASSWORD_MIN_LENGTH"], config["PASSWORD_MIN_CLASSES"])
    if problems:
        raise PasswordComplexityValidationError("密码不符合要求：" + "；".join(problems))


def locked_message() -> str:
    return f"账号已锁定：连续 {current_app.config['LOGIN_MAX_FAILURES']} 次密码错误。请联系系统管理员解除锁定。"


def _refusal() -> str:
    # auth_user_db leaves why it refused a login in g; FAB's views only know one message.
    return g.get("xct_login_refusal") or INVALID_LOGIN


class XctAuthDBView(AuthDBView):
    """FAB's login form, telling a locked user that they are locked."""

    @property
    def invalid_login_message(self) -> str:
        return _refusal()


class XctSecurityApi(SecurityApi):
    """FAB's JWT login (POST /api/v1/security/login) answering in Chinese (API.md)."""

    def response_400(self, message=None):
        return self.response(400, message="登录请求有误：需要 JSON 字段 username、password、provider（db）")

    def response_401(self):
        return self.response(401, message=_refusal())


class XctUserDBModelView(UserDBModelView):
    """FAB's user list, with the failure count that locks an account and the action that unlocks it."""

    class_permission_name = "UserDBModelView"  # FAB's resource name, which roles (app.permissions) refer to
    list_columns = UserDBModelView.list_columns + ["fail_login_count"]
    label_columns = {**UserDBModelView.label_columns, "fail_login_count": "连续登录失败次数"}

    @action("unlock", "解除锁定", "解除所选用户的登录锁定？", "fa-unlock")
    def unlock(self, items):
        items = items if isinstance(items, list) else [items]
        for user in items:
            user.fail_login_count = 0
        self.datamodel.session.commit()
        flash(f"已解除 {len(items)} 个用户的登录锁定：" + "、".join(u.username for u in items), "success")
        return redirect(self.get_redirect())


class XctSecurityManager(SecurityManager):
    """FAB's DB security; roles and permissions are synced by `flask setup` from app.permissions.

    FAB asks the database once per menu item and per check (~64 queries a page measured); here a user's
    permission set is read once per request and every check answers from it.
    Logins: a browser session must be live in app.sessions; LOGIN_MAX_FAILURES wrong passwords in a row lock an
    account until an Admin unlocks it; the JWT login is rate-limited like the form (FAB limits only the form).
    """

    authdbview = XctAuthDBView
    security_api = XctSecurityApi
    userdbmodelview = XctUserDBModelView
    userstatschartview = None  # FAB's login statistics chart loads Google Charts from the internet (FAB_NOTES "UI")

    def register_views(self):
        super().register_views()
        api = next((v for v in self.appbuilder.baseviews if isinstance(v, SecurityApi)), None)
        if self.is_auth_limited and api is not None:
            self.limiter.limit(self.auth_rate_limit, methods=["POST"])(api.blueprint)

    def auth_user_db(self, username, password):
        limit = current_app.config["LOGIN_MAX_FAILURES"]
        user = (self.find_user(username=username) or self.find_user(email=username)) if username else None
        if user is not None and user.is_active and (user.fail_login_count or 0) >= limit:
            g.xct_login_refusal = locked_message()  # refused before the password is even checked
            return None
        found = super().auth_user_db(username, password)
        if found is None and user is not None and (user.fail_login_count or 0) >= limit:
            g.xct_login_refusal = locked_message()  # this attempt locked it
        return found

    def load_user(self, pk):
        user = super().load_user(pk)
        return user if user is not None and sessions.is_live(pk) else None

    def load_user_jwt(self, _jwt_header, jwt_data):
        # FAB's goes through load_user, which now asks for a browser session; a token is its own proof. A disabled
        # user's token stops working here (flask-jwt-extended then answers 401, see app.web).
        user = self.get_user_by_id(int(jwt_data["sub"]))
        if user is not None and user.is_active:
            g.user = user
            return user
        return None

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
