"""The weekly action-item digest through the stand-in: its groups, owners
who left, private reviews, Slack's limits, daylight saving and catch-up
after downtime."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import select

from domain.digest import APP_ID_SETTING
from handlers.ids import ActionItemAction
from store import workspaces
from store.models import DigestMessage
from tests.handlers.people import ALICE, BOB, CAROL, CHANNEL, QUIET_CHANNEL
from tests.scheduler.world import TEAM, Clock, World, text_of

BERLIN = ZoneInfo("Europe/Berlin")
# Monday 2 December 2024, 09:00 in Berlin.
SLOT = datetime(2024, 12, 2, 9, 0, tzinfo=BERLIN)
CARD_TS = "1733050000.000100"
PRIVATE = "G07SECRET001"


@pytest.fixture
def clock() -> Clock:
    return Clock(SLOT)


@pytest.fixture
def week(world: World):
    """A digest channel and one item in every state."""
    world.subscribe(QUIET_CHANNEL)
    incident = world.incident(resolved_at=SLOT - timedelta(days=20), card_ts=CARD_TS)
    items = {
        "overdue": world.item(
            incident, deliverable="Alert on 502s", deadline=date(2024, 11, 29)
        ),
        "due": world.item(
            incident, deliverable="Runbook", owner=BOB, deadline=date(2024, 12, 5)
        ),
        "stale": world.item(
            incident,
            deliverable="Load test",
            owner=CAROL,
            deadline=date(2025, 1, 31),
            progress_at=SLOT - timedelta(days=20),
        ),
        "on_track": world.item(
            incident, deliverable="Canary deploys", deadline=date(2025, 1, 31)
        ),
        "on_time": world.item(
            incident,
            deliverable="Rotate keys",
            deadline=date(2024, 11, 29),
            done_at=SLOT - timedelta(days=4),
        ),
        "late": world.item(
            incident,
            deliverable="Fix dashboards",
            owner=BOB,
            deadline=date(2024, 11, 29),
            done_at=SLOT - timedelta(days=2),
        ),
        "long_done": world.item(
            incident, deliverable="Old work", done_at=SLOT - timedelta(days=10)
        ),
    }
    return incident, items


def _digests(world: World):
    return world.posts(QUIET_CHANNEL)


def _button_values(call, action: ActionItemAction) -> list[str]:
    return [
        element["value"]
        for block in call.args["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
        if element["action_id"] == action.value
    ]


def test_the_digest_groups_items_with_counts_and_the_on_time_rate(
    world: World, week
) -> None:
    _, items = week
    world.tick(SLOT)

    (digest,) = _digests(world)
    text = text_of(digest)
    for heading in (
        "*Overdue* (1)",
        "*Due this week* (1)",
        "*Stale: no progress for 14 days* (1)",
        "*Done in the last 7 days* (2)",
    ):
        assert heading in text
    assert "1 of 2 on time (50%)" in text
    assert "*1* more open item on track" in text
    assert "Canary deploys" not in text
    assert "Old work" not in text
    order = [text.index(name) for name in ("Alert on 502s", "Runbook", "Load test")]
    assert order == sorted(order)
    assert "no progress for 20 days" in text


def test_open_items_carry_the_four_buttons_and_done_ones_none(world, week) -> None:
    _, items = week
    world.tick(SLOT)

    (digest,) = _digests(world)
    open_ids = sorted(str(items[name].id) for name in ("overdue", "due", "stale"))
    for action in ActionItemAction:
        assert sorted(_button_values(digest, action)) == open_ids


def test_items_are_grouped_by_owner_and_link_to_their_review(world, week) -> None:
    world.tick(SLOT)

    text = text_of(_digests(world)[0])
    for owner in (ALICE, BOB, CAROL):
        assert f"'text': '<@{owner}>'" in text
    link = f"https://acme-eng.slack.com/archives/{CHANNEL}/p{CARD_TS.replace('.', '')}"
    assert f"<{link}|Checkout errors>" in text


def test_the_digest_is_posted_once_however_often_the_tick_runs(world, week) -> None:
    world.tick(SLOT - timedelta(minutes=1))
    assert _digests(world) == []
    for minute in range(60):
        world.tick(SLOT + timedelta(minutes=minute))
    assert len(_digests(world)) == 1
    world.tick(SLOT + timedelta(days=7))
    assert len(_digests(world)) == 2


@pytest.mark.parametrize(
    ("zone", "mondays", "utc_hours"),
    [
        # Berlin moves to summer time on Sunday 31 March 2024.
        ("Europe/Berlin", [date(2024, 3, 25), date(2024, 4, 1)], [8, 7]),
        # New York moves back to standard time on Sunday 3 November 2024.
        ("America/New_York", [date(2024, 10, 28), date(2024, 11, 4)], [13, 14]),
    ],
)
def test_a_monday_nine_digest_stays_at_nine_local_in_the_weeks_around_the_change(
    world: World, zone, mondays, utc_hours
) -> None:
    world.subscribe(QUIET_CHANNEL, timezone=zone)
    for monday in mondays:
        for hour in range(5, 16):
            for minute in (0, 59):
                world.tick(datetime(*monday.timetuple()[:3], hour, minute, tzinfo=UTC))

    claims = [c for c in world.claims() if c.kind == "digest"]
    assert [c.posted_at.hour for c in claims] == utc_hours
    assert [c.posted_at.astimezone(ZoneInfo(zone)).hour for c in claims] == [9, 9]
    assert [c.period for c in claims] == [m.isoformat() for m in mondays]
    assert len(_digests(world)) == 2


def test_after_downtime_across_the_slot_the_digest_is_posted_once(
    world: World, week
) -> None:
    world.tick(SLOT - timedelta(hours=20))
    back = SLOT + timedelta(hours=6)
    for minute in range(0, 60, 5):
        world.tick(back + timedelta(minutes=minute))
    assert len(_digests(world)) == 1


def test_downtime_longer_than_the_catch_up_period_skips_the_week(world, week):
    world.tick(SLOT + timedelta(hours=24, minutes=1))
    assert _digests(world) == []


def test_the_catch_up_period_is_configurable(db, standin, clock, week) -> None:
    patient = World(db, standin, clock=clock, catch_up=timedelta(hours=48))
    patient.tick(SLOT + timedelta(hours=30))
    assert len(patient.posts(QUIET_CHANNEL)) == 1


def test_a_new_subscription_does_not_post_the_slot_before_it(world: World) -> None:
    world.subscribe(QUIET_CHANNEL, since=SLOT + timedelta(hours=1))
    world.tick(SLOT + timedelta(hours=2))
    assert _digests(world) == []
    world.tick(SLOT + timedelta(days=7))
    assert len(_digests(world)) == 1


def test_an_owner_who_left_is_shown_as_needing_a_new_owner(world, week, standin):
    standin.remove_user(CAROL)
    incident, _ = week
    world.item(incident, deliverable="Nobody's", owner=None, deadline=date(2024, 12, 4))
    world.tick(SLOT)

    text = text_of(_digests(world)[0])
    assert f"~<@{CAROL}>~ has left: needs a new owner" in text
    assert "*no owner*: needs a new owner" in text
    assert "Load test" in text


def test_a_review_card_still_being_posted_links_to_the_incident_channel(
    world: World,
) -> None:
    world.subscribe(QUIET_CHANNEL)
    incident = world.incident(resolved_at=SLOT - timedelta(days=30), card_ts="pending")
    world.item(incident, deadline=date(2024, 12, 1))
    world.tick(SLOT)
    assert f"Checkout errors in <#{CHANNEL}>" in text_of(_digests(world)[0])


def test_an_empty_week_says_so(world: World) -> None:
    world.subscribe(QUIET_CHANNEL)
    world.tick(SLOT)
    assert "Nothing is overdue, due this week or stale" in text_of(_digests(world)[0])


def test_private_reviews_stay_out_of_other_channels(world: World, standin) -> None:
    standin.add_channel(PRIVATE, name="inc-secret", is_private=True, members=[ALICE])
    world.subscribe(QUIET_CHANNEL)
    world.subscribe(PRIVATE)
    secret = world.incident(
        PRIVATE, resolved_at=SLOT - timedelta(days=30), private=True
    )
    world.item(secret, deliverable="Patch the leak", deadline=date(2024, 12, 3))
    world.tick(SLOT)

    public = text_of(world.posts(QUIET_CHANNEL)[0])
    own = text_of(world.posts(PRIVATE)[0])
    assert "Patch the leak" not in public
    assert "*1* item of private reviews are left out here" in public
    assert "Patch the leak" in own


def test_owners_get_their_own_items_directly_when_the_workspace_wants_it(
    world: World, week, standin
) -> None:
    world.settings(owner_digests=True)
    standin.remove_user(CAROL)
    for minute in range(3):
        world.tick(SLOT + timedelta(minutes=minute))

    alice, bob = world.posts(ALICE), world.posts(BOB)
    assert len(alice) == 1 and len(bob) == 1
    assert world.posts(CAROL) == []
    assert "Canary deploys" in text_of(alice[0])  # on-track items too
    assert "Runbook" not in text_of(alice[0])
    assert "Runbook" in text_of(bob[0])
    kinds = {(c.kind, c.posted_at is not None) for c in world.claims()}
    assert ("owner_digests", True) in kinds


def test_without_the_setting_owners_get_nothing_directly(world, week) -> None:
    world.tick(SLOT)
    assert world.posts(ALICE) == [] and world.posts(BOB) == []


def test_a_long_digest_is_split_into_a_thread_and_ends_with_and_n_more(
    world: World, standin
) -> None:
    world.subscribe(QUIET_CHANNEL)
    with world.db.session() as session:
        workspaces.put_setting(session, team_id=TEAM, key=APP_ID_SETTING, value="A07")
    incident = world.incident(resolved_at=SLOT - timedelta(days=30))
    long_text = "Make the checkout retry budget explicit 🧑‍💻🇩🇪 " * 60
    for number in range(130):
        world.item(
            incident,
            deliverable=f"{number:03d} {long_text}",
            deadline=date(2024, 11, 1),
        )
    world.tick(SLOT)

    posts = _digests(world)
    messages = standin.messages(QUIET_CHANNEL)
    assert len(posts) == len(messages) == 8
    first, *replies = messages
    assert all(reply["thread_ts"] == first["ts"] for reply in replies)
    assert all(len(call.args["blocks"]) <= 50 for call in posts)
    last = text_of(posts[-1])
    assert "…and 18 more" in last
    assert "https://slack.com/app_redirect?app=A07&team=T0123ABCD" in last


def test_each_digest_message_remembers_its_items(world: World, week) -> None:
    _, items = week
    world.tick(SLOT)
    with world.db.session() as session:
        (message,) = session.exec(select(DigestMessage)).all()
    (post,) = _digests(world)
    listed = ("overdue", "due", "stale", "on_time", "late")
    assert message.item_ids == [items[name].id for name in listed]
    assert (message.channel_id, message.message_ts) == (
        QUIET_CHANNEL,
        standin_ts(world),
    )
    assert message.page["part"] == 1


def standin_ts(world: World) -> str:
    (message,) = world.standin.messages(QUIET_CHANNEL)
    return message["ts"]


def test_a_digest_that_cannot_be_posted_is_released_and_retried(
    world: World, week, standin
) -> None:
    standin.fail_next("chat.postMessage", status=200, error="not_in_channel")
    world.tick(SLOT)
    (claim,) = [c for c in world.claims() if c.kind == "digest"]
    assert (claim.posted_at, claim.last_error) == (None, "not_in_channel")

    world.tick(SLOT + timedelta(minutes=1))
    assert len(standin.messages(QUIET_CHANNEL)) == 1


def test_a_later_part_that_fails_leaves_the_parts_before_it_posted(
    world: World, standin, caplog
) -> None:
    world.subscribe(QUIET_CHANNEL)
    incident = world.incident(resolved_at=SLOT - timedelta(days=30))
    for number in range(20):
        world.item(incident, deliverable=f"Item {number}", deadline=date(2024, 11, 1))
    post = world.client.chat_postMessage
    calls = []

    def second_fails(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            standin.fail_next("chat.postMessage", status=200, error="fatal_error")
        return post(**kwargs)

    world.client.chat_postMessage = second_fails
    with caplog.at_level(logging.ERROR, logger="scheduler.digests"):
        world.tick(SLOT)
        world.tick(SLOT + timedelta(minutes=1))

    assert len(standin.messages(QUIET_CHANNEL)) == 1
    (claim,) = [c for c in world.claims() if c.kind == "digest"]
    assert claim.posted_at is not None
    assert "Part 2 of digest" in caplog.text
