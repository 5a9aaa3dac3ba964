"""码上巡察: anonymous online petitions (issue 17 §2; 规程三（二）4 意见箱, 附件7 公告).

An inspection in 进驻 (work_start ≤ today ≤ work_end) takes submissions at its token URL without login; the row lands
in the 信访受理 register as 网络 with no address, agent or cookie; a receipt code and passphrase read the status and
the team's reply; captcha, rate limit, size and type checks hold off abuse.
"""

from __future__ import annotations

import io
import json
import os
import uuid
from datetime import date, timedelta

import pytest
import segno
import sqlalchemy as sa
from PIL import Image, ImageChops
from werkzeug.security import check_password_hash

import schema as m
from tests.conftest import REDIS_TEST_URL, demo_world, make_app

TODAY = date.today()
TEAM_OF = ("SELECT tm.team_id FROM team_member tm JOIN person p ON p.id = tm.person_id WHERE p.username = '{}'")
HANDED = "SELECT inspection_id FROM archive_volume WHERE handed_over_on IS NOT NULL"


@pytest.fixture(scope="module")
def world(databases, tmp_path_factory):
    yield from demo_world(databases, tmp_path_factory, "intake")


def _db():
    from app.extensions import db

    return db


def _sql(app, sql: str, **params):
    with app.app_context():
        return _db().session.execute(sa.text(sql), params).all()


def _one(app, sql: str, **params):
    rows = _sql(app, sql, **params)
    return rows[0][0] if rows else None


@pytest.fixture(scope="module")
def places(world):
    """Three inspections: `ours` (zuyuan's team, the liaison's unit if the demo has one, open), `other` (a team
    without zuyuan, open), `closed` (its work ended yesterday)."""
    app = world[0]
    liaison_unit = _one(app, "SELECT unit_id FROM person WHERE username = 'liaison'")
    ours = _one(app, f"SELECT id FROM inspection WHERE team_id IN ({TEAM_OF.format('zuyuan')}) AND id NOT IN "
                     f"({HANDED}) ORDER BY (unit_id = :u) DESC, id", u=liaison_unit)
    other = _one(app, f"SELECT id FROM inspection WHERE team_id NOT IN ({TEAM_OF.format('zuyuan')}) AND id NOT IN "
                      f"({HANDED}) AND unit_id <> :u ORDER BY id", u=liaison_unit)
    closed = _one(app, f"SELECT id FROM inspection WHERE id NOT IN (:a, :b) AND id NOT IN ({HANDED}) ORDER BY id",
                  a=ours, b=other)
    assert ours and other and closed
    from app.uow import transaction

    with app.app_context(), transaction():
        for pk, start, end in ((ours, -3, 20), (other, -1, 5), (closed, -30, -1)):
            _db().session.execute(sa.update(m.Inspection).where(m.Inspection.id == pk).values(
                work_start=TODAY + timedelta(days=start), work_end=TODAY + timedelta(days=end)))
    tokens = dict(_sql(app, "SELECT id, intake_token FROM inspection WHERE id IN (:a, :b, :c)", a=ours, b=other,
                       c=closed))
    return {"ours": ours, "other": other, "closed": closed, "liaison_unit": liaison_unit,
            "url": {k: f"/intake/{tokens[v]}" for k, v in (("ours", ours), ("other", other), ("closed", closed))}}


def _captcha(app, client) -> dict:
    """A fresh captcha and its answer, as a person reading the image would type it."""
    from app.commands.intake import _answer, _nonce

    resp = client.get("/intake/captcha")
    assert resp.status_code == 200 and "Set-Cookie" not in resp.headers
    with app.test_request_context():
        return {"captcha_id": resp.json["captcha_id"], "captcha": _answer(_nonce(resp.json["captcha_id"])).lower()}


def _submit(world, places, where="ours", addr="10.1.0.1", **body):
    app, client, _ = world
    payload = {"matter": f"反映{uuid.uuid4().hex[:8]}：某科研经费报销存在问题", "contact": "13800000000",
               **_captcha(app, client), **body}
    return client.post(places["url"][where], json=payload, environ_base={"REMOTE_ADDR": addr})


def test_api_carries_intake_url_only_while_open_and_only_in_scope(world, places):
    app, client, tokens = world
    resp = client.get(f"/api/v1/inspection/{places['ours']}", headers=tokens("office"))
    assert resp.status_code == 200 and resp.json["result"]["intake_url"].endswith(places["url"]["ours"])
    assert client.get(f"/api/v1/inspection/{places['closed']}", headers=tokens("office")).json["result"][
        "intake_url"] is None
    assert client.get(f"/api/v1/inspection/{places['other']}", headers=tokens("zuyuan")).status_code == 404
    mine = client.get(f"/api/v1/inspection/{places['ours']}", headers=tokens("zuyuan"))
    assert mine.json["result"]["intake_url"] == resp.json["result"]["intake_url"]


def test_open_page_needs_no_login_and_sets_no_cookie(world, places):
    app, client, _ = world
    resp = app.test_client().get(places["url"]["ours"])
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "反映的主要问题" in html and "验证码" in html
    assert "Set-Cookie" not in resp.headers and resp.headers["Cache-Control"] == "no-store"
    assert client.get("/intake/" + "x" * 43).status_code == 404


def test_closed_page_says_so_and_refuses_posts(world, places):
    app, client, _ = world
    page = client.get(places["url"]["closed"]).get_data(as_text=True)
    assert "已关闭" in page and "<form" not in page
    resp = _submit(world, places, "closed")
    assert resp.status_code == 403 and "已关闭" in resp.json["message"]
    form = client.post(places["url"]["closed"], data={"matter": "问题", **_captcha(app, client)})
    assert form.status_code == 403 and "已关闭" in form.get_data(as_text=True)


def test_submission_lands_in_register_as_network_without_address_or_agent(world, places):
    app, client, tokens = world
    last_change = _one(app, "SELECT coalesce(max(id), 0) FROM change_log")
    last_read = _one(app, "SELECT coalesce(max(id), 0) FROM read_log")
    resp = _submit(world, places, addr="10.9.8.7", headers={"User-Agent": "Agent/7"})
    assert resp.status_code == 201 and "Set-Cookie" not in resp.headers, resp.get_data(as_text=True)
    receipt, passphrase = resp.json["receipt"], resp.json["passphrase"]
    with app.app_context():
        row = _db().session.scalar(sa.select(m.Petition).where(m.Petition.receipt_code == receipt))
        assert (row.channel, row.triage, row.is_anonymous, row.inspection_id) == ("网络", "待处理", True,
                                                                                 places["ours"])
        assert row.petitioner_contact == "13800000000" and row.petitioner_name is None
        assert row.passphrase_hash != passphrase and check_password_hash(row.passphrase_hash,
                                                                         passphrase.replace("-", ""))
        values = [str(getattr(row, c.key)) for c in m.Petition.__table__.columns]
        columns = [c.key for c in m.Petition.__table__.columns]
        pk = row.id
    assert not any(word in c for c in columns for word in ("addr", "agent", "cookie", "_ip"))
    assert not any("10.9.8.7" in v or "Agent/7" in v for v in values)
    logged = _sql(app, "SELECT actor, remote_addr, entity FROM change_log WHERE id > :i", i=last_change)
    assert ("码上巡察（匿名）", None, "petition") in logged
    assert all(addr is None for _, addr, _ in logged)
    assert _sql(app, "SELECT id FROM read_log WHERE id > :i AND remote_addr = '10.9.8.7'", i=last_read) == []
    # in the register like any petition: masked contact, read logged
    shown = client.get(f"/api/v1/petition/{pk}", headers=tokens("office"))
    assert shown.json["result"]["channel"] == "网络" and shown.json["result"]["petitioner_contact"] == "已隐藏"
    assert _one(app, "SELECT count(*) FROM read_log WHERE entity = 'petition' AND entity_id = :p", p=pk) == 1
    listed = client.get("/api/v1/petition/?q=(filters:!((col:channel,opr:eq,value:网络)),page_size:100)",
                        headers=tokens("zuyuan"))
    assert pk in listed.json["ids"]


def test_status_with_the_pair_and_404_alike_for_any_wrong_pair(world, places):
    app, client, _ = world
    sub = _submit(world, places).json
    ok = client.post("/intake/status", json={"receipt": sub["receipt"].lower(), "passphrase": sub["passphrase"]})
    assert ok.status_code == 200
    assert ok.json == {"receipt": sub["receipt"], "received_on": TODAY.isoformat(), "status": "已收到，待巡察组处理",
                       "reply": None, "replied_on": None}
    wrong = client.post("/intake/status", json={"receipt": sub["receipt"], "passphrase": "AAAA-BBBB-CCCC-DDDD"})
    unknown = client.post("/intake/status", json={"receipt": "ZZZZZZZZZZZZ", "passphrase": sub["passphrase"]})
    empty = client.post("/intake/status", json={})
    assert wrong.status_code == unknown.status_code == empty.status_code == 404
    assert wrong.get_data() == unknown.get_data() == empty.get_data()
    assert wrong.json["message"] == "回执码或查询密码不正确"
    page = client.post("/intake/status", data={"receipt": sub["receipt"], "passphrase": sub["passphrase"]})
    assert page.status_code == 200 and "已收到，待巡察组处理" in page.get_data(as_text=True)


def test_captcha_required_wrong_and_single_use(world, places):
    app, client, _ = world
    url = places["url"]["ours"]
    missing = client.post(url, json={"matter": "问题"})
    assert missing.status_code == 400 and missing.json["errors"] == {"captcha": [missing.json["message"]]}
    assert "验证码" in missing.json["message"]
    captcha = _captcha(app, client)
    wrong = client.post(url, json={"matter": "问题", "captcha_id": captcha["captcha_id"], "captcha": "0000"})
    assert wrong.status_code == 400 and "验证码" in wrong.json["message"]
    for odd in ({"captcha_id": 7, "captcha": 7}, {"captcha_id": [captcha["captcha_id"]], "captcha": None},
                {"captcha_id": captcha["captcha_id"], "captcha": ["x"]}):
        assert client.post(url, json={"matter": "问题", **odd}).json["errors"].keys() == {"captcha"}
    assert client.post(url, json={"matter": "一个问题", **captcha}).status_code == 201
    replay = client.post(url, json={"matter": "又一个问题", **captcha})
    assert replay.status_code == 400 and "已使用" in replay.json["message"]
    image = client.get(f"/intake/captcha/{captcha['captcha_id']}.png")
    assert image.status_code == 200 and image.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get("/intake/captcha/forged.png").status_code == 404


def test_matter_required_naming_the_field(world, places):
    resp = _submit(world, places, matter="   ")
    assert resp.status_code == 400 and resp.json["errors"] == {"matter": ["反映的主要问题：请填写"]}
    long = _submit(world, places, matter="长" * 5001)
    assert long.status_code == 400 and "5000" in long.json["message"]


def test_rate_limit_per_address_in_memory(world, places):
    app, client, _ = world
    app.config["INTAKE_RATE_LIMIT"] = "2 per minute"
    try:
        answers = [_submit(world, places, addr="10.7.7.7").status_code for _ in range(3)]
        other = _submit(world, places, addr="10.7.7.8").status_code
    finally:
        app.config["INTAKE_RATE_LIMIT"] = "100000 per minute"
    assert answers == [201, 201, 429] and other == 201


def test_rate_limit_counts_in_redis_for_minutes_only(world, places, tmp_path):
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except RedisError as exc:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"Redis 不可用（{REDIS_TEST_URL}）：{exc}")
        pytest.skip(f"Redis 不可用（{REDIS_TEST_URL}）：{exc.__class__.__name__}")
    prefix = f"xct-intake-{uuid.uuid4().hex}"
    sibling = make_app(world[0].config["SQLALCHEMY_DATABASE_URI"], str(tmp_path), RATELIMIT_STORAGE_URI=REDIS_TEST_URL,
                       RATELIMIT_KEY_PREFIX=prefix, INTAKE_RATE_LIMIT="2 per 5 minutes")
    client = sibling.test_client()
    redis = Redis.from_url(REDIS_TEST_URL)
    try:
        answers = [_submit((sibling, client, None), places, addr="10.6.6.6").status_code for _ in range(3)]
        keys = [k for k in redis.scan_iter(f"*{prefix}*")]
        assert answers == [201, 201, 429]
        assert keys and all(0 < redis.ttl(k) <= 600 for k in keys)  # gone within minutes: nothing kept
    finally:
        for k in redis.scan_iter(f"*{prefix}*"):
            redis.delete(k)
        with sibling.app_context():
            _db().session.remove()
            _db().engine.dispose()


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, format="PNG")
    return out.getvalue()


def test_attachments_checked_by_content_with_a_chinese_message_naming_the_field(world, places):
    app, client, tokens = world
    url = places["url"]["ours"]

    def post(name: str, data: bytes):
        return client.post(url, data={"matter": f"附件测试 {name}", **_captcha(app, client),
                                      "attachments": (io.BytesIO(data), name)}, content_type="multipart/form-data")

    exe = post("工具.exe", b"MZ\x90\x00")
    assert exe.status_code == 400 and "附件「工具.exe」：只接受图片" in exe.get_data(as_text=True)
    fake = post("照片.png", b"<script>alert(1)</script>")
    assert fake.status_code == 400 and "附件「照片.png」：文件内容不是有效的 PNG 图片" in fake.get_data(as_text=True)
    pdf = post("说明.pdf", b"GIF89a not a pdf")
    assert pdf.status_code == 400 and "不是有效的 PDF" in pdf.get_data(as_text=True)
    good = post("现场照片.png", _png())
    html = good.get_data(as_text=True)
    assert good.status_code == 201 and "回执码" in html, html
    receipt = html.split('id="receipt">')[1].split("<")[0]
    with app.app_context():
        row = _db().session.scalar(sa.select(m.Petition).where(m.Petition.receipt_code == receipt))
        assert [(d.original_name, d.is_confidential) for d in row.attachments] == [("现场照片.png", True)]


def test_same_matter_twice_is_flagged_for_triage(world, places):
    app = world[0]
    matter = f"重复反映 {uuid.uuid4().hex[:6]}"
    first, second = (_submit(world, places, matter=matter).json["receipt"] for _ in range(2))
    flags = dict(_sql(app, "SELECT receipt_code, suspected_duplicate FROM petition WHERE receipt_code IN (:a, :b)",
                      a=first, b=second))
    assert not flags[first] and flags[second]


def test_liaison_never_sees_the_submission(world, places):
    app, client, tokens = world
    receipt = _submit(world, places).json["receipt"]
    pk = _one(app, "SELECT id FROM petition WHERE receipt_code = :r", r=receipt)
    assert client.get(f"/api/v1/petition/{pk}", headers=tokens("liaison")).status_code in (403, 404)
    listed = client.get("/api/v1/petition/", headers=tokens("liaison"))
    assert listed.status_code in (403, 404) or pk not in listed.json["ids"]
    assert client.post(f"/api/v1/petition/{pk}/reply", json={"reply": "答复"},
                       headers=tokens("liaison")).status_code in (403, 404)


def test_team_replies_and_the_submitter_reads_it(world, places):
    app, client, tokens = world
    sub = _submit(world, places).json
    pk = _one(app, "SELECT id FROM petition WHERE receipt_code = :r", r=sub["receipt"])
    theirs = _submit(world, places, "other").json
    their_pk = _one(app, "SELECT id FROM petition WHERE receipt_code = :r", r=theirs["receipt"])
    # another team does not even find it; the leading group reads but does not write
    assert client.post(f"/api/v1/petition/{their_pk}/reply", json={"reply": "答复"},
                       headers=tokens("zuyuan")).status_code == 404
    assert client.post(f"/api/v1/petition/{pk}/reply", json={"reply": "答复"},
                       headers=tokens("leader")).status_code == 403
    office = client.post(f"/api/v1/petition/{pk}/reply", json={"reply": "答复"}, headers=tokens("office"))
    assert office.status_code == 403 and office.json["message"] == "只有本巡察组成员可以答复信访人"
    empty = client.post(f"/api/v1/petition/{pk}/reply", json={"reply": " "}, headers=tokens("zuyuan"))
    assert empty.status_code == 400 and empty.json["errors"] == {"reply": ["答复内容：请填写"]}
    # a generic PUT does not write the step's fields
    put = client.put(f"/api/v1/petition/{pk}", json={"reply": "绕过步骤"}, headers=tokens("zuyuan"))
    assert put.status_code == 422 and "答复信访人" in str(put.json["message"])
    done = client.post(f"/api/v1/petition/{pk}/reply", json={"reply": "已核实，正在处理。"}, headers=tokens("zuyuan"))
    assert done.status_code == 200 and done.json["result"] == {"reply": "已核实，正在处理。",
                                                                "replied_on": TODAY.isoformat()}
    status = client.post("/intake/status", json=sub).json
    assert (status["status"], status["reply"], status["replied_on"]) == ("巡察组已答复", "已核实，正在处理。",
                                                                         TODAY.isoformat())
    assert client.post("/intake/status", json=theirs).json["reply"] is None


def test_reply_page_for_the_team(world, places):
    app, _, _ = world
    sub = _submit(world, places).json
    pk = _one(app, "SELECT id FROM petition WHERE receipt_code = :r", r=sub["receipt"])
    from seeds.demo import DEMO_PASSWORD

    browser = app.test_client()
    assert browser.post("/login/", data={"username": "zuyuan", "password": DEMO_PASSWORD}).status_code == 302
    assert "答复信访人" in browser.get(f"/petitionview/show/{pk}").get_data(as_text=True)
    assert browser.get(f"/petitionreply/{pk}").status_code == 200
    page = browser.get(f"/inspectionview/show/{places['ours']}").get_data(as_text=True)
    assert f'{places["url"]["ours"]}/qr.png' in page and "码上巡察" in page
    resp = browser.post(f"/petitionreply/{pk}", data={"reply": "页面答复"})
    assert resp.status_code == 302
    assert app.test_client().post("/intake/status", json=sub).json["reply"] == "页面答复"


def _bare_qr(url: str) -> Image.Image:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=10, border=4)
    return Image.open(io.BytesIO(out.getvalue())).convert("RGB")


def _poster_of_the_page(world, places) -> tuple[Image.Image, str]:
    """(the poster served at qr.png, decoded by Pillow; the page's address from the API)."""
    app, client, tokens = world
    url = client.get(f"/api/v1/inspection/{places['ours']}", headers=tokens("office")).json["result"]["intake_url"]
    resp = client.get(places["url"]["ours"] + "/qr.png")
    assert resp.status_code == 200 and resp.mimetype == "image/png"
    poster = Image.open(io.BytesIO(resp.data))
    poster.load()
    return poster.convert("RGB"), url


def _qr_intact_with_caption(poster: Image.Image, url: str) -> None:
    """The poster holds the page's QR code pixel for pixel at its top, and dark text drawn under it."""
    bare = _bare_qr(url)
    left = (poster.width - bare.width) // 2
    assert poster.height > bare.height and poster.width >= bare.width
    assert ImageChops.difference(poster.crop((left, 0, left + bare.width, bare.height)), bare).getbbox() is None
    assert poster.crop((0, bare.height, poster.width, poster.height)).convert("L").getextrema()[0] < 128


def test_qr_poster_links_to_the_page_with_a_chinese_caption(world, places, monkeypatch):
    import app.intake_poster as drawing

    if drawing.cjk_font_file() is None:
        pytest.skip("未安装中文字体（fonts-noto-cjk）：海报说明无法绘制，降级见下一个测试")
    drawn, layout = [], drawing.caption_lines
    monkeypatch.setattr(drawing, "caption_lines", lambda *a: drawn.extend(a) or layout(*a))
    poster, url = _poster_of_the_page(world, places)
    _qr_intact_with_caption(poster, url)
    with world[0].app_context():
        inspection = _db().session.get(m.Inspection, places["ours"])
        name, end = str(inspection), inspection.work_end
    assert drawn[0] == url and drawn[1] == name and drawing.CALL not in drawn
    assert f"{end.year}年{end.month}月{end.day}日" in drawn[3]
    assert drawing.CALL in [text for text, _ in layout(*drawn)]


def test_qr_poster_without_a_cjk_font_still_carries_the_code(world, places, monkeypatch, caplog):
    import app.intake_poster as drawing

    monkeypatch.setattr(drawing, "cjk_font_file", lambda: None)
    _qr_intact_with_caption(*_poster_of_the_page(world, places))
    assert drawing.NO_FONT in caplog.text


def test_statistics_count_online_petitions(world, places):
    """附件23 受理信访件数 counts the 网络 petitions like any other (app.stats, the team's own scope)."""
    app, client, tokens = world

    def petitions() -> int:
        groups = client.get("/api/v1/statistics/figures?by=inspection", headers=tokens("zuyuan")).json["result"]
        return next(g["values"]["petitions"] for g in groups if g["key"] == places["ours"])

    before = petitions()
    assert _submit(world, places).status_code == 201
    assert petitions() == before + 1 == _one(app, "SELECT count(*) FROM petition WHERE inspection_id = :i",
                                             i=places["ours"])


def test_announcement_carries_the_qr_code(world, places):
    """附件7 巡察公告: the 码上巡察 address and its QR code as an image in the Word file."""
    from docx import Document as Word

    app, client, tokens = world
    resp = client.get(f"/api/v1/inspection/{places['ours']}/export/7", headers=tokens("zuzhang"))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    doc = Word(io.BytesIO(resp.data))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert places["url"]["ours"] in text and "码上巡察" in text
    assert len(doc.inline_shapes) == 1


def test_announcement_made_outside_a_request_carries_the_public_address(world, places, monkeypatch):
    """附件7 made by a job, a seed or the CLI (no request, no host): the page at PUBLIC_URL and its QR code; without
    PUBLIC_URL there is no address to print, and the 公告 carries neither."""
    from docx import Document as Word

    from app.commands.documents import export_attachment
    from app.storage import storage_path
    from app.uow import transaction

    app = world[0]

    def announcement() -> tuple[str, int]:
        with app.app_context():
            with transaction():
                doc = export_attachment(_db().session.get(m.Inspection, places["ours"]), 7, None)
                stored = doc.storage_name
            word = Word(storage_path(stored))
        return "\n".join(p.text for p in word.paragraphs), len(word.inline_shapes)

    public = f"https://xct.example.edu.cn/xunchatong{places['url']['ours']}"
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://xct.example.edu.cn/xunchatong/")
    text, pictures = announcement()
    assert public in text and pictures == 1
    with app.test_request_context():  # the same address from a screen, whatever host the request came in on
        from app.commands.intake import page_url

        assert page_url(_db().session.get(m.Inspection, places["ours"])) == public
    monkeypatch.setitem(app.config, "PUBLIC_URL", "")
    text, pictures = announcement()
    assert "/intake/" not in text and pictures == 0


@pytest.mark.parametrize("body", [None, [], "文字", 7, {"matter": 7}, {"matter": ["a"], "contact": {"x": 1}},
                                  {"receipt": 1, "passphrase": None}, {"reply": ["x"]}, {"reply": "\u202e" * 6000}])
def test_odd_bodies_never_answer_500(world, places, body):
    app, client, tokens = world
    pk = _one(app, "SELECT min(id) FROM petition WHERE inspection_id = :i AND receipt_code IS NOT NULL",
              i=places["ours"]) or _one(app, "SELECT min(id) FROM petition")
    for url, headers in ((places["url"]["ours"], {}), (places["url"]["closed"], {}), ("/intake/status", {}),
                         (f"/api/v1/petition/{pk}/reply", tokens("zuyuan"))):
        resp = client.post(url, data=json.dumps(body), content_type="application/json", headers=headers)
        assert 400 <= resp.status_code < 500 and resp.json["message"], (url, body, resp.status_code)
        form = client.post(url, data={"matter": "x" * 6000, "captcha_id": "伪造"}, headers=headers)
        assert form.status_code < 500, (url, form.status_code)
