"""Invitation endpoints: participation (moderators, admins); bodies, invitees and
invitations (admins)."""

from __future__ import annotations

from flask import g, jsonify
from flask_login import AnonymousUserMixin

from consult.api.auth import bearer_user, token_required
from consult.api.blueprint import bp
from consult.api.requests import id_field, int_arg, json_body
from consult.core.params import choice_arg
from consult.core.transaction import transaction, write
from consult.errors import PermissionDenied
from consult.extensions import db
from consult.invitations import permissions, queries, serializers, services, submissions
from consult.invitations.queries import InviteeRow
from consult.policy.models import Policy
from consult.policy.queries import get_policy


def _policy(slug: str) -> Policy:
    return get_policy(slug, include_drafts=True)


def _admin() -> None:
    if not permissions.can_manage_invitations(g.api_user):
        raise PermissionDenied("Only administrators can manage invitations.")


@bp.get("/policies/<policy>/participation")
@token_required
def participation(policy: str):
    if not permissions.can_view_participation(g.api_user):
        raise PermissionDenied("Only moderators and administrators can see participation.")
    return jsonify(queries.get_participation(_policy(policy).id).api())


@bp.get("/policies/<policy>/participation/groups")
@token_required
def participation_by_group(policy: str):
    if not permissions.can_view_participation(g.api_user):
        raise PermissionDenied("Only moderators and administrators can see participation.")
    figures = queries.get_participation(_policy(policy).id)
    return jsonify(
        {
            "by_stakeholder_group": {
                k: c.as_dict() for k, c in figures.by_stakeholder_group.items()
            },
            "silent_bodies": [
                {**serializers.body_json(b), "invited": n, "joined": j}
                for b, n, j in figures.silent_bodies
            ],
        }
    )


@bp.get("/policies/<policy>/bodies")
@token_required
def list_bodies(policy: str):
    _admin()
    rows = queries.list_bodies(_policy(policy).id)
    return jsonify({"bodies": [serializers.body_json(b, n) for b, n in rows]})


@bp.post("/policies/<policy>/bodies")
@write
@token_required
def create_body(policy: str):
    _admin()
    p = _policy(policy)
    data = json_body({"name", "kind", "contact"})
    body = services.create_body(
        p, data.get("name"), data.get("kind"), data.get("contact"), g.api_user.id
    )
    return jsonify(serializers.body_json(body, 0)), 201


def _page(policy: Policy):
    return queries.list_invitees(
        policy.id,
        choice_arg("state", queries.STATES, "") or None,
        int_arg("page", 1),
        int_arg("per_page", 100, maximum=100),
    )


@bp.get("/policies/<policy>/invitees")
@token_required
def list_invitees(policy: str):
    _admin()
    page = _page(_policy(policy))
    return jsonify(
        {
            "invitees": [serializers.invitee_json(r) for r in page.items],
            "total": page.total,
            "page": page.page,
            "per_page": page.per_page,
        }
    )


@bp.post("/policies/<policy>/invitees")
@write
@token_required
def create_invitee(policy: str):
    _admin()
    p = _policy(policy)
    data = json_body({"email", "name", "body_id", "affiliation", "stakeholder_group", "province"})
    invitee = services.create_invitee(
        p,
        services.InviteeData(
            email=data.get("email"),
            name=data.get("name"),
            body_id=id_field(data, "body_id"),
            affiliation=data.get("affiliation"),
            stakeholder_group=data.get("stakeholder_group") or "undisclosed",
            province=data.get("province"),
        ),
        g.api_user.id,
    )
    row = InviteeRow(invitee, invitee.invitation, "not-sent")
    return jsonify(serializers.invitee_json(row)), 201


@bp.get("/policies/<policy>/invitations")
@token_required
def list_invitations(policy: str):
    _admin()
    page = _page(_policy(policy))
    return jsonify(
        {
            "invitations": [serializers.invitation_json(r) for r in page.items],
            "total": page.total,
            "page": page.page,
            "per_page": page.per_page,
        }
    )


@bp.post("/policies/<policy>/invitations")
@token_required
def send_invitations(policy: str):
    """Send every invitation not yet sent, each in its own transaction (as the CLI does):
    a mail server failing half-way keeps the ones mailed marked as sent."""
    _admin()
    p = _policy(policy)
    sent = 0
    for invitation_id in queries.list_unsent_ids(p.id):
        with transaction():
            services.send_invitation(queries.get_invitation(invitation_id), g.api_user.id)
        sent += 1
    return jsonify({"sent": sent}), 201


# --- institutional submissions (representatives) --------------------------------------


def _submission_json(s) -> dict:
    return {
        "id": s.id,
        "body_id": s.body_id,
        "version": s.version,
        "status": s.status,
        "statement": s.statement,
        "unpublished": s.unpublished,
        "submitted_at": s.submitted_at.isoformat() if s.submitted_at else None,
        "points": [
            {
                "id": p.id,
                "section_id": p.section_id,
                "objective_id": p.objective_id,
                "stance": p.stance,
                "body": p.body,
            }
            for p in s.points
        ],
        "attachments": [
            {"id": a.id, "filename": a.filename, "size": a.size, "sha256": a.sha256}
            for a in s.attachments
        ],
    }


@bp.get("/bodies/<int:body_id>/submissions")
def list_submissions(body_id: int):
    """The versions of a body's response the caller may read (a token is optional)."""
    user = bearer_user() or AnonymousUserMixin()
    versions = submissions.list_versions(queries.get_body(body_id), user)
    return jsonify({"submissions": [_submission_json(s) for s in versions]})


@bp.post("/bodies/<int:body_id>/submissions")
@write
@token_required
def start_submission(body_id: int):
    draft = submissions.start_draft(g.api_user, queries.get_body(body_id))
    return jsonify(_submission_json(draft)), 201


@bp.patch("/submissions/<int:submission_id>")
@write
@token_required
def update_submission(submission_id: int):
    s = submissions.get_submission(submission_id)
    data = json_body({"statement", "unpublished"})
    submissions.save_draft(
        g.api_user,
        s,
        data.get("statement", s.statement),
        bool(data.get("unpublished", s.unpublished)),
    )
    return jsonify(_submission_json(s))


@bp.post("/submissions/<int:submission_id>/points")
@write
@token_required
def add_submission_point(submission_id: int):
    s = submissions.get_submission(submission_id)
    data = json_body({"section", "objective", "stance", "body"})
    submissions.add_point(
        g.api_user,
        s,
        data.get("section"),
        data.get("objective"),
        data.get("stance"),
        data.get("body"),
    )
    db.session.refresh(s)
    return jsonify(_submission_json(s)), 201


@bp.post("/submissions/<int:submission_id>/submit")
@write
@token_required
def submit_submission(submission_id: int):
    s = submissions.submit(g.api_user, submissions.get_submission(submission_id))
    return jsonify(_submission_json(s))
