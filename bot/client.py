"""The Web API client. Kept apart from the app so that a bare Bolt app (the
ack benchmark's baseline) can use the same client without importing pirbot."""

from __future__ import annotations

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
