"""Read side of accounts: the people list for administrators."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from consult.accounts.models import Participant, User
from consult.core.pagination import Page
from consult.extensions import db

PEOPLE_PER_PAGE = 50


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped.lower()}%"


def list_accounts(search: str = "", role: str | None = None, page: int = 1) -> Page[User]:
    """Accounts, newest first, matching an email or display-name fragment; two queries."""
    query = select(User).join(Participant, User.participant_id == Participant.id)
    term = " ".join((search or "").split())[:100]
    if term:
        pattern = _like(term)
        query = query.where(
            or_(
                func.lower(User.email).like(pattern, escape="\\"),
                func.lower(Participant.display_name).like(pattern, escape="\\"),
            )
        )
    if role:
        query = query.where(User.role == role)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    result: Page[User] = Page.build(total=total, page=page, per_page=PEOPLE_PER_PAGE)
    result.items = list(
        db.session.scalars(
            query.order_by(User.id.desc()).limit(result.per_page).offset(result.offset)
        )
    )
    return result


def count_admins() -> int:
    """Active administrators; the platform never drops to none."""
    return (
        db.session.scalar(
            select(func.count(User.id)).where(User.role == "admin", User.deleted_at.is_(None))
        )
        or 0
    )
