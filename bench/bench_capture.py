"""Capture throughput: timeline events stored per second by one process.

Each capture is what a tag does once Slack's answers are in: find the
incident, store the event unless the message has one, remember the tag,
in one transaction (`domain.capture.capture_message`). Measured one at a
time and from 8 threads at once (Bolt runs listeners in a pool), on SQLite
and PostgreSQL. Baseline: a bare INSERT of the same row, one transaction
each, on the same database: the most that database allows per commit.

Each figure is the median of three rounds. Target: at least 500 events
per second.
"""

from __future__ import annotations

import itertools
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from bench.common import (
    database_kinds,
    fresh_database,
    parser,
    print_table,
    print_title,
    ratio,
    verdict,
)
from bench.sql_count import StatementCounter
from domain import capture, lifecycle
from domain.incidents import Declaration, Severity
from store.db import Database
from store.models import Incident, TimelineEvent

TARGET_PER_SECOND = 500
TEAM = "T0BENCH001"
CHANNEL = "C0BENCH0001"
TAGGER = "U0BENCH0001"
THREADS = 8
START = datetime(2024, 12, 3, 14, 0, tzinfo=UTC)


def declare(db: Database, *, team_id: str = TEAM, channel_id: str = CHANNEL):
    return lifecycle.declare_incident(
        db,
        team_id=team_id,
        channel_id=channel_id,
        channel_name="inc-bench",
        declaration=Declaration(Severity.P2, "Checkout errors", TAGGER),
        declared_by=TAGGER,
        now=START,
    )


class Messages:
    """New, distinct messages of one channel, safe to take from many threads."""

    def __init__(self, team_id: str, channel_id: str) -> None:
        self.team_id = team_id
        self.channel_id = channel_id
        self._counter = itertools.count()
        self._lock = threading.Lock()

    def next(self) -> capture.Message:
        with self._lock:
            n = next(self._counter)
        posted = START + timedelta(seconds=n // 1000, microseconds=n % 1000)
        return capture.Message(
            team_id=self.team_id,
            channel_id=self.channel_id,
            ts=f"{int(posted.timestamp())}.{n % 1_000_000:06d}",
            text=f"rolled back release {n} at 14:05, error rate falling",
            author_id="U0BENCH0002",
            permalink=f"https://bench.slack.com/archives/{self.channel_id}/p{n}",
        )


def capture_one(db: Database, messages: Messages) -> None:
    result = capture.capture_message(
        db,
        message=messages.next(),
        tagged_by=TAGGER,
        source=capture.TagSource.REACTION,
        kind=None,
        reaction="pushpin",
    )
    assert result.outcome is capture.Outcome.CAPTURED


def bare_insert(db: Database, incident: Incident, messages: Messages) -> None:
    message = messages.next()
    with db.engine.begin() as connection:
        connection.execute(
            insert(TimelineEvent.__table__),  # type: ignore[attr-defined]
            {
                "team_id": message.team_id,
                "incident_id": incident.id,
                "channel_id": message.channel_id,
                "message_ts": message.ts,
                "tagged_by": TAGGER,
                "source": "reaction",
                "kind": "mitigation",
                "text": message.text,
                "posted_at": START,
                "occurred_at": START,
                "left_out": False,
                "created_at": START,
            },
        )


ROUNDS = 3


def rate(work: Callable[[], None], count: int, threads: int, rounds: int) -> float:
    """Calls of `work` per second, `count` calls over `threads` threads; the
    median of a few rounds, since a shared machine has noisy moments."""
    return statistics.median(_one_rate(work, count, threads) for _ in range(rounds))


def _one_rate(work: Callable[[], None], count: int, threads: int) -> float:
    started = time.perf_counter()
    if threads == 1:
        for _ in range(count):
            work()
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            for future in [pool.submit(work) for _ in range(count)]:
                future.result()
    return count / (time.perf_counter() - started)


def measure(kind: str, count: int, rounds: int) -> list[list[object]]:
    rows = []
    with fresh_database(kind) as db:
        incident = declare(db)
        bare_incident = declare(db, channel_id="C0BENCHBARE")
        captured = Messages(TEAM, CHANNEL)
        bare = Messages(TEAM, "C0BENCHBARE")
        capture_one(db, captured)  # warm up the pool and the caches
        with StatementCounter(db.engine) as counted:
            capture_one(db, captured)
        for threads in (1, THREADS):
            ours = rate(lambda: capture_one(db, captured), count, threads, rounds)
            floor = rate(
                lambda: bare_insert(db, bare_incident, bare), count, threads, rounds
            )
            rows.append(
                [
                    kind,
                    threads,
                    count,
                    ours,
                    floor,
                    ratio(ours, floor),
                    counted.count,
                    verdict(ours >= TARGET_PER_SECOND),
                ]
            )
        assert incident.id is not None
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    options = parser(__doc__.splitlines()[0]).parse_args(argv)
    count, rounds = (20, 1) if options.quick else (2_000, ROUNDS)
    rows = []
    for kind in database_kinds():
        rows.extend(measure(kind, count, rounds))
    print_title("Capture throughput")
    print_table(
        [
            "database",
            "threads",
            "events a round",
            "captured per s",
            "bare INSERT per s",
            "ratio",
            "SQL statements per capture",
            f"target >= {TARGET_PER_SECOND}/s",
        ],
        rows,
    )
    return 0
