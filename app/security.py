"""The project's security manager (FAB_SECURITY_MANAGER_CLASS)."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, flash, g, has_request_context, redirect, request, session, url_for
from flask_appbuilder import expose
from flask_appbuilder.actions import action
from flask_appbuilder.const import AUTH_DB, AUTH_LDAP, AUTH_REMOTE_USER
from flask_appbuilder.exceptions import PasswordComplexityValidationError
from flask_appbuilder.security.api import SecurityApi
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.sqla.models import assoc_permissionview_role as role_pvm
from flask_appbuilder.security.views import (
    AuthDBView,
    UserDBModelView,
    UserLDAPModelView,
    UserRemoteUserModelView,
)
from flask_login import login_user
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from schema.auth import LoginThrottle

from . import sessions, sso
from .extensions import db
from .reference import kept
from .uow import transaction

# One answer for an unknown name, a wrong password and a locked name: none of them tells whether an account exists.
INVALID_LOGIN = "用户名或密码错误，或连续失败次数过多暂时无法登录，请稍后重试"
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


def lock_minutes(locks: int) -> int:
    """How long the `locks`-th lock in a row lasts: 1 minute, then 2, 4, … up to LOGIN_LOCK_MAX_MINUTES."""
    return min(2 ** max(locks - 1, 0), current_app.config["LOGIN_LOCK_MAX_MINUTES"])


def _throttle(name: str) -> LoginThrottle:
    key = name.strip().lower()[:256]
    return db.session.get(LoginThrottle, key) or LoginThrottle(name=key, failures=0, locks=0)


def _dummy_hash() -> str:
    """A hash made the way real ones are, so refusing an unknown or locked name costs what checking a password does."""
    config = current_app.config
    if "_XCT_DUMMY_HASH" not in config:
        config["_XCT_DUMMY_HASH"] = generate_password_hash(
            "dummy-password", method=config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
            salt_length=config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16))
    return config["_XCT_DUMMY_HASH"]


def unlock(user) -> None:
    """Admin's 解除锁定: the user's failure count and any lock on their name or e-mail go."""
    user.fail_login_count = 0
    names = [n.strip().lower() for n in (user.username, user.email) if n]
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.name.in_(names)))


class XctAuthDBView(AuthDBView):
    """FAB's login form; logout is a POST carrying the CSRF token, so another site cannot sign a user out.

    Under LDAP the same form checks the password against the directory (FAB's AuthLDAPView does no more than call
    auth_user_ldap instead of auth_user_db); under REMOTE_USER it is the break-glass form of the local accounts,
    shown when no trusted name came with the request. A session opened through CAS logs out of CAS too."""

    invalid_login_message = INVALID_LOGIN

    @expose("/login/", methods=["GET", "POST"])
    def login(self):
        name = sso.trusted_remote_user(request.environ, current_app.config) if self.appbuilder.sm.remote_user_on \
            else None
        if name and not (g.user is not None and g.user.is_authenticated):
            user = self.appbuilder.sm.auth_user_remote_user(name)
            if user is None:
                flash(INVALID_LOGIN, "warning")
            else:
                login_user(user, remember=False)
                return redirect(self._get_safe_next_url())
        return super().login()

    @expose("/logout/", methods=["GET", "POST"])
    def logout(self):
        # CSRFProtect checks the POST's token (app.extensions); a GET (a link or image on any site) signs nobody out
        if request.method != "POST":
            return redirect(self.appbuilder.get_url_for_index)
        through_cas = session.pop(sso.CAS_SESSION_FLAG, False)
        answer = super().logout()
        if through_cas and current_app.config.get("CAS_SINGLE_LOGOUT"):
            return redirect(url_for("CasView.logout"))
        return answer


class XctSecurityApi(SecurityApi):
    """FAB's JWT login (POST /api/v1/security/login) answering in Chinese (API.md)."""

    def response_400(self, message=None):
        return self.response(400, message="登录请求有误：需要 JSON 字段 username、password、provider"
                                          "（db，已配置 LDAP 时也可为 ldap）")

    def response_401(self):
        return self.response(401, message=INVALID_LOGIN)


class XctUserListMixin:
    """FAB's user list, with the failure count that locks an account and the action that unlocks it, under FAB's
    resource name for it whatever the login method (roles in app.permissions refer to that name)."""

    class_permission_name = "UserDBModelView"
    list_columns = UserDBModelView.list_columns + ["fail_login_count"]
    label_columns = {**UserDBModelView.label_columns, "fail_login_count": "连续登录失败次数"}

    @action("unlock", "解除锁定", "解除所选用户的登录锁定？", "fa-unlock")
    def unlock(self, items):
        items = items if isinstance(items, list) else [items]
        with transaction():
            for user in items:
                unlock(user)
        flash(f"已解除 {len(items)} 个用户的登录锁定：" + "、".join(u.username for u in items), "success")
        return redirect(self.get_redirect())


class XctUserDBModelView(XctUserListMixin, UserDBModelView):
    """The user list under local passwords."""


class XctUserLDAPModelView(XctUserListMixin, UserLDAPModelView):
    """The user list under LDAP (no password fields: the directory holds them)."""


class XctUserRemoteUserModelView(XctUserListMixin, UserRemoteUserModelView):
    """The user list under REMOTE_USER."""


class XctSecurityManager(SecurityManager):
    """FAB's DB security; roles and permissions are synced by `flask setup` from app.permissions.

    FAB asks the database once per menu item and per check (~64 queries a page measured); here a user's
    permission set is read once per request and every check answers from it.
    Logins: a browser session must be live in app.sessions; LOGIN_MAX_FAILURES wrong passwords in a row for one name
    lock it for 1 minute, then 2, 4, … (an Admin may unlock it sooner); the JWT login is rate-limited per address like
    the form (FAB limits only the form). Unknown, wrong and locked answer alike, in message and in time.
    Single sign-on (app.sso): LDAP through FAB's AUTH_LDAP under the same throttle, CAS and REMOTE_USER through
    auth_user_sso; the break-glass accounts (AUTH_LOCAL_USERS) keep their database password.
    """

    authdbview = authldapview = authremoteuserview = XctAuthDBView
    security_api = XctSecurityApi
    userdbmodelview = XctUserDBModelView
    userldapmodelview = XctUserLDAPModelView
    userremoteusermodelview = XctUserRemoteUserModelView
    userstatschartview = None  # FAB's login statistics chart loads Google Charts from the internet (FAB_NOTES "UI")

    def register_views(self):
        super().register_views()
        sso.init_app(current_app._get_current_object(), self.appbuilder)
        api = next((v for v in self.appbuilder.baseviews if isinstance(v, SecurityApi)), None)
        if self.is_auth_limited and api is not None:
            self.limiter.limit(self.auth_rate_limit, methods=["POST"])(api.blueprint)

    @property
    def remote_user_on(self) -> bool:
        return self.auth_type == AUTH_REMOTE_USER

    def is_local_account(self, user) -> bool:
        """Whether `user` signs in with the database password while single sign-on is on: the break-glass accounts
        named in AUTH_LOCAL_USERS ("admin" by default), nobody else. Under AUTH_DB every account is local. An account
        named there is never signed in by a directory, CAS or a proxy either: a namesake there is not our Admin."""
        if self.auth_type == AUTH_DB:
            return True
        return user is not None and self._local_name(user.username)

    @staticmethod
    def _local_name(username: str) -> bool:
        return (username or "").strip().lower() in {n.lower() for n in current_app.config.get("AUTH_LOCAL_USERS", ())}

    def auth_user_db(self, username, password):
        """The password form and the JWT login. Under LDAP the password is the directory's (FAB's AuthLDAPView would
        call auth_user_ldap; one form serves both); under REMOTE_USER only the local accounts sign in here."""
        check = self._check_ldap if self.auth_type == AUTH_LDAP else self._check_db
        return self._throttled(username, password, check)

    def auth_user_ldap(self, username, password):
        """FAB's LDAP login (bind, search, StartTLS; first login registers the user, roles follow the groups through
        sso_group_role) under the same throttle and answer as the password form; a local account (Admin's
        break-glass) is checked against its database password and never sent to the directory."""
        if self.auth_type != AUTH_LDAP:
            return None
        return self._throttled(username, password, self._check_ldap)

    def _check_db(self, username, password, user):
        if user is None or not self.is_local_account(user):
            check_password_hash(_dummy_hash(), password or "")
            self._balance_write()  # FAB's own unknown-name path does this write too; it is skipped here
            return None
        return super().auth_user_db(username, password)

    def _check_ldap(self, username, password, user):
        if user is not None and self.is_local_account(user):
            return super().auth_user_db(username, password)
        found = super().auth_user_ldap(username, password)
        if found is not None:
            sso.link_person(found)
        return found

    def _throttled(self, username, password, check):
        """Run `check(username, password, user)` unless the name is locked; count failures, lock after
        LOGIN_MAX_FAILURES in a row. Unknown, wrong, disabled and locked all answer None."""
        if not username:
            return None
        config = current_app.config
        at = sessions.now()
        throttle = _throttle(username)
        if throttle.locked_until is not None and throttle.locked_until > at:
            # refused unchecked, in a wrong password's time: its hash and its write of the failure count
            check_password_hash(_dummy_hash(), password or "")
            self._balance_write()
            return None
        user = self.find_user(username=username) or self.find_user(email=username)
        found = check(username, password, user)
        if found is not None:
            with transaction():
                db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.name == throttle.name))
            return found
        with transaction():
            throttle.failures += 1
            if throttle.failures >= config["LOGIN_MAX_FAILURES"]:
                throttle.failures, throttle.locks = 0, throttle.locks + 1
                throttle.locked_until = at + timedelta(minutes=lock_minutes(throttle.locks))
            db.session.merge(throttle)
        return None

    def auth_user_remote_user(self, username):
        """REMOTE_USER (app.sso.trusted_remote_user said who): the user, created at first sight."""
        return self.auth_user_sso(username)

    def auth_user_sso(self, username, groups=None, name=None, email=None):
        """A user an identity provider vouched for (CAS, REMOTE_USER): created at first login and linked to their
        人员 record; roles follow `groups` through sso_group_role when the provider names groups. A disabled user is
        refused. Returns the user or None."""
        username = (username or "").strip()[:100]
        if not username or self._local_name(username):
            return None
        user = self.find_user(username=username)
        if user is not None and not user.is_active:
            return None
        roles = list(self.get_roles_from_keys(groups)) if groups else None
        if user is None:
            default = self.find_role(self.auth_user_registration_role or "")
            user = self.add_user(username=username, first_name=(name or username)[:64], last_name="",
                                 email=(email or f"{username}@email.notfound")[:320],
                                 role=roles if roles is not None else [r for r in (default,) if r])
            if not user:
                return None
        elif roles is not None and self.auth_roles_sync_at_login:
            user.roles = roles
        self.update_user_auth_stat(user)
        sso.link_person(user, name)
        return user

    def get_roles_from_keys(self, role_keys):
        # Directory group DNs compare as LDAP compares them (app.sso.norm_dn), not as typed.
        return super().get_roles_from_keys([sso.norm_dn(key) for key in role_keys])

    def _balance_write(self) -> None:
        """The write a wrong password makes (FAB's update_user_auth_stat), as FAB balances it: a no-op update."""
        first = self.get_first_user()
        if first is not None:
            self.noop_user_update(first)

    def load_user(self, pk):
        # Every request reads its session row, the user, and the user's roles and groups for the permission check:
        # one statement, not four (issue 18 item 1: the fixed cost of every page).
        return sessions.signed_in(self.user_model, int(pk), [
            joinedload(self.user_model.roles), joinedload(self.user_model.groups)])

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
            role_ids = sorted(role.id for role in self.get_user_roles(user))
            pvm, perm, view = self.permissionview_model, self.permission_model, self.viewmenu_model

            def read() -> frozenset[tuple[str, str]]:
                return frozenset(tuple(row) for row in (
                    self.session.query(perm.name, view.name)
                    .select_from(pvm)
                    .join(perm, pvm.permission_id == perm.id)
                    .join(view, pvm.view_menu_id == view.id)
                    .join(role_pvm, role_pvm.c.permission_view_id == pvm.id)
                    .filter(role_pvm.c.role_id.in_(role_ids))
                    .distinct()
                ))
            # a set of roles' permissions, kept per process while the reference stamp holds (app.reference)
            cache[key] = kept(f"permissions:{role_ids}", read) if role_ids else frozenset()
        return cache[key]

    def permitted(self, user, permission_name: str) -> frozenset[str]:
        """The resources on which `user` holds `permission_name`, for a page that checks many at once (the home
        page's readable screens, the 24 附件): one set instead of a has_access, ~0.1 ms each, per resource."""
        return frozenset(v for p, v in self._permission_set(user) if p == permission_name)

    def _has_view_access(self, user, permission_name: str, view_name: str) -> bool:
        return (permission_name, view_name) in self._permission_set(user)

    def _get_user_permission_view_menus(self, user, permission_name, view_menus_name=None):
        if user is None:
            return super()._get_user_permission_view_menus(user, permission_name, view_menus_name)
        names = set(self.permitted(user, permission_name))
        return names if view_menus_name is None else names & set(view_menus_name)
