"""Moments that a message states in its own words.

A responder who writes "rolled back at 14:05 UTC" at 14:20 means 14:05. The
event keeps both times: when the message was posted (its `ts`) and when it
says the thing happened. Only phrasings that clearly name a moment are read:

- a clock time after "at", "since", "from", "around", "about", "@" or "~":
  "at 14:05 UTC", "~14:52", "since 13:40", "around 2:05pm";
- a clock time that opens the message: "14:02 first alert fired";
- a span ago: "10 min ago", "about an hour ago", "half an hour ago".

Plain numbers ("502s", "at 100% CPU", "v14.05") never are. A stated moment
must lie in the day before the message and not after it. A clock time that
comes up within the next few hours is a plan, not the time of the event:
"deploying at 15:00", written at 14:20, leaves the event at 14:20, while
"paged at 02:00", written at 14:20, means 02:00 that morning. The text is
matched with regular expressions first, so a message without such a phrase
costs no parsing; dateparser reads only the few candidate phrases.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfoNotFoundError

from domain.times import (
    DEFAULT_LANGUAGES,
    ZONE_ABBREVIATIONS,
    Prefer,
    UnreadableTime,
    read_when,
)

# How far before its message a stated moment may lie, and the clock skew
# allowed after it.
LOOKBACK = timedelta(hours=24)
SKEW = timedelta(minutes=1)
PLAN_HORIZON = timedelta(hours=3)

# Only the first few candidates are read: a message that lists many times
# is a log paste, and its first moment is the one that matters.
_MAX_CANDIDATES = 3

# Slack links, user and channel mentions, and code never state a moment.
_NOT_PROSE = re.compile(r"<[^>\n]*>|```.*?```|`[^`\n]*`", re.S)

_ZONES = "|".join(sorted(ZONE_ABBREVIATIONS, key=len, reverse=True))
_CLOCK = (
    r"(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?(?:\s?[ap]\.?m\.?)?"
    r"|(?:0?[1-9]|1[0-2])\s?[ap]\.?m\.?"
)
_ZONE = (
    r"(?:\s?(?:UTC|GMT)?[+-](?:[01]?\d)(?::?[0-5]\d)?(?!\d)"
    rf"|\s?(?:{_ZONES})\b(?![+-]\d))?"
)
# A clock time followed by another capitalised abbreviation ("13:40 IST")
# names a zone that cannot be read for sure, so it is not read at all.
_UNKNOWN_ZONE_NEXT = r"(?!\s?(?-i:[A-Z]{2,5})\b)"

_AFTER_A_WORD = re.compile(
    rf"(?:\b(?:at|since|from|around|about|approx(?:imately|\.)?|by)\s+|@\s?|~\s?)"
    rf"(?P<moment>(?:{_CLOCK}){_ZONE}){_UNKNOWN_ZONE_NEXT}(?![\w:.%])",
    re.I,
)
_OPENING = re.compile(
    rf"^\s*(?P<moment>(?:{_CLOCK}){_ZONE}){_UNKNOWN_ZONE_NEXT}(?![\w:.%])", re.I
)

_NUMBER_WORDS = r"\d{1,3}|an?|one|two|three|four|five|ten|fifteen|twenty|thirty"
_SPAN_AGO = re.compile(
    rf"\b(?P<moment>(?:half an?\s+hour|(?:{_NUMBER_WORDS})(?:\s?-\s?|\s)?"
    r"(?:minutes?|mins?|m|hours?|hrs?|h|seconds?|secs?|s))\s+ago)\b",
    re.I,
)
_HALF_AN_HOUR = re.compile(r"half an?\s+hour", re.I)


def extract_stated_time(
    text: str,
    *,
    posted_at: datetime,
    timezone: str,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
) -> datetime | None:
    """The moment `text` says something happened, in UTC, or None.

    Relative phrases count back from `posted_at` (aware); a clock time
    without a zone is read in `timezone`, the author's. Never raises on any
    text: what cannot be read is simply not a stated time.
    """
    prose = _NOT_PROSE.sub(" ", text or "")
    for phrase, is_clock in _candidates(prose):
        moment = _read(
            phrase, posted_at=posted_at, timezone=timezone, languages=languages
        )
        if moment is None or not posted_at - LOOKBACK <= moment <= posted_at + SKEW:
            continue
        if is_clock and moment + timedelta(days=1) - posted_at <= PLAN_HORIZON:
            continue
        return moment
    return None


def _candidates(prose: str) -> list[tuple[str, bool]]:
    """Phrases that may name a moment, in the order they appear, each with
    whether it is a clock time (rather than a span ago)."""
    found: list[tuple[int, str, bool]] = []
    opening = _OPENING.match(prose)
    if opening:
        found.append((opening.start("moment"), opening.group("moment"), True))
    for pattern, is_clock in ((_AFTER_A_WORD, True), (_SPAN_AGO, False)):
        for count, match in enumerate(pattern.finditer(prose)):
            if count == _MAX_CANDIDATES:
                break
            found.append((match.start("moment"), match.group("moment"), is_clock))
    found.sort()
    return [(phrase, is_clock) for _start, phrase, is_clock in found[:_MAX_CANDIDATES]]


def _read(
    phrase: str, *, posted_at: datetime, timezone: str, languages: Sequence[str]
) -> datetime | None:
    phrase = _HALF_AN_HOUR.sub("30 minutes", phrase)
    phrase = re.sub(r"(\d)\s?-\s?(?=[a-z])", r"\1 ", phrase, flags=re.I)
    try:
        return read_when(
            phrase,
            base=posted_at,
            timezone=timezone,
            prefer=Prefer.PAST,
            languages=languages,
        )
    except (UnreadableTime, ZoneInfoNotFoundError, ValueError, OverflowError):
        return None
