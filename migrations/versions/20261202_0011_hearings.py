"""hearings: hearings, their sections in scope and facilitators; hearing foreign keys

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 02:00:00

"""

import sqlalchemy as sa
from alembic import op

# The vocabularies as they stand at this revision (a later change needs its own migration).
STATUSES = "'scheduled', 'open', 'closed'"
PROVINCES = (
    "'punjab', 'sindh', 'khyber-pakhtunkhwa', 'balochistan', 'gilgit-baltistan', "
    "'azad-jammu-kashmir', 'islamabad', 'overseas', 'undisclosed'"
)
LIFECYCLE = (
    "(status = 'scheduled' AND opened_at IS NULL AND closed_at IS NULL)"
    " OR (status = 'open' AND opened_at IS NOT NULL AND closed_at IS NULL)"
    " OR (status = 'closed' AND opened_at IS NOT NULL AND closed_at IS NOT NULL)"
)
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hearings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("institution", sa.String(length=200), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("province", sa.String(length=32), nullable=False),
        sa.Column("venue", sa.String(length=200), nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("join_code", sa.String(length=16), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("attendance", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f("ck_hearings_status")),
        sa.CheckConstraint(f"province IN ({PROVINCES})", name=op.f("ck_hearings_province")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_hearings_ends_after_starts")),
        sa.CheckConstraint("attendance IS NULL OR attendance >= 0", name=op.f("ck_hearings_attendance")),
        sa.CheckConstraint(LIFECYCLE, name=op.f("ck_hearings_lifecycle")),
        sa.ForeignKeyConstraint(["policy_id"], ["policies.id"], name=op.f("fk_hearings_policy_id_policies")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_hearings_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hearings")),
        sa.UniqueConstraint("join_code", name=op.f("uq_hearings_join_code")),
    )
    with op.batch_alter_table("hearings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hearings_policy_id"), ["policy_id"], unique=False)

    op.create_table(
        "hearing_sections",
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["hearing_id"], ["hearings.id"], name=op.f("fk_hearing_sections_hearing_id_hearings")),
        sa.ForeignKeyConstraint(["section_id"], ["sections.id"], name=op.f("fk_hearing_sections_section_id_sections")),
        sa.PrimaryKeyConstraint("hearing_id", "section_id", name=op.f("pk_hearing_sections")),
    )
    op.create_table(
        "hearing_facilitators",
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["hearing_id"], ["hearings.id"], name=op.f("fk_hearing_facilitators_hearing_id_hearings")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_hearing_facilitators_user_id_users")),
        sa.PrimaryKeyConstraint("hearing_id", "user_id", name=op.f("pk_hearing_facilitators")),
    )
    with op.batch_alter_table("hearing_facilitators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_hearing_facilitators_user_id"), ["user_id"], unique=False)

    # The foreign keys `hearing_id` waited for since 0002 and 0003.
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_comments_hearing_id_hearings"), "hearings", ["hearing_id"], ["id"]
        )
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_survey_responses_hearing_id_hearings"), "hearings", ["hearing_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("survey_responses", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_survey_responses_hearing_id_hearings"), type_="foreignkey")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_comments_hearing_id_hearings"), type_="foreignkey")
    with op.batch_alter_table("hearing_facilitators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearing_facilitators_user_id"))
    op.drop_table("hearing_facilitators")
    op.drop_table("hearing_sections")
    with op.batch_alter_table("hearings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_hearings_policy_id"))
    op.drop_table("hearings")
