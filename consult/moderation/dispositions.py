"""We asked, you said, we did: dispositions of comments and themes, section responses.

An administrator answers for the government: per section a response (Markdown, sanitised
like comments), and per published comment or per theme a disposition (`accepted`,
`partly accepted`, `not accepted`, `noted`) with the reason. The report and its published
snapshots show them; each participant sees the disposition of their own comments.

History is kept twice: every change adds a row and supersedes the current one (nothing is
updated in place or deleted; clearing only supersedes), and every change is on the audit
chain (`disposition.set`, `disposition.clear`, `section_response.write`).
"""

from __future__ import annotations

import unicodedata
from typing import TypeVar

from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts.models import User
from consult.comments.models import Comment
from consult.core import audit
from consult.core.models import utcnow
from consult.core.sanitize import render_markdown
from consult.core.vocab import DISPOSITIONS
from consult.errors import Conflict, NotFound, PermissionDenied, ValidationError
from consult.extensions import db
from consult.moderation import permissions
from consult.moderation.models import (
    CommentDisposition,
    SectionResponse,
    Theme,
    ThemeDisposition,
)
from consult.policy.models import Policy, Section

MAX_REASON = 2000
MAX_RESPONSE = 20_000

D = TypeVar("D", CommentDisposition, ThemeDisposition)  # the two _Disposition tables


def _require_responder(actor: User) -> None:
    if not permissions.can_respond(actor):
        raise PermissionDenied(_("Only an administrator records the government's response."))


def clean_disposition(code: object) -> str:
    """A known disposition code, or a 422 naming the ones there are."""
    value = str(code or "").strip()
    if value not in DISPOSITIONS:
        allowed = ", ".join(DISPOSITIONS)
        raise ValidationError(
            _(
                "Unknown disposition “%(code)s”: use one of %(allowed)s.",
                code=value[:40],
                allowed=allowed,
            ),
            {"disposition": _("Use one of %(allowed)s.", allowed=allowed)},
        )
    return value


def clean_reason(reason: object) -> str:
    """The reason is what makes a disposition accountable: required, plain text."""
    text = unicodedata.normalize("NFC", str(reason or "")).strip()
    if not text:
        raise ValidationError(
            _("Give the reason for the disposition."), {"reason": _("Enter the reason.")}
        )
    if len(text) > MAX_REASON or "\x00" in text:
        raise ValidationError(
            _("The reason is too long."),
            {"reason": _("Use at most %(max)d characters.", max=MAX_REASON)},
        )
    return text


def current_comment_disposition(comment_id: int) -> CommentDisposition | None:
    return db.session.scalar(
        select(CommentDisposition).where(
            CommentDisposition.comment_id == comment_id,
            CommentDisposition.superseded_at.is_(None),
        )
    )


def current_theme_disposition(theme_id: int) -> ThemeDisposition | None:
    return db.session.scalar(
        select(ThemeDisposition).where(
            ThemeDisposition.theme_id == theme_id, ThemeDisposition.superseded_at.is_(None)
        )
    )


def _supersede(row: D | None, actor: User) -> None:
    if row is not None:
        row.superseded_at, row.superseded_by_id = utcnow(), actor.id
        db.session.flush()  # before the new current row, for the partial unique index


def _disposition_audit(
    action: str, actor: User, target_type: str, target_id: int, policy_id: int, **data: object
) -> None:
    audit.record(
        action,
        actor_id=actor.id,
        target_type=target_type,
        target_id=target_id,
        data={"policy_id": policy_id, **data},
    )


def _replace(
    actor: User,
    model: type[D],
    target: tuple[str, int, int],
    current: D | None,
    code: str,
    text: str,
) -> D:
    """Supersede the current row and add the new one, audited; the same code and reason
    again changes nothing. `target` is (type, id, policy id): comments and themes share
    this so their history and audit entries cannot drift apart."""
    if current is not None and (current.disposition, current.reason) == (code, text):
        return current
    target_type, target_id, policy_id = target
    _supersede(current, actor)
    row = model(disposition=code, reason=text, set_by_id=actor.id, set_at=utcnow())
    setattr(row, model._target, target_id)  # comment_id or theme_id, as the model says
    db.session.add(row)
    db.session.flush()
    _disposition_audit(
        "disposition.set",
        actor,
        target_type,
        target_id,
        policy_id,
        disposition=code,
        reason=text,
        previous=current.disposition if current else None,
    )
    return row


def _clear(actor: User, target: tuple[str, int, int], current: D | None, refusal: str) -> None:
    """Supersede the current row (it stays as history), audited."""
    if current is None:
        raise Conflict(refusal, {})
    _supersede(current, actor)
    _disposition_audit("disposition.clear", actor, *target, previous=current.disposition)


def set_comment_disposition(
    actor: User, comment: Comment, disposition: object, reason: object
) -> CommentDisposition:
    """Give a published comment a disposition; setting the same one again changes nothing."""
    refusal = permissions.disposition_refusal(actor, comment)
    if refusal:
        raise PermissionDenied(refusal)
    code, text = clean_disposition(disposition), clean_reason(reason)
    if comment.status != "published":
        raise Conflict(
            _("Only a published comment gets a disposition."),
            {"comment": _("This comment is %(status)s.", status=comment.status)},
        )
    target = ("comment", comment.id, comment.policy_id)
    current = current_comment_disposition(comment.id)
    return _replace(actor, CommentDisposition, target, current, code, text)


def clear_comment_disposition(actor: User, comment: Comment) -> None:
    """Withdraw a comment's disposition; the row stays, superseded, as history."""
    refusal = permissions.disposition_refusal(actor, comment)
    if refusal:
        raise PermissionDenied(refusal)
    _clear(
        actor,
        ("comment", comment.id, comment.policy_id),
        current_comment_disposition(comment.id),
        _("This comment has no disposition to clear."),
    )


def _theme_of(policy: Policy, theme: Theme) -> Theme:
    if theme.policy_id != policy.id:
        raise NotFound(
            _("This policy has no such theme."), {"theme": _("Choose a theme of this policy.")}
        )
    if theme.merged_into_id is not None:
        raise Conflict(
            _("This theme was merged into another; give the disposition there."),
            {"theme": _("Merged.")},
        )
    return theme


def set_theme_disposition(
    actor: User, policy: Policy, theme: Theme, disposition: object, reason: object
) -> ThemeDisposition:
    """Give a theme of `policy` a disposition (a theme of another policy is refused)."""
    _require_responder(actor)
    _theme_of(policy, theme)
    code, text = clean_disposition(disposition), clean_reason(reason)
    current = current_theme_disposition(theme.id)
    return _replace(actor, ThemeDisposition, ("theme", theme.id, policy.id), current, code, text)


def clear_theme_disposition(actor: User, policy: Policy, theme: Theme) -> None:
    """Withdraw a theme's disposition; the row stays, superseded, as history."""
    _require_responder(actor)
    _theme_of(policy, theme)
    _clear(
        actor,
        ("theme", theme.id, policy.id),
        current_theme_disposition(theme.id),
        _("This theme has no disposition to clear."),
    )


def current_response(section_id: int) -> SectionResponse | None:
    return db.session.scalar(
        select(SectionResponse).where(
            SectionResponse.section_id == section_id, SectionResponse.superseded_at.is_(None)
        )
    )


def write_section_response(actor: User, section: Section, body: object) -> SectionResponse:
    """Write (or rewrite) the government's response to one live section.

    The Markdown goes through the comments' sanitiser; each version is kept as a row and
    the audit entry names the revision, so what the government said when is on record.
    """
    _require_responder(actor)
    if section.retired_at is not None:
        raise Conflict(_("This section is no longer part of the policy."), {})
    text = unicodedata.normalize("NFC", str(body or "")).strip()
    if not text:
        raise ValidationError(
            _("Write the government's response."), {"body": _("Enter some text.")}
        )
    if len(text) > MAX_RESPONSE or "\x00" in text:
        raise ValidationError(
            _("The response is too long."),
            {"body": _("Use at most %(max)d characters.", max=MAX_RESPONSE)},
        )
    current = current_response(section.id)
    if current is not None and current.body == text:
        return current
    if current is not None:
        current.superseded_at = utcnow()
        db.session.flush()
    row = SectionResponse(
        policy_id=section.policy_id,
        section_id=section.id,
        body=text,
        body_html=render_markdown(text),
        written_by_id=actor.id,
        written_at=utcnow(),
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "section_response.write",
        actor_id=actor.id,
        target_type="section",
        target_id=section.id,
        data={
            "policy_id": section.policy_id,
            "section": section.slug,
            "revision": row.id,
            "previous": current.id if current else None,
        },
    )
    return row
