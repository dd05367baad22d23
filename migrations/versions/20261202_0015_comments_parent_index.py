"""comments: index replies by parent and status (the thread's placeholder check scanned the table)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 03:20:00

"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_comments_parent_status", "comments", ["parent_id", "status"], unique=False)


def downgrade():
    op.drop_index("ix_comments_parent_status", table_name="comments")
