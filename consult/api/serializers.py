"""Model → JSON shapes of CONTRACT §5. Only public fields; never an email or a real name."""

from __future__ import annotations

from typing import Any

from consult.comments.models import Comment
from consult.comments.serializers import comment_json
from consult.core.i18n import localized
from consult.policy.models import Policy, Section
from consult.surveys.models import Question, Survey, SurveyResponse


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


def question(item: Question, lang: str) -> dict[str, Any]:
    data: dict[str, Any] = {
        "key": item.key,
        "type": item.type,
        "prompt": localized(item.prompt, lang),
        "help": localized(item.help, lang) or None,
        "required": item.required,
    }
    cfg = item.config
    if item.type in ("single", "multiple", "ranking"):
        data["options"] = [
            {"key": o["key"], "label": localized(o["label"], lang)} for o in cfg["options"]
        ]
    if item.type == "matrix":
        data["rows"] = [
            {"key": r["key"], "label": localized(r["label"], lang)} for r in cfg["rows"]
        ]
    if item.type in ("likert", "matrix"):
        data["scale"] = {"min": 1, "max": 5, "no_opinion": bool(cfg.get("no_opinion"))}
    for name in ("min_select", "max_select", "top_n", "max_length", "min", "max", "integer"):
        if cfg.get(name) is not None:
            data[name] = cfg[name]
    if item.condition:
        data["condition"] = item.condition
    return data


def survey(item: Survey, lang: str) -> dict[str, Any]:
    return {
        "id": item.id,
        "key": item.key,
        "section": item.section.slug,
        "title": localized(item.title, lang),
        "intro": localized(item.intro, lang) or None,
        "status": item.status,
        "anonymous": item.anonymous,
        "questions": [question(q, lang) for q in item.questions],
    }


def survey_response(item: SurveyResponse) -> dict[str, Any]:
    return {
        "id": item.id,
        "survey": item.survey_id,
        "version": item.version,
        "answers": item.answers,
        "created_at": item.created_at.isoformat(),
        "updated_at": item.updated_at.isoformat(),
    }
