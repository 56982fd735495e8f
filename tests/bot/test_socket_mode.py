"""Socket Mode: a connection that stays open but delivers nothing is replaced.

A fake Socket Mode server on loopback plays Slack's end: it says hello on
each connection, answers pings (so slack_sdk's own stale check sees a live
connection) and delivers only when told to. The watchdog's clock is the
test's; the client, its sockets and the app are real.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from bot.app import build_app, build_client
from bot.local import BOT_TOKEN
from bot.server import SocketModeConnection
from handlers.deps import Deps
from handlers.shape import in_shape
from slack_standin import SlackStandIn, payloads
from store.db import Database
from tests.handlers.people import ALICE, CHANNEL

APP_TOKEN = "xapp-1-A07KQ3PIR01-socket-test"
QUIET_LIMIT = 60.0


class FakeSocketModeServer:
    def __init__(self) -> None:
        self.connections: list[ServerConnection] = []
        self.acks: queue.Queue[tuple[ServerConnection, dict]] = queue.Queue()
        self._server = serve(self._handle, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        port = self._server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket=test"

    def _handle(self, connection: ServerConnection) -> None:
        self.connections.append(connection)
        connection.send(json.dumps({"type": "hello", "num_connections": 1}))
        try:
            for message in connection:
                self.acks.put((connection, json.loads(message)))
        except ConnectionClosed:
            pass  # the client went away, as clients do

    def deliver(
        self, connection: ServerConnection, event: dict, *, payload=None
    ) -> str:
        envelope_id = str(uuid.uuid4())
        connection.send(
            json.dumps(
                {
                    "envelope_id": envelope_id,
                    "type": "events_api",
                    "accepts_response_payload": False,
                    "retry_attempt": 0,
                    "retry_reason": "",
                    "payload": payload or payloads.event_callback(event),
                }
            )
        )
        return envelope_id

    def wait_for_ack(self, envelope_id: str) -> ServerConnection:
        while True:
            connection, message = self.acks.get(timeout=10)
            if message.get("envelope_id") == envelope_id:
                return connection

    def close(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)


class Clock:
    def __init__(self) -> None:
        self.at = 1000.0

    def __call__(self) -> float:
        return self.at


def wait_until(predicate, what: str) -> None:
    deadline = time.monotonic() + 10
    while not predicate():
        assert time.monotonic() < deadline, f"{what} did not happen"
        time.sleep(0.01)


@pytest.fixture
def fake_slack(sqlite_db: Database) -> Iterator[tuple]:
    server = FakeSocketModeServer()
    with SlackStandIn() as standin:
        standin.socket_mode_url = server.url
        standin.add_user(ALICE, name="alice")
        standin.add_channel(CHANNEL, name="inc-payments", members=[ALICE])
        app = build_app(
            Deps(db=sqlite_db),
            client=build_client(BOT_TOKEN, standin.api_url),
            socket_mode=True,
        )
        clock = Clock()
        connection = SocketModeConnection(
            app,
            app_token=APP_TOKEN,
            in_shape=in_shape,
            quiet_limit=QUIET_LIMIT,
            clock=clock,
        )
        connection.serve(watch_every=3600)
        try:
            wait_until(lambda: len(server.connections) == 1, "the first connection")
            yield server, standin, connection, clock
        finally:
            connection.stop()
            server.close()


def _message_event() -> dict:
    return payloads.message(
        user=ALICE, channel=CHANNEL, text="still here", ts=payloads.now_ts()
    )


def test_quiet_connection_is_replaced_and_delivery_resumes(fake_slack) -> None:
    server, standin, connection, clock = fake_slack
    first = server.connections[0]

    clock.at += QUIET_LIMIT + 1
    replaced = connection.watchdog.check()

    assert replaced
    wait_until(lambda: len(server.connections) == 2, "a second connection")
    assert len(standin.calls_to("apps.connections.open")) == 2
    second = server.connections[1]
    envelope_id = server.deliver(second, _message_event())
    assert server.wait_for_ack(envelope_id) is second
    wait_until(lambda: first.close_code is not None, "closing the old connection")


def test_connection_that_delivers_is_left_alone(fake_slack) -> None:
    server, standin, connection, clock = fake_slack

    clock.at += QUIET_LIMIT - 10
    envelope_id = server.deliver(server.connections[0], _message_event())
    server.wait_for_ack(envelope_id)
    wait_until(lambda: connection.watchdog.quiet_for() == 0, "hearing the event")
    clock.at += QUIET_LIMIT - 10
    kept = connection.watchdog.check()

    assert not kept
    assert len(server.connections) == 1
    assert len(standin.calls_to("apps.connections.open")) == 1


def test_malformed_request_is_acked_without_reaching_bolt(fake_slack, caplog) -> None:
    server, _standin, _connection, _clock = fake_slack
    envelope = payloads.event_callback(_message_event())
    envelope["event"] = "not an object"

    envelope_id = server.deliver(server.connections[0], {}, payload=envelope)

    assert server.wait_for_ack(envelope_id) is server.connections[0]
    assert "Ignored a malformed event_callback request" in caplog.text
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
