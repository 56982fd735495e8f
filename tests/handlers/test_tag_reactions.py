"""`/pir reactions`: a workspace chooses the reactions that tag events."""

from __future__ import annotations

from sqlmodel import select

from bot.local import LocalBot
from domain.tag_reactions import set_tag_reaction, tag_reactions
from domain.timeline import DEFAULT_TAG_REACTIONS, EventKind
from slack_standin import payloads
from store.models import TimelineEvent
from tests.handlers.people import ALICE, BOB, CHANNEL, TEAM


def _events(bot: LocalBot) -> list[TimelineEvent]:
    with bot.db.session() as session:
        return list(session.exec(select(TimelineEvent)).all())


def _react(bot: LocalBot, ts: str, reaction: str, *, removed: bool = False):
    build = payloads.reaction_removed if removed else payloads.reaction_added
    return bot.event(build(user=BOB, reaction=reaction, channel=CHANNEL, ts=ts))


def _answer(bot: LocalBot) -> str:
    return bot.standin.calls_to("response_url")[-1].args["text"]


def test_an_added_reaction_tags_events_of_its_kind(declared) -> None:
    declared.command(
        "reactions add :fire: detection", user_id=ALICE, channel_id=CHANNEL
    )
    assert ":fire: Detection" in _answer(declared)

    message = declared.standin.add_message(CHANNEL, user=ALICE, text="p99 is 4s")
    _react(declared, message["ts"], "fire")

    (event,) = _events(declared)
    assert event.kind == "detection"


def test_a_removed_reaction_no_longer_tags_but_still_releases_its_tags(declared):
    message = declared.standin.add_message(CHANNEL, user=ALICE, text="p99 is 4s")
    _react(declared, message["ts"], "pushpin")
    declared.command("reactions remove :pushpin:", user_id=ALICE, channel_id=CHANNEL)

    other = declared.standin.add_message(CHANNEL, user=ALICE, text="still slow")
    _react(declared, other["ts"], "pushpin")
    assert [e.message_ts for e in _events(declared)] == [message["ts"]]

    _react(declared, message["ts"], "pushpin", removed=True)
    assert _events(declared) == []


def test_reset_brings_back_the_defaults(declared) -> None:
    declared.command("reactions remove :eyes:", user_id=ALICE, channel_id=CHANNEL)
    declared.command("reactions reset", user_id=ALICE, channel_id=CHANNEL)
    assert tag_reactions(declared.db, team_id=TEAM) == DEFAULT_TAG_REACTIONS


def test_bad_requests_are_answered_and_change_nothing(declared) -> None:
    requests_and_answers = [
        ("reactions add :spiral_note_pad:", "bot's own confirmation"),
        ("reactions add :fire: banana", "is not a kind"),
        ("reactions add <@U04BOB00002>", "is not an emoji name"),
        ("reactions remove :tada:", "does not tag events here"),
        ("reactions frobnicate", "I did not understand"),
    ]
    for text, answer in requests_and_answers:
        declared.command(text, user_id=ALICE, channel_id=CHANNEL)
        assert answer in _answer(declared), text
    assert tag_reactions(declared.db, team_id=TEAM) == DEFAULT_TAG_REACTIONS


def test_each_workspace_has_its_own_reactions(db) -> None:
    set_tag_reaction(db, team_id="T0AAAAAAA", reaction="fire", kind=EventKind.START)
    assert tag_reactions(db, team_id="T0AAAAAAA")["fire"] is EventKind.START
    assert "fire" not in tag_reactions(db, team_id="T0BBBBBBB")
