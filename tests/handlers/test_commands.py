"""`/pir` sub-commands, sent as signed slash commands to the real app."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.local import LocalBot
from domain import lifecycle
from tests.handlers.people import ALICE, BOB, CHANNEL, QUIET_CHANNEL


def _incident(bot: LocalBot, channel: str = CHANNEL):
    return lifecycle.find_incident(bot.db, team_id="T0123ABCD", channel_id=channel)


def _responses(bot: LocalBot) -> list[dict]:
    return [call.args for call in bot.standin.calls_to("response_url")]


def test_declare_makes_an_incident_and_announces_it_in_the_channel(bot) -> None:
    reply = bot.command(
        "declare P1 Checkout 502s in EU", user_id=ALICE, channel_id=CHANNEL
    )

    assert reply.status == 200
    incident = _incident(bot)
    assert (incident.severity, incident.title) == ("P1", "Checkout 502s in EU")
    assert (incident.commander_id, incident.status) == (ALICE, "open")
    posts = bot.standin.calls_to("chat.postMessage")
    assert [p.args["channel"] for p in posts] == [CHANNEL]
    assert "Checkout 502s in EU" in posts[0].args["text"]
    assert f"<@{ALICE}>" in str(posts[0].args["blocks"])


def test_declare_naming_a_commander_gives_them_the_incident(bot) -> None:
    bot.command(
        f"declare P2 Search slow <@{BOB}|bob>", user_id=ALICE, channel_id=CHANNEL
    )
    assert _incident(bot).commander_id == BOB


def test_second_declaration_is_refused_and_keeps_the_first(declared) -> None:
    declared.command("declare P4 Something else", user_id=BOB, channel_id=CHANNEL)

    assert _incident(declared).title == "Checkout errors"
    (response,) = _responses(declared)
    assert "already has an incident" in response["text"]
    assert response.get("response_type", "ephemeral") == "ephemeral"


def test_declare_without_a_title_answers_with_an_example(bot) -> None:
    bot.command("declare P1", user_id=ALICE, channel_id=CHANNEL)
    assert _incident(bot) is None
    (response,) = _responses(bot)
    assert "/pir declare P2" in response["text"]


def test_declare_where_the_bot_is_not_a_member_asks_to_invite_it(bot) -> None:
    bot.standin.add_channel(
        "C07NOBOT0001", name="nobot", members=[ALICE], bot_member=False
    )
    bot.command("declare P2 Lost", user_id=ALICE, channel_id="C07NOBOT0001")
    assert _incident(bot, "C07NOBOT0001") is None
    (response,) = _responses(bot)
    assert "/invite @pirbot" in response["text"]


def test_help_and_unknown_sub_commands_answer_at_once_with_every_command(bot) -> None:
    for text in ("", "help", "frobnicate"):
        reply = bot.command(text, user_id=ALICE, channel_id=QUIET_CHANNEL)
        assert reply.status == 200
        body = reply.body
        for sub in ("declare", "mitigated", "resolved", "status"):
            assert f"/pir {sub}" in body
    assert "frobnicate" in reply.body
    assert bot.standin.calls_to("chat.postMessage") == []


def test_mitigated_time_is_read_in_the_callers_zone(declared, standin) -> None:
    now = datetime.now(UTC)
    declared.command("mitigated 10 minutes ago", user_id=BOB, channel_id=CHANNEL)
    incident = _incident(declared)
    assert incident.status == "mitigated"
    assert abs((now - incident.mitigated_at).total_seconds() - 600) < 60
    (response,) = _responses(declared)
    assert response["response_type"] == "in_channel"


def test_clock_time_uses_the_callers_slack_time_zone(declared) -> None:
    # Alice is in Europe/Berlin: "00:00" is midnight there, 22:00 or 23:00 UTC.
    declared.command("resolved 00:00", user_id=ALICE, channel_id=CHANNEL)
    resolved = _incident(declared).resolved_at
    assert resolved is not None
    assert resolved.hour in (22, 23) and resolved.minute == 0


def test_future_milestone_is_refused_and_nothing_changes(declared) -> None:
    declared.command("resolved tomorrow 10:00", user_id=ALICE, channel_id=CHANNEL)
    incident = _incident(declared)
    assert (incident.status, incident.resolved_at) == ("open", None)
    (response,) = _responses(declared)
    assert "future" in response["text"]


def test_unreadable_time_is_answered_with_examples(declared) -> None:
    declared.command("mitigated when the moon rose", user_id=ALICE, channel_id=CHANNEL)
    assert _incident(declared).mitigated_at is None
    (response,) = _responses(declared)
    assert "Try 14:05" in response["text"]


def test_milestone_outside_an_incident_channel_says_how_to_declare(bot) -> None:
    bot.command("resolved", user_id=ALICE, channel_id=QUIET_CHANNEL)
    (response,) = _responses(bot)
    assert "/pir declare" in response["text"]


def test_status_shows_the_incident(declared) -> None:
    declared.command("status", user_id=BOB, channel_id=CHANNEL)
    (response,) = _responses(declared)
    assert "Checkout errors" in response["text"] and "open" in response["text"]
