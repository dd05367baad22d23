"""comments.root_id is written in the insert and never NULL

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 22:40:00

Rows written before this revision had root_id filled by a second flush; any left NULL
(none should be) are repaired from the parent chain first: a top-level comment is its own
root, a reply takes its parent's root.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    conn = op.get_bind()
    conn.execute(sa.text("UPDATE comments SET root_id = id WHERE root_id IS NULL AND parent_id IS NULL"))
    # Replies: walk down one level at a time (threads are shallow; depth is stored).
    for _ in range(64):
        fixed = conn.execute(
            sa.text(
                "UPDATE comments SET root_id = (SELECT p.root_id FROM comments p "
                "WHERE p.id = comments.parent_id) "
                "WHERE root_id IS NULL AND parent_id IS NOT NULL AND EXISTS "
                "(SELECT 1 FROM comments p WHERE p.id = comments.parent_id "
                "AND p.root_id IS NOT NULL)"
            )
        ).rowcount
        if not fixed:
            break
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.alter_column("root_id", existing_type=sa.Integer(), nullable=False)


def downgrade():
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.alter_column("root_id", existing_type=sa.Integer(), nullable=True)
