"""Configuration classes; secrets and URLs come from the environment only."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from flask_appbuilder.const import AUTH_DB, AUTH_LDAP, AUTH_REMOTE_USER

BASE_DIR = Path(__file__).resolve().parent


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        instance = BASE_DIR / "instance"
        instance.mkdir(exist_ok=True)
        return f"sqlite:///{instance / 'xunchatong.db'}"
    # SQLAlchemy 2.1 reads plain postgresql:// as psycopg 3, which is the driver we ship.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    return url


class Config:
    APP_NAME = "巡察通"
    APP_THEME = ""  # bootswatch themes import Google Fonts; keep the default one
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-change-me"
    SQLALCHEMY_DATABASE_URI = _database_url()
    # pre-ping: a connection the database dropped (a restart) is replaced at checkout instead of failing the request
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    # Every commit waits until the disk has it (app.extensions.skip_commit_flush: tests only turn this off).
    DB_DURABLE_COMMITS = True
    # A GET that lost its database connection is run once more when the database answers, waiting at most this long
    # (app.dbfaults); 0 turns the retry off.
    DB_RETRY_WAIT = float(os.environ.get("DB_RETRY_WAIT", 3))
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    REDIS_URL = os.environ.get("REDIS_URL") or None
    STORAGE_DIR = os.environ.get("STORAGE_DIR") or str(BASE_DIR / "storage")

    # Alembic owns every table, FAB's ab_* included; `flask setup` syncs roles and permissions.
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    FAB_ADD_SECURITY_API = False
    FAB_API_SWAGGER_UI = True
    FAB_API_MAX_PAGE_SIZE = 100
    FAB_SECURITY_MANAGER_CLASS = "app.security.XctSecurityManager"
    FAB_INDEX_VIEW = "views.home.HomeView"
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"

    # 统一身份认证 (README「统一身份认证」, app/sso.py). AUTH_METHOD: db (local passwords), ldap (the directory's, through
    # FAB's AUTH_LDAP) or remote_user (an authenticating front end says who). CAS is on whenever CAS_SERVER_URL is set.
    AUTH_TYPE = {"db": AUTH_DB, "ldap": AUTH_LDAP, "remote_user": AUTH_REMOTE_USER}[
        os.environ.get("AUTH_METHOD", "db")]
    # Under single sign-on, the accounts named here still sign in with their database password (the break-glass
    # Admin when the directory or the CAS server is down), and only so; nobody else does.
    AUTH_LOCAL_USERS = tuple(n.strip() for n in os.environ.get("LOCAL_LOGIN_USERS", "admin").split(",") if n.strip())
    # Self-registration stays off under AUTH_DB; under LDAP it is what lets FAB create a user at first login.
    AUTH_USER_REGISTRATION = AUTH_TYPE == AUTH_LDAP
    # The role a user first signed in through SSO gets when no group of theirs is mapped (none by default: Admin
    # gives roles, or the 组角色映射 table does). Roles follow the mapped groups at every SSO login.
    AUTH_USER_REGISTRATION_ROLE = os.environ.get("SSO_DEFAULT_ROLE") or None
    AUTH_ROLES_SYNC_AT_LOGIN = True
    # The JWT login takes provider "db" (and "ldap" under LDAP): both reach the same checks (app.security).
    AUTH_API_LOGIN_ALLOW_MULTIPLE_PROVIDERS = True
    AUTH_LDAP_SERVER = os.environ.get("LDAP_SERVER", "")  # ldap://ldap.example.edu.cn:389 or ldaps://…
    AUTH_LDAP_USE_TLS = os.environ.get("LDAP_USE_TLS", "0") == "1"  # StartTLS on ldap://
    AUTH_LDAP_TLS_CACERTFILE = os.environ.get("LDAP_TLS_CACERTFILE", "")
    AUTH_LDAP_TLS_DEMAND = os.environ.get("LDAP_TLS_DEMAND", "1") == "1"  # refuse a certificate that does not verify
    AUTH_LDAP_SEARCH = os.environ.get("LDAP_SEARCH_BASE", "")  # ou=people,dc=example,dc=edu,dc=cn
    # e.g. "(!(employeeType=disabled))", AD "(!(userAccountControl:1.2.840.113556.1.4.803:=2))": disabled accounts
    # are not found, so they cannot sign in
    AUTH_LDAP_SEARCH_FILTER = os.environ.get("LDAP_SEARCH_FILTER", "")
    AUTH_LDAP_UID_FIELD = os.environ.get("LDAP_UID_FIELD", "uid")  # the login name, 工号 at most universities
    AUTH_LDAP_BIND_USER = os.environ.get("LDAP_BIND_USER", "")  # the search account's DN (empty: bind as the user)
    AUTH_LDAP_BIND_PASSWORD = os.environ.get("LDAP_BIND_PASSWORD", "")
    AUTH_LDAP_USERNAME_FORMAT = os.environ.get("LDAP_USERNAME_FORMAT", "")  # without a bind user: "uid=%s,ou=…"
    AUTH_LDAP_GROUP_FIELD = os.environ.get("LDAP_GROUP_FIELD", "memberOf")
    AUTH_LDAP_FIRSTNAME_FIELD = os.environ.get("LDAP_NAME_FIELD", "cn")  # a Chinese directory's full name
    AUTH_LDAP_LASTNAME_FIELD = os.environ.get("LDAP_LASTNAME_FIELD", "sn")
    AUTH_LDAP_EMAIL_FIELD = os.environ.get("LDAP_EMAIL_FIELD", "mail")
    # REMOTE_USER (app.sso.trusted_remote_user): the WSGI server's own REMOTE_USER, or this header when the request
    # arrives through PROXY_COUNT proxies from one of AUTH_REMOTE_USER_PROXIES; never a header a client sends itself.
    AUTH_REMOTE_USER_HEADER = os.environ.get("REMOTE_USER_HEADER") or None  # e.g. X-Remote-User
    AUTH_REMOTE_USER_PROXIES = tuple(os.environ.get("REMOTE_USER_PROXIES", "127.0.0.1/32,::1/128").split(","))
    # CAS 2.0/3.0 (python-cas): the server's base URL (https://cas.example.edu.cn/cas); version 3 validates at
    # p3/serviceValidate, 2 at serviceValidate. The attributes that name the user, their e-mail and their groups.
    CAS_SERVER_URL = os.environ.get("CAS_SERVER_URL") or None
    CAS_VERSION = int(os.environ.get("CAS_VERSION", 3))
    CAS_NAME_ATTRIBUTE = os.environ.get("CAS_NAME_ATTRIBUTE", "cn")
    CAS_EMAIL_ATTRIBUTE = os.environ.get("CAS_EMAIL_ATTRIBUTE", "mail")
    CAS_GROUP_ATTRIBUTE = os.environ.get("CAS_GROUP_ATTRIBUTE", "memberOf")
    CAS_SINGLE_LOGOUT = True  # logging out here logs out of CAS too; the CAS server's logoutRequest ends ours
    CAS_TIMEOUT = float(os.environ.get("CAS_TIMEOUT", 5))  # seconds for a ticket validation
    FAB_PASSWORD_COMPLEXITY_ENABLED = True

    # Chinese throughout: only one language is offered.
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = {"zh": {"flag": "cn", "name": "中文"}}

    # 期限预警 colours (DOMAIN.md §3): a notice this many days before the due date, "due soon" from this many.
    DEADLINE_NOTICE_DAYS = int(os.environ.get("DEADLINE_NOTICE_DAYS", 20))
    DEADLINE_DUE_SOON_DAYS = int(os.environ.get("DEADLINE_DUE_SOON_DAYS", 10))

    # E-mail for deadline notifications: off unless SMTP_HOST is set.
    SMTP_HOST = os.environ.get("SMTP_HOST") or None
    SMTP_PORT = int(os.environ.get("SMTP_PORT", 25))
    SMTP_USER = os.environ.get("SMTP_USER") or None
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD") or None
    MAIL_FROM = os.environ.get("MAIL_FROM", "xunchatong@localhost")

    # HTML list pages: FAB lets ?psize_<View>= ask for any size; views cap it at this.
    LIST_PAGE_SIZE = 25
    LIST_PAGE_SIZE_MAX = 100
    # Start on a Flask-AppBuilder version app/fab_compat.py was not checked against (an upgrade trial only).
    FAB_ALLOW_UNTESTED_VERSION = False
    # Excel exports of lists: up to this many rows answer at once, more run as a background job (后台任务).
    EXPORT_SYNC_MAX_ROWS = int(os.environ.get("EXPORT_SYNC_MAX_ROWS", 5000))
    EXPORT_CHUNK_ROWS = 1000  # rows read per chunk by an export job, and per progress report
    # The worker sends again, this often, the jobs Redis lost and those whose run stopped beating for
    # JOB_ALIVE_SECONDS (a killed worker): such a job is re-run within about two minutes (jobs.reconcile).
    JOB_RECONCILE_SECONDS = int(os.environ.get("JOB_RECONCILE_SECONDS", 60))
    JOB_ALIVE_SECONDS = int(os.environ.get("JOB_ALIVE_SECONDS", 30))

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    JSON_AS_ASCII = False

    # Sessions (app.sessions): the signed cookie carries only a session id; the row in user_session is the truth, so
    # logout, disabling a user and a password change end a session on every app host.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    SESSION_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", 30)))
    PERMANENT_SESSION_LIFETIME = timedelta(hours=int(os.environ.get("SESSION_MAX_HOURS", 12)))  # absolute lifetime

    # Login throttling: per client address on /login/ and POST /api/v1/security/login, counted in Redis when
    # REDIS_URL is set (shared by every worker and host), else in each process's memory.
    # Behind this many reverse proxies, the client address is taken from X-Forwarded-For (werkzeug ProxyFix);
    # otherwise every login would count against the proxy's own address.
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", 0))
    AUTH_RATE_LIMITED = True
    AUTH_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    RATELIMIT_ENABLED = True
    # 码上巡察 (views.intake): POSTs to the public intake and status pages per client address, counted like logins
    INTAKE_RATE_LIMIT = os.environ.get("INTAKE_RATE_LIMIT", "10 per 10 minutes")
    # The address the public reaches the app at (https://xct.example.edu.cn/ or with a path): the 码上巡察 QR poster
    # and 附件7 公告 print it, from a screen or from a job alike (app.public_url). Empty: the request's own host, and
    # nothing in a 公告 made outside a request. README「对外地址」.
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "")
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True  # Redis down: count in memory for a while rather than answer 500
    # Without a socket time-out a hung Redis (SIGSTOP) held every login 30 s and the fallback never began (issue 18).
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    RATELIMIT_SWALLOW_ERRORS = True  # a storage error lets the request through rather than answering 500
    # This many wrong passwords in a row for one login name lock it for 1 minute, the next lock 2, then 4, … up to
    # LOGIN_LOCK_MAX_MINUTES; it expires by itself (an Admin may unlock sooner: 用户列表 → 解除锁定). A lock that never
    # expired let anyone lock any account, admin included, with 5 requests (issue 18).
    LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", 5))
    LOGIN_LOCK_MAX_MINUTES = int(os.environ.get("LOGIN_LOCK_MAX_MINUTES", 60))

    # Password rule (app.security.password_complexity), checked on every form that sets a password.
    PASSWORD_MIN_LENGTH = int(os.environ.get("PASSWORD_MIN_LENGTH", 10))
    PASSWORD_MIN_CLASSES = 3  # of: lower-case letters, capitals, digits, other characters


class DevelopmentConfig(Config):
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    SESSION_COOKIE_SECURE = False
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    # Throwaway databases: a commit need not wait for the disk (SQLite synchronous=OFF, PostgreSQL
    # synchronous_commit=off on each connection of the app; the server's settings are never changed).
    DB_DURABLE_COMMITS = False
    # scrypt costs ~200 ms per hash here; tests hash hundreds of passwords.
    FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # a hash method's name, not a password  # nosec B105
    # The suite logs in hundreds of times from one address; tests of the limit build an app with a strict one.
    AUTH_RATE_LIMIT = "100000 per minute"
    INTAKE_RATE_LIMIT = "100000 per minute"
    RATELIMIT_STORAGE_URI = "memory://"
    # A test worker (a subprocess) reads these to export slowly enough to be killed mid-job.
    EXPORT_CHUNK_ROWS = int(os.environ.get("EXPORT_CHUNK_ROWS", 1000))
    EXPORT_CHUNK_DELAY = float(os.environ.get("EXPORT_CHUNK_DELAY", 0))


CONFIGS = {"development": DevelopmentConfig, "production": Config, "test": TestConfig}
