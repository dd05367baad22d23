"""Invitation rules: bodies, invitees, the CSV import, links, joining; all audited."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from consult.accounts import services as accounts
from consult.accounts.models import User
from consult.core import audit
from consult.core.mail import send_mail
from consult.core.models import utcnow
from consult.core.urls import external_url
from consult.core.vocab import BODY_KINDS, PROVINCES, STAKEHOLDER_GROUPS
from consult.errors import Conflict, DomainError, NotFound, ValidationError
from consult.extensions import db
from consult.invitations import csvimport, queries
from consult.invitations.models import Invitation, Invitee, StakeholderBody
from consult.invitations.names import body_key, clean_text
from consult.policy.models import Policy

_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


class InvitationGone(DomainError):
    """A real link that no longer works (used, revoked, expired): 410 with the reason."""

    status = 410
    code = "gone"


# --- bodies and invitees by hand ------------------------------------------------------


def _check_kind(kind: Any) -> str:
    if kind not in BODY_KINDS:
        raise ValidationError(_("Choose a kind from the list."), {"kind": _("Not a valid kind.")})
    return kind


def _body_name(name: Any) -> str:
    name = clean_text(name if isinstance(name, str) else "")
    if not 1 <= len(name) <= csvimport.MAX_BODY_NAME:
        raise ValidationError(_("Name the body."), {"name": _("Use 1 to 200 characters.")})
    return name


def _check_body_free(policy_id: int, name: str, body_id: int | None = None) -> None:
    other = db.session.scalar(
        select(StakeholderBody.id).where(
            StakeholderBody.policy_id == policy_id,
            StakeholderBody.name_key == body_key(name),
            StakeholderBody.id != (body_id or 0),
        )
    )
    if other is not None:
        raise Conflict(
            _("This policy already has a body of that name."),
            {"name": _("Already listed (names are compared without case and spacing).")},
        )


def create_body(
    policy: Policy, name: Any, kind: Any, contact: Any = None, actor_id: int | None = None
) -> StakeholderBody:
    """Add a stakeholder body to a policy; names are unique per policy, whatever their case."""
    name = _body_name(name)
    kind = _check_kind(kind)
    _check_body_free(policy.id, name)
    body = StakeholderBody(
        policy_id=policy.id,
        name=name,
        name_key=body_key(name),
        kind=kind,
        contact=clean_text(contact)[:300] or None if isinstance(contact, str) else None,
    )
    db.session.add(body)
    db.session.flush()
    audit.record(
        "invitations.body_create",
        actor_id=actor_id,
        target_type="stakeholder_body",
        target_id=body.id,
        data={"policy": policy.slug, "name": name, "kind": kind},
    )
    return body


def update_body(
    body: StakeholderBody, name: Any, kind: Any, contact: Any, actor_id: int | None = None
) -> StakeholderBody:
    """Rename, re-kind or change the contact of a body (audited with what changed)."""
    name = _body_name(name)
    kind = _check_kind(kind)
    _check_body_free(body.policy_id, name, body.id)
    contact = (clean_text(contact)[:300] or None) if isinstance(contact, str) else None
    changes = {
        k: [getattr(body, k), v]
        for k, v in (("name", name), ("kind", kind), ("contact", contact))
        if getattr(body, k) != v
    }
    if not changes:
        return body
    body.name, body.name_key, body.kind, body.contact = name, body_key(name), kind, contact
    audit.record(
        "invitations.body_update",
        actor_id=actor_id,
        target_type="stakeholder_body",
        target_id=body.id,
        data=changes,
    )
    return body


@dataclass
class InviteeData:
    """What an admin types (or the API sends) for one invitee."""

    email: Any
    name: Any
    body_id: Any = None
    affiliation: Any = None
    stakeholder_group: Any = "undisclosed"
    province: Any = None
    representative: Any = False


def _clean_invitee(policy_id: int, data: InviteeData, invitee_id: int | None) -> dict[str, Any]:
    email = accounts.normalise_email(data.email)
    taken = db.session.scalar(
        select(Invitee.id).where(
            Invitee.policy_id == policy_id, Invitee.email == email, Invitee.id != (invitee_id or 0)
        )
    )
    if taken is not None:
        raise Conflict(
            _("This email is already on the policy's invitee list."),
            {"email": _("Already invited.")},
        )
    name = clean_text(data.name if isinstance(data.name, str) else "")
    if not 1 <= len(name) <= csvimport.MAX_NAME:
        raise ValidationError(
            _("Enter the person's name."), {"name": _("Use 1 to 120 characters.")}
        )
    body_id = data.body_id or None
    if body_id is not None:
        body = db.session.get(StakeholderBody, body_id) if isinstance(body_id, int) else None
        if body is None or body.policy_id != policy_id:
            raise ValidationError(
                _("Choose a body of this policy."), {"body_id": _("No such body.")}
            )
    affiliation = data.affiliation if isinstance(data.affiliation, str) else ""
    affiliation = clean_text(affiliation)[:200] or None
    group = data.stakeholder_group or "undisclosed"
    if group not in STAKEHOLDER_GROUPS:
        raise ValidationError(
            _("Choose a group from the list."), {"stakeholder_group": _("Not a valid choice.")}
        )
    province = data.province or None
    if province is not None and province not in PROVINCES:
        raise ValidationError(
            _("Choose a province from the list."), {"province": _("Not a valid choice.")}
        )
    return {
        "email": email,
        "name": name,
        "body_id": body_id,
        "affiliation": affiliation,
        "stakeholder_group": group,
        "province": province,
        "representative": bool(data.representative) and body_id is not None,
    }


def _add_invitee(policy_id: int, values: dict[str, Any]) -> Invitee:
    invitee = Invitee(policy_id=policy_id, show_label=False, **values)
    invitee.invitation = Invitation(reminders_sent=0)
    db.session.add(invitee)
    return invitee


def create_invitee(policy: Policy, data: InviteeData, actor_id: int | None = None) -> Invitee:
    """Put one person on the policy's list, with an invitation not yet sent."""
    invitee = _add_invitee(policy.id, _clean_invitee(policy.id, data, None))
    db.session.flush()
    audit.record(
        "invitations.invitee_create",
        actor_id=actor_id,
        target_type="invitee",
        target_id=invitee.id,
        data={"policy": policy.slug},
    )
    return invitee


def update_invitee(invitee: Invitee, data: InviteeData, actor_id: int | None = None) -> Invitee:
    """Correct an invitee's details; the email may change only before they have joined."""
    values = _clean_invitee(invitee.policy_id, data, invitee.id)
    if values["email"] != invitee.email and invitee.user_id is not None:
        raise Conflict(
            _("This person has joined: their email is their account's now."),
            {"email": _("Cannot change after joining.")},
        )
    changed = sorted(k for k, v in values.items() if getattr(invitee, k) != v)
    if not changed:
        return invitee
    for key, value in values.items():
        setattr(invitee, key, value)
    db.session.flush()
    # Field names only: the audit log is not a second copy of personal data.
    audit.record(
        "invitations.invitee_update",
        actor_id=actor_id,
        target_type="invitee",
        target_id=invitee.id,
        data={"fields": changed},
    )
    return invitee


# --- CSV import -----------------------------------------------------------------------


@dataclass
class ImportReport:
    """What an import did, or (dry run, or bad rows) would do."""

    sha256: str
    rows: int = 0
    errors: list[csvimport.RowError] = field(default_factory=list)
    bodies_created: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run and bool(self.created or self.updated)


def import_invitees(
    policy: Policy,
    data: bytes,
    *,
    dry_run: bool = False,
    actor_id: int | None = None,
    source: str = "cli",
) -> ImportReport:
    """Check every row, then write all of them or (any bad row, or a dry run) none.

    Rows are matched by email, so importing the same file again changes nothing; a row
    whose details differ updates that invitee. Bodies named in the file are created as
    needed; a body already listed with another kind is an error on that row, because the
    file and the list would disagree about what the body is.
    """
    report = ImportReport(sha256=hashlib.sha256(data).hexdigest(), dry_run=dry_run)
    rows, report.errors = csvimport.parse(data)
    report.rows = len(rows) + len({e.line for e in report.errors if e.line > 1})
    bodies = {
        b.name_key: b
        for b in db.session.scalars(
            select(StakeholderBody).where(StakeholderBody.policy_id == policy.id)
        )
    }
    for row in rows:
        existing = bodies.get(body_key(row.body)) if row.body else None
        if existing is not None and existing.kind != row.body_kind:
            report.errors.append(
                csvimport.RowError(
                    row.line,
                    "body_kind",
                    _(
                        "The body “%(name)s” is listed as %(kind)s.",
                        name=existing.name,
                        kind=existing.kind,
                    ),
                )
            )
    if report.errors:
        report.errors.sort(key=lambda e: e.line)
        return report
    invitees = {
        i.email: i
        for i in db.session.scalars(select(Invitee).where(Invitee.policy_id == policy.id))
    }
    new_bodies: dict[str, StakeholderBody] = {}
    for row in rows:
        body = None
        if row.body:
            key = body_key(row.body)
            body = bodies.get(key) or new_bodies.get(key)
            if body is None:
                body = StakeholderBody(
                    policy_id=policy.id, name=row.body, name_key=key, kind=row.body_kind
                )
                new_bodies[key] = body
                report.bodies_created.append(row.body)
                if not dry_run:
                    db.session.add(body)
        values = {
            "name": row.name,
            "stakeholder_group": row.stakeholder_group,
            "province": row.province,
        }
        invitee = invitees.get(row.email)
        if invitee is None:
            report.created += 1
            if not dry_run:
                inv = _add_invitee(policy.id, {"email": row.email, **values})
                inv.body = body
            continue
        same = (
            all(getattr(invitee, k) == v for k, v in values.items())
            and (body is None or body.id is not None)  # a body new in this file is a change
            and invitee.body_id == (body.id if body is not None else None)
        )
        if same:
            report.unchanged += 1
            continue
        report.updated += 1
        if not dry_run:
            for key, value in values.items():
                setattr(invitee, key, value)
            invitee.body = body
    if report.written or (not dry_run and report.bodies_created):
        db.session.flush()
        audit.record(
            "invitations.import",
            actor_id=actor_id,
            target_type="policy",
            target_id=policy.id,
            data={
                "policy": policy.slug,
                "sha256": report.sha256,
                "source": source,
                "rows": report.rows,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "bodies_created": len(report.bodies_created),
            },
        )
    return report


# --- links ----------------------------------------------------------------------------


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _issue_token(invitation: Invitation) -> str:
    """A new link for the invitation; the previous one (if any) stops working."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    days = current_app.config["INVITATION_MAX_AGE_DAYS"]
    invitation.token_hash = _digest(token)
    invitation.sent_at = now
    invitation.expires_at = now + timedelta(days=days)
    return token


def _policy_of(invitee: Invitee) -> Policy:
    return db.session.get(Policy, invitee.policy_id)


def _mail_link(invitation: Invitation, token: str, reminder: bool = False) -> None:
    invitee = invitation.invitee
    policy = _policy_of(invitee)
    title = (policy.title or {}).get("en", policy.slug)
    link = external_url("invitations.open", token=token)
    expires = format_date(invitation.expires_at, "long")
    intro = (
        _("A reminder: you are invited to give your views on “%(title)s”.", title=title)
        if reminder
        else _("You are invited to give your views on “%(title)s”.", title=title)
    )
    send_mail(
        invitee.email,
        _("Invitation to the consultation on %(title)s", title=title),
        _(
            "Dear %(name)s,\n\n%(intro)s\n\nThis personal link lets you create your account "
            "(or add the invitation to the one you have), with your affiliation marked as "
            "verified by this invitation. It works once, until %(date)s:\n\n%(link)s\n\n"
            "Please do not forward it.",
            name=invitee.name,
            intro=intro,
            date=expires,
            link=link,
        ),
    )


def send_invitation(invitation: Invitation, actor_id: int | None = None) -> None:
    """Send a not-yet-sent invitation by email (the edge commits each one after sending).

    One transaction per invitation: a mail server failing half-way leaves the invitations
    already mailed marked as sent and the rest not, so sending again mails only the rest.
    """
    if invitation.sent_at is not None or invitation.revoked_at is not None:
        return
    token = _issue_token(invitation)
    _mail_link(invitation, token)
    audit.record(
        "invitations.send",
        actor_id=actor_id,
        target_type="invitation",
        target_id=invitation.id,
    )


def resend_invitation(invitation: Invitation, actor_id: int | None = None) -> None:
    """Mail a new link (the old one stops working); a revoked invitation is reinstated."""
    if invitation.joined_at is not None:
        raise Conflict(_("This person has already joined; their link is spent."))
    token = _issue_token(invitation)
    invitation.revoked_at = None
    _mail_link(invitation, token)
    audit.record(
        "invitations.resend", actor_id=actor_id, target_type="invitation", target_id=invitation.id
    )


def revoke_invitation(invitation: Invitation, actor_id: int | None = None) -> None:
    """Stop the link from working; revoking twice keeps the first time."""
    if invitation.joined_at is not None:
        raise Conflict(_("This person has already joined; their link is spent."))
    if invitation.revoked_at is not None:
        return
    invitation.revoked_at = utcnow()
    audit.record(
        "invitations.revoke", actor_id=actor_id, target_type="invitation", target_id=invitation.id
    )


def remind_invitation(invitation: Invitation, actor_id: int | None = None) -> None:
    """Remind someone who has not contributed: a new link if not joined, else a nudge.

    Only the link's hash is stored, so a reminder to someone who has not joined carries a
    new link (the old one stops working).
    """
    if invitation.revoked_at is not None or invitation.sent_at is None:
        raise Conflict(_("Only sent invitations that are not revoked get reminders."))
    if invitation.id not in queries.list_remindable_ids(invitation.invitee.policy_id):
        raise Conflict(_("This person has already contributed."))
    invitee = invitation.invitee
    policy = _policy_of(invitee)
    if invitation.joined_at is None:
        _mail_link(invitation, _issue_token(invitation), reminder=True)
    else:
        title = (policy.title or {}).get("en", policy.slug)
        send_mail(
            invitee.email,
            _("A reminder: the consultation on %(title)s", title=title),
            _(
                "Dear %(name)s,\n\nThank you for joining the consultation on “%(title)s”. "
                "We have not yet received your comments or survey answers; you can give "
                "them here:\n\n%(link)s",
                name=invitee.name,
                title=title,
                link=external_url("policy.overview", policy=policy.slug),
            ),
        )
    invitation.reminders_sent += 1
    invitation.last_reminded_at = utcnow()
    audit.record(
        "invitations.remind", actor_id=actor_id, target_type="invitation", target_id=invitation.id
    )


def find_invitation(token: str) -> Invitation:
    """The invitation of a working link; NotFound for a wrong one, InvitationGone else.

    Looked up by the SHA-256 of the token (an index), then compared in constant time.
    """
    wrong = NotFound(
        _(
            "This invitation link is not right. Check that you opened the whole link from "
            "your invitation email, or ask the organisers for a new one."
        )
    )
    if not isinstance(token, str) or not _TOKEN_SHAPE.match(token):
        raise wrong
    digest = _digest(token)
    invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == digest))
    if invitation is None or not hmac.compare_digest(invitation.token_hash or "", digest):
        raise wrong
    if invitation.joined_at is not None:
        raise InvitationGone(
            _("This invitation has already been used to join. Log in to your account to take part.")
        )
    if invitation.revoked_at is not None:
        raise InvitationGone(
            _("This invitation has been withdrawn by the organisers. Ask them if in doubt.")
        )
    if invitation.expires_at is not None and invitation.expires_at <= utcnow():
        raise InvitationGone(
            _("This invitation link has expired. Ask the organisers to send you a new one.")
        )
    return invitation


def open_invitation(token: str) -> Invitation:
    """Find a working link and note the first time it was opened (nothing else changes)."""
    invitation = find_invitation(token)
    if invitation.opened_at is None:
        invitation.opened_at = utcnow()
    return invitation


def existing_account(invitation: Invitation) -> User | None:
    """The account that already uses the invitee's address (or one that looks the same)."""
    return accounts.get_lookalike_user(invitation.invitee.email)


def _join(invitation: Invitation, user: User, show_label: bool, how: str) -> None:
    invitee = invitation.invitee
    other = db.session.scalar(
        select(Invitee.id).where(
            Invitee.policy_id == invitee.policy_id,
            Invitee.user_id == user.id,
            Invitee.id != invitee.id,
        )
    )
    if other is not None:
        raise Conflict(_("Your account already holds another invitation to this policy."))
    now = utcnow()
    invitee.user_id = user.id
    invitee.show_label = bool(show_label)
    invitation.joined_at = now
    if invitation.opened_at is None:
        invitation.opened_at = now
    # The invitation names the person's group; province only where they gave none.
    participant = user.participant
    if invitee.stakeholder_group != "undisclosed":
        participant.stakeholder_group = invitee.stakeholder_group
    if invitee.province and participant.province == "undisclosed":
        participant.province = invitee.province
    db.session.flush()
    audit.record(
        "invitations.join",
        actor_id=user.id,
        target_type="invitation",
        target_id=invitation.id,
        data={"how": how},
    )


def accept_invitation(token: str, display_name: Any, password: Any, show_label: bool) -> User:
    """Create an account for the invitee from their link, confirmed by the link itself.

    The link reached their mailbox, which proves the address as well as the confirmation
    mail would, so the account is confirmed at once, with the invitee's address fixed.
    """
    invitation = find_invitation(token)
    if existing_account(invitation) is not None:
        raise Conflict(
            _("An account with this email already exists. Log in, then open the link again."),
            {"password": _("Log in instead.")},
        )
    invitee = invitation.invitee
    user = accounts.register_user(
        invitee.email,
        password if isinstance(password, str) else "",
        display_name if isinstance(display_name, str) else "",
        profile={
            "stakeholder_group": invitee.stakeholder_group,
            "province": invitee.province or "undisclosed",
        },
        confirmed=True,
    )
    _join(invitation, user, show_label, "new-account")
    return user


def attach_invitation(token: str, user: User, show_label: bool) -> Invitation:
    """Add the invitation to the signed-in account; the link is then spent."""
    invitation = find_invitation(token)
    _join(invitation, user, show_label, "existing-account")
    return invitation


def set_label_consent(invitee: Invitee, user: User, show_label: bool) -> None:
    """Let a joined invitee show or hide the "invited: <body>" label beside their comments."""
    if invitee.user_id != user.id:
        raise NotFound(_("No such invitation."))
    invitee.show_label = bool(show_label)
