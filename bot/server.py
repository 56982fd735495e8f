"""Serving the Bolt app: Slack's HTTP requests, or a Socket Mode connection."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterable
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler

from bot.health import Health

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    # One thread a request: a slow one never holds up the next ack.
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        logger.debug("HTTP %s", format % args)


class _Routes:
    """GET /healthz beside Bolt's endpoint; everything else goes to Bolt."""

    def __init__(self, slack: SlackRequestHandler, health: Health | None) -> None:
        self.slack = slack
        self.health = health

    def __call__(self, environ, start_response) -> Iterable[bytes]:
        if self.health is None or environ.get("PATH_INFO") != HEALTH_PATH:
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


class HttpServer:
    """Bolt's single endpoint, POST /slack/events, on a threaded WSGI server,
    and GET /healthz when given `health`."""

    def __init__(
        self, app: App, *, host: str, port: int, health: Health | None = None
    ) -> None:
        wsgi_app = _Routes(SlackRequestHandler(app, path=EVENTS_PATH), health)
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


class SocketModeConnection:
    """One Socket Mode WebSocket; Slack delivers requests through it."""

    def __init__(self, app: App, *, app_token: str) -> None:
        self._handler = SocketModeHandler(app, app_token=app_token)

    def serve(self) -> None:
        self._handler.connect()
        logger.info("Connected to Slack in Socket Mode")

    def stop(self) -> None:
        self._handler.close()
