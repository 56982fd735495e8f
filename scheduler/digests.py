"""The job that posts the weekly action-item digests, in subscribed
channels and (when the workspace wants it) to each owner directly.

A digest is due from its slot until the catch-up period has passed, so a
bot that was down across a slot posts it once when it is back. The tick
claims due digests, reads what groups the items of the workspaces it
claimed for in one statement, decides which items each digest lists, and
reads those items whole in one more: a workspace has thousands of open
items, a digest lists at most a hundred or so.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from domain.capture import REPLICA
from domain.digest import (
    APP_ID_SETTING,
    DONE_WINDOW,
    DigestEntry,
    DigestSchedule,
    due_slot,
    group_entries,
    schedule_of,
    shown_in_channel,
    slot_period,
    week_period,
)
from domain.follow_up_settings import SETTING_KEY, read_settings
from domain.posts import PostKey, PostKind
from domain.review import ActionItemStatus
from handlers.deps import Deps
from handlers.digest_views import (
    PlannedMessage,
    Scope,
    build_digest_message,
    channel_summary,
    owner_summary,
    plan_digest,
)
from handlers.slack_reads import Person, WorkspaceLinks
from scheduler.posting import Delivered, Outcomes, send
from store import digests, scheduling, workspaces
from store.models import DigestMessage, DigestSubscription
from store.scheduling import Claim

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DueDigest:
    key: PostKey
    subscription: DigestSubscription | None
    schedule: DigestSchedule
    slot: datetime


@dataclass(frozen=True)
class PlannedDigest:
    """A claimed digest, where it goes and its messages, before posting."""

    claim: Claim
    channel: str
    plan: list[PlannedMessage]


class DigestJob:
    """Runs once a tick with the tick's time."""

    def __init__(
        self,
        deps: Deps,
        client: WebClient,
        *,
        catch_up: timedelta,
        claim_timeout: timedelta,
        replica: str = REPLICA,
        links: WorkspaceLinks | None = None,
    ) -> None:
        self.deps = deps
        self.client = client
        self.catch_up = catch_up
        self.claim_timeout = claim_timeout
        self.replica = replica
        self.links = links or WorkspaceLinks()

    def __repr__(self) -> str:
        return "DigestJob"

    def __call__(self, at: datetime) -> None:
        with self.deps.db.session() as session:
            due, stored = self._due(session, at)
            if not due:
                return
            claims = self._claim(session, list(due.values()), at)
            if not claims:
                return
            teams = {claim.key.team_id for claim in claims}
            rows = digests.list_digest_facts(
                session, team_ids=teams, done_since=at - DONE_WINDOW
            )
            entries: dict[str, list[DigestEntry]] = defaultdict(list)
            for item, incident in rows:
                entries[item.team_id].append(DigestEntry(item=item, incident=incident))
            owner_claims = self._claim_owners(session, claims, due, entries, at)
        app_ids = {
            team: value
            for (team, key), value in stored.items()
            if key == APP_ID_SETTING and value
        }

        outcomes = Outcomes()
        channel_digests = [
            self._plan_channel_digest(
                claim, due[claim.key.unique], entries, app_ids, at
            )
            for claim in claims
            if claim.key.kind is PostKind.DIGEST
        ]
        owner_digests = self._plan_owner_digests(
            owner_claims, entries, app_ids, outcomes, at
        )
        listed = self._listed_entries([*channel_digests, *owner_digests], teams)

        for planned in channel_digests:
            self._post_plan(planned, listed, outcomes, at)
        failed_teams = {
            planned.claim.key.team_id
            for planned in owner_digests
            if not self._post_plan(planned, listed, outcomes, at)
        }
        for claim in claims:
            if claim.key.kind is not PostKind.OWNER_DIGESTS:
                continue
            if claim.key.team_id in failed_teams:
                outcomes.failure(claim, "owner_digest_failed")
            else:
                outcomes.posted(claim, None)
        outcomes.save(self.deps.db, now=at)

    # -- what is due ---------------------------------------------------------

    def _due(self, session, at: datetime) -> tuple[dict[tuple, DueDigest], dict]:
        """The digests due at `at` by key, and the settings of their
        workspaces (two statements)."""
        slots = []
        for subscription in digests.list_subscriptions(session):
            schedule = schedule_of(subscription)
            slot = due_slot(
                schedule,
                now=at,
                catch_up=self.catch_up,
                changed_at=subscription.updated_at,
            )
            if slot is not None:
                slots.append((subscription, schedule, slot))
        if not slots:
            return {}, {}
        stored = workspaces.list_settings(
            session,
            team_ids={s.team_id for s, _, _ in slots},
            keys=[SETTING_KEY, APP_ID_SETTING],
        )

        due: dict[tuple, DueDigest] = {}
        for subscription, schedule, slot in slots:
            team_id = subscription.team_id
            key = PostKey(
                team_id=team_id,
                kind=PostKind.DIGEST,
                target=subscription.channel_id,
                period=slot_period(schedule, slot),
            )
            due[key.unique] = DueDigest(key, subscription, schedule, slot)
            if read_settings(stored.get((team_id, SETTING_KEY))).owner_digests:
                owners = PostKey(
                    team_id=team_id,
                    kind=PostKind.OWNER_DIGESTS,
                    target=team_id,
                    period=week_period(schedule, slot),
                )
                due.setdefault(owners.unique, DueDigest(owners, None, schedule, slot))
        return due, stored

    def _claim(self, session, keys_of: list, at: datetime) -> list[Claim]:
        return scheduling.claim_posts(
            session,
            keys=[due.key for due in keys_of],
            claimed_by=self.replica,
            now=at,
            stale_before=at - self.claim_timeout,
        )

    def _claim_owners(self, session, claims, due, entries, at) -> list[Claim]:
        """Claim each owner's own digest for the workspaces whose owners'
        round this process claimed."""
        keys = []
        for claim in claims:
            if claim.key.kind is not PostKind.OWNER_DIGESTS:
                continue
            team_id = claim.key.team_id
            owners = {
                entry.item.owner_id
                for entry in entries.get(team_id, [])
                if entry.item.owner_id
                and entry.item.status == ActionItemStatus.OPEN.value
            }
            for owner_id in sorted(owners):
                keys.append(
                    PostKey(
                        team_id=team_id,
                        kind=PostKind.OWNER_DIGEST,
                        target=owner_id,
                        period=f"{team_id}:{claim.key.period}",
                    )
                )
        if not keys:
            return []
        return scheduling.claim_posts(
            session,
            keys=keys,
            claimed_by=self.replica,
            now=at,
            stale_before=at - self.claim_timeout,
        )

    # -- posting -------------------------------------------------------------

    def _person(self, team_id: str, user_id: str) -> Person:
        return self.deps.people.person(self.client, team_id=team_id, user_id=user_id)

    def _link(self, entry: DigestEntry) -> str | None:
        return self.links.review_card(self.client, entry.incident)

    def _plan_channel_digest(self, claim, due, entries, app_ids, at) -> PlannedDigest:
        team_id, channel_id = claim.key.team_id, claim.key.target
        shown = [
            entry
            for entry in entries.get(team_id, [])
            if shown_in_channel(entry, channel_id=channel_id)
        ]
        left_out = len(entries.get(team_id, [])) - len(shown)
        groups = group_entries(shown, now=at)
        week = due.schedule.local_date(due.slot)
        plan = plan_digest(
            groups,
            scope=Scope.CHANNEL,
            title=f"Action items, week of {week:%a} {week.day} {week:%b}",
            summary=channel_summary(groups, left_out_private=left_out),
            more_link=WorkspaceLinks.home_tab(
                team_id=team_id, app_id=app_ids.get(team_id)
            ),
        )
        return PlannedDigest(claim, channel_id, plan)

    def _plan_owner_digests(
        self, owner_claims, entries, app_ids, outcomes, at
    ) -> list[PlannedDigest]:
        """Each owner's own open items (an owner who left gets none). The
        workspace's round counts as posted once none of its owners' digests
        failed."""
        by_owner: dict[tuple[str, str | None], list[DigestEntry]] = defaultdict(list)
        for team_id in {claim.key.team_id for claim in owner_claims}:
            for entry in entries.get(team_id, []):
                by_owner[(team_id, entry.item.owner_id)].append(entry)
        planned = []
        for claim in owner_claims:
            team_id, owner_id = claim.key.team_id, claim.key.target
            if self._person(team_id, owner_id).is_gone:
                outcomes.posted(claim, None)
                continue
            mine = by_owner.get((team_id, owner_id), [])
            groups = group_entries(mine, now=at)
            plan = plan_digest(
                groups,
                scope=Scope.OWNER,
                title="Your action items this week",
                summary=owner_summary(groups),
                more_link=WorkspaceLinks.home_tab(
                    team_id=team_id, app_id=app_ids.get(team_id)
                ),
            )
            planned.append(PlannedDigest(claim, owner_id, plan))
        return planned

    def _listed_entries(
        self, planned: list[PlannedDigest], teams: set[str]
    ) -> dict[int, DigestEntry]:
        """The items the digests list, read whole (one statement), by id."""
        item_ids = {
            item_id
            for digest in planned
            for message in digest.plan
            for item_id in message.item_ids
        }
        if not item_ids:
            return {}
        with self.deps.db.reading() as session:
            rows = digests.list_items_of_teams(
                session, team_ids=teams, item_ids=item_ids
            )
        return {
            item.id: DigestEntry(item=item, incident=incident)
            for item, incident in rows
        }

    def _post_plan(
        self,
        digest: PlannedDigest,
        by_id: dict[int, DigestEntry],
        outcomes: Outcomes,
        at: datetime,
    ) -> bool:
        """Post a digest's messages, the first in its channel and the rest in
        its thread. Only a failure of the first releases the claim; after a
        later one the parts before it stay posted (and the failure is
        logged)."""
        claim, channel, plan = digest.claim, digest.channel, digest.plan
        first: Delivered | None = None
        kept = []
        for planned in plan:
            text, blocks = self._render(claim.key.team_id, planned, by_id, at)
            try:
                delivered = send(
                    self.client,
                    channel=first.channel_id if first else channel,
                    text=text,
                    blocks=blocks,
                    thread_ts=first.ts if first else None,
                )
            except SlackApiError as error:
                reason = str(error.response.get("error") or "slack_error")
                if first is None:
                    outcomes.failure(claim, reason)
                    return False
                logger.error(
                    "Part %d of %s %s for %s failed (%s); the parts before it "
                    "stay posted",
                    planned.page.part,
                    claim.key.kind.value,
                    claim.key.period,
                    claim.key.target,
                    reason,
                )
                break
            first = first or delivered
            kept.append(_message_of(claim, planned, delivered, at))
        outcomes.posted(claim, first)
        outcomes.keep(kept)
        return True

    def _render(self, team_id: str, planned: PlannedMessage, by_id: dict, at):
        return build_digest_message(
            planned.page,
            [by_id[item_id] for item_id in planned.item_ids if item_id in by_id],
            now=at,
            person_of=lambda user_id: self._person(team_id, user_id),
            link_of=self._link,
        )


def _message_of(
    claim: Claim, planned: PlannedMessage, delivered: Delivered, at: datetime
) -> DigestMessage:
    return DigestMessage(
        team_id=claim.key.team_id,
        claim_id=claim.id,
        channel_id=delivered.channel_id,
        message_ts=delivered.ts,
        item_ids=planned.item_ids,
        page=planned.page.dump(),
        created_at=at,
    )
