"""The posting limit, shared by the comment pages and the API (one bucket per account)."""

from __future__ import annotations

from flask import current_app, request

from consult.accounts.ratelimit import account_key
from consult.extensions import limiter

posting_limit = limiter.shared_limit(
    lambda: current_app.config["RATELIMIT_POSTING"],
    scope="posting",
    key_func=account_key,
    methods=["POST"],
    exempt_when=lambda: "preview" in request.form,
)
