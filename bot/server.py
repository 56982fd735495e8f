"""Serving the Bolt app: Slack's HTTP requests, or a Socket Mode connection."""

from __future__ import annotations

import io
import json
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.socket_mode.builtin import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

if TYPE_CHECKING:  # the bare Bolt app of bench/ serves without pirbot
    from bot.health import Health
    from handlers.shape import RequestScreen

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    # One thread a request: a slow one never holds up the next ack.
    daemon_threads = True
    # socketserver's default backlog of 5 resets connections as soon as a
    # burst of Slack's requests arrives at once (the load test saw it).
    request_queue_size = socket.SOMAXCONN


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        logger.debug("HTTP %s", format % args)


class _Routes:
    """GET /healthz beside Bolt's endpoint; everything else goes to Bolt,
    after `screen` (when given) judged each Slack request: a forged one is
    answered 401 and a malformed one 200, and neither reaches Bolt."""

    def __init__(
        self,
        slack: SlackRequestHandler,
        health: Health | None,
        screen: RequestScreen | None,
    ) -> None:
        self.slack = slack
        self.health = health
        self.screen = screen

    def __call__(self, environ, start_response) -> Iterable[bytes]:
        path = environ.get("PATH_INFO")
        verdict = "slack"
        if path == EVENTS_PATH and self.screen is not None:
            verdict = self._judge(environ)
        if verdict == "forged":
            body = b'{"error": "invalid request"}'
            start_response(
                "401 Unauthorized",
                [
                    ("Content-Type", "application/json"),
                    ("Content-Length", str(len(body))),
                ],
            )
            return [body]
        if verdict == "malformed":
            start_response("200 OK", [("Content-Length", "0")])
            return [b""]
        if self.health is None or path != HEALTH_PATH:
            return self.slack(environ, start_response)
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            start_response("405 Method Not Allowed", [("Allow", "GET, HEAD")])
            return [b""]
        healthy, report = self.health.report()
        body = json.dumps(report).encode("utf-8")
        status = "200 OK" if healthy else "503 Service Unavailable"
        start_response(
            status,
            [
                ("Content-Type", "application/json"),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [body] if environ["REQUEST_METHOD"] == "GET" else [b""]

    def _judge(self, environ) -> str:
        """The screen's verdict on a Slack request; its body is kept for Bolt."""
        if environ.get("REQUEST_METHOD") != "POST":
            return "slack"
        try:
            length = max(int(environ.get("CONTENT_LENGTH") or 0), 0)
        except ValueError:
            return "forged"  # a body that cannot be read cannot be verified
        raw = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(raw)
        return self.screen.judge(
            raw,
            content_type=environ.get("CONTENT_TYPE"),
            timestamp=environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
            signature=environ.get("HTTP_X_SLACK_SIGNATURE"),
        )


class HttpServer:
    """Bolt's single endpoint, POST /slack/events, on a threaded WSGI server,
    and GET /healthz when given `health`."""

    def __init__(
        self,
        app: App,
        *,
        host: str,
        port: int,
        health: Health | None = None,
        screen: RequestScreen | None = None,
    ) -> None:
        wsgi_app = _Routes(SlackRequestHandler(app, path=EVENTS_PATH), health, screen)
        self._server = make_server(
            host,
            port,
            wsgi_app,
            server_class=_ThreadingWSGIServer,
            handler_class=_QuietHandler,
        )
        self.port = self._server.server_port

    def serve(self) -> None:
        logger.info("Listening on port %s at %s", self.port, EVENTS_PATH)
        self._server.serve_forever(poll_interval=0.2)

    def start_in_thread(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve, name="pirbot-http", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


# A connection that delivered nothing for this long is replaced. Slack
# sends no messages of its own while a workspace is quiet, so a quiet
# workspace reconnects this often: one apps.connections.open call each time.
QUIET_LIMIT_SECONDS = 10 * 60
WATCH_EVERY_SECONDS = 30


class QuietConnectionWatchdog:
    """Replaces a Socket Mode connection that stays open but delivers nothing.

    slack_sdk already drops a connection that stops answering its pings. A
    long-lived WebSocket can also go on answering pings while Slack no longer
    routes anything through it; only its silence shows that. Every message
    from Slack (a request, `hello`, a disconnect notice) counts as life.
    The new connection is opened before the old one is closed, so nothing
    is missed while switching.
    """

    def __init__(
        self,
        client: SocketModeClient,
        *,
        quiet_limit: float = QUIET_LIMIT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = client
        self.quiet_limit = quiet_limit
        self.clock = clock
        self.reconnects = 0
        self._last_heard = clock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        client.on_message_listeners.append(self._heard)

    def _heard(self, _message: str) -> None:
        self._last_heard = self.clock()

    def quiet_for(self) -> float:
        """Seconds since Slack last sent anything on the connection."""
        return self.clock() - self._last_heard

    def check(self) -> bool:
        """Reconnect if the connection has been quiet too long; True if it did."""
        quiet_for = self.quiet_for()
        if quiet_for <= self.quiet_limit:
            return False
        logger.warning(
            "Socket Mode delivered nothing for %d s; opening a new connection",
            quiet_for,
        )
        self._last_heard = self.clock()
        try:
            self.client.connect_to_new_endpoint(force=True)
        except Exception:  # noqa: BLE001 - the next check tries again
            logger.exception("Could not open a new Socket Mode connection")
            return False
        self.reconnects += 1
        return True

    def start(self, every: float = WATCH_EVERY_SECONDS) -> None:
        def watch() -> None:
            while not self._stop.wait(every):
                self.check()

        self._thread = threading.Thread(
            target=watch, name="pirbot-socket-watchdog", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


class _ScreenedSocketModeHandler(SocketModeHandler):
    """Acks a request that `in_shape` turns down without handing it to Bolt,
    whose own reading of a malformed body can fail before any middleware."""

    def __init__(self, app: App, *, app_token: str, in_shape) -> None:
        super().__init__(app, app_token=app_token)
        self.in_shape = in_shape

    def handle(self, client: SocketModeClient, req: SocketModeRequest) -> None:
        if self.in_shape is None or self.in_shape(req.payload):
            super().handle(client, req)
            return
        client.send_socket_mode_response(
            SocketModeResponse(envelope_id=req.envelope_id)
        )


class SocketModeConnection:
    """One Socket Mode WebSocket; Slack delivers requests through it.

    `in_shape` (a body -> bool) turns down requests that are not in Slack's
    shape; they are acked and go no further.
    """

    def __init__(
        self,
        app: App,
        *,
        app_token: str,
        in_shape: Callable[[object], bool] | None = None,
        quiet_limit: float = QUIET_LIMIT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._handler = _ScreenedSocketModeHandler(
            app, app_token=app_token, in_shape=in_shape
        )
        self.watchdog = QuietConnectionWatchdog(
            self._handler.client, quiet_limit=quiet_limit, clock=clock
        )

    def serve(self, *, watch_every: float = WATCH_EVERY_SECONDS) -> None:
        self._handler.connect()
        self.watchdog.start(every=watch_every)
        logger.info("Connected to Slack in Socket Mode")

    def stop(self) -> None:
        self.watchdog.stop()
        self._handler.close()
