"""`POST /api/v1/hearings/<id>/submissions`: a facilitator's paper form, sent once.

The `Idempotency-Key` header is required: the first request with a key saves the form
(the same service as the entry screen and the CSV import) and stores its answer in the
same transaction; a repeat gets that answer and writes nothing; the same key with another
body is a 409. All or nothing: an error anywhere in the form writes none of it.
"""

from __future__ import annotations

from flask import g, jsonify, request

from consult.api.auth import token_required
from consult.api.blueprint import bp
from consult.api.requests import json_body
from consult.core.idempotency import clean_key, run_once
from consult.core.transaction import write
from consult.errors import PermissionDenied
from consult.hearings import paper, permissions, queries

SUBMISSION_FIELDS = {"form_number", "participant", "comments", "responses"}


@bp.post("/hearings/<int:hearing_id>/submissions")
@write
@token_required
def submit_paper_form(hearing_id: int):
    hearing = queries.get_hearing(hearing_id)
    refusal = permissions.manage_refusal(g.api_user, hearing)
    if refusal:
        raise PermissionDenied(refusal)
    key = clean_key(request.headers.get("Idempotency-Key"), field="Idempotency-Key")
    data = json_body(allowed=SUBMISSION_FIELDS)

    def work() -> tuple[int, dict]:
        return 201, paper.submit_paper_form(g.api_user, hearing, data).as_json()

    outcome = run_once(paper.idempotency_scope(hearing), key, data, work)
    response = jsonify(outcome.body)
    response.status_code = outcome.status
    response.headers["Idempotent-Replayed"] = "true" if outcome.replayed else "false"
    return response
