"""The buttons on a posted digest, clicked through signed requests: the
item changes in the store and the digest message is drawn again in place."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.local import LocalBot
from domain import action_items
from handlers.ids import INPUT_ACTION, ActionItemAction, ActionItemBlock, View
from slack_standin import payloads
from store import reviews
from tests.handlers.people import ALICE, BOB, CAROL, QUIET_CHANNEL, TEAM
from tests.scheduler.world import Clock, World

# Monday 2 December 2024, 09:00 in Berlin: the digest's slot.
SLOT = datetime(2024, 12, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(SLOT)


@pytest.fixture
def bot(db, standin, clock) -> Iterator[LocalBot]:
    local = LocalBot(db, standin, now=clock)
    yield local
    local.close()


@pytest.fixture
def world(db, standin, clock, bot) -> World:
    return World(db, standin, clock=clock, deps=bot.deps, client=bot.client)


@pytest.fixture
def items(world: World) -> dict:
    """A posted digest with an overdue and a stale item."""
    world.subscribe(QUIET_CHANNEL)
    incident = world.incident(resolved_at=SLOT - timedelta(days=30))
    seeded = {
        "overdue": world.item(
            incident,
            deliverable="Alert on 502s",
            deadline=date(2024, 11, 29),
            zone="Europe/Berlin",
        ),
        "stale": world.item(
            incident,
            deliverable="Load test",
            owner=BOB,
            deadline=date(2025, 1, 31),
            progress_at=SLOT - timedelta(days=20),
        ),
    }
    world.tick(SLOT)
    world.standin.clear_calls()
    return seeded


def _digest(bot: LocalBot) -> dict:
    (message,) = bot.standin.messages(QUIET_CHANNEL)
    return message


def _click(bot: LocalBot, action: ActionItemAction, item_id: int, *, user=ALICE):
    reply = bot.interactive(_click_payload(bot, action, item_id, user=user))
    assert reply.status == 200
    return reply


def _click_payload(bot: LocalBot, action: ActionItemAction, item_id: int, *, user):
    message = _digest(bot)
    return payloads.block_actions(
        user=user,
        actions=[
            payloads.button_action(
                action_id=action.value,
                block_id=f"action_item:{item_id}:buttons",
                value=str(item_id),
                text="Done",
            )
        ],
        container=payloads.message_container(
            channel=QUIET_CHANNEL, message_ts=message["ts"]
        ),
        channel=QUIET_CHANNEL,
        message=message,
        trigger_id=bot.standin.issue_trigger_id(),
        response_url=bot.standin.new_response_url(channel_id=QUIET_CHANNEL),
    )


def _item(bot: LocalBot, item_id: int):
    with bot.db.session() as session:
        return reviews.get_action_item(session, team_id=TEAM, item_id=item_id)


def _shown(bot: LocalBot) -> str:
    return json.dumps(_digest(bot)["blocks"])


def _buttons_of(bot: LocalBot, item_id: int) -> bool:
    return any(
        block.get("block_id") == f"action_item:{item_id}:buttons"
        for block in _digest(bot)["blocks"]
    )


def test_done_marks_the_item_and_redraws_the_digest_in_place(bot, items, clock):
    item = items["overdue"]
    clock.advance(minutes=5)
    _click(bot, ActionItemAction.DONE, item.id, user=BOB)

    stored = _item(bot, item.id)
    assert (stored.status, stored.done_at, stored.updated_by) == (
        "done",
        clock(),
        BOB,
    )
    (update,) = bot.standin.calls_to("chat.update")
    assert update.args["ts"] == _digest(bot)["ts"]
    assert "*Done in the last 7 days* (1)" in _shown(bot)
    assert "~Alert on 502s~" in _shown(bot)
    assert not _buttons_of(bot, item.id)
    assert len(bot.standin.messages(QUIET_CHANNEL)) == 1


def test_a_second_done_keeps_the_first_moment(bot, items, clock) -> None:
    item = items["overdue"]
    _click(bot, ActionItemAction.DONE, item.id)
    first = _item(bot, item.id).done_at
    clock.advance(hours=1)
    _click(bot, ActionItemAction.DONE, item.id, user=BOB)
    assert _item(bot, item.id).done_at == first


def test_still_on_it_records_progress_and_the_item_is_no_longer_stale(
    bot, items, clock
) -> None:
    item = items["stale"]
    assert "Stale: no progress" in _shown(bot)
    _click(bot, ActionItemAction.STILL_ON_IT, item.id, user=BOB)

    assert _item(bot, item.id).last_progress_at == clock()
    assert "Stale: no progress" not in _shown(bot)
    assert "*Later* (1)" in _shown(bot)
    assert _buttons_of(bot, item.id)


def _open_modal(bot: LocalBot, action: ActionItemAction, item_id: int, callback):
    _click(bot, action, item_id)
    (opened,) = bot.standin.calls_to("views.open")
    view_id, view = next(
        (view_id, view)
        for view_id, view in bot.standin.views.items()
        if view["callback_id"] == callback
    )
    return view_id, view


def _submit(bot: LocalBot, view_id: str, view: dict, values: dict, *, user=ALICE):
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


def _deadline(text: str) -> dict:
    return {
        ActionItemBlock.DEADLINE: {
            INPUT_ACTION: {"type": "plain_text_input", "value": text}
        }
    }


def test_change_deadline_reads_free_text_in_the_items_zone(bot, items) -> None:
    item = items["overdue"]
    view_id, view = _open_modal(
        bot, ActionItemAction.CHANGE_DEADLINE, item.id, View.ACTION_ITEM_DEADLINE
    )
    assert "Europe/Berlin" in json.dumps(view["blocks"])

    reply = _submit(bot, view_id, view, _deadline("20 Dec"))

    assert reply.status == 200 and reply.body == ""
    stored = _item(bot, item.id)
    assert (stored.deadline, stored.deadline_zone) == (
        date(2024, 12, 20),
        "Europe/Berlin",
    )
    assert "due Fri 20 Dec" in _shown(bot)
    assert "Overdue" not in _shown(bot)


def test_an_unreadable_deadline_is_answered_in_the_modal(bot, items) -> None:
    item = items["overdue"]
    view_id, view = _open_modal(
        bot, ActionItemAction.CHANGE_DEADLINE, item.id, View.ACTION_ITEM_DEADLINE
    )
    reply = _submit(bot, view_id, view, _deadline("when pigs fly"))

    answer = reply.json()
    assert answer["response_action"] == "errors"
    assert "next friday" in answer["errors"][ActionItemBlock.DEADLINE]
    assert _item(bot, item.id).deadline == date(2024, 11, 29)


def test_a_deadline_for_an_item_changed_meanwhile_is_refused(bot, items, clock):
    item = items["overdue"]
    view_id, view = _open_modal(
        bot, ActionItemAction.CHANGE_DEADLINE, item.id, View.ACTION_ITEM_DEADLINE
    )
    action_items.note_progress(
        bot.db, team_id=TEAM, item_id=item.id, by=BOB, now=clock()
    )
    reply = _submit(bot, view_id, view, _deadline("20 Dec"))

    error = reply.json()["errors"][ActionItemBlock.DEADLINE]
    assert f"<@{BOB}> changed this action item" in error
    assert _item(bot, item.id).deadline == date(2024, 11, 29)


def test_reassign_gives_the_item_a_new_owner_and_tells_them(bot, items) -> None:
    item = items["overdue"]
    view_id, view = _open_modal(
        bot, ActionItemAction.REASSIGN, item.id, View.ACTION_ITEM_REASSIGN
    )
    values = {
        ActionItemBlock.OWNER: {
            INPUT_ACTION: {"type": "users_select", "selected_user": CAROL}
        }
    }
    reply = _submit(bot, view_id, view, values)

    assert reply.status == 200 and reply.body == ""
    assert _item(bot, item.id).owner_id == CAROL
    (told,) = bot.standin.calls_to("chat.postMessage")
    assert told.args["channel"] == CAROL
    assert "Alert on 502s" in told.args["text"]
    assert f"<@{CAROL}>" in _shown(bot)


def _reassign_to(bot: LocalBot, item, owner: str):
    view_id, view = _open_modal(
        bot, ActionItemAction.REASSIGN, item.id, View.ACTION_ITEM_REASSIGN
    )
    values = {
        ActionItemBlock.OWNER: {
            INPUT_ACTION: {"type": "users_select", "selected_user": owner}
        }
    }
    return _submit(bot, view_id, view, values)


def test_reassign_to_a_bot_is_answered_in_the_modal(bot, items) -> None:
    item = items["overdue"]
    bot.standin.add_user("U0ALERTBOT1", name="alertbot", is_bot=True)

    reply = _reassign_to(bot, item, "U0ALERTBOT1")

    assert "is a bot" in reply.json()["errors"][ActionItemBlock.OWNER]
    assert _item(bot, item.id).owner_id == item.owner_id


def test_reassign_stands_when_the_new_owner_cannot_be_told(bot, items) -> None:
    item = items["overdue"]
    bot.standin.fail_next("chat.postMessage", status=200, error="cannot_dm_bot")

    reply = _reassign_to(bot, item, CAROL)

    assert reply.status == 200 and reply.body == ""
    assert _item(bot, item.id).owner_id == CAROL
    assert f"<@{CAROL}>" in _shown(bot)


def test_a_click_without_a_team_object_is_read_from_the_user(bot, items) -> None:
    item = items["overdue"]
    payload = _click_payload(bot, ActionItemAction.DONE, item.id, user=BOB)
    del payload["team"]

    assert bot.interactive(payload).status == 200
    assert _item(bot, item.id).status == "done"


def test_reassign_without_a_person_is_answered_in_the_modal(bot, items) -> None:
    item = items["overdue"]
    view_id, view = _open_modal(
        bot, ActionItemAction.REASSIGN, item.id, View.ACTION_ITEM_REASSIGN
    )
    reply = _submit(bot, view_id, view, {})
    assert "Choose who owns" in reply.json()["errors"][ActionItemBlock.OWNER]


def test_a_click_on_a_removed_item_says_so(bot, items) -> None:
    item = items["overdue"]
    with bot.db.session() as session:
        reviews.delete_action_item(
            session, team_id=TEAM, item_id=item.id, expected_version=item.version
        )
    _click(bot, ActionItemAction.DONE, item.id)

    (answer,) = bot.standin.calls_to("response_url")
    assert "removed" in answer.args["text"]
    assert bot.standin.calls_to("chat.update") == []
