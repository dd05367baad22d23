"""Absolute links that leave the app (mail, exports), built from the configured origin.

A link in an email outlives the request that caused it, and the request's `Host` header is
whatever the sender of that request chose: building a reset link from it lets an attacker
make the victim's own mail point at the attacker's server (security finding F1). So every
absolute URL comes from `PUBLIC_BASE_URL`, in every environment, and never from `request`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app


def check_base_url(value: str | None, *, production: bool) -> str:
    """Return the origin without a trailing slash, or raise if it cannot be trusted."""
    if not value:
        raise RuntimeError(
            "PUBLIC_BASE_URL must be set in production (for example https://consult.example.org):"
            " every emailed link is built from it."
        )
    parts = urlsplit(value.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise RuntimeError(f"PUBLIC_BASE_URL must be an http(s) origin, not {value!r}.")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise RuntimeError("PUBLIC_BASE_URL must not carry a query, fragment or credentials.")
    if production and parts.scheme != "https":
        raise RuntimeError("PUBLIC_BASE_URL must use https in production.")
    return value.strip().rstrip("/")


def base_host(app: Flask) -> str:
    """The host name of the public origin (the default trusted host in production)."""
    return urlsplit(app.config["PUBLIC_BASE_URL"]).hostname or ""


def external_url(endpoint: str, **values: Any) -> str:
    """Build an absolute URL for `endpoint` on the public origin, whatever the request says."""
    base = urlsplit(current_app.config["PUBLIC_BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)
