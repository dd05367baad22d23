"""Read side of invitations: lists with derived states and participation, all in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from consult.accounts.models import User
from consult.comments.models import Comment
from consult.core.models import utcnow
from consult.core.pagination import Page
from consult.core.vocab import BODY_KINDS, STAKEHOLDER_GROUPS
from consult.errors import NotFound
from consult.extensions import db
from consult.invitations.models import Invitation, Invitee, StakeholderBody
from consult.surveys.models import Survey, SurveyResponse

STATES = ("not-sent", "sent", "opened", "joined", "contributed")
NO_BODY = "none"  # the by_body_kind key for invitees who belong to no body


def contributed_clause() -> ColumnElement[bool]:
    """True for an invitee whose joined account has a published comment or a survey
    response on the invitee's policy (correlated with `invitees` and the joined `users`)."""
    comment = exists().where(
        Comment.participant_id == User.participant_id,
        Comment.policy_id == Invitee.policy_id,
        Comment.status == "published",
    )
    response = exists().where(
        SurveyResponse.participant_id == User.participant_id,
        SurveyResponse.survey_id == Survey.id,
        Survey.policy_id == Invitee.policy_id,
    )
    return and_(Invitee.user_id.is_not(None), or_(comment, response))


def state_column() -> ColumnElement[str]:
    """The derived state: not-sent, sent, opened, joined or contributed."""
    return case(
        (contributed_clause(), "contributed"),
        (Invitee.user_id.is_not(None), "joined"),
        (Invitation.opened_at.is_not(None), "opened"),
        (Invitation.sent_at.is_not(None), "sent"),
        else_="not-sent",
    )


def _with_accounts(stmt):
    return stmt.join(Invitation, Invitation.invitee_id == Invitee.id).outerjoin(
        User, User.id == Invitee.user_id
    )


@dataclass(frozen=True)
class InviteeRow:
    invitee: Invitee
    invitation: Invitation
    state: str

    @property
    def revoked(self) -> bool:
        return self.invitation.revoked_at is not None

    @property
    def expired(self) -> bool:
        exp = self.invitation.expires_at
        return self.invitation.joined_at is None and exp is not None and exp <= utcnow()


def list_invitees(
    policy_id: int, state: str | None = None, page: int = 1, per_page: int = 100
) -> Page[InviteeRow]:
    """A page of a policy's invitees with their invitation and state, in two queries."""
    stmt = _with_accounts(select(Invitee, Invitation, state_column().label("state"))).where(
        Invitee.policy_id == policy_id
    )
    if state in STATES:
        stmt = stmt.where(state_column() == state)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    result = Page.build(total=total, page=page, per_page=per_page)
    rows = db.session.execute(
        stmt.order_by(Invitee.name, Invitee.id).limit(result.per_page).offset(result.offset)
    ).all()
    result.items = [InviteeRow(r[0], r[1], r[2]) for r in rows]
    return result


def list_bodies(policy_id: int) -> list[tuple[StakeholderBody, int]]:
    """The policy's bodies with how many invitees each has, by name."""
    invited = (
        select(func.count(Invitee.id))
        .where(Invitee.body_id == StakeholderBody.id)
        .correlate(StakeholderBody)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(StakeholderBody, invited)
        .where(StakeholderBody.policy_id == policy_id)
        .order_by(StakeholderBody.name_key)
    ).all()
    return [(r[0], r[1]) for r in rows]


def get_body(body_id: int) -> StakeholderBody:
    body = db.session.get(StakeholderBody, body_id)
    if body is None:
        raise NotFound("No such body.")
    return body


def get_invitee(invitee_id: int) -> Invitee:
    invitee = db.session.get(Invitee, invitee_id)
    if invitee is None:
        raise NotFound("No such invitee.")
    return invitee


def get_invitation(invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None:
        raise NotFound("No such invitation.")
    return invitation


def list_unsent_ids(policy_id: int) -> list[int]:
    """Invitations of the policy not yet sent and not revoked, oldest first."""
    return list(
        db.session.scalars(
            select(Invitation.id)
            .join(Invitee, Invitee.id == Invitation.invitee_id)
            .where(
                Invitee.policy_id == policy_id,
                Invitation.sent_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
            .order_by(Invitation.id)
        )
    )


def list_remindable_ids(policy_id: int) -> list[int]:
    """Sent, unrevoked invitations whose invitee (joined or not) has not contributed."""
    stmt = _with_accounts(select(Invitation.id).select_from(Invitee)).where(
        Invitee.policy_id == policy_id,
        Invitation.sent_at.is_not(None),
        Invitation.revoked_at.is_(None),
        ~contributed_clause(),
    )
    return list(db.session.scalars(stmt.order_by(Invitation.id)))


# --- participation --------------------------------------------------------------------


@dataclass
class Counts:
    invited: int = 0
    joined: int = 0
    contributed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"invited": self.invited, "joined": self.joined, "contributed": self.contributed}


@dataclass
class Participation:
    total: Counts
    by_body_kind: dict[str, Counts]
    by_stakeholder_group: dict[str, Counts]
    silent_bodies: list[tuple[StakeholderBody, int, int]] = field(default_factory=list)

    def api(self) -> dict[str, Any]:
        """The CONTRACT §5 shape of `GET /policies/<policy>/participation`."""
        return {
            **self.total.as_dict(),
            "by_body_kind": {k: c.as_dict() for k, c in self.by_body_kind.items()},
        }


def _counted(key: ColumnElement, policy_id: int) -> dict[str, Counts]:
    """invited / joined / contributed per `key`, one GROUP BY over the policy's invitees.

    Invited counts everyone on the list whose invitation is not revoked (sent or not yet).
    """
    joined = func.sum(case((Invitee.user_id.is_not(None), 1), else_=0))
    contributed = func.sum(case((contributed_clause(), 1), else_=0))
    stmt = (
        _with_accounts(select(key, func.count(Invitee.id), joined, contributed))
        .outerjoin(StakeholderBody, StakeholderBody.id == Invitee.body_id)
        .where(
            Invitee.policy_id == policy_id,
            or_(Invitation.revoked_at.is_(None), Invitee.user_id.is_not(None)),
        )
        .group_by(key)
    )
    return {
        (k or NO_BODY): Counts(int(n or 0), int(j or 0), int(c or 0))
        for k, n, j, c in db.session.execute(stmt).all()
    }


def _by_body_kind(kinds: dict[str, Counts]) -> dict[str, Counts]:
    by_kind = {k: kinds.get(k, Counts()) for k in BODY_KINDS}
    if NO_BODY in kinds:
        by_kind[NO_BODY] = kinds[NO_BODY]
    return by_kind


def participation_by_body_kind(policy_id: int) -> tuple[Counts, dict[str, Counts]]:
    """(total, per body kind) of invited / joined / contributed, in ONE grouped query.

    For the feedback report, which needs a fixed number of queries: every invitee falls
    under exactly one kind (or `none`), so the kinds add up to the total.
    """
    by_kind = _by_body_kind(_counted(StakeholderBody.kind, policy_id))
    total = Counts(
        sum(c.invited for c in by_kind.values()),
        sum(c.joined for c in by_kind.values()),
        sum(c.contributed for c in by_kind.values()),
    )
    return total, by_kind


def get_participation(policy_id: int) -> Participation:
    """Invited, joined and contributed, per body kind and per stakeholder group, in SQL.

    Every vocabulary code is present (zeros where nobody is), so tables and API clients
    see a stable shape; invitees without a body appear under `none` when there are any.
    """
    by_kind = _by_body_kind(_counted(StakeholderBody.kind, policy_id))
    groups = _counted(Invitee.stakeholder_group, policy_id)
    by_group = {g: groups.get(g, Counts()) for g in STAKEHOLDER_GROUPS}
    total = Counts(
        sum(c.invited for c in groups.values()),
        sum(c.joined for c in groups.values()),
        sum(c.contributed for c in groups.values()),
    )
    return Participation(total, by_kind, by_group, list_silent_bodies(policy_id))


def list_silent_bodies(policy_id: int) -> list[tuple[StakeholderBody, int, int]]:
    """Bodies none of whose invitees has contributed yet: (body, invited, joined)."""
    joined = func.sum(case((Invitee.user_id.is_not(None), 1), else_=0))
    contributed = func.sum(case((contributed_clause(), 1), else_=0))
    stmt = (
        select(StakeholderBody.id, func.count(Invitee.id), joined)
        .select_from(StakeholderBody)
        .outerjoin(Invitee, Invitee.body_id == StakeholderBody.id)
        .outerjoin(Invitation, Invitation.invitee_id == Invitee.id)
        .outerjoin(User, User.id == Invitee.user_id)
        .where(StakeholderBody.policy_id == policy_id)
        .group_by(StakeholderBody.id)
        .having(func.coalesce(contributed, 0) == 0)
    )
    rows = db.session.execute(stmt).all()
    if not rows:
        return []
    bodies = {
        b.id: b
        for b in db.session.scalars(
            select(StakeholderBody).where(StakeholderBody.id.in_([r[0] for r in rows]))
        )
    }
    found = [(bodies[r[0]], int(r[1] or 0), int(r[2] or 0)) for r in rows]
    return sorted(found, key=lambda t: (t[0].kind, t[0].name_key))


# --- hooks: the stream of new inputs, thread labels, the account page -------------------


def invited_stream(participant_id: int, policy_id: int) -> str | None:
    """`invited` when this participant joined through an invitation to this policy."""
    found = db.session.scalar(
        select(Invitee.id)
        .join(User, User.id == Invitee.user_id)
        .where(User.participant_id == participant_id, Invitee.policy_id == policy_id)
        .limit(1)
    )
    return "invited" if found is not None else None


def invited_labels(comments: list[Any]) -> dict[int, str]:
    """ "invited: <body>" for invited-stream comments whose author agreed to show it.

    One query for the whole page, and none when no comment on it is in the invited stream.
    """
    from flask_babel import gettext as _

    invited = [c for c in comments if getattr(c, "stream", "open") == "invited"]
    if not invited:
        return {}
    rows = db.session.execute(
        select(User.participant_id, Invitee.policy_id, StakeholderBody.name, Invitee.affiliation)
        .join(User, User.id == Invitee.user_id)
        .outerjoin(StakeholderBody, StakeholderBody.id == Invitee.body_id)
        .where(
            Invitee.show_label.is_(True),
            User.participant_id.in_({c.participant_id for c in invited}),
            Invitee.policy_id.in_({c.policy_id for c in invited}),
        )
    ).all()
    names = {(pid, pol): body or affiliation for pid, pol, body, affiliation in rows}
    labels: dict[int, str] = {}
    for c in invited:
        key = (c.participant_id, c.policy_id)
        if key in names:
            name = names[key]
            labels[c.id] = _("invited: %(body)s", body=name) if name else _("invited")
    return labels


def list_own_invitations(user_id: int) -> list[tuple[Invitee, Invitation, Any]]:
    """The invitations an account joined through, with their policy, newest first."""
    from consult.policy.models import Policy

    rows = db.session.execute(
        select(Invitee, Invitation, Policy)
        .join(Invitation, Invitation.invitee_id == Invitee.id)
        .join(Policy, Policy.id == Invitee.policy_id)
        .where(Invitee.user_id == user_id)
        .order_by(Invitation.joined_at.desc())
    ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def is_verified_by_invitation(user_id: int) -> bool:
    """Whether an account joined through at least one invitation link."""
    return (
        db.session.scalar(select(Invitee.id).where(Invitee.user_id == user_id).limit(1)) is not None
    )
