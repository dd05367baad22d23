"""Read side of moderation: the queue in a fixed number of queries, history, transparency."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from consult.accounts.models import Participant, User
from consult.comments.models import Comment, Flag
from consult.core.pagination import Page
from consult.core.vocab import FLAG_REASONS, HOLD_REASONS
from consult.errors import NotFound
from consult.extensions import db
from consult.moderation import campaigns
from consult.moderation.models import (
    CampaignGroup,
    CampaignSignature,
    CommentTheme,
    FeaturedQuote,
    ModerationAction,
    ModeratorNote,
    Theme,
)
from consult.moderation.services import state_token
from consult.moderation.spam import hold_detail
from consult.policy.models import Policy, Section

QUEUE_PER_PAGE = 25
QUEUE_STATUSES = ("pending", "flagged", "hidden")
# The queue's reason filter: why readers reported a comment, or why the heuristics held it.
QUEUE_REASONS = FLAG_REASONS + HOLD_REASONS


@dataclass
class QueueItem:
    comment: Comment
    section: Section
    token: str
    flags: list[Flag] = field(default_factory=list)
    parent: Comment | None = None
    earlier_hides: int = 0
    author_banned: bool = False
    author_user_id: int | None = None  # None for hearing attendees without an account
    themes: list[Theme] = field(default_factory=list)
    featured: bool = False
    notes: int = 0
    # Why the spam heuristics held it: {"reason", "terms" | "links"} (spam.hold_detail).
    hold: dict[str, Any] | None = None


@dataclass(frozen=True)
class QueueFilters:
    reason: str | None = None  # a flag reason, or a hold reason (QUEUE_REASONS)
    section: str | None = None  # a section slug
    channel: str | None = None
    hearing_id: int | None = None
    status: str | None = None  # pending | flagged | hidden


def _open_flag() -> Any:
    return exists().where(Flag.comment_id == Comment.id, Flag.resolved_at.is_(None))


def _queue_query(filters: QueueFilters) -> Any:
    query = select(Comment).join(Section, Comment.section_id == Section.id)
    if filters.status == "pending":
        query = query.where(Comment.status == "pending")
    elif filters.status == "flagged":
        query = query.where(_open_flag(), Comment.status != "withdrawn")
    elif filters.status == "hidden":
        query = query.where(Comment.status == "hidden", _open_flag())
    else:
        query = query.where(
            or_(Comment.status == "pending", and_(_open_flag(), Comment.status != "withdrawn"))
        )
    if filters.reason in HOLD_REASONS:
        query = query.where(Comment.held_for == filters.reason)
    elif filters.reason:
        query = query.where(
            exists().where(
                Flag.comment_id == Comment.id,
                Flag.resolved_at.is_(None),
                Flag.reason == filters.reason,
            )
        )
    if filters.section:
        query = query.where(Section.slug == filters.section)
    if filters.channel:
        query = query.where(Comment.channel == filters.channel)
    if filters.hearing_id is not None:
        query = query.where(Comment.hearing_id == filters.hearing_id)
    return query


def get_queue(
    filters: QueueFilters, page: int = 1, per_page: int = QUEUE_PER_PAGE
) -> Page[QueueItem]:
    """Pending and reported comments, oldest first, with what a moderator needs to decide.

    Nine queries whatever the queue's size: count, page, sections, flags, parents,
    accounts, history, themes, and featured/notes.
    """
    query = _queue_query(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    result: Page[QueueItem] = Page.build(total=total, page=page, per_page=per_page)
    comments = list(
        db.session.scalars(
            query.order_by(Comment.created_at, Comment.id)
            .limit(result.per_page)
            .offset(result.offset)
        )
    )
    if not comments:
        return result
    ids = [c.id for c in comments]
    sections = {
        s.id: s
        for s in db.session.scalars(
            select(Section).where(Section.id.in_({c.section_id for c in comments}))
        )
    }
    flags: dict[int, list[Flag]] = defaultdict(list)
    for flag in db.session.scalars(
        select(Flag).where(Flag.comment_id.in_(ids), Flag.resolved_at.is_(None)).order_by(Flag.id)
    ):
        flags[flag.comment_id].append(flag)
    parent_ids = {c.parent_id for c in comments if c.parent_id}
    parents = (
        {p.id: p for p in db.session.scalars(select(Comment).where(Comment.id.in_(parent_ids)))}
        if parent_ids
        else {}
    )
    authors = {c.participant_id for c in comments}
    accounts: dict[int, int] = {
        row.participant_id: row.id
        for row in db.session.execute(
            select(User.participant_id, User.id).where(User.participant_id.in_(authors))
        )
    }
    history = {
        pid: (hides, banned)
        for pid, hides, banned in db.session.execute(
            select(
                Participant.id,
                select(func.count(ModerationAction.id))
                .where(
                    ModerationAction.participant_id == Participant.id,
                    ModerationAction.action.in_(("hide", "reject", "auto-hide")),
                )
                .scalar_subquery(),
                select(func.count(ModerationAction.id))
                .where(
                    ModerationAction.participant_id == Participant.id,
                    ModerationAction.action == "ban",
                )
                .scalar_subquery(),
            ).where(Participant.id.in_(authors))
        )
    }
    themes = themes_by_comment(ids)
    curation = {
        cid: (bool(featured), int(notes))
        for cid, featured, notes in db.session.execute(
            select(
                Comment.id,
                select(FeaturedQuote.id)
                .where(FeaturedQuote.comment_id == Comment.id, FeaturedQuote.removed_at.is_(None))
                .exists(),
                select(func.count(ModeratorNote.id))
                .where(ModeratorNote.comment_id == Comment.id)
                .scalar_subquery(),
            ).where(Comment.id.in_(ids))
        )
    }
    for comment in comments:
        hides, bans = history.get(comment.participant_id, (0, 0))
        featured, notes = curation.get(comment.id, (False, 0))
        result.items.append(
            QueueItem(
                comment=comment,
                section=sections[comment.section_id],
                token=state_token(comment, len(flags[comment.id])),
                flags=flags[comment.id],
                parent=parents.get(comment.parent_id) if comment.parent_id else None,
                earlier_hides=hides,
                author_banned=bans > 0,
                author_user_id=accounts.get(comment.participant_id),
                themes=themes.get(comment.id, []),
                featured=featured,
                notes=notes,
                hold=hold_detail(comment),
            )
        )
    return result


def themes_by_comment(comment_ids: Sequence[int]) -> dict[int, list[Theme]]:
    """The themes each comment is tagged with, by name, in one query."""
    tagged: dict[int, list[Theme]] = defaultdict(list)
    if not comment_ids:
        return tagged
    for comment_id, theme in db.session.execute(
        select(CommentTheme.comment_id, Theme)
        .join(Theme, Theme.id == CommentTheme.theme_id)
        .where(CommentTheme.comment_id.in_(comment_ids))
        .order_by(Theme.name_key)
    ):
        tagged[comment_id].append(theme)
    return tagged


def list_themes(policy_ids: Sequence[int], include_retired: bool = False) -> list[Theme]:
    """A policy's themes by name (those in use unless asked otherwise), in one query."""
    if not policy_ids:
        return []
    query = select(Theme).where(Theme.policy_id.in_(policy_ids))
    if not include_retired:
        query = query.where(Theme.retired_at.is_(None))
    return list(db.session.scalars(query.order_by(Theme.policy_id, Theme.name_key)))


@dataclass
class ThemeRow:
    theme: Theme
    comments: int
    merged_into: str | None = None


def theme_overview(policy_id: int) -> list[ThemeRow]:
    """Every theme of a policy with how many comments carry it: two queries."""
    themes = list_themes([policy_id], include_retired=True)
    counts = {
        int(theme_id): int(n)
        for theme_id, n in db.session.execute(
            select(CommentTheme.theme_id, func.count())
            .join(Theme, Theme.id == CommentTheme.theme_id)
            .where(Theme.policy_id == policy_id)
            .group_by(CommentTheme.theme_id)
        )
    }
    names = {t.id: t.name for t in themes}
    return [
        ThemeRow(t, int(counts.get(t.id, 0)), names.get(t.merged_into_id or -1)) for t in themes
    ]


def get_theme(theme_id: int | None) -> Theme:
    theme = db.session.get(Theme, theme_id) if isinstance(theme_id, int) else None
    if theme is None:
        raise NotFound(_("There is no such theme."))
    return theme


@dataclass
class CommentRecord:
    """Everything the desk knows about one comment, for its moderation page."""

    item: QueueItem
    notes: list[tuple[ModeratorNote, str | None]]
    history: list[ModerationAction]
    themes: list[Theme]  # the policy's themes in use, to tag with
    campaign: CampaignGroup | None = None  # the group of near-identical comments it is in


def comment_record(comment_id: int) -> CommentRecord:
    """One comment as the queue shows it, plus its notes and the actions taken on it."""
    comment = db.session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(_("There is no such comment."))
    section = db.session.get(Section, comment.section_id)
    flags = list(
        db.session.scalars(
            select(Flag)
            .where(Flag.comment_id == comment.id, Flag.resolved_at.is_(None))
            .order_by(Flag.id)
        )
    )
    account = db.session.scalar(
        select(User.id).where(User.participant_id == comment.participant_id)
    )
    history = list_author_history(comment.participant_id)
    author = aliased(Participant)
    notes = list(
        db.session.execute(
            select(ModeratorNote, author.display_name)
            .outerjoin(User, User.id == ModeratorNote.author_id)
            .outerjoin(author, author.id == User.participant_id)
            .where(ModeratorNote.comment_id == comment.id)
            .order_by(ModeratorNote.id)
        )
    )
    item = QueueItem(
        comment=comment,
        section=section,
        token=state_token(comment, len(flags)),
        flags=flags,
        parent=db.session.get(Comment, comment.parent_id) if comment.parent_id else None,
        earlier_hides=sum(1 for a in history if a.action in ("hide", "reject", "auto-hide")),
        author_banned=any(a.action == "ban" for a in history),
        author_user_id=account,
        themes=themes_by_comment([comment.id]).get(comment.id, []),
        featured=db.session.scalar(
            select(FeaturedQuote.id).where(
                FeaturedQuote.comment_id == comment.id, FeaturedQuote.removed_at.is_(None)
            )
        )
        is not None,
        notes=len(notes),
        hold=hold_detail(comment),
    )
    return CommentRecord(
        item=item,
        notes=notes,
        history=[a for a in history if a.comment_id == comment.id],
        themes=list_themes([comment.policy_id]),
        campaign=db.session.scalar(
            select(CampaignGroup)
            .join(CampaignSignature, CampaignSignature.group_id == CampaignGroup.id)
            .where(CampaignSignature.comment_id == comment.id)
        ),
    )


def featured_quotes(policy_id: int) -> list[Comment]:
    """The published comments currently featured for a policy's report, oldest first."""
    return list(
        db.session.scalars(
            select(Comment)
            .join(FeaturedQuote, FeaturedQuote.comment_id == Comment.id)
            .where(
                Comment.policy_id == policy_id,
                Comment.status == "published",
                FeaturedQuote.removed_at.is_(None),
            )
            .order_by(FeaturedQuote.created_at, Comment.id)
        )
    )


def count_queue() -> int:
    """How many comments wait for a moderator (the figure in the navigation)."""
    return (
        db.session.scalar(select(func.count()).select_from(_queue_query(QueueFilters()).subquery()))
        or 0
    )


def list_author_history(participant_id: int) -> list[ModerationAction]:
    """Every moderation action on a participant's comments and account, newest first."""
    return list(
        db.session.scalars(
            select(ModerationAction)
            .where(ModerationAction.participant_id == participant_id)
            .order_by(ModerationAction.id.desc())
        )
    )


def transparency() -> dict[str, Any]:
    """Public counts of moderation actions by action and reason, and by month; no names."""
    month = func.strftime("%Y-%m", ModerationAction.created_at)
    if db.session.get_bind().dialect.name == "postgresql":
        month = func.to_char(func.timezone("UTC", ModerationAction.created_at), "YYYY-MM")
    by_reason = db.session.execute(
        select(ModerationAction.action, ModerationAction.reason, func.count(ModerationAction.id))
        .group_by(ModerationAction.action, ModerationAction.reason)
        .order_by(ModerationAction.action, ModerationAction.reason)
    ).all()
    by_month = db.session.execute(
        select(month.label("month"), ModerationAction.action, func.count(ModerationAction.id))
        .group_by("month", ModerationAction.action)
        .order_by("month", ModerationAction.action)
    ).all()
    policies = db.session.execute(
        select(Policy.slug, Policy.title, Policy.moderation).where(
            Policy.status.in_(("open", "closed", "published"))
        )
    ).all()
    return {
        "by_reason": [
            {"action": action, "reason": reason, "count": n} for action, reason, n in by_reason
        ],
        "by_month": [{"month": m, "action": action, "count": n} for m, action, n in by_month],
        "policies": [{"slug": s, "title": t, "moderation": mode} for s, t, mode in policies],
    }


def get_account(user_id: int) -> User | None:
    """An account a moderator is about to suspend or reinstate."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.deleted_at is None else None


@dataclass(frozen=True)
class LogFilters:
    action: str | None = None
    reason: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def _log_query(filters: LogFilters) -> Any:
    actor = aliased(Participant)
    account = aliased(User)
    query = (
        select(ModerationAction, actor.display_name.label("actor_name"))
        .outerjoin(account, ModerationAction.actor_id == account.id)
        .outerjoin(actor, account.participant_id == actor.id)
    )
    if filters.action:
        query = query.where(ModerationAction.action == filters.action)
    if filters.reason:
        query = query.where(ModerationAction.reason == filters.reason)
    if filters.since:
        query = query.where(ModerationAction.created_at >= filters.since)
    if filters.until:
        query = query.where(ModerationAction.created_at < filters.until)
    return query


def list_actions(filters: LogFilters, page: int = 1, per_page: int = 50) -> Page[Any]:
    """The moderation log for the desk, newest first: two queries a page."""
    query = _log_query(filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    result: Page[Any] = Page.build(total=total, page=page, per_page=per_page)
    result.items = list(
        db.session.execute(
            query.order_by(ModerationAction.id.desc()).limit(result.per_page).offset(result.offset)
        )
    )
    return result


LOG_COLUMNS = (
    "id",
    "time_utc",
    "actor",
    "action",
    "reason",
    "comment_id",
    "user_id",
    "until",
    "note",
)


def iter_actions(filters: LogFilters) -> Iterator[tuple[Any, ...]]:
    """Every matching log row, oldest first, fetched in batches (constant memory)."""
    rows = db.session.execute(
        _log_query(filters).order_by(ModerationAction.id).execution_options(yield_per=500)
    )
    for action, actor_name in rows:
        yield (
            action.id,
            action.created_at.isoformat(timespec="seconds"),
            actor_name or "(platform)",
            action.action,
            action.reason,
            action.comment_id,
            action.user_id,
            action.until.isoformat(timespec="seconds") if action.until else None,
            action.note,
        )


# Campaign groups (moderation/campaigns.py): the desk's list and a group's members, and
# the figures reports use to count a confirmed campaign once with its size beside it.


@dataclass(frozen=True)
class CampaignCount:
    """A confirmed campaign as reports count it: once, with its size and sample text."""

    group_id: int
    size: int
    sample_comment_id: int


def campaign_counts(policy_id: int) -> list[CampaignCount]:
    """The policy's confirmed campaigns, largest first.

    A report counts each as one submission with `size` beside it; the member comments
    are those whose `campaign_signatures.group_id` is the group (see
    `campaign_member_ids`), so they are not counted again one by one.
    """
    rows = db.session.execute(
        select(CampaignGroup.id, CampaignGroup.size, CampaignGroup.sample_comment_id)
        .where(CampaignGroup.policy_id == policy_id, CampaignGroup.status == "confirmed")
        .order_by(CampaignGroup.size.desc(), CampaignGroup.id)
    )
    return [CampaignCount(int(g), int(n), int(s)) for g, n, s in rows]


def campaign_member_ids(policy_id: int) -> dict[int, int]:
    """comment id -> confirmed campaign group id, for every member of a confirmed campaign."""
    rows = db.session.execute(
        select(CampaignSignature.comment_id, CampaignSignature.group_id)
        .join(CampaignGroup, CampaignGroup.id == CampaignSignature.group_id)
        .where(CampaignGroup.policy_id == policy_id, CampaignGroup.status == "confirmed")
    )
    return {int(c): int(g) for c, g in rows}


@dataclass(frozen=True)
class CampaignRow:
    group: CampaignGroup
    sample: str
    policy_title: Any


def list_campaigns(status: str, page: int = 1, per_page: int = 20) -> Page[CampaignRow]:
    """Groups with this status, largest first, each with its sample text: two queries.

    Candidate and confirmed groups are listed from two comments up (a group left with one
    comment after a split waits for copies to join it).
    """
    query = select(CampaignGroup).where(CampaignGroup.status == status)
    if status != "split":
        query = query.where(CampaignGroup.size >= campaigns.MIN_GROUP_SIZE)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    result: Page[CampaignRow] = Page.build(total=total, page=page, per_page=per_page)
    rows = db.session.execute(
        select(CampaignGroup, Comment.body, Policy.title)
        .join(Comment, Comment.id == CampaignGroup.sample_comment_id)
        .join(Policy, Policy.id == CampaignGroup.policy_id)
        .where(CampaignGroup.id.in_(query.with_only_columns(CampaignGroup.id)))
        .order_by(CampaignGroup.size.desc(), CampaignGroup.id)
        .limit(result.per_page)
        .offset(result.offset)
    )
    result.items = [CampaignRow(g, body, title) for g, body, title in rows]
    return result


def get_campaign(group_id: int) -> CampaignRow | None:
    row = db.session.execute(
        select(CampaignGroup, Comment.body, Policy.title)
        .join(Comment, Comment.id == CampaignGroup.sample_comment_id)
        .join(Policy, Policy.id == CampaignGroup.policy_id)
        .where(CampaignGroup.id == group_id)
    ).first()
    return CampaignRow(*row) if row else None


def list_campaign_members(group_id: int, page: int = 1, per_page: int = 50) -> Page[Comment]:
    """A group's comments, oldest first, with their authors (joined): two queries."""
    members = select(CampaignSignature.comment_id).where(CampaignSignature.group_id == group_id)
    total = db.session.scalar(select(func.count()).select_from(members.subquery())) or 0
    result: Page[Comment] = Page.build(total=total, page=page, per_page=per_page)
    result.items = list(
        db.session.scalars(
            select(Comment)
            .where(Comment.id.in_(members))
            .order_by(Comment.id)
            .limit(result.per_page)
            .offset(result.offset)
        )
    )
    return result
