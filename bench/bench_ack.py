"""Ack latency: from sending a signed request to the HTTP answer.

`pirbot run --http` and a bare Bolt app that only acks (bench/bare_app.py)
run as real processes side by side, on the same kind of server with the
same client on the same Slack stand-in, and get the same requests
interleaved one by one (in random order within each pair), so machine noise
hits both: a tagging reaction, the "Add to timeline" message shortcut,
`/pir event`, the submission of the "Add to timeline" modal (its ack reads
the incident and the typed time) and the submission of a review section's
modal ("What went well", each time at the section's current version, so
that each one is saved: its ack checks and saves the section, and
reindexes the incident for search, before answering, so that a refusal
shows in the modal). pirbot does its real work after each ack, in the same
process, as it would in production.

Target: pirbot's p99 at most 1.5 times the bare app's, per request kind.
"""

from __future__ import annotations

import random
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench import bare_app
from bench.common import (
    SIGNING_SECRET,
    Spread,
    database_kinds,
    free_port,
    fresh_database,
    parser,
    print_table,
    print_title,
    start_bare_app,
    start_pirbot,
    stop_process,
    verdict,
)
from domain import lifecycle
from handlers.ids import (
    COMMAND,
    INPUT_ACTION,
    AddEventBlock,
    ReviewBlock,
    Shortcut,
    View,
)
from handlers.review_views import ModalContext
from handlers.timeline_views import AddEventContext
from slack_standin import Reply, SlackRequestSender, SlackStandIn, payloads

TARGET_RATIO = 1.5
ALICE = "U04ALICE001"
BOB = "U04BOB00002"
CHANNEL = "C07INC12345"
KINDS = (
    "reaction event",
    "message shortcut",
    "/pir event",
    "view submission",
    "section submission",
)
SECTION = "went_well"


class Traffic:
    """Builds and sends one request of each kind, to one app."""

    def __init__(self, standin: SlackStandIn, url: str) -> None:
        self.standin = standin
        self.sender = SlackRequestSender(url, SIGNING_SECRET, standin=standin)
        # The declared incident, and the version its section is saved at.
        self.incident_id = 0
        self.section_version = 0
        self.refused_sections = 0

    def new_message(self) -> dict:
        return self.standin.add_message(
            CHANNEL, user=BOB, text="rolled back the release at 14:05, errors falling"
        )

    def reaction(self) -> Reply:
        message = self.new_message()
        event = payloads.reaction_added(
            user=ALICE, reaction="pushpin", channel=CHANNEL, ts=message["ts"]
        )
        return self.sender.event(event)

    def shortcut(self) -> Reply:
        message = self.new_message()
        return self.sender.interactive(
            payloads.message_shortcut(
                callback_id=Shortcut.ADD_TO_TIMELINE.value,
                user=ALICE,
                channel=CHANNEL,
                message=message,
                trigger_id=self.standin.issue_trigger_id(),
                response_url=self.standin.new_response_url(channel_id=CHANNEL),
            )
        )

    def typed_event(self) -> Reply:
        return self.sender.command(
            "event 10 min ago first alert fired", user_id=ALICE, channel_id=CHANNEL
        )

    def submission(self) -> Reply:
        message = self.new_message()
        state = {
            AddEventBlock.KIND.value: {
                INPUT_ACTION: {
                    "type": "static_select",
                    "selected_option": {"value": "mitigation"},
                }
            },
            AddEventBlock.TYPED_TIME.value: {
                INPUT_ACTION: {"type": "plain_text_input", "value": "14:05"}
            },
            AddEventBlock.NOTE.value: {
                INPUT_ACTION: {"type": "plain_text_input", "value": "the rollback"}
            },
        }
        return self.sender.interactive(
            payloads.view_submission(
                user=ALICE,
                view_id="V" + payloads.new_event_id()[2:],
                callback_id=View.ADD_TIMELINE_EVENT.value,
                private_metadata=AddEventContext(CHANNEL, message["ts"]).dump(),
                state_values=state,
            )
        )

    def section_submission(self) -> Reply:
        """A save of the section opened at its current version, as when one
        facilitator edits it again and again."""
        self.section_version += 1
        points = f"The alert fired within a minute\nRollback {self.section_version}"
        state = {
            ReviewBlock.POINTS.value: {
                INPUT_ACTION: {"type": "plain_text_input", "value": points}
            },
            ReviewBlock.DONE.value: {
                INPUT_ACTION: {"type": "checkboxes", "selected_options": []}
            },
        }
        context = ModalContext(
            i=self.incident_id, s=SECTION, v=self.section_version - 1
        )
        reply = self.sender.interactive(
            payloads.view_submission(
                user=ALICE,
                view_id="V" + payloads.new_event_id()[2:],
                callback_id=View.REVIEW_SECTION.value,
                private_metadata=context.dump(),
                state_values=state,
            )
        )
        if reply.body:  # errors instead of a save: counted and printed
            self.refused_sections += 1
            self.section_version -= 1
        return reply

    def by_kind(self) -> dict[str, Callable[[], Reply]]:
        return dict(
            zip(
                KINDS,
                (
                    self.reaction,
                    self.shortcut,
                    self.typed_event,
                    self.submission,
                    self.section_submission,
                ),
                strict=True,
            )
        )


def _timed(send: Callable[[], Reply]) -> tuple[float, int]:
    started = time.perf_counter()
    reply = send()
    return time.perf_counter() - started, reply.status


def measure(kind: str, count: int, gap: float, warm_up: int) -> list[list[object]]:
    rng = random.Random(3)
    with (
        fresh_database(kind) as db,
        SlackStandIn() as standin,
        tempfile.TemporaryDirectory(prefix="pirbot-ack-") as folder,
    ):
        standin.add_user(ALICE, name="alice", tz="Europe/Berlin")
        standin.add_user(BOB, name="bob", tz="America/New_York")
        standin.add_channel(CHANNEL, name="inc-checkout", members=[ALICE, BOB])
        db.dispose()
        pirbot_port, bare_port = free_port(), free_port()
        pirbot = start_pirbot(
            port=pirbot_port,
            database_url=db.url,
            api_url=standin.api_url,
            folder=Path(folder),
        )
        bare = start_bare_app(
            port=bare_port, api_url=standin.api_url, folder=Path(folder)
        )
        try:
            apps = {
                "pirbot": Traffic(
                    standin, f"http://127.0.0.1:{pirbot_port}/slack/events"
                ),
                "bare": Traffic(standin, f"http://127.0.0.1:{bare_port}/slack/events"),
            }
            declared = apps["pirbot"].sender.command(
                "declare P2 Checkout errors", user_id=ALICE, channel_id=CHANNEL
            )
            assert declared.status == 200, declared
            standin.wait_for("chat.postMessage", timeout=30)
            incident = lifecycle.find_incident(
                db, team_id=apps["pirbot"].sender.team_id, channel_id=CHANNEL
            )
            db.dispose()
            apps["pirbot"].incident_id = incident.id

            seconds = {(app, k): [] for app in apps for k in KINDS}
            failures = {app: 0 for app in apps}
            senders = {app: traffic.by_kind() for app, traffic in apps.items()}
            for round_number in range(count + warm_up):
                for request_kind in KINDS:
                    order = list(apps)
                    rng.shuffle(order)
                    for app in order:
                        took, status = _timed(senders[app][request_kind])
                        if status != 200:
                            failures[app] += 1
                        if round_number >= warm_up:
                            seconds[(app, request_kind)].append(took)
                        time.sleep(gap)
        finally:
            pirbot_log = stop_process(pirbot)
            stop_process(bare)

    rows = []
    for request_kind in KINDS:
        ours = Spread.of(seconds[("pirbot", request_kind)])
        base = Spread.of(seconds[("bare", request_kind)])
        times = ours.p99 / base.p99
        rows.append(
            [
                kind,
                request_kind,
                ours.count,
                ours.p50,
                ours.p99,
                base.p50,
                base.p99,
                f"{times:.2f}x",
                verdict(times <= TARGET_RATIO),
            ]
        )
    print(f"Non-200 answers on {kind}: {failures}")
    print(f"Section saves refused by pirbot: {apps['pirbot'].refused_sections}")
    if failures["pirbot"]:
        print(pirbot_log[-3000:])
    return rows


def _check_bare_app_ids() -> None:
    theirs = (bare_app.SHORTCUT, bare_app.COMMAND, bare_app.VIEW, bare_app.SECTION_VIEW)
    ours = (
        Shortcut.ADD_TO_TIMELINE.value,
        COMMAND,
        View.ADD_TIMELINE_EVENT.value,
        View.REVIEW_SECTION.value,
    )
    if theirs != ours:
        raise SystemExit(f"bench/bare_app.py listens for {theirs}, pirbot for {ours}")


def main(argv: Sequence[str] | None = None) -> int:
    _check_bare_app_ids()
    arguments = parser(__doc__.splitlines()[0])
    arguments.add_argument(
        "--database",
        choices=("sqlite", "postgres", "both"),
        default="sqlite",
        help="pirbot's database (default sqlite, the default deployment)",
    )
    arguments.add_argument(
        "--gap-ms",
        type=float,
        default=5.0,
        help="pause after each request, so pirbot's work after an ack does "
        "not pile up (default 5)",
    )
    options = arguments.parse_args(argv)
    count, warm_up = (10, 3) if options.quick else (1_000, 20)
    wanted = (
        ("sqlite", "postgres") if options.database == "both" else (options.database,)
    )
    rows = []
    for kind in database_kinds(wanted):
        rows.extend(measure(kind, count, options.gap_ms / 1000, warm_up))
    print_title(f"Ack latency: {count:,} requests of each kind to each app")
    print_table(
        [
            "database",
            "request",
            "requests",
            "pirbot p50 ms",
            "pirbot p99 ms",
            "bare Bolt p50 ms",
            "bare Bolt p99 ms",
            "p99 ratio",
            f"target <= {TARGET_RATIO}x",
        ],
        rows,
    )
    return 0
