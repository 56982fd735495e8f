"""The weekly action-item digest: when it is due and what it shows.

A channel subscribes for a weekday and a time of day in a time zone; each
week's slot is that wall-clock time there, so a Monday 09:00 digest stays
at 09:00 across daylight saving. Open items are grouped as overdue, due
this week, stale (no progress for 14 days) or on track; done ones count
towards the on-time rate.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from domain.errors import PirError
from domain.follow_up_settings import (
    WEEKDAYS,
    SettingError,
    parse_clock,
    parse_weekday,
    parse_zone,
)
from domain.review import ActionItemStatus
from store import digests, workspaces
from store.db import Database
from store.models import ActionItem, DigestSubscription, Incident

logger = logging.getLogger(__name__)

# No progress for this long means the item needs re-prioritising or a new
# owner.
STALE_AFTER = timedelta(days=14)
DONE_WINDOW = timedelta(days=7)
DUE_SOON_DAYS = 7

DEFAULT_WEEKDAY = 0
DEFAULT_TIME = time(9)


class DigestError(PirError):
    """A `/pir digest` request that cannot be applied; says what to type."""


@dataclass(frozen=True)
class DigestSchedule:
    weekday: int
    at: time
    timezone: str

    def last_slot(self, now: datetime) -> datetime:
        """The latest slot at or before `now`, in UTC."""
        zone = ZoneInfo(self.timezone)
        today = now.astimezone(zone).date()
        day = today - timedelta(days=(today.weekday() - self.weekday) % 7)
        slot = datetime.combine(day, self.at, tzinfo=zone)
        if slot > now:
            slot = datetime.combine(day - timedelta(days=7), self.at, tzinfo=zone)
        return slot.astimezone(UTC)

    def next_slot(self, now: datetime) -> datetime:
        zone = ZoneInfo(self.timezone)
        last = self.last_slot(now).astimezone(zone)
        following = datetime.combine(
            last.date() + timedelta(days=7), self.at, tzinfo=zone
        )
        return following.astimezone(UTC)

    def local_date(self, slot: datetime) -> date:
        return slot.astimezone(ZoneInfo(self.timezone)).date()

    def describe(self) -> str:
        return (
            f"every {WEEKDAYS[self.weekday].capitalize()} at {self.at:%H:%M} "
            f"({self.timezone})"
        )


def slot_period(schedule: DigestSchedule, slot: datetime) -> str:
    """A channel digest's period: the slot's date where it is read."""
    return schedule.local_date(slot).isoformat()


def week_period(schedule: DigestSchedule, slot: datetime) -> str:
    """The ISO week of a slot ("2024-W49"), for the owners' digests."""
    year, week, _ = schedule.local_date(slot).isocalendar()
    return f"{year}-W{week:02d}"


def due_slot(
    schedule: DigestSchedule,
    *,
    now: datetime,
    catch_up: timedelta,
    changed_at: datetime,
) -> datetime | None:
    """The slot to post now: the latest one, unless it is older than
    `catch_up` (downtime that long skips it) or older than the schedule
    itself (a new subscription does not post last week's digest)."""
    slot = schedule.last_slot(now)
    if now - slot > catch_up or slot < changed_at:
        return None
    return slot


def parse_schedule(text: str, *, default_zone: str) -> DigestSchedule:
    """A schedule from "monday 09:00 Europe/Berlin", in any order, each part optional
    (Monday, 09:00 and the workspace's zone by default). Raises DigestError."""
    weekday, at, zone = None, None, None
    joined = re.sub(r"(\d)\s+(am|pm)\b", r"\1\2", text, flags=re.I)
    for word in joined.split():
        if word.lower() in ("at", "on", "every"):
            continue
        day = parse_weekday(word)
        if day is not None and weekday is None:
            weekday = day
            continue
        if "/" in word or word.upper() == "UTC":
            if zone is not None:
                raise DigestError("Give one time zone, e.g. `Europe/Berlin`.")
            try:
                zone = parse_zone(word)
            except SettingError as error:
                raise DigestError(str(error)) from None
            continue
        try:
            clock = parse_clock(word)
        except SettingError:
            clock = None
        if clock is not None and at is None:
            at = clock
            continue
        raise DigestError(
            f"I did not understand {word[:30]!r}. Subscribe with "
            "`/pir digest here monday 09:00 Europe/Berlin` (day, time and zone "
            "are optional)."
        )
    return DigestSchedule(
        weekday=DEFAULT_WEEKDAY if weekday is None else weekday,
        at=at or DEFAULT_TIME,
        timezone=zone or default_zone,
    )


# --- What a digest shows ------------------------------------------------------


class DigestGroup(StrEnum):
    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    STALE = "stale"
    ON_TRACK = "on_track"
    DONE = "done"


GROUP_TITLES = {
    DigestGroup.OVERDUE: "Overdue",
    DigestGroup.DUE_SOON: "Due this week",
    DigestGroup.STALE: "Stale: no progress for 14 days",
    DigestGroup.ON_TRACK: "Later",
    DigestGroup.DONE: "Done in the last 7 days",
}


@dataclass(frozen=True)
class DigestEntry:
    """An action item with what the digest says about its incident.

    Deciding groups needs only some columns (`store.digests`' facts);
    showing an item needs the whole rows.
    """

    item: ActionItem | digests.DigestItemFacts
    incident: Incident | digests.DigestIncidentFacts

    @property
    def item_id(self) -> int:
        return self.item.id


def deadline_ends(item: ActionItem) -> datetime | None:
    """When the item's deadline day is over in its zone (UTC)."""
    if item.deadline is None:
        return None
    return _day_ends(item.deadline, item.deadline_zone or "UTC")


# A digest decides the group of thousands of items that share a few hundred
# deadline days; each day's end is worked out once.
@lru_cache(maxsize=8192)
def _day_ends(day: date, zone: str) -> datetime:
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(zone))
    return end.astimezone(UTC)


def local_today(item: ActionItem, now: datetime) -> date:
    return _today_in(now, item.deadline_zone or "UTC")


@lru_cache(maxsize=256)
def _today_in(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def last_progress(item: ActionItem) -> datetime:
    # An item's facts for a digest hold no creation time: their
    # last_progress_at is already the later of the two.
    return item.last_progress_at or item.created_at


def group_of(item: ActionItem, *, now: datetime) -> DigestGroup | None:
    """The one group an item shows in; None for one done long ago.

    Overdue wins over due this week, which wins over stale.
    """
    if item.status == ActionItemStatus.DONE.value:
        if item.done_at is not None and now - item.done_at <= DONE_WINDOW:
            return DigestGroup.DONE
        return None
    ends = deadline_ends(item)
    if ends is not None and now >= ends:
        return DigestGroup.OVERDUE
    if item.deadline is not None:
        days_left = (item.deadline - local_today(item, now)).days
        if days_left < DUE_SOON_DAYS:
            return DigestGroup.DUE_SOON
    if now - last_progress(item) >= STALE_AFTER:
        return DigestGroup.STALE
    return DigestGroup.ON_TRACK


def done_on_time(item: ActionItem) -> bool | None:
    """Whether a done item was done by the end of its deadline day; None
    when it is open or had no deadline."""
    ends = deadline_ends(item)
    if item.done_at is None or ends is None:
        return None
    return item.done_at < ends


@dataclass(frozen=True)
class OnTimeRate:
    on_time: int
    counted: int

    @property
    def percent(self) -> int | None:
        if not self.counted:
            return None
        return round(100 * self.on_time / self.counted)


def on_time_rate(items: Iterable[ActionItem]) -> OnTimeRate:
    verdicts = [done_on_time(item) for item in items]
    counted = [verdict for verdict in verdicts if verdict is not None]
    return OnTimeRate(on_time=sum(counted), counted=len(counted))


def group_entries(
    entries: Sequence[DigestEntry], *, now: datetime
) -> dict[DigestGroup, list[DigestEntry]]:
    """Entries by group, each group ordered by owner, then deadline."""
    groups: dict[DigestGroup, list[DigestEntry]] = {group: [] for group in DigestGroup}
    for entry in entries:
        group = group_of(entry.item, now=now)
        if group is not None:
            groups[group].append(entry)
    for members in groups.values():
        members.sort(key=_order)
    return groups


def _order(entry: DigestEntry) -> tuple:
    item = entry.item
    return (item.owner_id or "", item.deadline or date.max, item.id or 0)


def shown_in_channel(entry: DigestEntry, *, channel_id: str) -> bool:
    """A private incident's items show only in its own channel: the digest
    channel's members may not be its members."""
    return not entry.incident.is_private or entry.incident.channel_id == channel_id


# --- Subscribing ----------------------------------------------------------------

# The app's id, learnt from a slash command, for links to its Home tab.
APP_ID_SETTING = "app_id"


def schedule_of(subscription: DigestSubscription) -> DigestSchedule:
    return DigestSchedule(
        weekday=subscription.weekday,
        at=time.fromisoformat(subscription.at_time),
        timezone=subscription.timezone,
    )


def workspace_timezone(db: Database, *, team_id: str) -> str:
    with db.session() as session:
        return workspaces.ensure_workspace(session, team_id=team_id).timezone


def subscribe_channel(
    db: Database,
    *,
    team_id: str,
    channel_id: str,
    schedule: DigestSchedule,
    by: str,
    now: datetime,
    app_id: str | None = None,
) -> DigestSchedule:
    """Send the channel the digest on `schedule` (replacing an earlier one).
    A slot already past this week is not caught up."""
    with db.session() as session:
        workspaces.ensure_workspace(session, team_id=team_id)
        digests.subscribe(
            session,
            team_id=team_id,
            channel_id=channel_id,
            weekday=schedule.weekday,
            at_time=schedule.at.strftime("%H:%M"),
            timezone=schedule.timezone,
            by=by,
            now=now,
        )
        if app_id:
            workspaces.put_setting(
                session, team_id=team_id, key=APP_ID_SETTING, value=app_id
            )
    logger.info(
        "User %s subscribed channel %s of %s to the digest", by, channel_id, team_id
    )
    return schedule


def unsubscribe_channel(db: Database, *, team_id: str, channel_id: str) -> bool:
    with db.session() as session:
        removed = digests.unsubscribe(session, team_id=team_id, channel_id=channel_id)
    if removed:
        logger.info("Channel %s of %s left the digest", channel_id, team_id)
    return removed


def channel_schedule(
    db: Database, *, team_id: str, channel_id: str
) -> DigestSchedule | None:
    with db.session() as session:
        subscription = digests.get_subscription(
            session, team_id=team_id, channel_id=channel_id
        )
    return None if subscription is None else schedule_of(subscription)
