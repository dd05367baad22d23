"""The OpenAPI 3.1 document of every API endpoint (a test checks it covers the routes)."""

from __future__ import annotations

from typing import Any

from consult.core.vocab import POLICY_STATUSES


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref("Error")}},
    }


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


LANG_PARAM = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "Language of policy texts (falls back to English where untranslated).",
    "schema": {"type": "string", "enum": ["en", "ur"], "default": "en"},
}
POLICY_PARAM = {"name": "policy", "in": "path", "required": True, "schema": {"type": "string"}}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message", "fields"],
                "properties": {
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": True},
                },
            }
        },
    },
    "PolicySummary": {
        "type": "object",
        "required": ["slug", "title", "status", "opens_at", "closes_at"],
        "properties": {
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "string", "enum": list(POLICY_STATUSES)},
            "opens_at": {"type": ["string", "null"], "format": "date"},
            "closes_at": {"type": ["string", "null"], "format": "date"},
        },
    },
    "Objective": {
        "type": "object",
        "required": ["key", "text"],
        "properties": {"key": {"type": "string"}, "text": {"type": "string"}},
    },
    "Section": {
        "type": "object",
        "required": ["slug", "title", "goal", "objectives"],
        "properties": {
            "slug": {"type": "string"},
            "title": {"type": "string"},
            "goal": {"type": "string"},
            "objectives": {"type": "array", "items": _ref("Objective")},
        },
    },
    "Quotation": {
        "type": "object",
        "required": ["key", "text", "attribution"],
        "properties": {
            "key": {"type": "string"},
            "text": {"type": "string"},
            "attribution": {"type": ["string", "null"]},
        },
    },
    "PolicyDetail": {
        "allOf": [
            _ref("PolicySummary"),
            {
                "type": "object",
                "required": ["sections", "moderation", "quotations"],
                "properties": {
                    "moderation": {"type": "string", "enum": ["post", "pre"]},
                    "preamble": {"type": ["string", "null"]},
                    "vision": {"type": ["string", "null"]},
                    "process": {"type": ["string", "null"]},
                    "quotations": {"type": "array", "items": _ref("Quotation")},
                    "sections": {"type": "array", "items": _ref("Section")},
                },
            },
        ]
    },
}

PATHS: dict[str, Any] = {
    "/openapi.json": {
        "get": {
            "summary": "This document",
            "operationId": "getOpenAPI",
            "responses": {"200": _json({"type": "object"})},
        }
    },
    "/policies": {
        "get": {
            "summary": "Policies under consultation (drafts are not listed)",
            "operationId": "listPolicies",
            "parameters": [LANG_PARAM],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["policies"],
                        "properties": {
                            "policies": {"type": "array", "items": _ref("PolicySummary")}
                        },
                    }
                )
            },
        }
    },
    "/policies/{policy}": {
        "get": {
            "summary": "One policy with its sections and objectives in document order",
            "operationId": "getPolicy",
            "parameters": [POLICY_PARAM, LANG_PARAM],
            "responses": {
                "200": _json(_ref("PolicyDetail")),
                "404": _error_response("No such policy"),
            },
        }
    },
    "/me": {
        "get": {
            "summary": "The account a Bearer token belongs to",
            "operationId": "getMe",
            "security": [{"bearerAuth": []}],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["display_name", "role"],
                        "properties": {
                            "display_name": {"type": "string"},
                            "role": {"type": "string"},
                        },
                    }
                ),
                "401": _error_response("Missing, unknown or revoked token"),
            },
        }
    },
}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Consult API",
            "version": "1.0.0",
            "description": (
                "Public consultation platform. Reads of public content need no token; writes "
                "need `Authorization: Bearer <token>` (create one at /account). Errors are "
                '`{"error": {"code", "message", "fields"}}`.'
            ),
            "license": {"name": "AGPL-3.0-or-later", "identifier": "AGPL-3.0-or-later"},
        },
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "bearerAuth": {"type": "http", "scheme": "bearer", "description": "Personal token"}
            },
        },
    }
