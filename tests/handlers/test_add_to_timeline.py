"""The "Add to timeline" shortcut and its modal, through signed requests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from bot.local import LocalBot
from handlers.ids import INPUT_ACTION, AddEventBlock, Shortcut, View
from slack_standin import payloads
from store.models import TimelineEvent
from tests.handlers.people import ALERTS_BOT, ALICE, BOB, CHANNEL, QUIET_CHANNEL

# 2024-12-03 15:33:20 UTC; 16:33 in Berlin where Alice is.
POSTED_TS = "1733240000.123456"


# The bot's clock: the incident is declared at 16:00 UTC, half an hour after
# the message was posted.
NOW = datetime(2024, 12, 3, 16, 0, tzinfo=UTC)


@pytest.fixture
def bot(db, standin) -> Iterator[LocalBot]:
    local = LocalBot(db, standin, now=lambda: NOW)
    yield local
    local.close()


def _events(bot: LocalBot) -> list[TimelineEvent]:
    with bot.db.session() as session:
        return list(session.exec(select(TimelineEvent)).all())


def _open(bot: LocalBot, message: dict, *, user=ALICE, channel=CHANNEL):
    reply = bot.interactive(
        payloads.message_shortcut(
            callback_id=Shortcut.ADD_TO_TIMELINE,
            user=user,
            channel=channel,
            message=message,
            trigger_id=bot.standin.issue_trigger_id(),
            response_url=bot.standin.new_response_url(channel_id=channel),
        )
    )
    assert reply.status == 200
    modals = [
        (view_id, view)
        for view_id, view in bot.standin.views.items()
        if view.get("callback_id") == View.ADD_TIMELINE_EVENT
    ]
    return modals[-1] if modals else (None, None)


def _submit(bot, view_id, view, *, user=ALICE, kind=None, typed=None, note=None):
    values = {
        AddEventBlock.TYPED_TIME: {
            INPUT_ACTION: {"type": "plain_text_input", "value": typed}
        },
        AddEventBlock.NOTE: {INPUT_ACTION: {"type": "plain_text_input", "value": note}},
    }
    if kind:
        values[AddEventBlock.KIND] = {
            INPUT_ACTION: {"type": "static_select", "selected_option": {"value": kind}}
        }
    return bot.interactive(
        payloads.view_submission(
            user=user,
            view_id=view_id,
            callback_id=view["callback_id"],
            private_metadata=view["private_metadata"],
            state_values=values,
            view=view,
        )
    )


def _posted(bot: LocalBot, **fields) -> dict:
    fields.setdefault("user", BOB)
    fields.setdefault("text", "Rolled back payments-api")
    return bot.standin.add_message(CHANNEL, ts=POSTED_TS, **fields)


def test_modal_quotes_the_message_and_starts_at_its_time(declared) -> None:
    view_id, view = _open(declared, _posted(declared))

    assert view_id is not None
    assert "Rolled back payments-api" in json.dumps(view["blocks"])
    picker = next(
        b for b in view["blocks"] if b.get("block_id") == AddEventBlock.PICKED_TIME
    )
    assert picker["element"]["initial_date_time"] == 1733240000
    kind = next(b for b in view["blocks"] if b.get("block_id") == AddEventBlock.KIND)
    assert kind["element"]["initial_option"]["value"] == "mitigation"
    metadata = json.loads(view["private_metadata"])
    assert (metadata["ts"], metadata["tz"]) == (POSTED_TS, "Europe/Berlin")


def test_submission_stores_kind_note_and_the_typed_time_in_the_users_zone(declared):
    view_id, view = _open(declared, _posted(declared))

    reply = _submit(
        declared, view_id, view, kind="mitigation", typed="16:05", note="v2.41.3"
    )

    assert reply.status == 200 and reply.body == ""
    (event,) = _events(declared)
    assert (event.kind, event.note, event.source) == (
        "mitigation",
        "v2.41.3",
        "shortcut",
    )
    assert event.stated_at == datetime(2024, 12, 3, 15, 5, tzinfo=UTC)
    assert event.occurred_at == event.stated_at
    assert event.posted_at == datetime(2024, 12, 3, 15, 33, 20, 123456, tzinfo=UTC)
    assert declared.standin.calls_to("reactions.add")


def test_relative_time_counts_from_the_message(declared) -> None:
    view_id, view = _open(declared, _posted(declared))
    _submit(declared, view_id, view, typed="10 minutes earlier")
    (event,) = _events(declared)
    assert event.stated_at == datetime(2024, 12, 3, 15, 23, 20, 123456, tzinfo=UTC)


def test_untouched_picker_keeps_the_messages_exact_time(declared) -> None:
    view_id, view = _open(declared, _posted(declared))
    _submit(declared, view_id, view)
    (event,) = _events(declared)
    assert event.stated_at is None
    assert event.occurred_at == event.posted_at


def test_unreadable_time_is_answered_under_the_time_field(declared) -> None:
    view_id, view = _open(declared, _posted(declared))
    reply = _submit(declared, view_id, view, typed="after lunch-ish")

    answer = reply.json()
    assert answer["response_action"] == "errors"
    assert "Try 14:05" in answer["errors"][AddEventBlock.TYPED_TIME]
    assert _events(declared) == []


def test_future_time_is_refused_in_the_modal(declared) -> None:
    view_id, view = _open(declared, _posted(declared))
    reply = _submit(declared, view_id, view, typed="in 3 hours")
    errors = reply.json()["errors"]
    assert "future" in errors[AddEventBlock.TYPED_TIME]
    assert _events(declared) == []


def test_time_days_before_the_incident_is_refused(declared) -> None:
    view_id, view = _open(declared, _posted(declared))
    reply = _submit(declared, view_id, view, typed="2024-11-20 10:00")
    assert "days before" in reply.json()["errors"][AddEventBlock.TYPED_TIME]


def test_outside_an_incident_channel_the_modal_says_how_to_declare(bot) -> None:
    message = bot.standin.add_message(QUIET_CHANNEL, user=BOB, text="hm")
    view_id, view = _open(bot, message, channel=QUIET_CHANNEL)
    reply = _submit(bot, view_id, view)
    assert "/pir declare" in reply.json()["errors"][AddEventBlock.KIND]


def test_shortcut_on_an_alert_and_on_a_thread_reply(declared) -> None:
    alert = declared.standin.add_message(
        CHANNEL,
        bot_id=ALERTS_BOT,
        text="",
        attachments=[{"title": "[FIRING] 5xx"}],
        ts="1733239000.000100",
    )
    reply = declared.standin.add_message(
        CHANNEL,
        user=BOB,
        text="it's the cache",
        thread_ts=alert["ts"],
        ts="1733239100.000200",
    )
    for message, kind in ((alert, "detection"), (reply, "investigation")):
        view_id, view = _open(declared, message)
        _submit(declared, view_id, view, kind=kind)

    events = {e.message_ts: e for e in _events(declared)}
    assert events[alert["ts"]].text == "[FIRING] 5xx"
    assert events[reply["ts"]].thread_ts == alert["ts"]


def test_shortcut_on_a_tagged_message_updates_it_instead_of_adding(declared) -> None:
    message = _posted(declared)
    declared.event(
        payloads.reaction_added(
            user=BOB, reaction="pushpin", channel=CHANNEL, ts=POSTED_TS
        )
    )
    view_id, view = _open(declared, message)
    _submit(declared, view_id, view, kind="start", note="the trigger")

    (event,) = _events(declared)
    assert (event.kind, event.note) == ("start", "the trigger")


def test_the_bots_own_message_is_refused_without_a_modal(declared) -> None:
    own = declared.standin.add_message(
        CHANNEL, user="U07PIRBOT01", bot_id="B07PIRBOT01", text="Incident declared"
    )
    view_id, _view = _open(declared, own)
    assert view_id is None
    (answer,) = declared.standin.calls_to("response_url")
    assert "own messages" in answer.args["text"]


def test_expired_trigger_gets_an_apology_not_a_crash(declared) -> None:
    message = _posted(declared)
    trigger = declared.standin.issue_trigger_id()
    reply = declared.interactive(
        payloads.message_shortcut(
            callback_id=Shortcut.ADD_TO_TIMELINE,
            user=ALICE,
            channel=CHANNEL,
            message=message,
            trigger_id=trigger + "-never-issued",
            response_url=declared.standin.new_response_url(channel_id=CHANNEL),
        )
    )
    assert reply.status == 200
    (answer,) = declared.standin.calls_to("response_url")
    assert "Something went wrong" in answer.args["text"]
    assert "invalid_trigger_id" not in answer.args["text"]
