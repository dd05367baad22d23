"""Write side of policies: upsert a parsed file by stable keys, recording text revisions."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from consult.core import audit
from consult.core.models import utcnow
from consult.extensions import db
from consult.policy.hooks import section_tables
from consult.policy.loader import PolicyData
from consult.policy.models import Objective, Policy, Quotation, Section, TextRevision


@dataclass
class LoadResult:
    policy: Policy
    created: bool = False
    changes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.created or bool(self.changes)


class _Upserter:
    """Applies one file; every change is named in `changes` for the CLI and the audit log."""

    def __init__(self, policy: Policy, changes: list[str]) -> None:
        self.policy = policy
        self.changes = changes
        self._pending: list[tuple[str, Any, str, Any]] = []

    def set_text(self, entity_type: str, entity: Any, attr: str, value: Any, label: str) -> None:
        if getattr(entity, attr) == value:
            return
        if getattr(entity, attr) is not None or entity.id is not None:
            self.changes.append(f"{label}.{attr} changed")
        setattr(entity, attr, value)
        if value is not None:
            self._pending.append((entity_type, entity, attr, value))

    def set_plain(self, entity: Any, attr: str, value: Any, label: str) -> None:
        if getattr(entity, attr) != value:
            if entity.id is not None:
                self.changes.append(f"{label}.{attr}: {getattr(entity, attr)} -> {value}")
            setattr(entity, attr, value)

    def write_revisions(self) -> None:
        """Write one revision per changed text, numbered after the latest for that field."""
        db.session.flush()
        for entity_type, entity, attr, value in self._pending:
            latest = db.session.scalar(
                select(func.max(TextRevision.version)).where(
                    TextRevision.entity_type == entity_type,
                    TextRevision.entity_id == entity.id,
                    TextRevision.field == attr,
                )
            )
            db.session.add(
                TextRevision(
                    policy_id=self.policy.id,
                    entity_type=entity_type,
                    entity_id=entity.id,
                    field=attr,
                    version=(latest or 0) + 1,
                    value=value,
                )
            )
        self._pending.clear()


def load_policy(data: PolicyData, actor_id: int | None = None) -> LoadResult:
    """Create or update a policy from parsed data, matching rows by slug and key.

    Ids never change, so comments and responses stay attached; an entry dropped from the
    file is retired (hidden from reading) rather than deleted, and comes back if restored.
    A file identical to what is stored writes nothing at all.
    """
    policy = db.session.scalar(select(Policy).where(Policy.slug == data.slug))
    result = LoadResult(policy=policy or Policy(slug=data.slug), created=policy is None)
    policy = result.policy
    if result.created:
        db.session.add(policy)
    up = _Upserter(policy, result.changes)
    now = utcnow()

    for attr in ("title", "preamble", "vision", "process"):
        up.set_text("policy", policy, attr, getattr(data, attr), "policy")
    for attr in ("status", "moderation", "opens_at", "closes_at"):
        up.set_plain(policy, attr, getattr(data, attr), "policy")
    db.session.flush()

    existing_quotes = {q.key: q for q in policy.quotations} if not result.created else {}
    for position, qd in enumerate(data.quotations, start=1):
        quote = existing_quotes.pop(qd.key, None)
        if quote is None:
            quote = Quotation(policy=policy, key=qd.key, position=position)
            db.session.add(quote)
            if not result.created:
                result.changes.append(f"quotation {qd.key} added")
        label = f"quotation {qd.key}"
        up.set_plain(quote, "position", position, label)
        up.set_plain(quote, "retired_at", None, label)
        up.set_text("quotation", quote, "text", qd.text, label)
        up.set_text("quotation", quote, "attribution", qd.attribution, label)
    for quote in existing_quotes.values():
        if quote.retired_at is None:
            quote.retired_at = now
            result.changes.append(f"quotation {quote.key} retired")

    existing_sections = {s.slug: s for s in policy.sections} if not result.created else {}
    existing_objectives = (
        {o.key: o for s in policy.sections for o in s.objectives} if not result.created else {}
    )
    for position, sd in enumerate(data.sections, start=1):
        section = existing_sections.pop(sd.slug, None)
        if section is None:
            section = Section(policy=policy, slug=sd.slug, position=position)
            db.session.add(section)
            if not result.created:
                result.changes.append(f"section {sd.slug} added")
        label = f"section {sd.slug}"
        up.set_plain(section, "position", position, label)
        up.set_plain(section, "retired_at", None, label)
        up.set_text("section", section, "title", sd.title, label)
        up.set_text("section", section, "goal", sd.goal, label)
        db.session.flush()
        for opos, od in enumerate(sd.objectives, start=1):
            objective = existing_objectives.pop(od.key, None)
            if objective is None:
                objective = Objective(
                    policy_id=policy.id, section=section, key=od.key, position=opos
                )
                db.session.add(objective)
                if not result.created:
                    result.changes.append(f"objective {od.key} added")
            olabel = f"objective {od.key}"
            # An objective may move between sections; its key and id stay the same.
            if objective.section_id is not None and objective.section_id != section.id:
                result.changes.append(f"{olabel} moved to {sd.slug}")
                objective.section = section
            up.set_plain(objective, "position", opos, olabel)
            up.set_plain(objective, "retired_at", None, olabel)
            up.set_text("objective", objective, "text", od.text, olabel)
        db.session.flush()
        for table in section_tables():
            table.sync(policy, section, sd.tables.get(table.name, ()), result.changes, actor_id)
    for section in existing_sections.values():
        if section.retired_at is None:
            section.retired_at = now
            result.changes.append(f"section {section.slug} retired")
    for objective in existing_objectives.values():
        if objective.retired_at is None:
            objective.retired_at = now
            result.changes.append(f"objective {objective.key} retired")

    if not result.changed:
        return result
    policy.source_hash = data.source_hash
    policy.updated_at = now
    up.write_revisions()
    audit.record(
        "policy.load",
        actor_id=actor_id,
        target_type="policy",
        target_id=policy.id,
        data={
            "slug": policy.slug,
            "created": result.created,
            "changes": result.changes[:200],
            "source_sha256": data.source_hash,
        },
    )
    return result
