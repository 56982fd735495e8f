"""Timeline event kinds, the reactions that tag them, and derived durations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class EventKind(StrEnum):
    START = "start"
    DETECTION = "detection"
    ACKNOWLEDGEMENT = "acknowledgement"
    INVESTIGATION = "investigation"
    MITIGATION = "mitigation"
    RESOLUTION = "resolution"
    COMMUNICATION = "communication"
    OTHER = "other"


KIND_LABELS = {
    EventKind.START: "Start",
    EventKind.DETECTION: "Detection",
    EventKind.ACKNOWLEDGEMENT: "Acknowledged",
    EventKind.INVESTIGATION: "Investigation",
    EventKind.MITIGATION: "Mitigation",
    EventKind.RESOLUTION: "Resolution",
    EventKind.COMMUNICATION: "Communication",
    EventKind.OTHER: "Event",
}

# Reactions that tag a message, and the kind each one means. `None` means
# "an event; infer the kind from the text, else other". A workspace can
# replace this map with its own.
DEFAULT_TAG_REACTIONS: dict[str, EventKind | None] = {
    "pushpin": None,
    "rotating_light": EventKind.DETECTION,
    "eyes": EventKind.ACKNOWLEDGEMENT,
    "mag": EventKind.INVESTIGATION,
    "hammer_and_wrench": EventKind.MITIGATION,
    "white_check_mark": EventKind.RESOLUTION,
    "loudspeaker": EventKind.COMMUNICATION,
}


def base_reaction(name: str) -> str:
    """The reaction without its skin tone: `+1::skin-tone-2` becomes `+1`."""
    return name.split("::", 1)[0]


def kind_for_reaction(
    reaction: str, tag_reactions: Mapping[str, EventKind | None] | None = None
) -> tuple[bool, EventKind | None]:
    """Whether `reaction` tags an event, and the kind it names (None: infer)."""
    mapping = DEFAULT_TAG_REACTIONS if tag_reactions is None else tag_reactions
    name = base_reaction(reaction)
    if name not in mapping:
        return False, None
    return True, mapping[name]


# Words that give away what a message reports, checked in this order. Only
# used when the tag itself does not say the kind.
_KIND_HINTS: tuple[tuple[EventKind, tuple[str, ...]], ...] = (
    (EventKind.RESOLUTION, ("resolved", "all clear", "fully recovered")),
    (
        EventKind.MITIGATION,
        ("mitigated", "rolled back", "rollback", "roll back", "reverted", "kill"),
    ),
    (EventKind.COMMUNICATION, ("status page", "statuspage", "customers", "tweet")),
    (EventKind.DETECTION, ("alert", "firing", "paged", "triggered")),
    (EventKind.ACKNOWLEDGEMENT, (" ack ", "i'm on it", "looking now", " on it")),
    (EventKind.START, ("deploying", "deployed", "rolling out", "released")),
    (EventKind.INVESTIGATION, ("investigating", "looking into", "suspect")),
)


def infer_kind(text: str) -> EventKind:
    """A best guess at the kind of event a message reports, else OTHER."""
    lowered = f" {text.lower()} "
    for kind, hints in _KIND_HINTS:
        if any(hint in lowered for hint in hints):
            return kind
    return EventKind.OTHER


@dataclass(frozen=True)
class Durations:
    """Time from the incident's start to each milestone (None: not reached)."""

    started_at: datetime
    detect: timedelta | None
    acknowledge: timedelta | None
    mitigate: timedelta | None
    resolve: timedelta | None


@dataclass(frozen=True)
class Moment:
    kind: str
    at: datetime


def derive_durations(
    events: Iterable[Moment],
    *,
    declared_at: datetime,
    mitigated_at: datetime | None = None,
    resolved_at: datetime | None = None,
) -> Durations:
    """Durations measured from the first start or detection event.

    Without either, the incident's declared time is the start. Time to
    detect needs a start event: without one it is unknown (None). An explicit
    mitigated or resolved time on the incident wins over tagged events.
    """
    ordered = sorted(events, key=lambda moment: moment.at)

    def first(*kinds: EventKind) -> datetime | None:
        return next((m.at for m in ordered if m.kind in kinds), None)

    start = first(EventKind.START, EventKind.DETECTION) or declared_at
    detected = first(EventKind.DETECTION)
    if first(EventKind.START) is None:
        # Without the moment it began, nothing says how long it went unseen:
        # "0 s" would claim it was seen at once.
        detected = None
    acknowledged = first(EventKind.ACKNOWLEDGEMENT)
    mitigated = mitigated_at or first(EventKind.MITIGATION)
    resolved = resolved_at or first(EventKind.RESOLUTION)

    def since_start(moment: datetime | None) -> timedelta | None:
        return None if moment is None else moment - start

    return Durations(
        started_at=start,
        detect=since_start(detected),
        acknowledge=since_start(acknowledged),
        mitigate=since_start(mitigated),
        resolve=since_start(resolved),
    )


def format_duration(value: timedelta | None) -> str:
    """`1 h 07 min`, `27 min`, `45 s`; an em dash when there is no value."""
    if value is None:
        return "—"
    seconds = int(value.total_seconds())
    sign = "-" if seconds < 0 else ""
    seconds = abs(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{sign}{hours} h {minutes:02d} min"
    if minutes:
        return f"{sign}{minutes} min"
    return f"{sign}{seconds} s"


def posted_and_stated(
    *, posted_at: datetime, stated_at: datetime | None, zone: ZoneInfo
) -> str | None:
    """ "posted 14:20, says 14:05" for an event whose stated moment is not the
    minute it was posted, on the reader's clock; None when they agree."""
    if stated_at is None:
        return None
    posted_local, stated_local = posted_at.astimezone(zone), stated_at.astimezone(zone)
    posted, stated = posted_local.strftime("%H:%M"), stated_local.strftime("%H:%M")
    if posted_local.date() != stated_local.date():
        # A stated time on another day shows both days.
        posted = posted_local.strftime("%a %d %b %H:%M")
        stated = stated_local.strftime("%a %d %b %H:%M")
    elif posted == stated:
        return None
    return f"posted {posted}, says {stated}"
