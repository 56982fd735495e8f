"""initial tables

Revision ID: 0001
Revises:
Created: 2026-12-03 20:11:47.237277
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.types

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workspace",
        sa.Column(
            "team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column(
            "domain", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False
        ),
        sa.Column(
            "timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        ),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id"),
    )
    op.create_table(
        "incident",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column(
            "channel_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column(
            "channel_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False
        ),
        sa.Column("is_private", sa.Boolean(), nullable=False),
        sa.Column("is_archived", sa.Boolean(), nullable=False),
        sa.Column(
            "title", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False
        ),
        sa.Column(
            "severity", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False
        ),
        sa.Column(
            "status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False
        ),
        sa.Column(
            "commander_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
        ),
        sa.Column(
            "facilitator_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
        ),
        sa.Column(
            "declared_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
        ),
        sa.Column(
            "declared_at", store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column(
            "mitigated_at", store.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("resolved_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "review_scheduled_at", store.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column(
            "review_held_at", store.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspace.team_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "channel_id"),
    )
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_team_id"), ["team_id"], unique=False
        )

    op.create_table(
        "postclaim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column(
            "target", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        ),
        sa.Column(
            "period", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False
        ),
        sa.Column(
            "claimed_by", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False
        ),
        sa.Column("claimed_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("posted_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspace.team_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "target", "period"),
    )
    op.create_table(
        "workspacesetting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspace.team_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "key"),
    )
    op.create_table(
        "actionitem",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("deliverable", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column(
            "owner_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
        ),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column(
            "priority", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False
        ),
        sa.Column(
            "contributing_factor", sqlmodel.sql.sqltypes.AutoString(), nullable=True
        ),
        sa.Column(
            "status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False
        ),
        sa.Column("vague_kept", sa.Boolean(), nullable=False),
        sa.Column("done_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "last_progress_at", store.types.UTCDateTime(timezone=True), nullable=True
        ),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspace.team_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("actionitem", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_actionitem_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_actionitem_team_id"), ["team_id"], unique=False
        )

    op.create_table(
        "reviewsection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column(
            "section", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("content", sa.JSON(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "updated_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
        ),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspace.team_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "incident_id", "section"),
    )
    with op.batch_alter_table("reviewsection", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_reviewsection_incident_id"), ["incident_id"], unique=False
        )

    op.create_table(
        "timelineevent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column(
            "message_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
        ),
        sa.Column(
            "thread_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
        ),
        sa.Column(
            "author_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
        ),
        sa.Column(
            "author_bot_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True
        ),
        sa.Column(
            "tagged_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column(
            "source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False
        ),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("original_text", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column(
            "permalink", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True
        ),
        sa.Column("posted_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("stated_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "occurred_at", store.types.UTCDateTime(timezone=True), nullable=False
        ),
        sa.Column("edited_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", store.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incident.id"],
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspace.team_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "channel_id", "message_ts"),
    )
    with op.batch_alter_table("timelineevent", schema=None) as batch_op:
        batch_op.create_index(
            "ix_timelineevent_incident_time",
            ["incident_id", "occurred_at"],
            unique=False,
        )

    op.create_table(
        "timelinetag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column(
            "channel_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column(
            "message_ts", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column(
            "user_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column(
            "reaction", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False
        ),
        sa.Column("created_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["timelineevent.id"],
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspace.team_id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "team_id", "channel_id", "message_ts", "user_id", "reaction"
        ),
    )
    with op.batch_alter_table("timelinetag", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_timelinetag_event_id"), ["event_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("timelinetag", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_timelinetag_event_id"))

    op.drop_table("timelinetag")
    with op.batch_alter_table("timelineevent", schema=None) as batch_op:
        batch_op.drop_index("ix_timelineevent_incident_time")

    op.drop_table("timelineevent")
    with op.batch_alter_table("reviewsection", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviewsection_incident_id"))

    op.drop_table("reviewsection")
    with op.batch_alter_table("actionitem", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actionitem_team_id"))
        batch_op.drop_index(batch_op.f("ix_actionitem_incident_id"))

    op.drop_table("actionitem")
    op.drop_table("workspacesetting")
    op.drop_table("postclaim")
    with op.batch_alter_table("incident", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_team_id"))

    op.drop_table("incident")
    op.drop_table("workspace")
