"""Two schedulers on one database, ticking at the same moments in threads
of their own (each with its own engine, as two `pirbot run` processes
have): the stand-in's record shows every nudge, reminder and digest once."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from store.db import Database
from store.models import PostClaim
from tests.handlers.people import ALICE, BOB, QUIET_CHANNEL, TEAM
from tests.scheduler.world import Clock, World

RESOLVED = datetime(2024, 12, 2, 10, 0, tzinfo=UTC)  # Monday
INCIDENT_CHANNELS = [f"C08INC{number:05d}" for number in range(6)]
DIGEST_CHANNELS = [QUIET_CHANNEL, "C08DIGEST002"]


@pytest.fixture
def replicas(db: Database, standin) -> Iterator[tuple[World, World]]:
    for channel in INCIDENT_CHANNELS + DIGEST_CHANNELS[1:]:
        standin.add_channel(channel, name=channel.lower(), members=[ALICE, BOB])
    other = Database(db.url)
    first = World(db, standin, clock=Clock(RESOLVED), replica="replica-a")
    second = World(other, standin, clock=Clock(RESOLVED), replica="replica-b")
    yield first, second
    other.dispose()


def _together(replicas: tuple[World, World], at: datetime) -> None:
    """Both replicas tick at `at`, released at the same instant."""
    start = threading.Barrier(len(replicas))
    failures: list[Exception] = []

    def run(world: World) -> None:
        start.wait()
        try:
            world.tick(at)
        except Exception as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=run, args=(world,)) for world in replicas]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures


def _seed(world: World) -> None:
    world.settings(owner_digests=True)
    for channel in DIGEST_CHANNELS:
        world.subscribe(channel, weekday=2, at="09:00", timezone="UTC")
    for index, channel in enumerate(INCIDENT_CHANNELS):
        review_at = RESOLVED + timedelta(days=2, hours=3) if index == 0 else None
        incident = world.incident(channel, resolved_at=RESOLVED, review_at=review_at)
        world.item(
            incident, owner=ALICE if index % 2 else BOB, deadline=date(2024, 12, 3)
        )


def _moments() -> list[datetime]:
    digest_slot = datetime(2024, 12, 4, 9, 0, tzinfo=UTC)  # Wednesday
    due = [RESOLVED + timedelta(days=days) for days in (1, 2, 3)]
    reminder = RESOLVED + timedelta(days=2, hours=2)
    moments = []
    for moment in sorted([*due, digest_slot, reminder]):
        moments += [moment + timedelta(minutes=minute) for minute in (0, 0, 1)]
    return moments


def test_two_replicas_post_each_nudge_reminder_and_digest_once(replicas, standin):
    _seed(replicas[0])
    for moment in _moments():
        _together(replicas, moment)

    posts = standin.calls_to("chat.postMessage")
    by_message = Counter(
        (call.args["channel"], json.dumps(call.args["blocks"])) for call in posts
    )
    assert [message for message, count in by_message.items() if count > 1] == []

    claims = replicas[0].claims()
    assert all(claim.posted_at is not None for claim in claims)
    kinds = Counter(claim.kind for claim in claims)
    assert kinds == {
        "review_nudge": 3 * 5,  # the sixth incident has its review scheduled
        "review_overdue_dm": 5,
        "review_reminder": 1,
        "digest": 2,
        "owner_digests": 1,
        "owner_digest": 2,
    }
    posted_messages = sum(1 for claim in claims if claim.message_ts is not None)
    assert len(posts) == posted_messages


def test_a_stale_claim_is_taken_over_by_one_replica_only(replicas, standin) -> None:
    first, _ = replicas
    first.incident(INCIDENT_CHANNELS[0], resolved_at=RESOLVED)
    due_at = RESOLVED + timedelta(days=1)
    with first.db.session() as session:
        session.add(
            PostClaim(
                team_id=TEAM,
                kind="review_nudge",
                target=INCIDENT_CHANNELS[0],
                period="24h",
                claimed_by="killed",
                claimed_at=due_at,
            )
        )
    _together(replicas, due_at + timedelta(minutes=30))

    assert len(standin.messages(INCIDENT_CHANNELS[0])) == 1
    (claim,) = first.claims()
    assert claim.claimed_by in ("replica-a", "replica-b")
    assert claim.attempts == 2
