"""A real CAS server for tests/test_sso.py: django-cas-server (PyPI), run from its own venv (scripts/install_cas.sh),
never imported by the project. One seeded user, from the environment the test fixture sets."""

import json
import os

BASE = os.environ["CAS_TEST_DIR"]
SECRET_KEY = os.environ.get("CAS_TEST_SECRET", "cas-test-only")  # a throw-away server on 127.0.0.1
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
                  "django.contrib.messages", "django.contrib.staticfiles", "cas_server"]
MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware", "django.middleware.common.CommonMiddleware",
              "django.middleware.csrf.CsrfViewMiddleware", "django.contrib.auth.middleware.AuthenticationMiddleware",
              "django.contrib.messages.middleware.MessageMiddleware", "django.middleware.locale.LocaleMiddleware"]
ROOT_URLCONF = "urls"
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True,
              "OPTIONS": {"context_processors": ["django.template.context_processors.request",
                                                 "django.contrib.auth.context_processors.auth",
                                                 "django.contrib.messages.context_processors.messages"]}}]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.path.join(BASE, "cas.sqlite3")}}
STATIC_URL = "/static/"
USE_TZ = True
LANGUAGE_CODE = "zh-hans"
# the seeded user: cas_server.auth.TestAuthUser signs in exactly one username with one password
CAS_AUTH_CLASS = "cas_server.auth.TestAuthUser"
CAS_TEST_USER = os.environ["CAS_TEST_USER"]
CAS_TEST_PASSWORD = os.environ["CAS_TEST_PASSWORD"]
CAS_TEST_ATTRIBUTES = json.loads(os.environ["CAS_TEST_ATTRIBUTES"])
CAS_SHOW_POWERED = False
CAS_NEW_VERSION_HTML_WARNING = False
CAS_NEW_VERSION_EMAIL_WARNING = False
CAS_SLO_TIMEOUT = 5
