"""Building the Bolt app and its Web API client."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.builtin_interval_calculators import (
    BackoffRetryIntervalCalculator,
)
from slack_sdk.http_retry.handler import RetryHandler

from handlers import register_all
from handlers.deps import Deps

logger = logging.getLogger(__name__)

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


class MessageLimitRetryHandler(RetryHandler):
    """Waits out `message_limit_exceeded`, which Slack answers with HTTP 200
    (so the 429 handler never sees it) when a channel or workspace gets
    more messages than it allows; the waits grow 1 s, 2 s, 4 s."""

    def __init__(self, max_retry_count: int = 3, interval_calculator=None) -> None:
        super().__init__(
            max_retry_count=max_retry_count,
            interval_calculator=interval_calculator
            or BackoffRetryIntervalCalculator(backoff_factor=1.0),
        )

    def _can_retry(self, *, state, request, response=None, error=None) -> bool:
        return (
            response is not None
            and response.status_code == 200
            and (response.body or {}).get("error") == "message_limit_exceeded"
        )


def build_client(token: str, api_url: str) -> WebClient:
    """A WebClient on `api_url` that waits out 429s and message limits, and
    retries 5xx once."""
    return WebClient(
        token=token,
        base_url=api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            MessageLimitRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=1),
        ],
    )


def build_app(
    deps: Deps,
    *,
    client: WebClient,
    signing_secret: str | None = None,
    socket_mode: bool = False,
    executor: ListenerExecutor | None = None,
) -> App:
    """The Bolt app with every listener registered.

    HTTP mode needs the signing secret; Socket Mode requests are not signed.
    The token is checked with auth.test when the app is built.
    """
    app = App(
        client=client,
        signing_secret=None if socket_mode else signing_secret,
        request_verification_enabled=not socket_mode,
        process_before_response=False,
        listener_executor=executor or ListenerExecutor(),
        logger=logging.getLogger("slack_bolt.App"),
    )
    register_all(app, deps)
    return app
