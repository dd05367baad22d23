"""section page speed: per-section versions (page cache key), kept comment counts, and
indexes that read a thread page in each sort order

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 07:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "section_versions",
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("version >= 0", name=op.f("ck_section_versions_version")),
        sa.ForeignKeyConstraint(
            ["section_id"], ["sections.id"], name=op.f("fk_section_versions_section_id_sections")
        ),
        sa.PrimaryKeyConstraint("section_id", name=op.f("pk_section_versions")),
    )
    op.create_table(
        "comment_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("objective_id", sa.Integer(), nullable=True),
        sa.Column("published", sa.Integer(), nullable=False),
        sa.Column("published_top", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "published >= 0 AND published_top >= 0", name=op.f("ck_comment_counts_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["section_id"], ["sections.id"], name=op.f("fk_comment_counts_section_id_sections")
        ),
        sa.ForeignKeyConstraint(
            ["objective_id"],
            ["objectives.id"],
            name=op.f("fk_comment_counts_objective_id_objectives"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment_counts")),
        sa.UniqueConstraint(
            "section_id", "objective_id", name=op.f("uq_comment_counts_section_id_objective_id")
        ),
    )
    # Counts of the comments already there, so an upgraded site starts exact.
    op.execute(
        "INSERT INTO comment_counts (section_id, objective_id, published, published_top) "
        "SELECT section_id, objective_id, COUNT(*), "
        "SUM(CASE WHEN depth = 0 THEN 1 ELSE 0 END) "
        "FROM comments WHERE status = 'published' GROUP BY section_id, objective_id"
    )
    op.create_index(
        "ix_comments_thread_new",
        "comments",
        ["section_id", "depth", "created_at", "id", "status"],
        unique=False,
    )
    op.create_index(
        "ix_comments_thread_top",
        "comments",
        ["section_id", "depth", "score", "created_at", "id", "status"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_comments_thread_top", table_name="comments")
    op.drop_index("ix_comments_thread_new", table_name="comments")
    op.drop_table("comment_counts")
    op.drop_table("section_versions")
