"""统一身份认证 (issue 17 §1) against real servers: LDAP logins through Debian's slapd, started here on a free port
with a seeded tree; CAS 2.0/3.0 against a small CAS endpoint served over real HTTP on a free port, and against a
real CAS server, django-cas-server from PyPI in a venv of its own (tests/cas_real.py; Apereo CAS is not packaged
here); REMOTE_USER through the real middleware stack (ProxyFix) with client headers that must not
count.

slapd or django-cas-server missing: skipped locally, saying why (scripts/install_ldap.sh, scripts/install_cas.sh
install them); a failure under REQUIRE_LDAP / REQUIRE_CAS or in CI (REQUIRE_PG), as tests/conftest.py treats
REQUIRE_REDIS.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from flask_appbuilder.const import AUTH_LDAP, AUTH_REMOTE_USER
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from app.security import INVALID_LOGIN
from app.sso import trusted_remote_user
from seeds.demo import DEMO_PASSWORD
from tests.conftest import demo_app, rows, scalar

SLAPD = "/usr/sbin/slapd"
SUFFIX = "dc=xct,dc=test"
ROOT_DN, ROOT_PW = f"cn=admin,{SUFFIX}", "root-secret"  # a throw-away test directory's  # nosec B105
PEOPLE, GROUPS = f"ou=people,{SUFFIX}", f"ou=groups,{SUFFIX}"
LDAP_PW = "Ldap@Pass2026"  # every seeded directory user's  # nosec B105
OFFICE_GROUP = f"cn=xuncha-office,{GROUPS}"
TEAM_GROUP = f"cn=xuncha-team,{GROUPS}"
LEADER_GROUP = f"cn=xuncha-leaders,{GROUPS}"
# uid → (cn, groups, disabled)
DIRECTORY = {
    "t1001": ("孙老师", [OFFICE_GROUP], False),  # has a 人员 record already (the fixture adds it)
    "t1002": ("李四", [TEAM_GROUP], False),  # has none: one is made at first login
    "t1003": ("周停用", [OFFICE_GROUP], True),  # disabled in the directory (employeeType=disabled)
    "t1004": ("吴被停", [TEAM_GROUP], False),  # disabled here after the first login
    "t1005": ("郑锁定", [TEAM_GROUP], False),  # for the lockout
    "admin": ("目录里的admin", [OFFICE_GROUP], False),  # a namesake of the break-glass account, other password
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _missing_slapd(reason: str):
    if os.environ.get("REQUIRE_LDAP") or os.environ.get("REQUIRE_PG"):
        pytest.fail(reason)
    pytest.skip(reason)


SLAPD_CONF = """
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
TLSCertificateFile {tmp}/cert.pem
TLSCertificateKeyFile {tmp}/key.pem
pidfile {tmp}/slapd.pid
argsfile {tmp}/slapd.args
database mdb
maxsize 16777216
suffix "{suffix}"
rootdn "{rootdn}"
rootpw {rootpw}
directory {tmp}/data
overlay memberof
access to attrs=userPassword by anonymous auth by self write by * none
access to * by * read
"""


@pytest.fixture(scope="module")
def slapd(tmp_path_factory):
    """ldap://127.0.0.1:<port> of a slapd of this module's own, seeded with DIRECTORY; stopped after."""
    if not os.access(SLAPD, os.X_OK):
        log = Path(__file__).resolve().parent.parent / ".venv" / "ldap-install.log"
        why = log.read_text(encoding="utf-8").strip() if log.exists() else "请运行 scripts/install_ldap.sh"
        _missing_slapd(f"本机没有 OpenLDAP 服务器 {SLAPD}，LDAP 测试无法运行：{why}")
    import ldap
    from ldap import modlist

    tmp = tmp_path_factory.mktemp("slapd")
    (tmp / "data").mkdir()
    # a certificate for 127.0.0.1, so StartTLS (AUTH_LDAP_USE_TLS) is tried against a real handshake
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",  # nosec
                    "-nodes", "-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem"), "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    conf = tmp / "slapd.conf"
    conf.write_text(SLAPD_CONF.format(tmp=tmp, suffix=SUFFIX, rootdn=ROOT_DN, rootpw=ROOT_PW), encoding="utf-8")
    port = _free_port()
    url = f"ldap://127.0.0.1:{port}"
    # -d 0: in the foreground, so the fixture owns the process and ends it by its id
    proc = subprocess.Popen([SLAPD, "-f", str(conf), "-h", url + "/", "-d", "0"],  # nosec B603
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    con = ldap.initialize(url)
    for _ in range(100):
        try:
            con.simple_bind_s(ROOT_DN, ROOT_PW)
            break
        except ldap.SERVER_DOWN:
            if proc.poll() is not None:
                _missing_slapd(f"slapd 未能启动：{proc.stderr.read().decode(errors='replace')[-500:]}")
            time.sleep(0.05)
    else:
        proc.terminate()
        _missing_slapd("slapd 在 5 秒内未应答")

    def add(dn, **attrs):
        con.add_s(dn, modlist.addModlist({k: [v.encode() for v in (vs if isinstance(vs, list) else [vs])]
                                          for k, vs in attrs.items()}))

    add(SUFFIX, objectClass=["dcObject", "organization"], dc="xct", o="巡察通测试")
    add(PEOPLE, objectClass="organizationalUnit", ou="people")
    add(GROUPS, objectClass="organizationalUnit", ou="groups")
    for uid, (cn, _groups, disabled) in DIRECTORY.items():
        add(f"uid={uid},{PEOPLE}", objectClass="inetOrgPerson", uid=uid, cn=cn, sn=cn[0], mail=f"{uid}@xct.test",
            userPassword=LDAP_PW, employeeType="disabled" if disabled else "staff")
    for group in (OFFICE_GROUP, TEAM_GROUP, LEADER_GROUP):
        members = [f"uid={u},{PEOPLE}" for u, (_, gs, _) in DIRECTORY.items() if group in gs] or [ROOT_DN]
        add(group, objectClass="groupOfNames", cn=group.split(",")[0][3:], member=members)
    con.unbind_s()
    yield url, tmp / "cert.pem"
    proc.terminate()
    proc.wait(10)


# ---- a CAS endpoint over real HTTP ------------------------------------------------------------------------------


class CasServer:
    """A CAS 2.0/3.0 endpoint: /cas/login (where a browser would sign in), /cas/serviceValidate and
    /cas/p3/serviceValidate answering the protocol's XML, tickets single-use and bound to their service,
    /cas/logout. `issue` is what a person signing in on its login page would cause."""

    NS = "http://www.yale.edu/tp/cas"

    def __init__(self):
        self.tickets: dict[str, tuple[str, str, dict]] = {}  # ticket → (service, user, attributes)
        self.validations: list[str] = []  # paths asked, to see which protocol version the client spoke
        self.port = _free_port()
        self.server = make_server("127.0.0.1", self.port, self.wsgi, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cas"

    def issue(self, service: str, user: str, **attributes) -> str:
        ticket = f"ST-{len(self.tickets) + 1}-{os.urandom(8).hex()}"
        self.tickets[ticket] = (service, user, attributes)
        return ticket

    def wsgi(self, environ, start_response):
        req = Request(environ)
        if req.path.endswith("serviceValidate"):
            self.validations.append(req.path)
            found = self.tickets.pop(req.args.get("ticket", ""), None)
            if found is None or found[0] != req.args.get("service"):
                body = (f'<cas:serviceResponse xmlns:cas="{self.NS}"><cas:authenticationFailure code="INVALID_TICKET">'
                        f'票据无效</cas:authenticationFailure></cas:serviceResponse>')
            else:
                _service, user, attributes = found
                attrs = "".join(f"<cas:{k}>{v}</cas:{k}>" for k, vs in attributes.items()
                                for v in (vs if isinstance(vs, list) else [vs]))
                body = (f'<cas:serviceResponse xmlns:cas="{self.NS}"><cas:authenticationSuccess>'
                        f'<cas:user>{user}</cas:user><cas:attributes>{attrs}</cas:attributes>'
                        f'</cas:authenticationSuccess></cas:serviceResponse>')
            return Response(body, content_type="application/xml; charset=utf-8")(environ, start_response)
        return Response("CAS", 200)(environ, start_response)


@pytest.fixture(scope="module")
def cas_server():
    server = CasServer()
    server.thread.start()
    yield server
    server.server.shutdown()


# ---- the app under LDAP (with CAS on) ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sso_app(databases, tmp_path_factory, slapd, cas_server):
    url, _cert = slapd
    gen = demo_app(databases, tmp_path_factory, "sso", AUTH_TYPE=AUTH_LDAP, AUTH_USER_REGISTRATION=True,
                   AUTH_LDAP_SERVER=url, AUTH_LDAP_SEARCH=PEOPLE, AUTH_LDAP_BIND_USER=ROOT_DN,
                   AUTH_LDAP_BIND_PASSWORD=ROOT_PW, AUTH_LDAP_SEARCH_FILTER="(!(employeeType=disabled))",
                   CAS_SERVER_URL=cas_server.url)
    application = next(gen)
    with application.app_context():
        from flask_appbuilder.security.sqla.models import Role

        from app.extensions import db
        from app.uow import transaction
        from schema import Person, SsoGroupRole

        role = {r.name: r for r in db.session.scalars(sa.select(Role))}
        with transaction():
            # typed with spaces and capitals: DNs compare as LDAP compares them
            db.session.add(SsoGroupRole(group_dn="CN=xuncha-office, ou=groups, dc=xct, dc=test", role=role["Office"]))
            db.session.add(SsoGroupRole(group_dn=TEAM_GROUP, role=role["TeamMember"]))
            db.session.add(Person(name="孙老师", username="t1001"))
    yield application
    next(gen, None)


def _user(app, username):
    from flask_appbuilder.security.sqla.models import User

    from app.extensions import db

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        return None if user is None else {"roles": sorted(r.name for r in user.roles), "active": user.active,
                                          "name": user.first_name}


def _persons(app, username) -> list[str]:
    """The names of the 人员 records whose username is `username`."""
    import schema as m

    return [name for (name,) in rows(app, sa.select(m.Person.name).where(m.Person.username == username))]


def _form_login(client, username, password):
    resp = client.post("/login/", data={"username": username, "password": password})
    flashed = client.get("/login/").get_data(as_text=True) if resp.status_code == 302 and \
        "/login" in resp.location else ""
    return resp, flashed


def _signed_in(client) -> bool:
    # 我的待办: an anonymous visitor is sent to the login page; a user without a role is refused (403)
    return client.get("/todo/").status_code != 302


def test_ldap_form_login_creates_the_user_with_mapped_roles_linked_to_the_person(sso_app):
    assert _user(sso_app, "t1001") is None
    client = sso_app.test_client()
    resp, _ = _form_login(client, "t1001", LDAP_PW)
    assert resp.status_code == 302 and "/login" not in resp.location
    assert _user(sso_app, "t1001") == {"roles": ["Office"], "active": True, "name": "孙老师"}
    assert _persons(sso_app, "t1001") == ["孙老师"]  # the existing 人员 record, not a second one
    assert _signed_in(client)


def test_ldap_first_login_without_a_person_makes_one_and_roles_follow_the_groups(sso_app):
    from flask_appbuilder.security.sqla.models import Role

    from app.extensions import db
    from app.uow import transaction
    from schema import SsoGroupRole

    client = sso_app.test_client()
    assert _form_login(client, "t1002", LDAP_PW)[0].location.endswith("/")
    assert _user(sso_app, "t1002")["roles"] == ["TeamMember"]
    assert _persons(sso_app, "t1002") == ["李四"]
    with sso_app.app_context(), transaction():  # Admin maps the team group to 领导小组 as well
        db.session.add(SsoGroupRole(group_dn=TEAM_GROUP, role=db.session.scalar(
            sa.select(Role).where(Role.name == "LeadingGroup"))))
    assert _form_login(sso_app.test_client(), "t1002", LDAP_PW)[0].status_code == 302
    assert _user(sso_app, "t1002")["roles"] == ["LeadingGroup", "TeamMember"]
    assert _persons(sso_app, "t1002") == ["李四"]


def test_ldap_jwt_login_with_either_provider(sso_app):
    client = sso_app.test_client()
    for provider in ("ldap", "db"):
        resp = client.post("/api/v1/security/login",
                           json={"username": "t1001", "password": LDAP_PW, "provider": provider})
        assert resp.status_code == 200, resp.get_data(as_text=True)
        token = {"Authorization": f"Bearer {resp.json['access_token']}"}
        assert client.get("/api/v1/person/", headers=token).status_code == 200  # Office reads 人员


def test_wrong_unknown_and_disabled_are_refused_alike(sso_app):
    from flask_appbuilder.security.sqla.models import User

    from app.extensions import db
    from app.uow import transaction

    assert _form_login(sso_app.test_client(), "t1004", LDAP_PW)[0].status_code == 302
    with sso_app.app_context(), transaction():  # Admin disables the account created at first login
        db.session.scalar(sa.select(User).where(User.username == "t1004")).active = False
    cases = {"wrong password": ("t1001", "Wrong@Pass2026"), "unknown": ("nobody", LDAP_PW),
             "disabled in the directory": ("t1003", LDAP_PW), "disabled here": ("t1004", LDAP_PW),
             "empty password": ("t1001", "x")}
    for case, (username, password) in cases.items():
        client = sso_app.test_client()
        resp, page = _form_login(client, username, password)
        assert "/login" in resp.location and INVALID_LOGIN in page, case
        assert not _signed_in(client), case
        api = client.post("/api/v1/security/login",
                          json={"username": username, "password": password, "provider": "ldap"})
        assert (api.status_code, api.json) == (401, {"message": INVALID_LOGIN}), case
    assert _user(sso_app, "t1003") is None  # never created


def test_break_glass_admin_signs_in_with_the_database_password_only(sso_app):
    client = sso_app.test_client()
    # the directory's "admin" has another password; the local Admin's is never sent to the directory
    assert "/login" in _form_login(client, "admin", LDAP_PW)[0].location
    resp, _ = _form_login(client, "admin", DEMO_PASSWORD)
    assert resp.status_code == 302 and "/login" not in resp.location and _signed_in(client)
    assert _user(sso_app, "admin")["roles"] == ["Admin"]  # not synced from the directory's groups
    # a local account without a break-glass role: its database password no longer signs in
    other = sso_app.test_client()
    assert INVALID_LOGIN in _form_login(other, "office", DEMO_PASSWORD)[1] and not _signed_in(other)
    api = other.post("/api/v1/security/login", json={"username": "admin", "password": DEMO_PASSWORD, "provider": "db"})
    assert api.status_code == 200


def test_session_rules_hold_for_ldap_sessions(sso_app, monkeypatch):
    from flask_appbuilder.security.sqla.models import User

    from app import sessions
    from app.extensions import db
    from app.uow import transaction

    client = sso_app.test_client()
    assert _form_login(client, "t1001", LDAP_PW)[0].status_code == 302 and _signed_in(client)
    real_now = sessions.now
    monkeypatch.setattr(sessions, "now", lambda: real_now() + sso_app.config["SESSION_IDLE_TIMEOUT"] * 2)
    assert not _signed_in(client)  # idle too long
    monkeypatch.setattr(sessions, "now", real_now)
    assert _form_login(client, "t1001", LDAP_PW)[0].status_code == 302 and _signed_in(client)
    with sso_app.app_context(), transaction():
        db.session.scalar(sa.select(User).where(User.username == "t1001")).active = False
    assert not _signed_in(client)  # disabling ends the session
    with sso_app.app_context(), transaction():
        db.session.scalar(sa.select(User).where(User.username == "t1001")).active = True


def test_ldap_logins_are_throttled_like_passwords(sso_app):
    client = sso_app.test_client()
    for _ in range(sso_app.config["LOGIN_MAX_FAILURES"]):
        _form_login(client, "t1005", "Wrong@Pass2026")
    resp, page = _form_login(client, "t1005", LDAP_PW)  # the right password, while the name is locked
    assert INVALID_LOGIN in page and not _signed_in(client)
    assert _user(sso_app, "t1005") is None


def test_starttls_with_the_servers_certificate_and_not_without(sso_app, slapd, tmp_path, caplog):
    _url, cert = slapd
    stranger = tmp_path / "other.pem"  # a CA that did not sign the server's certificate
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",  # nosec
                    "-nodes", "-keyout", str(tmp_path / "k.pem"), "-out", str(stranger), "-days", "2",
                    "-subj", "/CN=127.0.0.1"], check=True, capture_output=True)
    saved = {k: sso_app.config[k] for k in ("AUTH_LDAP_USE_TLS", "AUTH_LDAP_TLS_CACERTFILE", "AUTH_LDAP_TLS_DEMAND")}
    try:
        sso_app.config.update(AUTH_LDAP_USE_TLS=True, AUTH_LDAP_TLS_DEMAND=True, AUTH_LDAP_TLS_CACERTFILE=str(cert))
        client = sso_app.test_client()
        assert _form_login(client, "t1001", LDAP_PW)[0].location.endswith("/") and _signed_in(client)
        sso_app.config["AUTH_LDAP_TLS_CACERTFILE"] = str(stranger)
        refused = sso_app.test_client()
        assert INVALID_LOGIN in _form_login(refused, "t1001", LDAP_PW)[1] and not _signed_in(refused)
        assert "Could not activate TLS" in caplog.text  # refused for the certificate, not for anything else
    finally:
        sso_app.config.update(saved)


# ---- CAS -----------------------------------------------------------------------------------------------------------


def test_cas_login_redirect_ticket_validation_and_single_logout(sso_app, cas_server):
    client = sso_app.test_client()
    resp = client.get("/cas/login?next=/todo/")
    target = urlsplit(resp.location)
    assert resp.status_code == 302 and f"{target.scheme}://{target.netloc}{target.path}" == cas_server.url + "/login"
    service = parse_qs(target.query)["service"][0]
    assert service == "http://localhost/cas/login?next=%2Ftodo%2F"
    # the person signs in on the CAS server, which sends the browser back with a ticket
    ticket = cas_server.issue(service, "t2001", cn="王五", mail="t2001@xct.test", memberOf=[OFFICE_GROUP, "cn=x"])
    resp = client.get(f"/cas/login?next=%2Ftodo%2F&ticket={ticket}")
    assert resp.status_code == 302 and resp.location.endswith("/todo/"), resp.get_data(as_text=True)
    assert cas_server.validations[-1] == "/cas/p3/serviceValidate"  # CAS 3.0
    assert _user(sso_app, "t2001") == {"roles": ["Office"], "active": True, "name": "王五"}
    assert _persons(sso_app, "t2001") == ["王五"] and _signed_in(client)
    # a ticket is good once: replayed, it signs nobody in
    other = sso_app.test_client()
    other.get(f"/cas/login?next=%2Ftodo%2F&ticket={ticket}")
    assert not _signed_in(other)
    # the CAS server's single logout names the ticket: that session ends
    logout_request = (
        '<samlp:LogoutRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
        'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="LR-1" Version="2.0" IssueInstant="2026-12-03T08:00:00Z">'
        f'<saml:NameID>t2001</saml:NameID><samlp:SessionIndex>{ticket}</samlp:SessionIndex></samlp:LogoutRequest>')
    assert sso_app.test_client().post("/cas/login", data={"logoutRequest": logout_request}).status_code == 200
    assert not _signed_in(client)


def test_cas_logout_here_logs_out_of_cas_too(sso_app, cas_server):
    client = sso_app.test_client()
    service = parse_qs(urlsplit(client.get("/cas/login").location).query)["service"][0]
    client.get(f"/cas/login?ticket={cas_server.issue(service, 't2002', cn='钱六')}")
    assert _signed_in(client)
    resp = client.post("/logout/")
    assert resp.status_code == 302 and resp.location.endswith("/cas/logout")
    resp = client.get("/cas/logout")
    assert resp.location == cas_server.url + "/logout?service=http%3A%2F%2Flocalhost%2F"  # not replaced: CAS's host
    assert not _signed_in(client)


def test_cas_2_validates_at_service_validate(sso_app, cas_server):
    sso_app.config["CAS_VERSION"] = 2
    try:
        client = sso_app.test_client()
        service = parse_qs(urlsplit(client.get("/cas/login").location).query)["service"][0]
        client.get(f"/cas/login?ticket={cas_server.issue(service, 't2003', cn='孙七', memberOf=OFFICE_GROUP)}")
        assert cas_server.validations[-1] == "/cas/serviceValidate" and _signed_in(client)
        assert _user(sso_app, "t2003")["roles"] == ["Office"]
    finally:
        sso_app.config["CAS_VERSION"] = 3


def test_cas_refuses_a_disabled_user_and_a_dead_server(sso_app, cas_server):
    client = sso_app.test_client()
    service = parse_qs(urlsplit(client.get("/cas/login").location).query)["service"][0]
    client.get(f"/cas/login?ticket={cas_server.issue(service, 't1004', cn='吴被停')}")  # disabled here (above)
    assert not _signed_in(client)
    client.get(f"/cas/login?ticket={cas_server.issue(service, 'admin', cn='同名')}")  # a namesake of break-glass
    assert not _signed_in(client)
    saved = sso_app.config["CAS_SERVER_URL"]
    sso_app.config["CAS_SERVER_URL"] = f"http://127.0.0.1:{_free_port()}/cas"  # nobody listens
    try:
        resp = client.get("/cas/login?ticket=ST-1-x")
        assert resp.status_code == 302 and not _signed_in(client)
    finally:
        sso_app.config["CAS_SERVER_URL"] = saved


# ---- a real CAS server: django-cas-server (tests/cas_real.py) ----------------------------------------------------

CAS_USER, CAS_PW = "t3001", "Cas@Pass2026"  # the test CAS server's one seeded user  # nosec B105


@pytest.fixture(scope="module")
def django_cas(sso_app, tmp_path_factory):
    from tests.cas_real import DjangoCas

    def single_logout(form: dict) -> int:  # what the CAS server POSTs, handed to the app as it arrived
        return sso_app.test_client().post("/cas/login", data=form).status_code

    server = DjangoCas(tmp_path_factory.mktemp("cas"), CAS_USER, CAS_PW,
                       {"cn": "赵九", "mail": "t3001@xct.test", "memberOf": [OFFICE_GROUP, "cn=x"]}, single_logout)
    why = server.start()
    if why:
        server.stop()
        if os.environ.get("REQUIRE_CAS") or os.environ.get("REQUIRE_PG"):
            pytest.fail(why)
        pytest.skip(why)
    yield server
    server.stop()


@pytest.mark.parametrize(("version", "path"), [(3, "/cas/p3/serviceValidate"), (2, "/cas/serviceValidate")])
def test_login_through_a_real_cas_server_and_its_single_logout(sso_app, django_cas, monkeypatch, version, path):
    from tests.cas_real import Browser

    monkeypatch.setitem(sso_app.config, "CAS_SERVER_URL", django_cas.url)
    monkeypatch.setitem(sso_app.config, "SSO_REDIRECT_HOSTS", (urlsplit(django_cas.url).netloc,))  # as app.sso sets
    monkeypatch.setitem(sso_app.config, "CAS_VERSION", version)
    client, browser = sso_app.test_client(), Browser(django_cas.url)
    resp = client.get("/cas/login?next=/todo/")
    assert resp.status_code == 302 and resp.location.startswith(django_cas.url + "/login?")
    service = parse_qs(urlsplit(resp.location).query)["service"][0]
    back = browser.sign_in(service, CAS_USER, CAS_PW)  # the person signs in on the CAS server's own page
    assert back.startswith(service + "&ticket=ST-")
    resp = client.get(back.removeprefix("http://localhost"))
    assert resp.status_code == 302 and resp.location.endswith("/todo/"), resp.get_data(as_text=True)[:300]
    assert f"GET {path}?" in django_cas.log and _signed_in(client)
    assert _user(sso_app, CAS_USER) == {"roles": ["Office"], "active": True, "name": "赵九"}
    assert Browser(django_cas.url).sign_in(service, CAS_USER, "wrong") == ""
    browser.open(f"{django_cas.url}/logout")  # signing out at CAS ends the session here too (SLO)
    for _ in range(50):
        if not _signed_in(client):
            break
        time.sleep(0.1)
    assert not _signed_in(client)


def test_group_role_screen_in_chinese_checks_the_dn(sso_app):
    import schema as m

    client = sso_app.test_client()
    _form_login(client, "admin", DEMO_PASSWORD)
    page = client.get("/ssogrouproleview/list/").get_data(as_text=True)
    assert "统一认证组角色映射" in page and "目录组（DN）" in page and "xuncha-office" in page
    role_id = scalar(sso_app, sa.text("SELECT id FROM ab_role WHERE name = 'PartyOffice'"))
    bad = client.post("/ssogrouproleview/add", data={"group_dn": "巡察办", "role": role_id})
    assert "「目录组（DN）」格式应为" in bad.get_data(as_text=True)
    client.post("/ssogrouproleview/add", data={"group_dn": f"CN=Xuncha-Leaders, {GROUPS}", "role": role_id})
    assert scalar(sso_app, sa.select(m.SsoGroupRole.group_dn).where(m.SsoGroupRole.role_id == role_id)) == LEADER_GROUP
    again = client.post("/ssogrouproleview/add", data={"group_dn": LEADER_GROUP, "role": role_id},
                        follow_redirects=True)
    assert "该目录组已映射到此角色" in again.get_data(as_text=True)
    office = sso_app.test_client()
    _form_login(office, "t1001", LDAP_PW)  # Office: not this screen's
    assert office.get("/ssogrouproleview/list/").status_code == 403


# ---- REMOTE_USER -------------------------------------------------------------------------------------------------


def test_remote_user_is_trusted_only_from_the_configured_proxy():
    config = {"AUTH_REMOTE_USER_HEADER": "X-Remote-User", "AUTH_REMOTE_USER_PROXIES": ("127.0.0.1/32",),
              "PROXY_COUNT": 0}
    client_header = {"HTTP_X_REMOTE_USER": "admin", "REMOTE_ADDR": "127.0.0.1"}
    assert trusted_remote_user(client_header, config) is None  # not behind a proxy: a client's header
    assert trusted_remote_user({"REMOTE_USER": " t3001 "}, config) == "t3001"  # the WSGI server's own


@pytest.fixture(scope="module")
def remote_app(databases, tmp_path_factory):
    yield from demo_app(databases, tmp_path_factory, "sso_remote", AUTH_TYPE=AUTH_REMOTE_USER, PROXY_COUNT=1,
                        AUTH_REMOTE_USER_HEADER="X-Remote-User", AUTH_REMOTE_USER_PROXIES=("127.0.0.1/32",))


def test_remote_user_header_from_the_proxy_signs_in(remote_app):
    client = remote_app.test_client()
    resp = client.get("/login/?next=/todo/", headers={"X-Remote-User": "t3001", "X-Forwarded-For": "10.9.8.7"})
    assert resp.status_code == 302 and resp.location.endswith("/todo/") and _signed_in(client)
    assert _user(remote_app, "t3001")["active"] and _persons(remote_app, "t3001") == ["t3001"]
    namesake = remote_app.test_client()  # the proxy vouches for "admin": not the break-glass account
    namesake.get("/login/", headers={"X-Remote-User": "admin", "X-Forwarded-For": "10.9.8.7"})
    assert not _signed_in(namesake)


def test_remote_user_header_a_client_sends_is_ignored(remote_app):
    # straight to the app (no X-Forwarded-For: not through the proxy), and through a peer that is not the proxy
    for environ in ({"REMOTE_ADDR": "127.0.0.1"}, {"REMOTE_ADDR": "192.0.2.10"}):
        client = remote_app.test_client()
        client.environ_base.update(environ)
        headers = {"X-Remote-User": "admin", "Remote-User": "admin"}
        if environ["REMOTE_ADDR"] != "127.0.0.1":
            headers["X-Forwarded-For"] = "10.9.8.7"
        page = client.get("/login/", headers=headers).get_data(as_text=True)
        assert "账号登录" in page and not _signed_in(client)  # the break-glass form, nobody signed in


def test_remote_user_break_glass_form_takes_local_accounts_only(remote_app):
    admin = remote_app.test_client()
    assert _form_login(admin, "admin", DEMO_PASSWORD)[0].location.endswith("/") and _signed_in(admin)
    office = remote_app.test_client()
    assert INVALID_LOGIN in _form_login(office, "office", DEMO_PASSWORD)[1] and not _signed_in(office)


def test_install_script_uses_the_shared_apt_helper():
    root = Path(__file__).resolve().parent.parent / "scripts"
    for name in ("install_ldap.sh", "install_office.sh", "install_browser.sh"):
        text = (root / name).read_text(encoding="utf-8")
        assert "apt_ensure.sh" in text and "apt-get" not in re.sub(r"#.*", "", text), name
    assert shutil.which("bash")
