"""report indexes: a covering index of comments for the report, answer values in the answers index

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 07:40:00

"""

from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

REPORT_COLUMNS = [
    "policy_id",
    "status",
    "section_id",
    "objective_id",
    "stance",
    "channel",
    "stream",
    "created_at",
    "participant_id",
    "hearing_id",
]


def upgrade():
    op.create_index("ix_comments_report", "comments", REPORT_COLUMNS, unique=False)
    op.drop_index("ix_survey_answers_question_item", table_name="survey_answers")
    op.create_index(
        "ix_survey_answers_question_item",
        "survey_answers",
        ["question_id", "item_key", "value_int", "value_text", "response_id"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_survey_answers_question_item", table_name="survey_answers")
    op.create_index(
        "ix_survey_answers_question_item", "survey_answers", ["question_id", "item_key"]
    )
    op.drop_index("ix_comments_report", table_name="comments")
