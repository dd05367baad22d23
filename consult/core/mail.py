"""Outgoing mail: the log in development, an in-memory outbox in tests, SMTP in production."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


def outbox() -> list[Message]:
    """Messages sent by this app while MAIL_BACKEND is "outbox" (tests read it)."""
    return current_app.extensions.setdefault("consult_outbox", [])


def send_mail(to: str, subject: str, body: str) -> None:
    backend = current_app.config["MAIL_BACKEND"]
    message = Message(to=to, subject=subject, body=body)
    if backend == "outbox":
        outbox().append(message)
    elif backend == "smtp":
        _send_smtp(message)
    else:
        # The address stays out of the log; the body carries the link a developer needs.
        current_app.logger.warning("Mail (not sent, MAIL_BACKEND=log): %s\n%s", subject, body)


def _send_smtp(message: Message) -> None:
    config = current_app.config
    email = EmailMessage()
    email["From"] = config["MAIL_DEFAULT_SENDER"]
    email["To"] = message.to
    email["Subject"] = message.subject
    email.set_content(message.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(email)
