"""GET /healthz: the database, the scheduler's tick and Slack's last request."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from slack_bolt import App

from bot.health import LATE_AFTER, Health
from bot.local import LocalBot
from bot.server import HttpServer
from scheduler.runner import Ticker
from slack_standin import SlackStandIn, payloads
from store.db import Database
from tests.handlers.people import ALICE, CHANNEL

NOON = datetime(2024, 12, 3, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def get_health(base_url: str) -> tuple[int, dict]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"{base_url}/healthz", timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def serve_health() -> Iterator:
    servers: list[HttpServer] = []

    def serve(health: Health) -> str:
        app = App(
            signing_secret="unused",
            token_verification_enabled=False,
            token="xoxb-unused-000000",
        )
        server = HttpServer(app, host="127.0.0.1", port=0, health=health)
        server.start_in_thread()
        servers.append(server)
        return f"http://127.0.0.1:{server.port}"

    yield serve
    for server in servers:
        server.stop()


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        standin.add_user(ALICE, name="alice", tz="Europe/Berlin")
        standin.add_channel(CHANNEL, name="inc-payments", members=[ALICE])
        yield standin


def test_healthy_bot_reports_its_database_and_no_slack_request_yet(
    db: Database, standin
) -> None:
    bot = LocalBot(db, standin, now=Clock(NOON))
    try:
        status, report = get_health(bot.base_url)
    finally:
        bot.close()

    assert status == 200
    assert report == {
        "ok": True,
        "database": "ok",
        "scheduler": "off",
        "last_tick_at": None,
        "last_slack_event_at": None,
    }


def test_a_signed_request_is_the_last_slack_event_and_a_forged_one_is_not(
    sqlite_db: Database, standin
) -> None:
    clock = Clock(NOON)
    bot = LocalBot(sqlite_db, standin, now=clock)
    try:
        message = standin.add_message(CHANNEL, user=ALICE, text="hello")
        event = payloads.message(
            user=ALICE, channel=CHANNEL, text="hello", ts=message["ts"]
        )
        assert bot.event(event).status == 200
        clock.at = NOON + timedelta(minutes=5)
        forged = bot.sender.raw(
            b'{"type":"event_callback"}',
            content_type="application/json",
            signature="v0=" + "0" * 64,
        )
        _status, report = get_health(bot.base_url)
    finally:
        bot.close()

    assert forged.status == 401
    assert report["last_slack_event_at"] == NOON.isoformat()


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////nonexistent-pirbot-directory/pirbot.db",
        "postgresql://postgres@127.0.0.1:9/test",
    ],
    ids=["sqlite", "postgres"],
)
def test_unreachable_database_answers_503(serve_health, url: str) -> None:
    database = Database(url)
    base_url = serve_health(Health(database))

    status, report = get_health(base_url)

    database.dispose()
    assert status == 503
    assert (report["ok"], report["database"]) == (False, "unreachable")


def test_late_tick_answers_503_until_the_scheduler_ticks_again(
    sqlite_db: Database, serve_health
) -> None:
    clock = Clock(datetime.now(UTC))
    ticker = Ticker([], now=clock)
    ticker.start()
    try:
        base_url = serve_health(Health(sqlite_db, ticker=ticker, now=clock))
        _wait_for_first_tick(ticker)
        on_time_status, on_time = get_health(base_url)

        clock.at += LATE_AFTER + timedelta(seconds=1)
        late_status, late = get_health(base_url)

        ticker.tick()
        again_status, again = get_health(base_url)
    finally:
        ticker.shutdown()

    assert (on_time_status, on_time["scheduler"]) == (200, "running")
    assert (late_status, late["scheduler"], late["database"]) == (503, "late", "ok")
    assert (again_status, again["scheduler"]) == (200, "running")
    assert again["last_tick_at"] == clock.at.isoformat()


def _wait_for_first_tick(ticker: Ticker) -> None:
    # The scheduler ticks once at start, in its own thread; the next tick is
    # a minute away, so the test's clock alone decides from here on.
    deadline = time.monotonic() + 10
    while ticker.last_tick_at is None:
        assert time.monotonic() < deadline, "the scheduler never ticked"
        time.sleep(0.01)


def test_healthz_only_answers_reads(serve_health, sqlite_db: Database) -> None:
    base_url = serve_health(Health(sqlite_db))
    request = urllib.request.Request(f"{base_url}/healthz", data=b"", method="POST")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    with pytest.raises(urllib.error.HTTPError) as refused:
        opener.open(request, timeout=10)

    assert refused.value.code == 405
