"""One JSON shape per hearing, for the API (and, later, exports)."""

from __future__ import annotations

from typing import Any

from consult.hearings.models import Hearing
from consult.hearings.queries import Contributions


def _when(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def hearing(
    item: Hearing, contributions: Contributions | None = None, with_code: bool = False
) -> dict[str, Any]:
    """The public shape; the join code only for those who manage it (`with_code`).

    A join code lets someone post as "at the hearing", so it is handed out in the hall
    (the projector view), not published to anyone who asks the API.
    """
    data: dict[str, Any] = {
        "id": item.id,
        "policy": item.policy.slug,
        "title": item.title,
        "institution": item.institution,
        "city": item.city,
        "province": item.province,
        "venue": item.venue,
        "starts_at": _when(item.starts_at),
        "ends_at": _when(item.ends_at),
        "description": item.description,
        "status": item.status,
        "sections": [s.slug for s in item.sections],
        "opened_at": _when(item.opened_at),
        "closed_at": _when(item.closed_at),
        "outcome": {
            "minutes": item.minutes,
            "attendance": item.attendance,
            "summary": item.summary,
        }
        if item.is_closed
        else None,
    }
    if with_code:
        data["join_code"] = item.join_code
    if contributions is not None:
        data["contributions"] = {
            "comments": contributions.comments,
            "responses": contributions.responses,
            "total": contributions.total,
        }
    return data
