"""码上巡察: anonymous online petitions (issue 17 §2; 规程三（二）4 意见箱, 附件7 公告's 联系方式).

A submission lands in the 信访受理 register as a 网络 petition, with the register's triage, masking and read log.
The submitter gets a receipt code and a passphrase (kept only as a hash) that show the status and the team's reply,
nothing else. Nothing identifying is kept: no address (the history row of the insert is written without one), no
browser, no cookie (the page sets none); images are re-encoded, which drops their EXIF (camera, GPS).
Abuse is held off without identifying anyone: a locally drawn captcha (single use, 10 minutes), the per-address
rate limit of the view (flask-limiter, counted in Redis for minutes), a size cap, and duplicates flagged for triage.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
from datetime import date

import sqlalchemy as sa
from captcha.image import ImageCaptcha
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from PIL import Image, UnidentifiedImageError
from werkzeug.security import check_password_hash, generate_password_hash

from app.audit import acting_as
from app.errors import BadRequest, CommandError, Forbidden, NotFound
from app.exports.template_check import check_package
from app.extensions import db
from app.intake_poster import poster_png
from app.public_url import external_url
from app.rules.intake import (
    ALLOWED_SUFFIXES,
    CONTACT_MAX,
    FILE_BYTES_MAX,
    FILES_MAX,
    MATTER_MAX,
    closed_message,
    intake_open,
    public_status,
)
from app.security import _dummy_hash
from app.storage import store
from schema import Inspection, Petition

from .approvals import team_person_ids
from .codes import fill_code
from .holds import handover_refusal
from .rectification import person_of

SUBMITTER = "码上巡察（匿名）"  # the history's actor for an online submission
# No 0/O, 1/I/L: the codes are read off a screen and typed back.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CAPTCHA_SECONDS = 600
CAPTCHA_LENGTH = 4
WRONG_PAIR = "回执码或查询密码不正确"
FIELD_LABELS = {"matter": "反映的主要问题", "contact": "联系方式", "attachments": "附件", "captcha": "验证码",
                "reply": "答复内容"}


def _codes(n: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(n))


def normalise(code: str | None) -> str:
    """A receipt code or passphrase as typed: case, spaces and dashes do not matter."""
    return "".join(c for c in (code or "").upper() if c.isalnum())


def _hash_method() -> dict:
    config = current_app.config
    return {"method": config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
            "salt_length": config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16)}


# ---------------------------------------------------------------- the page


def inspection_by_token(token: str) -> Inspection:
    """The inspection whose intake page this is; 404 for any other token."""
    inspection = None
    if token and len(token) <= 64:
        inspection = db.session.scalar(sa.select(Inspection).where(Inspection.intake_token == token))
    if inspection is None:
        raise NotFound("该网上反映页面不存在，请核对巡察公告上的地址或二维码")
    return inspection


def page_url(inspection: Inspection) -> str | None:
    """The public page's address (at PUBLIC_URL when set, app.public_url), whether intake is open or not."""
    return external_url("intake.page", token=inspection.intake_token) if inspection.intake_token else None


def _day(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "待定"


def poster(inspection: Inspection) -> bytes:
    """The PNG poster of the page: its QR code, captioned with the inspection, its period and the closing date."""
    return poster_png(page_url(inspection) or "", str(inspection),
                      f"巡察时间：{_day(inspection.work_start)}至{_day(inspection.work_end)}",
                      f"网上反映受理截止：{_day(inspection.work_end)}")


def is_open(inspection: Inspection, today: date | None = None) -> bool:
    return intake_open(inspection.work_start, inspection.work_end, today or date.today())


def refusal(inspection: Inspection, today: date | None = None) -> str | None:
    """Why the page takes nothing now (Chinese), or None while it is open."""
    today = today or date.today()
    if intake_open(inspection.work_start, inspection.work_end, today):
        return None
    return closed_message(inspection.work_start, inspection.work_end, today)


# ---------------------------------------------------------------- captcha: drawn here, no outside service


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="xct-intake-captcha")


def _answer(nonce: str) -> str:
    """The captcha's text, derived from its nonce with the secret key: nothing to store between page and post."""
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), f"captcha:{nonce}".encode(), hashlib.sha256).digest()
    return "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:CAPTCHA_LENGTH])


def new_captcha() -> str:
    """A captcha id (signed, valid CAPTCHA_SECONDS); its image is `captcha_image(id)`."""
    return _serializer().dumps(secrets.token_urlsafe(12))


def _nonce(captcha_id: str, max_age: int | None = CAPTCHA_SECONDS) -> str | None:
    try:
        nonce = _serializer().loads(captcha_id or "", max_age=max_age)
    except BadSignature:  # includes SignatureExpired
        return None
    return nonce if isinstance(nonce, str) else None


def captcha_image(captcha_id: str) -> bytes:
    """The PNG of a captcha (404 when the id is not one of ours or has expired)."""
    nonce = _nonce(captcha_id)
    if nonce is None:
        raise NotFound("验证码已失效，请刷新")
    out = io.BytesIO()
    ImageCaptcha(width=160, height=60).generate_image(_answer(nonce)).save(out, format="PNG")
    return out.getvalue()


def _spend(nonce: str) -> bool:
    """True the first time a captcha is used: a solved one cannot be replayed (counted in the rate limiter's
    storage, Redis when configured, for the captcha's lifetime only)."""
    try:
        storage = current_app.appbuilder.sm.limiter.storage
        return storage.incr(f"xct-intake-captcha/{nonce}", CAPTCHA_SECONDS) == 1
    except Exception:  # storage down: the signature and its age still hold; the rate limit still counts
        return True


def check_captcha(captcha_id, answer) -> None:
    """The answer typed for the captcha `captcha_id` (each as sent: anything a client may put in JSON)."""
    nonce = _nonce(captcha_id) if isinstance(captcha_id, str) else None
    if nonce is None:
        raise BadRequest("验证码：已失效，请刷新验证码后重新输入", "captcha")
    if not isinstance(answer, str) or not hmac.compare_digest(normalise(answer), _answer(nonce)) or not _spend(nonce):
        raise BadRequest("验证码：输入不正确或已使用，请按新的验证码重新输入", "captcha")


# ---------------------------------------------------------------- attachments: checked by content


def _image(data: bytes, fmt: str) -> bytes:
    """The image re-encoded (drops EXIF: camera, GPS), or a refusal when the bytes are not an image of `fmt`."""
    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format != fmt:
                raise ValueError(img.format)
            img.load()
            out = io.BytesIO()
            (img.convert("RGB") if fmt == "JPEG" else img).save(out, format=fmt)
            return out.getvalue()
    except (UnidentifiedImageError, ValueError, OSError, Image.DecompressionBombError):
        raise BadRequest("附件：文件内容不是有效的图片", "attachments") from None


def check_attachment(data: bytes, filename: str) -> bytes:
    """The file to store (an image re-encoded), or a Chinese refusal naming the field and the file."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    suffix = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    if suffix not in ALLOWED_SUFFIXES:
        raise BadRequest(f"附件「{name}」：只接受图片（JPG、PNG）、PDF 和 Word／Excel（.docx、.xlsx）文件",
                         "attachments")
    if len(data) > FILE_BYTES_MAX:
        raise BadRequest(f"附件「{name}」：超过 {FILE_BYTES_MAX // 1024 // 1024} MB", "attachments")
    if not data:
        raise BadRequest(f"附件「{name}」：文件是空的", "attachments")
    if suffix in (".jpg", ".jpeg", ".png"):
        try:
            return _image(data, "PNG" if suffix == ".png" else "JPEG")
        except BadRequest:
            raise BadRequest(f"附件「{name}」：文件内容不是有效的 {suffix[1:].upper()} 图片", "attachments") from None
    if suffix == ".pdf":
        if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
            raise BadRequest(f"附件「{name}」：文件内容不是有效的 PDF", "attachments")
        return data
    try:  # .docx / .xlsx: the uploaded-template checks (zip limits, no macro or ActiveX part)
        check_package(name, data)
    except CommandError as exc:
        raise BadRequest(f"附件：{exc.message}", "attachments") from None
    return data


# ---------------------------------------------------------------- the submission


def _text(value, field: str, limit: int, required: bool) -> str | None:
    if value is not None and not isinstance(value, str):
        raise BadRequest(f"{FIELD_LABELS[field]}：应为文字", field)
    text = (value or "").strip()
    if required and not text:
        raise BadRequest(f"{FIELD_LABELS[field]}：请填写", field)
    if len(text) > limit:
        raise BadRequest(f"{FIELD_LABELS[field]}：不能超过 {limit} 个字（现 {len(text)} 个）", field)
    return text or None


def submit(inspection: Inspection, *, matter, contact=None, files: list[tuple[bytes, str]] = (),
           captcha_id: str | None = None, captcha: str | None = None,
           today: date | None = None) -> tuple[Petition, str, str]:
    """One online petition: (the petition, its receipt code, its passphrase). Validates everything first."""
    today = today or date.today()
    closed = refusal(inspection, today)
    if closed:
        raise Forbidden(closed)
    matter = _text(matter, "matter", MATTER_MAX, True)
    contact = _text(contact, "contact", CONTACT_MAX, False)
    files = [(data, name) for data, name in files if name or data]
    if len(files) > FILES_MAX:
        raise BadRequest(f"附件：最多 {FILES_MAX} 个", "attachments")
    checked = [(check_attachment(data, name), name) for data, name in files]
    check_captcha(captcha_id, captcha)  # last: a typo elsewhere does not spend the captcha
    receipt, passphrase = _codes(12), _codes(16)
    duplicate = db.session.scalar(sa.select(sa.func.count()).select_from(Petition).where(
        Petition.inspection_id == inspection.id, Petition.summary == matter)) > 0
    with acting_as(SUBMITTER, record_address=False):
        petition = Petition(inspection_id=inspection.id, channel="网络", received_on=today, is_anonymous=True,
                            petitioner_contact=contact, summary=matter, triage="待处理", receipt_code=receipt,
                            passphrase_hash=generate_password_hash(passphrase, **_hash_method()),
                            suspected_duplicate=duplicate)
        fill_code(petition)  # the 信访编号 rule (系统设置 › 编号规则), as for every other petition
        db.session.add(petition)
        db.session.flush()
        for data, name in checked:
            petition.attachments.append(store(data, name, title=f"信访材料 {petition.code}",
                                              inspection_id=inspection.id, is_confidential=True,
                                              uploaded_by=SUBMITTER))
        db.session.flush()  # the history rows are written now, under the anonymous actor and without an address
    return petition, receipt, "-".join(passphrase[i:i + 4] for i in range(0, 16, 4))


def status(receipt, passphrase) -> dict:
    """What a receipt code and passphrase may read; NotFound alike for an unknown code and a wrong passphrase,
    in comparable time (a dummy hash is checked when the code does not exist)."""
    receipt = normalise(receipt if isinstance(receipt, str) else "")[:20]
    passphrase = normalise(passphrase if isinstance(passphrase, str) else "")[:40]
    petition = db.session.scalar(sa.select(Petition).where(Petition.receipt_code == receipt)) if receipt else None
    stored = petition.passphrase_hash if petition is not None and petition.passphrase_hash else _dummy_hash()
    if not check_password_hash(stored, passphrase) or petition is None:
        raise NotFound(WRONG_PAIR)
    return {"receipt": receipt, "received_on": petition.received_on.isoformat(),
            "status": public_status(petition.triage, petition.reply), "reply": petition.reply,
            "replied_on": petition.replied_on.isoformat() if petition.replied_on else None}


# ---------------------------------------------------------------- the team's reply (a step)


def reply_problem(petition: Petition, user) -> str | None:
    """Why `user` may not reply to `petition` (Chinese), or None: only a member of the inspection's team does."""
    if petition.receipt_code is None:
        return "只有网上提交（码上巡察）的信访件可以在线答复"
    person = person_of(user)
    if person is None or person.id not in team_person_ids(petition.inspection):
        return "只有本巡察组成员可以答复信访人"
    return handover_refusal(petition)  # 八（二）: after the handover the team answers nothing more


def reply(petition: Petition, user, text, today: date | None = None) -> Petition:
    """答复信访人: the team's answer, readable with the receipt code; a new reply replaces the last."""
    problem = reply_problem(petition, user)
    if problem:
        raise Forbidden(problem)
    petition.reply = _text(text, "reply", MATTER_MAX, True)
    petition.replied_on = today or date.today()
    petition.replied_by_id = person_of(user).id
    return petition
