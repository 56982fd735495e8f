"""Serving the Bolt app: Slack's HTTP requests, or a Socket Mode connection."""

from __future__ import annotations

import logging
import threading
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler

logger = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    # One thread a request: a slow one never holds up the next ack.
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        logger.debug("HTTP %s", format % args)


class HttpServer:
    """Bolt's single endpoint, POST /slack/events, on a threaded WSGI server."""

    def __init__(self, app: App, *, host: str, port: int) -> None:
        wsgi_app = SlackRequestHandler(app, path=EVENTS_PATH)
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
