"""E-mail for in-app notifications, when SMTP is configured (SMTP_HOST); failures are logged, never raised."""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app
from flask_appbuilder.security.sqla.models import User

from app.extensions import db

log = logging.getLogger(__name__)


def send_notifications(rows: list[dict]) -> int:
    """One message per recipient listing their new notifications; returns how many were sent."""
    cfg = current_app.config
    if not cfg.get("SMTP_HOST") or not rows:
        return 0
    by_user: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_user[row["username"]].append(row)
    emails = dict(db.session.execute(
        sa.select(User.username, User.email).where(User.username.in_(list(by_user)), User.email.is_not(None))
    ).all())
    sent = 0
    try:
        with smtplib.SMTP(cfg["SMTP_HOST"], int(cfg.get("SMTP_PORT", 25)), timeout=10) as smtp:
            if cfg.get("SMTP_USER"):
                smtp.starttls()
                smtp.login(cfg["SMTP_USER"], cfg.get("SMTP_PASSWORD", ""))
            for username, items in by_user.items():
                if username not in emails:
                    continue
                msg = EmailMessage()
                msg["Subject"] = f"【巡察通】{len(items)} 项期限提醒"
                msg["From"] = cfg.get("MAIL_FROM", "xunchatong@localhost")
                msg["To"] = emails[username]
                msg.set_content("\n".join(f"{i['title']}：{i['message']}" for i in items))
                smtp.send_message(msg)
                sent += 1
    except (OSError, smtplib.SMTPException):
        log.exception("期限提醒邮件发送失败")
    return sent
