"""search documents and their full-text index

One row per incident holds the words of its review. The index over it is
dialect-specific and lives outside the models: on SQLite an FTS5 table
kept in step by triggers, on PostgreSQL a generated tsvector column with a
GIN index. The names here are frozen copies of those in store/search.py.

Existing incidents get a document from their title and timeline; review
sections saved before this migration become searchable when next saved.

A later migration that rebuilds `searchdocument` on SQLite (batch mode
copies the table) drops the triggers with it and must create them again.

Revision ID: 0007
Revises: 0006
Created: 2026-12-03 23:25:55.755756
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import store.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_TABLE = "searchdocument_fts"
TSVECTOR_COLUMN = "search_vector"
TSVECTOR_INDEX = "ix_searchdocument_search_vector"

_SQLITE_INDEX = (
    f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5("
    "title, body, content='searchdocument', content_rowid='id', "
    "tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER {FTS_TABLE}_insert AFTER INSERT ON searchdocument BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, title, body) "
    "VALUES (new.id, new.title, new.body); END",
    f"CREATE TRIGGER {FTS_TABLE}_delete AFTER DELETE ON searchdocument BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); END",
    f"CREATE TRIGGER {FTS_TABLE}_update AFTER UPDATE ON searchdocument BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) "
    "VALUES ('delete', old.id, old.title, old.body); "
    f"INSERT INTO {FTS_TABLE}(rowid, title, body) "
    "VALUES (new.id, new.title, new.body); END",
)

_POSTGRES_INDEX = (
    f"ALTER TABLE searchdocument ADD COLUMN {TSVECTOR_COLUMN} tsvector "
    "GENERATED ALWAYS AS ("
    "setweight(to_tsvector('english'::regconfig, title), 'A') || "
    "setweight(to_tsvector('english'::regconfig, body), 'B')) STORED",
    f"CREATE INDEX {TSVECTOR_INDEX} ON searchdocument USING gin ({TSVECTOR_COLUMN})",
)

# Title and the timeline's kept events, a line each, for incidents so far.
_BACKFILL = """
INSERT INTO searchdocument (team_id, incident_id, title, body, updated_at)
SELECT i.team_id, i.id, i.title, COALESCE((
    SELECT {aggregate}
    FROM timelineevent e
    WHERE e.incident_id = i.id AND e.team_id = i.team_id
      AND e.deleted_at IS NULL AND NOT e.left_out
), ''), i.updated_at
FROM incident i
"""
_AGGREGATES = {
    "sqlite": "group_concat(e.text, char(10))",
    "postgresql": "string_agg(e.text, chr(10) ORDER BY e.occurred_at, e.id)",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table(
        "searchdocument",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False
        ),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("updated_at", store.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incident.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["workspace.team_id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "incident_id"),
    )
    if dialect == "sqlite":
        for statement in _SQLITE_INDEX:
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in _POSTGRES_INDEX:
            op.execute(statement)
    if dialect in _AGGREGATES:
        op.execute(_BACKFILL.format(aggregate=_AGGREGATES[dialect]))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS_TABLE}_{trigger}")
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    elif dialect == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {TSVECTOR_INDEX}")
    op.drop_table("searchdocument")
