"""A tick runs the same number of SQL statements however many incidents and
action items the database holds: nothing is read one incident or one item
at a time. (How long a tick takes at scale is a benchmark, not a test.)"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from domain import review_meeting
from store.db import Database
from tests.handlers.people import ALICE, BOB, CHANNEL, QUIET_CHANNEL, TEAM
from tests.scheduler.world import Clock, World

# Wednesday 4 December 2024, 09:00 UTC: a digest slot and a nudge's time.
AT = datetime(2024, 12, 4, 9, 0, tzinfo=UTC)
SQL_VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE")


def _count_statements(db: Database, run: Callable[[], None]) -> int:
    seen: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:
        if statement.lstrip().upper().startswith(SQL_VERBS):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return len(seen)


def _populate(world: World, *, incidents: int, due: bool = True) -> None:
    """A due nudge and a due digest, and `incidents` quiet incidents with
    three items each (old, reviewed, items open, done or stale)."""
    world.settings(owner_digests=True)
    world.subscribe(QUIET_CHANNEL, weekday=2 if due else 4, timezone="UTC")
    if due:
        world.incident(CHANNEL, resolved_at=AT - timedelta(days=1))
    for number in range(incidents):
        channel = f"C09OLD{number:05d}"
        old = world.incident(channel, resolved_at=AT - timedelta(days=40 + number))
        review_meeting.mark_review_held(
            world.db,
            team_id=TEAM,
            channel_id=channel,
            at=AT - timedelta(days=30),
            by=ALICE,
        )
        for offset, owner in enumerate((ALICE, BOB, None)):
            world.item(
                old,
                deliverable=f"Item {number}-{offset}",
                owner=owner,
                deadline=date(2024, 12, 20) - timedelta(days=offset * 20),
                progress_at=AT - timedelta(days=offset * 10),
                done_at=AT - timedelta(days=2) if offset == 1 else None,
            )


@pytest.mark.parametrize("moment", ["busy", "quiet"])
def test_a_tick_runs_as_many_statements_for_few_rows_as_for_many(
    db: Database, tmp_path, standin, moment
) -> None:
    counts = []
    for size in (3, 12):
        world = World(db, standin, clock=Clock(AT))
        _clear(db)
        _populate(world, incidents=size)
        if moment == "quiet":
            world.tick(AT)  # everything due is posted now
        counts.append(_count_statements(db, lambda w=world: w.tick(AT)))
    assert counts[0] == counts[1]


def test_a_tick_with_nothing_due_reads_two_statements(db, standin) -> None:
    world = World(db, standin, clock=Clock(AT))
    _populate(world, incidents=4, due=False)
    assert _count_statements(db, world.tick) == 2
    assert world.posts() == []


def _clear(db: Database) -> None:
    from sqlmodel import SQLModel

    with db.engine.begin() as connection:
        for table in reversed(SQLModel.metadata.sorted_tables):
            connection.execute(table.delete())
