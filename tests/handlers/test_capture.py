"""Tagging messages with reactions, through signed events to the real app."""

from __future__ import annotations

import json

from sqlmodel import select

from bot.local import LocalBot
from handlers.ids import CONFIRMATION_REACTION
from slack_standin import payloads
from store.models import TimelineEvent, TimelineTag
from tests.handlers.people import (
    ALERTS_BOT,
    ALICE,
    BOB,
    CAROL,
    CHANNEL,
)


def _events(bot: LocalBot) -> list[TimelineEvent]:
    with bot.db.session() as session:
        return list(session.exec(select(TimelineEvent)).all())


def _tag(bot: LocalBot, ts: str, *, user=BOB, reaction="pushpin", **kwargs):
    event = payloads.reaction_added(
        user=user, reaction=reaction, channel=CHANNEL, ts=ts
    )
    return bot.event(event, **kwargs)


def _untag(bot: LocalBot, ts: str, *, user=BOB, reaction="pushpin"):
    event = payloads.reaction_removed(
        user=user, reaction=reaction, channel=CHANNEL, ts=ts
    )
    return bot.event(event)


def test_pushpin_puts_the_message_on_the_timeline_at_its_own_time(declared):
    message = declared.standin.add_message(
        CHANNEL, user=ALICE, text="Rolled back the deploy", ts="1733240000.123456"
    )

    reply = _tag(declared, message["ts"])

    assert reply.status == 200
    (event,) = _events(declared)
    assert event.message_ts == "1733240000.123456"
    assert event.text == "Rolled back the deploy"
    assert (event.author_id, event.tagged_by, event.source) == (ALICE, BOB, "reaction")
    assert event.kind == "mitigation"
    assert event.posted_at.isoformat() == "2024-12-03T15:33:20.123456+00:00"
    assert event.permalink.endswith("/archives/C07INC12345/p1733240000123456")
    (confirmation,) = declared.standin.calls_to("reactions.add")
    assert confirmation.args["name"] == CONFIRMATION_REACTION
    assert confirmation.args["timestamp"] == "1733240000.123456"


def test_kind_reaction_sets_the_kind(declared) -> None:
    message = declared.standin.add_message(CHANNEL, user=ALICE, text="hmm")
    _tag(declared, message["ts"], reaction="rotating_light")
    assert [e.kind for e in _events(declared)] == ["detection"]


def test_slack_retry_of_the_same_event_makes_no_second_event(declared) -> None:
    message = declared.standin.add_message(CHANNEL, user=ALICE, text="db failover")
    event = payloads.reaction_added(
        user=BOB, reaction="pushpin", channel=CHANNEL, ts=message["ts"]
    )
    first = declared.event(event, event_id="Ev07RETRY0001")
    retry = declared.event(event, event_id="Ev07RETRY0001", retry_num=1)

    assert (first.status, retry.status) == (200, 200)
    assert len(_events(declared)) == 1
    assert len(declared.standin.calls_to("reactions.add")) == 1


def test_a_late_retry_does_not_put_back_a_tag_taken_off(declared) -> None:
    message = declared.standin.add_message(CHANNEL, user=ALICE, text="db failover")
    declared.standin.add_reaction(CHANNEL, message["ts"], "pushpin", user=BOB)
    event = payloads.reaction_added(
        user=BOB, reaction="pushpin", channel=CHANNEL, ts=message["ts"]
    )
    declared.event(event, event_id="Ev07LATE00001")
    declared.standin.remove_reaction(CHANNEL, message["ts"], "pushpin", user=BOB)
    _untag(declared, message["ts"])
    assert _events(declared) == []

    declared.event(event, event_id="Ev07LATE00001", retry_num=2)

    assert _events(declared) == []


def test_a_retry_whose_first_delivery_was_lost_still_captures(declared) -> None:
    message = declared.standin.add_message(CHANNEL, user=ALICE, text="db failover")
    declared.standin.add_reaction(CHANNEL, message["ts"], "pushpin", user=CAROL)
    declared.standin.add_reaction(CHANNEL, message["ts"], "pushpin", user=BOB)
    event = payloads.reaction_added(
        user=BOB, reaction="pushpin", channel=CHANNEL, ts=message["ts"]
    )

    declared.event(event, event_id="Ev07LOST00001", retry_num=1)

    (captured,) = _events(declared)
    assert captured.tagged_by == BOB


def test_second_persons_reaction_adds_a_tag_not_an_event(declared) -> None:
    message = declared.standin.add_message(CHANNEL, user=ALICE, text="db failover")
    _tag(declared, message["ts"], user=BOB)
    _tag(declared, message["ts"], user=CAROL)

    (event,) = _events(declared)
    assert event.tagged_by == BOB
    with declared.db.session() as session:
        taggers = {t.user_id for t in session.exec(select(TimelineTag)).all()}
    assert taggers == {BOB, CAROL}


def test_removing_the_last_tag_removes_the_event(declared) -> None:
    message = declared.standin.add_message(CHANNEL, user=ALICE, text="db failover")
    _tag(declared, message["ts"], user=BOB)
    _tag(declared, message["ts"], user=CAROL)

    _untag(declared, message["ts"], user=BOB)
    assert len(_events(declared)) == 1

    _untag(declared, message["ts"], user=CAROL)
    assert _events(declared) == []


def test_removing_the_event_takes_the_confirmation_off(declared) -> None:
    message = declared.standin.add_message(CHANNEL, user=ALICE, text="db failover")
    _tag(declared, message["ts"], user=BOB)
    assert _reactions_on(declared, message["ts"]) == [CONFIRMATION_REACTION]

    _untag(declared, message["ts"], user=BOB)

    assert _reactions_on(declared, message["ts"]) == []


def _reactions_on(bot: LocalBot, ts: str) -> list[str]:
    (message,) = [m for m in bot.standin.messages(CHANNEL) if m["ts"] == ts]
    return [reaction["name"] for reaction in message.get("reactions") or []]


def test_reaction_on_a_thread_reply_is_captured(declared) -> None:
    parent = declared.standin.add_message(CHANNEL, user=ALICE, text="502s again")
    reply = declared.standin.add_message(
        CHANNEL, user=BOB, text="found the bad config", thread_ts=parent["ts"]
    )

    _tag(declared, reply["ts"], user=ALICE)

    (event,) = _events(declared)
    assert (event.message_ts, event.thread_ts) == (reply["ts"], parent["ts"])
    assert event.text == "found the bad config"
    assert "thread_ts=" in event.permalink


def test_integration_alert_is_captured_from_its_attachment(declared) -> None:
    alert = declared.standin.add_message(
        CHANNEL,
        bot_id=ALERTS_BOT,
        text="",
        attachments=[{"title": "[FIRING] checkout p99 > 2s", "text": "eu-west-1"}],
    )

    _tag(declared, alert["ts"], user=ALICE)

    (event,) = _events(declared)
    assert event.text == "[FIRING] checkout p99 > 2s\neu-west-1"
    assert (event.author_id, event.author_bot_id) == (None, ALERTS_BOT)
    assert event.kind == "detection"


def test_the_bots_own_messages_are_never_captured(declared) -> None:
    own = declared.standin.add_message(
        CHANNEL, user="U07PIRBOT01", bot_id="B07PIRBOT01", text="Incident declared"
    )
    _tag(declared, own["ts"], user=ALICE)
    assert _events(declared) == []


def test_other_reactions_touch_neither_slack_nor_the_database(declared) -> None:
    message = declared.standin.add_message(CHANNEL, user=ALICE, text="lunch?")
    reply = _tag(declared, message["ts"], reaction="tada")
    assert reply.status == 200
    assert _events(declared) == []
    assert declared.standin.calls == []


def test_very_long_message_with_emoji_is_stored_whole(declared) -> None:
    text = ("🔥 שלום <@U04BOB00002> & <stuff> " * 1300)[:40_000]
    message = declared.standin.add_message(CHANNEL, user=ALICE, text=text)
    _tag(declared, message["ts"])
    (event,) = _events(declared)
    assert event.text == text


def test_rate_limited_confirmation_is_waited_out(declared) -> None:
    message = declared.standin.add_message(CHANNEL, user=ALICE, text="failover")
    declared.standin.fail_next("reactions.add", status=429, retry_after=0)
    _tag(declared, message["ts"])
    assert len(_events(declared)) == 1
    assert len(declared.standin.calls_to("reactions.add")) == 2


def test_tag_of_a_deleted_message_captures_nothing(declared) -> None:
    message = declared.standin.add_message(CHANNEL, user=ALICE, text="oops")
    declared.standin.delete_message(CHANNEL, message["ts"])
    reply = _tag(declared, message["ts"])
    assert reply.status == 200
    assert _events(declared) == []


def test_time_stated_in_the_text_is_read_in_the_authors_zone(declared) -> None:
    # 15:33:20 UTC is 10:33 in New York, where Bob is; he means 10:20 there.
    message = declared.standin.add_message(
        CHANNEL,
        user=BOB,
        text="errors since 10:20, rolling back",
        ts="1733240000.000100",
    )

    _tag(declared, message["ts"], user=ALICE)

    (event,) = _events(declared)
    assert event.posted_at.isoformat() == "2024-12-03T15:33:20.000100+00:00"
    assert event.stated_at.isoformat() == "2024-12-03T15:20:00+00:00"
    assert event.occurred_at == event.stated_at


def test_timeline_shows_both_the_posted_and_the_stated_time(declared) -> None:
    message = declared.standin.add_message(
        CHANNEL, user=BOB, text="errors since 10:20", ts="1733240000.000100"
    )
    _tag(declared, message["ts"], user=ALICE)

    declared.command("timeline", user_id=ALICE, channel_id=CHANNEL)

    response = declared.standin.calls_to("response_url")[-1].args
    first = next(b for b in response["blocks"] if b["type"] == "section")
    # Alice reads Berlin time: posted 16:33, says 16:20.
    shown = first["text"]["text"]
    assert shown.startswith("*Tue 03 Dec 16:20 (posted 16:33, says 16:20)*")


def test_alert_time_with_a_zone_is_read_from_the_integrations_text(declared) -> None:
    alert = declared.standin.add_message(
        CHANNEL,
        bot_id=ALERTS_BOT,
        text="",
        attachments=[{"title": "[FIRING] p99 > 2s", "text": "since 15:02 UTC"}],
        ts="1733240000.000200",
    )

    _tag(declared, alert["ts"], user=ALICE)

    (event,) = _events(declared)
    assert event.stated_at.isoformat() == "2024-12-03T15:02:00+00:00"


def test_a_message_planning_a_later_time_keeps_its_own_time(declared) -> None:
    message = declared.standin.add_message(
        CHANNEL, user=BOB, text="will deploy the fix at 11:30", ts="1733240000.000300"
    )

    _tag(declared, message["ts"], user=ALICE)

    (event,) = _events(declared)
    assert event.stated_at is None
    assert event.occurred_at == event.posted_at


def test_a_message_of_slacks_longest_text_is_captured_whole(declared) -> None:
    # Slack's limit for a message is 40,000 characters; emoji are one each.
    text = ("db failover 🔥 " * 3_000)[:40_000]
    message = declared.standin.add_message(CHANNEL, user=ALICE, text=text)

    _tag(declared, message["ts"])
    timeline = declared.command("timeline", user_id=ALICE, channel_id=CHANNEL)

    (event,) = _events(declared)
    assert event.text == text
    assert timeline.status == 200
    (shown,) = declared.standin.calls_to("response_url")
    assert "db failover 🔥" in json.dumps(shown.args, ensure_ascii=False)
