"""The shape Slack sends: Slack's own example requests pass the check, and
requests Bolt answers by itself reach Bolt."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlmodel import select

from bot.local import SIGNING_SECRET
from handlers.shape import Malformed, RequestScreen, Verdict, check, in_shape
from slack_standin import SlackRequestSender, payloads
from slack_standin.requests import sign
from store.models import Incident, Workspace
from tests.handlers.people import ALICE, CHANNEL

PAYLOADS = Path(__file__).resolve().parents[3] / "shared" / "slack" / "payloads"
EXAMPLES = sorted(PAYLOADS.glob("*.json"))


@pytest.mark.skipif(not EXAMPLES, reason=f"no example payloads at {PAYLOADS}")
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.stem)
def test_slacks_example_requests_are_in_shape(path: Path) -> None:
    assert in_shape(json.loads(path.read_text(encoding="utf-8")))


def test_url_verification_reaches_bolt_and_is_answered_with_its_challenge(
    bot,
) -> None:
    body = b'{"token":"x","challenge":"abc123","type":"url_verification"}'

    reply = bot.sender.raw(body, content_type="application/json")

    assert reply.status == 200
    assert reply.json() == {"challenge": "abc123"}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"type": "event_callback", "team_id": "T0123ABCD", "event": "x"}, "type"),
        ({"type": "block_actions", "team": {"id": "t"}, "user": {}}, "Slack id"),
        ({"command": "/pir", "team_id": "T0123ABCD", "text": "a\x00b"}, "NUL"),
        ({"type": "shortcut", "team_id": "T0123ABCD", "user": {"id": "U1" * 20}}, "id"),
    ],
)
def test_requests_out_of_shape_are_named_for_what_is_wrong(body, problem) -> None:
    with pytest.raises(Malformed, match=problem):
        check(body)


@pytest.mark.parametrize(
    ("raw", "timestamp"),
    [
        (bytes(range(256)), None),
        (b'{"type": "event_callback"}', "soon"),
        (b'{"type": "event_callback"}', ""),
    ],
)
def test_a_body_or_timestamp_no_signature_could_cover_is_forged(raw, timestamp):
    screen = RequestScreen("secret")
    timestamp = str(int(time.time())) if timestamp is None else timestamp

    verdict = screen.judge(
        raw,
        content_type="application/json",
        timestamp=timestamp,
        signature=sign("secret", timestamp, raw),
    )

    assert verdict is Verdict.FORGED


def test_a_request_from_another_workspace_changes_nothing(bot) -> None:
    other = SlackRequestSender(
        bot.url, SIGNING_SECRET, team_id="T0OTHER0001", standin=bot.standin
    )
    message = bot.standin.add_message(CHANNEL, user=ALICE, text="db failover")
    calls = len(bot.standin.calls)

    declared = bot.settle(
        other.command("declare P2 Checkout errors", user_id=ALICE, channel_id=CHANNEL)
    )
    tagged = bot.settle(
        other.event(
            payloads.reaction_added(
                user=ALICE, reaction="pushpin", channel=CHANNEL, ts=message["ts"]
            )
        )
    )

    assert (declared.status, tagged.status) == (200, 200)
    assert len(bot.standin.calls) == calls
    with bot.db.session() as session:
        assert session.exec(select(Workspace)).all() == []
        assert session.exec(select(Incident)).all() == []
