"""Settings that depend on how the app is deployed: origin, trusted hosts, proxies, limits.

Checked once when the app is built, so a production process with an unsafe setting never
starts serving (docs/operations.md lists them in one place).
"""

from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from consult.core.urls import base_host, check_base_url


def init_app(app: Flask) -> None:
    production = app.config["ENV_NAME"] == "production"
    app.config["PUBLIC_BASE_URL"] = check_base_url(
        app.config.get("PUBLIC_BASE_URL"), production=production
    )
    if production:
        if not app.config.get("TRUSTED_HOSTS"):
            # Answer only to the public host unless told otherwise (F1: Host header attacks).
            app.config["TRUSTED_HOSTS"] = [base_host(app)]
        if not app.config.get("RATELIMIT_STORAGE_URI"):
            raise RuntimeError(
                "RATELIMIT_STORAGE_URI must be set in production (redis://…): in-memory "
                "counters are per worker, so every limit would be multiplied by the workers."
            )
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies < 0:
        raise RuntimeError("TRUSTED_PROXIES must be 0 or more.")
    if proxies:
        # Only the last `proxies` hops are believed; with 0 a forged X-Forwarded-For is
        # ignored, so nobody picks their own rate-limit bucket or link scheme.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies
        )
