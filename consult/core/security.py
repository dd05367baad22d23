"""Security headers on every response (DESIGN §5)."""

from __future__ import annotations

from flask import Flask, Response, request, session


def init_app(app: Flask) -> None:
    @app.after_request
    def set_security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", app.config["CONTENT_SECURITY_POLICY"])
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        )
        if app.config.get("HSTS"):
            headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        if request.endpoint != "static" and _personal(app):
            # Shared phones and lab computers at hearings: nothing a signed-in person saw,
            # and no personal data, stays in any cache, the browser's included (F7).
            response.headers["Cache-Control"] = "no-store"
        elif response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "private, no-cache")
        return response


def _personal(app: Flask) -> bool:
    """Whether this response is for someone identified: a session, a remember cookie, a token."""
    remember = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    return (
        "_user_id" in session or remember in request.cookies or "Authorization" in request.headers
    )
