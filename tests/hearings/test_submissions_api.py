"""`POST /api/v1/hearings/<id>/submissions`: a paper form, all or nothing, once per key."""

from __future__ import annotations

from consult.comments.models import Comment
from consult.core.idempotency import IdempotencyKey
from consult.extensions import db
from consult.hearings.models import HearingAttendee
from consult.surveys.models import SurveyResponse
from tests.factories import make_hearing, make_user
from tests.helpers import bearer_for, count_rows

BODY = {
    "form_number": 12,
    "participant": {"name": "Ali", "show_name": True, "province": "punjab", "gender": "man"},
    "comments": [
        {"section": "national-cohesion", "objective": "NC-2", "stance": "oppose", "body": "No."},
        {"section": "human-security", "body": "Heat waves."},
    ],
    "responses": [
        {"survey": "national-cohesion", "answers": {"ratings": {"NC-1": 1, "NC-2": 2, "NC-3": 3}}}
    ],
}


def _setup():
    facilitator = make_user(role="facilitator")
    hearing = make_hearing(facilitator, status="open")
    headers = bearer_for(facilitator)
    return hearing, headers


def _post(client, hearing, headers, key="form-key-0001", body=BODY):
    return client.post(
        f"/api/v1/hearings/{hearing.id}/submissions",
        json=body,
        headers={**headers, "Idempotency-Key": key} if key else headers,
    )


def test_a_form_is_saved_once_per_key(client, nsp):
    hearing, headers = _setup()
    first = _post(client, hearing, headers)
    assert first.status_code == 201, first.json
    assert set(first.json) >= {"participant_id", "comments", "responses"}
    assert len(first.json["comments"]) == 2 and len(first.json["responses"]) == 1
    assert first.headers["Idempotent-Replayed"] == "false"
    again = _post(client, hearing, headers)
    assert (again.status_code, again.json) == (201, first.json)
    assert again.headers["Idempotent-Replayed"] == "true"
    db.session.expire_all()
    assert count_rows(HearingAttendee) == 1 and count_rows(Comment) == 2
    assert count_rows(SurveyResponse) == 1 and count_rows(IdempotencyKey) == 1
    comment = db.session.get(Comment, first.json["comments"][0])
    assert (comment.channel, comment.hearing_id) == ("paper", hearing.id)
    # The same key with another body is refused; a new key with the same number conflicts.
    other = _post(client, hearing, headers, body={**BODY, "form_number": 13})
    assert other.status_code == 409 and other.json["error"]["code"] == "conflict"
    duplicate = _post(client, hearing, headers, key="form-key-0002")
    assert duplicate.status_code == 409 and "form_number" in duplicate.json["error"]["fields"]
    db.session.expire_all()
    assert count_rows(HearingAttendee) == 1


def test_errors_write_nothing_and_the_key_stays_free(client, nsp):
    hearing, headers = _setup()
    bad = {**BODY, "comments": [{"section": "defence", "body": "Out of scope"}]}
    response = _post(client, hearing, headers, body=bad)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {
        "comments.0.section": "Not a section this hearing covers."
    }
    db.session.expire_all()
    assert count_rows(HearingAttendee) == 0 and count_rows(IdempotencyKey) == 0
    assert _post(client, hearing, headers).status_code == 201  # corrected, same key


def test_key_header_token_and_assignment_are_required(client, nsp):
    hearing, headers = _setup()
    missing = _post(client, hearing, headers, key=None)
    assert missing.status_code == 422 and "Idempotency-Key" in missing.json["error"]["fields"]
    assert _post(client, hearing, {}).status_code == 401
    stranger = bearer_for(make_user(role="facilitator"))
    assert _post(client, hearing, stranger).status_code == 403
    assert _post(client, hearing, bearer_for(make_user(role="admin"))).status_code == 201
    unknown = client.post(
        "/api/v1/hearings/99999/submissions",
        json=BODY,
        headers={**headers, "Idempotency-Key": "k" * 10},
    )
    assert unknown.status_code == 404
    extra = _post(client, hearing, headers, key="form-key-0003", body={**BODY, "x": 1})
    assert extra.status_code == 422


def test_openapi_documents_the_endpoint(client):
    doc = client.get("/api/v1/openapi.json").json
    operation = doc["paths"]["/hearings/{hearing_id}/submissions"]["post"]
    assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"])
