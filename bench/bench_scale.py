"""Scale: what the bot does per request, in a small and in a big database.

The big database holds `bench/scale_data.py`'s default load (10,000
incidents, 100,000 timeline events, 100,000 action items and 10,000 search
documents over five workspaces); the small one the same shape at a
hundredth of the size. In both, one probe incident has exactly 200 timeline
events and three probe incidents hold a rare phrase, so the cases about one
incident do the same work in both and only the size of the database
differs. The baseline is the small database, measured in the same run; the
statements each case sends must be the same in both (they must not grow
with the rows).

The cases about a whole workspace work on the busiest one (T0SCALE01, about
44% of the rows), at the moment its Monday 09:00 UTC digest is due (the
data is built around that moment):

- the digest tick: `scheduler.digests.DigestJob` as the minute tick runs
  it, claiming that digest, reading the workspace's open and recently done
  action items, grouping them (overdue, due this week, stale, done) and
  posting the messages to a Slack stand-in in this process with the bot's
  own Web API client. Before each run the claim is taken back (untimed),
  so every run posts it again; the other workspaces' digests due at the
  same moment were posted by the warm-up run. Names of owners come from the
  bot's cache of users, filled by the warm-up (a cold cache adds one
  users.info call per owner, which is Slack's time, not the database's).
  Target: under 250 ms.
- the idle tick: the same job at a moment when no digest is due.
- metrics: `domain.metrics.gather_metrics` over the default 90 days and
  over two years. Target: under 500 ms.
- search: what `/pir search` does, `domain.search.search_reviews` with the
  reader a member of some private channels, and the answer's blocks, for a
  word nearly every review holds and for a phrase only the probes hold.
  Target: under 200 ms.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from datetime import time as clock_time

from sqlalchemy import delete, select

from bench.bench_capture import TAGGER, Messages, declare
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
from bot.client import build_client
from domain import capture, lifecycle, metrics, search
from domain.digest import DigestSchedule, due_slot, schedule_of, slot_period
from domain.incidents import Declaration, Severity
from handlers.deps import Deps
from handlers.search_views import build_search_message
from handlers.timeline_views import build_timeline_message
from scheduler.digests import DigestJob
from scheduler.jobs import DEFAULT_CATCH_UP, DEFAULT_CLAIM_TIMEOUT
from slack_standin import SlackStandIn
from store import digests
from store.db import Database
from store.models import DigestMessage, Incident, PostClaim
from store.types import utc_now

PROBE_TEAM = "T0SCALE01"
PROBE_CHANNEL = "C0PROBE0001"
PROBE_EVENTS = 200
# The busiest workspace's digest: Monday 09:00 in its zone (UTC), posted
# to this channel (bench/scale_data.py's subscriptions).
DIGEST_SCHEDULE = DigestSchedule(weekday=0, at=clock_time(9), timezone="UTC")
DIGEST_CHANNEL = "CD000000000"
BOT_TOKEN = "xoxb-bench-scale-0000"
COMMON_WORD = "errors"
RARE_PHRASE = "TLS certificate expired"
# Probe incidents holding the rare phrase: (channel, private). The reader of
# the searches is a member of the private channels whose id ends in an even
# digit, so one of the three is hidden from them.
RARE_PROBES = (("C0PRORARE1", False), ("C0PRORARE2", True), ("C0PRORARE3", True))


@dataclass
class Probe:
    """The incident every case works on, and what the cases need."""

    db: Database
    data: ScaleData
    incident: Incident
    messages: Messages
    standin: SlackStandIn
    # When the busiest workspace's digest is due, and a moment when none is.
    tick_at: datetime
    idle_at: datetime
    digest_job: DigestJob
    slack: SlackTime
    posted: list[int] = field(default_factory=list)


class SlackTime:
    """Seconds spent waiting for Slack's answers (here, the stand-in's)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def timing(self, api_call: Callable) -> Callable:
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return api_call(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        return timed


@dataclass(frozen=True)
class ScaleCase:
    name: str
    run: Callable[[Probe], object]
    # Milliseconds at p99 that the case must stay under, if it has a target.
    target_ms: float | None = None
    # Run, untimed and uncounted, before each run of the case.
    before: Callable[[Probe], None] | None = None
    # Leave out of each run's time the time spent waiting for Slack.
    without_slack: bool = False


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


def _take_back_digest_claim(probe: Probe) -> None:
    """Forget that the busiest workspace's digest of this week was posted,
    so that the next tick posts it again."""
    period = slot_period(DIGEST_SCHEDULE, DIGEST_SCHEDULE.last_slot(probe.tick_at))
    with probe.db.engine.begin() as connection:
        claims = select(PostClaim.id).where(
            PostClaim.kind == "digest",
            PostClaim.target == DIGEST_CHANNEL,
            PostClaim.period == period,
        )
        connection.execute(
            delete(DigestMessage).where(DigestMessage.claim_id.in_(claims))
        )
        connection.execute(delete(PostClaim).where(PostClaim.id.in_(claims)))
    probe.standin.clear_calls()


def _digest_tick(probe: Probe) -> object:
    probe.digest_job(probe.tick_at)
    posted = len(probe.standin.calls_to("chat.postMessage"))
    assert posted, "the digest tick posted nothing"
    probe.posted.append(posted)
    return posted


def _idle_tick(probe: Probe) -> object:
    probe.digest_job(probe.idle_at)
    assert not probe.standin.calls_to("chat.postMessage")
    return None


def _metrics(text: str) -> Callable[[Probe], object]:
    def run(probe: Probe) -> object:
        period = metrics.read_period(text, now=probe.tick_at, timezone="UTC")
        return metrics.gather_metrics(probe.db, team_id=PROBE_TEAM, period=period)

    return run


def _reader_can_see(channel_id: str) -> bool:
    return channel_id[-1:] in "02468"


def _search(text: str) -> Callable[[Probe], object]:
    def run(probe: Probe) -> object:
        results = search.search_reviews(
            probe.db, team_id=PROBE_TEAM, text=text, can_see=_reader_can_see
        )
        assert results.found, f"nothing found for {text!r}"
        return build_search_message(results, links={})

    return run


CASES: list[ScaleCase] = [
    ScaleCase("/pir timeline (first page, 200 events)", _timeline_page),
    ScaleCase("capture a tagged message", _capture),
    ScaleCase("find the incident of a channel", _find_incident),
    ScaleCase("list an incident's responders", _responders),
    ScaleCase(
        "digest tick: the busiest workspace's weekly digest, with Slack's answers",
        _digest_tick,
        before=_take_back_digest_claim,
    ),
    ScaleCase(
        "digest tick: the same, pirbot's own time (Slack's answers left out)",
        _digest_tick,
        target_ms=250,
        before=_take_back_digest_claim,
        without_slack=True,
    ),
    ScaleCase(
        "digest tick: nothing due",
        _idle_tick,
        target_ms=250,
        before=lambda probe: probe.standin.clear_calls(),
    ),
    ScaleCase("metrics, busiest workspace, 90 days", _metrics(""), target_ms=500),
    ScaleCase("metrics, busiest workspace, 2 years", _metrics("730d"), target_ms=500),
    ScaleCase(f"/pir search {COMMON_WORD}", _search(COMMON_WORD), target_ms=200),
    ScaleCase(f"/pir search {RARE_PHRASE}", _search(RARE_PHRASE), target_ms=200),
]


def _prepare(db: Database, size: float, standin: SlackStandIn) -> Probe:
    tick_at = DIGEST_SCHEDULE.last_slot(utc_now()) + timedelta(minutes=1)
    data = load_scale_data(
        db,
        incidents=int(10_000 * size),
        events=int(100_000 * size),
        action_items=int(100_000 * size),
        now=tick_at,
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
    _declare_rare_probes(db)

    client = build_client(BOT_TOKEN, standin.api_url)
    slack = SlackTime()
    client.api_call = slack.timing(client.api_call)
    job = DigestJob(
        Deps(db=db, now=lambda: tick_at),
        client,
        catch_up=DEFAULT_CATCH_UP,
        claim_timeout=DEFAULT_CLAIM_TIMEOUT,
    )
    return Probe(
        db,
        data,
        incident,
        Messages(PROBE_TEAM, "C0PROBESPARE"),
        standin=standin,
        tick_at=tick_at,
        idle_at=_idle_moment(db, after=tick_at),
        digest_job=job,
        slack=slack,
    )


def _declare_rare_probes(db: Database) -> None:
    for channel_id, private in RARE_PROBES:
        lifecycle.declare_incident(
            db,
            team_id=PROBE_TEAM,
            channel_id=channel_id,
            channel_name="inc-bench-rare",
            declaration=Declaration(Severity.P2, "Edge proxy handshakes fail", TAGGER),
            declared_by=TAGGER,
            now=utc_now(),
            is_private=private,
        )
        message = replace(
            Messages(PROBE_TEAM, channel_id).next(),
            text=f"{RARE_PHRASE} on the edge proxy at 14:05, renewing it",
        )
        capture.capture_message(
            db,
            message=message,
            tagged_by=TAGGER,
            source=capture.TagSource.REACTION,
            kind=None,
            reaction="pushpin",
        )


def _idle_moment(db: Database, *, after: datetime) -> datetime:
    """The first whole hour after `after` at which no digest is due."""
    with db.session() as session:
        subscriptions = digests.list_subscriptions(session)
    moment = after.replace(minute=0, second=0, microsecond=0)
    for _ in range(7 * 24):
        moment += timedelta(hours=1)
        if all(
            due_slot(
                schedule_of(s),
                now=moment,
                catch_up=DEFAULT_CATCH_UP,
                changed_at=s.updated_at,
            )
            is None
            for s in subscriptions
        ):
            return moment
    raise RuntimeError("every hour of the week has a digest due")


def _seed_standin(standin: SlackStandIn, data: ScaleData) -> None:
    """The workspaces' people and digest channels, as Slack knows them."""
    for index, _team in enumerate(data.teams):
        for number in range(300):
            user_id = f"U{index:02d}{number:07d}"
            standin.add_user(user_id, name=f"person{index}-{number}")
        for weekday in (0, 3):
            standin.add_channel(
                f"CD{index:02d}{weekday:07d}", name=f"eng-digest-{index}-{weekday}"
            )


def _run_case(case: ScaleCase, probe: Probe, repeats: int) -> tuple[Spread, int]:
    def before() -> None:
        if case.before is not None:
            case.before(probe)

    before()
    case.run(probe)  # warm up
    before()
    with StatementCounter(probe.db.engine) as counted:
        case.run(probe)
    seconds = []
    for _ in range(repeats):
        before()
        waited = probe.slack.seconds
        started = time.perf_counter()
        case.run(probe)
        took = time.perf_counter() - started
        if case.without_slack:
            took -= probe.slack.seconds - waited
        seconds.append(took)
    return Spread.of(seconds), counted.count


def measure(kind: str, *, big: float, repeats: int) -> list[list[object]]:
    results = {}
    for label, size in (("small", big / 100), ("big", big)):
        with fresh_database(kind) as db, SlackStandIn() as standin:
            started = time.perf_counter()
            probe = _prepare(db, size, standin)
            _seed_standin(standin, probe.data)
            print(
                f"{kind}, {label} database: {probe.data.rows['incident']:,} "
                f"incidents, {probe.data.rows['timelineevent']:,} events, "
                f"{probe.data.rows['actionitem']:,} action items, "
                f"{probe.data.rows['searchdocument']:,} search documents loaded "
                f"in {probe.data.seconds:.1f} s (with the probes "
                f"{time.perf_counter() - started:.1f} s)"
            )
            for case in CASES:
                results[(label, case.name)] = _run_case(case, probe, repeats)
                spread, _count = results[(label, case.name)]
                print(f"  {case.name}: p50 {spread.p50:.1f} ms", flush=True)
            print(
                f"  the digest tick posted {probe.posted[-1]} messages a run; "
                f"idle tick at {probe.idle_at:%a %H:%M} UTC"
            )

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
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument(
        "--repeats", type=int, default=200, help="runs of each case (default 200)"
    )
    options = arguments.parse_args(argv)
    big, repeats = (0.005, 3) if options.quick else (1.0, options.repeats)
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
