"""One comment as JSON, for the API, "download my data" and (soon) exports.

The public shape (CONTRACT §5) carries a display name and never an email; `private=True`
adds what only the author and the moderators may see: the status and the Markdown source.
"""

from __future__ import annotations

from typing import Any

from consult.comments.models import Comment


def comment_json(
    item: Comment, *, private: bool = False, section: str | None = None
) -> dict[str, Any]:
    """Serialise a comment; `section` (a slug) is added when the caller already has it."""
    data: dict[str, Any] = {
        "id": item.id,
        "parent_id": item.parent_id,
        "objective": item.objective.key if item.objective else None,
        "stance": item.stance,
        "body_html": item.body_html,
        "author": {"display_name": item.participant.display_name},
        "channel": item.channel,
        "created_at": item.created_at.isoformat(),
        "edited_at": item.edited_at.isoformat() if item.edited_at else None,
        "endorsements": {"agree": item.agree_count, "disagree": item.disagree_count},
    }
    if section is not None:
        data["section"] = section
    if private:
        data["status"] = item.status
        data["body"] = item.body
        data["stream"] = item.stream  # open or invited (moderators and the author)
    return data
