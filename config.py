"""Configuration classes; secrets and URLs come from the environment only."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

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
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
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
    AUTH_TYPE = 1  # AUTH_DB
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    AUTH_USER_REGISTRATION = False
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
    # Excel exports of lists: up to this many rows answer at once, more run as a background job (后台任务).
    EXPORT_SYNC_MAX_ROWS = int(os.environ.get("EXPORT_SYNC_MAX_ROWS", 5000))
    EXPORT_CHUNK_ROWS = 1000  # rows read per chunk by an export job, and per progress report

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "1") == "1"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    JSON_AS_ASCII = False


class DevelopmentConfig(Config):
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    SESSION_COOKIE_SECURE = False
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    # scrypt costs ~200 ms per hash here; tests hash hundreds of passwords.
    FAB_PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    FAB_PASSWORD_COMPLEXITY_ENABLED = False
    # A test worker (a subprocess) reads these to export slowly enough to be killed mid-job.
    EXPORT_CHUNK_ROWS = int(os.environ.get("EXPORT_CHUNK_ROWS", 1000))
    EXPORT_CHUNK_DELAY = float(os.environ.get("EXPORT_CHUNK_DELAY", 0))


CONFIGS = {"development": DevelopmentConfig, "production": Config, "test": TestConfig}
