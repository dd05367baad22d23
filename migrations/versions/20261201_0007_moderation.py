"""moderation: actions, suspensions with an end date, the reason a comment is hidden

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 23:00:00

"""

import sqlalchemy as sa
from alembic import op

# The vocabularies as they stand at this revision (a later change needs its own migration).
ACTIONS = "'approve', 'hide', 'restore', 'reject', 'dismiss-flags', 'auto-hide', 'ban', 'unban'"
REASONS = "'spam', 'abuse', 'off-topic', 'personal-data', 'campaign', 'flagged', 'other'"
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "moderation_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"action IN ({ACTIONS})", name=op.f("ck_moderation_actions_action")),
        sa.CheckConstraint(
            f"reason IS NULL OR reason IN ({REASONS})",
            name=op.f("ck_moderation_actions_reason"),
        ),
        sa.CheckConstraint(
            "comment_id IS NOT NULL OR user_id IS NOT NULL", name=op.f("ck_moderation_actions_target")
        ),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_moderation_actions_actor_id_users")),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name=op.f("fk_moderation_actions_comment_id_comments")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_moderation_actions_user_id_users")),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participants.id"], name=op.f("fk_moderation_actions_participant_id_participants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_actions")),
    )
    with op.batch_alter_table("moderation_actions", schema=None) as batch_op:
        batch_op.create_index("ix_moderation_actions_created", ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_moderation_actions_comment_id"), ["comment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_moderation_actions_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_moderation_actions_participant_id"), ["participant_id"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("banned_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("ban_reason", sa.String(length=32), nullable=True))

    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("moderation_reason", sa.String(length=32), nullable=True))
        batch_op.create_check_constraint(
            "moderation_reason",
            f"moderation_reason IS NULL OR moderation_reason IN ({REASONS})",
        )


def downgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_comments_moderation_reason"), type_="check")
        batch_op.drop_column("moderation_reason")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("ban_reason")
        batch_op.drop_column("banned_until")
    with op.batch_alter_table("moderation_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_actions_participant_id"))
        batch_op.drop_index(batch_op.f("ix_moderation_actions_user_id"))
        batch_op.drop_index(batch_op.f("ix_moderation_actions_comment_id"))
        batch_op.drop_index("ix_moderation_actions_created")
    op.drop_table("moderation_actions")
