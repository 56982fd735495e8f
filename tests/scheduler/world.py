"""A workspace for scheduler tests: the database, the Slack stand-in, a
clock the test moves, and the jobs bound to them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from slack_sdk.http_retry.builtin_interval_calculators import (
    FixedValueRetryIntervalCalculator,
)

from bot.client import MessageLimitRetryHandler, build_client
from bot.local import BOT_TOKEN
from domain import follow_up_settings
from handlers.deps import Deps
from scheduler.jobs import DEFAULT_CATCH_UP, DEFAULT_CLAIM_TIMEOUT, build_jobs
from slack_standin import Call, SlackStandIn
from store import digests, incidents, reviews, workspaces
from store.db import Database
from store.models import ActionItem, Incident, PostClaim
from tests.handlers.people import ALICE, BOB, CHANNEL, TEAM

DAVE = "U06DAVE0004"


class Clock:
    """The bot's clock; tests set or move it."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def set(self, at: datetime) -> datetime:
        self.at = at
        return at

    def advance(self, **delta: float) -> datetime:
        return self.set(self.at + timedelta(**delta))


def fast_client(api_url: str):
    """The bot's own client, with message-limit waits shortened for tests."""
    client = build_client(BOT_TOKEN, api_url)
    for handler in client.retry_handlers:
        if isinstance(handler, MessageLimitRetryHandler):
            handler.interval_calculator = FixedValueRetryIntervalCalculator(0.01)
    return client


class World:
    def __init__(
        self,
        db: Database,
        standin: SlackStandIn,
        *,
        clock: Clock,
        replica: str = "replica-a",
        catch_up: timedelta = DEFAULT_CATCH_UP,
        claim_timeout: timedelta = DEFAULT_CLAIM_TIMEOUT,
        deps: Deps | None = None,
        client=None,
    ) -> None:
        self.db = db
        self.standin = standin
        self.clock = clock
        self.client = client or fast_client(standin.api_url)
        self.deps = deps or Deps(db=db, now=clock)
        self.jobs = build_jobs(
            self.deps,
            self.client,
            catch_up=catch_up,
            claim_timeout=claim_timeout,
            replica=replica,
        )

    def tick(self, at: datetime | None = None) -> None:
        """One tick: every job, failures raised rather than logged."""
        if at is not None:
            self.clock.set(at)
        for job in self.jobs:
            job(self.clock())

    # -- seeding -------------------------------------------------------------

    def incident(
        self,
        channel_id: str = CHANNEL,
        *,
        resolved_at: datetime | None,
        severity: str = "P1",
        commander: str = ALICE,
        facilitator: str | None = BOB,
        title: str = "Checkout errors",
        review_at: datetime | None = None,
        archived: bool = False,
        private: bool = False,
        card_ts: str | None = None,
        timezone: str | None = None,
    ) -> Incident:
        declared_at = (resolved_at or self.clock()) - timedelta(hours=2)
        with self.db.session() as session:
            workspace = workspaces.ensure_workspace(session, team_id=TEAM)
            if timezone:
                workspace.timezone = timezone
                session.add(workspace)
            incident = incidents.declare(
                session,
                team_id=TEAM,
                channel_id=channel_id,
                channel_name="inc",
                title=title,
                severity=severity,
                declared_by=commander,
                commander_id=commander,
                declared_at=declared_at,
                is_private=private,
            )
            incident.facilitator_id = facilitator
            incident.resolved_at = resolved_at
            incident.status = "resolved" if resolved_at else "open"
            incident.review_scheduled_at = review_at
            incident.is_archived = archived
            if card_ts:
                incident.review_card_channel_id = channel_id
                incident.review_card_ts = card_ts
            session.add(incident)
        return incident

    def item(
        self,
        incident: Incident,
        *,
        deliverable: str = "Add a canary stage to checkout deploys",
        owner: str | None = ALICE,
        deadline: date | None = None,
        zone: str = "UTC",
        created_at: datetime | None = None,
        progress_at: datetime | None = None,
        done_at: datetime | None = None,
    ) -> ActionItem:
        created_at = created_at or self.clock() - timedelta(days=1)
        with self.db.session() as session:
            item = reviews.add_action_item(
                session,
                team_id=TEAM,
                incident_id=incident.id,
                deliverable=deliverable,
                owner_id=owner,
                deadline=deadline,
                deadline_zone=zone,
                priority="high",
                contributing_factor=None,
                vague_kept=False,
                created_by=ALICE,
                now=created_at,
            )
            item.last_progress_at = progress_at or created_at
            if done_at is not None:
                item.status = "done"
                item.done_at = done_at
            session.add(item)
        return item

    def subscribe(
        self,
        channel_id: str,
        *,
        weekday: int = 0,
        at: str = "09:00",
        timezone: str = "Europe/Berlin",
        since: datetime | None = None,
    ) -> None:
        with self.db.session() as session:
            workspaces.ensure_workspace(session, team_id=TEAM)
            digests.subscribe(
                session,
                team_id=TEAM,
                channel_id=channel_id,
                weekday=weekday,
                at_time=at,
                timezone=timezone,
                by=ALICE,
                now=since or datetime(2024, 1, 1, tzinfo=UTC),
            )

    def settings(self, **changes) -> None:
        follow_up_settings.change_follow_up(self.db, team_id=TEAM, **changes)

    # -- reading what happened -------------------------------------------------

    def posts(self, channel: str | None = None) -> list[Call]:
        calls = self.standin.calls_to("chat.postMessage")
        return [c for c in calls if channel is None or c.args["channel"] == channel]

    def claims(self) -> list[PostClaim]:
        from sqlmodel import select

        with self.db.session() as session:
            return list(session.exec(select(PostClaim).order_by(PostClaim.id)))


def text_of(call: Call) -> str:
    """Everything a posted message says: its text and its blocks."""
    return f"{call.args.get('text', '')}\n{call.args.get('blocks', '')}"


__all__ = ["ALICE", "BOB", "CHANNEL", "DAVE", "TEAM", "Clock", "World", "text_of"]
