"""Read side of hearings: the public list with contribution counts, a hearing's page,
join-code look-up and a facilitator's own hearings, in a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import selectinload

from consult.accounts.models import User
from consult.comments.models import Comment
from consult.core.pagination import Page
from consult.core.vocab import CHANNELS
from consult.errors import NotFound
from consult.extensions import db
from consult.hearings.models import JOIN_ALPHABET, JOIN_CODE_LENGTH, Hearing, hearing_facilitators
from consult.policy.models import Policy
from consult.policy.queries import PUBLIC_STATUSES
from consult.surveys.models import SurveyResponse

_LOAD = (
    selectinload(Hearing.sections),
    selectinload(Hearing.facilitators),
    selectinload(Hearing.policy),
)


@dataclass
class Contributions:
    """What a hearing collected, by channel: published comments and survey responses."""

    comments: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    responses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))

    @property
    def total(self) -> int:
        return sum(self.comments.values()) + sum(self.responses.values())


@dataclass(frozen=True)
class HearingRow:
    hearing: Hearing
    contributions: Contributions


@dataclass(frozen=True)
class HearingList:
    """Every upcoming or open hearing (a short list by nature: they are scheduled) and one
    page of past ones (which only grow, so they are paged)."""

    upcoming: list[HearingRow]
    past: Page[HearingRow]


PAST_PER_PAGE = 20


def normalise_join_code(code: str | None) -> str | None:
    """The code as stored, from what someone typed: case, spaces and dashes do not matter.

    Returns None for anything that cannot be a code (wrong length, a character outside the
    alphabet), so a look-up never reaches the database with junk.
    """
    if not code:
        return None
    cleaned = "".join(ch for ch in str(code)[:40].upper() if not ch.isspace() and ch != "-")
    if len(cleaned) != JOIN_CODE_LENGTH or any(ch not in JOIN_ALPHABET for ch in cleaned):
        return None
    return cleaned


def get_by_join_code(code: str | None) -> Hearing | None:
    """The hearing of a join code, whatever its status (the join page says if it is open)."""
    cleaned = normalise_join_code(code)
    if cleaned is None:
        return None
    return db.session.scalar(select(Hearing).where(Hearing.join_code == cleaned).options(*_LOAD))


def get_hearing(hearing_id: int) -> Hearing:
    """A hearing with its sections, facilitators and policy, or NotFound."""
    hearing = db.session.scalar(select(Hearing).where(Hearing.id == hearing_id).options(*_LOAD))
    if hearing is None:
        raise NotFound("No such hearing.")
    return hearing


def count_contributions(hearing_ids: Iterable[int]) -> dict[int, Contributions]:
    """Contributions per hearing and channel, in ONE grouped query whatever the number of
    hearings: published comments and survey responses carrying the hearing's id."""
    ids = sorted(set(hearing_ids))
    result = {hid: Contributions() for hid in ids}
    if not ids:
        return result
    comments = (
        select(
            literal("comments").label("kind"),
            Comment.hearing_id.label("hearing_id"),
            Comment.channel.label("channel"),
            func.count().label("n"),
        )
        .where(Comment.hearing_id.in_(ids), Comment.status == "published")
        .group_by(Comment.hearing_id, Comment.channel)
    )
    responses = (
        select(
            literal("responses").label("kind"),
            SurveyResponse.hearing_id.label("hearing_id"),
            SurveyResponse.channel.label("channel"),
            func.count().label("n"),
        )
        .where(SurveyResponse.hearing_id.in_(ids))
        .group_by(SurveyResponse.hearing_id, SurveyResponse.channel)
    )
    for kind, hearing_id, channel, n in db.session.execute(union_all(comments, responses)):
        getattr(result[hearing_id], kind)[channel] = n
    return result


def _rows(hearings: list[Hearing]) -> list[HearingRow]:
    counts = count_contributions(h.id for h in hearings)
    return [HearingRow(h, counts[h.id]) for h in hearings]


def list_public_hearings(past_page: int = 1, per_page: int | None = None) -> HearingList:
    """Hearings of public policies: upcoming (scheduled or open, soonest first) and one page
    of past ones (closed, latest first). Six queries whatever the number of hearings:
    upcoming and its policies, the past count, page and policies, the contribution counts."""
    public = (
        select(Hearing)
        .join(Policy, Policy.id == Hearing.policy_id)
        .where(Policy.status.in_(PUBLIC_STATUSES))
    )
    upcoming = list(
        db.session.scalars(
            public.where(Hearing.status != "closed")
            .order_by(Hearing.starts_at, Hearing.id)
            .options(selectinload(Hearing.policy))
        )
    )
    closed = public.where(Hearing.status == "closed")
    total = db.session.scalar(select(func.count()).select_from(closed.subquery())) or 0
    past: Page[HearingRow] = Page.build(total, past_page, per_page or PAST_PER_PAGE)
    past.page = min(past.page, past.pages)  # a page past the end shows the last one
    hearings = list(
        db.session.scalars(
            closed.order_by(Hearing.closed_at.desc().nulls_last(), Hearing.id.desc())
            .offset(past.offset)
            .limit(past.per_page)
            .options(selectinload(Hearing.policy))
        )
    )
    rows = _rows(upcoming + hearings)
    past.items = rows[len(upcoming) :]
    return HearingList(rows[: len(upcoming)], past)


def list_for_facilitator(user: User) -> list[HearingRow]:
    """The hearings this account is assigned to, every status, soonest first."""
    hearings = list(
        db.session.scalars(
            select(Hearing)
            .join(hearing_facilitators, hearing_facilitators.c.hearing_id == Hearing.id)
            .where(hearing_facilitators.c.user_id == user.id)
            .order_by(Hearing.starts_at, Hearing.id)
            .options(selectinload(Hearing.policy))
        )
    )
    return _rows(hearings)


@dataclass(frozen=True)
class HearingPage:
    hearing: Hearing
    contributions: Contributions


def get_hearing_page(hearing_id: int) -> HearingPage:
    """What the hearing page shows: details, sections in scope, facilitators, counts."""
    hearing = get_hearing(hearing_id)
    return HearingPage(hearing, count_contributions([hearing.id])[hearing.id])
