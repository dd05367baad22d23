"""API read endpoints, errors, token authentication and the OpenAPI document."""

from __future__ import annotations

from openapi_spec_validator import validate
from sqlalchemy import update

from consult.accounts import services
from consult.extensions import db
from consult.policy.models import Policy
from tests.factories import make_user


def test_list_policies_shape(client, nsp):
    response = client.get("/api/v1/policies")
    assert response.status_code == 200
    assert response.json == {
        "policies": [
            {
                "slug": "nsp-2022-2026",
                "title": "National Security Policy of Pakistan 2022-2026",
                "status": "open",
                "opens_at": "2026-11-01",
                "closes_at": "2027-06-30",
            }
        ]
    }


def test_policy_detail_in_document_order(client, nsp):
    body = client.get("/api/v1/policies/nsp-2022-2026").json
    assert body["slug"] == "nsp-2022-2026" and body["status"] == "open"
    assert [s["slug"] for s in body["sections"]] == [
        "national-cohesion",
        "economic-future",
        "defence",
        "internal-security",
        "foreign-policy",
        "human-security",
    ]
    fp = body["sections"][4]
    assert fp["title"] == "Foreign Policy in a Changing World"
    assert set(fp) >= {"slug", "title", "goal", "objectives"}
    assert [o["key"] for o in fp["objectives"]] == [f"FP-{i}" for i in range(1, 6)]
    assert fp["objectives"][2]["text"].startswith("Ensuring a just and peaceful resolution")
    assert sum(len(s["objectives"]) for s in body["sections"]) == 28


def test_unknown_policy_is_json_404(client, nsp):
    response = client.get("/api/v1/policies/nope")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
    assert set(response.json["error"]) == {"code", "message", "fields"}


def test_draft_policies_are_not_in_the_api(client, nsp):
    db.session.execute(update(Policy).values(status="draft"))
    db.session.commit()
    assert client.get("/api/v1/policies").json == {"policies": []}
    assert client.get("/api/v1/policies/nsp-2022-2026").status_code == 404


def test_unknown_route_and_method_are_json(client):
    assert client.get("/api/v1/nothing").json["error"]["code"] == "not_found"
    response = client.delete("/api/v1/policies")
    assert response.status_code == 405 and response.json["error"]["code"] == "method_not_allowed"


def test_bearer_token_authentication(client, app):
    user = make_user(name="Token Holder")
    new = services.create_api_token(user, "t")
    db.session.commit()
    ok = client.get("/api/v1/me", headers={"Authorization": f"Bearer {new.plaintext}"})
    assert ok.status_code == 200 and ok.json == {"display_name": "Token Holder", "role": "citizen"}
    for header in ("", "Bearer", "Bearer cst_wrong", f"Basic {new.plaintext}"):
        response = client.get("/api/v1/me", headers={"Authorization": header})
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthorized"


def test_api_ignores_session_cookies(client, login_as):
    login_as()
    assert client.get("/api/v1/me").status_code == 401


def test_api_never_exposes_email(client, nsp):
    make_user(email="secret@example.org")
    db.session.commit()
    for url in ("/api/v1/policies", "/api/v1/policies/nsp-2022-2026"):
        assert "secret@example.org" not in client.get(url).get_data(as_text=True)


def test_openapi_documents_every_api_route(client, app):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.1")
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api."):
            path = rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}")
            path = path.replace("{int:", "{")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                routes.add((path, method))
    assert routes == documented


def test_openapi_is_valid_against_the_3_1_schema(client):
    doc = client.get("/api/v1/openapi.json").json
    validate(doc)  # raises on any structural error
