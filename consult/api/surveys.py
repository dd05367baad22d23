"""Survey endpoints of the API: definitions, responses, results."""

from __future__ import annotations

from flask import g, jsonify

from consult.api.auth import bearer_user, token_required
from consult.api.blueprint import bp
from consult.api.requests import json_body, language
from consult.core.transaction import write
from consult.errors import NotFound, PermissionDenied
from consult.policy import queries as policy_queries
from consult.surveys import permissions, queries, serializers, services


@bp.get("/policies/<policy>/surveys")
def list_surveys(policy: str):
    item = policy_queries.get_policy(policy)
    lang = language()
    return jsonify(
        {"surveys": [serializers.survey(s, lang) for s in queries.list_policy_surveys(item.id)]}
    )


@bp.get("/surveys/<int:survey_id>")
def get_survey(survey_id: int):
    return jsonify(serializers.survey(queries.get_survey(survey_id), language()))


@bp.post("/surveys/<int:survey_id>/responses")
@write
@token_required
def submit_response(survey_id: int):
    survey = queries.get_survey(survey_id)
    data = json_body(allowed={"answers"})
    response = services.submit_response(survey, g.api_user.participant, data.get("answers"))
    return jsonify(serializers.response(response)), 201


@bp.put("/surveys/<int:survey_id>/responses")
@write
@token_required
def replace_response(survey_id: int):
    """Change one's response (a new revision); creates it when there is none yet."""
    survey = queries.get_survey(survey_id)
    data = json_body(allowed={"answers"})
    participant = g.api_user.participant
    existing = queries.get_response(survey, participant.id)
    if existing is None:
        response = services.submit_response(survey, participant, data.get("answers"))
    else:
        response = services.change_response(survey, participant, data.get("answers"))
    return jsonify(serializers.response(response)), 201 if existing is None else 200


@bp.get("/surveys/<int:survey_id>/responses/mine")
@token_required
def my_response(survey_id: int):
    survey = queries.get_survey(survey_id)
    response = queries.get_response(survey, g.api_user.participant_id)
    if response is None:
        raise NotFound("You have not answered this survey.")
    return jsonify(serializers.response(response))


@bp.get("/surveys/<int:survey_id>/results")
def results(survey_id: int):
    """As on the survey page: respondents after answering, everyone once closed; staff always.

    Without a token nobody has answered, so an open survey's results stay hidden.
    """
    survey = queries.get_survey(survey_id)
    user = bearer_user()
    answered = user is not None and queries.has_answered(survey, user.participant_id)
    if not permissions.can_see_results(user, survey, has_answered=answered):
        raise PermissionDenied("This survey does not publish its results.")
    return jsonify(queries.survey_results(survey))
