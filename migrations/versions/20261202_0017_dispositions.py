"""moderation: dispositions of comments and themes, the government's section responses

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 07:10:00

"""

import sqlalchemy as sa
from alembic import op

# The vocabulary as it stands at this revision (a later change needs its own migration).
DISPOSITIONS = "'accepted', 'partly_accepted', 'not_accepted', 'noted'"
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def _disposition_table(table: str, target: str, target_table: str) -> None:
    op.create_table(
        table,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(target, sa.Integer(), nullable=False),
        sa.Column("disposition", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            f"disposition IN ({DISPOSITIONS})", name=op.f(f"ck_{table}_disposition")
        ),
        sa.CheckConstraint("length(reason) > 0", name=op.f(f"ck_{table}_reason")),
        sa.ForeignKeyConstraint(
            [target], [f"{target_table}.id"], name=op.f(f"fk_{table}_{target}_{target_table}")
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["users.id"], name=op.f(f"fk_{table}_set_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"], ["users.id"], name=op.f(f"fk_{table}_superseded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    )
    op.create_index(op.f(f"ix_{table}_{target}"), table, [target], unique=False)
    op.create_index(
        f"uq_{table}_current",
        table,
        [target],
        unique=True,
        sqlite_where=sa.text("superseded_at IS NULL"),
        postgresql_where=sa.text("superseded_at IS NULL"),
    )


def upgrade():
    _disposition_table("comment_dispositions", "comment_id", "comments")
    _disposition_table("theme_dispositions", "theme_id", "themes")
    op.create_table(
        "section_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("written_by_id", sa.Integer(), nullable=True),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("length(body) > 0", name=op.f("ck_section_responses_body")),
        sa.ForeignKeyConstraint(
            ["policy_id"], ["policies.id"], name=op.f("fk_section_responses_policy_id_policies")
        ),
        sa.ForeignKeyConstraint(
            ["section_id"], ["sections.id"], name=op.f("fk_section_responses_section_id_sections")
        ),
        sa.ForeignKeyConstraint(
            ["written_by_id"], ["users.id"], name=op.f("fk_section_responses_written_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_section_responses")),
    )
    op.create_index(
        op.f("ix_section_responses_section_id"), "section_responses", ["section_id"], unique=False
    )
    op.create_index(
        "uq_section_responses_current",
        "section_responses",
        ["section_id"],
        unique=True,
        sqlite_where=sa.text("superseded_at IS NULL"),
        postgresql_where=sa.text("superseded_at IS NULL"),
    )


def downgrade():
    op.drop_index("uq_section_responses_current", table_name="section_responses")
    op.drop_index(op.f("ix_section_responses_section_id"), table_name="section_responses")
    op.drop_table("section_responses")
    for table, target in (
        ("theme_dispositions", "theme_id"),
        ("comment_dispositions", "comment_id"),
    ):
        op.drop_index(f"uq_{table}_current", table_name=table)
        op.drop_index(op.f(f"ix_{table}_{target}"), table_name=table)
        op.drop_table(table)
