"""统一身份认证: the pieces every single sign-on path shares (LDAP, CAS, REMOTE_USER behind a proxy).

- LDAP is Flask-AppBuilder's own AUTH_LDAP (bind, search, StartTLS); the group → role mapping FAB reads from
  AUTH_ROLES_MAPPING is the table sso_group_role that Admin edits (views.sso), read on every login (``roles_mapping``).
- CAS 2.0/3.0 (login redirect, serviceValidate / p3/serviceValidate, single logout) through python-cas (``CasView``).
- REMOTE_USER: the name a WSGI server sets, or a header an authenticating proxy sets, trusted only as
  ``trusted_remote_user`` says.
Every path ends in flask_login.login_user, so app.sessions' rules (idle and absolute limits, revoke on disable) hold
for SSO sessions as for password ones; the security manager (app.security) owns the user records.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
from urllib.parse import urlencode, urlsplit

import requests
import sqlalchemy as sa
from cas import CASClient, SingleLogoutMixin
from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.sqla.models import Role
from flask_login import login_user
from requests.adapters import HTTPAdapter

from schema import CasTicket, Person, SsoGroupRole, UserSession

from .extensions import csrf, db
from .uow import transaction

log = logging.getLogger(__name__)

CAS_SESSION_FLAG = "_xct_cas"  # the session was opened through CAS: logging out also logs out of CAS


def norm_dn(dn: str) -> str:
    """A group DN as compared: RDNs without the spaces around them, lower case (LDAP compares DNs that way)."""
    return ",".join(part.strip() for part in (dn or "").split(",")).lower()


def roles_mapping() -> dict[str, list[str]]:
    """AUTH_ROLES_MAPPING as FAB reads it: normalised group DN → role names, from sso_group_role."""
    mapping: dict[str, list[str]] = {}
    rows = db.session.execute(sa.select(SsoGroupRole.group_dn, Role.name).join(Role, Role.id == SsoGroupRole.role_id))
    for dn, role in rows:
        mapping.setdefault(norm_dn(dn), []).append(role)
    return mapping


def link_person(user, name: str | None = None) -> Person:
    """The 人员 record this login is: the one whose username (工号) is the login name, else a new one named as the
    directory names the user, so 巡察办 can place them in a unit or team. Returns it; commits."""
    with transaction():
        person = db.session.scalar(sa.select(Person).where(Person.username == user.username))
        if person is None:
            person = Person(name=(name or user.first_name or user.username)[:50], username=user.username)
            db.session.add(person)
    return person


# ---- REMOTE_USER ------------------------------------------------------------------------------------------------


def _peer_trusted(environ, config) -> bool:
    """Whether the connection this request arrived on is one of the configured authenticating proxies, reached
    through exactly PROXY_COUNT hops: ProxyFix (app factory) keeps the peer's own address in its `orig` record."""
    hops = config.get("PROXY_COUNT", 0)
    orig = environ.get("werkzeug.proxy_fix.orig")
    if hops < 1 or orig is None:
        return False
    forwarded = [h for h in (environ.get("HTTP_X_FORWARDED_FOR") or "").split(",") if h.strip()]
    if len(forwarded) < hops:
        return False
    try:
        peer = ipaddress.ip_address(orig.get("REMOTE_ADDR") or "")
    except ValueError:
        return False
    return any(peer in ipaddress.ip_network(net.strip(), strict=False)
               for net in config.get("AUTH_REMOTE_USER_PROXIES", ()) if net.strip())


def trusted_remote_user(environ, config) -> str | None:
    """The name an authenticating front end vouches for, or None.

    - ``AUTH_REMOTE_USER_ENV_VAR`` (REMOTE_USER) in the WSGI environ: set by the server itself (mod_wsgi, uWSGI's
      uwsgi_param), never from a request header (a header arrives as HTTP_*);
    - the header ``AUTH_REMOTE_USER_HEADER`` (e.g. X-Remote-User): only when it is configured, PROXY_COUNT > 0 and
      the request's peer is one of AUTH_REMOTE_USER_PROXIES. A client that reaches the app directly, or sends the
      header itself while the app is not behind the proxy, is ignored.
    """
    name = environ.get(config.get("AUTH_REMOTE_USER_ENV_VAR") or "REMOTE_USER")
    header = config.get("AUTH_REMOTE_USER_HEADER")
    if not name and header and _peer_trusted(environ, config):
        name = environ.get("HTTP_" + header.upper().replace("-", "_"))
    name = (name or "").strip()
    return name[:100] or None


# ---- CAS --------------------------------------------------------------------------------------------------------


class _TimeoutAdapter(HTTPAdapter):
    """requests has no default time-out: a CAS server that hangs would hold the login forever."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        super().__init__()

    def send(self, request_, **kwargs):
        kwargs["timeout"] = kwargs.get("timeout") or self.timeout
        return super().send(request_, **kwargs)


def cas_client(next_url: str = ""):
    """python-cas's client for CAS_SERVER_URL, whose service is our /cas/login (carrying `next`)."""
    config = current_app.config
    service = url_for("CasView.login", _external=True)
    if next_url:
        service += "?" + urlencode({"next": next_url})
    http = requests.Session()
    adapter = _TimeoutAdapter(config["CAS_TIMEOUT"])
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    server = config["CAS_SERVER_URL"].rstrip("/") + "/"
    return CASClient(version=config["CAS_VERSION"], service_url=service, server_url=server, session=http)


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def _attribute_list(attributes: dict | None, name: str) -> list[str]:
    value = (attributes or {}).get(name)
    if value is None:
        return []
    return [v for v in (value if isinstance(value, list) else [value]) if v]


def _attribute(attributes: dict | None, name: str) -> str | None:
    values = _attribute_list(attributes, name)
    return values[0] if values else None


class CasView(BaseView):
    """/cas/login: without a ticket, off to the CAS server's login; with one, validated (serviceValidate for CAS 2.0,
    p3/serviceValidate for 3.0) and the user signed in. A POST carrying logoutRequest is the CAS server's single
    logout: the session opened with that ticket ends. /cas/logout: after our logout, the CAS server's."""

    route_base = "/cas"
    default_view = "login"

    @expose("/login", methods=["GET", "POST"])
    def login(self):
        if request.method == "POST":
            return self._single_logout()
        next_url = request.args.get("next", "")
        ticket = request.args.get("ticket")
        if not ticket:
            if g.user is not None and g.user.is_authenticated:
                return redirect(next_url or self.appbuilder.get_url_for_index)
            return redirect(cas_client(next_url).get_login_url())
        try:
            username, attributes, _pgtiou = cas_client(next_url).verify_ticket(ticket)
        except (requests.RequestException, ValueError, SyntaxError) as exc:  # ParseError is a SyntaxError
            log.warning("CAS ticket validation failed: %s", exc)
            username, attributes = None, None
        config = current_app.config
        user = None
        if username:
            user = self.appbuilder.sm.auth_user_sso(
                username, groups=_attribute_list(attributes, config["CAS_GROUP_ATTRIBUTE"]),
                name=_attribute(attributes, config["CAS_NAME_ATTRIBUTE"]),
                email=_attribute(attributes, config["CAS_EMAIL_ATTRIBUTE"]))
        if user is None:
            flash("统一身份认证登录失败：票据无效、已过期，或账号已停用。请重新登录。", "warning")
            return redirect(self.appbuilder.get_url_for_index)
        login_user(user, remember=False)  # app.sessions starts the server-side session here
        session[CAS_SESSION_FLAG] = True
        _remember_ticket(ticket)
        return redirect(next_url or self.appbuilder.get_url_for_index)

    def _single_logout(self):
        # The CAS server's back-channel POST (no cookie, no CSRF token): end the session opened with the ticket.
        # The logout request is SAML whichever protocol validates tickets: python-cas's CAS 2 client has no parser
        # for it (a 500 on every CAS 2 single logout, found against django-cas-server), so the mixin's is used.
        try:
            indexes = SingleLogoutMixin.get_saml_slos(request.form.get("logoutRequest", "")) or []
        except ValueError:  # lxml refuses a text that declares its own encoding
            indexes = []
        for index in indexes:
            ticket_hash = _hash((index.text or "").strip())
            with transaction():
                sessions = sa.select(CasTicket.session_hash).where(CasTicket.ticket_hash == ticket_hash)
                db.session.execute(sa.delete(UserSession).where(UserSession.token_hash.in_(sessions)))
                db.session.execute(sa.delete(CasTicket).where(CasTicket.ticket_hash == ticket_hash))
        return "", 200

    @expose("/logout")
    def logout(self):
        index = request.host_url.rstrip("/") + self.appbuilder.get_url_for_index
        return redirect(cas_client().get_logout_url(index))


def _remember_ticket(ticket: str) -> None:
    """Keep which session the ticket opened, for the single logout; drop the records of sessions that ended."""
    from .sessions import SESSION_KEY

    token = session.get(SESSION_KEY)
    if not token:
        return
    with transaction():
        db.session.execute(sa.delete(CasTicket).where(
            CasTicket.session_hash.not_in(sa.select(UserSession.token_hash))))
        db.session.merge(CasTicket(ticket_hash=_hash(ticket), session_hash=_hash(token)))


def cas_origin(config) -> str | None:
    parts = urlsplit(config.get("CAS_SERVER_URL") or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def init_app(app: Flask, appbuilder) -> None:
    """Wire what the configuration turns on: the group → role table as FAB's AUTH_ROLES_MAPPING, the CAS views."""
    app.config["AUTH_ROLES_MAPPING"] = roles_mapping
    if cas_origin(app.config):
        view = appbuilder.add_view_no_menu(CasView())
        csrf.exempt(view.blueprint)  # the single logout is the CAS server's POST; the GETs change nothing by form
        app.config["SSO_REDIRECT_HOSTS"] = (urlsplit(app.config["CAS_SERVER_URL"]).netloc,)

        @app.context_processor
        def cas_login_link():
            return {"sso_cas_url": url_for("CasView.login", next=request.args.get("next", ""))}
