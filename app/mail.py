"""E-mail for in-app notifications, when SMTP is configured (SMTP_HOST); failures are logged, never raised."""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime
from email.message import EmailMessage
from itertools import groupby

import sqlalchemy as sa
from flask import current_app
from flask_appbuilder.security.sqla.models import User

from app.extensions import db
from schema import Notification

log = logging.getLogger(__name__)


def send_notifications(created_at: datetime) -> int:
    """One message per recipient listing their notifications made at `created_at` (one scan's); returns how many
    were sent. The rows are read back from the table in recipient order, one recipient's at a time: a scan that
    writes 300,000 of them holds none in memory."""
    cfg = current_app.config
    if not cfg.get("SMTP_HOST"):
        return 0
    emails = dict(db.session.execute(sa.select(User.username, User.email).where(User.email.is_not(None))).all())
    note = Notification.__table__
    rows = db.session.execute(
        sa.select(note.c.username, note.c.title, note.c.message).where(note.c.created_at == created_at)
        .order_by(note.c.username, note.c.id).execution_options(yield_per=1000))
    sent = 0
    try:
        with smtplib.SMTP(cfg["SMTP_HOST"], int(cfg.get("SMTP_PORT", 25)), timeout=10) as smtp:
            if cfg.get("SMTP_USER"):
                smtp.starttls()
                smtp.login(cfg["SMTP_USER"], cfg.get("SMTP_PASSWORD", ""))
            for username, items in groupby(rows, key=lambda r: r.username):
                if username not in emails:
                    continue
                items = list(items)
                msg = EmailMessage()
                msg["Subject"] = f"【巡察通】{len(items)} 项期限提醒"
                msg["From"] = cfg.get("MAIL_FROM", "xunchatong@localhost")
                msg["To"] = emails[username]
                msg.set_content("\n".join(f"{i.title}：{i.message}" for i in items))
                smtp.send_message(msg)
                sent += 1
    except (OSError, smtplib.SMTPException):
        log.exception("期限提醒邮件发送失败")
    return sent
