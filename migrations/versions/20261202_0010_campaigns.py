"""campaigns: groups of near-identical comments, their MinHash signatures and LSH bands

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 01:30:00

"""

import sqlalchemy as sa
from alembic import op

# The vocabulary as it stands at this revision (a later change needs its own migration).
STATUSES = "'candidate', 'confirmed', 'split'"
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "campaign_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sample_comment_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("split_by_id", sa.Integer(), nullable=True),
        sa.Column("split_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f("ck_campaign_groups_status")),
        sa.CheckConstraint("size >= 0", name=op.f("ck_campaign_groups_size")),
        sa.ForeignKeyConstraint(["policy_id"], ["policies.id"], name=op.f("fk_campaign_groups_policy_id_policies")),
        sa.ForeignKeyConstraint(
            ["sample_comment_id"], ["comments.id"], name=op.f("fk_campaign_groups_sample_comment_id_comments")
        ),
        sa.ForeignKeyConstraint(["confirmed_by_id"], ["users.id"], name=op.f("fk_campaign_groups_confirmed_by_id_users")),
        sa.ForeignKeyConstraint(["split_by_id"], ["users.id"], name=op.f("fk_campaign_groups_split_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_groups")),
    )
    with op.batch_alter_table("campaign_groups", schema=None) as batch_op:
        batch_op.create_index("ix_campaign_groups_policy_status_size", ["policy_id", "status", "size"], unique=False)

    op.create_table(
        "campaign_signatures",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=True),
        sa.Column("released_from_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name=op.f("fk_campaign_signatures_comment_id_comments")),
        sa.ForeignKeyConstraint(["policy_id"], ["policies.id"], name=op.f("fk_campaign_signatures_policy_id_policies")),
        sa.ForeignKeyConstraint(
            ["group_id"], ["campaign_groups.id"], name=op.f("fk_campaign_signatures_group_id_campaign_groups")
        ),
        sa.ForeignKeyConstraint(
            ["released_from_id"],
            ["campaign_groups.id"],
            name=op.f("fk_campaign_signatures_released_from_id_campaign_groups"),
        ),
        sa.PrimaryKeyConstraint("comment_id", name=op.f("pk_campaign_signatures")),
    )
    with op.batch_alter_table("campaign_signatures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_signatures_group_id"), ["group_id"], unique=False)

    op.create_table(
        "campaign_bands",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("band", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("band_hash", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["campaign_signatures.comment_id"],
            name=op.f("fk_campaign_bands_comment_id_campaign_signatures"),
        ),
        sa.ForeignKeyConstraint(["policy_id"], ["policies.id"], name=op.f("fk_campaign_bands_policy_id_policies")),
        sa.PrimaryKeyConstraint("comment_id", "band", name=op.f("pk_campaign_bands")),
    )
    with op.batch_alter_table("campaign_bands", schema=None) as batch_op:
        batch_op.create_index("ix_campaign_bands_lookup", ["policy_id", "band_hash"], unique=False)


def downgrade():
    with op.batch_alter_table("campaign_bands", schema=None) as batch_op:
        batch_op.drop_index("ix_campaign_bands_lookup")
    op.drop_table("campaign_bands")
    with op.batch_alter_table("campaign_signatures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_signatures_group_id"))
    op.drop_table("campaign_signatures")
    with op.batch_alter_table("campaign_groups", schema=None) as batch_op:
        batch_op.drop_index("ix_campaign_groups_policy_status_size")
    op.drop_table("campaign_groups")
