"""Hardening (issue 4): CSRF, sessions, login throttling and lockout, passwords, headers, redirects, Admin-only screens.

Tests that need other settings (CSRF on, strict limits) build a second app on the same migrated database.
"""

from __future__ import annotations

import os
import re
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from seeds.demo import DEMO_PASSWORD
from tests.conftest import make_app

NON_ADMIN = ("leader", "office", "zuzhang", "zuyuan", "jiwei", "liaison", "dangban")
PAGE = "/todo/"  # a page every signed-in user may open


@pytest.fixture()
def sibling(app, tmp_path):
    """Another app on the session's database, with its own settings."""

    def build(**overrides):
        return make_app(app.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path), **overrides)

    return build


@pytest.fixture()
def new_user(app):
    """A fresh Office user (tests below lock, disable and reset accounts; the demo users stay as they are)."""

    def make(password: str = DEMO_PASSWORD):
        name = f"u{uuid.uuid4().hex[:8]}"
        with app.app_context():
            sm = app.appbuilder.sm
            user = sm.add_user(name, "测", "试", f"{name}@example.edu", sm.find_role("Office"), password)
            assert user, "用户未创建"
            return user.id, name

    return make


def _login(client, username: str, password: str = DEMO_PASSWORD, **kwargs):
    return client.post("/login/", data={"username": username, "password": password, **kwargs.pop("data", {})},
                       **kwargs)


def _jwt(client, username: str, password: str = DEMO_PASSWORD, refresh: bool = False):
    return client.post("/api/v1/security/login",
                       json={"username": username, "password": password, "provider": "db", "refresh": refresh})


def _signed_in(client) -> bool:
    resp = client.get(PAGE)
    assert resp.status_code in (200, 302), resp.status_code
    return resp.status_code == 200


def _user(app, user_id):
    from app.extensions import db

    return db.session.get(app.appbuilder.sm.user_model, user_id)


def _csrf_token(client, path="/login/") -> str:
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "页面没有 csrf_token"
    return match.group(1)


# ---------------------------------------------------------------- 1. CSRF, no state change on GET


def test_csrf_refuses_posts_without_token_and_gets_change_nothing(app, sibling, new_user):
    from app.extensions import db
    from schema import Unit

    strict = sibling(WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    refused = _login(client, "admin")
    assert refused.status_code == 400
    assert "安全令牌" in refused.get_data(as_text=True)
    assert _login(client, "admin", data={"csrf_token": _csrf_token(client)}).status_code == 302

    with strict.app_context():
        unit = Unit(name=f"测试单位{uuid.uuid4().hex[:6]}", kind="其他直属机构")
        db.session.add(unit)
        db.session.commit()
        unit_id = unit.id
    posted = client.post("/unitview/add", data={"name": "无令牌单位", "kind": "其他直属机构"})
    assert posted.status_code == 400 and "安全令牌" in posted.get_data(as_text=True)
    assert client.get(f"/unitview/delete/{unit_id}").status_code == 302
    locked_id, _ = new_user()
    with strict.app_context():
        _user(strict, locked_id).fail_login_count = 9
        db.session.commit()
    client.get(f"/users/action/unlock/{locked_id}")
    with strict.app_context():
        assert db.session.get(Unit, unit_id) is not None, "GET 删除了记录"
        assert db.session.scalar(sa.select(Unit).where(Unit.name == "无令牌单位")) is None
        assert _user(strict, locked_id).fail_login_count == 9, "GET 执行了操作"

    token = _csrf_token(client, "/unitview/add")
    assert client.post(f"/unitview/delete/{unit_id}", data={"csrf_token": token}).status_code == 302
    with strict.app_context():
        assert db.session.get(Unit, unit_id) is None, "带令牌的 POST 应能删除"


def test_api_writes_with_the_browser_cookie_need_the_csrf_token(app, sibling, tokens):
    strict = sibling(WTF_CSRF_ENABLED=True)
    browser = strict.test_client()
    _login(browser, "office", data={"csrf_token": _csrf_token(browser)})
    unit = {"name": f"接口单位{uuid.uuid4().hex[:6]}", "kind": "其他直属机构"}
    refused = browser.post("/api/v1/unit/", json=unit)
    assert refused.status_code == 400 and "安全令牌" in refused.json["message"]
    assert browser.get("/api/v1/unit/").status_code == 200  # reading needs no token
    token = _csrf_token(browser, "/unitview/add")
    assert browser.post("/api/v1/unit/", json=unit, headers={"X-CSRFToken": token}).status_code == 201
    script = strict.test_client()  # a token client has no cookie and no CSRF token
    other = {**unit, "name": unit["name"] + "乙"}
    assert script.post("/api/v1/unit/", json=other, headers=tokens("office")).status_code == 201


# ---------------------------------------------------------------- 2. sessions


def test_session_cookie_is_httponly_samesite_and_secure_when_configured(sibling):
    secure = sibling(SESSION_COOKIE_SECURE=True).test_client()
    cookie = _login(secure, "office").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    local = sibling(SESSION_COOKIE_SECURE=False).test_client()
    assert "Secure" not in _login(local, "office").headers["Set-Cookie"]


@pytest.fixture()
def clock(monkeypatch):
    """Move the sessions' clock: clock(minutes=…) sets the time that far after the test started."""
    from app import sessions

    start = sessions.now()

    def move(**delta):
        monkeypatch.setattr(sessions, "now", lambda: start + timedelta(**delta))

    return move


def test_idle_timeout(client, clock):
    clock(minutes=0)
    _login(client, "office")
    for minutes in (29, 58, 87):  # in use: each request restarts the 30-minute idle clock
        clock(minutes=minutes)
        assert _signed_in(client), f"{minutes} 分钟时不应超时"
    clock(minutes=87 + 31)
    resp = client.get(PAGE, follow_redirects=True)
    assert "登录已超时" in resp.get_data(as_text=True)
    clock(minutes=87 + 32)
    assert not _signed_in(client)


def test_absolute_lifetime(client, clock):
    clock(minutes=0)
    _login(client, "office")
    for minutes in range(20, 12 * 60, 20):  # never idle, yet…
        clock(minutes=minutes)
        assert _signed_in(client)
    clock(hours=12, minutes=1)  # …twelve hours after login the session ends
    assert not _signed_in(client)


def _copy_session(source, target) -> None:
    target.set_cookie("session", source.get_cookie("session").value)


def test_logout_revokes_a_copied_cookie(app):
    browser, thief = app.test_client(), app.test_client()
    _login(browser, "office")
    _copy_session(browser, thief)
    assert _signed_in(thief)
    assert 'action="/logout/"' in browser.get(PAGE).get_data(as_text=True)  # the menu's 退出 is a form
    browser.post("/logout/")
    assert not _signed_in(thief)
    assert not _signed_in(browser)


def test_logout_needs_a_post_with_the_csrf_token(app, sibling):
    strict = sibling(WTF_CSRF_ENABLED=True)
    browser = strict.test_client()
    _login(browser, "office", data={"csrf_token": _csrf_token(browser)})
    assert _signed_in(browser)
    assert browser.get("/logout/").status_code == 302  # a link or an image on another site
    assert _signed_in(browser)
    assert browser.post("/logout/").status_code == 400  # a form on another site has no token
    assert _signed_in(browser)
    assert browser.post("/logout/", data={"csrf_token": _csrf_token(browser, PAGE)}).status_code == 302
    assert not _signed_in(browser)


def test_disabled_user_cookie_and_jwt_stop_working(app, new_user):
    from app.extensions import db

    user_id, name = new_user()
    browser, api = app.test_client(), app.test_client()
    _login(browser, name)
    tokens = _jwt(api, name, refresh=True).json
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert _signed_in(browser)
    assert api.get("/api/v1/unit/", headers=bearer).status_code == 200

    with app.app_context():
        _user(app, user_id).active = False
        db.session.commit()
    assert not _signed_in(browser)
    resp = api.get("/api/v1/unit/", headers=bearer)
    assert resp.status_code == 401 and "停用" in resp.json["message"]
    refreshed = api.post("/api/v1/security/refresh", headers={"Authorization": f"Bearer {tokens['refresh_token']}"})
    assert refreshed.status_code == 401

    with app.app_context():  # enabled again: the old cookie stays dead (its session was revoked, not paused)
        _user(app, user_id).active = True
        db.session.commit()
    assert not _signed_in(browser)
    assert api.get("/api/v1/unit/", headers=bearer).status_code == 200  # a token has no session; only `active` counts


def test_admin_password_reset_revokes_the_users_sessions(app, new_user):
    user_id, name = new_user()
    user, admin = app.test_client(), app.test_client()
    _login(user, name)
    _login(admin, "admin")
    resp = admin.post(f"/resetpassword/form?pk={user_id}",
                      data={"password": "Neu-Passwort-2026", "conf_password": "Neu-Passwort-2026"})
    assert resp.status_code == 302
    assert not _signed_in(user)
    assert _signed_in(admin)
    assert _login(app.test_client(), name, "Neu-Passwort-2026").headers["Location"] != "/login/"


def test_own_password_change_keeps_this_session_and_ends_the_others(app, new_user):
    _, name = new_user()
    here, elsewhere = app.test_client(), app.test_client()
    _login(here, name)
    _login(elsewhere, name)
    new = "Anders-Wort-2026"
    resp = here.post("/resetmypassword/form", data={"password": new, "conf_password": new})
    assert resp.status_code == 302
    assert _signed_in(here)
    assert not _signed_in(elsewhere)


# ---------------------------------------------------------------- 3. login throttling and lockout


def test_rate_limit_on_form_and_jwt_login(sibling):
    strict = sibling(AUTH_RATE_LIMIT="3 per minute")
    form, api = strict.test_client(), strict.test_client()
    for _ in range(3):
        assert _login(form, "nobody", "wrong").status_code == 302
        assert _jwt(api, "nobody", "wrong").status_code == 401
    blocked = _login(form, "nobody", "wrong")
    assert blocked.status_code == 429 and "过于频繁" in blocked.get_data(as_text=True)
    blocked = _jwt(api, "nobody", "wrong")
    assert blocked.status_code == 429 and "过于频繁" in blocked.json["message"]
    assert _login(form, "admin").status_code == 429, "限制按来源地址计，正确的密码也要等"
    assert form.get("/login/").status_code == 200, "只限制登录提交，不限制登录页"


def test_rate_limit_counts_the_client_behind_the_proxy(sibling):
    client = sibling(AUTH_RATE_LIMIT="1 per minute", PROXY_COUNT=1).test_client()
    first = {"X-Forwarded-For": "10.1.1.1"}
    assert _login(client, "nobody", "wrong", headers=first).status_code == 302
    assert _login(client, "nobody", "wrong", headers=first).status_code == 429
    assert _login(client, "nobody", "wrong", headers={"X-Forwarded-For": "10.1.1.2"}).status_code == 302


def test_rate_limit_is_shared_by_app_processes_through_redis(sibling):
    """Two app instances stand for two worker processes or hosts: with Redis they count the same attempts."""
    from redis import Redis
    from redis.exceptions import RedisError

    url = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/14")
    try:
        Redis.from_url(url, socket_connect_timeout=1).ping()
    except RedisError as exc:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"Redis 不可用（{url}）：{exc}")
        pytest.skip(f"Redis 不可用（{url}）：{exc.__class__.__name__}")
    shared = {"AUTH_RATE_LIMIT": "3 per minute", "RATELIMIT_STORAGE_URI": url,
              "RATELIMIT_KEY_PREFIX": f"xct-test-{uuid.uuid4().hex}"}
    one, two = sibling(**shared).test_client(), sibling(**shared).test_client()
    assert _login(one, "nobody", "wrong").status_code == 302
    assert _login(two, "nobody", "wrong").status_code == 302
    assert _login(one, "nobody", "wrong").status_code == 302
    assert _login(two, "nobody", "wrong").status_code == 429


def test_rate_limit_falls_back_to_memory_when_redis_is_down(sibling):
    client = sibling(AUTH_RATE_LIMIT="1 per minute", RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0").test_client()
    assert _login(client, "nobody", "wrong").status_code == 302  # not a 500
    assert _login(client, "nobody", "wrong").status_code == 429


def test_lockout_expires_with_growing_back_off_and_admin_unlock(app, new_user, clock):
    from app.security import INVALID_LOGIN

    user_id, name = new_user()
    client = app.test_client()
    limit = app.config["LOGIN_MAX_FAILURES"]

    def lock_it(at_minutes: float) -> None:
        clock(minutes=at_minutes)
        for _ in range(limit):
            assert _login(client, name, "wrong-password").status_code == 302

    lock_it(0)
    page = _login(client, name, follow_redirects=True).get_data(as_text=True)  # the right password, too late
    assert INVALID_LOGIN in page and not _signed_in(client)
    resp = _jwt(client, name)
    assert resp.status_code == 401 and resp.json["message"] == INVALID_LOGIN
    clock(minutes=1.1)  # the first lock lasts a minute
    assert _jwt(client, name).status_code == 200
    lock_it(2)  # a success ends the back-off: this is again a first lock of 1 minute
    clock(minutes=3.1)
    assert _jwt(client, name).status_code == 200
    lock_it(4)
    clock(minutes=5.1)
    lock_it(5.1)  # locked again straight after: 2 minutes this time
    clock(minutes=6.2)
    assert _jwt(client, name).status_code == 401
    clock(minutes=7.2)
    assert _jwt(client, name).status_code == 200

    lock_it(8)
    admin = app.test_client()
    _login(admin, "admin")
    listed = admin.get("/users/list/").get_data(as_text=True)
    assert "解除锁定" in listed and "连续登录失败次数" in listed
    done = admin.post("/users/action_post", data={"action": "unlock", "rowid": [str(user_id)]}, follow_redirects=True)
    assert "已解除 1 个用户的登录锁定" in done.get_data(as_text=True)
    assert _login(client, name).headers["Location"] == "/"
    assert _jwt(app.test_client(), name).status_code == 200


def test_lock_length_doubles_up_to_the_cap(app):
    from app.security import lock_minutes

    with app.app_context():
        assert [lock_minutes(n) for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
        assert lock_minutes(30) == app.config["LOGIN_LOCK_MAX_MINUTES"]


def test_unknown_wrong_and_locked_answer_alike(app, new_user, sibling, monkeypatch):
    """Same message, and about the same time: each refusal checks a password hash made the real way."""
    import hashlib
    import statistics
    import time as _time

    rounds = 7
    slow = sibling(FAB_PASSWORD_HASH_METHOD="pbkdf2:sha256:200000")  # a real cost, so a skipped hash would show
    with slow.app_context():
        sm = slow.appbuilder.sm
        # a known name per round: LOGIN_MAX_FAILURES wrong passwords would turn a "wrong" into a "locked"
        known = [f"k{uuid.uuid4().hex[:8]}" for _ in range(rounds + 1)]
        locked = f"l{uuid.uuid4().hex[:8]}"
        for name in (*known, locked):
            sm.add_user(name, "测", "试", f"{name}@example.edu", sm.find_role("Office"), DEMO_PASSWORD)
    client = slow.test_client()
    for _ in range(slow.config["LOGIN_MAX_FAILURES"]):
        _jwt(client, locked, "wrong-password")
    names = {"unknown": f"nobody-{uuid.uuid4().hex[:6]}", "wrong": known[0], "locked": locked}
    derived = []  # the key derivations made while answering: werkzeug's pbkdf2 goes through hashlib.pbkdf2_hmac
    real_pbkdf2 = hashlib.pbkdf2_hmac

    def counting(name, password, salt, iterations, *args, **kwargs):
        derived.append(iterations)
        return real_pbkdf2(name, password, salt, iterations, *args, **kwargs)

    monkeypatch.setattr(hashlib, "pbkdf2_hmac", counting)

    def attempt(kind: str) -> tuple[str, float, list[int]]:
        derived.clear()
        started = _time.perf_counter()
        resp = _jwt(client, names[kind], "wrong-password" if kind != "locked" else DEMO_PASSWORD)
        elapsed = _time.perf_counter() - started
        assert resp.status_code == 401
        return resp.json["message"], elapsed, list(derived)

    for kind in names:  # the first refusal of an unknown or locked name also makes the app's dummy hash
        attempt(kind)
    times, messages = {kind: [] for kind in names}, set()
    for n in range(1, rounds + 1):  # interleaved, so a burst of load on a shared machine hits each kind alike
        names["wrong"] = known[n]
        for kind in names:
            message, elapsed, hashes = attempt(kind)
            # exactly one hash checked, at the configured cost, whichever the refusal
            assert hashes == [200000], (kind, hashes)
            messages.add(message)
            times[kind].append(elapsed)
    assert len(messages) == 1, messages
    medians = {kind: statistics.median(t) for kind, t in times.items()}
    assert max(medians.values()) < min(medians.values()) * 1.6, medians


def test_only_admin_may_unlock(app, new_user):
    from app.extensions import db

    user_id, _ = new_user()
    with app.app_context():
        _user(app, user_id).fail_login_count = 9
        db.session.commit()
    office = app.test_client()
    _login(office, "office")
    office.post("/users/action_post", data={"action": "unlock", "rowid": [str(user_id)]})
    with app.app_context():
        assert _user(app, user_id).fail_login_count == 9


# ---------------------------------------------------------------- 4. password rule


@pytest.mark.parametrize("password, ok", [
    ("XunCha@2026", True), ("correct-Horse7", True), ("abcdefghij1K", True),
    ("Ab1!", False),  # too short
    ("abcdefghijkl", False), ("abcdefghij12", False),  # one or two classes only
])
def test_password_rule(password, ok):
    from app.security import password_problems

    assert (password_problems(password, 10, 3) == []) is ok


def test_weak_password_refused_on_the_user_form_in_chinese(app):
    admin = app.test_client()
    _login(admin, "admin")
    with app.app_context():
        office = app.appbuilder.sm.find_role("Office").id
    name = f"weak{uuid.uuid4().hex[:6]}"
    resp = admin.post("/users/add", data={
        "first_name": "弱", "last_name": "密码", "username": name, "email": f"{name}@example.edu", "active": "y",
        "roles": [str(office)], "password": "abc123", "conf_password": "abc123",
    })
    assert resp.status_code == 200
    assert "密码不符合要求" in resp.get_data(as_text=True) and "长度至少 10 个字符" in resp.get_data(as_text=True)
    with app.app_context():
        assert app.appbuilder.sm.find_user(username=name) is None


# ---------------------------------------------------------------- 5. headers, redirects


ALLOWED_SOURCES = {"'self'", "'none'", "'unsafe-inline'", "data:"}


def _csp(resp) -> dict[str, list[str]]:
    header = resp.headers.get("Content-Security-Policy")
    assert header, f"{resp.request.path} 没有 Content-Security-Policy"
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


@pytest.mark.parametrize("path", ["/login/", "/todo/", "/inspectionview/list/", "/unitview/add", "/swagger/v1",
                                  "/api/v1/unit/", "/no-such-page", "/static/xct/js/zh-CN.js"])
def test_security_headers_on_every_answer(login, path):
    client = login("admin")
    resp = client.get(path)
    policy = _csp(resp)
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["script-src"], "脚本靠 nonce 放行"
    for directive, sources in policy.items():
        extra = [s for s in sources if s not in ALLOWED_SOURCES and not s.startswith("'nonce-")]
        assert not extra, f"{directive} 允许了外部来源 {extra}"
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert resp.headers["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", ["/login/", "/todo/", "/inspectionview/list/", "/inspectionview/add",
                                  "/unitview/show/1", "/users/list/", "/swagger/v1"])
def test_every_script_carries_the_pages_nonce(app, login, path):
    """Otherwise the CSP above would stop it: a template with a bare <script> fails here, not in a browser."""
    client = app.test_client() if path == "/login/" else login("admin")
    resp = client.get(path)
    assert resp.status_code == 200
    nonce = next(s for s in _csp(resp)["script-src"] if s.startswith("'nonce-"))[len("'nonce-"):-1]
    scripts = re.findall(r"<script\b[^>]*>", resp.get_data(as_text=True))
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts), [t for t in scripts if nonce not in t]
    assert not re.search(r"\son[a-z]+\s*=", resp.get_data(as_text=True)), "内联事件处理器会被 CSP 拦截"


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example", "/\\evil.example",
                                    "\t//evil.example", "javascript:alert(1)"])
def test_off_site_next_refused(app, target):
    client = app.test_client()
    resp = client.post("/login/", query_string={"next": target}, data={"username": "office", "password": DEMO_PASSWORD})
    assert resp.status_code == 302
    location = resp.headers["Location"]
    assert "evil" not in location and "javascript" not in location
    assert _signed_in(client)
    assert "evil" not in client.get("/login/", query_string={"next": target}).headers["Location"]


def test_local_next_followed(app):
    resp = app.test_client().post("/login/?next=/todo/", data={"username": "office", "password": DEMO_PASSWORD})
    assert resp.headers["Location"] == "/todo/"


# ---------------------------------------------------------------- 6. Swagger and FAB's security screens: Admin only

SECURITY_PATHS = ["/swagger/v1", "/api/v1/_openapi", "/users/list/", "/users/show/1", "/users/add", "/users/edit/1",
                  "/roles/list/", "/roles/add", "/groups/list/", "/permissions/list/", "/viewmenus/list/",
                  "/permissionviews/list/", "/resetpassword/form?pk=1"]


def test_admin_opens_swagger_and_security_screens(login):
    client = login("admin")
    for path in SECURITY_PATHS:
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("username", NON_ADMIN)
def test_other_roles_refused_swagger_and_security_screens(app, username):
    client = app.test_client()
    _login(client, username)
    for path in SECURITY_PATHS:
        resp = client.get(path)
        refused = resp.status_code in (401, 403, 404) or (
            resp.status_code == 302 and "/login/" in resp.headers["Location"])
        assert refused, f"{username} 打开了 {path}（{resp.status_code}）"
    assert client.get("/users/userinfo/").status_code == 200  # their own account stays open to them
    assert _signed_in(client)


@pytest.mark.parametrize("username", ["office", "liaison"])
def test_openapi_refused_to_a_non_admin_token(app, tokens, username):
    assert app.test_client().get("/api/v1/_openapi", headers=tokens(username)).status_code in (401, 403)


# ---------------------------------------------------------------- 7. CI: pip-audit's verdict


def _audit_verdict():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).parent.parent / "scripts" / "pip_audit.py"
    spec = importlib.util.spec_from_file_location("pip_audit_check", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.verdict


def test_pip_audit_fails_on_a_finding_and_passes_when_the_service_is_unreachable():
    verdict = _audit_verdict()
    vuln = {"id": "PYSEC-0000-1", "aliases": ["CVE-0000-1"], "fix_versions": ["9.9"]}
    found = {"dependencies": [{"name": "flask", "version": "3.1.0", "vulns": [vuln]},
                              {"name": "xunchatong", "skip_reason": "distribution marked as editable"}]}
    code, lines = verdict(found, {})
    assert code == 1 and "PYSEC-0000-1" in "\n".join(lines)
    code, lines = verdict(found, {"CVE-0000-1": "只在 Windows 上可利用"})
    assert code == 0 and "已说明忽略" in "\n".join(lines)
    unreachable = {"dependencies": [{"name": "flask", "skip_reason": "Dependency not found on PyPI and could not be "
                                                                      "audited: flask (3.1.0)"}]}
    code, lines = verdict(unreachable, {})
    assert code == 0 and "漏洞库不可达" in lines[-1]
    clean = {"dependencies": [{"name": "flask", "version": "3.1.0", "vulns": []}]}
    assert verdict(clean, {}) == (0, ["pip-audit：1 个依赖无已知漏洞"])


def test_password_change_revokes_the_tokens_issued_before_it(app, new_user):
    """A JWT (access and refresh) carries a mark of the password it was issued under; a reset revokes it."""
    user_id, name = new_user()
    client = app.test_client()
    tokens = _jwt(client, name, refresh=True).get_json()
    old = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert client.get("/api/v1/unit/", headers=old).status_code == 200
    admin = app.test_client()
    _login(admin, "admin")
    new = "Neu-Passwort-2026"
    assert admin.post(f"/resetpassword/form?pk={user_id}",
                      data={"password": new, "conf_password": new}).status_code == 302
    resp = client.get("/api/v1/unit/", headers=old)
    assert resp.status_code == 401 and resp.get_json() == {"message": "登录已失效，请重新登录"}
    refreshed = client.post("/api/v1/security/refresh",
                            headers={"Authorization": f"Bearer {tokens['refresh_token']}"})
    assert refreshed.status_code == 401
    fresh = _jwt(client, name, new).get_json()["access_token"]
    assert client.get("/api/v1/unit/", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200
