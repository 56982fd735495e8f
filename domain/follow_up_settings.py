"""How a workspace wants its follow-up done, changed with `/pir settings`.

Which severities are nudged to hold their review, the working hours nudges
keep to (in the workspace's time zone), how long before a review the
channel is reminded, and whether action-item owners also get their own
digest. Everything is one workspace setting; the time zone is the
workspace's own.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from domain.errors import PirError
from domain.incidents import Severity
from store import workspaces
from store.db import Database

logger = logging.getLogger(__name__)

SETTING_KEY = "follow_up"

WEEKDAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)

# A reminder further ahead than a day is no reminder; closer than five
# minutes comes too late to matter.
MIN_REMINDER = timedelta(minutes=5)
MAX_REMINDER = timedelta(hours=24)


class SettingError(PirError):
    """A `/pir settings` value that cannot be used; says what to type."""


class NudgePolicy(StrEnum):
    """How hard an incident of one severity is pushed towards its review."""

    ALWAYS = "always"  # +24 h, +48 h, then overdue at +72 h with a direct message
    ONCE = "once"  # one gentle reminder at +24 h
    NEVER = "never"


DEFAULT_NUDGES = {
    Severity.P1: NudgePolicy.ALWAYS,
    Severity.P2: NudgePolicy.ALWAYS,
    Severity.P3: NudgePolicy.ONCE,
    Severity.P4: NudgePolicy.NEVER,
}


@dataclass(frozen=True)
class WorkingHours:
    """When nudges may go out: `start` to `end` on `days` (0 is Monday),
    wall-clock time in `timezone`."""

    timezone: str
    days: frozenset[int] = frozenset(range(5))
    start: time = time(9)
    end: time = time(18)

    def next_open(self, moment: datetime) -> datetime:
        """`moment` itself when it falls in working hours, else the next
        opening (in UTC). Daylight saving is followed: 09:00 stays 09:00."""
        zone = ZoneInfo(self.timezone)
        first_day = moment.astimezone(zone).date()
        for offset in range(8):
            day = first_day + timedelta(days=offset)
            if day.weekday() not in self.days:
                continue
            opens = datetime.combine(day, self.start, tzinfo=zone)
            closes = datetime.combine(day, self.end, tzinfo=zone)
            if moment < opens:
                return opens.astimezone(UTC)
            if moment < closes:
                return moment
        return moment


class FollowUpSettings(BaseModel):
    """The stored setting; anything unreadable falls back to the default."""

    model_config = ConfigDict(extra="ignore")

    nudges: dict[Severity, NudgePolicy] = Field(
        default_factory=lambda: dict(DEFAULT_NUDGES)
    )
    working_days: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4])
    working_start: str = "09:00"
    working_end: str = "18:00"
    # 0 turns the reminder before a scheduled review off.
    reminder_minutes: int = 60
    owner_digests: bool = False

    def policy_for(self, severity: str) -> NudgePolicy:
        if severity in Severity._value2member_map_:
            known = Severity(severity)
            return self.nudges.get(known, DEFAULT_NUDGES[known])
        return NudgePolicy.NEVER

    def working_hours(self, timezone: str) -> WorkingHours:
        return WorkingHours(
            timezone=timezone,
            days=frozenset(self.working_days),
            start=time.fromisoformat(self.working_start),
            end=time.fromisoformat(self.working_end),
        )

    @property
    def reminder_lead(self) -> timedelta | None:
        if self.reminder_minutes <= 0:
            return None
        return timedelta(minutes=self.reminder_minutes)


def read_settings(raw: Any) -> FollowUpSettings:
    """The stored JSON as settings; the defaults when missing or unreadable."""
    if not isinstance(raw, dict):
        return FollowUpSettings()
    try:
        return FollowUpSettings.model_validate(raw)
    except ValidationError:
        logger.warning("Unreadable follow-up settings; using the defaults")
        return FollowUpSettings()


@dataclass(frozen=True)
class WorkspaceFollowUp:
    settings: FollowUpSettings
    timezone: str


def load_follow_up(db: Database, *, team_id: str) -> WorkspaceFollowUp:
    with db.session() as session:
        workspace = workspaces.ensure_workspace(session, team_id=team_id)
        raw = workspaces.get_setting(session, team_id=team_id, key=SETTING_KEY)
        return WorkspaceFollowUp(
            settings=read_settings(raw), timezone=workspace.timezone
        )


# --- Reading what people type -------------------------------------------------

_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.I)


def parse_clock(text: str) -> time:
    """A time of day from "09:00", "9", "9am" or "5:30pm"; raises SettingError."""
    match = _CLOCK.match(text.strip())
    if match:
        hour, minute = int(match.group(1)), int(match.group(2) or 0)
        suffix = (match.group(3) or "").lower()
        if suffix:
            valid = 1 <= hour <= 12
            hour = hour % 12 + (12 if suffix == "pm" else 0)
        else:
            valid = hour < 24
        if valid and minute < 60:
            return time(hour, minute)
    raise SettingError(
        f"I could not read {text.strip()[:20]!r} as a time of day. "
        "Write it as 09:00 or 9am."
    )


def parse_hours(text: str) -> tuple[time, time]:
    """(start, end) from "09:00-18:00" or "9am to 5pm"; raises SettingError."""
    parts = re.split(r"\s*(?:-|–|to)\s*", text.strip(), maxsplit=1)
    if len(parts) != 2:
        raise SettingError(
            "Give the working hours as a range, e.g. `/pir settings hours 09:00-18:00`."
        )
    start, end = parse_clock(parts[0]), parse_clock(parts[1])
    if end <= start:
        raise SettingError(
            f"Working hours must end after they start ({start:%H:%M} to "
            f"{end:%H:%M}); nights across midnight are not supported."
        )
    return start, end


def parse_weekday(word: str) -> int | None:
    """0 for "monday", "mon" or "mondays", ...; None when it is no weekday."""
    cleaned = word.strip().lower().rstrip("s")
    if len(cleaned) < 3:
        return None
    for index, day in enumerate(WEEKDAYS):
        if day.startswith(cleaned):
            return index
    return None


def parse_days(text: str) -> list[int]:
    """Days from "mon-fri", "weekdays", "mon,tue,thu" or "every day"; raises
    SettingError."""
    cleaned = text.strip().lower()
    if cleaned in ("weekdays", "workdays"):
        return [0, 1, 2, 3, 4]
    if cleaned in ("every day", "everyday", "daily", "all"):
        return list(range(7))
    days: set[int] = set()
    for part in re.split(r"[,\s]+", cleaned):
        if not part:
            continue
        ends = part.split("-", 1)
        first = parse_weekday(ends[0])
        last = parse_weekday(ends[-1])
        if first is None or last is None:
            raise SettingError(
                f"{part[:20]!r} is not a day. Write the working days as "
                "`mon-fri`, `mon,tue,thu` or `every day`."
            )
        span = (last - first) % 7
        days.update((first + step) % 7 for step in range(span + 1))
    if not days:
        raise SettingError("Name at least one working day, e.g. `mon-fri`.")
    return sorted(days)


_DURATION = re.compile(r"^(\d{1,4})\s*(m|min|mins|minutes?|h|hrs?|hours?)$", re.I)


def parse_reminder(text: str) -> int:
    """Minutes before a review to remind the channel ("1h", "30 min",
    "off" for none); raises SettingError."""
    cleaned = text.strip().lower()
    if cleaned in ("off", "none", "no", "0"):
        return 0
    match = _DURATION.match(cleaned)
    if not match:
        raise SettingError(
            "Say how long before the review to remind the channel, e.g. "
            "`/pir settings reminder 1h`, `30m` or `off`."
        )
    amount = int(match.group(1))
    lead = (
        timedelta(hours=amount)
        if match.group(2)[0] == "h"
        else timedelta(minutes=amount)
    )
    if not MIN_REMINDER <= lead <= MAX_REMINDER:
        raise SettingError(
            "Remind between 5 minutes and 24 hours before the review, or `off`."
        )
    return int(lead.total_seconds() // 60)


def parse_policy(text: str) -> NudgePolicy:
    word = text.strip().lower()
    if word in NudgePolicy._value2member_map_:
        return NudgePolicy(word)
    raise SettingError(
        f"{word[:20]!r} is not a nudge rule. Choose `always` (24 h, 48 h, then "
        "overdue at 72 h), `once` (one reminder at 24 h) or `never`."
    )


def parse_severity_word(text: str) -> Severity:
    word = text.strip().upper()
    if word in Severity._value2member_map_:
        return Severity(word)
    raise SettingError(
        f"{text.strip()[:10]!r} is not a severity; use P1, P2, P3 or P4, e.g. "
        "`/pir settings nudges P3 always`."
    )


def parse_switch(text: str) -> bool:
    word = text.strip().lower()
    if word in ("on", "yes", "true"):
        return True
    if word in ("off", "no", "false"):
        return False
    raise SettingError("Say `on` or `off`.")


def parse_zone(text: str) -> str:
    name = text.strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingError(
            f"{name[:40]!r} is not a time zone name. Use an IANA name such as "
            "Europe/Berlin, America/New_York or UTC."
        ) from None
    if "/" not in name and name.upper() != "UTC":
        raise SettingError(
            f"Write {name[:10]!r} as a place, such as Europe/Paris: abbreviations "
            "do not follow daylight saving time."
        )
    return name


# --- Changing the settings ----------------------------------------------------


def change_follow_up(
    db: Database, *, team_id: str, **changes: Any
) -> WorkspaceFollowUp:
    """Store `changes` (field=value of FollowUpSettings) for the workspace."""
    with db.session() as session:
        workspace = workspaces.ensure_workspace(session, team_id=team_id)
        raw = workspaces.get_setting(session, team_id=team_id, key=SETTING_KEY)
        current = read_settings(raw)
        if "nudges" in changes:
            changes["nudges"] = {**current.nudges, **changes["nudges"]}
        updated = current.model_copy(update=changes)
        workspaces.put_setting(
            session,
            team_id=team_id,
            key=SETTING_KEY,
            value=updated.model_dump(mode="json"),
        )
        timezone = workspace.timezone
    logger.info("Workspace %s changed follow-up settings %s", team_id, sorted(changes))
    return WorkspaceFollowUp(settings=updated, timezone=timezone)


def change_timezone(db: Database, *, team_id: str, timezone: str) -> WorkspaceFollowUp:
    with db.session() as session:
        workspace = workspaces.ensure_workspace(session, team_id=team_id)
        workspaces.set_timezone(session, team_id=team_id, timezone=timezone)
        raw = workspaces.get_setting(session, team_id=team_id, key=SETTING_KEY)
        settings = read_settings(raw)
    logger.info("Workspace %s now keeps time in %s", workspace.team_id, timezone)
    return WorkspaceFollowUp(settings=settings, timezone=timezone)
