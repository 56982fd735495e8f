"""Reading moments that people type: "14:05", "10 minutes earlier",
"yesterday 23:50 PST", "next friday".

Text is read with dateparser relative to a base moment (the message's own
time, or now) in the writer's time zone, limited to the configured
languages so that text with no date in it stays fast.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import dateparser
import pytz

from domain.errors import PirError

DEFAULT_LANGUAGES: tuple[str, ...] = ("en",)

# Longer input than this is not a time anyone typed on purpose.
_MAX_WHEN_LENGTH = 80

# Phrases dateparser does not know, rewritten to ones it does.
_REWRITES = (
    (re.compile(r"\b(earlier|before)\b", re.I), "ago"),
    (re.compile(r"\bmins?\b", re.I), "minutes"),
    (re.compile(r"\bhrs?\b", re.I), "hours"),
    (re.compile(r"\bhalf an? hour\b", re.I), "30 minutes"),
    (re.compile(r"^\s*(at|around|about|approx\.?|~)\s*", re.I), ""),
)


# Zone abbreviations dateparser reads. Others, such as IST (India, Ireland
# or Israel), it would silently ignore and read the time in the writer's
# zone, so they are refused with a hint instead.
_ZONE_NAMES = (
    "UTC GMT Z",
    "PST PDT MST MDT CST CDT EST EDT AKST AKDT HST",  # the Americas
    "BST WET WEST CET CEST EET EEST MSK",  # Europe
    "JST KST HKT SGT AEST AEDT ACST AWST NZST NZDT",  # Asia and Oceania
)
ZONE_ABBREVIATIONS = frozenset(" ".join(_ZONE_NAMES).split())
# Zone abbreviations in use elsewhere that dateparser does not read (or
# reads one of several ways): after a clock time they are refused, never
# taken for words.
_OTHER_ZONE_NAMES = (
    "IST AST ADT NST NDT CAT EAT WAT SAST PKT NPT ICT WIB WITA PHT MYT BRT ART",
    "CLT COT PET VET GST IRST TRT AZT AMT GET AWDT ACDT AEDT",
)
OTHER_ZONE_ABBREVIATIONS = (
    frozenset(" ".join(_OTHER_ZONE_NAMES).split()) - ZONE_ABBREVIATIONS
)
_TRAILING_ZONE = re.compile(r"\d(?:\s?[apAP]\.?[mM]\.?)?\s?([A-Z]{2,5})$")


class Prefer(StrEnum):
    PAST = "past"
    FUTURE = "future"


class UnreadableTime(PirError, ValueError):
    """The text names no moment the bot can read."""

    def __init__(self, text: str, message: str | None = None) -> None:
        self.text = text
        super().__init__(
            message
            or f"I could not read {text!r} as a time. Try 14:05, 14:05 UTC, "
            "10 minutes ago or yesterday 23:50."
        )


class UnknownZone(UnreadableTime):
    """A time names a zone abbreviation the bot cannot read for sure."""

    def __init__(self, text: str, zone: str) -> None:
        self.zone = zone
        super().__init__(
            text,
            f"I do not know which zone {zone} is in {text!r}. Write the offset "
            "instead, such as 14:05 +05:30, or the time in UTC.",
        )


def read_when(
    text: str,
    *,
    base: datetime,
    timezone: str,
    prefer: Prefer = Prefer.PAST,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
) -> datetime:
    """The moment `text` names, aware and in UTC.

    `base` (aware) is "now" for relative phrases. A span ("10 minutes ago")
    counts back in real time; a time or day ("14:05", "yesterday 23:50") is
    read on the wall clock of `timezone`, so that daylight saving is taken
    as people live it: a bare clock time goes to the day before (or after)
    when it would otherwise land on the wrong side of the base, an hour the
    change repeats gives the moment nearest the base on the preferred side,
    and an hour it skips is refused. A time naming its zone ("14:05 UTC",
    "2pm PST", "14:05 +05:30") is read in that zone. Raises UnreadableTime,
    or UnknownZone for a zone abbreviation such as IST.
    """
    cleaned = text.strip()
    if not cleaned or len(cleaned) > _MAX_WHEN_LENGTH:
        raise UnreadableTime(text)
    zone_named = _TRAILING_ZONE.search(cleaned)
    if zone_named and zone_named.group(1) not in ZONE_ABBREVIATIONS | {"AM", "PM"}:
        raise UnknownZone(text, zone_named.group(1))
    for pattern, replacement in _REWRITES:
        cleaned = pattern.sub(replacement, cleaned)

    zone = ZoneInfo(timezone)
    bare_clock = _is_bare_clock_time(cleaned)
    if _NAMES_A_ZONE.search(cleaned):
        return _in_its_own_zone(
            cleaned,
            base=base,
            timezone=timezone,
            prefer=prefer,
            languages=languages,
            bare_clock=bare_clock,
        )
    if _SPAN.match(cleaned):
        utc_base = base.astimezone(UTC).replace(tzinfo=None)
        wall = _parse(cleaned, languages, utc_base, preference=prefer.value, text=text)
        return wall.replace(tzinfo=UTC)

    local_base = base.astimezone(zone).replace(tzinfo=None)
    if bare_clock:
        wall = _parse(
            cleaned, languages, local_base, preference="current_period", text=text
        )
        return _nearest_wall_clock(wall.time(), base=base, zone=zone, prefer=prefer)
    wall = _parse(cleaned, languages, local_base, preference=prefer.value, text=text)
    moments = _wall_clock_moments(wall, zone)
    if not moments:
        raise _skipped(text, wall, zone)
    return _preferred(moments, base=base, prefer=prefer) or moments[0]


def _in_its_own_zone(
    text: str, *, base, timezone: str, prefer: Prefer, languages, bare_clock: bool
) -> datetime:
    """A time that names its zone: dateparser reads it there. Such zones have
    fixed offsets, so a bare clock time moves by whole days in UTC."""
    local_base = base.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
    try:
        parsed = dateparser.parse(
            text,
            languages=list(languages),
            settings={
                "RELATIVE_BASE": local_base,
                "TIMEZONE": timezone,
                "RETURN_AS_TIMEZONE_AWARE": True,
                "TO_TIMEZONE": "UTC",
                # dateparser's own preference compares a bare clock time with
                # the base's wall clock, which is wrong in another zone; such
                # times are placed by _nearest_side instead.
                "PREFER_DATES_FROM": "current_period" if bare_clock else prefer.value,
            },
        )
    except pytz.exceptions.InvalidTimeError:
        parsed = None
    if parsed is None:
        raise UnreadableTime(text)
    moment = parsed.astimezone(UTC)
    if bare_clock:
        moment = _nearest_side(moment, base=base, prefer=prefer)
    return moment


# A time that says which zone it is in: UTC or GMT, an offset, or one of the
# abbreviations dateparser reads, at the end.
_NAMES_A_ZONE = re.compile(
    r"\b(UTC|GMT)\b|[+-]\d{2}:?\d{2}\s*$"
    rf"|\d\s*(?:[ap]\.?m\.?)?\s*(?-i:{'|'.join(sorted(ZONE_ABBREVIATIONS))})\s*$",
    re.I,
)
# A span of real time from now: "10 minutes ago", "in 2 weeks", "an hour".
_SPAN = re.compile(
    r"^\s*(in\s+)?(\d+|an?|one|two|three|four|five|ten|half an?)\s*"
    r"(seconds?|minutes?|hours?|days?|weeks?|months?)(\s+ago)?\s*$",
    re.I,
)


def _parse(
    cleaned: str, languages, local_base: datetime, *, preference: str, text: str
) -> datetime:
    """`cleaned` as a naive moment on the clock `local_base` is on, no zone
    applied. Raises UnreadableTime naming `text`, as the person wrote it."""
    parsed = dateparser.parse(
        cleaned,
        languages=list(languages),
        settings={
            "RELATIVE_BASE": local_base,
            "PREFER_DATES_FROM": preference,
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    if parsed is None:
        raise UnreadableTime(text)
    return parsed.replace(tzinfo=None)


def _wall_clock_moments(wall: datetime, zone: ZoneInfo) -> list[datetime]:
    """The moments (UTC) a wall-clock time names in `zone`: one, two in the
    hour a daylight-saving change repeats, none in the hour it skips."""
    moments = []
    for fold in (0, 1):
        moment = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        if moment.astimezone(zone).replace(tzinfo=None) == wall:
            moments.append(moment)
    return sorted(set(moments))


def _nearest_wall_clock(clock, *, base: datetime, zone: ZoneInfo, prefer: Prefer):
    """The last (or next) moment the wall clock in `zone` showed `clock`,
    seen from `base`, over the days around it."""
    local_now = base.astimezone(zone).replace(tzinfo=None)
    today = local_now.date()
    if clock <= local_now.time() and not _wall_clock_moments(
        datetime.combine(today, clock), zone
    ):
        # Earlier today, in the hour the clocks skipped: no such moment.
        raise _skipped(clock.strftime("%H:%M"), datetime.combine(today, clock), zone)
    moments = []
    for shift in (-1, 0, 1):
        wall = datetime.combine(today + timedelta(days=shift), clock)
        moments += _wall_clock_moments(wall, zone)
    chosen = _preferred(moments, base=base, prefer=prefer)
    if chosen is None:
        raise _skipped(clock.strftime("%H:%M"), datetime.combine(today, clock), zone)
    return chosen


def _preferred(moments: list[datetime], *, base: datetime, prefer: Prefer):
    """The latest moment not after `base` (or the earliest not before it),
    with a minute of slack for clocks that differ a little."""
    slack = timedelta(minutes=1)
    if prefer is Prefer.PAST:
        earlier = [m for m in moments if m <= base + slack]
        return max(earlier) if earlier else None
    later = [m for m in moments if m >= base - slack]
    return min(later) if later else None


def _skipped(text: str, wall: datetime, zone: ZoneInfo) -> UnreadableTime:
    return UnreadableTime(
        text,
        f"{wall:%H:%M} did not exist on {wall:%d %b} in {zone}: the clocks "
        "jumped past it. Give the time in UTC, or with its offset.",
    )


_CLOCK_ONLY = re.compile(
    r"^\d{1,2}(:\d{2}(:\d{2})?)?\s*(am|pm)?"
    r"(\s*(?P<zone>[a-z]{1,5})|\s*(?P<offset>[+-]\d{2}:?\d{2}))?$",
    re.I,
)


def _is_bare_clock_time(text: str) -> bool:
    """A time of day with at most a zone: "14:05", "2pm", "14:05 UTC".

    "20 Dec" and "2 weeks" are not: their word is no zone.
    """
    match = _CLOCK_ONLY.match(text.strip())
    if not match or text.strip().isdigit():
        return False
    zone = match.group("zone")
    return zone is None or zone.upper() in ZONE_ABBREVIATIONS


def _nearest_side(moment: datetime, *, base: datetime, prefer: Prefer) -> datetime:
    """The last (or next) time the clock showed this time, seen from `base`.

    A minute of slack allows for clocks that differ a little.
    """
    slack = timedelta(minutes=1)
    candidates = [moment + timedelta(days=shift) for shift in (-1, 0, 1)]
    if prefer is Prefer.PAST:
        earlier = [c for c in candidates if c <= base + slack]
        return max(earlier) if earlier else moment
    later = [c for c in candidates if c >= base - slack]
    return min(later) if later else moment


# Text that may name a moment: a clock time, am/pm, or a relative word.
# Plain numbers ("502s", "2 pods") are not moments.
_LOOKS_LIKE_A_MOMENT = re.compile(
    r"\d{1,2}:\d{2}|\d\s*[ap]\.?m\b|\b(ago|earlier|yesterday|today|noon|midnight)\b",
    re.I,
)


def split_leading_time(
    text: str,
    *,
    base: datetime,
    timezone: str,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
) -> tuple[datetime | None, str]:
    """Split "14:02 first alert fired" into (14:02 as UTC, "first alert fired").

    Tries the longest run of up to four leading words that reads as a moment
    and leaves at least one word of text. Without one: (None, text).
    """
    words = text.split()
    for count in range(min(4, len(words) - 1), 0, -1):
        candidate = " ".join(words[:count])
        if not _LOOKS_LIKE_A_MOMENT.search(candidate):
            continue
        try:
            moment = read_when(
                candidate, base=base, timezone=timezone, languages=languages
            )
        except UnknownZone as unknown:
            # "14:05 IST first alert": a zone we cannot read for sure must
            # not quietly become the writer's own zone.
            if unknown.zone in OTHER_ZONE_ABBREVIATIONS:
                raise
            continue
        except UnreadableTime:
            continue
        return moment, " ".join(words[count:])
    return None, text.strip()


class UnreadableDeadline(UnreadableTime):
    """A deadline that cannot be read, or that has already passed."""

    def __init__(self, text: str, message: str | None = None) -> None:
        super().__init__(
            text,
            message
            or f"I could not read {text[:40]!r} as a date. Try next friday, "
            "in 2 weeks, 2024-12-20 or 20 Dec.",
        )


# Deadline phrases dateparser does not know, as ones it does.
_DEADLINE_REWRITES = (
    (re.compile(r"^\s*(by|before|until|due)\s+", re.I), ""),
    (re.compile(r"^\s*(eow|end of (the )?week)\s*$", re.I), "friday"),
    (re.compile(r"^\s*(eod|end of (the )?day|today)\s*$", re.I), "today"),
)
_END_OF_MONTH = re.compile(r"^\s*(eom|end of (the )?month)\s*$", re.I)


def read_deadline(
    text: str,
    *,
    now: datetime,
    timezone: str,
    languages: Sequence[str] = DEFAULT_LANGUAGES,
) -> date:
    """The calendar day a deadline names ("next friday", "in 2 weeks",
    "2024-12-20"), read in `timezone` (the owner's) and preferring the
    future. Raises UnreadableDeadline, also for a day already past there."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    cleaned = text.strip()
    for pattern, replacement in _DEADLINE_REWRITES:
        cleaned = pattern.sub(replacement, cleaned)

    if _END_OF_MONTH.match(cleaned):
        following = (today.replace(day=28) + timedelta(days=4)).replace(day=1)
        day = following - timedelta(days=1)
    elif cleaned.lower() == "today":
        day = today
    else:
        try:
            moment = read_when(
                cleaned,
                base=now,
                timezone=timezone,
                prefer=Prefer.FUTURE,
                languages=languages,
            )
        except UnreadableTime:
            raise UnreadableDeadline(text) from None
        day = moment.astimezone(zone).date()

    if day < today:
        raise UnreadableDeadline(
            text,
            f"{day:%a %d %b %Y} has already passed; give a day from today on.",
        )
    return day


def is_only_a_time(text: str, *, base: datetime, timezone: str) -> bool:
    """Whether `text` is a time and nothing else ("14:02", "10 min ago")."""
    if not _LOOKS_LIKE_A_MOMENT.search(text):
        return False
    try:
        read_when(text, base=base, timezone=timezone)
    except UnreadableTime:
        return False
    return True
