"""The read side of "we asked, you said, we did": what the report, the account page,
"download my data" and the admins' responses page show.

`report_dispositions` is what `reports.queries` asks for: three queries whatever the
number of comments, so the report keeps its fixed query count.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from consult.comments.models import Comment
from consult.core.vocab import DISPOSITIONS
from consult.errors import NotFound
from consult.extensions import db
from consult.moderation.models import (
    CommentDisposition,
    SectionResponse,
    Theme,
    ThemeDisposition,
)
from consult.policy.models import Policy, Section

EXCERPT = 200


def excerpt(body: str, limit: int = EXCERPT) -> str:
    """A comment's first words as plain text, cut at a word boundary."""
    text = " ".join(body.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] or text[:limit]
    return cut + "…"


def _disposition_json(code: str, reason: str) -> dict[str, str]:
    return {"disposition": code, "reason": reason}


@dataclass(frozen=True)
class ReportDispositions:
    """Per section id: the response, the comments with a disposition and their counts;
    per theme id: its disposition."""

    responses: dict[int, dict[str, Any]]
    comments: dict[int, list[dict[str, Any]]]
    counts: dict[int, dict[str, int]]
    themes: dict[int, dict[str, str]]

    def for_section(self, section_id: int) -> dict[str, Any]:
        return {
            "response": self.responses.get(section_id),
            "dispositions": {
                "counts": self.counts.get(section_id, dict.fromkeys(DISPOSITIONS, 0)),
                "comments": self.comments.get(section_id, []),
            },
        }


def report_dispositions(policy_id: int) -> ReportDispositions:
    """Current responses and dispositions of a policy, in three queries.

    Only published comments are listed (a comment hidden after its disposition drops out,
    as it drops out of every count). Dispositions are the government's answers, not counts
    of people, so the report's filters do not narrow them.
    """
    responses = {
        int(r.section_id): {
            "text_html": r.body_html,
            "updated_at": r.written_at.isoformat(),
        }
        for r in db.session.scalars(
            select(SectionResponse).where(
                SectionResponse.policy_id == policy_id, SectionResponse.superseded_at.is_(None)
            )
        )
    }
    comments: dict[int, list[dict[str, Any]]] = defaultdict(list)
    counts: dict[int, dict[str, int]] = {}
    rows = db.session.execute(
        select(Comment.id, Comment.section_id, Comment.body, CommentDisposition)
        .join(CommentDisposition, CommentDisposition.comment_id == Comment.id)
        .where(
            Comment.policy_id == policy_id,
            Comment.status == "published",
            CommentDisposition.superseded_at.is_(None),
        )
        .order_by(Comment.section_id, Comment.id)
    )
    for comment_id, section_id, body, d in rows:
        comments[int(section_id)].append(
            {
                "id": int(comment_id),
                "excerpt": excerpt(body),
                **_disposition_json(d.disposition, d.reason),
            }
        )
        tally = counts.setdefault(int(section_id), dict.fromkeys(DISPOSITIONS, 0))
        tally[d.disposition] += 1
    themes = {
        int(d.theme_id): _disposition_json(d.disposition, d.reason)
        for d in db.session.scalars(
            select(ThemeDisposition)
            .join(Theme, Theme.id == ThemeDisposition.theme_id)
            .where(Theme.policy_id == policy_id, ThemeDisposition.superseded_at.is_(None))
        )
    }
    return ReportDispositions(responses, dict(comments), counts, themes)


def theme_dispositions(policy_id: int) -> dict[int, ThemeDisposition]:
    """The current disposition of each theme of a policy (for the themes page)."""
    return {
        d.theme_id: d
        for d in db.session.scalars(
            select(ThemeDisposition)
            .join(Theme, Theme.id == ThemeDisposition.theme_id)
            .where(Theme.policy_id == policy_id, ThemeDisposition.superseded_at.is_(None))
        )
    }


def section_responses(policy_id: int) -> dict[int, SectionResponse]:
    """The current response of each section of a policy (for the responses page)."""
    return {
        r.section_id: r
        for r in db.session.scalars(
            select(SectionResponse).where(
                SectionResponse.policy_id == policy_id, SectionResponse.superseded_at.is_(None)
            )
        )
    }


def get_section(policy: Policy, section_id: int) -> Section:
    section = db.session.get(Section, section_id)
    if section is None or section.policy_id != policy.id:
        raise NotFound(_("This policy has no such section."))
    return section


def current_comment_dispositions(comment_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """The current (disposition, reason) of each of these comments that has one.

    One query for a whole batch of ids: the comments export calls it once per batch.
    """
    if not comment_ids:
        return {}
    rows = db.session.execute(
        select(
            CommentDisposition.comment_id,
            CommentDisposition.disposition,
            CommentDisposition.reason,
        ).where(
            CommentDisposition.comment_id.in_(comment_ids),
            CommentDisposition.superseded_at.is_(None),
        )
    )
    return {comment_id: (code, reason) for comment_id, code, reason in rows}


def own_dispositions(participant_id: int | None) -> list[tuple[Comment, CommentDisposition]]:
    """This participant's comments that have a disposition, newest answer first.

    Only their own: the query is by participant, so nobody sees another's list.
    """
    if participant_id is None:
        return []
    return list(
        db.session.execute(
            select(Comment, CommentDisposition)
            .join(CommentDisposition, CommentDisposition.comment_id == Comment.id)
            .where(
                Comment.participant_id == participant_id,
                CommentDisposition.superseded_at.is_(None),
            )
            .order_by(CommentDisposition.set_at.desc(), CommentDisposition.id.desc())
        ).all()
    )


def export_for_participant(participant_id: int) -> list[dict[str, Any]]:
    """The dispositions of one's own comments, for "download my data"."""
    return [
        {
            "comment_id": c.id,
            "disposition": d.disposition,
            "reason": d.reason,
            "set_at": d.set_at.isoformat(),
        }
        for c, d in own_dispositions(participant_id)
    ]


def account_section(user: Any) -> tuple[str, dict[str, Any]] | None:
    """ "What the government did with your comments" on /account, when there is any."""
    mine = own_dispositions(user.participant_id)
    return ("moderation/_my_dispositions.html", {"dispositions": mine}) if mine else None
