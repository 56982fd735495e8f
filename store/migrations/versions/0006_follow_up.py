"""follow-up: digest messages, released claims, schedule changes, tick indexes

Existing digest subscriptions count as changed when the migration runs, so
no slot from before it is caught up.

Revision ID: 0006
Revises: 0005
Created: 2026-12-03 23:27:20.927088
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.types

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "digestmessage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("claim_id", sa.Integer(), nullable=True),
        sa.Column(
            "channel_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column(
            "message_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("item_ids", sa.JSON(), nullable=True),
        sa.Column("page", sa.JSON(), nullable=True),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["claim_id"], ["postclaim.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["workspace.team_id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "channel_id", "message_ts"),
    )
    with op.batch_alter_table("digestsubscription", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "updated_at",
                store.types.UTCDateTime(timezone=True),
                nullable=False,
                server_default=sa.func.current_timestamp(),
            )
        )

    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index("ix_incident_resolved_at", ["resolved_at"], unique=False)
        batch_op.create_index(
            "ix_incident_review_scheduled_at", ["review_scheduled_at"], unique=False
        )

    with op.batch_alter_table("postclaim", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "last_error",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=True,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("postclaim", schema=None) as batch_op:
        batch_op.drop_column("last_error")

    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_review_scheduled_at")
        batch_op.drop_index("ix_incident_resolved_at")

    with op.batch_alter_table("digestsubscription", schema=None) as batch_op:
        batch_op.drop_column("updated_at")

    op.drop_table("digestmessage")
