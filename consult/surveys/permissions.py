"""Who may answer, build and see the results of surveys: the only place that decides.

Views, the API and services call these predicates (services raise `PermissionDenied` with
the reason); templates get them as `survey_perms` through the surveys context processor.
"""

from __future__ import annotations

from consult.accounts.permissions import Viewer, has_role, may_contribute
from consult.surveys.models import Survey
from consult.surveys.queries import is_accepting_responses


def can_build_surveys(user: Viewer | None) -> bool:
    """Create and change surveys in the browser: administrators only, as for policy files."""
    return has_role(user, "admin")


def can_answer(user: Viewer | None, survey: Survey) -> bool:
    """Answer a survey, or change one's answers, while it takes responses.

    The same accounts as may comment: signed in, confirmed and not suspended. Everyone else
    may read the questions.
    """
    return may_contribute(user) and is_accepting_responses(survey)


def can_see_results(user: Viewer | None, survey: Survey, has_answered: bool) -> bool:
    """Respondents see results after answering (no anchoring before); staff always.

    Once a survey is closed its shared results are public; a survey that does not share
    them shows them to moderators and administrators only.
    """
    if has_role(user, "moderator"):
        return True
    return survey.show_results and (has_answered or survey.status == "closed")
