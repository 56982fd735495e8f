"""Scale: what the bot does per request, in a small and in a big database.

The big database holds `bench/scale_data.py`'s default load (10,000
incidents, 100,000 timeline events, 100,000 action items over five
workspaces); the small one the same shape at a hundredth of the size. In
both, one probe incident has exactly 200 timeline events, so each case does
the same work in both and only the size of the database differs. The
baseline is the small database, measured in the same run; the statements
each case sends must be the same in both (they must not grow with the rows).

Cases are a list: the digest tick, metrics and search are to join it as
`ScaleCase`s with their targets (digest under 250 ms, metrics under 500 ms,
search under 200 ms) once they exist.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bench.bench_capture import Messages, declare
from bench.common import (
    Spread,
    database_kinds,
    fresh_database,
    parser,
    print_table,
    print_title,
    ratio,
)
from bench.scale_data import ScaleData, load_scale_data
from bench.sql_count import StatementCounter
from domain import capture, lifecycle
from handlers.timeline_views import build_timeline_message
from store.db import Database
from store.models import Incident

PROBE_TEAM = "T0SCALE01"
PROBE_CHANNEL = "C0PROBE0001"
PROBE_EVENTS = 200


@dataclass
class Probe:
    """The incident every case works on, and what the cases need."""

    db: Database
    data: ScaleData
    incident: Incident
    messages: Messages


@dataclass(frozen=True)
class ScaleCase:
    name: str
    run: Callable[[Probe], object]
    # Milliseconds at p99 that the case must stay under, if it has a target.
    target_ms: float | None = None


def _timeline_page(probe: Probe) -> object:
    incident = lifecycle.find_incident(
        probe.db, team_id=PROBE_TEAM, channel_id=PROBE_CHANNEL
    )
    events = capture.list_timeline(probe.db, incident=incident)
    return build_timeline_message(
        incident, events, page=0, timezone="Europe/Berlin", name_of=str
    )


def _capture(probe: Probe) -> object:
    return capture.capture_message(
        probe.db,
        message=probe.messages.next(),
        tagged_by="U010000001",
        source=capture.TagSource.REACTION,
        kind=None,
        reaction="pushpin",
    )


def _find_incident(probe: Probe) -> object:
    return lifecycle.find_incident(
        probe.db, team_id=PROBE_TEAM, channel_id="CS000000001"
    )


def _responders(probe: Probe) -> object:
    return lifecycle.list_responders(probe.db, incident=probe.incident)


CASES: list[ScaleCase] = [
    ScaleCase("/pir timeline (first page, 200 events)", _timeline_page),
    ScaleCase("capture a tagged message", _capture),
    ScaleCase("find the incident of a channel", _find_incident),
    ScaleCase("list an incident's responders", _responders),
]


def _prepare(db: Database, size: float) -> Probe:
    data = load_scale_data(
        db,
        incidents=int(10_000 * size),
        events=int(100_000 * size),
        action_items=int(100_000 * size),
    )
    incident = declare(db, team_id=PROBE_TEAM, channel_id=PROBE_CHANNEL)
    messages = Messages(PROBE_TEAM, PROBE_CHANNEL)
    for _ in range(PROBE_EVENTS):
        capture.capture_message(
            db,
            message=messages.next(),
            tagged_by="U010000002",
            source=capture.TagSource.REACTION,
            kind=None,
            reaction="pushpin",
        )
    # Captures made by the cases go to a channel of their own, so that the
    # probe keeps exactly PROBE_EVENTS events.
    spare = declare(db, team_id=PROBE_TEAM, channel_id="C0PROBESPARE")
    assert spare.id is not None
    return Probe(db, data, incident, Messages(PROBE_TEAM, "C0PROBESPARE"))


def _run_case(case: ScaleCase, probe: Probe, repeats: int) -> tuple[Spread, int]:
    case.run(probe)  # warm up
    with StatementCounter(probe.db.engine) as counted:
        case.run(probe)
    seconds = []
    for _ in range(repeats):
        started = time.perf_counter()
        case.run(probe)
        seconds.append(time.perf_counter() - started)
    return Spread.of(seconds), counted.count


def measure(kind: str, *, big: float, repeats: int) -> list[list[object]]:
    results = {}
    for label, size in (("small", big / 100), ("big", big)):
        with fresh_database(kind) as db:
            started = time.perf_counter()
            probe = _prepare(db, size)
            print(
                f"{kind}, {label} database: {probe.data.rows['incident']:,} "
                f"incidents, {probe.data.rows['timelineevent']:,} events, "
                f"{probe.data.rows['actionitem']:,} action items loaded in "
                f"{probe.data.seconds:.1f} s (with the probe "
                f"{time.perf_counter() - started:.1f} s)"
            )
            for case in CASES:
                results[(label, case.name)] = _run_case(case, probe, repeats)

    rows = []
    for case in CASES:
        (small, small_sql), (big_spread, big_sql) = (
            results[("small", case.name)],
            results[("big", case.name)],
        )
        target = "-"
        if case.target_ms is not None:
            met = big_spread.p99 < case.target_ms
            target = f"{'met' if met else 'MISSED'} (< {case.target_ms:.0f} ms)"
        rows.append(
            [
                kind,
                case.name,
                small.p50,
                big_spread.p50,
                big_spread.p99,
                ratio(big_spread.p50, small.p50),
                small_sql,
                big_sql,
                "yes" if big_sql == small_sql else "NO",
                target,
            ]
        )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    options = parser(__doc__.splitlines()[0]).parse_args(argv)
    big, repeats = (0.005, 3) if options.quick else (1.0, 200)
    rows = []
    for kind in database_kinds():
        rows.extend(measure(kind, big=big, repeats=repeats))
    print_title(f"Scale: {repeats} runs of each case")
    print_table(
        [
            "database",
            "case",
            "small db p50 ms",
            "big db p50 ms",
            "big db p99 ms",
            "big/small",
            "SQL small",
            "SQL big",
            "same SQL count",
            "target",
        ],
        rows,
    )
    return 0
