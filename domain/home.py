"""What one person's Home tab shows: the action items they own, the reviews
they facilitate or command that still need a time or their sections, and
the workspace's latest reviews.

A review of a private channel is shown only where `can_see` allows its
channel (the caller asks Slack who is a member). Action items are the
exception: an item belongs to its owner, so it is shown to them whatever
channel its review is in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from itertools import islice

from domain.digest import DigestEntry, deadline_ends
from domain.nudges import AFTER_RESOLUTION, NudgeStep
from domain.review import Section
from domain.search import CanSee
from store import home
from store.db import Database
from store.models import Incident

logger = logging.getLogger(__name__)

SECTIONS = len(Section)
# A review not scheduled this long after its incident was resolved is late,
# as the overdue nudge says.
OVERDUE_AFTER = AFTER_RESOLUTION[NudgeStep.OVERDUE]
_NEVER = datetime.max.replace(tzinfo=UTC)


class ReviewStep(StrEnum):
    """Where a review that is not held yet stands."""

    NEEDS_TIME = "needs_time"
    OVERDUE = "overdue"
    SCHEDULED = "scheduled"


def review_step(incident: Incident, *, now: datetime) -> ReviewStep:
    if incident.review_scheduled_at is not None:
        return ReviewStep.SCHEDULED
    resolved = incident.resolved_at
    if resolved is not None and now - resolved >= OVERDUE_AFTER:
        return ReviewStep.OVERDUE
    return ReviewStep.NEEDS_TIME


@dataclass(frozen=True)
class ReviewToFinish:
    incident: Incident
    step: ReviewStep
    sections_done: int


@dataclass(frozen=True)
class HomeLimits:
    """How many rows of each part the Home view has room for."""

    action_items: int
    reviews_to_finish: int
    latest_reviews: int


@dataclass(frozen=True)
class Home:
    """One person's Home tab as plain data; `more_*` count what did not fit."""

    action_items: list[DigestEntry]
    more_action_items: int
    reviews_to_finish: list[ReviewToFinish]
    more_reviews_to_finish: int
    latest_reviews: list[Incident]


def urgency(entry: DigestEntry) -> tuple:
    """Most urgent first: by the moment the deadline day ends in the item's
    zone (so overdue items come first, the most overdue leading), items
    without a deadline last."""
    ends = deadline_ends(entry.item)
    return (ends is None, ends or _NEVER, entry.item.id or 0)


def gather_home(
    db: Database,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    can_see: CanSee,
    limits: HomeLimits,
) -> Home:
    """Everything the Home tab of `user_id` shows, read in three statements
    whatever the data; Slack is asked about private channels (`can_see`)
    only after the session is closed.

    Reviews to finish and latest reviews read some rows more than they show,
    so that private ones the person may not see can be skipped. Of the
    reviews to finish that are not read at all, "more" counts every one,
    private or not.
    """
    (item_rows, items_total), (finish_rows, finish_total), latest_rows = _read(
        db, team_id=team_id, user_id=user_id, limits=limits
    )

    entries = [
        DigestEntry(item=item, incident=incident) for item, incident in item_rows
    ]
    entries.sort(key=urgency)

    to_finish, hidden = _reviews_to_finish(
        finish_rows, can_see=can_see, limit=limits.reviews_to_finish, now=now
    )
    # Lazily, so that Slack is asked about no more channels than needed.
    visible = (incident for incident in latest_rows if _visible(incident, can_see))
    latest = list(islice(visible, limits.latest_reviews))

    logger.debug(
        "Gathered the home of %s in %s: %d items, %d reviews to finish, %d latest",
        user_id,
        team_id,
        items_total,
        finish_total - hidden,
        len(latest),
    )
    return Home(
        action_items=entries,
        more_action_items=items_total - len(entries),
        reviews_to_finish=to_finish,
        more_reviews_to_finish=finish_total - hidden - len(to_finish),
        latest_reviews=latest,
    )


def _read(db: Database, *, team_id: str, user_id: str, limits: HomeLimits):
    """The three lists, one statement each, in one session."""
    with db.session() as session:
        items = home.list_open_items_of_owner(
            session, team_id=team_id, owner_id=user_id, limit=limits.action_items
        )
        to_finish = home.list_reviews_to_finish(
            session,
            team_id=team_id,
            user_id=user_id,
            limit=2 * limits.reviews_to_finish,
        )
        latest = home.list_latest_reviews(
            session,
            team_id=team_id,
            public_limit=limits.latest_reviews,
            private_limit=2 * limits.latest_reviews,
        )
    return items, to_finish, latest


def _reviews_to_finish(
    rows, *, can_see: CanSee, limit: int, now: datetime
) -> tuple[list[ReviewToFinish], int]:
    """The first `limit` rows the person may see, and how many rows before
    the last one shown were hidden."""
    shown: list[ReviewToFinish] = []
    hidden = 0
    for incident, done in rows:
        if len(shown) == limit:
            break
        if not _visible(incident, can_see):
            hidden += 1
            continue
        step = review_step(incident, now=now)
        shown.append(ReviewToFinish(incident, step, min(done, SECTIONS)))
    return shown, hidden


def _visible(incident: Incident, can_see: CanSee) -> bool:
    return not incident.is_private or can_see(incident.channel_id)
