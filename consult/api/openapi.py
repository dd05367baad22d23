"""The OpenAPI 3.1 document of every API endpoint (a test checks it covers the routes)."""

from __future__ import annotations

from typing import Any

from consult.core.vocab import (
    AGE_BANDS,
    BODY_KINDS,
    CHANNELS,
    COMMENT_STATUSES,
    DISPOSITIONS,
    FLAG_REASONS,
    GENDERS,
    HEARING_STATUSES,
    INPUT_STREAMS,
    POLICY_STATUSES,
    PROVINCES,
    STAKEHOLDER_GROUPS,
    STANCES,
)


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
SECTION_PARAM = {"name": "section", "in": "path", "required": True, "schema": {"type": "string"}}
COMMENT_PARAM = {
    "name": "comment_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}
SURVEY_PARAM = {
    "name": "survey_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}
WRITE_ERRORS = {
    "400": _error_response("Body is not a JSON object"),
    "401": _error_response("Missing, unknown or revoked token"),
    "403": _error_response("Not allowed (closed consultation, banned, not the author…)"),
    "404": _error_response("No such comment, policy or section"),
    "422": _error_response("Invalid field values; `fields` says which"),
}


def _body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


ANSWERS_BODY = _body(
    {
        "type": "object",
        "required": ["answers"],
        "additionalProperties": False,
        "properties": {"answers": {"$ref": "#/components/schemas/Answers"}},
    }
)

ENDORSEMENT_RESULT = {
    "type": "object",
    "required": ["value", "endorsements"],
    "properties": {
        "value": {"type": ["string", "null"], "enum": ["agree", "disagree", None]},
        "endorsements": {"$ref": "#/components/schemas/EndorsementCounts"},
    },
}

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
    "EndorsementCounts": {
        "type": "object",
        "required": ["agree", "disagree"],
        "properties": {"agree": {"type": "integer"}, "disagree": {"type": "integer"}},
    },
    "Comment": {
        "type": "object",
        "required": [
            "id",
            "parent_id",
            "objective",
            "stance",
            "body_html",
            "author",
            "channel",
            "created_at",
            "endorsements",
        ],
        "properties": {
            "id": {"type": "integer"},
            "parent_id": {"type": ["integer", "null"]},
            "objective": {"type": ["string", "null"], "description": "Objective key, e.g. NC-1"},
            "stance": {"type": ["string", "null"], "enum": [*STANCES, None]},
            "body_html": {"type": "string", "description": "Sanitised HTML of the Markdown body"},
            "author": {
                "type": "object",
                "required": ["display_name"],
                "properties": {"display_name": {"type": "string"}},
            },
            "channel": {"type": "string", "enum": ["online", "hearing", "paper"]},
            "created_at": {"type": "string", "format": "date-time"},
            "edited_at": {"type": ["string", "null"], "format": "date-time"},
            "endorsements": {"$ref": "#/components/schemas/EndorsementCounts"},
        },
    },
    "OwnComment": {
        "description": "A comment as its author sees it after writing: with status and source.",
        "allOf": [
            {"$ref": "#/components/schemas/Comment"},
            {
                "type": "object",
                "required": ["status", "body"],
                "properties": {
                    "status": {"type": "string", "enum": list(COMMENT_STATUSES)},
                    "body": {"type": "string"},
                },
            },
        ],
    },
    "Item": {
        "type": "object",
        "required": ["key", "label"],
        "properties": {"key": {"type": "string"}, "label": {"type": "string"}},
    },
    "Question": {
        "type": "object",
        "required": ["key", "type", "prompt", "required"],
        "properties": {
            "key": {"type": "string"},
            "type": {
                "type": "string",
                "enum": ["likert", "matrix", "single", "multiple", "ranking", "text", "number"],
            },
            "prompt": {"type": "string"},
            "help": {"type": ["string", "null"]},
            "required": {"type": "boolean"},
            "options": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
            "rows": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}},
            "scale": {
                "type": "object",
                "properties": {
                    "min": {"type": "integer"},
                    "max": {"type": "integer"},
                    "no_opinion": {"type": "boolean"},
                },
            },
            "min_select": {"type": "integer"},
            "max_select": {"type": "integer"},
            "top_n": {"type": "integer"},
            "max_length": {"type": "integer"},
            "min": {"type": "number"},
            "max": {"type": "number"},
            "integer": {"type": "boolean"},
            "condition": {
                "type": "object",
                "description": "Show (and accept) only when an earlier answer equals/includes",
                "properties": {
                    "question": {"type": "string"},
                    "equals": {},
                    "includes": {"type": "string"},
                },
            },
        },
    },
    "Survey": {
        "type": "object",
        "required": ["id", "key", "section", "title", "status", "anonymous", "questions"],
        "properties": {
            "id": {"type": "integer"},
            "key": {"type": "string"},
            "section": {"type": "string"},
            "title": {"type": "string"},
            "intro": {"type": ["string", "null"]},
            "status": {"type": "string", "enum": ["draft", "open", "closed"]},
            "anonymous": {"type": "boolean"},
            "questions": {"type": "array", "items": {"$ref": "#/components/schemas/Question"}},
        },
    },
    "Answers": {
        "type": "object",
        "description": (
            'Keyed by question key. likert: 1–5 or "no-opinion"; matrix: {row key: 1–5 or '
            '"no-opinion"}; single: option key; multiple: [option key]; ranking: [option '
            "key], highest priority first; text: string; number: number."
        ),
        "additionalProperties": True,
    },
    "SurveyResponse": {
        "type": "object",
        "required": ["id", "survey", "version", "answers", "created_at", "updated_at"],
        "properties": {
            "id": {"type": "integer"},
            "survey": {"type": "integer"},
            "version": {"type": "integer"},
            "answers": {"$ref": "#/components/schemas/Answers"},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
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
                ),
                "422": _error_response("Unknown lang"),
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
                "422": _error_response("Unknown lang"),
            },
        }
    },
    "/policies/{policy}/sections/{section}/comments": {
        "get": {
            "summary": "Published comments of a section: a page of threads with their replies",
            "description": (
                "`total` counts top-level comments; `comments` holds each top-level comment "
                "of the page followed by its published replies (use `parent_id`)."
            ),
            "operationId": "listComments",
            "parameters": [
                POLICY_PARAM,
                SECTION_PARAM,
                {"name": "objective", "in": "query", "schema": {"type": "string"}},
                {
                    "name": "sort",
                    "in": "query",
                    "schema": {"type": "string", "enum": ["new", "old", "top"], "default": "new"},
                },
                {
                    "name": "page",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 1_000_000},
                },
                {
                    "name": "per_page",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
                },
            ],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["comments", "total", "page", "per_page"],
                        "properties": {
                            "comments": {"type": "array", "items": _ref("Comment")},
                            "total": {"type": "integer"},
                            "page": {"type": "integer"},
                            "per_page": {"type": "integer"},
                            "sort": {"type": "string"},
                        },
                    }
                ),
                "404": _error_response("No such policy, section or objective"),
                "422": _error_response("Unknown sort, or page or per_page out of range"),
            },
        },
        "post": {
            "summary": "Comment on the section, one of its objectives, or reply to a comment",
            "description": (
                "Markdown body of 1 to 5,000 characters. In a pre-moderated policy the comment "
                "is `pending` until approved. The same body from the same person within a "
                "minute returns the first comment with 200 instead of creating another."
            ),
            "operationId": "createComment",
            "security": [{"bearerAuth": []}],
            "parameters": [POLICY_PARAM, SECTION_PARAM],
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["body"],
                    "additionalProperties": False,
                    "properties": {
                        "body": {"type": "string", "minLength": 1, "maxLength": 5000},
                        "objective": {"type": "string"},
                        "parent_id": {"type": "integer"},
                        "stance": {"type": "string", "enum": list(STANCES)},
                    },
                }
            ),
            "responses": {
                "201": _json(_ref("OwnComment"), "Created"),
                "200": _json(_ref("OwnComment"), "A double submit: the earlier comment"),
                **WRITE_ERRORS,
                "429": _error_response("Posting too quickly"),
            },
        },
    },
    "/comments/{comment_id}": {
        "patch": {
            "summary": "Edit one's own comment while the consultation is open",
            "description": "The earlier text is kept as a revision; the comment shows as edited.",
            "operationId": "editComment",
            "security": [{"bearerAuth": []}],
            "parameters": [COMMENT_PARAM],
            "requestBody": _body(
                {
                    "type": "object",
                    "additionalProperties": False,
                    "properties": {
                        "body": {"type": "string", "minLength": 1, "maxLength": 5000},
                        "stance": {"type": ["string", "null"], "enum": [*STANCES, None]},
                    },
                }
            ),
            "responses": {"200": _json(_ref("OwnComment")), **WRITE_ERRORS},
        }
    },
    "/comments/{comment_id}/withdrawal": {
        "post": {
            "summary": "Withdraw one's own comment (its text stops showing; replies stay)",
            "operationId": "withdrawComment",
            "security": [{"bearerAuth": []}],
            "parameters": [COMMENT_PARAM],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["id", "status"],
                        "properties": {"id": {"type": "integer"}, "status": {"type": "string"}},
                    }
                ),
                **WRITE_ERRORS,
            },
        }
    },
    "/comments/{comment_id}/endorsements": {
        "post": {
            "summary": "Agree or disagree: one per person, a repeat is a no-op, the other switches",
            "operationId": "endorseComment",
            "security": [{"bearerAuth": []}],
            "parameters": [COMMENT_PARAM],
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["value"],
                    "additionalProperties": False,
                    "properties": {"value": {"type": "string", "enum": ["agree", "disagree"]}},
                }
            ),
            "responses": {"200": _json(ENDORSEMENT_RESULT), **WRITE_ERRORS},
        },
        "delete": {
            "summary": "Withdraw one's endorsement",
            "operationId": "withdrawEndorsement",
            "security": [{"bearerAuth": []}],
            "parameters": [COMMENT_PARAM],
            "responses": {"200": _json(ENDORSEMENT_RESULT), **WRITE_ERRORS},
        },
    },
    "/comments/{comment_id}/flags": {
        "post": {
            "summary": "Report a comment to the moderators (one flag per person per comment)",
            "operationId": "flagComment",
            "security": [{"bearerAuth": []}],
            "parameters": [COMMENT_PARAM],
            "requestBody": _body(
                {
                    "type": "object",
                    "required": ["reason"],
                    "additionalProperties": False,
                    "properties": {
                        "reason": {"type": "string", "enum": list(FLAG_REASONS)},
                        "note": {"type": "string", "maxLength": 500},
                    },
                }
            ),
            "responses": {
                "201": _json(
                    {
                        "type": "object",
                        "required": ["id", "comment_id", "reason", "message"],
                        "properties": {
                            "id": {"type": "integer"},
                            "comment_id": {"type": "integer"},
                            "reason": {"type": "string"},
                            "message": {"type": "string"},
                        },
                    },
                    "Received",
                ),
                **WRITE_ERRORS,
                "409": _error_response("Already flagged by this person"),
            },
        }
    },
    "/policies/{policy}/surveys": {
        "get": {
            "summary": "The policy's surveys (one per section in the NSP) with their questions",
            "operationId": "listSurveys",
            "parameters": [POLICY_PARAM, LANG_PARAM],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["surveys"],
                        "properties": {"surveys": {"type": "array", "items": _ref("Survey")}},
                    }
                ),
                "404": _error_response("No such policy"),
                "422": _error_response("Unknown lang"),
            },
        }
    },
    "/surveys/{survey_id}": {
        "get": {
            "summary": "One survey",
            "operationId": "getSurvey",
            "parameters": [SURVEY_PARAM, LANG_PARAM],
            "responses": {
                "200": _json(_ref("Survey")),
                "404": _error_response("No such survey"),
                "422": _error_response("Unknown lang"),
            },
        }
    },
    "/surveys/{survey_id}/responses": {
        "post": {
            "summary": "Answer a survey (one response per participant)",
            "operationId": "submitResponse",
            "security": [{"bearerAuth": []}],
            "parameters": [SURVEY_PARAM],
            "requestBody": ANSWERS_BODY,
            "responses": {
                "201": _json(_ref("SurveyResponse"), "Recorded"),
                **WRITE_ERRORS,
                "409": _error_response("Already answered: PUT to change the response"),
            },
        },
        "put": {
            "summary": "Change one's response (kept as a new revision); creates it if absent",
            "operationId": "replaceResponse",
            "security": [{"bearerAuth": []}],
            "parameters": [SURVEY_PARAM],
            "requestBody": ANSWERS_BODY,
            "responses": {
                "200": _json(_ref("SurveyResponse"), "Changed"),
                "201": _json(_ref("SurveyResponse"), "Recorded"),
                **WRITE_ERRORS,
            },
        },
    },
    "/surveys/{survey_id}/responses/mine": {
        "get": {
            "summary": "One's own response",
            "operationId": "getMyResponse",
            "security": [{"bearerAuth": []}],
            "parameters": [SURVEY_PARAM],
            "responses": {
                "200": _json(_ref("SurveyResponse")),
                "401": _error_response("Missing, unknown or revoked token"),
                "404": _error_response("No response yet"),
            },
        }
    },
    "/surveys/{survey_id}/results": {
        "get": {
            "summary": "Results per question, computed in SQL",
            "description": (
                "likert and matrix rows: n, no_opinion, distribution {1..5}, mean (of 1–5); "
                "single/multiple: counts; ranking: per option ranked, mean_rank and borda "
                "(rank r of N earns N − r); text: answers; number: n, mean, min, max."
            ),
            "operationId": "getSurveyResults",
            "parameters": [SURVEY_PARAM],
            "responses": {
                "200": _json(
                    {
                        "type": "object",
                        "required": ["survey", "responses", "questions"],
                        "properties": {
                            "survey": {"type": "string"},
                            "responses": {"type": "integer"},
                            "questions": {"type": "object", "additionalProperties": True},
                        },
                    }
                ),
                "403": _error_response(
                    "Not shown: the survey is open and this token's holder has not answered, "
                    "or it does not publish its results"
                ),
                "404": _error_response("No such survey"),
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


_MOD_ACTION = {
    "action": {"type": "string", "enum": ["approve", "hide", "restore", "reject", "dismiss-flags"]},
    "reason": {
        "type": ["string", "null"],
        "enum": ["spam", "abuse", "off-topic", "personal-data", "campaign", "other", None],
    },
    "note": {"type": ["string", "null"], "maxLength": 2000},
}
_MOD_RESULT = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "status": {"type": "string"},
        "moderation_reason": {"type": ["string", "null"]},
    },
}
USER_PARAM = {"name": "user_id", "in": "path", "required": True, "schema": {"type": "integer"}}
MOD_ERRORS = {**WRITE_ERRORS, "409": _error_response("Stale token, or the action does not fit")}

PATHS.update(
    {
        "/moderation/queue": {
            "get": {
                "summary": "Moderators: pending and reported comments, oldest first",
                "operationId": "moderationQueue",
                "security": [{"bearerAuth": []}],
                "parameters": [
                    {"name": n, "in": "query", "schema": {"type": "string"}}
                    for n in ("status", "reason", "channel", "section")
                ]
                + [
                    {"name": "hearing", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    {
                        "name": "per_page",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                    },
                ],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["items", "total", "page", "per_page"],
                            "properties": {
                                "items": {"type": "array", "items": {"type": "object"}},
                                "total": {"type": "integer"},
                                "page": {"type": "integer"},
                                "per_page": {"type": "integer"},
                            },
                        }
                    ),
                    "401": _error_response("Missing, unknown or revoked token"),
                    "403": _error_response("Not a moderator"),
                    "422": _error_response("Unknown filter value"),
                },
            }
        },
        "/moderation/comments/{comment_id}/actions": {
            "post": {
                "summary": "Moderators: approve, hide, restore, reject or dismiss reports",
                "operationId": "moderateComment",
                "security": [{"bearerAuth": []}],
                "parameters": [COMMENT_PARAM],
                "requestBody": _body(
                    {
                        "type": "object",
                        "required": ["action"],
                        "additionalProperties": False,
                        "properties": {**_MOD_ACTION, "token": {"type": "string"}},
                    }
                ),
                "responses": {"200": _json(_MOD_RESULT), **MOD_ERRORS},
            }
        },
        "/moderation/actions": {
            "post": {
                "summary": "Moderators: one action on many comments, all or none",
                "operationId": "moderateComments",
                "security": [{"bearerAuth": []}],
                "requestBody": _body(
                    {
                        "type": "object",
                        "required": ["action", "comments"],
                        "additionalProperties": False,
                        "properties": {
                            **_MOD_ACTION,
                            "comments": {
                                "type": "array",
                                "maxItems": 200,
                                "items": {
                                    "type": "object",
                                    "required": ["id"],
                                    "properties": {
                                        "id": {"type": "integer"},
                                        "token": {"type": "string"},
                                    },
                                },
                            },
                        },
                    }
                ),
                "responses": {
                    "200": _json({"type": "object", "properties": {"comments": {"type": "array"}}}),
                    **MOD_ERRORS,
                },
            }
        },
        "/moderation/users/{user_id}/ban": {
            "post": {
                "summary": "Moderators: suspend an account, until a date or until lifted",
                "operationId": "banAccount",
                "security": [{"bearerAuth": []}],
                "parameters": [USER_PARAM],
                "requestBody": _body(
                    {
                        "type": "object",
                        "required": ["reason"],
                        "additionalProperties": False,
                        "properties": {
                            "reason": _MOD_ACTION["reason"],
                            "until": {"type": ["string", "null"], "format": "date-time"},
                            "note": _MOD_ACTION["note"],
                        },
                    }
                ),
                "responses": {"200": _json({"type": "object"}), **MOD_ERRORS},
            },
            "delete": {
                "summary": "Moderators: lift a suspension",
                "operationId": "unbanAccount",
                "security": [{"bearerAuth": []}],
                "parameters": [USER_PARAM],
                "responses": {"200": _json({"type": "object"}), **MOD_ERRORS},
            },
        },
    }
)


THEME_PARAM = {"name": "theme_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_THEME = {
    "type": "object",
    "required": ["id", "name", "state"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string", "maxLength": 80},
        "description": {"type": ["string", "null"]},
        "state": {"type": "string", "enum": ["active", "retired", "merged"]},
        "merged_into": {"type": ["integer", "null"]},
        "comments": {"type": "integer", "description": "Comments tagged (listing only)"},
        "created_at": {"type": "string", "format": "date-time"},
        "retired_at": {"type": ["string", "null"], "format": "date-time"},
    },
}
_IDS = {"type": "array", "items": {"type": "integer", "minimum": 1}}


def _curation(summary: str, op_id: str, params=(), body=None, ok=None, status="200"):
    operation: dict[str, Any] = {
        "summary": f"Moderators: {summary}",
        "operationId": op_id,
        "security": [{"bearerAuth": []}],
        "parameters": list(params),
        "responses": {status: _json(ok or {"type": "object"}), **MOD_ERRORS},
    }
    if body is not None:
        operation["requestBody"] = _body({"type": "object", "additionalProperties": False, **body})
    return operation


PATHS.update(
    {
        "/moderation/themes": {
            "get": _curation(
                "a policy's themes with how many comments carry each",
                "listThemes",
                [{"name": "policy", "in": "query", "required": True, "schema": {"type": "string"}}],
                ok={"type": "object", "properties": {"themes": {"type": "array", "items": _THEME}}},
            ),
            "post": _curation(
                "create a theme (names are unique per policy, whatever their case)",
                "createTheme",
                body={
                    "required": ["policy", "name"],
                    "properties": {
                        "policy": {"type": "string"},
                        "name": {"type": "string", "maxLength": 80},
                        "description": {"type": ["string", "null"], "maxLength": 500},
                    },
                },
                ok=_THEME,
                status="201",
            ),
        },
        "/moderation/themes/{theme_id}": {
            "patch": _curation(
                "rename or re-describe a theme",
                "renameTheme",
                [THEME_PARAM],
                body={
                    "properties": {
                        "name": {"type": "string", "maxLength": 80},
                        "description": {"type": ["string", "null"], "maxLength": 500},
                    }
                },
                ok=_THEME,
            )
        },
        "/moderation/themes/{theme_id}/merge": {
            "post": _curation(
                "move every tag onto another theme of the policy and retire this one",
                "mergeTheme",
                [THEME_PARAM],
                body={"required": ["into"], "properties": {"into": {"type": "integer"}}},
            )
        },
        "/moderation/themes/{theme_id}/retire": {
            "post": _curation("retire a theme (tags stay)", "retireTheme", [THEME_PARAM], ok=_THEME)
        },
        "/moderation/themes/{theme_id}/reinstate": {
            "post": _curation(
                "put a retired theme back in use", "reinstateTheme", [THEME_PARAM], ok=_THEME
            )
        },
        "/moderation/tags": {
            "post": _curation(
                "add and remove themes on up to 200 comments, all or none",
                "tagComments",
                body={
                    "required": ["comments"],
                    "properties": {
                        "comments": {**_IDS, "maxItems": 200},
                        "add": {**_IDS, "maxItems": 20},
                        "remove": {**_IDS, "maxItems": 20},
                    },
                },
                ok={
                    "type": "object",
                    "properties": {"added": {"type": "integer"}, "removed": {"type": "integer"}},
                },
            )
        },
        "/moderation/comments/{comment_id}": {
            "get": _curation(
                "one comment's record: themes, quote, private notes, actions",
                "commentRecord",
                [COMMENT_PARAM],
            )
        },
        "/moderation/comments/{comment_id}/featured": {
            "put": _curation(
                "quote a published comment in the report", "featureComment", [COMMENT_PARAM]
            ),
            "delete": _curation("stop quoting a comment", "unfeatureComment", [COMMENT_PARAM]),
        },
        "/moderation/comments/{comment_id}/notes": {
            "post": _curation(
                "leave a private note (never shown to the public or the author)",
                "addModeratorNote",
                [COMMENT_PARAM],
                body={
                    "required": ["body"],
                    "properties": {"body": {"type": "string", "maxLength": 2000}},
                },
                status="201",
            )
        },
    }
)

HEARING_PARAM = {
    "name": "hearing_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer", "minimum": 1},
}
_CHANNEL_COUNTS = {
    "type": "object",
    "properties": {code: {"type": "integer"} for code in CHANNELS},
}
SCHEMAS["Hearing"] = {
    "type": "object",
    "required": ["id", "policy", "title", "status", "starts_at", "ends_at", "sections"],
    "properties": {
        "id": {"type": "integer"},
        "policy": {"type": "string", "description": "Policy slug"},
        "title": {"type": "string"},
        "institution": {"type": "string"},
        "city": {"type": "string"},
        "province": {"type": "string", "enum": list(PROVINCES)},
        "venue": {"type": ["string", "null"]},
        "starts_at": {"type": "string", "format": "date-time"},
        "ends_at": {"type": "string", "format": "date-time"},
        "description": {"type": ["string", "null"]},
        "status": {"type": "string", "enum": list(HEARING_STATUSES)},
        "sections": {"type": "array", "items": {"type": "string"}},
        "opened_at": {"type": ["string", "null"], "format": "date-time"},
        "closed_at": {"type": ["string", "null"], "format": "date-time"},
        "join_code": {
            "type": "string",
            "description": "Only for the hearing's facilitators and admins",
        },
        "outcome": {
            "type": ["object", "null"],
            "description": "Once closed: minutes, attendance, closing summary",
            "properties": {
                "minutes": {"type": ["string", "null"]},
                "attendance": {"type": ["integer", "null"], "minimum": 0},
                "summary": {"type": ["string", "null"]},
            },
        },
        "contributions": {
            "type": "object",
            "description": "Published comments and survey responses carrying the hearing",
            "properties": {
                "comments": _CHANNEL_COUNTS,
                "responses": _CHANNEL_COUNTS,
                "total": {"type": "integer"},
            },
        },
    },
}
HEARING_ERRORS = {
    **WRITE_ERRORS,
    "403": _error_response("Not a facilitator, or not assigned to this hearing"),
    "404": _error_response("No such hearing or policy"),
    "409": _error_response("Not the next step: scheduled → open → closed, never back"),
}

_COUNTS_BY_CHANNEL = {
    "type": "object",
    "properties": {code: {"type": "integer"} for code in (*CHANNELS, "total")},
}
SCHEMAS["HearingCounters"] = {
    "type": "object",
    "required": ["hearing_id", "status", "attendees", "comments", "responses"],
    "properties": {
        "hearing_id": {"type": "integer"},
        "status": {"type": "string", "enum": list(HEARING_STATUSES)},
        "attendees": {**_COUNTS_BY_CHANNEL, "description": "Participants who joined, by channel"},
        "comments": {
            **_COUNTS_BY_CHANNEL,
            "description": "Comments carrying the hearing, any moderation status but withdrawn",
        },
        "responses": {**_COUNTS_BY_CHANNEL, "description": "Survey responses carrying it"},
    },
}
PATHS["/hearings/{hearing_id}/counters"] = {
    "get": {
        "summary": "Assigned facilitators and admins: the projector's live counters",
        "operationId": "getHearingCounters",
        "security": [{"bearerAuth": []}],
        "parameters": [HEARING_PARAM],
        "responses": {
            "200": _json(_ref("HearingCounters")),
            "401": _error_response("No valid token"),
            "403": _error_response("Not a facilitator, or not assigned to this hearing"),
            "404": _error_response("No such hearing"),
        },
    }
}

PATHS.update(
    {
        "/hearings": {
            "get": {
                "summary": "Hearings of public policies, upcoming and open first, then past",
                "description": (
                    "Every upcoming and open hearing (soonest first), then one page of closed "
                    "ones (latest first, 20 a page); a page past the end gives the last."
                ),
                "operationId": "listHearings",
                "parameters": [
                    {
                        "name": "page",
                        "in": "query",
                        "description": "The page of past hearings.",
                        "schema": {"type": "integer", "minimum": 1},
                    }
                ],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["hearings", "page", "per_page", "past_total"],
                            "properties": {
                                "hearings": {"type": "array", "items": _ref("Hearing")},
                                "page": {"type": "integer"},
                                "per_page": {"type": "integer"},
                                "past_total": {
                                    "type": "integer",
                                    "description": "How many past hearings there are in all.",
                                },
                            },
                        }
                    ),
                    "422": _error_response("page is not a whole number of at least 1"),
                },
            },
            "post": {
                "summary": "Facilitators and admins: schedule a hearing (creator is assigned)",
                "operationId": "createHearing",
                "security": [{"bearerAuth": []}],
                "requestBody": _body(
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": [
                            "policy",
                            "title",
                            "institution",
                            "city",
                            "province",
                            "starts_at",
                            "ends_at",
                            "sections",
                        ],
                        "properties": {
                            "policy": {"type": "string"},
                            "title": {"type": "string", "maxLength": 200},
                            "institution": {"type": "string", "maxLength": 200},
                            "city": {"type": "string", "maxLength": 100},
                            "province": {"type": "string", "enum": list(PROVINCES)},
                            "venue": {"type": ["string", "null"], "maxLength": 200},
                            "starts_at": {
                                "type": "string",
                                "format": "date-time",
                                "description": "ISO 8601 with a UTC offset",
                            },
                            "ends_at": {"type": "string", "format": "date-time"},
                            "description": {"type": ["string", "null"], "maxLength": 5000},
                            "sections": {
                                "type": "array",
                                "minItems": 1,
                                "items": {"type": "string"},
                                "description": "Section slugs of the policy",
                            },
                        },
                    }
                ),
                "responses": {"201": _json(_ref("Hearing"), "Scheduled"), **HEARING_ERRORS},
            },
        },
        "/hearings/{hearing_id}": {
            "get": {
                "summary": "One hearing with its contribution counts",
                "operationId": "getHearing",
                "parameters": [HEARING_PARAM],
                "responses": {
                    "200": _json(_ref("Hearing")),
                    "404": _error_response("No such hearing"),
                },
            }
        },
        "/hearings/{hearing_id}/status": {
            "post": {
                "summary": "Assigned facilitators and admins: open or close a hearing",
                "operationId": "setHearingStatus",
                "security": [{"bearerAuth": []}],
                "parameters": [HEARING_PARAM],
                "requestBody": _body(
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["status"],
                        "properties": {"status": {"type": "string", "enum": ["open", "closed"]}},
                    }
                ),
                "responses": {"200": _json(_ref("Hearing")), **HEARING_ERRORS},
            }
        },
    }
)

PAPER_PARTICIPANT = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": ["string", "null"], "maxLength": 80},
        "show_name": {"type": "boolean", "description": "Consent to show the name"},
        "province": {"type": "string", "enum": list(PROVINCES)},
        "stakeholder_group": {"type": "string", "enum": list(STAKEHOLDER_GROUPS)},
        "gender": {"type": "string", "enum": list(GENDERS)},
        "age_band": {"type": "string", "enum": list(AGE_BANDS)},
    },
    "description": "Missing codes are `undisclosed`",
}

PATHS["/hearings/{hearing_id}/submissions"] = {
    "post": {
        "summary": "Assigned facilitators and admins: save one paper form, once per key",
        "description": (
            "All or nothing: the attendee (channel `paper`), their comments and their survey "
            "responses. The same `Idempotency-Key` again returns the first answer and writes "
            "nothing (header `Idempotent-Replayed: true`); the same key with another body is "
            "409. Allowed while the hearing is open and after it closed. Error `fields` are "
            "`form_number`, `participant.<field>`, `comments.<i>.<field>`, "
            "`responses.<i>.<question key>`."
        ),
        "operationId": "submitPaperForm",
        "security": [{"bearerAuth": []}],
        "parameters": [
            HEARING_PARAM,
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": True,
                "schema": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.:-]{7,127}$"},
                "description": "Client-generated, one per paper form (a UUID)",
            },
        ],
        "requestBody": _body(
            {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "form_number": {
                        "type": ["integer", "null"],
                        "minimum": 1,
                        "description": "The number on the paper; missing: the next free one",
                    },
                    "participant": PAPER_PARTICIPANT,
                    "comments": {
                        "type": "array",
                        "maxItems": 200,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["section", "body"],
                            "properties": {
                                "section": {"type": "string", "description": "In scope"},
                                "objective": {"type": ["string", "null"]},
                                "stance": {"type": ["string", "null"], "enum": [*STANCES, None]},
                                "body": {"type": "string", "maxLength": 5000},
                            },
                        },
                        "description": "At most one per section or objective",
                    },
                    "responses": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["survey", "answers"],
                            "properties": {
                                "survey": {
                                    "type": ["string", "integer"],
                                    "description": "Survey key or id, of an in-scope section",
                                },
                                "answers": {"type": "object"},
                            },
                        },
                    },
                },
            }
        ),
        "responses": {
            "201": _json(
                {
                    "type": "object",
                    "properties": {
                        "participant_id": {"type": "integer"},
                        "comments": {"type": "array", "items": {"type": "integer"}},
                        "responses": {"type": "array", "items": {"type": "integer"}},
                        "form_number": {"type": "integer"},
                    },
                },
                "Saved (or the stored answer to a repeated key)",
            ),
            **WRITE_ERRORS,
            "403": _error_response("Not assigned to this hearing"),
            "404": _error_response("No such hearing"),
            "409": _error_response(
                "Form number already entered; key reused with another body; hearing not open yet"
            ),
        },
    }
}


_COUNTS = {
    "type": "object",
    "required": ["invited", "joined", "contributed"],
    "properties": {
        "invited": {"type": "integer"},
        "joined": {"type": "integer"},
        "contributed": {"type": "integer"},
    },
}
_BODY = {
    "type": "object",
    "required": ["id", "name", "kind"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "kind": {"type": "string", "enum": list(BODY_KINDS)},
        "contact": {"type": ["string", "null"]},
        "invitees": {"type": "integer"},
    },
}
_INVITATION = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "invitee_id": {"type": "integer"},
        "state": {
            "type": "string",
            "enum": ["not-sent", "sent", "opened", "joined", "contributed"],
        },
        "revoked": {"type": "boolean"},
        "expired": {"type": "boolean"},
        **{
            name: {"type": ["string", "null"], "format": "date-time"}
            for name in (
                "sent_at",
                "opened_at",
                "joined_at",
                "revoked_at",
                "expires_at",
                "last_reminded_at",
            )
        },
        "reminders_sent": {"type": "integer"},
    },
}
_INVITEE = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "email": {"type": "string", "format": "email"},
        "name": {"type": "string"},
        "body": {"type": ["object", "null"]},
        "affiliation": {"type": ["string", "null"]},
        "stakeholder_group": {"type": "string", "enum": list(STAKEHOLDER_GROUPS)},
        "province": {"type": ["string", "null"], "enum": [*PROVINCES, None]},
        "joined": {"type": "boolean"},
        "show_label": {"type": "boolean"},
        "invitation": _INVITATION,
    },
}
_STATE_PARAMS = [
    {
        "name": "state",
        "in": "query",
        "schema": {
            "type": "string",
            "enum": ["not-sent", "sent", "opened", "joined", "contributed"],
        },
    },
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {
        "name": "per_page",
        "in": "query",
        "schema": {"type": "integer", "minimum": 1, "maximum": 100},
    },
]
ADMIN_ERRORS = {
    "401": _error_response("Missing, unknown or revoked token"),
    "403": _error_response("Not an administrator"),
    "404": _error_response("No such policy"),
}


def _admin_op(summary: str, op_id: str, ok: dict[str, Any], status: str = "200", **extra: Any):
    return {
        "summary": f"Administrators: {summary}",
        "operationId": op_id,
        "security": [{"bearerAuth": []}],
        "parameters": [POLICY_PARAM, *extra.pop("params", [])],
        "responses": {status: _json(ok), **ADMIN_ERRORS, **extra.pop("errors", {})},
        **extra,
    }


def _page_of(name: str, item: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": [name, "total", "page", "per_page"],
        "properties": {
            name: {"type": "array", "items": item},
            "total": {"type": "integer"},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
        },
    }


PATHS.update(
    {
        "/policies/{policy}/participation": {
            "get": {
                "summary": "Moderators and admins: invited, joined and contributed (invited "
                "stream), per stakeholder body kind",
                "description": "`invited` counts everyone on the list whose invitation is not "
                "revoked; `contributed` those whose account has a published comment or a "
                "survey response on the policy. `by_body_kind` holds every body kind, and "
                "`none` for invitees of no body when there are any. Input streams: "
                + ", ".join(INPUT_STREAMS)
                + ".",
                "operationId": "getParticipation",
                "security": [{"bearerAuth": []}],
                "parameters": [POLICY_PARAM],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "required": ["invited", "joined", "contributed", "by_body_kind"],
                            "properties": {
                                **_COUNTS["properties"],
                                "by_body_kind": {"type": "object", "additionalProperties": _COUNTS},
                            },
                        }
                    ),
                    **{**ADMIN_ERRORS, "403": _error_response("Not a moderator")},
                },
            }
        },
        "/policies/{policy}/participation/groups": {
            "get": {
                "summary": "Moderators and admins: the same figures per stakeholder group, and "
                "the bodies that have not responded",
                "operationId": "getParticipationByGroup",
                "security": [{"bearerAuth": []}],
                "parameters": [POLICY_PARAM],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {
                                "by_stakeholder_group": {
                                    "type": "object",
                                    "additionalProperties": _COUNTS,
                                },
                                "silent_bodies": {"type": "array", "items": _BODY},
                            },
                        }
                    ),
                    **{**ADMIN_ERRORS, "403": _error_response("Not a moderator")},
                },
            }
        },
        "/policies/{policy}/bodies": {
            "get": _admin_op(
                "the policy's stakeholder bodies",
                "listBodies",
                {"type": "object", "properties": {"bodies": {"type": "array", "items": _BODY}}},
            ),
            "post": _admin_op(
                "add a stakeholder body (names unique per policy, whatever their case)",
                "createBody",
                _BODY,
                "201",
                requestBody=_body(
                    {
                        "type": "object",
                        "required": ["name", "kind"],
                        "additionalProperties": False,
                        "properties": {
                            "name": {"type": "string", "maxLength": 200},
                            "kind": {"type": "string", "enum": list(BODY_KINDS)},
                            "contact": {"type": ["string", "null"], "maxLength": 300},
                        },
                    }
                ),
                errors={
                    "409": _error_response("A body of that name exists"),
                    "422": _error_response("Invalid field values"),
                },
            ),
        },
        "/policies/{policy}/invitees": {
            "get": _admin_op(
                "the invitee list with each invitation's state",
                "listInvitees",
                _page_of("invitees", _INVITEE),
                params=_STATE_PARAMS,
            ),
            "post": _admin_op(
                "put a person on the list (the invitation is not sent yet)",
                "createInvitee",
                _INVITEE,
                "201",
                requestBody=_body(
                    {
                        "type": "object",
                        "required": ["email", "name"],
                        "additionalProperties": False,
                        "properties": {
                            "email": {"type": "string", "format": "email"},
                            "name": {"type": "string", "maxLength": 120},
                            "body_id": {"type": ["integer", "null"]},
                            "affiliation": {"type": ["string", "null"], "maxLength": 200},
                            "stakeholder_group": {
                                "type": "string",
                                "enum": list(STAKEHOLDER_GROUPS),
                            },
                            "province": {"type": ["string", "null"], "enum": [*PROVINCES, None]},
                        },
                    }
                ),
                errors={
                    "409": _error_response("The email is already on the list"),
                    "422": _error_response("Invalid field values"),
                },
            ),
        },
        "/policies/{policy}/invitations": {
            "get": _admin_op(
                "every invitation with its state",
                "listInvitations",
                _page_of("invitations", _INVITATION),
                params=_STATE_PARAMS,
            ),
            "post": _admin_op(
                "send every invitation not yet sent, by email",
                "sendInvitations",
                {"type": "object", "properties": {"sent": {"type": "integer"}}},
                "201",
            ),
        },
    }
)


_SUBMISSION = {
    "type": "object",
    "required": ["id", "body_id", "version", "status", "statement"],
    "properties": {
        "id": {"type": "integer"},
        "body_id": {"type": "integer"},
        "version": {"type": "integer", "minimum": 1},
        "status": {"type": "string", "enum": ["draft", "submitted"]},
        "statement": {"type": "string"},
        "unpublished": {"type": "boolean"},
        "submitted_at": {"type": ["string", "null"], "format": "date-time"},
        "points": {"type": "array", "items": {"type": "object"}},
        "attachments": {"type": "array", "items": {"type": "object"}},
    },
}
BODY_ID_PARAM = {"name": "body_id", "in": "path", "required": True, "schema": {"type": "integer"}}
SUBMISSION_PARAM = {
    "name": "submission_id",
    "in": "path",
    "required": True,
    "schema": {"type": "integer"},
}
REP_ERRORS = {
    "401": _error_response("Missing, unknown or revoked token"),
    "403": _error_response("Not a nominated representative of this body"),
    "404": _error_response("No such body or submission"),
    "409": _error_response("The version is submitted, read-only"),
    "422": _error_response("Invalid field values"),
}


def _rep_op(summary: str, op_id: str, params, status="200", body=None):
    op: dict[str, Any] = {
        "summary": f"Representatives: {summary}",
        "operationId": op_id,
        "security": [{"bearerAuth": []}],
        "parameters": params,
        "responses": {status: _json(_SUBMISSION), **REP_ERRORS},
    }
    if body is not None:
        op["requestBody"] = _body({"type": "object", "additionalProperties": False, **body})
    return op


PATHS.update(
    {
        "/bodies/{body_id}/submissions": {
            "get": {
                "summary": "The versions of a body's formal response the caller may read "
                "(published ones for everyone; drafts and unpublished ones for its "
                "representatives, moderators and admins with a token)",
                "operationId": "listSubmissions",
                "parameters": [BODY_ID_PARAM],
                "responses": {
                    "200": _json(
                        {
                            "type": "object",
                            "properties": {"submissions": {"type": "array", "items": _SUBMISSION}},
                        }
                    ),
                    "404": _error_response("No such body"),
                },
            },
            "post": _rep_op(
                "the body's draft: the one in progress, or a new version copied from the last",
                "startSubmission",
                [BODY_ID_PARAM],
                "201",
            ),
        },
        "/submissions/{submission_id}": {
            "patch": _rep_op(
                "change a draft's statement or publication wish",
                "updateSubmission",
                [SUBMISSION_PARAM],
                body={
                    "properties": {
                        "statement": {"type": "string", "maxLength": 20000},
                        "unpublished": {"type": "boolean"},
                    }
                },
            )
        },
        "/submissions/{submission_id}/points": {
            "post": _rep_op(
                "add a comment on a section (and optionally an objective) to a draft",
                "addSubmissionPoint",
                [SUBMISSION_PARAM],
                "201",
                body={
                    "required": ["section", "body"],
                    "properties": {
                        "section": {"type": "string"},
                        "objective": {"type": ["string", "null"]},
                        "stance": {"type": ["string", "null"], "enum": [*STANCES, None]},
                        "body": {"type": "string", "maxLength": 5000},
                    },
                },
            )
        },
        "/submissions/{submission_id}/submit": {
            "post": _rep_op(
                "submit a draft; it becomes read-only (attachments are added on the web page)",
                "submitSubmission",
                [SUBMISSION_PARAM],
            )
        },
    }
)


# --- the report (consult/reports, docs/reports.md) ---------------------------------------

_CELL = {"type": ["integer", "null"], "minimum": 0, "description": "null: suppressed small cell"}
_CELLS = {"type": "object", "additionalProperties": _CELL}


def _cells_of(codes: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "object", "properties": dict.fromkeys(codes, _CELL)}


_STANCE = _cells_of((*STANCES, "none"))
_RATING = {
    "type": "object",
    "required": ["n", "mean", "distribution"],
    "properties": {
        "n": _CELL,
        "mean": {"type": ["number", "null"]},
        "distribution": _cells_of(("1", "2", "3", "4", "5")),
        "no_opinion": _CELL,
        "suppressed": {"type": "boolean"},
    },
}
_RANKING = {
    "type": "object",
    "properties": {
        "ranked": _CELL,
        "mean_rank": {"type": ["number", "null"]},
        "borda": {"type": ["integer", "null"]},
        "suppressed": {"type": "boolean"},
    },
}
_HEAT_CELL = {
    "type": "object",
    "properties": {
        "n": _CELL,
        "mean": {"type": ["number", "null"]},
        "suppressed": {"type": "boolean"},
    },
}
# objective key -> code -> cell, per axis
_HEATMAPS = {
    "type": "object",
    "properties": {
        axis: {
            "type": "object",
            "additionalProperties": {
                "type": "object",
                "properties": dict.fromkeys(codes, _HEAT_CELL),
            },
        }
        for axis, codes in (("province", PROVINCES), ("stakeholder_group", STAKEHOLDER_GROUPS))
    },
}
_INVITED_COUNTS = {
    "type": "object",
    "properties": {"invited": _CELL, "joined": _CELL, "contributed": _CELL},
}
_REPORT_FILTERS = [
    {"name": "section", "in": "query", "schema": {"type": "string"}},
    {"name": "channel", "in": "query", "schema": {"enum": list(CHANNELS)}},
    {"name": "stream", "in": "query", "schema": {"enum": list(INPUT_STREAMS)}},
    {"name": "province", "in": "query", "schema": {"enum": list(PROVINCES)}},
    {"name": "stakeholder_group", "in": "query", "schema": {"enum": list(STAKEHOLDER_GROUPS)}},
    {"name": "gender", "in": "query", "schema": {"enum": list(GENDERS)}},
    {"name": "age_band", "in": "query", "schema": {"enum": list(AGE_BANDS)}},
    {"name": "hearing", "in": "query", "schema": {"type": "integer"}},
    {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
    {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
]
_DISPOSITION = {
    "type": ["object", "null"],
    "required": ["disposition", "reason"],
    "properties": {
        "disposition": {"enum": list(DISPOSITIONS)},
        "reason": {"type": "string"},
    },
}
_SECTION_RESPONSE = {
    "type": ["object", "null"],
    "description": "The government's response to the section (sanitised HTML), or null.",
    "required": ["text_html", "updated_at"],
    "properties": {
        "text_html": {"type": "string"},
        "updated_at": {"type": "string", "format": "date-time"},
    },
}
_SECTION_DISPOSITIONS = {
    "type": "object",
    "description": "Published comments of the section the government gave a disposition.",
    "properties": {
        "counts": _cells_of(DISPOSITIONS),
        "comments": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "excerpt", "disposition", "reason"],
                "properties": {
                    "id": {"type": "integer"},
                    "excerpt": {"type": "string"},
                    "disposition": {"enum": list(DISPOSITIONS)},
                    "reason": {"type": "string"},
                },
            },
        },
    },
}
_SNAPSHOT_META = {
    "type": "object",
    "required": ["number", "sha256", "published_at", "url"],
    "properties": {
        "number": {"type": "integer", "minimum": 1},
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
        "published_at": {"type": "string", "format": "date-time"},
        "url": {
            "type": "string",
            "description": "The exact published bytes; their SHA-256 is `sha256`.",
        },
    },
}
PATHS["/policies/{policy}/report"] = {
    "get": {
        "summary": "The aggregated feedback report (CONTRACT §5): live or published",
        "description": "Counts published comments only and every survey response; "
        "`participants` and the `by_*` breakdowns count distinct people. With a moderator's "
        "or admin's token: the live report, exact numbers, filterable. Everyone else: the "
        "latest published snapshot (frozen, unfiltered, with any cell describing fewer "
        "than REPORT_MIN_CELL people, default 5, as null; `small_cells.suppressed` is then "
        "true, and a suppressed rating or ranking carries `suppressed: true`), with "
        "`snapshot` naming it; before the first publication, 401/403. Filters on a "
        "snapshot are refused with 422. A bearer token is optional.",
        "operationId": "getReport",
        "parameters": [POLICY_PARAM, *_REPORT_FILTERS],
        "responses": {
            "200": _json(
                {
                    "type": "object",
                    "required": ["policy", "participation", "sections", "themes"],
                    "properties": {
                        "policy": {"type": "string"},
                        "filters": {"type": "object"},
                        "small_cells": {
                            "type": "object",
                            "properties": {
                                "min": {"type": "integer"},
                                "suppressed": {"type": "boolean"},
                            },
                        },
                        "participation": {
                            "type": "object",
                            "required": [
                                "comments",
                                "participants",
                                "survey_responses",
                                "hearings",
                                "by_channel",
                                "by_province",
                                "by_stakeholder_group",
                                "by_gender",
                            ],
                            "properties": {
                                "comments": _CELL,
                                "comments_campaigns_once": _CELL,
                                "participants": _CELL,
                                "survey_responses": _CELL,
                                "hearings": {"type": "integer"},
                                "invited_contributors": _CELL,
                                "institutional_submissions": {"type": "integer"},
                                "by_channel": _cells_of(CHANNELS),
                                "by_stream": _cells_of(INPUT_STREAMS),
                                "by_province": _cells_of(PROVINCES),
                                "by_stakeholder_group": _cells_of(STAKEHOLDER_GROUPS),
                                "by_gender": _cells_of(GENDERS),
                                "by_age_band": _cells_of(AGE_BANDS),
                                "comments_per_day": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "date": {"type": "string", "format": "date"},
                                            "comments": _CELL,
                                        },
                                    },
                                },
                            },
                        },
                        "sections": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["slug", "comments", "stance", "objectives"],
                                "properties": {
                                    "slug": {"type": "string"},
                                    "response": _SECTION_RESPONSE,
                                    "dispositions": _SECTION_DISPOSITIONS,
                                    "comments": _CELL,
                                    "stance": _STANCE,
                                    "heatmaps": _HEATMAPS,
                                    "objectives": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "required": ["key", "comments", "stance", "rating"],
                                            "properties": {
                                                "key": {"type": "string"},
                                                "comments": _CELL,
                                                "stance": _STANCE,
                                                "rating": _RATING,
                                                "ranking": _RANKING,
                                            },
                                        },
                                    },
                                },
                            },
                        },
                        "themes": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "slug": {"type": "string"},
                                    "name": {"type": "string"},
                                    "comments": _CELL,
                                    "disposition": _DISPOSITION,
                                    "top_comments": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "id": {"type": "integer"},
                                                "section": {"type": "string"},
                                                "objective": {"type": ["string", "null"]},
                                                "stance": {"type": ["string", "null"]},
                                                "author": {"type": "object"},
                                                "excerpt": {"type": "string"},
                                            },
                                        },
                                    },
                                },
                            },
                        },
                        "representativeness": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "province": {"enum": list(PROVINCES)},
                                    "participants": _CELL,
                                    "share": {"type": ["number", "null"]},
                                    "population": {"type": "integer"},
                                    "population_share": {"type": "number"},
                                    "ratio": {"type": ["number", "null"]},
                                    "outside_census": {"type": "boolean"},
                                    "source": {"type": "string"},
                                    "year": {"type": "integer"},
                                },
                            },
                        },
                        "hearings": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "title": {"type": "string"},
                                    "institution": {"type": "string"},
                                    "city": {"type": "string"},
                                    "province": {"enum": list(PROVINCES)},
                                    "starts_at": {"type": "string", "format": "date-time"},
                                    "ends_at": {"type": "string", "format": "date-time"},
                                    "status": {"type": "string"},
                                    "attendance": {"type": ["integer", "null"]},
                                    "comments": _cells_of(CHANNELS),
                                    "responses": _cells_of(CHANNELS),
                                },
                            },
                        },
                        "invited_participation": {
                            "type": "object",
                            "properties": {
                                **_INVITED_COUNTS["properties"],
                                "by_body_kind": {
                                    "type": "object",
                                    "additionalProperties": _INVITED_COUNTS,
                                },
                            },
                        },
                        "submissions": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "body_id": {"type": "integer"},
                                    "body": {"type": "string"},
                                    "kind": {"type": "string"},
                                    "version": {"type": "integer"},
                                    "submitted_at": {"type": ["string", "null"]},
                                },
                            },
                        },
                        "campaigns": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "id": {"type": "integer"},
                                    "size": _CELL,
                                    "sample_comment_id": {"type": "integer"},
                                },
                            },
                        },
                        "featured_quotes": {"type": "array", "items": _ref("Comment")},
                        "snapshot": {
                            **_SNAPSHOT_META,
                            "description": "Only on a published snapshot: which one.",
                        },
                        "publication": {
                            "type": "object",
                            "description": "Only on a published snapshot, inside its bytes.",
                            "properties": {
                                "format": {"type": "integer"},
                                "number": {"type": "integer"},
                                "published_at": {"type": "string", "format": "date-time"},
                                "note": {"type": ["string", "null"]},
                            },
                        },
                    },
                }
            ),
            "401": _error_response("Not published yet, and no token"),
            "403": _error_response("Not published yet"),
            "404": _error_response("No such policy"),
            "422": _error_response(
                "Unknown filter value, backwards date range, or a filter on a snapshot"
            ),
        },
    }
}
PATHS["/policies/{policy}/report/snapshots"] = {
    "get": {
        "summary": "Every published snapshot of the report, newest first",
        "operationId": "listReportSnapshots",
        "parameters": [POLICY_PARAM],
        "responses": {
            "200": _json(
                {
                    "type": "object",
                    "required": ["snapshots"],
                    "properties": {
                        "snapshots": {
                            "type": "array",
                            "items": {
                                **_SNAPSHOT_META,
                                "properties": {
                                    **_SNAPSHOT_META["properties"],
                                    "note": {"type": ["string", "null"]},
                                },
                            },
                        }
                    },
                }
            ),
            "404": _error_response("No such policy"),
        },
    },
    "post": {
        "summary": "Admins: publish the public report as a frozen snapshot",
        "description": "Freezes the report as the public sees it now (small cells hidden, "
        "no filters, with the government's responses and dispositions) as the next "
        "number. It can never be changed; the SHA-256 of its canonical JSON is returned, "
        "shown on the report page and recorded in the audit log (`report.publish`). The "
        "body is optional. Not on a draft policy.",
        "operationId": "publishReport",
        "security": [{"bearerAuth": []}],
        "parameters": [POLICY_PARAM],
        "requestBody": {
            "required": False,
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {"note": {"type": "string", "maxLength": 1000}},
                    }
                }
            },
        },
        "responses": {"201": _json(_SNAPSHOT_META, "Published"), **WRITE_ERRORS},
    },
}


# --- exports (consult/reports/exports.py, docs/reports.md "Exports") ------------------

PATHS["/policies/{policy}/exports/{kind}"] = {
    "get": {
        "summary": "Moderators and admins: the policy's comments, responses or hearings as a file",
        "description": "The record, one row per comment (every status, with a `status` "
        "column), survey response (wide: one column per question, matrix row and ranking or "
        "multiple-choice option) or hearing, under the report's filters. CSV is UTF-8 with a "
        "BOM and XLSX has every text cell that a spreadsheet would read as a formula prefixed "
        "with an apostrophe; JSON is an array of objects with the same keys. Emails and "
        "attendees' given names only for an admin with `emails=1`. Every export is written "
        "to the audit log (`report.export`) with the SHA-256 of the bytes sent, which the "
        "`X-Export-SHA256` header repeats.",
        "operationId": "exportPolicy",
        "security": [{"bearerAuth": []}],
        "parameters": [
            POLICY_PARAM,
            {
                "name": "kind",
                "in": "path",
                "required": True,
                "schema": {"enum": ["comments", "responses", "hearings"]},
            },
            {
                "name": "format",
                "in": "query",
                "schema": {"enum": ["csv", "xlsx", "json"], "default": "csv"},
            },
            {
                "name": "emails",
                "in": "query",
                "description": "1: add `email` (and `attendee_name` on comments); admins only",
                "schema": {"enum": ["0", "1"], "default": "0"},
            },
            *_REPORT_FILTERS,
        ],
        "responses": {
            "200": {
                "description": "The file, as an attachment",
                "headers": {
                    "X-Export-SHA256": {
                        "description": "SHA-256 of the body, as recorded in the audit log",
                        "schema": {"type": "string"},
                    },
                    "X-Export-Rows": {"schema": {"type": "integer"}},
                },
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                        "schema": {"type": "string", "contentEncoding": "binary"}
                    },
                    "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                },
            },
            "401": _error_response("No valid token"),
            "403": _error_response("Not a moderator or admin, or emails=1 without being an admin"),
            "404": _error_response("No such policy, or no export of that kind"),
            "422": _error_response("Unknown format or filter value, or a backwards date range"),
        },
    }
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
