"""spam holds: why the heuristics held a comment, and the platform's `hold` action

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# The vocabularies as they stand at this revision (a later change needs its own migration).
ACTIONS_BEFORE = "'approve', 'hide', 'restore', 'reject', 'dismiss-flags', 'auto-hide', 'ban', 'unban'"
ACTIONS = f"{ACTIONS_BEFORE}, 'hold'"
HOLD_REASONS = "'blocked-term', 'link-limit'"
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("held_for", sa.String(length=16), nullable=True))
        batch_op.create_check_constraint(
            "held_for", f"held_for IS NULL OR held_for IN ({HOLD_REASONS})"
        )
    with op.batch_alter_table("moderation_actions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_moderation_actions_action"), type_="check")
        batch_op.create_check_constraint("action", f"action IN ({ACTIONS})")


def downgrade():
    # The platform's holds go with the vocabulary that allowed them; the comments stay.
    op.execute("DELETE FROM moderation_actions WHERE action = 'hold'")
    with op.batch_alter_table("moderation_actions", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_moderation_actions_action"), type_="check")
        batch_op.create_check_constraint("action", f"action IN ({ACTIONS_BEFORE})")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_comments_held_for"), type_="check")
        batch_op.drop_column("held_for")
