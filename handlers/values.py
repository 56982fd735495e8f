"""Reading back what the bot itself wrote into button values and modal
metadata. Slack returns them as sent, so anything else did not come from
the bot: the readers answer None and the listener leaves such a request
alone (logged, never an error)."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Ids the bot writes are database ids: far below this.
_LARGEST_ID = 2**31 - 1


def json_object(raw: Any) -> dict | None:
    """The JSON object in `raw`, or None."""
    if not isinstance(raw, str) or not raw:
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def whole_number(value: Any) -> int | None:
    """A non-negative id as the bot wrote it (an int, or its digits)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and 0 <= value <= _LARGEST_ID:
        return value
    return None


def text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def time_zone(value: Any) -> str | None:
    """An IANA zone name the bot wrote, or None."""
    if not isinstance(value, str):
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return value
