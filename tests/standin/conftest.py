"""Fixtures for the stand-in's own tests: a running stand-in on a fake clock
seeded with the example workspace, a WebClient aimed at it, and a small Bolt
app served over real HTTP."""

import json
import queue
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient

from slack_standin import SlackRequestSender, SlackStandIn

ALICE = "U04ALICE001"
BOB = "U04BOB00002"
CAROL = "U05CAROL003"
INCIDENT = "C07INC12345"
SIGNING_SECRET = "pirbot-test-secret"


class FakeClock:
    """Monotonic seconds that only move when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def standin(clock: FakeClock) -> Iterator[SlackStandIn]:
    with SlackStandIn(clock=clock) as running:
        running.add_user(
            ALICE, name="alice", real_name="Alice Example", tz="Europe/Berlin"
        )
        running.add_user(BOB, name="bob", tz="America/New_York")
        running.add_user(CAROL, name="carol")
        running.add_channel(
            INCIDENT, name="inc-2024-12-03-payments", members=[ALICE, BOB]
        )
        yield running


@pytest.fixture
def client(standin: SlackStandIn) -> WebClient:
    return WebClient(token="xoxb-test", base_url=standin.api_url)


class _QuietWSGIHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def bolt_app(standin: SlackStandIn, monkeypatch: pytest.MonkeyPatch) -> App:
    for name in (
        "SLACK_BOT_TOKEN",
        "SLACK_SIGNING_SECRET",
        "SLACK_CLIENT_ID",
        "SLACK_CLIENT_SECRET",
    ):
        monkeypatch.delenv(name, raising=False)
    web_client = WebClient(token="xoxb-test", base_url=standin.api_url)
    return App(
        signing_secret=SIGNING_SECRET,
        token_verification_enabled=False,
        client=web_client,
    )


@pytest.fixture
def bolt_url(bolt_app: App) -> Iterator[str]:
    """The Bolt app behind wsgiref on a free port; ``/slack/events``."""
    server = make_server(
        "127.0.0.1",
        0,
        SlackRequestHandler(bolt_app),
        handler_class=_QuietWSGIHandler,
    )
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/slack/events"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def sender(bolt_url: str, standin: SlackStandIn) -> SlackRequestSender:
    return SlackRequestSender(bolt_url, SIGNING_SECRET, standin=standin)


class CapturedRequest:
    def __init__(self, headers: dict[str, str], body: bytes) -> None:
        self.headers = headers
        self.body = body


@pytest.fixture
def capture() -> Iterator[tuple[str, queue.Queue]]:
    """A plain HTTP endpoint that keeps each request's headers and raw body."""
    received: queue.Queue[CapturedRequest] = queue.Queue()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {name.lower(): value for name, value in self.headers.items()}
            received.put(CapturedRequest(headers, body))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/slack/events", received
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "slack" / "payloads"


def example(name: str) -> dict:
    """One of the example requests in ``shared/slack/payloads`` (skips if absent)."""
    path = EXAMPLES / name
    if not path.exists():
        pytest.skip(f"{path} is not checked out beside the project")
    return json.loads(path.read_text())


def layout_differences(built, expected, where: str = "") -> list[str]:
    """Where ``built`` differs from ``expected`` in keys, key order or value types.

    Lists are compared by their first items; values are not compared.
    """
    if isinstance(expected, dict):
        if not isinstance(built, dict):
            return [f"{where or '/'}: {type(built).__name__} instead of an object"]
        if list(built) != list(expected):
            return [f"{where or '/'}: keys {list(built)} instead of {list(expected)}"]
        return [
            difference
            for key in expected
            for difference in layout_differences(
                built[key], expected[key], f"{where}/{key}"
            )
        ]
    if isinstance(expected, list) and isinstance(built, list):
        if expected and built:
            return layout_differences(built[0], expected[0], f"{where}/0")
        return []
    if type(built) is not type(expected):
        found, wanted = type(built).__name__, type(expected).__name__
        return [f"{where}: {found} instead of {wanted}"]
    return []
