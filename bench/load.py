"""Load: several `pirbot run --http` processes on one database, many senders.

Each sender is a thread that plays Slack for a while: it tags new messages
with reactions (a second person tags some of them again), re-delivers some
of those events to another process as Slack's retries do (same event id,
`X-Slack-Retry-Num`), types `/pir event`s, adds messages with the shortcut
and its modal, posts plain messages and asks for `/pir status` and
`/pir timeline`. Every request goes to one of the processes at random.

`run_load` returns what was sent and what was stored, so that a caller can
check that every answer was a 200, that no event is stored twice and that
none is lost. The test suite runs it briefly (tests/e2e/test_load.py);
`python -m bench load` runs it for a minute and prints the figures.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import func, select

from bench.common import (
    SIGNING_SECRET,
    free_port,
    start_pirbot,
    stop_process,
)
from handlers.ids import INPUT_ACTION, AddEventBlock, Shortcut, View
from handlers.timeline_views import AddEventContext
from slack_standin import Reply, SlackRequestSender, SlackStandIn, payloads
from store.db import Database
from store.models import TimelineEvent, TimelineTag

CHANNELS = [f"C0LOAD{n:05d}" for n in range(20)]
USERS = [f"U0LOAD{n:05d}" for n in range(30)]

# What a sender does next, and how often.
ACTIONS = (
    ("tag", 40),
    ("typed event", 15),
    ("plain message", 20),
    ("shortcut", 10),
    ("read", 15),
)


@dataclass
class Sent:
    """What the senders sent, and what the store must hold because of it."""

    requests: Counter = field(default_factory=Counter)
    statuses: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    tagged: set[tuple[str, str]] = field(default_factory=set)
    tags: set[tuple[str, str, str, str]] = field(default_factory=set)
    typed: Counter = field(default_factory=Counter)
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answered(self, kind: str, reply: Reply, seconds: float) -> None:
        with self.lock:
            self.requests[kind] += 1
            self.statuses[reply.status] += 1
            self.latencies.setdefault(kind, []).append(seconds)
            if reply.status != 200:
                self.failures.append(f"{kind}: {reply.status} {reply.body[:200]}")


@dataclass
class Stored:
    events: int
    message_events: set[tuple[str, str]]
    duplicate_messages: int
    typed: Counter
    tags: int


@dataclass
class LoadResult:
    sent: Sent
    stored: Stored
    seconds: float
    processes: int
    senders: int
    logs: list[str]

    @property
    def lost(self) -> list[str]:
        missing = [
            f"tag {c} {ts}" for c, ts in self.sent.tagged - self.stored.message_events
        ]
        missing += [
            f"typed {text!r}"
            for text in self.sent.typed
            if text not in self.stored.typed
        ]
        return missing

    @property
    def duplicates(self) -> list[str]:
        twice = [f"typed {t!r} x{n}" for t, n in self.stored.typed.items() if n > 1]
        if self.stored.duplicate_messages:
            twice.append(f"{self.stored.duplicate_messages} messages stored twice")
        return twice

    @property
    def unexpected(self) -> int:
        return len(self.stored.message_events - self.sent.tagged)


class _Sender(threading.Thread):
    def __init__(
        self,
        number: int,
        *,
        senders: list[SlackRequestSender],
        standin: SlackStandIn,
        sent: Sent,
        until: float,
        think: float,
    ) -> None:
        super().__init__(name=f"load-sender-{number}", daemon=True)
        self.number = number
        self.senders = senders
        self.standin = standin
        self.sent = sent
        self.until = until
        self.think = think
        self.rng = random.Random(number)
        self.counter = itertools.count()
        self.crash: BaseException | None = None
        actions, weights = zip(*ACTIONS, strict=True)
        self._actions, self._weights = actions, weights

    def run(self) -> None:
        try:
            while time.monotonic() < self.until:
                action = self.rng.choices(self._actions, self._weights)[0]
                getattr(self, "_" + action.replace(" ", "_"))()
                time.sleep(self.rng.uniform(0, 2 * self.think))
        except BaseException as error:  # noqa: BLE001 - reported by run_load
            self.crash = error

    def _send(self, kind: str, send: Callable[[SlackRequestSender], Reply], to=None):
        sender = to or self.rng.choice(self.senders)
        started = time.perf_counter()
        reply = send(sender)
        self.sent.answered(kind, reply, time.perf_counter() - started)
        return sender

    def _tag(self) -> None:
        channel, author = self.rng.choice(CHANNELS), self.rng.choice(USERS)
        message = self.standin.add_message(
            channel, user=author, text=f"restarted shard {self.number} at 14:05"
        )
        taggers = [self.rng.choice(USERS)]
        if self.rng.random() < 0.2:
            taggers.append(self.rng.choice(USERS))
        with self.sent.lock:
            self.sent.tagged.add((channel, message["ts"]))
            self.sent.tags.update(
                (channel, message["ts"], t, "pushpin") for t in taggers
            )
        for tagger in taggers:
            event = payloads.reaction_added(
                user=tagger, reaction="pushpin", channel=channel, ts=message["ts"]
            )
            event_id = payloads.new_event_id()
            first = self._send(
                "reaction", lambda s, e=event, i=event_id: s.event(e, event_id=i)
            )
            if self.rng.random() < 0.3:
                other = self.rng.choice(
                    [s for s in self.senders if s is not first] or [first]
                )
                self._send(
                    "reaction retry",
                    lambda s, e=event, i=event_id: s.event(
                        e, event_id=i, retry_num=1, retry_reason="http_timeout"
                    ),
                    to=other,
                )
                with self.sent.lock:
                    self.sent.retries += 1

    def _typed_event(self) -> None:
        text = f"load marker {self.number}-{next(self.counter)} first alert fired"
        with self.sent.lock:
            self.sent.typed[text] += 1
        channel = self.rng.choice(CHANNELS)
        user = self.rng.choice(USERS)
        self._send(
            "/pir event",
            lambda s: s.command(f"event {text}", user_id=user, channel_id=channel),
        )

    def _plain_message(self) -> None:
        channel, user = self.rng.choice(CHANNELS), self.rng.choice(USERS)
        message = self.standin.add_message(channel, user=user, text="looking at it")
        event = payloads.message(
            channel=channel, user=user, text="looking at it", ts=message["ts"]
        )
        self._send("message", lambda s: s.event(event))

    def _shortcut(self) -> None:
        channel, user = self.rng.choice(CHANNELS), self.rng.choice(USERS)
        message = self.standin.add_message(
            channel, user=self.rng.choice(USERS), text="failover done"
        )
        with self.sent.lock:
            self.sent.tagged.add((channel, message["ts"]))
        shortcut = payloads.message_shortcut(
            callback_id=Shortcut.ADD_TO_TIMELINE.value,
            user=user,
            channel=channel,
            message=message,
            trigger_id=self.standin.issue_trigger_id(),
            response_url=self.standin.new_response_url(channel_id=channel),
        )
        self._send("shortcut", lambda s: s.interactive(shortcut))
        state = {
            AddEventBlock.NOTE.value: {
                INPUT_ACTION: {"type": "plain_text_input", "value": "under load"}
            }
        }
        submission = payloads.view_submission(
            user=user,
            view_id="V" + payloads.new_event_id()[2:],
            callback_id=View.ADD_TIMELINE_EVENT.value,
            private_metadata=AddEventContext(channel, message["ts"]).dump(),
            state_values=state,
        )
        self._send("view submission", lambda s: s.interactive(submission))

    def _read(self) -> None:
        channel, user = self.rng.choice(CHANNELS), self.rng.choice(USERS)
        text = self.rng.choice(("status", "timeline"))
        self._send(
            f"/pir {text}", lambda s: s.command(text, user_id=user, channel_id=channel)
        )


def _stored(db: Database) -> Stored:
    with db.session() as session:
        rows = session.exec(
            select(
                TimelineEvent.channel_id, TimelineEvent.message_ts, TimelineEvent.text
            )
        ).all()
        tags = session.exec(select(func.count()).select_from(TimelineTag)).one()
    messages = [(c, ts) for c, ts, _text in rows if ts is not None]
    typed = Counter(text for _c, ts, text in rows if ts is None)
    return Stored(
        events=len(rows),
        message_events=set(messages),
        duplicate_messages=len(messages) - len(set(messages)),
        typed=typed,
        tags=tags,
    )


def _drain(db: Database, sent: Sent, timeout: float) -> Stored:
    """Wait until the processes have stored what was sent (or stopped moving)."""
    deadline = time.monotonic() + timeout
    last, still_since = None, time.monotonic()
    while True:
        stored = _stored(db)
        done = sent.tagged <= stored.message_events and all(
            text in stored.typed for text in sent.typed
        )
        if done or time.monotonic() > deadline:
            return stored
        if stored.events != last:
            last, still_since = stored.events, time.monotonic()
        elif time.monotonic() - still_since > 10:
            return stored
        time.sleep(0.2)


def run_load(
    database_url: str,
    *,
    folder: Path,
    processes: int = 2,
    senders: int = 50,
    seconds: float = 60,
    think: float = 0.25,
) -> LoadResult:
    """Start `processes` pirbots on `database_url` (migrated), load them with
    `senders` threads for `seconds`, wait for their work to land, stop them."""
    with SlackStandIn() as standin:
        for user in USERS:
            standin.add_user(user, name=user.lower(), tz="Europe/Berlin")
        for channel in CHANNELS:
            standin.add_channel(channel, name=f"inc-{channel.lower()}", members=USERS)

        ports = [free_port() for _ in range(processes)]
        bots = [
            start_pirbot(
                port=port,
                database_url=database_url,
                api_url=standin.api_url,
                folder=folder,
                scheduler=index == 0,
            )
            for index, port in enumerate(ports)
        ]
        try:
            clients = [
                SlackRequestSender(
                    f"http://127.0.0.1:{port}/slack/events",
                    SIGNING_SECRET,
                    standin=standin,
                    timeout=30,
                )
                for port in ports
            ]
            for channel in CHANNELS:
                reply = clients[0].command(
                    "declare P2 Load test", user_id=USERS[0], channel_id=channel
                )
                assert reply.status == 200, reply
            standin.wait_for("chat.postMessage", count=len(CHANNELS), timeout=60)

            sent = Sent()
            started = time.monotonic()
            threads = [
                _Sender(
                    number,
                    senders=clients,
                    standin=standin,
                    sent=sent,
                    until=started + seconds,
                    think=think,
                )
                for number in range(senders)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=seconds + 120)
            elapsed = time.monotonic() - started
            crashes = [t.crash for t in threads if t.crash is not None]
            if crashes:
                raise RuntimeError(f"{len(crashes)} senders crashed") from crashes[0]

            db = Database(database_url)
            try:
                stored = _drain(db, sent, timeout=120)
            finally:
                db.dispose()
        finally:
            logs = [stop_process(bot) for bot in bots]
    return LoadResult(sent, stored, elapsed, processes, senders, logs)


__all__ = ["LoadResult", "run_load"]
