"""`consult generate` at the tiny scale: constraints hold, counts add up, threads and
counters are consistent, and a seed gives the same data."""

from __future__ import annotations

import hashlib
import re

import sqlalchemy as sa
from flask import Flask

from consult.accounts.models import Participant, User
from consult.comments.models import Comment, CommentCount, Endorsement, Flag
from consult.comments.services import wilson_lower_bound
from consult.core.sanitize import render_markdown
from consult.extensions import db
from consult.hearings.models import HearingAttendee, hearing_sections
from consult.invitations.queries import invited_stream
from consult.surveys.answers import answer_rows, validate_answers
from consult.surveys.models import Answer, Survey, SurveyResponse
from tests.conftest import _empty_tables

TABLES = {
    "comments": Comment,
    "endorsements": Endorsement,
    "flags": Flag,
    "survey_responses": SurveyResponse,
    "survey_answers": Answer,
    "users": User,
    "participants": Participant,
    "hearing_attendees": HearingAttendee,
}


def _generate(runner, *extra: str) -> dict[str, int]:
    result = runner.invoke(args=["consult", "generate", "--scale", "tiny", "--seed", "7", *extra])
    assert result.exit_code == 0, result.output
    return {
        m[1]: int(m[2].replace(",", ""))
        for m in re.finditer(r"(\w+): ([\d,]+)$", result.output, re.M)
    }


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _fingerprint() -> str:
    """The generated content, ids made relative, so two runs compare whatever the ids."""
    first = db.session.scalar(sa.select(sa.func.min(Comment.id)))
    digest = hashlib.sha256()
    for row in db.session.execute(
        sa.select(
            Comment.id - first,
            Comment.parent_id - first,
            Comment.depth,
            Comment.section_id,
            Comment.stance,
            Comment.status,
            Comment.body,
            Comment.agree_count,
            Comment.score,
        ).order_by(Comment.id)
    ):
        digest.update(repr(tuple(row)).encode())
    for row in db.session.execute(
        sa.select(SurveyResponse.survey_id, SurveyResponse.answers).order_by(SurveyResponse.id)
    ):
        digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()


def test_generate_tiny_is_consistent_and_deterministic(app: Flask, nsp, runner) -> None:
    reported = _generate(runner)
    for name, model in TABLES.items():
        assert _count(model) == reported[name], name
    assert reported["comments"] == 300
    assert reported["survey_responses"] == 120

    # Foreign keys (SQLite does not enforce them unless asked; PostgreSQL did on insert).
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(sa.text("PRAGMA foreign_key_check")).all() == []
    else:  # vacuumed after the load: index-only scans need no heap visit (deep pages)
        visible = "SELECT relallvisible FROM pg_class WHERE relname = 'comments'"
        assert db.session.execute(sa.text(visible)).scalar() > 0

    # Threads: roots are themselves, a reply follows its published parent, depth <= 3.
    comments = {c.id: c for c in db.session.scalars(sa.select(Comment))}
    assert any(c.depth == 3 for c in comments.values()) or any(
        c.depth == 2 for c in comments.values()
    )
    for c in comments.values():
        assert 0 <= c.depth <= 3
        if c.parent_id is None:
            assert c.root_id == c.id and c.depth == 0
        else:
            parent = comments[c.parent_id]
            assert c.depth == parent.depth + 1
            assert c.root_id == parent.root_id
            assert c.section_id == parent.section_id
            assert c.objective_id == parent.objective_id
            assert parent.status == "published"
            assert parent.created_at <= c.created_at
        if c.hearing_id is not None:
            assert c.channel in ("hearing", "paper")
            attendee = db.session.get(HearingAttendee, c.participant_id)
            assert attendee is not None and attendee.hearing_id == c.hearing_id
            covered = db.session.scalars(
                sa.select(hearing_sections.c.section_id).where(
                    hearing_sections.c.hearing_id == c.hearing_id
                )
            ).all()
            assert c.section_id in covered
        else:
            assert c.channel == "online"
        # The stream is what the invitations resolver says for its author.
        assert c.stream == (invited_stream(c.participant_id, c.policy_id) or "open")
    assert any(c.stream == "invited" for c in comments.values())
    sample = list(comments.values())[::25]
    for c in sample:
        assert c.body_html == render_markdown(c.body)
        assert c.body_hash == hashlib.sha256(c.body.encode()).hexdigest()

    # Counters match the endorsement rows; nobody endorses their own comment.
    tallies: dict[int, dict[str, int]] = {}
    for e in db.session.scalars(sa.select(Endorsement)):
        assert e.participant_id != comments[e.comment_id].participant_id
        tallies.setdefault(e.comment_id, {"agree": 0, "disagree": 0})[e.value] += 1
    assert tallies
    for c in comments.values():
        t = tallies.get(c.id, {"agree": 0, "disagree": 0})
        assert (c.agree_count, c.disagree_count) == (t["agree"], t["disagree"])
        assert abs(c.score - wilson_lower_bound(t["agree"], t["disagree"])) < 1e-9
    for f in db.session.scalars(sa.select(Flag)):
        assert f.participant_id != comments[f.comment_id].participant_id

    # Survey answers are what the survey page would store for those answers.
    surveys = {s.id: s for s in db.session.scalars(sa.select(Survey))}
    for response in db.session.scalars(sa.select(SurveyResponse)):
        questions = surveys[response.survey_id].questions
        assert validate_answers(questions, response.answers) == response.answers
        stored = sorted(
            (a.question_id, a.item_key, a.value_int, a.value_num, a.value_text)
            for a in db.session.scalars(sa.select(Answer).where(Answer.response_id == response.id))
        )
        expected = sorted(
            (q.id, r.get("item_key"), r.get("value_int"), r.get("value_num"), r.get("value_text"))
            for q in questions
            if q.key in response.answers
            for r in answer_rows(q, response.answers[q.key])
        )
        assert stored == expected

    # Refuses a database with comments unless --force, which adds a further batch.
    refused = runner.invoke(args=["consult", "generate", "--scale", "tiny"])
    assert refused.exit_code != 0 and "--force" in refused.output
    first = _fingerprint()
    _generate(runner, "--force")
    assert _count(Comment) == 2 * reported["comments"]
    assert _count(User) == 2 * reported["users"]
    # The kept comment counts match the comments (the bulk inserts bypass the ORM), also
    # after a second batch.
    kept = db.session.execute(
        sa.select(
            CommentCount.section_id,
            CommentCount.objective_id,
            CommentCount.published,
            CommentCount.published_top,
        )
    ).all()
    fresh = db.session.execute(
        sa.select(
            Comment.section_id,
            Comment.objective_id,
            sa.func.count(),
            sa.func.sum(sa.case((Comment.depth == 0, 1), else_=0)),
        )
        .where(Comment.status == "published")
        .group_by(Comment.section_id, Comment.objective_id)
    ).all()
    assert sorted(map(tuple, kept), key=str) == sorted(map(tuple, fresh), key=str) != []

    # Same seed, fresh database: the same data.
    db.session.remove()
    _empty_tables()
    from consult.policy.loader import read_policy_file
    from consult.policy.services import load_policy
    from tests.conftest import NSP_FILE

    load_policy(read_policy_file(NSP_FILE))
    db.session.commit()
    _generate(runner)
    assert _fingerprint() == first
