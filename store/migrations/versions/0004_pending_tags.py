"""tags waiting for an incident to be declared

Revision ID: 0004
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.types

revision: str = "0004"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    text = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "pendingtag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", text(length=32), nullable=False),
        sa.Column("channel_id", text(length=32), nullable=False),
        sa.Column("message_ts", text(length=32), nullable=False),
        sa.Column("user_id", text(length=32), nullable=False),
        sa.Column("reaction", text(length=100), nullable=False),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["workspace.team_id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "team_id", "channel_id", "message_ts", "user_id", "reaction"
        ),
    )
    op.create_index(
        op.f("ix_pendingtag_channel_id"), "pendingtag", ["channel_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_pendingtag_channel_id"), table_name="pendingtag")
    op.drop_table("pendingtag")
