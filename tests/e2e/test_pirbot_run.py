"""`pirbot run` as a real process, talking to the Slack stand-in."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import select

from slack_standin import SlackRequestSender, SlackStandIn, payloads
from store.db import Database
from store.models import Incident, TimelineEvent
from tests.handlers.people import ALICE, BOB, CHANNEL

pytestmark = pytest.mark.e2e

SECRET = "e2e-signing-secret"
PIRBOT = [sys.executable, "-m", "bot.cli"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"pirbot exited early:\n{process.stderr.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"pirbot did not listen on {port} within {timeout} s")


def _environment(**values: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    keep.update(values)
    return keep


@pytest.fixture
def standin() -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        standin.add_user(ALICE, name="alice", tz="Europe/Berlin")
        standin.add_user(BOB, name="bob", tz="America/New_York")
        standin.add_channel(CHANNEL, name="inc-payments", members=[ALICE, BOB])
        yield standin


@pytest.fixture
def running(tmp_path: Path, standin: SlackStandIn):
    port = _free_port()
    database_url = f"sqlite:///{tmp_path / 'e2e.db'}"
    process = subprocess.Popen(
        [*PIRBOT, "run", "--http", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path,
        env=_environment(
            SLACK_BOT_TOKEN="xoxb-e2e-0000000000",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=standin.api_url,
            DATABASE_URL=database_url,
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_port(port, process)
        sender = SlackRequestSender(
            f"http://127.0.0.1:{port}/slack/events", SECRET, standin=standin
        )
        yield process, sender, Database(database_url)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def _health_url(sender: SlackRequestSender) -> str:
    return sender.url.replace("/slack/events", "/healthz")


def _poll(predicate, timeout: float = 10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def test_declare_and_tag_through_a_running_process(running, standin) -> None:
    process, sender, database = running

    text = "declare P2 Search is slow"
    reply = sender.command(text, user_id=ALICE, channel_id=CHANNEL)
    assert reply.status == 200
    standin.wait_for("chat.postMessage")
    message = standin.add_message(CHANNEL, user=ALICE, text="restarted the indexer")
    tag = payloads.reaction_added(
        user=BOB, reaction="pushpin", channel=CHANNEL, ts=message["ts"]
    )
    assert sender.event(tag).status == 200
    standin.wait_for("reactions.add")

    with database.session() as session:
        incident = session.exec(select(Incident)).one()
        event = session.exec(select(TimelineEvent)).one()
    assert (incident.title, incident.severity) == ("Search is slow", "P2")
    assert (event.message_ts, event.text) == (message["ts"], "restarted the indexer")
    assert standin.calls_to("auth.test"), "the token is checked at start-up"
    no_proxy = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    health = json.loads(no_proxy.open(_health_url(sender), timeout=10).read())
    assert (health["ok"], health["database"], health["scheduler"]) == (
        True,
        "ok",
        "running",
    )
    assert health["last_slack_event_at"] is not None

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0
    database.dispose()


def test_unsigned_and_stale_requests_get_401_and_change_nothing(running, standin):
    _process, sender, database = running
    body = (
        b"command=%2Fpir&text=declare+P1+Forged&team_id=T0123ABCD"
        b"&channel_id=C07INC12345&user_id=U04ALICE001"
    )
    kind = "application/x-www-form-urlencoded"

    forged = sender.raw(body, content_type=kind, signature="v0=" + "0" * 64)
    stale = sender.raw(body, content_type=kind, timestamp=int(time.time()) - 360)

    assert (forged.status, stale.status) == (401, 401)
    with database.session() as session:
        assert session.exec(select(Incident)).all() == []
    assert standin.calls_to("chat.postMessage") == []
    database.dispose()


@pytest.mark.parametrize(
    ("arguments", "environment", "variable"),
    [
        (["run"], {}, "SLACK_BOT_TOKEN"),
        (["run"], {"SLACK_BOT_TOKEN": "xoxb-1234567890"}, "SLACK_APP_TOKEN"),
        (
            ["run"],
            {"SLACK_BOT_TOKEN": "xoxp-1234567890", "SLACK_APP_TOKEN": "xapp-1-12345"},
            "SLACK_BOT_TOKEN",
        ),
        (
            ["run", "--http"],
            {"SLACK_BOT_TOKEN": "xoxb-1234567890"},
            "SLACK_SIGNING_SECRET",
        ),
    ],
)
def test_missing_or_malformed_token_is_one_sentence_and_exit_2(
    tmp_path, arguments, environment, variable
) -> None:
    finished = subprocess.run(
        [*PIRBOT, *arguments],
        cwd=tmp_path,
        env=_environment(**environment),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert finished.returncode == 2
    assert variable in finished.stderr
    assert "Traceback" not in finished.stderr
    assert len(finished.stderr.strip().splitlines()) == 1


def test_token_that_slack_refuses_is_a_clear_message(tmp_path, standin) -> None:
    standin.fail_next("auth.test", status=200, error="invalid_auth")

    finished = subprocess.run(
        [*PIRBOT, "run", "--http"],
        cwd=tmp_path,
        env=_environment(
            SLACK_BOT_TOKEN="xoxb-revoked-00000",
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=standin.api_url,
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert finished.returncode == 2
    assert "SLACK_BOT_TOKEN" in finished.stderr and "Traceback" not in finished.stderr
