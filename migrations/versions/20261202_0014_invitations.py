"""invitations: stakeholder bodies, invitees, invitation links; the input stream of comments
and survey responses

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 02:00:00

"""

import sqlalchemy as sa
from alembic import op

# The vocabularies as they stand at this revision (a later change needs its own migration).
BODY_KINDS = (
    "'federal-ministry', 'provincial-government', 'regional-government', 'military', "
    "'expert-council', 'academia', 'civil-society', 'other'"
)
STREAMS = "'open', 'invited'"
STANCES = "'support', 'oppose', 'concern', 'suggestion'"
SUBMISSION_STATUSES = "'draft', 'submitted'"
PROVINCES = (
    "'punjab', 'sindh', 'khyber-pakhtunkhwa', 'balochistan', 'gilgit-baltistan', "
    "'azad-jammu-kashmir', 'islamabad', 'overseas', 'undisclosed'"
)
GROUPS = (
    "'citizen', 'student', 'academic', 'civil-society', 'expert', 'government', "
    "'private-sector', 'media', 'other', 'undisclosed'"
)
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stakeholder_bodies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"kind IN ({BODY_KINDS})", name=op.f("ck_stakeholder_bodies_kind")),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["policies.id"], name=op.f("fk_stakeholder_bodies_policy_id_policies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stakeholder_bodies")),
        sa.UniqueConstraint(
            "policy_id", "name_key", name=op.f("uq_stakeholder_bodies_policy_id_name_key")
        ),
    )
    op.create_table(
        "invitees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.Column("affiliation", sa.String(length=200), nullable=True),
        sa.Column("stakeholder_group", sa.String(length=32), nullable=False),
        sa.Column("province", sa.String(length=32), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("show_label", sa.Boolean(), nullable=False),
        sa.Column("representative", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            f"stakeholder_group IN ({GROUPS})", name=op.f("ck_invitees_stakeholder_group")
        ),
        sa.CheckConstraint(
            f"province IS NULL OR province IN ({PROVINCES})", name=op.f("ck_invitees_province")
        ),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["policies.id"], name=op.f("fk_invitees_policy_id_policies")
        ),
        sa.ForeignKeyConstraint(
            ["body_id"], ["stakeholder_bodies.id"], name=op.f("fk_invitees_body_id_stakeholder_bodies")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_invitees_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitees")),
        sa.UniqueConstraint("policy_id", "email", name=op.f("uq_invitees_policy_id_email")),
        sa.UniqueConstraint("policy_id", "user_id", name=op.f("uq_invitees_policy_id_user_id")),
    )
    with op.batch_alter_table("invitees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitees_body_id"), ["body_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitees_user_id"), ["user_id"], unique=False)

    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invitee_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminders_sent", sa.Integer(), nullable=False),
        sa.Column("last_reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("reminders_sent >= 0", name=op.f("ck_invitations_reminders_sent")),
        sa.ForeignKeyConstraint(
            ["invitee_id"], ["invitees.id"], name=op.f("fk_invitations_invitee_id_invitees")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("invitee_id", name=op.f("uq_invitations_invitee_id")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )

    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("unpublished", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"status IN ({SUBMISSION_STATUSES})", name=op.f("ck_submissions_status")),
        sa.CheckConstraint("version >= 1", name=op.f("ck_submissions_version")),
        sa.ForeignKeyConstraint(["policy_id"], ["policies.id"], name=op.f("fk_submissions_policy_id_policies")),
        sa.ForeignKeyConstraint(
            ["body_id"], ["stakeholder_bodies.id"], name=op.f("fk_submissions_body_id_stakeholder_bodies")
        ),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_submissions_author_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submissions")),
        sa.UniqueConstraint("body_id", "version", name=op.f("uq_submissions_body_id_version")),
    )
    op.create_table(
        "submission_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=True),
        sa.Column("stance", sa.String(length=16), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            f"stance IS NULL OR stance IN ({STANCES})", name=op.f("ck_submission_points_stance")
        ),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_submission_points_submission_id_submissions")
        ),
        sa.ForeignKeyConstraint(["section_id"], ["sections.id"], name=op.f("fk_submission_points_section_id_sections")),
        sa.ForeignKeyConstraint(
            ["objective_id"], ["objectives.id"], name=op.f("fk_submission_points_objective_id_objectives")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_points")),
    )
    with op.batch_alter_table("submission_points", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submission_points_submission_id"), ["submission_id"], unique=False)
    op.create_table(
        "submission_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size > 0", name=op.f("ck_submission_attachments_size")),
        sa.ForeignKeyConstraint(
            ["submission_id"], ["submissions.id"], name=op.f("fk_submission_attachments_submission_id_submissions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_submission_attachments")),
    )
    with op.batch_alter_table("submission_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_submission_attachments_submission_id"), ["submission_id"], unique=False
        )

    for table in ("comments", "survey_responses"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("stream", sa.String(length=16), server_default="open", nullable=False)
            )
            batch_op.create_check_constraint("stream", f"stream IN ({STREAMS})")


def downgrade():
    for table in ("survey_responses", "comments"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_stream"), type_="check")
            batch_op.drop_column("stream")
    op.drop_table("submission_attachments")
    op.drop_table("submission_points")
    op.drop_table("submissions")
    op.drop_table("invitations")
    with op.batch_alter_table("invitees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitees_user_id"))
        batch_op.drop_index(batch_op.f("ix_invitees_body_id"))
    op.drop_table("invitees")
    op.drop_table("stakeholder_bodies")
