"""Publishing the report: a frozen, digested snapshot of the public report.

`publish_report` freezes what the public would see now (small cells hidden, no filters),
with the government's responses and dispositions, into canonical JSON bytes; stores them
with their SHA-256 under the next number of the policy; and records the digest on the
audit chain in the same transaction. A snapshot is never changed (reports/models.py), so
a newer one is published beside it, never over it, and anyone can check a download
against the digest on the page and in the audit log.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from consult.accounts.models import User
from consult.core import audit
from consult.core.models import utcnow
from consult.errors import Conflict, NotFound, PermissionDenied, ValidationError
from consult.extensions import db
from consult.policy.models import Policy
from consult.reports import permissions, queries
from consult.reports.filters import ReportFilters
from consult.reports.models import ReportSnapshot, canonical_bytes, digest

MAX_NOTE = 1000
SNAPSHOT_FORMAT = 1


def _clean_note(note: object) -> str | None:
    text = str(note or "").strip() or None
    if text and (len(text) > MAX_NOTE or "\x00" in text):
        raise ValidationError(
            _("The note is too long."), {"note": _("Use at most %(max)d characters.", max=MAX_NOTE)}
        )
    return text


def snapshot_body(policy: Policy, number: int, published_at: Any, note: str | None) -> dict:
    """The public report as it stands, plus what a frozen copy needs to stand alone.

    Section titles are copied in, so an old snapshot still reads right after the policy
    file changes; `publication` names the snapshot inside its own digested bytes.
    """
    minimum = current_app.config["REPORT_MIN_CELL"]
    report = queries.report_for(policy, ReportFilters(), exact=False, minimum=minimum)
    titles = {s.slug: s.title for s in policy.sections}
    return {
        **report,
        "policy_title": policy.title,
        "sections": [{**s, "title": titles.get(s["slug"])} for s in report["sections"]],
        "publication": {
            "format": SNAPSHOT_FORMAT,
            "number": number,
            "published_at": published_at.isoformat(),
            "note": note,
        },
    }


def publish_report(policy: Policy, actor: User, note: object = None) -> ReportSnapshot:
    """Freeze and publish the policy's public report as snapshot number n + 1."""
    refusal = permissions.publish_refusal(actor, policy)
    if refusal:
        raise PermissionDenied(refusal)
    text = _clean_note(note)
    number = (
        db.session.scalar(
            select(func.max(ReportSnapshot.number)).where(ReportSnapshot.policy_id == policy.id)
        )
        or 0
    ) + 1
    published_at = utcnow()
    raw = canonical_bytes(snapshot_body(policy, number, published_at, text))
    snapshot = ReportSnapshot(
        policy_id=policy.id,
        number=number,
        published_at=published_at,
        published_by_id=actor.id,
        note=text,
        body=raw.decode("utf-8"),
        sha256=digest(raw),
    )
    try:
        with db.session.begin_nested():
            db.session.add(snapshot)
    except IntegrityError as exc:
        # Another admin published at the same moment and took this number.
        raise Conflict(
            _("Another publication happened at the same moment; try again."), {}
        ) from exc
    audit.record(
        "report.publish",
        actor_id=actor.id,
        target_type="policy",
        target_id=policy.id,
        data={"policy": policy.slug, "number": number, "sha256": snapshot.sha256},
    )
    return snapshot


# --- reading them -----------------------------------------------------------------------


def latest_snapshot(policy: Policy) -> ReportSnapshot | None:
    return db.session.scalar(
        select(ReportSnapshot)
        .where(ReportSnapshot.policy_id == policy.id)
        .order_by(ReportSnapshot.number.desc())
        .limit(1)
    )


def get_snapshot(policy: Policy, number: int) -> ReportSnapshot:
    snapshot = db.session.scalar(
        select(ReportSnapshot).where(
            ReportSnapshot.policy_id == policy.id, ReportSnapshot.number == number
        )
    )
    if snapshot is None:
        raise NotFound(_("This report has no published snapshot %(n)d.", n=number))
    return snapshot


def list_snapshots(policy: Policy) -> list[tuple[int, Any, str, str | None]]:
    """(number, published_at, sha256, note) of every snapshot, newest first (no bodies)."""
    rows = db.session.execute(
        select(
            ReportSnapshot.number,
            ReportSnapshot.published_at,
            ReportSnapshot.sha256,
            ReportSnapshot.note,
        )
        .where(ReportSnapshot.policy_id == policy.id)
        .order_by(ReportSnapshot.number.desc())
    ).all()
    return [(int(n), at, sha, note) for n, at, sha, note in rows]


def snapshot_meta(snapshot: ReportSnapshot) -> dict[str, Any]:
    return {
        "number": snapshot.number,
        "sha256": snapshot.sha256,
        "published_at": snapshot.published_at.isoformat(),
    }
