"""Model → JSON shapes of CONTRACT §5. Only public fields; never an email or a real name."""

from __future__ import annotations

from typing import Any

from consult.comments.models import Comment
from consult.comments.serializers import comment_json
from consult.core.i18n import localized
from consult.policy.models import Policy, Section


def _date(value: Any) -> str | None:
    return value.isoformat() if value else None


def policy_summary(policy: Policy, lang: str) -> dict[str, Any]:
    """A policy in the list, as CONTRACT §5 shows it."""
    return {
        "slug": policy.slug,
        "title": localized(policy.title, lang),
        "status": policy.status,
        "opens_at": _date(policy.opens_at),
        "closes_at": _date(policy.closes_at),
    }


def section(section: Section, lang: str) -> dict[str, Any]:
    """A section with its objectives in document order."""
    return {
        "slug": section.slug,
        "title": localized(section.title, lang),
        "goal": localized(section.goal, lang),
        "objectives": [{"key": o.key, "text": localized(o.text, lang)} for o in section.objectives],
    }


def policy_detail(policy: Policy, lang: str) -> dict[str, Any]:
    """A policy with its sections and texts, in the requested language."""
    return {
        **policy_summary(policy, lang),
        "moderation": policy.moderation,
        "preamble": localized(policy.preamble, lang) or None,
        "vision": localized(policy.vision, lang) or None,
        "process": localized(policy.process, lang) or None,
        "quotations": [
            {
                "key": q.key,
                "text": localized(q.text, lang),
                "attribution": localized(q.attribution, lang) or None,
            }
            for q in policy.quotations
        ],
        "sections": [section(s, lang) for s in policy.sections],
    }


def comment(item: Comment, include_status: bool = False) -> dict[str, Any]:
    """A comment as CONTRACT §5 shows it: the comments domain's one serializer."""
    return comment_json(item, private=include_status)
