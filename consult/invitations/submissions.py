"""Institutional submissions: a body's formal, versioned response with PDF attachments.

Drafts are edited by the body's representatives (joined invitees an administrator
nominated); submitting makes the version read-only; a revision is the next version. PDFs
are checked by their content, never their name, and stored outside the web root under
their SHA-256 (`SUBMISSION_STORAGE`), so a file is only ever served by the download view.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from consult.accounts.models import User
from consult.accounts.permissions import is_signed_in
from consult.comments.services import clean_body, clean_stance
from consult.core import audit
from consult.core.models import utcnow
from consult.errors import Conflict, NotFound, PermissionDenied, ValidationError
from consult.extensions import db
from consult.invitations import permissions
from consult.invitations.models import (
    StakeholderBody,
    Submission,
    SubmissionAttachment,
    SubmissionPoint,
)
from consult.policy.models import Objective, Section

MAX_ATTACHMENTS = 5
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_STATEMENT = 20_000


def storage_dir() -> Path:
    return Path(current_app.config["SUBMISSION_STORAGE"])


def _representative(user: User | None, body: StakeholderBody) -> None:
    refusal = permissions.submit_refusal(user, body)
    if refusal:
        raise PermissionDenied(refusal)


def current_draft(body: StakeholderBody) -> Submission | None:
    return db.session.scalar(
        select(Submission).where(Submission.body_id == body.id, Submission.status == "draft")
    )


def latest_submitted(body: StakeholderBody) -> Submission | None:
    return db.session.scalar(
        select(Submission)
        .where(Submission.body_id == body.id, Submission.status == "submitted")
        .order_by(Submission.version.desc())
        .limit(1)
    )


def start_draft(user: User, body: StakeholderBody) -> Submission:
    """The body's draft: the one in progress, else a new version copied from the last
    submitted one (statement, points and attachments), else an empty first version."""
    _representative(user, body)
    draft = current_draft(body)
    if draft is not None:
        return draft
    last = latest_submitted(body)
    version = (
        db.session.scalar(select(func.max(Submission.version)).where(Submission.body_id == body.id))
        or 0
    ) + 1
    draft = Submission(
        policy_id=body.policy_id,
        body_id=body.id,
        version=version,
        status="draft",
        statement=last.statement if last else "",
        unpublished=last.unpublished if last else False,
        author_id=user.id,
    )
    db.session.add(draft)
    db.session.flush()
    if last is not None:
        for p in last.points:
            db.session.add(
                SubmissionPoint(
                    submission_id=draft.id,
                    section_id=p.section_id,
                    objective_id=p.objective_id,
                    stance=p.stance,
                    body=p.body,
                )
            )
        for a in last.attachments:
            db.session.add(
                SubmissionAttachment(
                    submission_id=draft.id, filename=a.filename, size=a.size, sha256=a.sha256
                )
            )
        db.session.flush()
    return draft


def _editable(user: User, submission: Submission) -> None:
    _representative(user, submission.body)
    if submission.status != "draft":
        raise Conflict(
            _("A submitted response is read-only. Start a revision to send a new version.")
        )


def save_draft(user: User, submission: Submission, statement: Any, unpublished: bool) -> None:
    """Save the overall statement and the publication wish of a draft."""
    _editable(user, submission)
    text = statement if isinstance(statement, str) else ""
    text = text.replace("\r\n", "\n").strip()
    if len(text) > MAX_STATEMENT or "\x00" in text:
        raise ValidationError(
            _("The statement is too long."),
            {"statement": _("Use at most %(n)d characters.", n=MAX_STATEMENT)},
        )
    submission.statement = text
    submission.unpublished = bool(unpublished)


def add_point(
    user: User,
    submission: Submission,
    section_slug: Any,
    objective_key: Any,
    stance: Any,
    body: Any,
) -> SubmissionPoint:
    """Add a comment on a section (and optionally one of its objectives) to a draft."""
    _editable(user, submission)
    section = db.session.scalar(
        select(Section).where(
            Section.policy_id == submission.policy_id,
            Section.slug == section_slug,
            Section.retired_at.is_(None),
        )
    )
    if section is None:
        raise ValidationError(
            _("Choose a section of this policy."), {"section": _("No such section.")}
        )
    objective_id = None
    if objective_key:
        objective_id = db.session.scalar(
            select(Objective.id).where(
                Objective.section_id == section.id,
                Objective.key == objective_key,
                Objective.retired_at.is_(None),
            )
        )
        if objective_id is None:
            raise ValidationError(
                _("That objective is not part of this section."),
                {"objective": _("No such objective.")},
            )
    point = SubmissionPoint(
        submission_id=submission.id,
        section_id=section.id,
        objective_id=objective_id,
        stance=clean_stance(stance),
        body=clean_body(body),
    )
    db.session.add(point)
    db.session.flush()
    return point


def remove_point(user: User, point: SubmissionPoint) -> None:
    _editable(user, point.submission)
    db.session.delete(point)


def _is_pdf(data: bytes) -> bool:
    """A PDF by its content: the header in the first KB, the end marker in the last KB."""
    return b"%PDF-" in data[:1024] and b"%%EOF" in data[-1024:]


def _safe_name(name: Any) -> str:
    name = unicodedata.normalize("NFKC", name if isinstance(name, str) else "")
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(c for c in name if c.isalnum() or c in " ._-()").strip(" .")
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    return (stem[:100] or "attachment") + ".pdf"


def body_usage(body_id: int) -> int:
    """Bytes of distinct files a body has stored (a revision's copies are not counted twice)."""
    rows = db.session.execute(
        select(SubmissionAttachment.sha256, func.max(SubmissionAttachment.size))
        .join(Submission, Submission.id == SubmissionAttachment.submission_id)
        .where(Submission.body_id == body_id)
        .group_by(SubmissionAttachment.sha256)
    ).all()
    return sum(size for _sha, size in rows)


def add_attachment(
    user: User, submission: Submission, filename: Any, data: bytes
) -> SubmissionAttachment:
    """Attach a PDF (checked by content), at most 5 per version, 10 MB each, within quota."""
    _editable(user, submission)
    field = {"file": ""}
    if len(submission.attachments) >= MAX_ATTACHMENTS:
        raise ValidationError(
            _("A response has at most %(n)d attachments.", n=MAX_ATTACHMENTS),
            {**field, "file": _("Remove one first.")},
        )
    if not data:
        raise ValidationError(_("The file is empty."), {"file": _("Choose a PDF file.")})
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("The file is larger than 10 MB."), {"file": _("Use a smaller PDF.")}
        )
    if not _is_pdf(data):
        raise ValidationError(
            _("Only PDF files can be attached; this file is not a PDF, whatever its name says."),
            {"file": _("Not a PDF.")},
        )
    digest = hashlib.sha256(data).hexdigest()
    quota = current_app.config["SUBMISSION_BODY_QUOTA"]
    known = db.session.scalar(
        select(SubmissionAttachment.id)
        .join(Submission, Submission.id == SubmissionAttachment.submission_id)
        .where(Submission.body_id == submission.body_id, SubmissionAttachment.sha256 == digest)
        .limit(1)
    )
    if known is None and body_usage(submission.body_id) + len(data) > quota:
        raise ValidationError(
            _("This body's storage quota (%(mb)d MB) would be exceeded.", mb=quota // 2**20),
            {"file": _("Over the quota.")},
        )
    folder = storage_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / digest
    if not path.exists():
        tmp = folder / f".{digest}.part"
        tmp.write_bytes(data)
        tmp.replace(path)
    attachment = SubmissionAttachment(
        submission_id=submission.id, filename=_safe_name(filename), size=len(data), sha256=digest
    )
    db.session.add(attachment)
    db.session.flush()
    return attachment


def remove_attachment(user: User, attachment: SubmissionAttachment) -> None:
    """Take an attachment off a draft (the file stays: earlier versions may use it)."""
    _editable(user, attachment.submission)
    audit.record(
        "submission.attachment_remove",
        actor_id=user.id,
        target_type="submission",
        target_id=attachment.submission_id,
        data={"sha256": attachment.sha256, "filename": attachment.filename},
    )
    db.session.delete(attachment)
    db.session.flush()


def submit(user: User, submission: Submission) -> Submission:
    """Send the draft: it becomes read-only and the body's current version (audited)."""
    _editable(user, submission)
    if not submission.statement.strip():
        raise ValidationError(
            _("Write the overall statement before submitting."),
            {"statement": _("The statement is empty.")},
        )
    submission.status = "submitted"
    submission.submitted_at = utcnow()
    audit.record(
        "submissions.submit",
        actor_id=user.id,
        target_type="submission",
        target_id=submission.id,
        data={"body": submission.body_id, "version": submission.version},
    )
    return submission


def can_read(user: Any, submission: Submission) -> bool:
    """Submitted and published: everyone; submitted but unpublished: the desk and the
    body's representatives; a draft: its representatives only (it is not sent yet)."""
    own = is_signed_in(user) and permissions.submit_refusal(user, submission.body) is None
    if submission.status == "draft":
        return own
    if not submission.unpublished:
        return True
    return own or permissions.can_view_unpublished_submissions(user)


def get_submission(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        raise NotFound(_("No such submission."))
    return submission


def list_versions(body: StakeholderBody, user: Any) -> list[Submission]:
    """The versions of a body's response that this person may read, newest first."""
    versions = db.session.scalars(
        select(Submission).where(Submission.body_id == body.id).order_by(Submission.version.desc())
    ).all()
    return [s for s in versions if can_read(user, s)]


def attachment_path(attachment: SubmissionAttachment) -> Path:
    return storage_dir() / attachment.sha256
