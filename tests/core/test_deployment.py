"""Deployment settings that close the outside probe's findings F1, F3 and F8.

Each test attacks: it sends what the probe sent and asserts the app does not give in.
"""

from __future__ import annotations

import pytest
from flask import Flask

from consult import create_app
from consult.core.urls import external_url

PROD = {
    "SECRET_KEY": "x" * 32,
    "PUBLIC_BASE_URL": "https://consult.example.org",
    "RATELIMIT_STORAGE_URI": "memory://",
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
}


def production_app(**overrides: object) -> Flask:
    return create_app("production", {**PROD, **overrides})


# --- F1: links from the configured origin; unknown hosts refused in production ---------


def test_external_url_ignores_the_request_host(app):
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        link = external_url("accounts.reset_password", token="abc")
    assert link == "http://127.0.0.1:5000/auth/reset/abc"


def test_external_url_keeps_a_path_prefix(make_app):
    app = make_app(PUBLIC_BASE_URL="https://gov.example.pk/consult/")
    with app.test_request_context("/"):
        assert external_url("policy.home") == "https://gov.example.pk/consult/"


@pytest.mark.parametrize(
    "value", [None, "", "consult.example.org", "ftp://x.example", "https://x.example/?a=1"]
)
def test_production_refuses_a_missing_or_odd_public_base_url(value):
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        production_app(PUBLIC_BASE_URL=value)


def test_production_refuses_plain_http_origin():
    with pytest.raises(RuntimeError, match="https"):
        production_app(PUBLIC_BASE_URL="http://consult.example.org")


def test_production_answers_only_to_trusted_hosts():
    app = production_app()
    assert app.config["TRUSTED_HOSTS"] == ["consult.example.org"]
    client = app.test_client()
    evil = client.get("/auth/reset", headers={"Host": "evil.example"})
    assert evil.status_code == 400
    evil_post = client.post(
        "/auth/reset", headers={"Host": "evil.example"}, data={"email": "a@b.c"}
    )
    assert evil_post.status_code == 400


def test_trusted_hosts_can_list_more_names():
    app = production_app(TRUSTED_HOSTS=["consult.example.org", "internal.example"])
    client = app.test_client()
    assert client.get("/language/en", headers={"Host": "internal.example"}).status_code in (
        302,
        303,
    )
    assert client.get("/language/en", headers={"Host": "evil.example"}).status_code == 400


# --- F3: X-Forwarded-* believed only from the configured number of proxies -------------


def _remote_addr_app(**overrides: object) -> Flask:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://", **overrides})

    @app.get("/_probe")
    def probe():
        from flask import request, url_for

        return {"addr": request.remote_addr, "url": url_for("policy.home", _external=True)}

    return app


def test_forwarded_headers_are_ignored_without_a_proxy():
    client = _remote_addr_app().test_client()
    data = client.get(
        "/_probe",
        headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "198.51.100.1"},
    ).json
    assert data["addr"] == "198.51.100.1"
    assert data["url"].startswith("http://")


def test_one_trusted_proxy_gives_the_client_address_and_scheme():
    client = _remote_addr_app(TRUSTED_PROXIES=1).test_client()
    data = client.get(
        "/_probe",
        headers={"X-Forwarded-For": "10.9.9.9, 203.0.113.9", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
    ).json
    # Only the hop the proxy added is believed; the client's own claim (10.9.9.9) is not.
    assert data["addr"] == "203.0.113.9"
    assert data["url"].startswith("https://")


def test_limits_per_client_behind_the_proxy(make_app):
    """After one client floods login, another client behind the same proxy still gets in."""
    app = make_app(
        RATELIMIT_ENABLED=True, RATELIMIT_LOGIN_ADDRESS="3 per minute", TRUSTED_PROXIES=1
    )
    client = app.test_client()
    proxy = {"REMOTE_ADDR": "127.0.0.1"}

    def post(addr: str, email: str) -> int:
        return client.post(
            "/auth/login",
            data={"email": email, "password": "wrong-password"},
            headers={"X-Forwarded-For": addr},
            environ_base=proxy,
        ).status_code

    assert [post("203.0.113.1", f"x{i}@example.org") for i in range(4)] == [422, 422, 422, 429]
    assert post("203.0.113.2", "other@example.org") == 422


# --- F8: per-worker memory counters are refused in production --------------------------


def test_production_refuses_implicit_memory_limit_storage():
    with pytest.raises(RuntimeError, match="RATELIMIT_STORAGE_URI"):
        production_app(RATELIMIT_STORAGE_URI=None)


def test_production_accepts_explicit_storage():
    app = production_app(RATELIMIT_STORAGE_URI="memory://")
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"
