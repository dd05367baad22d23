"""account security: session version, email confirmation, look-alike keys

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 21:50:00

Accounts that exist before this revision registered when no confirmation was asked for:
they are marked confirmed as of their creation, so nobody loses the right to post.
"""

import sqlalchemy as sa
from alembic import op

from consult.core.confusables import name_key, skeleton

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_key", sa.String(length=1024), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_users_email_key"), ["email_key"], unique=False)
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name_key", sa.String(length=320), nullable=True))
        batch_op.create_index(batch_op.f("ix_participants_name_key"), ["name_key"], unique=False)

    conn = op.get_bind()
    conn.execute(sa.text("UPDATE users SET confirmed_at = created_at"))
    users = conn.execute(
        sa.text("SELECT id, email, participant_id FROM users WHERE deleted_at IS NULL")
    ).all()
    for user_id, email, participant_id in users:
        if email:
            conn.execute(
                sa.text("UPDATE users SET email_key = :k WHERE id = :id"),
                {"k": skeleton(email), "id": user_id},
            )
        name = conn.execute(
            sa.text("SELECT display_name FROM participants WHERE id = :id"), {"id": participant_id}
        ).scalar()
        if name:
            conn.execute(
                sa.text("UPDATE participants SET name_key = :k WHERE id = :id"),
                {"k": name_key(name), "id": participant_id},
            )


def downgrade():
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participants_name_key"))
        batch_op.drop_column("name_key")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_email_key"))
        batch_op.drop_column("session_version")
        batch_op.drop_column("confirmed_at")
        batch_op.drop_column("email_key")
