"""API routes. Each is load → authorize → validate → one service call → commit → respond."""

from __future__ import annotations

from flask import current_app, g, jsonify, request

from consult.api import serializers
from consult.api.auth import token_required
from consult.api.blueprint import bp
from consult.api.openapi import openapi_document
from consult.policy import queries as policy_queries


def _lang() -> str:
    """Texts come in English unless `?lang=` names another language we have."""
    lang = request.args.get("lang", "en")
    return lang if lang in current_app.config["LANGUAGES"] else "en"


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/policies")
def list_policies():
    lang = _lang()
    return jsonify(
        {
            "policies": [
                serializers.policy_summary(p, lang) for p in policy_queries.list_public_policies()
            ]
        }
    )


@bp.get("/policies/<policy>")
def get_policy(policy: str):
    return jsonify(serializers.policy_detail(policy_queries.get_policy(policy), _lang()))


@bp.get("/me")
@token_required
def me():
    """Who the token belongs to: lets integrators check a token before writing."""
    user = g.api_user
    return jsonify({"display_name": user.display_name, "role": user.role})
