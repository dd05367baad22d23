"""JSON API v1: the same services as the HTML pages, with Bearer-token writes."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from consult.api import views  # noqa: E402,F401  (routes register on import)
