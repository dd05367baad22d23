"""hearing attendees: which hearing an attendee participant belongs to, consent, form number

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 02:15:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "hearing_attendees",
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("hearing_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("given_name", sa.String(length=80), nullable=True),
        sa.Column("show_name", sa.Boolean(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("form_number", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("channel IN ('hearing', 'paper')", name=op.f("ck_hearing_attendees_channel")),
        sa.ForeignKeyConstraint(
            ["participant_id"], ["participants.id"], name=op.f("fk_hearing_attendees_participant_id_participants")
        ),
        sa.ForeignKeyConstraint(["hearing_id"], ["hearings.id"], name=op.f("fk_hearing_attendees_hearing_id_hearings")),
        sa.ForeignKeyConstraint(["entered_by_id"], ["users.id"], name=op.f("fk_hearing_attendees_entered_by_id_users")),
        sa.PrimaryKeyConstraint("participant_id", name=op.f("pk_hearing_attendees")),
        sa.UniqueConstraint("hearing_id", "form_number", name="uq_hearing_attendees_form"),
    )
    op.create_index(op.f("ix_hearing_attendees_hearing_id"), "hearing_attendees", ["hearing_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_hearing_attendees_hearing_id"), table_name="hearing_attendees")
    op.drop_table("hearing_attendees")
