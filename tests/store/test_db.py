"""The store on both databases: migrations, time zones, uniqueness."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel, select

from store import incidents, search, timeline, workspaces
from store.db import Database, downgrade, upgrade
from store.errors import IncidentAlreadyDeclared
from store.models import Incident, TimelineEvent, Workspace

BERLIN_WINTER = timezone(timedelta(hours=1))


def _incident(db: Database, *, channel_id: str = "C07INC12345") -> Incident:
    with db.session() as session:
        workspaces.ensure_workspace(session, team_id="T0123ABCD")
        return incidents.declare(
            session,
            team_id="T0123ABCD",
            channel_id=channel_id,
            channel_name="inc-payments",
            title="Payments down",
            severity="P1",
            declared_by="U04ALICE001",
            commander_id="U04ALICE001",
            declared_at=datetime(2024, 12, 3, 15, 30, tzinfo=UTC),
        )


def _event(incident: Incident, ts: str, *, tagged_by: str = "U04BOB00002"):
    moment = datetime.fromtimestamp(float(ts), UTC)
    return TimelineEvent(
        team_id=incident.team_id,
        incident_id=incident.id,
        channel_id=incident.channel_id,
        message_ts=ts,
        tagged_by=tagged_by,
        source="reaction",
        text="checkout 502s",
        posted_at=moment,
        occurred_at=moment,
    )


def test_aware_time_round_trips_as_the_same_instant_in_utc(db: Database) -> None:
    declared = datetime(2024, 12, 3, 16, 30, 15, 123456, tzinfo=BERLIN_WINTER)
    with db.session() as session:
        workspaces.ensure_workspace(session, team_id="T0123ABCD")
        incident = incidents.declare(
            session,
            team_id="T0123ABCD",
            channel_id="C1",
            channel_name="inc",
            title="t",
            severity="P2",
            declared_by="U1",
            commander_id="U1",
            declared_at=declared,
        )
        incident_id = incident.id

    with db.session() as session:
        stored = session.get(Incident, incident_id)

    assert stored.declared_at == declared
    assert stored.declared_at.tzinfo is not None
    assert stored.declared_at.utcoffset() == timedelta(0)
    assert stored.declared_at.hour == 15
    assert stored.declared_at.microsecond == 123456


def test_naive_time_is_refused_rather_than_guessed(db: Database) -> None:
    refused = pytest.raises(sqlalchemy.exc.StatementError, match="naive datetime")
    with refused, db.session() as session:
        workspaces.ensure_workspace(session, team_id="T0123ABCD")
        session.add(
            Incident(
                team_id="T0123ABCD",
                channel_id="C1",
                title="t",
                declared_at=datetime(2024, 12, 3, 15, 30),
            )
        )


def test_second_declaration_in_a_channel_is_refused(db: Database) -> None:
    _incident(db)
    with pytest.raises(IncidentAlreadyDeclared):
        _incident(db)
    with db.session() as session:
        assert len(session.exec(select(Incident)).all()) == 1


def test_same_message_is_recorded_once(db: Database) -> None:
    incident = _incident(db)
    with db.session() as session:
        first, created_first = timeline.record_event(
            session, event=_event(incident, "1733240000.123456")
        )
    with db.session() as session:
        second, created_second = timeline.record_event(
            session, event=_event(incident, "1733240000.123456", tagged_by="U2")
        )

    assert (created_first, created_second) == (True, False)
    assert second.id == first.id
    with db.session() as session:
        events = timeline.list_events(
            session, team_id="T0123ABCD", incident_id=incident.id
        )
    assert [e.message_ts for e in events] == ["1733240000.123456"]


def test_database_refuses_a_duplicate_event_that_skips_the_check(db: Database):
    incident = _incident(db)
    with db.session() as session:
        session.add(_event(incident, "1733240000.123456"))
    with pytest.raises(sqlalchemy.exc.IntegrityError), db.session() as session:
        session.add(_event(incident, "1733240000.123456"))


def test_message_ts_keeps_its_exact_digits(db: Database) -> None:
    incident = _incident(db)
    with db.session() as session:
        timeline.record_event(session, event=_event(incident, "1733240000.100000"))
    with db.session() as session:
        stored = session.exec(select(TimelineEvent)).one()
    assert stored.message_ts == "1733240000.100000"


def test_events_list_in_time_order_and_by_team(db: Database) -> None:
    incident = _incident(db)
    with db.session() as session:
        for ts in ("1733240300.000001", "1733240000.000001", "1733240100.000001"):
            timeline.record_event(session, event=_event(incident, ts))
    with db.session() as session:
        events = timeline.list_events(
            session, team_id="T0123ABCD", incident_id=incident.id
        )
        other_team = timeline.list_events(
            session, team_id="T0OTHER000", incident_id=incident.id
        )
    assert [e.message_ts[:10] for e in events] == [
        "1733240000",
        "1733240100",
        "1733240300",
    ]
    assert other_team == []


def test_workspace_is_created_once(db: Database) -> None:
    with db.session() as session:
        workspaces.ensure_workspace(session, team_id="T0123ABCD", name="Acme")
    with db.session() as session:
        again = workspaces.ensure_workspace(session, team_id="T0123ABCD")
    assert again.name == "Acme"


def test_migrations_go_down_to_empty_and_up_to_head(db: Database) -> None:
    downgrade(db.engine, "base")
    assert "incident" not in sqlalchemy.inspect(db.engine).get_table_names()

    upgrade(db.engine)
    tables = set(sqlalchemy.inspect(db.engine).get_table_names())
    assert {
        "workspace",
        "workspacesetting",
        "incident",
        "timelineevent",
        "timelinetag",
        "reviewsection",
        "actionitem",
        "postclaim",
    } <= tables


def test_migrations_build_exactly_the_tables_the_models_declare(db: Database) -> None:
    # A model changed without a migration (or the other way round) would make
    # a fresh install differ from the code that reads it.
    # The full-text index (FTS5 table, tsvector column) is made by hand in
    # each dialect and has no model: only it is left out of the comparison.
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"include_name": search.include_in_schema_comparison}
        )
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def test_upgrade_makes_incidents_declared_before_it_searchable(db: Database) -> None:
    downgrade(db.engine, "0006")
    incident = _incident(db)
    # The models are those of the newest schema: the event goes in with the
    # columns the schema had at 0006.
    with db.engine.begin() as connection:
        connection.execute(
            sqlalchemy.text(
                "INSERT INTO timelineevent (team_id, incident_id, channel_id, "
                "message_ts, tagged_by, source, kind, text, posted_at, "
                "occurred_at, left_out, created_at) VALUES (:team, :incident, "
                ":channel, :ts, 'U04BOB00002', 'reaction', 'other', "
                "'checkout 502s', :at, :at, false, :at)"
            ),
            {
                "team": "T0123ABCD",
                "incident": incident.id,
                "channel": incident.channel_id,
                "ts": "1733240000.123456",
                "at": datetime(2024, 12, 3, 15, 33, 20),
            },
        )

    upgrade(db.engine)

    with db.session() as session:
        by_title = search.find_documents(
            session, team_id="T0123ABCD", words=["payments"], limit=5
        )
        by_timeline = search.find_documents(
            session, team_id="T0123ABCD", words=["checkout", "502s"], limit=5
        )
    assert [m.incident.id for m in by_title] == [incident.id]
    assert [m.incident.id for m in by_timeline] == [incident.id]


def test_a_reading_session_does_not_wait_for_a_writer(sqlite_db) -> None:
    order: list[str] = []
    writing, read = threading.Event(), threading.Event()

    def writer() -> None:
        with sqlite_db.session() as session:
            workspaces.ensure_workspace(session, team_id="T0WRITER01")
            session.flush()  # the write lock is held from here to commit
            writing.set()
            read.wait(timeout=10)
            order.append("writer committed")

    thread = threading.Thread(target=writer)
    thread.start()
    assert writing.wait(timeout=10)
    with sqlite_db.reading() as session:
        seen = session.get(Workspace, "T0WRITER01")
    order.append("reader done")
    read.set()
    thread.join()

    assert order == ["reader done", "writer committed"]
    assert seen is None, "a reader sees only what was committed"
