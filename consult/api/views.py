"""API routes. Each is load → authorize → validate → one service call → commit → respond."""

from __future__ import annotations

from flask import g, jsonify

from consult.api import serializers
from consult.api.auth import token_required
from consult.api.blueprint import bp
from consult.api.openapi import openapi_document
from consult.api.requests import language
from consult.policy import queries as policy_queries


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())


@bp.get("/policies")
def list_policies():
    lang = language()
    return jsonify(
        {
            "policies": [
                serializers.policy_summary(p, lang) for p in policy_queries.list_public_policies()
            ]
        }
    )


@bp.get("/policies/<policy>")
def get_policy(policy: str):
    return jsonify(serializers.policy_detail(policy_queries.get_policy(policy), language()))


@bp.get("/me")
@token_required
def me():
    """Who the token belongs to: lets integrators check a token before writing."""
    user = g.api_user
    return jsonify({"display_name": user.display_name, "role": user.role})
