"""A real CAS server for tests/test_sso.py: django-cas-server (PyPI), installed by scripts/install_cas.sh into a venv
of its own (CAS_VENV, default .venv/cas-server: Django is no dependency of the project), started here on a free
port with one seeded user (tests/cas_django), its single logout (SLO) POSTs received on a second free port and
handed to the app.

A person at the CAS login page is played by `Browser`: plain HTTP with the CAS server's cookie, its form as served
(CSRF token, login ticket), no redirect followed — the ticket comes back in the Location, as a browser would see it.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

ROOT = Path(__file__).resolve().parent.parent
CAS_VENV = Path(os.environ.get("CAS_VENV", ROOT / ".venv" / "cas-server"))
PROJECT = Path(__file__).resolve().parent / "cas_django"
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One browser's session at the CAS server."""

    def __init__(self, url: str):
        self.url = url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirect)

    def open(self, url: str, data: dict | None = None) -> tuple[int, str, str]:
        """(status, Location, body) of one request, redirects not followed."""
        try:
            with self.opener.open(url, urllib.parse.urlencode(data).encode() if data else None, timeout=10) as r:
                return r.status, r.headers.get("Location", ""), r.read().decode()
        except urllib.error.HTTPError as exc:  # 3xx without a handler lands here
            return exc.code, exc.headers.get("Location", ""), exc.read().decode(errors="replace")

    def sign_in(self, service: str, username: str, password: str) -> str:
        """The address the CAS server sends the browser back to (the service, with its ticket); "" when it does not
        (a wrong password: the login page again)."""
        _, _, page = self.open(f"{self.url}/login?service={urllib.parse.quote(service, safe='')}")
        status, location, _ = self.open(f"{self.url}/login", {**dict(HIDDEN.findall(page)),
                                                               "username": username, "password": password})
        return location if status == 302 else ""


class DjangoCas:
    """The server process and its SLO listener; `log` is its request log (which validation path was asked)."""

    def __init__(self, tmp: Path, user: str, password: str, attributes: dict, slo_to):
        self.port, self.tmp = free_port(), tmp
        self.slo = make_server("127.0.0.1", free_port(), self._slo(slo_to), threaded=True)
        threading.Thread(target=self.slo.serve_forever, daemon=True).start()
        self.env = {**os.environ, "CAS_TEST_DIR": str(tmp), "CAS_TEST_USER": user, "CAS_TEST_PASSWORD": password,
                    "CAS_TEST_ATTRIBUTES": json.dumps(attributes, ensure_ascii=False),
                    "CAS_TEST_SLO": f"http://127.0.0.1:{self.slo.server_port}/", "PYTHONPATH": str(PROJECT),
                    "DJANGO_SETTINGS_MODULE": "settings"}
        self.proc = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/cas"

    @property
    def log(self) -> str:
        return (self.tmp / "server.log").read_text(errors="replace")

    @staticmethod
    def _slo(deliver):
        def wsgi(environ, start_response):
            req = Request(environ)
            status = deliver(dict(req.form)) if req.method == "POST" else 405
            return Response("", status)(environ, start_response)
        return wsgi

    def start(self) -> str | None:
        """None once the server answers, else why not (Chinese)."""
        python = CAS_VENV / "bin" / "python"
        if not python.exists():
            return f"没有 CAS 服务器 django-cas-server（{python} 不存在；bash scripts/install_cas.sh 安装）"
        # the test's own CAS server, run from its venv with arguments fixed here
        seeded = subprocess.run([str(python), str(PROJECT / "seed.py")], env=self.env, capture_output=True,  # nosec B603
                                timeout=120)
        if seeded.returncode:
            return f"CAS 服务器数据库初始化失败：{seeded.stderr.decode(errors='replace')[-500:]}"
        log = (self.tmp / "server.log").open("wb")
        # the same venv's Django development server, on 127.0.0.1 only
        self.proc = subprocess.Popen([str(python), "-m", "django", "runserver", f"127.0.0.1:{self.port}",  # nosec B603
                                      "--noreload"], env=self.env, stdout=log, stderr=subprocess.STDOUT)
        for _ in range(100):
            try:  # an http:// address built above
                urllib.request.urlopen(f"{self.url}/login", timeout=1).close()  # nosec B310
                return None
            except OSError:
                if self.proc.poll() is not None:
                    return f"CAS 服务器未能启动：{self.log[-500:]}"
                time.sleep(0.1)
        return "CAS 服务器 10 秒内未应答"

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
        self.slo.shutdown()
