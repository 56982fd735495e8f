"""Memory: resident memory of `pirbot run --http`, idle and with a big database.

pirbot runs as a real process on its SQLite file (the default deployment),
talking to the Slack stand-in. Measured: idle after start; then after
`bench/scale_data.py`'s default load went into its database, in its own
workspace and four others, and pirbot served `/pir timeline` for the 100
busiest incidents of its workspace, `/pir status` and a few hundred tags.
Baseline: the bare Bolt app of the ack benchmark, idle, measured in the
same run.

Target: under 150 MB.
"""

from __future__ import annotations

import json
import tempfile
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

from sqlmodel import col, func, select

from bench.common import (
    SIGNING_SECRET,
    free_port,
    parser,
    print_table,
    print_title,
    ratio,
    resident_kib,
    start_bare_app,
    start_pirbot,
    stop_process,
    verdict,
)
from bench.scale_data import load_scale_data
from slack_standin import SlackRequestSender, SlackStandIn, payloads
from store.db import Database
from store.models import Incident, TimelineEvent

TARGET_MIB = 150
ALICE = "U04ALICE001"
CHANNEL = "C07INC12345"


def _wait_healthy(port: int) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + 30
    while True:
        try:
            with opener.open(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                if json.loads(answer.read())["ok"]:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError("pirbot did not become healthy")
        time.sleep(0.1)


def _busiest_channels(db: Database, team_id: str, count: int) -> list[str]:
    with db.session() as session:
        return list(
            session.exec(
                select(Incident.channel_id)
                .join(TimelineEvent, col(TimelineEvent.incident_id) == Incident.id)
                .where(Incident.team_id == team_id)
                .group_by(Incident.channel_id)
                .order_by(func.count().desc())
                .limit(count)
            ).all()
        )


def _exercise(sender: SlackRequestSender, standin: SlackStandIn, channels, tags: int):
    for channel in channels:
        assert (
            sender.command("timeline", user_id=ALICE, channel_id=channel).status == 200
        )
        assert sender.command("status", user_id=ALICE, channel_id=channel).status == 200
    assert (
        sender.command(
            "declare P2 Memory check", user_id=ALICE, channel_id=CHANNEL
        ).status
        == 200
    )
    standin.wait_for("chat.postMessage", timeout=30)
    for _ in range(tags):
        message = standin.add_message(CHANNEL, user=ALICE, text="restarted at 14:05")
        event = payloads.reaction_added(
            user=ALICE, reaction="pushpin", channel=CHANNEL, ts=message["ts"]
        )
        assert sender.event(event).status == 200
    standin.wait_for("reactions.add", count=tags, timeout=120)
    standin.wait_for("response_url", count=2 * len(channels), timeout=120)


def _load_and_serve(db: Database, standin, port: int, *, size, channels, tags):
    """Load the scale data into pirbot's database, then have pirbot read it."""
    data = load_scale_data(
        db,
        incidents=int(10_000 * size),
        events=int(100_000 * size),
        action_items=int(100_000 * size),
        teams=[standin.team_id, "T0SCALE02", "T0SCALE03", "T0SCALE04"],
    )
    busiest = _busiest_channels(db, standin.team_id, channels)
    db.dispose()
    sender = SlackRequestSender(
        f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, standin=standin
    )
    _exercise(sender, standin, busiest, tags)
    return data, busiest


def _row(state: str, kib: int, bare_kib: int, bare_shown: bool = False) -> list:
    mib = kib / 1024
    return [
        state,
        mib,
        bare_kib / 1024 if bare_shown else "-",
        ratio(kib, bare_kib),
        verdict(mib < TARGET_MIB),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    options = parser(__doc__.splitlines()[0]).parse_args(argv)
    size, channels, tags = (0.005, 3, 5) if options.quick else (1.0, 100, 300)

    with (
        SlackStandIn() as standin,
        tempfile.TemporaryDirectory(prefix="pirbot-memory-") as folder,
    ):
        standin.add_user(ALICE, name="alice", tz="Europe/Berlin")
        standin.add_channel(CHANNEL, name="inc-memory", members=[ALICE])
        database_url = f"sqlite:///{Path(folder) / 'pirbot.db'}"
        port = free_port()
        pirbot = start_pirbot(
            port=port,
            database_url=database_url,
            api_url=standin.api_url,
            folder=Path(folder),
        )
        bare = start_bare_app(
            port=free_port(), api_url=standin.api_url, folder=Path(folder)
        )
        try:
            _wait_healthy(port)
            time.sleep(0.2 if options.quick else 2)  # let start-up settle
            idle, _ = resident_kib(pirbot.pid)
            bare_idle, _ = resident_kib(bare.pid)
            data, busiest = _load_and_serve(
                Database(database_url),
                standin,
                port,
                size=size,
                channels=channels,
                tags=tags,
            )
            loaded, peak = resident_kib(pirbot.pid)
        finally:
            log = stop_process(pirbot)
            stop_process(bare)
    if "Traceback" in log:
        print(log[-3000:])

    print_title("Memory of pirbot run --http (resident, MiB)")
    print(
        f"Scale data: {data.rows['incident']:,} incidents, "
        f"{data.rows['timelineevent']:,} events, {data.rows['actionitem']:,} "
        f"action items; then {len(busiest)} timelines, {len(busiest)} statuses "
        f"and {tags} tags served"
    )
    print_table(
        ["state", "pirbot", "bare Bolt app", "ratio", f"target < {TARGET_MIB} MiB"],
        [
            _row("idle", idle, bare_idle, bare_shown=True),
            _row("after the scale data", loaded, bare_idle),
            _row("peak (VmHWM)", peak, bare_idle),
        ],
    )
    return 0
