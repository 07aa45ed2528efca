"""projection cursors: where each projection stands in the change log

Revision ID: 5c1e0f7a2b91
Revises: 22327e914b5f
Create Date: 2026-12-08 02:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5c1e0f7a2b91"
down_revision = "22327e914b5f"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "projection_cursors",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_projection_cursors")),
    )


def downgrade():
    op.drop_table("projection_cursors")
