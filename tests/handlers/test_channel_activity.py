"""Edits, deletions, renames and archiving, as Slack delivers them."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from sqlmodel import select

from bot.local import LocalBot
from domain import lifecycle
from domain.capture import list_timeline
from slack_standin import payloads
from slack_standin.payloads import now_ts
from store.models import TimelineEvent
from tests.handlers.people import (
    ALERTS_BOT,
    ALICE,
    BOB,
    CAROL,
    CHANNEL,
    QUIET_CHANNEL,
    TEAM,
)

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"


def _events(bot: LocalBot) -> list[TimelineEvent]:
    with bot.db.session() as session:
        return list(session.exec(select(TimelineEvent)).all())


@pytest.fixture
def tagged(declared) -> tuple[LocalBot, dict]:
    message = declared.standin.add_message(
        CHANNEL, user=ALICE, text="rolled back at 14:05"
    )
    declared.event(
        payloads.reaction_added(
            user=BOB, reaction="pushpin", channel=CHANNEL, ts=message["ts"]
        )
    )
    return declared, message


def test_edit_updates_the_text_and_keeps_the_original(tagged) -> None:
    bot, message = tagged
    reply = bot.event(
        payloads.message_changed(
            channel=CHANNEL,
            ts=message["ts"],
            user=ALICE,
            previous_text="rolled back at 14:05",
            new_text="rolled back at 14:03",
        )
    )
    assert reply.status == 200
    (event,) = _events(bot)
    assert (event.text, event.original_text) == (
        "rolled back at 14:03",
        "rolled back at 14:05",
    )
    assert event.edited_at is not None


def test_a_second_edit_keeps_the_very_first_text(tagged) -> None:
    bot, message = tagged
    for before, after in (("rolled back at 14:05", "v2"), ("v2", "v3")):
        bot.event(
            payloads.message_changed(
                channel=CHANNEL,
                ts=message["ts"],
                user=ALICE,
                previous_text=before,
                new_text=after,
            )
        )
    (event,) = _events(bot)
    assert (event.text, event.original_text) == ("v3", "rolled back at 14:05")


def test_link_preview_is_not_an_edit(tagged) -> None:
    bot, message = tagged
    change = payloads.message_changed(
        channel=CHANNEL,
        ts=message["ts"],
        user=ALICE,
        previous_text="rolled back at 14:05",
        new_text="rolled back at 14:05",
    )
    change["message"]["attachments"] = []
    bot.event(change)
    (event,) = _events(bot)
    assert (event.original_text, event.edited_at) == (None, None)


def test_deleted_message_is_kept_marked_and_left_out_of_the_timeline(tagged):
    bot, message = tagged
    reply = bot.event(
        payloads.message_deleted(channel=CHANNEL, deleted_ts=message["ts"])
    )
    assert reply.status == 200
    (event,) = _events(bot)
    assert event.deleted_at is not None
    incident = lifecycle.find_incident(bot.db, team_id=TEAM, channel_id=CHANNEL)
    assert list_timeline(bot.db, incident=incident) == []


def test_deleted_thread_parent_arrives_as_a_tombstone(tagged) -> None:
    bot, message = tagged
    change = payloads.message_changed(
        channel=CHANNEL,
        ts=message["ts"],
        user=ALICE,
        previous_text="rolled back at 14:05",
        new_text="This message was deleted.",
    )
    change["message"]["subtype"] = "tombstone"
    bot.event(change)
    (event,) = _events(bot)
    assert event.deleted_at is not None
    assert event.text == "rolled back at 14:05"


def test_rename_and_archive_are_followed_and_data_is_kept(tagged) -> None:
    bot, _message = tagged
    bot.event(payloads.channel_rename(channel=CHANNEL, name="inc-payments-done"))
    bot.event(payloads.channel_archive(channel=CHANNEL, user=ALICE))

    incident = lifecycle.find_incident(bot.db, team_id=TEAM, channel_id=CHANNEL)
    assert (incident.channel_name, incident.is_archived) == ("inc-payments-done", True)
    assert len(_events(bot)) == 1

    bot.event({"type": "channel_unarchive", "channel": CHANNEL, "user": ALICE})
    incident = lifecycle.find_incident(bot.db, team_id=TEAM, channel_id=CHANNEL)
    assert incident.is_archived is False


def test_private_channel_events_are_followed_too(tagged) -> None:
    bot, _message = tagged
    bot.event(payloads.channel_rename(channel=CHANNEL, name="secret", private=True))
    incident = lifecycle.find_incident(bot.db, team_id=TEAM, channel_id=CHANNEL)
    assert incident.channel_name == "secret"


def _minimal_event(event_type: str) -> dict:
    if event_type in ("message.channels", "message.groups"):
        return payloads.message(channel=CHANNEL, user=ALICE, text="hi", ts="1.000001")
    if event_type.endswith("_rename"):
        return {"type": event_type, "channel": {"id": CHANNEL, "name": "x"}}
    if event_type.startswith(("reaction_",)):
        return payloads.reaction_added(
            user=ALICE, reaction="tada", channel=CHANNEL, ts="1.000001"
        ) | {"type": event_type}
    return {"type": event_type, "channel": CHANNEL, "user": ALICE}


@pytest.mark.parametrize(
    "event_type",
    yaml.safe_load(MANIFEST.read_text())["settings"]["event_subscriptions"][
        "bot_events"
    ],
)
def test_every_subscribed_event_is_answered_200(bot, event_type) -> None:
    reply = bot.event(_minimal_event(event_type))
    assert reply.status == 200, reply.body


@pytest.mark.parametrize(
    "subtype",
    ["bot_message", "thread_broadcast", "file_share", "channel_join", "channel_topic"],
)
def test_message_subtypes_are_answered_200(bot, subtype) -> None:
    event = payloads.message(channel=CHANNEL, user=ALICE, text="x", ts="1.000001")
    reply = bot.event(event | {"subtype": subtype})
    assert reply.status == 200


def test_an_edit_that_corrects_the_stated_time_moves_the_event(tagged) -> None:
    bot, message = tagged
    before = _events(bot)[0]
    bot.event(
        payloads.message_changed(
            channel=CHANNEL,
            ts=message["ts"],
            user=ALICE,
            previous_text="rolled back at 14:05",
            new_text="rolled back 10 min ago",
        )
    )
    (event,) = _events(bot)
    assert event.stated_at == event.posted_at - timedelta(minutes=10)
    assert event.occurred_at == event.stated_at
    assert event.occurred_at != before.occurred_at


def test_people_who_post_or_tag_are_the_incidents_responders(tagged) -> None:
    bot, _message = tagged
    for user, bot_id, channel, text in (
        (CAROL, None, CHANNEL, "I can help"),
        (CAROL, None, CHANNEL, "again"),
        (None, ALERTS_BOT, CHANNEL, "alert firing"),
        ("U0ELSEWHERE", None, QUIET_CHANNEL, "not in the incident"),
    ):
        bot.event(
            payloads.message(
                user=user, bot_id=bot_id, channel=channel, text=text, ts=now_ts()
            )
        )

    incident = lifecycle.find_incident(bot.db, team_id=TEAM, channel_id=CHANNEL)
    responders = lifecycle.list_responders(bot.db, incident=incident)

    assert responders[0] == incident.commander_id
    assert CAROL in responders
    assert len(responders) == len(set(responders))
    assert ALERTS_BOT not in responders
    assert "U0ELSEWHERE" not in responders
