"""The hearings API: create, read, status; errors in the one JSON shape."""

from __future__ import annotations

from consult.extensions import db
from consult.hearings.models import Hearing
from tests.factories import make_hearing, make_user
from tests.helpers import bearer_for, count_rows

BODY = {
    "policy": "nsp-2022-2026",
    "title": "Hearing at LUMS",
    "institution": "LUMS",
    "city": "Lahore",
    "province": "punjab",
    "starts_at": "2026-12-12T10:00:00+05:00",
    "ends_at": "2026-12-12T13:00:00+05:00",
    "sections": ["economic-future"],
}


def test_facilitator_creates_and_opens_a_hearing(client, nsp):
    facilitator = make_user(role="facilitator")
    headers = bearer_for(facilitator)
    response = client.post("/api/v1/hearings", json=BODY, headers=headers)
    assert response.status_code == 201, response.json
    data = response.json
    assert data["status"] == "scheduled" and len(data["join_code"]) == 6
    assert data["sections"] == ["economic-future"]
    assert data["starts_at"] == "2026-12-12T05:00:00+00:00"
    hearing_id = data["id"]
    opened = client.post(
        f"/api/v1/hearings/{hearing_id}/status", json={"status": "open"}, headers=headers
    )
    assert opened.status_code == 200 and opened.json["status"] == "open"
    again = client.post(
        f"/api/v1/hearings/{hearing_id}/status", json={"status": "open"}, headers=headers
    )
    assert again.status_code == 409 and again.json["error"]["code"] == "conflict"
    public = client.get(f"/api/v1/hearings/{hearing_id}").json
    assert "join_code" not in public and public["contributions"]["total"] == 0
    assert client.get(f"/api/v1/hearings/{hearing_id}", headers=headers).json["join_code"]
    listing = client.get("/api/v1/hearings").json["hearings"]
    assert [h["id"] for h in listing] == [hearing_id]


def test_create_errors(client, nsp):
    headers = bearer_for(make_user(role="facilitator"))
    bad = {**BODY, "ends_at": "2026-12-12T09:00:00+05:00", "sections": ["nope"], "title": ""}
    response = client.post("/api/v1/hearings", json=bad, headers=headers)
    assert response.status_code == 422
    assert {"ends_at", "sections", "title"} <= set(response.json["error"]["fields"])
    naive = client.post(
        "/api/v1/hearings", json={**BODY, "starts_at": "2026-12-12T10:00"}, headers=headers
    )
    assert naive.status_code == 422 and "starts_at" in naive.json["error"]["fields"]
    unknown = client.post("/api/v1/hearings", json={**BODY, "colour": "red"}, headers=headers)
    assert unknown.status_code == 422 and "colour" in unknown.json["error"]["fields"]
    missing_policy = client.post(
        "/api/v1/hearings", json={**BODY, "policy": "no-such"}, headers=headers
    )
    assert missing_policy.status_code == 404
    assert client.post("/api/v1/hearings", json=BODY).status_code == 401
    assert count_rows(Hearing) == 0


def test_citizen_cannot_create_and_unassigned_facilitator_cannot_change_status(client, nsp):
    citizen = client.post("/api/v1/hearings", json=BODY, headers=bearer_for(make_user()))
    assert citizen.status_code == 403 and citizen.json["error"]["code"] == "forbidden"
    hearing = make_hearing()
    db.session.commit()
    other = bearer_for(make_user(role="facilitator"))
    url = f"/api/v1/hearings/{hearing.id}/status"
    assert client.post(url, json={"status": "open"}, headers=other).status_code == 403
    admin = bearer_for(make_user(role="admin"))
    bad = client.post(url, json={"status": "scheduled"}, headers=admin)
    assert bad.status_code == 422 and "status" in bad.json["error"]["fields"]
    assert client.post(url, json={"status": "open"}, headers=admin).status_code == 200
    db.session.expire_all()
    assert hearing.status == "open"


def test_unknown_hearing_is_404(client, nsp):
    assert client.get("/api/v1/hearings/999").status_code == 404
    headers = bearer_for(make_user(role="admin"))
    response = client.post("/api/v1/hearings/999/status", json={"status": "open"}, headers=headers)
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
