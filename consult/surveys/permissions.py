"""Who may answer, build and see results of surveys."""

from __future__ import annotations

from typing import Any

from consult.accounts.permissions import has_role
from consult.surveys.models import Survey


def can_build_surveys(user: Any) -> bool:
    return has_role(user, "admin")


def can_see_results(user: Any, survey: Survey, has_answered: bool) -> bool:
    """Respondents see results after answering (no anchoring before); staff always."""
    if has_role(user, "moderator"):
        return True
    return survey.show_results and (has_answered or survey.status == "closed")
