"""Slack's message text: timestamps, mentions and mrkdwn escaping."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

_TS = re.compile(r"^\d{1,12}\.\d{1,6}$")
_MENTION = re.compile(r"<([@#!])([^>|]+)(?:\|([^>]*))?>")


class InvalidTimestamp(ValueError):
    def __init__(self, ts: object) -> None:
        super().__init__(f"{ts!r} is not a Slack message timestamp")


def ts_to_datetime(ts: str) -> datetime:
    """The moment a Slack `ts` stands for, in UTC, exact to the microsecond.

    The `ts` stays a string everywhere else: it is the message's id.
    """
    if not isinstance(ts, str) or not _TS.match(ts):
        raise InvalidTimestamp(ts)
    try:
        seconds = Decimal(ts)
    except InvalidOperation:
        raise InvalidTimestamp(ts) from None
    whole = int(seconds)
    micros = int((seconds - whole) * 1_000_000)
    return datetime.fromtimestamp(whole, UTC).replace(microsecond=micros)


def datetime_to_ts(moment: datetime, sequence: int = 0) -> str:
    """A Slack-shaped `ts` for a moment (used by the demo and tests)."""
    micros = moment.microsecond + sequence
    return f"{int(moment.timestamp()):010d}.{micros:06d}"


def escape_mrkdwn(text: str) -> str:
    """Escape `&`, `<` and `>` so that echoed text cannot ping or link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain_mentions(text: str, name_of: Callable[[str], str | None]) -> str:
    """Turn `<@U…>`, `<#C…|name>` and `<!here>` into readable names.

    `name_of` maps a user id to a display name (None when unknown).
    """

    def replace(match: re.Match[str]) -> str:
        sigil, ident, label = match.groups()
        if sigil == "@":
            return "@" + (label or name_of(ident) or ident)
        if sigil == "#":
            return "#" + (label or ident)
        if sigil == "!":
            return "@" + (label or ident.split("^", 1)[0])
        return match.group(0)

    return _MENTION.sub(replace, text)


def unescape_slack(text: str) -> str:
    """Undo the HTML escaping Slack applies to message text."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def slack_date(moment: datetime) -> str:
    """A moment Slack shows in each reader's own time zone (UTC as fallback)."""
    fallback = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"<!date^{int(moment.timestamp())}^{{date_short}} {{time}}|{fallback}>"


# Characters that belong to the one before them: combining marks, the
# zero-width joiner, variation selectors and emoji skin tones.
def _joins_previous(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.combining(char) != 0
        or code == 0x200D
        or 0xFE00 <= code <= 0xFE0F
        or 0x1F3FB <= code <= 0x1F3FF
        or 0xE0020 <= code <= 0xE007F
    )


def clamp(text: str, limit: int, *, ellipsis: str = "…") -> str:
    """`text` cut to at most `limit` characters, never inside an emoji or an
    accented letter, ending with `ellipsis` when something was cut."""
    if len(text) <= limit:
        return text
    cut = max(limit - len(ellipsis), 0)
    while cut > 0 and (_joins_previous(text[cut]) or text[cut - 1] == "\u200d"):
        cut -= 1
    if _splits_a_flag(text, cut):
        cut -= 1
    return text[:cut] + ellipsis


def _is_regional_indicator(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF


def _splits_a_flag(text: str, cut: int) -> bool:
    # A flag is a pair of regional indicators; count the run before the cut.
    run = 0
    while cut - run > 0 and _is_regional_indicator(text[cut - run - 1]):
        run += 1
    return run % 2 == 1 and cut < len(text) and _is_regional_indicator(text[cut])


def counted(count: int, one: str, many: str | None = None) -> str:
    """`1 event`, `2 events`: a count with its noun in the right number."""
    return f"{count} {one if count == 1 else (many or one + 's')}"
