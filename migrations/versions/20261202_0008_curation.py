"""curation: themes per policy, comment tags, featured quotes, private moderator notes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 01:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "themes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_key", sa.String(length=80), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "merged_into_id IS NULL OR retired_at IS NOT NULL", name=op.f("ck_themes_merged_retired")
        ),
        sa.CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id", name=op.f("ck_themes_not_self")),
        sa.ForeignKeyConstraint(["policy_id"], ["policies.id"], name=op.f("fk_themes_policy_id_policies")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_themes_created_by_id_users")),
        sa.ForeignKeyConstraint(["merged_into_id"], ["themes.id"], name=op.f("fk_themes_merged_into_id_themes")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_themes")),
        sa.UniqueConstraint("policy_id", "name_key", name="uq_themes_policy_name"),
    )
    op.create_table(
        "comment_themes",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Integer(), nullable=False),
        sa.Column("tagged_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name=op.f("fk_comment_themes_comment_id_comments")),
        sa.ForeignKeyConstraint(["theme_id"], ["themes.id"], name=op.f("fk_comment_themes_theme_id_themes")),
        sa.ForeignKeyConstraint(["tagged_by_id"], ["users.id"], name=op.f("fk_comment_themes_tagged_by_id_users")),
        sa.PrimaryKeyConstraint("comment_id", "theme_id", name=op.f("pk_comment_themes")),
    )
    op.create_index("ix_comment_themes_theme", "comment_themes", ["theme_id", "comment_id"], unique=False)
    op.create_table(
        "featured_quotes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("featured_by_id", sa.Integer(), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name=op.f("fk_featured_quotes_comment_id_comments")),
        sa.ForeignKeyConstraint(["featured_by_id"], ["users.id"], name=op.f("fk_featured_quotes_featured_by_id_users")),
        sa.ForeignKeyConstraint(["removed_by_id"], ["users.id"], name=op.f("fk_featured_quotes_removed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_featured_quotes")),
    )
    op.create_index(
        "uq_featured_quotes_current",
        "featured_quotes",
        ["comment_id"],
        unique=True,
        sqlite_where=sa.text("removed_at IS NULL"),
        postgresql_where=sa.text("removed_at IS NULL"),
    )
    op.create_table(
        "moderator_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comments.id"], name=op.f("fk_moderator_notes_comment_id_comments")),
        sa.ForeignKeyConstraint(["author_id"], ["users.id"], name=op.f("fk_moderator_notes_author_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderator_notes")),
    )
    op.create_index(op.f("ix_moderator_notes_comment_id"), "moderator_notes", ["comment_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_moderator_notes_comment_id"), table_name="moderator_notes")
    op.drop_table("moderator_notes")
    op.drop_index("uq_featured_quotes_current", table_name="featured_quotes")
    op.drop_table("featured_quotes")
    op.drop_index("ix_comment_themes_theme", table_name="comment_themes")
    op.drop_table("comment_themes")
    op.drop_table("themes")
