"""The Web API client. Kept apart from the app so that a bare Bolt app (the
ack benchmark's baseline) can use the same client without importing pirbot."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)


def build_client(token: str, api_url: str) -> WebClient:
    """A WebClient on `api_url` that waits out 429s and retries 5xx once."""
    return WebClient(
        token=token,
        base_url=api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=1),
        ],
    )
