"""The browser harness of the browser tests (tests/test_browser*.py, issue 8 item 5, issue 14).

Headless Chromium from Debian's package (/usr/bin/chromium, installed by scripts/install_browser.sh from
scripts/test.sh), driven by Playwright, against the app served on a free localhost port (werkzeug in a thread) over a
database of its own with the demo data set and CSRF protection on, as in production. The fixtures (chromium, served,
walk) are imported by each test module; `served` is per module, so each module has a demo database of its own.
Screenshots of a walk go to tests/artifacts/browser/<engine>/<test>/NN-stage.png.

Throughout: no request may leave 127.0.0.1/localhost (each one is checked on the way out, and one to another host is
stopped — sent to a proxy that is not there — and fails the test), no console error (a CSP-blocked script is one),
no failed request, no answer ≥ 400.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from tests.conftest import demo_app

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parent.parent
INSTALL_LOG = ROOT / ".venv" / "browser-install.log"  # written by scripts/install_browser.sh when apt-get failed
ARTIFACTS = Path(__file__).resolve().parent / "artifacts" / "browser"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
CJK = re.compile(r"[\u4e00-\u9fff]")
TIMEOUT_MS = 15_000
OFFSITE_PROXY = "--proxy-server=http://127.0.0.1:9"
ERROR_PAGES = ("Internal Server Error", "Traceback", "Bad Request", "Not Found", "The CSRF token")

ROUND = "2027年第一轮巡察"
TEAM = "第五巡察组"
UNIT = "材料科学与工程学院"  # the demo liaison 谢婷's unit
INSPECTION = f"{ROUND}·{UNIT}"
CLUE_CODE = "XS-2027-001"


def _unavailable() -> str | None:
    """Why the browser cannot run here, or None."""
    if not os.path.exists(CHROMIUM):
        why = INSTALL_LOG.read_text(encoding="utf-8").strip() if INSTALL_LOG.exists() else ""
        return ("没有 Debian 的 Chromium（/usr/bin/chromium）：bash scripts/test.sh 会用 apt-get 安装软件包 chromium"
                + (f"；上次安装失败：{why}" if why else ""))
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "没有安装 Python 包 playwright（pip install -e \".[test]\"）"
    return None


@pytest.fixture(scope="module")
def chromium():
    reason = _unavailable()
    if reason:
        if os.environ.get("REQUIRE_PG"):  # CI (.ci/run): the browser test is required there
            pytest.fail(f"浏览器测试无法运行：{reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # Every request to another host goes to a proxy that is not there (port 9, discard) and fails; Chromium never
        # proxies 127.0.0.1/localhost. Playwright's request routing would stop them too, but it turns the HTTP cache
        # off: every page would fetch its two dozen static files again, doubling each page's time.
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[OFFSITE_PROXY])
        yield browser
        browser.close()


class _Quiet(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # the browser's requests are checked by the test, not logged
        pass


@pytest.fixture(scope="module")
def served(databases, tmp_path_factory):
    """(app, base URL): the demo on a database of its own, served by werkzeug on a free port of 127.0.0.1."""
    demo = demo_app(databases, tmp_path_factory, "browser")
    application = next(demo)
    application.config["WTF_CSRF_ENABLED"] = True  # the forms carry their tokens, as in production
    with application.app_context():  # the day's deadlines, as scripts/start.sh computes them after the demo
        from app.commands.deadlines import scan

        scan(date.today())
    server = make_server("127.0.0.1", 0, application, threaded=True, request_handler=_Quiet)
    thread = threading.Thread(target=server.serve_forever, name="xct-browser-test", daemon=True)
    thread.start()
    try:
        yield application, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        next(demo, None)


class Walk:
    """One signed-in browser context per role, the request guard, the error log, the numbered screenshots."""

    def __init__(self, browser, base: str, folder: Path):
        self.browser, self.base, self.folder = browser, base, folder
        self.pages: dict[str, object] = {}
        self.problems: list[str] = []
        self.offsite: list[str] = []
        self.n = 0
        self.shots: list[Path] = []

    # ------------------------------------------------------------------ guard

    def _request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob") and parts.hostname not in LOCAL_HOSTS:
            self.offsite.append(request.url)

    def _watch(self, context, page, who: str):
        context.on("request", self._request)
        page.on("console", lambda m: self._console(who, m))
        page.on("pageerror", lambda e: self.problems.append(f"[{who}] 脚本异常：{e}"))
        page.on("requestfailed", lambda r: self._failed(who, r))

        page.on("response", lambda r: r.status >= 400 and self.problems.append(
            f"[{who}] {r.status} {r.request.method} {r.url}"))

    def _console(self, who, message):
        # Chromium asks every site for /favicon.ico on its own: the app answers it (app.web), so no exception here.
        if message.type == "error":
            self.problems.append(f"[{who}] 控制台错误：{message.text}（{message.location.get('url') or ''}）")

    def _failed(self, who, request):
        # A download answered as an attachment ends the navigation: Chromium reports it as aborted, not as a failure.
        if request.failure == "net::ERR_ABORTED" and request.is_navigation_request():
            return
        self.problems.append(f"[{who}] 请求失败：{request.method} {request.url}（{request.failure}）")

    def check(self):
        assert not self.offsite, f"有请求离开了本机：{self.offsite}"
        assert not self.problems, "浏览器报告了错误：\n" + "\n".join(self.problems)

    # ------------------------------------------------------------------ roles

    def as_(self, username: str, size: tuple[int, int] | None = None):
        """The page of `username`, signed in through the login form the first time; `size` (width, height) opens
        another window of that size, signed in on its own."""
        key = f"{username}-{size[0]}x{size[1]}" if size else username
        if key in self.pages:
            return self.pages[key]
        from seeds.demo import DEMO_PASSWORD

        width, height = size or (1366, 900)
        context = self.browser.new_context(locale="zh-CN", accept_downloads=True,
                                           viewport={"width": width, "height": height})
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        self._watch(context, page, username)
        page.goto(self.base + "/login/")
        page.fill("#username", username)
        page.fill("#password", DEMO_PASSWORD)
        page.locator("form [type=submit]").first.click()
        page.wait_for_load_state()
        assert "/login/" not in page.url, f"{username} 未能登录：{page.url}"
        self.pages[key] = page
        return page

    def go(self, page, path: str):
        page.goto(self.base + path)
        self.page_ok(page)

    # ------------------------------------------------------------------ pages

    def page_ok(self, page):
        try:
            self._page_ok(page)
        except AssertionError:
            page.screenshot(path=str(self.folder / "failed.png"), full_page=True)  # what the browser showed
            raise

    def _page_ok(self, page):
        text = page.locator("body").inner_text()
        for bad in ERROR_PAGES:
            assert bad not in text, f"{page.url} 显示错误页：{text[:300]}"
        danger = page.locator(".alert-danger:visible")
        assert danger.count() == 0, f"{page.url} 显示错误提示：{danger.first.inner_text()}；出错的字段：" + "；".join(
            page.locator(".has-error").all_inner_texts())
        errors = page.locator(".has-error .help-block:visible, .form-group .text-danger:visible")
        assert errors.count() == 0, f"{page.url} 表单有错：{errors.all_inner_texts()}"
        self.check()

    def title(self, page) -> str:
        for selector in ("h1", "h2", ".panel-title", ".panel-heading", "h3", "h4"):
            heads = page.locator(f"{selector}:visible")
            if heads.count():
                return heads.first.inner_text().strip()
        return ""

    def shot(self, page, stage: str, expect: str | None = None) -> str:
        """Assert the page is a Chinese screen without errors (its title contains `expect`), then screenshot it."""
        self.page_ok(page)
        title = self.title(page)
        assert CJK.search(title), f"{stage}：{page.url} 的标题不是中文：{title!r}"
        if expect:
            assert expect in page.locator("body").inner_text(), f"{stage}：{page.url} 没有显示「{expect}」"
        self.n += 1
        path = self.folder / f"{self.n:02d}-{stage}.png"
        page.screenshot(path=str(path), full_page=True)
        self.shots.append(path)
        return title

    def shot_error(self, page, stage: str):
        """A screenshot of a page that shows a refusal on purpose (no other check than the request guard)."""
        self.check()
        self.n += 1
        page.screenshot(path=str(self.folder / f"{self.n:02d}-{stage}.png"), full_page=True)

    # ------------------------------------------------------------------ forms

    def fill(self, page, fields: dict):
        """Fill a form by field name: selects by option text (select2 keeps the <select>), check boxes, files."""
        for name, value in fields.items():
            el = page.locator(f'[name="{name}"]').first
            kind = el.evaluate("e => e.tagName.toLowerCase() + ':' + (e.type || '')")
            if kind.startswith("select") and el.get_attribute("data-xct-choices"):
                # a dropdown searched on the server (views/choices.py): asked as select2 asks while one types
                labels = value if isinstance(value, list) else [value]
                hit = el.evaluate(
                    """async (e, labels) => {
                      const parents = (e.getAttribute('data-xct-parents') || '').split(',').filter(Boolean);
                      for (const l of labels) {
                        const q = new URLSearchParams({q: l, page: 1});
                        parents.forEach(p => { const f = e.form && e.form.elements[p]; if (f && f.value) q.set(p, f.value); });
                        const r = await fetch(e.getAttribute('data-xct-choices') + '?' + q, {credentials: 'same-origin'});
                        const found = (await r.json()).results;
                        const pick = found.find(x => x.text.trim() === l) || found.find(x => x.text.includes(l));
                        if (!pick) return false;
                        if (!Array.from(e.options).some(o => o.value === pick.id)) e.add(new Option(pick.text, pick.id));
                        Array.from(e.options).forEach(o => { o.selected = o.value === pick.id || (e.multiple && o.selected); });
                      }
                      if (window.jQuery) window.jQuery(e).trigger('change');
                      else e.dispatchEvent(new Event('change', {bubbles: true}));
                      return true;
                    }""", labels)
                assert hit, f"{page.url}：字段 {name} 搜索不到 {labels}"
            elif kind.startswith("select"):
                labels = value if isinstance(value, list) else [value]
                hit = el.evaluate(
                    """(e, labels) => {
                      const opts = Array.from(e.options);
                      const pick = labels.map(l => opts.find(o => o.text.trim() === l) || opts.find(o => o.text.includes(l)));
                      if (pick.some(o => !o)) return false;
                      opts.forEach(o => { o.selected = pick.includes(o); });
                      if (window.jQuery) window.jQuery(e).trigger('change');
                      else e.dispatchEvent(new Event('change', {bubbles: true}));
                      return true;
                    }""", labels)
                assert hit, f"{page.url}：字段 {name} 没有选项 {labels}"
            elif kind == "input:checkbox":
                el.set_checked(bool(value))
            elif kind == "input:radio":
                page.locator(f'[name="{name}"][value="{value}"]').check()
            elif kind == "input:file":
                el.set_input_files(value)
            elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value)):
                # Typed, as a person does: the datepicker reads keystrokes and rewrites the input from its own date
                # when it closes, so a value set without key events (fill) is cleared at the next click.
                el.fill("")
                el.press_sequentially(str(value))
            else:
                el.fill(str(value))

    def submit(self, page, button: str | None = None):
        form = page.locator("form:has([type=submit]):visible").last
        target = form.locator(f"[type=submit]:has-text('{button}')") if button else form.locator("[type=submit]")
        with page.expect_navigation():
            target.first.click()
        self.page_ok(page)

    def add(self, page, view: str, fields: dict, *, stage: str, expect: str) -> str:
        """A record through `view`'s add form, opened from its list's add button as a person does; back on the list."""
        self.go(page, f"/{view}/list/")
        with page.expect_navigation():
            page.locator(f"a[href*='/{view}/add']").first.click()
        self.page_ok(page)
        self.fill(page, fields)
        self.submit(page)
        assert "/add" not in page.url, f"{view}：保存后仍在新增页"
        self.shot(page, stage, expect)
        return page.url

    def show_of(self, page, view: str, text: str) -> int:
        """The id of the row of `view`'s list that shows `text` (through the list's search and its show link)."""
        self.go(page, f"/{view}/list/?psize_{view}=100")
        row = page.locator("table tr", has_text=text).first
        href = row.locator("a[href*='/show/']").first.get_attribute("href")
        return int(href.rstrip("/").rsplit("/", 1)[1].split("?")[0])

    def click(self, page, name: str):
        with page.expect_navigation():
            page.get_by_role("link", name=name).or_(page.get_by_role("button", name=name)).first.click()
        self.page_ok(page)


@pytest.fixture()
def walk(chromium, served, db_kind, request):
    folder = ARTIFACTS / db_kind / request.node.name.removeprefix("test_")  # each walk keeps its own screenshots
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    w = Walk(chromium, served[1], folder)
    yield w
    for who, page in w.pages.items():
        page.screenshot(path=str(folder / f"last-{who}.png"), full_page=True)  # where each role stopped
        page.context.close()
