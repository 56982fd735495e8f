"""Tags in a channel that is not an incident yet: kept, one question asked,
and put on the timeline when an incident is declared there."""

from __future__ import annotations

from sqlmodel import select

from bot.local import LocalBot
from domain import lifecycle
from handlers.ids import (
    CONFIRMATION_REACTION,
    INPUT_ACTION,
    DeclareAction,
    DeclareBlock,
    View,
)
from slack_standin import payloads
from store.models import PendingTag, TimelineEvent
from tests.handlers.people import ALICE, BOB, QUIET_CHANNEL, TEAM


def _events(bot: LocalBot) -> list[TimelineEvent]:
    with bot.db.session() as session:
        return list(
            session.exec(select(TimelineEvent).order_by(TimelineEvent.posted_at)).all()
        )


def _tag(bot: LocalBot, ts: str, *, user=BOB, reaction="pushpin", **kwargs):
    return bot.event(
        payloads.reaction_added(
            user=user, reaction=reaction, channel=QUIET_CHANNEL, ts=ts
        ),
        **kwargs,
    )


def _two_tagged_messages(bot: LocalBot) -> list[dict]:
    first = bot.standin.add_message(
        QUIET_CHANNEL, user=ALICE, text="queue is backing up", ts="1733240000.000100"
    )
    second = bot.standin.add_message(
        QUIET_CHANNEL, user=BOB, text="scaled the workers", ts="1733240600.000200"
    )
    _tag(bot, first["ts"], user=BOB)
    _tag(bot, second["ts"], user=ALICE, reaction="hammer_and_wrench")
    return [first, second]


def _click_declare(bot: LocalBot, *, user=BOB) -> tuple[str, dict]:
    (question,) = bot.standin.calls_to("chat.postEphemeral")
    (button,) = question.args["blocks"][-1]["elements"]
    bot.interactive(
        payloads.block_actions(
            user=user,
            actions=[
                payloads.button_action(
                    action_id=button["action_id"],
                    block_id="ask",
                    value=button["value"],
                    text="Declare an incident",
                )
            ],
            container=payloads.message_container(
                channel=QUIET_CHANNEL, message_ts="1733240000.000900", ephemeral=True
            ),
            channel=QUIET_CHANNEL,
            trigger_id=bot.standin.issue_trigger_id(),
        )
    )
    ((view_id, view),) = [
        (view_id, view)
        for view_id, view in bot.standin.views.items()
        if view.get("callback_id") == View.DECLARE_INCIDENT
    ]
    return view_id, view


def _submit(bot: LocalBot, view_id: str, view: dict, *, title: str, severity="P2"):
    values = {
        DeclareBlock.TITLE: {
            INPUT_ACTION: {"type": "plain_text_input", "value": title}
        },
        DeclareBlock.SEVERITY: {
            INPUT_ACTION: {
                "type": "static_select",
                "selected_option": {"value": severity},
            }
        },
    }
    return bot.interactive(
        payloads.view_submission(
            user=BOB,
            view_id=view_id,
            callback_id=view["callback_id"],
            private_metadata=view["private_metadata"],
            state_values=values,
            view=view,
        )
    )


def test_tags_are_kept_and_only_the_first_tagger_is_asked_once(bot) -> None:
    first, _second = _two_tagged_messages(bot)
    _tag(bot, first["ts"], user=BOB, retry_num=1)  # the same tag, delivered again

    assert _events(bot) == []
    with bot.db.session() as session:
        assert len(session.exec(select(PendingTag)).all()) == 2
    (question,) = bot.standin.calls_to("chat.postEphemeral")
    assert question.args["user"] == BOB
    (button,) = question.args["blocks"][-1]["elements"]
    assert button["action_id"] == DeclareAction.FROM_TAG
    assert bot.standin.calls_to("reactions.add") == []


def test_declaring_from_the_button_puts_the_kept_tags_on_the_timeline(bot) -> None:
    first, second = _two_tagged_messages(bot)

    view_id, view = _click_declare(bot)
    assert view["blocks"][0]["element"]["initial_value"] == "random"
    reply = _submit(bot, view_id, view, title="Queue backlog")

    assert reply.status == 200
    incident = lifecycle.find_incident(bot.db, team_id=TEAM, channel_id=QUIET_CHANNEL)
    assert (incident.title, incident.severity, incident.commander_id) == (
        "Queue backlog",
        "P2",
        BOB,
    )
    events = _events(bot)
    assert [(e.message_ts, e.kind, e.tagged_by) for e in events] == [
        (first["ts"], "other", BOB),
        (second["ts"], "mitigation", ALICE),
    ]
    confirmed = {c.args["timestamp"] for c in bot.standin.calls_to("reactions.add")}
    assert confirmed == {first["ts"], second["ts"]}
    assert all(
        c.args["name"] == CONFIRMATION_REACTION
        for c in bot.standin.calls_to("reactions.add")
    )
    with bot.db.session() as session:
        assert session.exec(select(PendingTag)).all() == []


def test_declaring_with_the_command_takes_the_kept_tags_too(bot) -> None:
    _two_tagged_messages(bot)

    bot.command("declare P1 Queue backlog", user_id=ALICE, channel_id=QUIET_CHANNEL)

    assert len(_events(bot)) == 2


def test_a_tag_taken_off_before_declaring_is_forgotten(bot) -> None:
    first, second = _two_tagged_messages(bot)
    bot.event(
        payloads.reaction_removed(
            user=BOB, reaction="pushpin", channel=QUIET_CHANNEL, ts=first["ts"]
        )
    )

    bot.command("declare P3 Queue backlog", user_id=ALICE, channel_id=QUIET_CHANNEL)

    assert [e.message_ts for e in _events(bot)] == [second["ts"]]


def test_a_kept_tag_on_a_message_deleted_meanwhile_is_skipped(bot) -> None:
    first, second = _two_tagged_messages(bot)
    bot.standin.delete_message(QUIET_CHANNEL, first["ts"])

    bot.command("declare P3 Queue backlog", user_id=ALICE, channel_id=QUIET_CHANNEL)

    assert [e.message_ts for e in _events(bot)] == [second["ts"]]


def test_an_empty_title_is_answered_in_the_modal_and_declares_nothing(bot) -> None:
    _two_tagged_messages(bot)
    view_id, view = _click_declare(bot)

    reply = _submit(bot, view_id, view, title="   ")

    assert reply.json()["response_action"] == "errors"
    assert DeclareBlock.TITLE in reply.json()["errors"]
    assert (
        lifecycle.find_incident(bot.db, team_id=TEAM, channel_id=QUIET_CHANNEL) is None
    )
    with bot.db.session() as session:
        assert len(session.exec(select(PendingTag)).all()) == 2
