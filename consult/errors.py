"""Domain failures as exceptions, and their translation into HTML or JSON at the edge."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, SecurityError


class DomainError(Exception):
    """A rule of the domain was broken; the edge turns it into a form error or a 4xx."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationError(DomainError):
    status = 422
    code = "validation_error"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class AuthenticationRequired(DomainError):
    status = 401
    code = "unauthorized"


def json_error(status: int, code: str, message: str, fields: dict[str, Any] | None = None):
    """Build the one JSON error shape every API client can rely on."""
    body = {"error": {"code": code, "message": message, "fields": fields or {}}}
    return jsonify(body), status


def wants_json() -> bool:
    return request.path.startswith("/api/")


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def handle_domain_error(exc: DomainError):
        if wants_json():
            return json_error(exc.status, exc.code, exc.message, exc.fields)
        return render_template("errors/error.html", status=exc.status, message=exc.message), (
            exc.status
        )

    @app.errorhandler(SecurityError)
    def handle_untrusted_host(exc: SecurityError):
        # A Host outside TRUSTED_HOSTS: no URL can be built for it, so no page either.
        return Response("Unknown host.\n", status=400, mimetype="text/plain")

    @app.errorhandler(HTTPException)
    def handle_http_error(exc: HTTPException):
        status = exc.code or 500
        if wants_json():
            message = exc.description if status < 500 else _("Something went wrong.")
            return json_error(status, _HTTP_CODES.get(status, "error"), str(message))
        return render_template("errors/error.html", status=status, message=None), status

    @app.errorhandler(500)
    def handle_server_error(exc: Exception):
        if wants_json():
            return json_error(500, "server_error", _("Something went wrong."))
        return render_template("errors/error.html", status=500, message=None), 500
