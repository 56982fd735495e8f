"""Load: two `pirbot run --http` processes on one PostgreSQL database take
50 concurrent senders of mixed requests for a minute, with Slack's retries
mixed in (bench/load.py says what each sender does).

Counted against what was sent: answers that are not 200, events stored
twice, events never stored. Also printed: requests per second and the
latency of each kind of request under this load.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from bench.common import (
    Spread,
    database_kinds,
    fresh_database,
    parser,
    print_table,
    print_title,
    verdict,
)
from bench.load import run_load


def main(argv: Sequence[str] | None = None) -> int:
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument("--seconds", type=float, default=60.0)
    arguments.add_argument("--senders", type=int, default=50)
    arguments.add_argument("--processes", type=int, default=2)
    options = arguments.parse_args(argv)
    seconds, senders = (
        (3.0, 10) if options.quick else (options.seconds, options.senders)
    )
    if "postgres" not in database_kinds(("postgres",)):
        print("The load benchmark needs PostgreSQL; not run.")
        return 0

    with (
        fresh_database("postgres") as db,
        tempfile.TemporaryDirectory(prefix="pirbot-load-") as folder,
    ):
        db.dispose()
        result = run_load(
            db.url,
            folder=Path(folder),
            processes=options.processes,
            senders=senders,
            seconds=seconds,
        )

    sent = result.sent
    total = sum(sent.requests.values())
    print_title(
        f"Load: {result.processes} processes, {result.senders} senders, "
        f"{result.seconds:.0f} s"
    )
    print_table(
        ["request", "sent", "p50 ms", "p99 ms"],
        [
            [
                kind,
                count,
                Spread.of(sent.latencies[kind]).p50,
                Spread.of(sent.latencies[kind]).p99,
            ]
            for kind, count in sorted(sent.requests.items())
        ],
    )
    clean = not (sent.failures or result.lost or result.duplicates or result.unexpected)
    print_table(
        ["figure", "value"],
        [
            ["requests", total],
            ["requests per second", total / result.seconds],
            ["Slack retries among them", sent.retries],
            ["answers other than 200", len(sent.failures)],
            ["timeline events stored", result.stored.events],
            ["tags stored / sent", f"{result.stored.tags} / {len(sent.tags)}"],
            ["events stored twice", len(result.duplicates)],
            ["events lost", len(result.lost)],
            ["events nobody sent", result.unexpected],
            ["verdict", verdict(clean)],
        ],
    )
    for problem in (sent.failures + result.lost + result.duplicates)[:10]:
        print(f"  {problem}")
    return 0
