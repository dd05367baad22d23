"""Exports run in constant memory: 100,000 generated comments exported to CSV stay under a
fixed ceiling of Python allocations (tracemalloc peak), and the peak at 100,000 is about the
peak at 10,000. XLSX the same at 2,000 and 4,000 rows: openpyxl under tracemalloc writes
about 300 rows a second on this machine, so 100,000 XLSX rows run only with
CONSULT_FULL_MEMORY_TEST=1 (about 6 minutes); bench B3 measures them at full scale, and
docs/performance.md has the figures."""

from __future__ import annotations

import gc
import hashlib
import os
import random
import time
import tracemalloc
from datetime import timedelta

from sqlalchemy import insert, select

from consult.accounts.models import Participant
from consult.comments.models import Comment
from consult.core.models import utcnow
from consult.extensions import db
from consult.moderation.models import CommentTheme, Theme
from consult.policy.models import Section
from consult.policy.queries import get_policy
from consult.reports import exports
from consult.reports.filters import ReportFilters

CEILING = 50 * 1024 * 1024  # bytes of Python allocations at the peak, whatever the size
WORDS = [
    "policy",
    "school",
    "water",
    "road",
    "teacher",
    "hospital",
    "security",
    "border",
    "trade",
    "youth",
]


class NullSink:
    """Swallows the bytes (counting them), so only the exporter's own memory is measured."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass


def _insert_comments(policy, start: int, n: int, rng: random.Random) -> None:
    """`n` top-level comments with ids from `start`, in bulk (a core INSERT per 5,000)."""
    sections = db.session.scalars(select(Section).where(Section.policy_id == policy.id)).all()
    people = db.session.scalars(select(Participant.id)).all()
    theme_ids = db.session.scalars(select(Theme.id)).all()
    now = utcnow()
    rows, tags = [], []
    for i in range(start, start + n):
        body = " ".join(rng.choices(WORDS, k=rng.randint(20, 80))) + f" ({i})"
        rows.append(
            {
                "id": i,
                "policy_id": policy.id,
                "section_id": sections[i % len(sections)].id,
                "root_id": i,
                "depth": 0,
                "participant_id": people[i % len(people)],
                "channel": "online",
                "stream": "open",
                "body": body,
                "body_html": f"<p>{body}</p>",
                "body_hash": hashlib.sha256(body.encode()).hexdigest(),
                "status": "published" if i % 10 else "hidden",
                "agree_count": i % 7,
                "disagree_count": i % 3,
                "score": 0.0,
                "created_at": now - timedelta(seconds=i),
            }
        )
        if i % 5 == 0:
            tags.append({"comment_id": i, "theme_id": theme_ids[i % len(theme_ids)]})
        if len(rows) == 5000:
            db.session.execute(insert(Comment.__table__), rows)
            rows = []
    if rows:
        db.session.execute(insert(Comment.__table__), rows)
    if tags:
        db.session.execute(insert(CommentTheme.__table__), tags)
    db.session.commit()


def _peak(kind: str, fmt: str, options) -> tuple[int, int]:
    """(tracemalloc peak in bytes, rows) of one export to a null sink."""
    gc.collect()
    tracemalloc.start()
    try:
        rows = exports.write_export(kind, fmt, options, NullSink())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, rows


def test_100000_comments_export_in_constant_memory(nsp):
    rng = random.Random(3)
    db.session.execute(
        insert(Participant),
        [{"kind": "account", "display_name": f"Person {i}"} for i in range(500)],
    )
    db.session.execute(
        insert(Theme),
        [{"policy_id": nsp.id, "name": f"Theme {i}", "name_key": f"theme {i}"} for i in range(8)],
    )
    db.session.commit()
    options = exports.ExportOptions(get_policy(nsp.slug), ReportFilters(), "moderator")
    full_xlsx = os.environ.get("CONSULT_FULL_MEMORY_TEST") == "1"
    peaks: dict[tuple[str, int], int] = {}

    def measure(fmt: str, n: int) -> None:
        began = time.perf_counter()
        peak, rows = _peak("comments", fmt, options)
        assert rows == n
        peaks[fmt, n] = peak
        print(
            f"{fmt} {n:,} rows: peak {peak / 2**20:.1f} MiB ({time.perf_counter() - began:.1f} s)"
        )

    _insert_comments(nsp, 1, 2_000, rng)
    measure("xlsx", 2_000)
    _insert_comments(nsp, 2_001, 2_000, rng)
    measure("xlsx", 4_000)
    _insert_comments(nsp, 4_001, 6_000, rng)
    measure("csv", 10_000)
    _insert_comments(nsp, 10_001, 90_000, rng)
    measure("csv", 100_000)
    if full_xlsx:
        measure("xlsx", 100_000)
    for (fmt, _n), peak in peaks.items():
        assert peak < CEILING, fmt
    # Constant: more rows may not cost much more than the first batches did.
    small = {"csv": peaks["csv", 10_000], "xlsx": peaks["xlsx", 2_000]}
    for (fmt, n), peak in peaks.items():
        assert peak < small[fmt] * 1.25 + 2**20, (fmt, n)
