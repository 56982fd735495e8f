"""incidents whose search document is behind their timeline

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "searchrefresh",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["workspace.team_id"]),
        sa.PrimaryKeyConstraint("incident_id"),
    )
    with op.batch_alter_table("searchrefresh", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_searchrefresh_team_id"), ["team_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("searchrefresh", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_searchrefresh_team_id"))
    op.drop_table("searchrefresh")
