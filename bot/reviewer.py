"""A simulated person in front of the review's Slack surfaces.

It clicks the review card's buttons and fills the modals the way a person
would: what a modal was opened with stays in the form unless the person
changes it, exactly as Slack submits every input's current value. Every
click and submission is a signed request to the real app. `pirbot demo`
and the tests use it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.local import LocalBot
from handlers.ids import INPUT_ACTION, ReviewAction, View
from slack_standin import Reply, payloads


@dataclass
class Modal:
    """An open modal as the stand-in holds it."""

    view_id: str
    view: dict

    @property
    def callback_id(self) -> str:
        return self.view.get("callback_id", "")

    def block(self, block_id: str) -> dict:
        for block in self.view["blocks"]:
            if block.get("block_id") == block_id:
                return block
        raise KeyError(f"no block {block_id} in the {self.callback_id} modal")

    def has_block(self, block_id: str) -> bool:
        return any(b.get("block_id") == block_id for b in self.view["blocks"])

    def buttons(self, action_id: str) -> list[dict]:
        found = []
        for block in self.view["blocks"]:
            for element in [block.get("accessory"), *(block.get("elements") or [])]:
                if isinstance(element, dict) and element.get("action_id") == action_id:
                    found.append({**element, "block_id": block.get("block_id")})
        return found


# What a person enters, by the kind of input.
def text(value: str | None) -> dict:
    return {"type": "plain_text_input", "value": value}


def number(value: int | str | None) -> dict:
    return {"type": "number_input", "value": None if value is None else str(value)}


def option(value: str | None) -> dict:
    chosen = None if value is None else {"value": value}
    return {"type": "static_select", "selected_option": chosen}


def radio(value: str | None) -> dict:
    chosen = None if value is None else {"value": value}
    return {"type": "radio_buttons", "selected_option": chosen}


def user(user_id: str | None) -> dict:
    return {"type": "users_select", "selected_user": user_id}


def users(user_ids: list[str]) -> dict:
    return {"type": "multi_users_select", "selected_users": list(user_ids)}


def day(iso_date: str | None) -> dict:
    return {"type": "datepicker", "selected_date": iso_date}


def ticked(*values: str) -> dict:
    return {"type": "checkboxes", "selected_options": [{"value": v} for v in values]}


def initial_state(view: dict) -> dict:
    """The state Slack would submit for a view nobody has touched."""
    values: dict[str, dict] = {}
    for block in view.get("blocks") or []:
        element = block.get("element")
        if block.get("type") != "input" or not isinstance(element, dict):
            continue
        values[block["block_id"]] = {element["action_id"]: _initial_value(element)}
    return values


def _initial_value(element: dict) -> dict:
    kind = element.get("type")
    if kind == "plain_text_input":
        return text(element.get("initial_value"))
    if kind == "number_input":
        return number(element.get("initial_value"))
    if kind in ("static_select", "radio_buttons"):
        chosen = element.get("initial_option")
        return {"type": kind, "selected_option": chosen}
    if kind == "users_select":
        return user(element.get("initial_user"))
    if kind == "multi_users_select":
        return users(element.get("initial_users") or [])
    if kind == "datepicker":
        return day(element.get("initial_date"))
    if kind == "checkboxes":
        return {"type": kind, "selected_options": element.get("initial_options") or []}
    if kind == "datetimepicker":
        return {"type": kind, "selected_date_time": element.get("initial_date_time")}
    return {"type": kind}


class SimulatedPerson:
    """One Slack user driving the review through signed requests."""

    def __init__(self, bot: LocalBot, user_id: str, *, channel_id: str) -> None:
        self.bot = bot
        self.user_id = user_id
        self.channel_id = channel_id

    @property
    def standin(self):
        return self.bot.standin

    def command(self, line: str) -> Reply:
        return self.bot.command(line, user_id=self.user_id, channel_id=self.channel_id)

    # -- the card ------------------------------------------------------------

    def card(self) -> dict:
        """The review card message in the channel (or the person's DM)."""
        places = [
            (self.channel_id, self.standin.messages(self.channel_id)),
            (None, self.standin.direct_messages(self.user_id)),
        ]
        for channel, messages in places:
            for message in reversed(messages):
                if _has_action(message.get("blocks"), ReviewAction.EDIT_SECTION):
                    return {**message, "channel": channel or message.get("channel")}
        raise LookupError("no review card was posted")

    def click_card(self, action_id: str, *, section: str | None = None) -> Reply:
        card = self.card()
        for block in card.get("blocks") or []:
            for element in [block.get("accessory"), *(block.get("elements") or [])]:
                if (
                    not isinstance(element, dict)
                    or element.get("action_id") != action_id
                ):
                    continue
                value = json.loads(element.get("value") or "{}")
                if section is None or value.get("s") == section:
                    return self._click(
                        element,
                        block_id=block["block_id"],
                        container=payloads.message_container(
                            channel=card["channel"], message_ts=card["ts"]
                        ),
                        message=card,
                        channel=card["channel"],
                    )
        raise LookupError(f"the card has no {action_id} button for {section}")

    def edit_section(self, section: str) -> Modal:
        reply = self.click_card(ReviewAction.EDIT_SECTION, section=section)
        if reply.status != 200:
            raise RuntimeError(f"Edit was answered {reply.status}")
        return self.newest_modal(View.REVIEW_SECTION)

    # -- modals ----------------------------------------------------------------

    def newest_modal(self, callback_id: str) -> Modal:
        for view_id, view in reversed(self.standin.views.items()):
            if view.get("callback_id") == callback_id:
                return Modal(view_id, view)
        raise LookupError(f"no {callback_id} modal is open")

    def modal(self, view_id: str) -> Modal:
        return Modal(view_id, self.standin.views[view_id])

    def click_in(self, modal: Modal, action_id: str, *, index: int = 0) -> Reply:
        """Click the `index`-th button with `action_id` in an open modal."""
        element = modal.buttons(action_id)[index]
        return self._click(
            element,
            block_id=element["block_id"],
            container=payloads.view_container(view_id=modal.view_id),
            view=modal.view,
            trigger_view=modal.view_id,
        )

    def choose_in(self, modal: Modal, block_id: str, action_id: str, value: dict):
        """Use a select that dispatches an action (an owner picker, say)."""
        action = {
            **value,
            "action_id": action_id,
            "block_id": block_id,
            "action_ts": payloads.now_ts(),
        }
        payload = payloads.block_actions(
            user=self.user_id,
            actions=[action],
            container=payloads.view_container(view_id=modal.view_id),
            trigger_id=self.standin.issue_trigger_id(view_id=modal.view_id),
            view=modal.view,
        )
        return self.bot.interactive(payload)

    def submit(self, modal: Modal, **entered: dict) -> Reply:
        """Submit the modal with `entered` (by block id) over what it shows.

        The stand-in then does what Slack does with the answer (closes,
        keeps with errors, replaces with an update).
        """
        state = initial_state(modal.view)
        for block_id, value in entered.items():
            action_id = INPUT_ACTION
            block = next(
                (b for b in modal.view["blocks"] if b.get("block_id") == block_id), None
            )
            if block is not None and isinstance(block.get("element"), dict):
                action_id = block["element"]["action_id"]
            state[block_id] = {action_id: value}
        reply = self.bot.interactive(
            payloads.view_submission(
                user=self.user_id,
                view_id=modal.view_id,
                callback_id=modal.callback_id,
                private_metadata=modal.view.get("private_metadata", ""),
                state_values=state,
                view=modal.view,
                trigger_id=self.standin.issue_trigger_id(view_id=modal.view_id),
            )
        )
        if reply.status == 200:
            self.standin.answer_submission(modal.view_id, _answer_of(reply))
        return reply

    def _click(self, element: dict, *, block_id: str, container: dict, **where):
        trigger_view = where.pop("trigger_view", None)
        channel = where.get("channel")
        response_url = None
        if channel is not None:
            response_url = self.standin.new_response_url(channel_id=channel)
        payload = payloads.block_actions(
            user=self.user_id,
            actions=[
                payloads.button_action(
                    action_id=element["action_id"],
                    block_id=block_id,
                    value=element.get("value", ""),
                    text=(element.get("text") or {}).get("text", ""),
                )
            ],
            container=container,
            trigger_id=self.standin.issue_trigger_id(view_id=trigger_view),
            response_url=response_url,
            **where,
        )
        return self.bot.interactive(payload)


def _answer_of(reply: Reply) -> dict | None:
    try:
        return json.loads(reply.body) if reply.body else None
    except (TypeError, ValueError):
        return None


def _has_action(blocks: Any, action_id: str) -> bool:
    for block in blocks or []:
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == action_id:
            return True
    return False
