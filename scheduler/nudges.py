"""The job that nudges teams to hold their reviews and reminds them before
the meeting.

Each tick reads the incidents that may have something due in one
statement, works out in Python which nudge or reminder is due now, claims
those posts and sends them. Nothing about an incident lives in the
scheduler: a restart, a second replica or downtime changes nothing but
when a post goes out.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from domain.capture import REPLICA
from domain.follow_up_settings import MAX_REMINDER, SETTING_KEY, read_settings
from domain.nudges import (
    LONGEST_WAIT,
    NudgeStep,
    current_nudge,
    reminder_due,
    reminder_period,
)
from domain.posts import PostKey, PostKind
from handlers import follow_up_views
from handlers.deps import Deps
from scheduler.posting import UNREACHABLE_CHANNEL, Delivered, Outcomes, send
from store import scheduling, workspaces
from store.models import Incident
from store.scheduling import Claim

logger = logging.getLogger(__name__)

# Within one incident: the channel's nudge before the note to a person.
_KIND_ORDER = {PostKind.NUDGE: 0, PostKind.OVERDUE_DM: 1, PostKind.REMINDER: 2}


@dataclass(frozen=True)
class DuePost:
    key: PostKey
    incident: Incident
    step: NudgeStep | None = None
    lead: timedelta | None = None


class ReviewNudgeJob:
    """Runs once a tick with the tick's time."""

    def __init__(
        self,
        deps: Deps,
        client: WebClient,
        *,
        catch_up: timedelta,
        claim_timeout: timedelta,
        replica: str = REPLICA,
    ) -> None:
        self.deps = deps
        self.client = client
        self.catch_up = catch_up
        self.claim_timeout = claim_timeout
        self.replica = replica

    def __repr__(self) -> str:
        return "ReviewNudgeJob"

    def __call__(self, at: datetime) -> None:
        with self.deps.db.session() as session:
            rows = scheduling.list_follow_up_incidents(
                session,
                resolved_after=at - LONGEST_WAIT - self.catch_up,
                review_before=at + MAX_REMINDER,
                now=at,
            )
            if not rows:
                return
            stored = workspaces.list_settings(
                session,
                team_ids={incident.team_id for incident, _ in rows},
                keys=[SETTING_KEY],
            )
            due = {post.key.unique: post for post in self.due_posts(rows, stored, at)}
            claims = scheduling.claim_posts(
                session,
                keys=[post.key for post in due.values()],
                claimed_by=self.replica,
                now=at,
                stale_before=at - self.claim_timeout,
            )

        outcomes = Outcomes()
        redirected: set[int] = set()
        for claim in sorted(claims, key=lambda c: _order(due[c.key.unique])):
            self._send(due[claim.key.unique], claim, outcomes, redirected)
        outcomes.save(self.deps.db, now=at)

    def due_posts(
        self, rows: list[tuple[Incident, str]], stored: dict, at: datetime
    ) -> Iterator[DuePost]:
        """The nudge or reminder each incident has due at `at`, if any."""
        for incident, timezone in rows:
            settings = read_settings(stored.get((incident.team_id, SETTING_KEY)))

            def key(kind: PostKind, period: str, incident=incident) -> PostKey:
                return PostKey(
                    team_id=incident.team_id,
                    kind=kind,
                    target=incident.channel_id,
                    period=period,
                )

            if incident.review_scheduled_at is not None:
                lead = settings.reminder_lead
                review_at = incident.review_scheduled_at
                if reminder_due(review_at=review_at, lead=lead, now=at):
                    period = reminder_period(review_at)
                    yield DuePost(key(PostKind.REMINDER, period), incident, lead=lead)
                continue
            if incident.resolved_at is None:
                continue
            nudge = current_nudge(
                resolved_at=incident.resolved_at,
                policy=settings.policy_for(incident.severity),
                hours=settings.working_hours(timezone),
                now=at,
                catch_up=self.catch_up,
            )
            if nudge is None:
                continue
            yield DuePost(key(PostKind.NUDGE, nudge.step), incident, step=nudge.step)
            if nudge.step is NudgeStep.OVERDUE and not incident.is_archived:
                yield DuePost(
                    key(PostKind.OVERDUE_DM, nudge.step), incident, step=nudge.step
                )

    def _send(
        self, post: DuePost, claim: Claim, outcomes: Outcomes, redirected: set[int]
    ) -> None:
        incident = post.incident
        try:
            if post.key.kind is PostKind.OVERDUE_DM:
                if incident.id in redirected:
                    # The channel's nudge already went to this person.
                    outcomes.posted(claim, None)
                    return
                recipient = incident.facilitator_id or incident.commander_id
                text, blocks = follow_up_views.build_overdue_note(
                    incident, recipient=recipient
                )
                delivered = send(
                    self.client, channel=recipient, text=text, blocks=blocks
                )
            else:
                if post.key.kind is PostKind.REMINDER:
                    text, blocks = follow_up_views.build_review_reminder(
                        incident, review_at=incident.review_scheduled_at, lead=post.lead
                    )
                else:
                    text, blocks = follow_up_views.build_nudge(post.step, incident)
                delivered = self._to_channel(incident, text, blocks, redirected)
        except SlackApiError as error:
            outcomes.failure(claim, str(error.response.get("error") or "slack_error"))
            return
        outcomes.posted(claim, delivered)

    def _to_channel(
        self, incident: Incident, text: str, blocks: list[dict], redirected: set[int]
    ) -> Delivered:
        """Post in the incident channel; to its facilitator (or commander)
        directly when the channel is archived or the bot left it."""
        if not incident.is_archived:
            try:
                return send(
                    self.client, channel=incident.channel_id, text=text, blocks=blocks
                )
            except SlackApiError as error:
                if error.response.get("error") not in UNREACHABLE_CHANNEL:
                    raise
                logger.info(
                    "Channel %s of incident %s is out of reach (%s)",
                    incident.channel_id,
                    incident.id,
                    error.response.get("error"),
                )
        recipient = incident.facilitator_id or incident.commander_id
        text, blocks = follow_up_views.redirected(incident, text, blocks)
        delivered = send(self.client, channel=recipient, text=text, blocks=blocks)
        redirected.add(incident.id)
        return delivered


def _order(post: DuePost) -> tuple[int, int]:
    return (post.incident.id, _KIND_ORDER[post.key.kind])
