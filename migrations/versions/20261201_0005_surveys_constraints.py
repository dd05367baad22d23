"""surveys: one survey per section; CHECK constraints on answer rows

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 23:30:00

"One survey per section" was held only by the builder; a unique constraint on
`surveys.section_id` now holds it (it replaces the plain index on that column). The rows of
`survey_answers` get the CHECK constraints that hold for every question type.

The upgrade refuses, naming them, when sections already have several surveys or answer
rows break the new rules: which survey to keep is a decision for people, not a migration.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _set(column):
    return f"(CASE WHEN {column} IS NULL THEN 0 ELSE 1 END)"


# (name, condition), as consult.surveys.models.Answer declares them.
ANSWER_CHECKS = (
    ("one_value", f"{_set('value_int')} + {_set('value_num')} + {_set('value_text')} <= 1"),
    (
        "not_empty",
        "item_key IS NOT NULL OR value_int IS NOT NULL OR value_num IS NOT NULL"
        " OR value_text IS NOT NULL",
    ),
    ("value_int_positive", "value_int IS NULL OR value_int >= 1"),
    ("rating_range", "item_key IS NOT NULL OR value_int IS NULL OR value_int <= 5"),
    ("item_text", "item_key IS NULL OR value_text IS NULL OR value_text = 'no-opinion'"),
    ("item_number", "item_key IS NULL OR value_num IS NULL"),
)


def _refuse_duplicate_surveys(conn):
    rows = conn.execute(
        sa.text(
            "SELECT p.slug, s.slug, v.key FROM surveys v"
            " JOIN sections s ON s.id = v.section_id"
            " JOIN policies p ON p.id = s.policy_id"
            " WHERE v.section_id IN"
            " (SELECT section_id FROM surveys GROUP BY section_id HAVING COUNT(*) > 1)"
            " ORDER BY p.slug, s.slug, v.id"
        )
    ).all()
    if not rows:
        return
    by_section = {}
    for policy, section, key in rows:
        by_section.setdefault(f"{policy}/{section}", []).append(key)
    listing = "; ".join(f"{where} has {', '.join(keys)}" for where, keys in by_section.items())
    raise RuntimeError(
        "Cannot add the one-survey-per-section constraint: these sections have more than one"
        f" survey: {listing}. Move each extra survey to a section of its own (or remove it),"
        " then upgrade again."
    )


def _refuse_bad_answers(conn):
    problems = []
    for name, condition in ANSWER_CHECKS:
        ids = conn.execute(
            sa.text(f"SELECT id FROM survey_answers WHERE NOT ({condition}) ORDER BY id")  # noqa: S608
        ).scalars().all()
        if ids:
            shown = ", ".join(str(i) for i in ids[:10]) + (" …" if len(ids) > 10 else "")
            problems.append(f"{name}: {len(ids)} row(s) (ids {shown})")
    if problems:
        raise RuntimeError(
            "Cannot add the CHECK constraints on survey_answers; these rows break them: "
            + "; ".join(problems)
            + ". Correct those rows from the responses' stored answers, then upgrade again."
        )


def upgrade():
    conn = op.get_bind()
    _refuse_duplicate_surveys(conn)
    _refuse_bad_answers(conn)
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_surveys_section_id"))
        batch_op.create_unique_constraint(batch_op.f("uq_surveys_section_id"), ["section_id"])
    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        for name, condition in ANSWER_CHECKS:
            batch_op.create_check_constraint(batch_op.f(f"ck_survey_answers_{name}"), condition)


def downgrade():
    with op.batch_alter_table("survey_answers", schema=None) as batch_op:
        for name, _condition in reversed(ANSWER_CHECKS):
            batch_op.drop_constraint(batch_op.f(f"ck_survey_answers_{name}"), type_="check")
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_surveys_section_id"), type_="unique")
        batch_op.create_index(batch_op.f("ix_surveys_section_id"), ["section_id"], unique=False)
