"""JSON API v1: the same services as the HTML pages, with Bearer-token writes."""

from consult.api import (
    comments,
    curation,
    exports,
    hearing_submissions,
    hearings,
    invitations,
    moderation,
    reports,
    surveys,
    views,
)
from consult.api.blueprint import bp

__all__ = [
    "bp",
    "comments",
    "curation",
    "exports",
    "hearing_submissions",
    "hearings",
    "invitations",
    "moderation",
    "reports",
    "surveys",
    "views",
]
