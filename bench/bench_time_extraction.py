"""Time extraction: how long reading the moment a message states takes.

Every tagged message goes through `extract_stated_time`. The corpus has
messages that state a time, messages that do not (numbers, versions,
percentages), and text no parser understands (log pastes, other scripts,
emoji, control characters, 4,000-character walls). Baseline: dateparser's
own `search_dates` over the same text, which is what reading every message
with dateparser alone would cost.

Target: p99 under 10 ms per message.
"""

from __future__ import annotations

import random
import string
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from dateparser.search import search_dates

from bench.common import Spread, parser, print_table, print_title, ratio, verdict
from domain.stated_times import extract_stated_time

TARGET_P99_MS = 10.0
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata")

STATING = (
    "rolled back at {clock} UTC",
    "~{clock} first alert fired",
    "{clock} paged the on-call",
    "errors since {clock}, investigating",
    "deployed the fix {n} min ago",
    "about an hour ago the queue started growing",
    "restarted the pods around {clock12}",
    "half an hour ago we saw the first 502",
    "db failover finished @ {clock} CET",
    "traffic back to normal from {clock} +05:30",
)
PLAIN = (
    "seeing 502s on checkout",
    "CPU at 100% on db-{n}",
    "v{n}.05 is the bad release",
    "error rate 14.05% and rising",
    "can someone from payments join?",
    "I'm on it",
    "status page updated",
    "p99 latency {n} ms, target 250 ms",
    "customers in EU report timeouts; see <https://status.example/{n}|status>",
    "`kubectl rollout undo deploy/api --to-revision={n}`",
)


def _unreadable(rng: random.Random) -> str:
    """Text that no parser understands, in one of several shapes."""
    shape = rng.randrange(8)
    if shape == 0:
        return "".join(rng.choices(string.printable, k=rng.randrange(20, 400)))
    if shape == 1:
        return "خطأ في الخادم منذ الصباح \u202e" + "שגיאה " * rng.randrange(1, 30)
    if shape == 2:
        return "🔥🚒👩🏽‍🚒" * rng.randrange(1, 200)
    if shape == 3:
        return "at 25:99 or 14:05 XYZ or 99 min since" + " ~" * rng.randrange(1, 50)
    if shape == 4:
        return "".join(chr(rng.randrange(0x20)) for _ in range(rng.randrange(5, 200)))
    if shape == 5:
        words = ["about", "at", "since", "ago", "~", "@", "14:", ":05", "min"]
        return " ".join(rng.choices(words, k=rng.randrange(10, 600)))
    if shape == 6:
        return "z̷̢̛a̸͚͝l̵̨̛g̶̱̈́o̷̢͠ " * rng.randrange(1, 100)
    # A log paste: a wall of ISO timestamps, the worst case for a parser.
    line = "2024-12-03T14:{m:02d}:01.123Z ERROR upstream timed out after 30000 ms\n"
    return "".join(line.format(m=m % 60) for m in range(rng.randrange(5, 60)))


def build_corpus(size: int, seed: int = 7) -> list[tuple[str, str, datetime, str]]:
    """(category, text, posted_at, author's zone) for `size` messages."""
    rng = random.Random(seed)
    start = datetime(2024, 12, 3, 14, 20, tzinfo=UTC)
    corpus = []
    for index in range(size):
        posted = start + timedelta(minutes=7 * index)
        clock = posted - timedelta(minutes=rng.randrange(1, 600))
        fields = {
            "clock": f"{clock:%H:%M}",
            "clock12": f"{clock:%I:%M%p}".lower().lstrip("0"),
            "n": rng.randrange(1, 90),
        }
        category = ("with a time", "without a time", "unreadable")[index % 3]
        if category == "with a time":
            text = rng.choice(STATING).format(**fields)
        elif category == "without a time":
            text = rng.choice(PLAIN).format(**fields)
        else:
            text = _unreadable(rng)
        if rng.random() < 0.05:
            text = (text + " ") * (4000 // (len(text) + 1) + 1)
        corpus.append((category, text[:4000], posted, rng.choice(ZONES)))
    return corpus


def _time_each(function, corpus) -> dict[str, list[float]]:
    seconds: dict[str, list[float]] = {}
    for category, text, posted, zone in corpus:
        started = time.perf_counter()
        function(text, posted, zone)
        seconds.setdefault(category, []).append(time.perf_counter() - started)
        seconds.setdefault("all", []).append(seconds[category][-1])
    return seconds


def _ours(text: str, posted: datetime, zone: str) -> None:
    extract_stated_time(text, posted_at=posted, timezone=zone)


def _dateparser_alone(text: str, posted: datetime, zone: str) -> None:
    search_dates(
        text,
        languages=["en"],
        settings={
            "RELATIVE_BASE": posted.replace(tzinfo=None),
            "TIMEZONE": zone,
            "PREFER_DATES_FROM": "past",
        },
    )


def main(argv: Sequence[str] | None = None) -> int:
    options = parser(__doc__.splitlines()[0]).parse_args(argv)
    size = 60 if options.quick else 3_000
    corpus = build_corpus(size)
    # Warm up: dateparser loads its language data on first use.
    _time_each(_ours, corpus[:30])
    _time_each(_dateparser_alone, corpus[:30])

    ours = _time_each(_ours, corpus)
    baseline = _time_each(_dateparser_alone, corpus)
    found = sum(
        extract_stated_time(text, posted_at=posted, timezone=zone) is not None
        for category, text, posted, zone in corpus
        if category == "with a time"
    )

    print_title(f"Time extraction: {size:,} messages")
    rows = []
    for category in ("with a time", "without a time", "unreadable", "all"):
        mine, theirs = Spread.of(ours[category]), Spread.of(baseline[category])
        rows.append(
            [
                category,
                mine.count,
                mine.p50,
                mine.p99,
                theirs.p50,
                theirs.p99,
                ratio(mine.p99, theirs.p99),
            ]
        )
    print_table(
        [
            "messages",
            "count",
            "p50 ms",
            "p99 ms",
            "dateparser alone p50 ms",
            "dateparser alone p99 ms",
            "p99 ratio",
        ],
        rows,
    )
    stating = size // 3 + (size % 3 > 0)
    print(f"Times found in messages that state one: {found} of {stating}")
    overall = Spread.of(ours["all"])
    print(
        f"Target p99 < {TARGET_P99_MS:.0f} ms: {verdict(overall.p99 < TARGET_P99_MS)}"
        f" ({overall.p99:.2f} ms)"
    )
    return 0
