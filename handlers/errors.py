"""One error path for every listener.

A PirError is a refusal the person can act on: its text is shown as is. Any
other exception is logged with a short reference, and the person sees only
"something went wrong" with that reference, never the exception's text.
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from slack_bolt import App
from slack_sdk.errors import SlackApiError

from domain.errors import PirError
from handlers.deps import Deps

logger = logging.getLogger(__name__)


def new_reference() -> str:
    return secrets.token_hex(4)


def describe_failure(error: Exception, *, where: str) -> str:
    """What to tell the person about `error`, logging what an operator needs."""
    if isinstance(error, PirError):
        logger.info("Refused %s: %s", where, type(error).__name__)
        return str(error)
    reference = new_reference()
    if isinstance(error, SlackApiError):
        logger.error(
            "Slack answered %s during %s (ref %s)",
            error.response.get("error"),
            where,
            reference,
        )
    else:
        logger.exception("Failed %s (ref %s)", where, reference, exc_info=error)
    return (
        f"Something went wrong on my side (ref {reference}). "
        "Nothing already stored was lost; please try again."
    )


def answer_failure(error: Exception, *, where: str, respond: Any | None) -> None:
    text = describe_failure(error, where=where)
    if respond is None or not getattr(respond, "response_url", None):
        return
    try:
        respond(text=text, response_type="ephemeral", replace_original=False)
    except (SlackApiError, OSError, ValueError):
        logger.warning("Could not tell the person about the failure of %s", where)


def guarded(func: Callable[..., None]) -> Callable[..., None]:
    """Run a lazy listener through the error path (Bolt only logs its errors)."""

    @functools.wraps(func)
    def run(*args, **kwargs) -> None:
        try:
            func(*args, **kwargs)
        except Exception as error:  # noqa: BLE001 - this is the error path
            answer_failure(error, where=func.__name__, respond=kwargs.get("respond"))

    return run


def handle_listener_error(error: Exception, body: dict, respond: Any) -> None:
    kind = body.get("type") or body.get("command") or "request"
    can_respond = bool(body.get("response_url") or body.get("response_urls"))
    answer_failure(error, where=str(kind), respond=respond if can_respond else None)


def register(app: App, deps: Deps) -> None:
    app.error(handle_listener_error)


@contextmanager
def after_ack(where: str, respond: Any | None = None) -> Iterator[None]:
    """Run the work a listener does after its ack through the error path.

    The ack has gone, so a failure can no longer change Slack's answer; the
    person is told (when there is a surface to tell them on) and it is logged.
    """
    try:
        yield
    except Exception as error:  # noqa: BLE001 - this is the error path
        answer_failure(error, where=where, respond=respond)
