"""Survey endpoints of the API."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from consult.accounts import services as accounts
from consult.extensions import db
from consult.surveys.models import SurveyResponse
from tests.factories import make_user, survey_of

GOOD = {"ratings": {"NC-1": 4, "NC-2": 5, "NC-3": "no-opinion"}}


@pytest.fixture
def headers(app):
    user = make_user()
    token = accounts.create_api_token(user, "t").plaintext
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_list_surveys_shape(client, nsp):
    body = client.get("/api/v1/policies/nsp-2022-2026/surveys").json
    assert [s["section"] for s in body["surveys"]] == [s.slug for s in nsp.sections]
    nc = body["surveys"][0]
    assert set(nc) >= {"id", "section", "title", "questions"}
    ratings, priorities, missing = nc["questions"]
    assert ratings["type"] == "matrix" and ratings["required"] is True
    assert ratings["rows"][0]["key"] == "NC-1" and ratings["rows"][0]["label"].startswith(
        "Promoting 'unity in diversity'"
    )
    assert ratings["scale"] == {"min": 1, "max": 5, "no_opinion": True}
    assert priorities["type"] == "ranking" and [o["key"] for o in priorities["options"]] == [
        "NC-1",
        "NC-2",
        "NC-3",
    ]
    assert missing == {
        "key": "missing",
        "type": "text",
        "prompt": "What is missing from this section?",
        "help": "Anything the policy should add, change or say more clearly.",
        "required": False,
        "max_length": 2000,
    }


def test_submit_then_409_then_put_changes(client, nsp, headers):
    sid = survey_of().id
    url = f"/api/v1/surveys/{sid}/responses"
    first = client.post(url, json={"answers": GOOD}, headers=headers)
    assert first.status_code == 201 and first.json["version"] == 1
    assert first.json["answers"] == GOOD
    second = client.post(url, json={"answers": GOOD}, headers=headers)
    assert second.status_code == 409 and second.json["error"]["code"] == "conflict"
    changed = client.put(
        url, json={"answers": {"ratings": {"NC-1": 1, "NC-2": 1, "NC-3": 1}}}, headers=headers
    )
    assert changed.status_code == 200 and changed.json["version"] == 2
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 1
    mine = client.get(f"{url}/mine", headers=headers)
    assert mine.json["answers"]["ratings"]["NC-1"] == 1


def test_put_creates_when_absent(client, nsp, headers):
    response = client.put(
        f"/api/v1/surveys/{survey_of().id}/responses", json={"answers": GOOD}, headers=headers
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"ratings": {"NC-1": 4}}, "ratings"),
        ({**GOOD, "priorities": ["NC-1", "NC-1", "NC-2"]}, "priorities"),
        ({**GOOD, "priorities": ["NC-1", "NC-2"]}, "priorities"),
        ({**GOOD, "missing": "x" * 2001}, "missing"),
        ({**GOOD, "unknown": 1}, "unknown"),
        ({**GOOD, "ratings": {"NC-1": 4, "NC-2": 5, "NC-3": 6}}, "ratings"),
        ({**GOOD, "priorities": ["EF-1", "NC-2", "NC-3"]}, "priorities"),
    ],
)
def test_bad_answers_are_422_with_fields(client, nsp, headers, answers, field):
    response = client.post(
        f"/api/v1/surveys/{survey_of().id}/responses", json={"answers": answers}, headers=headers
    )
    assert response.status_code == 422
    assert field in response.json["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(SurveyResponse)) == 0


def test_missing_answers_object_and_auth(client, nsp, headers):
    url = f"/api/v1/surveys/{survey_of().id}/responses"
    assert client.post(url, json={"answers": [1]}, headers=headers).status_code == 422
    assert client.post(url, json={"answer": GOOD}, headers=headers).status_code == 422
    assert client.post(url, json={"answers": GOOD}).status_code == 401
    assert (
        client.post(
            "/api/v1/surveys/9999/responses", json={"answers": GOOD}, headers=headers
        ).status_code
        == 404
    )


def test_closed_survey_is_403(client, nsp, headers):
    survey_of().status = "closed"
    db.session.commit()
    response = client.post(
        f"/api/v1/surveys/{survey_of().id}/responses", json={"answers": GOOD}, headers=headers
    )
    assert response.status_code == 403


def test_results_403_before_answering_and_200_after(client, nsp, headers):
    """A survey that shares its results shows them to a respondent once they answered."""
    sid = survey_of().id
    assert survey_of().show_results and survey_of().status == "open"
    url = f"/api/v1/surveys/{sid}/results"
    before = client.get(url, headers=headers)
    assert before.status_code == 403 and before.json["error"]["code"] == "forbidden"
    client.post(f"/api/v1/surveys/{sid}/responses", json={"answers": GOOD}, headers=headers)
    after = client.get(url, headers=headers)
    assert after.status_code == 200 and after.json["responses"] == 1


def test_results_public_when_shared(client, nsp, headers):
    """Shared results are public once the survey closes; while open, only respondents see
    them (as on the survey page), and a survey that does not share them shows nobody."""
    sid = survey_of().id
    url = f"/api/v1/surveys/{sid}/results"
    client.post(f"/api/v1/surveys/{sid}/responses", json={"answers": GOOD}, headers=headers)
    assert client.get(url).status_code == 403  # without a token nobody has answered
    survey_of().status = "closed"
    db.session.commit()
    body = client.get(url).json
    assert body["responses"] == 1
    assert body["questions"]["ratings"]["rows"]["NC-1"]["distribution"]["4"] == 1
    survey_of().show_results = False
    db.session.commit()
    assert client.get(url).status_code == 403
    assert client.get(url, headers=headers).status_code == 403


def test_moderators_always_see_results(client, nsp):
    moderator = make_user("moderator")
    token = accounts.create_api_token(moderator, "t").plaintext
    survey_of().show_results = False
    db.session.commit()
    response = client.get(
        f"/api/v1/surveys/{survey_of().id}/results", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200 and response.json["responses"] == 0


def test_draft_surveys_are_not_listed(client, nsp):
    survey_of().status = "draft"
    db.session.commit()
    body = client.get("/api/v1/policies/nsp-2022-2026/surveys").json
    assert "national-cohesion" not in [s["section"] for s in body["surveys"]]
    assert client.get(f"/api/v1/surveys/{survey_of().id}").status_code == 404


def test_listing_surveys_takes_a_fixed_number_of_queries(client, nsp):
    from sqlalchemy import event

    seen: list[str] = []

    def record(*args):
        seen.append(args[2])

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get("/api/v1/policies/nsp-2022-2026/surveys").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(seen) <= 6, seen  # policy (4 loads) + surveys + questions, not one per survey
