"""`/pir severity`, `commander`, `event` and `timeline`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from bot.local import LocalBot
from domain import lifecycle
from handlers.ids import TimelineAction
from slack_standin import payloads
from store.models import TimelineEvent
from tests.handlers.people import ALICE, BOB, CAROL, CHANNEL, TEAM


def _events(bot: LocalBot) -> list[TimelineEvent]:
    with bot.db.session() as session:
        return list(session.exec(select(TimelineEvent)).all())


def _last_response(bot: LocalBot) -> dict:
    return bot.standin.calls_to("response_url")[-1].args


def test_severity_and_commander_change_the_incident(declared) -> None:
    declared.command("severity p2", user_id=BOB, channel_id=CHANNEL)
    declared.command(f"commander <@{CAROL}|carol>", user_id=BOB, channel_id=CHANNEL)
    incident = lifecycle.find_incident(declared.db, team_id=TEAM, channel_id=CHANNEL)
    assert (incident.severity, incident.commander_id) == ("P2", CAROL)


def test_bad_severity_is_answered_with_an_example(declared) -> None:
    declared.command("severity P9", user_id=BOB, channel_id=CHANNEL)
    assert "/pir severity P2" in _last_response(declared)["text"]
    incident = lifecycle.find_incident(declared.db, team_id=TEAM, channel_id=CHANNEL)
    assert incident.severity == "P1"


def test_typed_event_with_a_time_is_stored_at_that_time(declared) -> None:
    now = datetime.now(UTC)
    declared.command(
        "event 10 minutes ago first alert fired &amp; paged",
        user_id=BOB,
        channel_id=CHANNEL,
    )
    (event,) = _events(declared)
    assert event.text == "first alert fired & paged"
    assert (event.source, event.kind, event.message_ts) == (
        "command",
        "detection",
        None,
    )
    assert abs((now - timedelta(minutes=10) - event.occurred_at).total_seconds()) < 60


def test_typed_event_without_a_time_happens_now(declared) -> None:
    declared.command("event 502 errors on checkout", user_id=BOB, channel_id=CHANNEL)
    (event,) = _events(declared)
    assert event.text == "502 errors on checkout"
    assert event.stated_at is None


def test_typed_event_in_the_future_is_refused(declared) -> None:
    declared.command("event in 2 hours deploy", user_id=BOB, channel_id=CHANNEL)
    declared.command("event tomorrow 10:00 deploy", user_id=BOB, channel_id=CHANNEL)
    texts = [c.args["text"] for c in declared.standin.calls_to("response_url")]
    assert _events(declared)[0].text == "in 2 hours deploy"
    assert "future" in texts[-1]


def test_typed_event_needs_words(declared) -> None:
    for line in ("event", "event 14:02", "event 10 minutes ago"):
        declared.command(line, user_id=BOB, channel_id=CHANNEL)
        assert "/pir event 14:02" in _last_response(declared)["text"]
    assert _events(declared) == []


def test_typed_event_in_a_zone_that_cannot_be_read_is_refused(declared) -> None:
    declared.command("event 14:05 IST first alert", user_id=BOB, channel_id=CHANNEL)
    assert _events(declared) == []
    assert "IST" in _last_response(declared)["text"]


def test_timeline_is_in_order_in_the_viewers_zone_with_durations(declared) -> None:
    alert = declared.standin.add_message(
        CHANNEL,
        user=ALICE,
        text="alert firing on <@U04BOB00002>",
        ts="1733240000.000100",
    )
    fix = declared.standin.add_message(
        CHANNEL, user=BOB, text="rolled back <!here>", ts="1733241800.000200"
    )
    for message in (fix, alert):
        declared.event(
            payloads.reaction_added(
                user=CAROL, reaction="pushpin", channel=CHANNEL, ts=message["ts"]
            )
        )

    declared.command("timeline", user_id=BOB, channel_id=CHANNEL)

    response = _last_response(declared)
    sections = [b["text"]["text"] for b in response["blocks"] if b["type"] == "section"]
    # Bob reads New York time: 15:33:20 UTC is 10:33 there.
    assert sections[0].startswith("*Tue 03 Dec 10:33* · Detection")
    # Mentions read as the person's name, never as a raw user id.
    assert "@Bob" in sections[0] and "<@" not in sections[0]
    assert "tagged by Carol" in sections[0]
    assert "&lt;!here&gt;" not in sections[1] and "<!here>" not in sections[1]
    assert sections[1].startswith("*Tue 03 Dec 11:03* · Mitigation")
    assert "America/New_York" in json.dumps(response["blocks"])
    assert "*mitigate* 30 min" in sections[-1]


def test_long_timeline_is_paged_not_cut(declared) -> None:
    base = 1733240000
    for number in range(95):
        message = declared.standin.add_message(
            CHANNEL,
            user=ALICE,
            text=f"step {number}",
            ts=f"{base + number * 60}.000001",
        )
        declared.event(
            payloads.reaction_added(
                user=BOB, reaction="pushpin", channel=CHANNEL, ts=message["ts"]
            )
        )
    declared.command("timeline", user_id=BOB, channel_id=CHANNEL)

    first = _last_response(declared)
    assert len(first["blocks"]) <= 50
    assert "page 1 of 3" in json.dumps(first["blocks"])
    paging = first["blocks"][-1]
    (later,) = [e for e in paging["elements"] if e["action_id"] == TimelineAction.LATER]

    seen = [b["text"]["text"] for b in first["blocks"] if b["type"] == "section"]
    for _page in range(2):
        declared.interactive(
            payloads.block_actions(
                user=BOB,
                actions=[
                    {
                        "type": "button",
                        "action_id": later["action_id"],
                        "block_id": paging["block_id"],
                        "value": later["value"],
                        "action_ts": "1733250000.000001",
                    }
                ],
                container={"type": "message", "is_ephemeral": True},
                response_url=declared.standin.new_response_url(channel_id=CHANNEL),
                channel=CHANNEL,
            )
        )
        page = _last_response(declared)
        assert page["replace_original"] is True
        seen += [b["text"]["text"] for b in page["blocks"] if b["type"] == "section"]
        buttons = [b for b in page["blocks"] if b["type"] == "actions"]
        if buttons:
            later = next(
                (
                    e
                    for e in buttons[0]["elements"]
                    if e["action_id"] == "timeline_later"
                ),
                later,
            )

    steps = [s for s in seen if "step " in s]
    assert len(steps) == 95
    link = "https://acme-eng.slack.com/archives/C07INC12345/p1733245640000001"
    assert steps[-1].endswith(f"step 94\ntagged by Bob · <{link}|message>")
