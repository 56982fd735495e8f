"""Building the Bolt app and its Web API client."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.middleware import Middleware
from slack_sdk import WebClient

from bot.client import build_client
from bot.health import Health
from handlers import register_all
from handlers.deps import Deps

logger = logging.getLogger(__name__)

__all__ = ["ListenerExecutor", "build_app", "build_client"]

# Bolt shares one pool between listeners and lazy functions; its default of
# five workers lets five slow jobs starve the next ack.
LISTENER_WORKERS = 32


class ListenerExecutor(ThreadPoolExecutor):
    """Bolt's listener pool, able to say when all submitted work is done.

    `pirbot demo` and the tests use `wait_idle` to know that the work a
    request started (lazy listeners included) has finished.
    """

    def __init__(self, max_workers: int = LISTENER_WORKERS) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="pirbot-listener")
        self._pending = 0
        self._idle = threading.Condition()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        with self._idle:
            self._pending += 1
        future = super().submit(fn, *args, **kwargs)
        future.add_done_callback(self._one_done)
        return future

    def _one_done(self, _future: Future) -> None:
        with self._idle:
            self._pending -= 1
            self._idle.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no listener runs; False if `timeout` passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout)


def _quiet_about_our_client(record: logging.LogRecord) -> bool:
    """Bolt reads SLACK_BOT_TOKEN itself and warns, at every start, that the
    client given to it wins over that token: which is meant."""
    return not record.getMessage().startswith("As you gave `client` as well")


def build_app(
    deps: Deps,
    *,
    client: WebClient,
    signing_secret: str | None = None,
    socket_mode: bool = False,
    executor: ListenerExecutor | None = None,
    health: Health | None = None,
) -> App:
    """The Bolt app with every listener registered.

    HTTP mode needs the signing secret; Socket Mode requests are not signed.
    The token is checked with auth.test when the app is built. With
    `health`, every request that passed the signature check is noted there.
    """
    bolt_logger = logging.getLogger("slack_bolt.App")
    bolt_logger.addFilter(_quiet_about_our_client)
    app = App(
        client=client,
        signing_secret=None if socket_mode else signing_secret,
        request_verification_enabled=not socket_mode,
        process_before_response=False,
        listener_executor=executor or ListenerExecutor(),
        logger=bolt_logger,
    )
    if health is not None:
        app.use(_NoteSlackRequests(health))
    register_all(app, deps)
    return app


class _NoteSlackRequests(Middleware):
    """Notes each request in `health`. Bolt runs global middleware after the
    signature check, so a forged request never counts as Slack's."""

    def __init__(self, health: Health) -> None:
        self.health = health

    def process(self, *, req, resp, next):  # noqa: A002 - Bolt's argument name
        self.health.note_slack_request()
        return next()
