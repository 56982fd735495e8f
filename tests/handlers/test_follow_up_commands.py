"""`/pir schedule`, `/pir held`, `/pir digest` and `/pir settings`, sent as
signed slash commands to the real app."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta

import pytest

from bot.local import LocalBot
from domain import digest, follow_up_settings, lifecycle
from domain.follow_up_settings import NudgePolicy
from domain.incidents import Severity, Status
from tests.handlers.people import ALICE, BOB, CAROL, CHANNEL, QUIET_CHANNEL, TEAM
from tests.scheduler.world import Clock, World

# Tuesday 3 December 2024, 15:00 UTC: 16:00 for Alice in Berlin, 10:00 for
# Bob in New York.
NOW = datetime(2024, 12, 3, 15, 0, tzinfo=UTC)


@pytest.fixture
def bot(db, standin) -> Iterator[LocalBot]:
    local = LocalBot(db, standin, now=lambda: NOW)
    yield local
    local.close()


def _answers(bot: LocalBot) -> list[dict]:
    return [call.args for call in bot.standin.calls_to("response_url")]


def _answer(bot: LocalBot) -> dict:
    *_, last = _answers(bot)
    return last


def _said(answer: dict) -> str:
    return f"{answer.get('text', '')}\n{answer.get('blocks', '')}"


def _incident(bot: LocalBot, channel: str = CHANNEL):
    return lifecycle.find_incident(bot.db, team_id=TEAM, channel_id=channel)


def test_schedule_reads_the_time_in_the_callers_zone(declared) -> None:
    declared.command("schedule thursday 3pm", user_id=ALICE, channel_id=CHANNEL)
    # 15:00 in Berlin is 14:00 UTC.
    assert _incident(declared).review_scheduled_at == datetime(
        2024, 12, 5, 14, 0, tzinfo=UTC
    )
    answer = _answer(declared)
    assert answer["response_type"] == "in_channel"
    assert "Read as Thu 05 Dec 15:00 in Europe/Berlin" in _said(answer)

    declared.command("schedule thursday 3pm", user_id=BOB, channel_id=CHANNEL)
    assert _incident(declared).review_scheduled_at == datetime(
        2024, 12, 5, 20, 0, tzinfo=UTC
    )


def test_schedule_takes_a_zone_written_with_the_time(declared) -> None:
    declared.command("schedule tomorrow 10:00 CET", user_id=BOB, channel_id=CHANNEL)
    assert _incident(declared).review_scheduled_at == datetime(
        2024, 12, 4, 9, 0, tzinfo=UTC
    )


def test_the_confirmation_names_every_responder(declared) -> None:
    for person in (BOB, CAROL):
        lifecycle.note_responder(
            declared.db, team_id=TEAM, channel_id=CHANNEL, user_id=person, at=NOW
        )
    declared.command("schedule friday 10:00", user_id=BOB, channel_id=CHANNEL)

    said = _said(_answer(declared))
    invited = said[said.index("Invited:") :]
    assert [invited.index(f"<@{p}>") > 0 for p in (ALICE, BOB, CAROL)] == [True] * 3


def test_a_review_time_already_past_is_refused(declared) -> None:
    declared.command("schedule yesterday 3pm", user_id=ALICE, channel_id=CHANNEL)
    assert _incident(declared).review_scheduled_at is None
    assert "already passed" in _answer(declared)["text"]


def test_schedule_without_a_time_shows_an_example(declared) -> None:
    declared.command("schedule", user_id=ALICE, channel_id=CHANNEL)
    assert "/pir schedule thursday 3pm" in _answer(declared)["text"]


def test_schedule_outside_an_incident_channel_is_refused(bot) -> None:
    bot.command("schedule friday 10:00", user_id=ALICE, channel_id=QUIET_CHANNEL)
    assert "not an incident channel" in _answer(bot)["text"]


@pytest.fixture
def resolved(declared) -> LocalBot:
    declared.command("resolved", user_id=ALICE, channel_id=CHANNEL)
    return declared


def test_held_is_refused_while_the_incident_is_not_resolved(declared) -> None:
    declared.command("held", user_id=ALICE, channel_id=CHANNEL)
    assert "not resolved yet" in _answer(declared)["text"]
    assert _incident(declared).review_held_at is None


def test_held_records_the_review_and_says_so_in_the_channel(resolved) -> None:
    declared = resolved
    declared.command("held", user_id=ALICE, channel_id=CHANNEL)
    assert _incident(declared).review_held_at == NOW
    answer = _answer(declared)
    assert answer["response_type"] == "in_channel"
    assert "No more reminders" in answer["text"]


def test_held_with_a_time_reads_it_in_the_callers_zone(resolved) -> None:
    declared = resolved
    declared.command("held 10:00", user_id=BOB, channel_id=CHANNEL)
    assert _incident(declared).review_held_at == datetime(2024, 12, 3, 15, tzinfo=UTC)


def test_held_refuses_a_time_to_come_or_before_the_incident(resolved) -> None:
    declared = resolved
    declared.command("held tomorrow 10:00", user_id=ALICE, channel_id=CHANNEL)
    assert "still to come" in _answer(declared)["text"]
    declared.command("held 14:30", user_id=ALICE, channel_id=CHANNEL)
    assert "before the incident was declared" in _answer(declared)["text"]
    assert _incident(declared).review_held_at is None


def test_digest_here_subscribes_monday_nine_in_the_workspaces_zone(bot) -> None:
    bot.command("settings timezone Europe/Berlin", user_id=ALICE, channel_id=CHANNEL)
    bot.command("digest here", user_id=ALICE, channel_id=QUIET_CHANNEL)

    schedule = digest.channel_schedule(bot.db, team_id=TEAM, channel_id=QUIET_CHANNEL)
    assert (schedule.weekday, schedule.at, schedule.timezone) == (
        0,
        time(9),
        "Europe/Berlin",
    )
    answer = _answer(bot)
    assert answer["response_type"] == "in_channel"
    assert "every Monday at 09:00 (Europe/Berlin)" in answer["text"]
    # The next Monday 09:00 in Berlin: 9 December, 08:00 UTC.
    assert "<!date^1733731200^" in answer["text"]


def test_digest_here_takes_day_time_and_zone_and_replaces_the_old_one(bot) -> None:
    bot.command("digest here", user_id=ALICE, channel_id=QUIET_CHANNEL)
    bot.command(
        "digest here friday 16:30 America/New_York",
        user_id=ALICE,
        channel_id=QUIET_CHANNEL,
    )
    schedule = digest.channel_schedule(bot.db, team_id=TEAM, channel_id=QUIET_CHANNEL)
    assert (schedule.weekday, schedule.at, schedule.timezone) == (
        4,
        time(16, 30),
        "America/New_York",
    )


def test_digest_here_with_words_it_cannot_read_explains_the_form(bot) -> None:
    bot.command("digest here fortnightly", user_id=ALICE, channel_id=QUIET_CHANNEL)
    assert "monday 09:00 Europe/Berlin" in _answer(bot)["text"]
    assert (
        digest.channel_schedule(bot.db, team_id=TEAM, channel_id=QUIET_CHANNEL) is None
    )


def test_digest_in_a_channel_without_the_bot_asks_to_invite_it(bot, standin) -> None:
    standin.add_channel("C07NOBOT0001", name="nobot", members=[ALICE], bot_member=False)
    bot.command("digest here", user_id=ALICE, channel_id="C07NOBOT0001")
    assert "/invite @pirbot" in _answer(bot)["text"]


def test_digest_off_stops_it_and_digest_alone_tells_where_it_stands(bot) -> None:
    bot.command("digest here tuesday", user_id=ALICE, channel_id=QUIET_CHANNEL)
    bot.command("digest", user_id=BOB, channel_id=QUIET_CHANNEL)
    assert "every Tuesday at 09:00" in _answer(bot)["text"]

    bot.command("digest off", user_id=BOB, channel_id=QUIET_CHANNEL)
    assert "no longer gets" in _answer(bot)["text"]
    assert (
        digest.channel_schedule(bot.db, team_id=TEAM, channel_id=QUIET_CHANNEL) is None
    )
    bot.command("digest", user_id=BOB, channel_id=QUIET_CHANNEL)
    assert "gets no digest" in _answer(bot)["text"]


def test_settings_alone_lists_the_follow_up_settings(bot) -> None:
    bot.command("settings", user_id=ALICE, channel_id=QUIET_CHANNEL)
    text = _answer(bot)["text"]
    assert "P1 always, P2 always, P3 once, P4 never" in text
    assert "Mon, Tue, Wed, Thu, Fri, 09:00–18:00" in text
    assert "60 min before" in text
    assert _answer(bot)["response_type"] == "ephemeral"


@pytest.mark.parametrize(
    ("command", "field", "expected"),
    [
        ("hours 08:30-17:00", "working_start", "08:30"),
        ("days sun-thu", "working_days", [0, 1, 2, 3, 6]),
        ("reminder 30m", "reminder_minutes", 30),
        ("reminder off", "reminder_minutes", 0),
        ("owner-digests on", "owner_digests", True),
    ],
)
def test_settings_change_one_value(bot, command, field, expected) -> None:
    bot.command(f"settings {command}", user_id=ALICE, channel_id=QUIET_CHANNEL)
    stored = follow_up_settings.load_follow_up(bot.db, team_id=TEAM).settings
    assert getattr(stored, field) == expected


def test_settings_nudges_changes_one_severity(bot) -> None:
    bot.command("settings nudges P4 once", user_id=ALICE, channel_id=QUIET_CHANNEL)
    stored = follow_up_settings.load_follow_up(bot.db, team_id=TEAM).settings
    assert stored.nudges[Severity.P4] is NudgePolicy.ONCE
    assert stored.nudges[Severity.P1] is NudgePolicy.ALWAYS
    assert "P4 once" in _answer(bot)["text"]


@pytest.mark.parametrize(
    ("command", "hint"),
    [
        ("hours 18:00-09:00", "end after they start"),
        ("days funday", "mon-fri"),
        ("nudges P5 always", "P1, P2, P3 or P4"),
        ("nudges P3 sometimes", "always"),
        ("reminder 30 hours", "5 minutes and 24 hours"),
        ("timezone CET", "Europe/Paris"),
        ("colour blue", "/pir settings timezone"),
    ],
)
def test_bad_settings_are_answered_with_what_to_type(bot, command, hint) -> None:
    bot.command(f"settings {command}", user_id=ALICE, channel_id=QUIET_CHANNEL)
    assert hint in _answer(bot)["text"]
    assert follow_up_settings.load_follow_up(bot.db, team_id=TEAM).settings == (
        follow_up_settings.FollowUpSettings()
    )


def test_help_lists_the_follow_up_commands(bot) -> None:
    reply = bot.command("help", user_id=ALICE, channel_id=QUIET_CHANNEL)
    for sub in ("schedule", "held", "digest here", "settings"):
        assert f"/pir {sub}" in reply.body


def test_a_scheduled_review_gets_no_nudges_end_to_end(declared, standin) -> None:
    lifecycle.mark_milestone(
        declared.db,
        team_id=TEAM,
        channel_id=CHANNEL,
        status=Status.RESOLVED,
        at=NOW,
        now=NOW,
    )
    declared.command("schedule friday 10:00", user_id=ALICE, channel_id=CHANNEL)
    standin.clear_calls()
    world = World(
        declared.db,
        standin,
        clock=Clock(NOW),
        deps=declared.deps,
        client=declared.client,
    )
    for day in range(1, 4):
        world.tick(NOW + timedelta(days=day))
    assert world.posts(CHANNEL) == []
