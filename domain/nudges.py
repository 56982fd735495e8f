"""When an incident's review is nudged, and when its channel is reminded.

The clock starts when the incident is resolved. Without a review time the
channel is nudged at +24 h and +48 h and told at +72 h that the review is
overdue; each step waits for the next working hour. Scheduling the review
stops the nudges, holding it stops everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from domain.follow_up_settings import NudgePolicy, WorkingHours


class NudgeStep(StrEnum):
    FIRST = "24h"
    SECOND = "48h"
    OVERDUE = "72h"


AFTER_RESOLUTION = {
    NudgeStep.FIRST: timedelta(hours=24),
    NudgeStep.SECOND: timedelta(hours=48),
    NudgeStep.OVERDUE: timedelta(hours=72),
}

STEPS_OF_POLICY = {
    NudgePolicy.ALWAYS: (NudgeStep.FIRST, NudgeStep.SECOND, NudgeStep.OVERDUE),
    NudgePolicy.ONCE: (NudgeStep.FIRST,),
    NudgePolicy.NEVER: (),
}

# How far back a resolution can lie and still have a nudge to send: the
# last step, a week of closed days (a team working one day a week) and the
# catch-up after downtime.
LONGEST_WAIT = AFTER_RESOLUTION[NudgeStep.OVERDUE] + timedelta(days=8)


@dataclass(frozen=True)
class DueNudge:
    step: NudgeStep
    due_at: datetime


def current_nudge(
    *,
    resolved_at: datetime,
    policy: NudgePolicy,
    hours: WorkingHours,
    now: datetime,
    catch_up: timedelta,
) -> DueNudge | None:
    """The nudge to send now, if any.

    It is the latest step whose (working-hours) time has come; an earlier
    step it overtook is never sent, and neither is one due longer ago than
    `catch_up`: after downtime only what still applies goes out.
    """
    passed = []
    for step in STEPS_OF_POLICY[policy]:
        due_at = hours.next_open(resolved_at + AFTER_RESOLUTION[step])
        if due_at <= now:
            passed.append(DueNudge(step=step, due_at=due_at))
    if not passed:
        return None
    latest = passed[-1]
    if now - latest.due_at > catch_up:
        return None
    return latest


def reminder_due(*, review_at: datetime, lead: timedelta | None, now: datetime) -> bool:
    """Whether to remind the channel of a review at `review_at` now: from
    `lead` before it until it starts."""
    return lead is not None and review_at - lead <= now < review_at


def reminder_period(review_at: datetime) -> str:
    """The period of a review's reminder: a new time gets a new reminder."""
    return review_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%MZ")
