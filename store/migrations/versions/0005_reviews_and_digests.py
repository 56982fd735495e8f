"""reviews: card, category, curated timeline; action item versions; digests

Existing rows get defaults: action items are in UTC at version 0, and no
timeline event is left out.

Revision ID: 0005
Revises: 0004
Created: 2026-12-03 23:14:48.561948
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "responder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column(
            "user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column(
            "first_seen_at", store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["workspace.team_id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "incident_id", "user_id"),
    )
    with op.batch_alter_table("responder", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_responder_incident_id"), ["incident_id"], unique=False
        )
    op.create_table(
        "digestsubscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column(
            "channel_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("weekday", sa.Integer(), nullable=False),
        sa.Column(
            "at_time", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=False
        ),
        sa.Column(
            "timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        ),
        sa.Column(
            "created_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
        ),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspace.team_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "channel_id"),
    )
    with op.batch_alter_table("actionitem", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "deadline_zone",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=False,
                server_default="UTC",
            )
        )
        batch_op.add_column(
            sa.Column("version", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column(
                "created_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "updated_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "updated_at",
                store.types.UTCDateTime(timezone=True),
                nullable=False,
                server_default=sa.func.current_timestamp(),
            )
        )
        batch_op.create_index(
            batch_op.f("ix_actionitem_owner_id"), ["owner_id"], unique=False
        )
        batch_op.create_index(
            "ix_actionitem_team_status", ["team_id", "status"], unique=False
        )

    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "review_published_at",
                store.types.UTCDateTime(timezone=True),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "review_card_channel_id",
                sqlmodel.sql.sqltypes.AutoString(length=32),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "review_card_ts",
                sqlmodel.sql.sqltypes.AutoString(length=32),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "root_cause_category",
                sqlmodel.sql.sqltypes.AutoString(length=64),
                nullable=True,
            )
        )
        batch_op.create_index(
            batch_op.f("ix_incident_root_cause_category"),
            ["root_cause_category"],
            unique=False,
        )

    with op.batch_alter_table("postclaim", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "channel_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
            )
        )
        batch_op.add_column(
            sa.Column(
                "message_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
            )
        )

    with op.batch_alter_table("timelineevent", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "left_out", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("timelineevent", schema=None) as batch_op:
        batch_op.drop_column("left_out")

    with op.batch_alter_table("postclaim", schema=None) as batch_op:
        batch_op.drop_column("message_ts")
        batch_op.drop_column("channel_id")

    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_root_cause_category"))
        batch_op.drop_column("root_cause_category")
        batch_op.drop_column("review_card_ts")
        batch_op.drop_column("review_card_channel_id")
        batch_op.drop_column("review_published_at")

    with op.batch_alter_table("actionitem", schema=None) as batch_op:
        batch_op.drop_index("ix_actionitem_team_status")
        batch_op.drop_index(batch_op.f("ix_actionitem_owner_id"))
        batch_op.drop_column("updated_at")
        batch_op.drop_column("updated_by")
        batch_op.drop_column("created_by")
        batch_op.drop_column("version")
        batch_op.drop_column("deadline_zone")

    op.drop_table("digestsubscription")
    with op.batch_alter_table("responder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_responder_incident_id"))
    op.drop_table("responder")
