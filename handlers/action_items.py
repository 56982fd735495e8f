"""The buttons on an action item: Done, Still on it, Change deadline and
Reassign, and the two modals. The surface that was clicked is drawn again
from the store, its items as they now stand: a digest message in place, or
the clicker's Home tab published anew."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from domain import action_items
from domain.errors import PirError
from domain.times import read_deadline
from handlers import values
from handlers.action_item_views import (
    ItemModalContext,
    build_change_deadline_modal,
    build_reassign_modal,
)
from handlers.deps import Deps
from handlers.digest_views import DigestPage, build_digest_message
from handlers.errors import guarded
from handlers.home import HomeTab
from handlers.ids import INPUT_ACTION, ActionItemAction, ActionItemBlock, View
from handlers.slack_reads import WorkspaceLinks

logger = logging.getLogger(__name__)


def _just_ack(ack: Ack) -> None:
    ack()


@dataclass(frozen=True)
class Clicked:
    """A click on an item's button, and where it was: a message (its
    channel and ts), or the Home tab of the person who clicked."""

    team_id: str
    item_id: int
    user_id: str
    channel_id: str | None
    message_ts: str | None
    on_home: bool

    @property
    def home_of(self) -> str | None:
        return self.user_id if self.on_home else None


def _clicked(body: dict, team_id: str) -> Clicked | None:
    """The click, or None when the button carries no item id of the bot's."""
    action = (body.get("actions") or [{}])[0]
    item_id = values.whole_number(action.get("value"))
    if item_id is None:
        logger.info("Ignored an action-item click that carried no item id")
        return None
    container = body.get("container") or {}
    on_home = (
        container.get("type") == "view"
        and (body.get("view") or {}).get("type") == "home"
    )
    channel_id = container.get("channel_id") or (body.get("channel") or {}).get("id")
    return Clicked(
        team_id=team_id,
        item_id=item_id,
        user_id=body["user"]["id"],
        channel_id=channel_id,
        message_ts=container.get("message_ts"),
        on_home=on_home,
    )


def _field(view: dict, block: ActionItemBlock) -> dict:
    values = (view.get("state") or {}).get("values") or {}
    return (values.get(block) or {}).get(INPUT_ACTION) or {}


class ActionItemButtons:
    def __init__(
        self,
        deps: Deps,
        links: WorkspaceLinks | None = None,
        home: HomeTab | None = None,
    ) -> None:
        self.deps = deps
        self.links = links or WorkspaceLinks()
        self.home = home or HomeTab(deps, self.links)

    # -- buttons -------------------------------------------------------------

    def handle_done_button(
        self, body: dict, client: WebClient, respond, context: BoltContext
    ) -> None:
        self._change_clicked(body, client, context, action_items.mark_done)

    def handle_still_on_it_button(
        self, body: dict, client: WebClient, respond, context: BoltContext
    ) -> None:
        self._change_clicked(body, client, context, action_items.note_progress)

    def _change_clicked(self, body: dict, client: WebClient, context, change) -> None:
        """Apply `change` (done, still on it) to the clicked item, then draw
        the surface it was clicked on again."""
        clicked = _clicked(body, context.team_id)
        if clicked is None:
            return
        with self._home_redrawn_if_refused(client, clicked):
            change(
                self.deps.db,
                team_id=clicked.team_id,
                item_id=clicked.item_id,
                by=clicked.user_id,
                now=self.deps.now(),
            )
        self._redraw_clicked(client, clicked)

    def handle_change_deadline_button(
        self, body: dict, client: WebClient, respond, context: BoltContext
    ) -> None:
        """Open the modal at once: the trigger lives three seconds."""
        clicked = _clicked(body, context.team_id)
        if clicked is None:
            return
        with self._home_redrawn_if_refused(client, clicked):
            entry = self._entry(clicked.team_id, clicked.item_id)
        zone = entry.item.deadline_zone or self.deps.default_timezone
        modal = ItemModalContext(
            item_id=clicked.item_id,
            version=entry.item.version,
            zone=zone,
            channel_id=clicked.channel_id,
            message_ts=clicked.message_ts,
            home_of=clicked.home_of,
        )
        client.views_open(
            trigger_id=body["trigger_id"],
            view=build_change_deadline_modal(entry, context=modal, now=self.deps.now()),
        )

    def handle_reassign_button(
        self, body: dict, client: WebClient, respond, context: BoltContext
    ) -> None:
        clicked = _clicked(body, context.team_id)
        if clicked is None:
            return
        with self._home_redrawn_if_refused(client, clicked):
            entry = self._entry(clicked.team_id, clicked.item_id)
        modal = ItemModalContext(
            item_id=clicked.item_id,
            version=entry.item.version,
            zone=entry.item.deadline_zone,
            channel_id=clicked.channel_id,
            message_ts=clicked.message_ts,
            home_of=clicked.home_of,
        )
        client.views_open(
            trigger_id=body["trigger_id"],
            view=build_reassign_modal(entry, context=modal, owner=None),
        )

    @contextmanager
    def _home_redrawn_if_refused(
        self, client: WebClient, clicked: Clicked
    ) -> Iterator[None]:
        """A refused click on the Home tab (the item was removed meanwhile)
        has no message to be answered in: the Home tab is drawn again as
        things stand, without the item, and the refusal goes on to be
        logged."""
        try:
            yield
        except PirError:
            if clicked.on_home:
                self._redraw_clicked(client, clicked)
            raise

    def _entry(self, team_id: str, item_id: int):
        entries = action_items.load_entries(
            self.deps.db, team_id=team_id, item_ids=[item_id]
        )
        if not entries:
            raise action_items.ActionItemGone(item_id)
        return entries[0]

    # -- Change deadline and Reassign ------------------------------------------
    # Both store the change before answering, so that an item someone else
    # changed meanwhile is refused inside the modal; the message or Home tab
    # the modal was opened from is redrawn after the answer. Not in a lazy
    # listener: Bolt starts those alongside the ack function, so one could
    # redraw before the change is stored.

    def handle_deadline_submission(
        self,
        ack: Ack,
        view: dict,
        body: dict,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        modal = ItemModalContext.load(view.get("private_metadata", ""))
        if modal is None:
            ack()
            return
        team_id = context.team_id
        text = (_field(view, ActionItemBlock.DEADLINE).get("value") or "").strip()
        try:
            deadline = read_deadline(text, now=self.deps.now(), timezone=modal.zone)
            action_items.change_deadline(
                self.deps.db,
                team_id=team_id,
                item_id=modal.item_id,
                deadline=deadline,
                zone=modal.zone,
                by=body["user"]["id"],
                now=self.deps.now(),
                expected_version=modal.version,
            )
        except PirError as error:
            errors = {ActionItemBlock.DEADLINE.value: str(error)}
            ack(response_action="errors", errors=errors)
            return
        ack()
        self.redraw(
            client,
            team_id=team_id,
            channel_id=modal.channel_id,
            ts=modal.message_ts,
            home_of=modal.home_of,
        )

    def handle_reassign_submission(
        self,
        ack: Ack,
        view: dict,
        body: dict,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        modal = ItemModalContext.load(view.get("private_metadata", ""))
        if modal is None:
            ack()
            return
        team_id, user_id = context.team_id, body["user"]["id"]
        owner_id = _field(view, ActionItemBlock.OWNER).get("selected_user")
        try:
            if not owner_id:
                raise PirError("Choose who owns this action item now.")
            # One users.info call at most (cached), well within the three
            # seconds: an item owned by a bot would never be done.
            self.deps.people.require_person(client, team_id=team_id, user_id=owner_id)
            item = action_items.reassign(
                self.deps.db,
                team_id=team_id,
                item_id=modal.item_id,
                owner_id=owner_id,
                by=user_id,
                now=self.deps.now(),
                expected_version=modal.version,
            )
        except PirError as error:
            ack(
                response_action="errors",
                errors={ActionItemBlock.OWNER.value: str(error)},
            )
            return
        ack()
        if owner_id != user_id:
            self._tell_new_owner(client, owner_id=owner_id, by=user_id, item=item)
        self.redraw(
            client,
            team_id=team_id,
            channel_id=modal.channel_id,
            ts=modal.message_ts,
            home_of=modal.home_of,
        )

    def _tell_new_owner(self, client: WebClient, *, owner_id: str, by: str, item):
        """A direct message to the new owner; the change stands without it."""
        try:
            client.chat_postMessage(
                channel=owner_id,
                text=f"<@{by}> made you the owner of an action item: "
                f"{action_items.quote(item)}",
            )
        except SlackApiError as error:
            logger.warning(
                "Could not tell %s of action item %s: %s",
                owner_id,
                item.id,
                error.response.get("error"),
            )

    # -- drawing the clicked surface again ------------------------------------

    def _redraw_clicked(self, client: WebClient, clicked: Clicked) -> None:
        self.redraw(
            client,
            team_id=clicked.team_id,
            channel_id=clicked.channel_id,
            ts=clicked.message_ts,
            home_of=clicked.home_of,
        )

    def redraw(
        self,
        client: WebClient,
        *,
        team_id: str,
        channel_id: str | None,
        ts: str | None,
        home_of: str | None = None,
    ) -> None:
        """Publish the Home tab of `home_of` again, or draw a digest message
        again in place; other messages are left be."""
        if home_of:
            self.home.publish(client, team_id=team_id, user_id=home_of)
            return
        if not channel_id or not ts:
            return
        message = action_items.find_digest_message(
            self.deps.db, team_id=team_id, channel_id=channel_id, message_ts=ts
        )
        if message is None:
            return
        entries = action_items.load_entries(
            self.deps.db, team_id=team_id, item_ids=message.item_ids or []
        )
        text, blocks = build_digest_message(
            DigestPage.load(message.page or {}),
            entries,
            now=self.deps.now(),
            person_of=lambda user_id: self.deps.people.person(
                client, team_id=team_id, user_id=user_id
            ),
            link_of=lambda entry: self.links.review_card(client, entry.incident),
        )
        client.chat_update(channel=channel_id, ts=ts, text=text, blocks=blocks)
        logger.info("Redrew digest message %s in %s", ts, channel_id)


def register(app: App, deps: Deps, home: HomeTab) -> None:
    buttons = ActionItemButtons(deps, home.links, home)
    listeners = {
        ActionItemAction.DONE: buttons.handle_done_button,
        ActionItemAction.STILL_ON_IT: buttons.handle_still_on_it_button,
        ActionItemAction.CHANGE_DEADLINE: buttons.handle_change_deadline_button,
        ActionItemAction.REASSIGN: buttons.handle_reassign_button,
    }
    for action, listener in listeners.items():
        app.action(action.value)(ack=_just_ack, lazy=[guarded(listener)])
    app.view(View.ACTION_ITEM_DEADLINE.value)(buttons.handle_deadline_submission)
    app.view(View.ACTION_ITEM_REASSIGN.value)(buttons.handle_reassign_submission)
