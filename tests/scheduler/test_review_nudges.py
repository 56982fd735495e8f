"""Nudges to hold the review, through the Slack stand-in, with a clock the
test moves: each step, what stops them, working hours, severities,
archived channels and downtime."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain import review_meeting
from domain.follow_up_settings import NudgePolicy
from domain.incidents import Severity
from handlers.ids import ReviewAction
from tests.handlers.people import ALICE, BOB, CHANNEL, QUIET_CHANNEL
from tests.scheduler.world import TEAM, World, text_of

# Tuesday 10:00 UTC: every step falls in working hours (UTC, Mon-Fri 9-18).
RESOLVED = datetime(2024, 12, 3, 10, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(hours=24)


def _buttons(call) -> list[dict]:
    return [
        element
        for block in call.args["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    ]


def test_nothing_is_posted_before_a_day_has_passed(world: World) -> None:
    world.incident(resolved_at=RESOLVED)
    world.tick(RESOLVED + DAY - timedelta(minutes=1))
    assert world.posts() == []


def test_first_nudge_names_commander_and_facilitator_with_the_review_card_button(
    world: World,
) -> None:
    incident = world.incident(resolved_at=RESOLVED)
    world.tick(RESOLVED + DAY)

    (post,) = world.posts()
    assert post.args["channel"] == CHANNEL
    assert f"<@{ALICE}> (commander)" in text_of(post)
    assert f"<@{BOB}> (facilitator)" in text_of(post)
    assert "/pir schedule" in text_of(post)
    assert "/pir facilitator" not in text_of(post)
    (button,) = _buttons(post)
    assert (button["action_id"], button["value"]) == (
        ReviewAction.OPEN_CARD.value,
        str(incident.id),
    )


def test_each_step_is_posted_once_however_often_the_tick_runs(world: World) -> None:
    world.incident(resolved_at=RESOLVED)
    for minutes in range(0, 3 * 24 * 60 + 30, 30):
        world.tick(RESOLVED + DAY + timedelta(minutes=minutes))

    channel_posts = world.posts(CHANNEL)
    assert len(channel_posts) == 3
    assert "resolved a day ago" in text_of(channel_posts[0])
    assert "Two days" in text_of(channel_posts[1])
    assert "overdue" in text_of(channel_posts[2])
    assert len(world.posts(BOB)) == 1


def test_overdue_step_writes_to_the_facilitator_directly(world: World) -> None:
    world.incident(resolved_at=RESOLVED)
    world.tick(RESOLVED + 3 * DAY)

    (note,) = world.posts(BOB)
    assert "overdue" in text_of(note)
    assert "As its facilitator" in text_of(note)
    assert f"<#{CHANNEL}>" in text_of(note)
    dm_claim = next(c for c in world.claims() if c.kind == "review_overdue_dm")
    assert dm_claim.channel_id.startswith("D")


def test_without_a_facilitator_the_commander_is_written_to(world: World) -> None:
    world.incident(resolved_at=RESOLVED, facilitator=None)
    world.tick(RESOLVED + 3 * DAY)

    assert "no facilitator yet" in text_of(world.posts(CHANNEL)[0])
    assert "/pir facilitator @someone" in text_of(world.posts(CHANNEL)[0])
    (note,) = world.posts(ALICE)
    assert "As its commander" in text_of(note)


def test_scheduling_the_review_stops_the_nudges(world: World) -> None:
    world.incident(resolved_at=RESOLVED)
    world.tick(RESOLVED + DAY)
    review_meeting.schedule_review(
        world.db,
        team_id=TEAM,
        channel_id=CHANNEL,
        at=RESOLVED + 5 * DAY,
        by=ALICE,
        now=RESOLVED + DAY + HOUR,
        reminder_lead=HOUR,
    )
    world.tick(RESOLVED + 2 * DAY)
    world.tick(RESOLVED + 3 * DAY)

    assert len(world.posts()) == 1


def test_the_channel_is_reminded_an_hour_before_the_review(world: World) -> None:
    review_at = RESOLVED + 2 * DAY
    world.incident(resolved_at=RESOLVED, review_at=review_at)
    world.tick(review_at - HOUR - timedelta(minutes=1))
    assert world.posts() == []

    world.tick(review_at - HOUR)
    world.tick(review_at - timedelta(minutes=30))
    (reminder,) = world.posts(CHANNEL)
    assert "starts" in text_of(reminder)
    assert "in about 1 h" in text_of(reminder)


def test_the_reminder_lead_is_a_workspace_setting(world: World) -> None:
    review_at = RESOLVED + 2 * DAY
    world.incident(resolved_at=RESOLVED, review_at=review_at)
    world.settings(reminder_minutes=15)
    world.tick(review_at - HOUR)
    assert world.posts() == []
    world.tick(review_at - timedelta(minutes=15))
    assert "in about 15 min" in text_of(world.posts(CHANNEL)[0])


def test_a_review_scheduled_inside_the_reminder_lead_gets_no_reminder(world) -> None:
    world.incident(resolved_at=RESOLVED)
    now = RESOLVED + DAY + HOUR
    world.tick(RESOLVED + DAY)
    review_meeting.schedule_review(
        world.db,
        team_id=TEAM,
        channel_id=CHANNEL,
        at=now + timedelta(minutes=30),
        by=ALICE,
        now=now,
        reminder_lead=HOUR,
    )
    world.tick(now + timedelta(minutes=1))
    assert len(world.posts()) == 1  # only the first nudge


def test_a_review_moved_later_is_reminded_at_its_new_time(world: World) -> None:
    first = RESOLVED + 2 * DAY
    world.incident(resolved_at=RESOLVED, review_at=first)
    world.tick(first - HOUR)
    review_meeting.schedule_review(
        world.db,
        team_id=TEAM,
        channel_id=CHANNEL,
        at=first + DAY,
        by=ALICE,
        now=first - timedelta(minutes=50),
        reminder_lead=HOUR,
    )
    world.tick(first + DAY - HOUR)
    assert len(world.posts(CHANNEL)) == 2


def test_marking_the_review_held_stops_nudges_and_reminders(world: World) -> None:
    world.incident(resolved_at=RESOLVED, review_at=RESOLVED + 2 * DAY)
    world.incident(QUIET_CHANNEL, resolved_at=RESOLVED)
    for channel in (CHANNEL, QUIET_CHANNEL):
        review_meeting.mark_review_held(
            world.db, team_id=TEAM, channel_id=channel, at=RESOLVED + HOUR, by=ALICE
        )
    for step in range(1, 4):
        world.tick(RESOLVED + step * DAY - HOUR)
        world.tick(RESOLVED + step * DAY)
    assert world.posts() == []


@pytest.mark.parametrize(
    ("severity", "expected"),
    [("P1", 3), ("P2", 3), ("P3", 1), ("P4", 0)],
)
def test_severities_are_nudged_as_the_defaults_say(
    world: World, severity, expected
) -> None:
    world.incident(resolved_at=RESOLVED, severity=severity)
    for step in range(1, 4):
        world.tick(RESOLVED + step * DAY)
    assert len(world.posts(CHANNEL)) == expected


def test_which_severities_are_nudged_is_a_workspace_setting(world: World) -> None:
    world.incident(resolved_at=RESOLVED, severity="P4")
    world.settings(nudges={Severity.P4: NudgePolicy.ALWAYS})
    world.tick(RESOLVED + DAY)
    assert len(world.posts(CHANNEL)) == 1


def test_a_nudge_due_at_the_weekend_waits_for_monday_morning(db, standin, clock):
    world = World(db, standin, clock=clock)
    berlin = ZoneInfo("Europe/Berlin")
    friday = datetime(2024, 12, 6, 16, 0, tzinfo=berlin)
    world.incident(resolved_at=friday, timezone="Europe/Berlin")
    for hour in range(0, 70):
        world.tick(friday + DAY + timedelta(hours=hour))

    posts = world.posts(CHANNEL)
    # +24 h (Sat) and +48 h (Sun) both wait for Monday 09:00: only the later
    # one is posted; the overdue step follows at 16:00.
    assert len(posts) == 2
    assert "Two days" in text_of(posts[0])
    assert "overdue" in text_of(posts[1])
    claims = {c.period: c.posted_at.astimezone(berlin) for c in world.claims()}
    assert claims["48h"] == datetime(2024, 12, 9, 9, 0, tzinfo=berlin)
    assert claims["72h"] == datetime(2024, 12, 9, 16, 0, tzinfo=berlin)


def test_working_hours_are_a_workspace_setting(world: World) -> None:
    world.incident(resolved_at=RESOLVED)
    world.settings(working_start="11:00", working_end="17:00")
    world.tick(RESOLVED + DAY)
    assert world.posts() == []
    world.tick(RESOLVED + DAY + HOUR)
    assert len(world.posts()) == 1


def test_an_archived_channel_has_its_nudges_sent_to_the_facilitator(world) -> None:
    world.incident(resolved_at=RESOLVED, archived=True)
    world.tick(RESOLVED + DAY)
    assert world.posts(CHANNEL) == []
    (note,) = world.posts(BOB)
    assert "resolved a day ago" in text_of(note)
    assert "archived or which I am no longer in" in text_of(note)


def test_at_72_hours_an_archived_channel_makes_one_direct_message(world) -> None:
    world.incident(resolved_at=RESOLVED, archived=True)
    world.tick(RESOLVED + 3 * DAY)
    assert len(world.posts(BOB)) == 1


def test_a_channel_the_bot_left_has_its_nudges_sent_to_a_person(
    world: World, standin
) -> None:
    world.incident(resolved_at=RESOLVED)
    standin.add_channel(CHANNEL, name="inc-payments", members=[ALICE], bot_member=False)
    world.tick(RESOLVED + 3 * DAY)

    notes = world.posts(BOB)
    assert len(notes) == 1  # the channel's nudge, no second note
    assert "no longer in" in text_of(notes[0])
    assert all(c.posted_at is not None for c in world.claims())


def test_after_downtime_only_the_nudge_that_still_applies_is_posted(world) -> None:
    world.incident(resolved_at=RESOLVED)
    world.tick(RESOLVED + timedelta(hours=20))
    world.tick(RESOLVED + timedelta(hours=50))  # down in between
    world.tick(RESOLVED + timedelta(hours=51))

    (post,) = world.posts(CHANNEL)
    assert "Two days" in text_of(post)


def test_nudges_gone_stale_in_downtime_are_not_posted(world: World) -> None:
    world.incident(resolved_at=RESOLVED)
    world.tick(RESOLVED + 4 * DAY + HOUR)
    assert world.posts() == []


def test_a_rate_limited_post_is_waited_out(world: World, standin) -> None:
    world.incident(resolved_at=RESOLVED)
    standin.fail_next("chat.postMessage", status=429, retry_after=0)
    world.tick(RESOLVED + DAY)

    assert len(standin.calls_to("chat.postMessage")) == 2
    assert len(standin.messages(CHANNEL)) == 1
    assert world.claims()[0].posted_at is not None


def test_message_limit_exceeded_with_http_200_is_waited_out(world, standin) -> None:
    world.incident(resolved_at=RESOLVED)
    standin.fail_next(
        "chat.postMessage", status=200, error="message_limit_exceeded", times=2
    )
    world.tick(RESOLVED + DAY)

    assert len(standin.calls_to("chat.postMessage")) == 3
    assert len(standin.messages(CHANNEL)) == 1


def test_a_post_that_still_fails_is_released_logged_and_retried(
    world: World, standin, caplog
) -> None:
    world.incident(resolved_at=RESOLVED)
    standin.fail_next("chat.postMessage", status=200, error="fatal_error")
    with caplog.at_level(logging.WARNING, logger="scheduler.posting"):
        world.tick(RESOLVED + DAY)

    (claim,) = world.claims()
    assert (claim.posted_at, claim.claimed_by, claim.last_error) == (
        None,
        "",
        "fatal_error",
    )
    assert any(CHANNEL in record.getMessage() for record in caplog.records)

    world.tick(RESOLVED + DAY + timedelta(minutes=1))
    (claim,) = world.claims()
    assert claim.posted_at is not None
    assert claim.attempts == 2
    assert len(standin.messages(CHANNEL)) == 1


def test_a_post_failing_every_time_is_given_up_after_five_attempts(
    world: World, standin, caplog
) -> None:
    world.incident(resolved_at=RESOLVED)
    standin.fail_next("chat.postMessage", status=200, error="fatal_error", times=9)
    with caplog.at_level(logging.ERROR, logger="scheduler.posting"):
        for minute in range(8):
            world.tick(RESOLVED + DAY + timedelta(minutes=minute))

    assert len(standin.calls_to("chat.postMessage")) == 5
    assert "Gave up" in caplog.text


def test_a_claim_left_by_a_killed_process_is_taken_over_after_the_timeout(
    db, standin, clock
) -> None:
    dead = World(db, standin, clock=clock, replica="killed")
    alive = World(db, standin, clock=clock, replica="alive")
    dead.incident(resolved_at=RESOLVED)
    dead.client.chat_postMessage = _killed  # dies after claiming

    with pytest.raises(KeyboardInterrupt):
        dead.tick(RESOLVED + DAY)
    (claim,) = alive.claims()
    assert (claim.claimed_by, claim.posted_at) == ("killed", None)

    alive.tick(RESOLVED + DAY + timedelta(minutes=9))
    assert standin.messages(CHANNEL) == []

    alive.tick(RESOLVED + DAY + timedelta(minutes=11))
    (claim,) = alive.claims()
    assert (claim.claimed_by, claim.attempts) == ("alive", 2)
    assert claim.posted_at is not None
    assert len(standin.messages(CHANNEL)) == 1


def _killed(**_kwargs):
    raise KeyboardInterrupt("killed between claiming and posting")
