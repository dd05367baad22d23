"""Security headers, cookies, and the production guard."""

from __future__ import annotations

import pytest

from consult import create_app


def test_security_headers_on_html_and_json(client, nsp):
    for url in ("/", "/api/v1/policies"):
        headers = client.get(url).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_no_inline_scripts_or_styles_in_pages(client, nsp):
    for url in (
        "/",
        "/policies/nsp-2022-2026",
        "/policies/nsp-2022-2026/sections/defence",
        "/auth/register",
        "/auth/login",
    ):
        html = client.get(url).get_data(as_text=True)
        assert "<script>" not in html and " style=" not in html and "<style" not in html
        assert "http://" not in html.replace("http://localhost", "")  # nothing from elsewhere


def test_session_cookie_flags(client, login_as):
    login_as()
    cookies = client.get_cookie("session")
    assert cookies is not None and cookies.http_only
    assert cookies.same_site == "Lax"


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.setattr("config.ProductionConfig.SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_cookies_are_secure(monkeypatch):
    monkeypatch.setattr("config.ProductionConfig.SECRET_KEY", "x" * 32)
    app = create_app(
        "production",
        {"PUBLIC_BASE_URL": "https://consult.example.org", "RATELIMIT_STORAGE_URI": "memory://"},
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["HSTS"]


# --- F7: nothing personal in any cache -------------------------------------------------


def test_personal_responses_are_not_stored(client, nsp, login_as):
    import re

    from tests.factories import survey_of

    anonymous = client.get("/policies/nsp-2022-2026")
    assert "no-store" not in anonymous.headers["Cache-Control"]
    login_as()
    for url in ("/", "/account", "/account/data", "/policies/nsp-2022-2026/sections/defence"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
    page = client.post("/account/tokens", data={"name": "cache test"}).get_data(as_text=True)
    token = re.search(r'value="(cst_[^"]+)"', page).group(1)
    bearer = {"Authorization": f"Bearer {token}"}
    fresh = client.application.test_client()  # no cookies: the token alone
    for url in ("/api/v1/me", f"/api/v1/surveys/{survey_of().id}/responses/mine"):
        response = fresh.get(url, headers=bearer)
        assert response.status_code in (200, 404), url
        assert response.headers["Cache-Control"] == "no-store", url


def test_remember_cookie_alone_makes_responses_personal(app, nsp):
    fresh = app.test_client()
    fresh.set_cookie("remember_token", "anything")
    assert fresh.get("/").headers["Cache-Control"] == "no-store"
