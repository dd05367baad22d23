"""Survey permissions: who may answer, build and see results."""

from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin

from consult.core.models import utcnow
from consult.surveys.permissions import can_answer, can_build_surveys, can_see_results
from tests.factories import make_user, survey_of


def test_can_answer_needs_an_account_that_may_contribute_and_an_open_survey(app, nsp):
    survey = survey_of()
    citizen, banned, unconfirmed = make_user(), make_user(), make_user()
    banned.banned_at = utcnow()
    unconfirmed.confirmed_at = None
    assert can_answer(citizen, survey)
    assert not can_answer(AnonymousUserMixin(), survey)
    assert not can_answer(None, survey)
    assert not can_answer(banned, survey)
    assert not can_answer(unconfirmed, survey)
    survey.status = "closed"
    assert not can_answer(citizen, survey)
    survey.status = "open"
    nsp.status = "closed"  # the policy no longer takes feedback
    assert not can_answer(citizen, survey)


@pytest.mark.parametrize(
    ("role", "builds"), [("citizen", False), ("moderator", False), ("admin", True)]
)
def test_only_admins_build_surveys(app, role, builds):
    assert can_build_surveys(make_user(role)) is builds
    assert not can_build_surveys(AnonymousUserMixin())


def test_results_after_answering_public_once_closed_staff_always(app, nsp):
    survey = survey_of()
    citizen, moderator = make_user(), make_user("moderator")
    assert not can_see_results(citizen, survey, has_answered=False)
    assert can_see_results(citizen, survey, has_answered=True)
    assert can_see_results(moderator, survey, has_answered=False)
    survey.status = "closed"
    assert can_see_results(None, survey, has_answered=False)
    survey.show_results = False
    assert not can_see_results(citizen, survey, has_answered=True)
    assert can_see_results(moderator, survey, has_answered=False)
