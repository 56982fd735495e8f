"""Malformed and hostile requests to every listener: nothing raises to Bolt,
every request that reaches a listener is answered in time, and nothing a
workspace stored changes because of another workspace's requests.

The stored data that must not change belongs to a seeded workspace; every
hostile request comes from the stand-in's workspace, which has its own
incident in the same channel id, so requests reach deep into the handlers
and name the seeded workspace's incidents, messages and action items.
"""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.local import LocalBot
from domain import capture, lifecycle
from domain.incidents import Declaration, Severity
from handlers import ids
from handlers.timeline_views import TimelinePage
from slack_standin import payloads, sign
from store import reviews, workspaces
from store.db import Database
from tests.handlers.hostile import (
    SEEDED_TEAM,
    ErrorRecords,
    Request,
    Seeded,
    broken,
    build_requests,
    reaches,
    snapshot,
    uncovered,
)
from tests.handlers.people import ALICE, BOB, CHANNEL

SEEDED_ONLY_CHANNEL = "C0SEEDONLY1"
EXAMPLES = int(os.environ.get("PIRBOT_HOSTILE_EXAMPLES", "120"))


def _seed(db: Database, standin) -> Seeded:
    """Another workspace's incidents, timeline, review and action item."""
    now = datetime.now(UTC)
    incidents = []
    for channel in (CHANNEL, SEEDED_ONLY_CHANNEL):
        incidents.append(
            lifecycle.declare_incident(
                db,
                team_id=SEEDED_TEAM,
                channel_id=channel,
                channel_name="inc-seeded",
                declaration=Declaration(Severity.P1, "Seeded outage", BOB),
                declared_by=BOB,
                now=now - timedelta(hours=1),
            )
        )
    texts = ("seeded: database failover at 13:40", "seeded: all clear")
    tagged = []
    for text in texts:
        message = standin.add_message(CHANNEL, user=BOB, text=text)
        capture.capture_message(
            db,
            message=capture.Message(SEEDED_TEAM, CHANNEL, message["ts"], text, BOB),
            tagged_by=BOB,
            source=capture.TagSource.REACTION,
            kind=None,
            reaction="pushpin",
        )
        tagged.append(message["ts"])
    capture.add_typed_event(
        db,
        team_id=SEEDED_TEAM,
        channel_id=CHANNEL,
        text="seeded: first alert",
        typed_by=BOB,
        at=None,
        now=now,
    )
    lifecycle.note_responder(
        db, team_id=SEEDED_TEAM, channel_id=CHANNEL, user_id=ALICE, at=now
    )
    capture.hold_tag(
        db,
        team_id=SEEDED_TEAM,
        channel_id="C0SEEDQUIET",
        message_ts=tagged[0],
        user_id=BOB,
        reaction="pushpin",
    )
    with db.session() as session:
        workspaces.put_setting(
            session, team_id=SEEDED_TEAM, key="tag_reactions", value={"fire": None}
        )
        reviews.save_section(
            session,
            team_id=SEEDED_TEAM,
            incident_id=incidents[0].id,
            section="summary",
            content={"summary": "seeded summary"},
            state="draft",
            updated_by=BOB,
            expected_version=0,
        )
        item = reviews.add_action_item(
            session,
            team_id=SEEDED_TEAM,
            incident_id=incidents[0].id,
            deliverable="seeded: add an alert",
            owner_id=BOB,
            deadline=date(2030, 1, 31),
            deadline_zone="Europe/Berlin",
            priority="high",
            contributing_factor=None,
            vague_kept=False,
            created_by=BOB,
        )
    return Seeded(
        incident_id=incidents[0].id,
        other_incident_id=incidents[1].id,
        channel_only_seeded=SEEDED_ONLY_CHANNEL,
        tagged_ts=tagged[0],
        action_item_id=item.id,
        event_texts=texts,
    )


@pytest.fixture
def arena(declared: LocalBot):
    """The bot with an incident of its own in CHANNEL, a tagged message
    there, and the seeded workspace's data beside it."""
    bot = declared
    message = bot.standin.add_message(CHANNEL, user=BOB, text="restarted the pods")
    tag = {
        "type": "reaction_added",
        "user": ALICE,
        "reaction": "pushpin",
        "item": {"type": "message", "channel": CHANNEL, "ts": message["ts"]},
        "event_ts": message["ts"],
    }
    assert bot.event(tag).status == 200
    seeded = _seed(bot.db, bot.standin)
    requests = build_requests(
        bot.deps,
        seeded,
        own_ts=message["ts"],
        response_url=bot.standin.new_response_url(channel_id=CHANNEL),
        trigger_id=bot.standin.issue_trigger_id(),
    )
    routed = [request for request in requests if reaches(bot.app, request)]
    return bot, seeded, routed


def _send(bot: LocalBot, request: Request):
    body, content_type = request.body()
    reply = bot.sender.raw(body, content_type=content_type)
    bot.settle()
    return reply


def test_every_registered_listener_gets_a_well_formed_request(arena) -> None:
    bot, _seeded, routed = arena

    assert uncovered(bot.app, routed) == [], (
        "these listeners get no request here: give their Slack ids a place "
        "in handlers/ids.py"
    )


def test_well_formed_requests_are_answered_and_raise_nothing(arena) -> None:
    bot, _seeded, routed = arena
    before = snapshot(bot.db)

    with ErrorRecords() as errors:
        statuses = [_send(bot, request).status for request in routed]

    assert errors.records == [], errors.describe()
    assert set(statuses) == {200}
    assert snapshot(bot.db) == before


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_hostile_requests_raise_nothing_and_change_no_other_workspace(
    arena, data
) -> None:
    bot, seeded, routed = arena
    before = snapshot(bot.db)
    request = broken(data.draw(st.sampled_from(routed)), data.draw, seeded)
    routes = reaches(bot.app, request)

    with ErrorRecords() as errors:
        reply = _send(bot, request)

    assert errors.records == [], errors.describe()
    assert reply.status < 500
    if routes:
        assert reply.status == 200, "a routed request was not acked in time"
    assert snapshot(bot.db) == before


def _forge(draw, sender, body: bytes) -> tuple[dict[str, str], str]:
    """Headers with a bad signature, or a good one on a stale timestamp or on
    a timestamp that is not a number."""
    now = int(time.time())
    kinds = ["random", "empty", "missing", "other version", "other body", "stale"]
    kind = draw(st.sampled_from([*kinds, "odd timestamp"]))
    if kind == "odd timestamp":
        sent_at = draw(st.sampled_from(["", "soon", "1.5e9", f"{now}.5", "-1"]))
        return {
            "X-Slack-Request-Timestamp": sent_at,
            "X-Slack-Signature": sign(sender.signing_secret, sent_at, body),
        }, kind
    if kind == "stale":
        shift = draw(st.integers(min_value=301, max_value=10**7))
        sent_at = str(now + draw(st.sampled_from([-1, 1])) * shift)
        return {
            "X-Slack-Request-Timestamp": sent_at,
            "X-Slack-Signature": sign(sender.signing_secret, sent_at, body),
        }, kind
    headers = {"X-Slack-Request-Timestamp": str(now)}
    if kind == "random":
        headers["X-Slack-Signature"] = "v0=" + draw(
            st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)
        )
    elif kind == "empty":
        headers["X-Slack-Signature"] = ""
    elif kind == "other version":
        good = sign(sender.signing_secret, str(now), body)
        headers["X-Slack-Signature"] = "v1=" + good.removeprefix("v0=")
    elif kind == "other body":
        headers["X-Slack-Signature"] = sign(
            sender.signing_secret, str(now), body + b" "
        )
    return headers, kind


def _post(url: str, body: bytes, content_type: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Content-Type", content_type)
    for name, value in headers.items():
        request.add_header(name, value)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@settings(
    max_examples=EXAMPLES // 2,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_bad_or_stale_signature_is_401_and_changes_nothing(arena, data) -> None:
    bot, seeded, routed = arena
    request = data.draw(st.sampled_from(routed))
    if data.draw(st.booleans()):
        request = broken(request, data.draw, seeded)
    body, content_type = request.body()
    headers, _kind = _forge(data.draw, bot.sender, body)
    everything = snapshot(bot.db, team_id=None)
    calls = len(bot.standin.calls)

    status = _post(bot.url, body, content_type, headers)
    bot.settle()

    assert status == 401
    assert snapshot(bot.db, team_id=None) == everything
    assert len(bot.standin.calls) == calls


def _said_anything_of_the_seeded_workspace(bot: LocalBot) -> list[str]:
    leaks = []
    for call in bot.standin.calls:
        said = json.dumps(call.args, ensure_ascii=False)
        if "seeded" in said.lower():
            leaks.append(f"{call.method}: {said[:200]}")
    return leaks


def test_requests_naming_another_workspaces_incident_reach_none_of_its_data(
    arena,
) -> None:
    bot, seeded, _routed = arena
    before = snapshot(bot.db)
    bot.standin.clear_calls()
    respond_to = bot.standin.new_response_url(channel_id=CHANNEL)

    for text in ("timeline", "status", "resolved 10 min ago", "severity P4"):
        bot.command(text, user_id=ALICE, channel_id=seeded.channel_only_seeded)
    page = payloads.button_action(
        action_id=ids.TimelineAction.LATER.value,
        block_id="paging",
        value=TimelinePage(incident_id=seeded.incident_id, page=0).dump(),
        text="Later",
    )
    bot.interactive(
        payloads.block_actions(
            user=ALICE,
            actions=[page],
            container=payloads.message_container(
                channel=CHANNEL, message_ts=seeded.tagged_ts, ephemeral=True
            ),
            channel=CHANNEL,
            response_url=respond_to,
        )
    )
    for event in (
        payloads.message_changed(
            channel=CHANNEL,
            ts=seeded.tagged_ts,
            new_text="rewritten by another workspace",
            user=BOB,
            previous_text=seeded.event_texts[0],
        ),
        payloads.message_deleted(channel=CHANNEL, deleted_ts=seeded.tagged_ts),
        payloads.reaction_removed(
            user=BOB, reaction="pushpin", channel=CHANNEL, ts=seeded.tagged_ts
        ),
        payloads.channel_rename(channel=seeded.channel_only_seeded, name="renamed"),
        payloads.channel_archive(channel=seeded.channel_only_seeded, user=BOB),
    ):
        assert bot.event(event).status == 200

    assert snapshot(bot.db) == before
    assert _said_anything_of_the_seeded_workspace(bot) == []
    (gone,) = [c for c in bot.standin.calls_to("response_url") if c.url == respond_to]
    assert gone.args["text"] == "That incident is gone."
