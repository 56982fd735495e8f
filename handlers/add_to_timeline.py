"""The "Add to timeline" message shortcut and its modal."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from domain import capture, lifecycle
from domain.errors import PirError
from domain.messages import message_text
from domain.slack_text import ts_to_datetime
from domain.timeline import EventKind, infer_kind
from domain.times import read_when
from handlers import slack_reads
from handlers.capture import confirm_tag, is_own_message, thread_of
from handlers.deps import Deps
from handlers.errors import guarded
from handlers.ids import INPUT_ACTION, AddEventBlock, Shortcut, View
from handlers.timeline_views import AddEventContext, build_add_event_modal

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class AddEventForm:
    """What the person entered in the modal."""

    kind: EventKind | None
    picked_epoch: int | None
    typed_time: str | None
    note: str | None

    @classmethod
    def read(cls, view: dict) -> AddEventForm:
        values = (view.get("state") or {}).get("values") or {}

        def field(block: AddEventBlock) -> dict:
            return (values.get(block) or {}).get(INPUT_ACTION) or {}

        kind = (field(AddEventBlock.KIND).get("selected_option") or {}).get("value")
        typed = (field(AddEventBlock.TYPED_TIME).get("value") or "").strip()
        note = (field(AddEventBlock.NOTE).get("value") or "").strip()
        picked = field(AddEventBlock.PICKED_TIME).get("selected_date_time")
        return cls(
            kind=EventKind(kind) if kind in EventKind._value2member_map_ else None,
            picked_epoch=picked if isinstance(picked, int) else None,
            typed_time=typed or None,
            note=note or None,
        )

    def stated_time(self, *, posted_at: datetime, timezone: str) -> datetime | None:
        """The moment the person gave, or None to keep the message's own time.

        Typed text wins over the picker and counts from the message's time.
        Raises UnreadableTime.
        """
        if self.typed_time:
            return read_when(self.typed_time, base=posted_at, timezone=timezone)
        if self.picked_epoch is None or self.picked_epoch == int(posted_at.timestamp()):
            return None
        return datetime.fromtimestamp(self.picked_epoch, UTC)


class _NotOurModal(Exception):
    """The submission does not carry the context this modal was opened with."""


class _FieldError(Exception):
    """A modal field to answer, with the sentence to show under it."""

    def __init__(self, block: AddEventBlock, text: str) -> None:
        super().__init__(text)
        self.block = block
        self.text = text


def _just_ack(ack: Ack) -> None:
    ack()


class AddToTimeline:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def handle_add_to_timeline_shortcut(
        self,
        shortcut: dict,
        client: WebClient,
        context: BoltContext,
        respond: Respond,
    ) -> None:
        """Open the modal at once (the trigger lives three seconds), then
        remember the person's time zone in it."""
        message = shortcut.get("message") or {}
        channel_id = (shortcut.get("channel") or {}).get("id")
        ts = message.get("ts") or shortcut.get("message_ts")
        if not (channel_id and ts):
            # A global shortcut under this message shortcut's callback id.
            logger.warning("Ignored an add-to-timeline shortcut without a message")
            return
        if is_own_message(message, context):
            respond(
                text="My own messages stay off the timeline.", response_type="ephemeral"
            )
            return

        text = message_text(message)
        modal_context = AddEventContext(channel_id=channel_id, message_ts=ts)
        view = build_add_event_modal(
            context=modal_context,
            quoted_text=text,
            posted_epoch=int(ts_to_datetime(ts).timestamp()),
            kind=infer_kind(text),
        )
        opened = client.views_open(trigger_id=shortcut["trigger_id"], view=view)["view"]

        zone = self.deps.people.zone_of(
            client, team_id=context.team_id, user_id=shortcut["user"]["id"]
        )
        if zone:
            view["private_metadata"] = replace(modal_context, timezone=zone).dump()
            client.views_update(
                view_id=opened["id"], hash=opened.get("hash"), view=view
            )

    def check_add_event_submission(
        self, ack: Ack, view: dict, context: BoltContext
    ) -> None:
        """Answer a form that cannot be stored inside the modal; else close it."""
        try:
            self._read_submission(view, context)
        except _FieldError as error:
            ack(response_action="errors", errors={error.block: error.text})
            return
        except _NotOurModal:
            logger.warning("Closed an add-to-timeline modal without its context")
        ack()

    def handle_add_event_submission(
        self, body: dict, view: dict, client: WebClient, context: BoltContext
    ) -> None:
        """Store the event of a checked submission (runs after the ack).

        Bolt runs this after every ack, also one that answered with errors;
        such a submission is simply not stored.
        """
        try:
            form, modal_context, stated_at = self._read_submission(view, context)
        except (_FieldError, _NotOurModal):
            return
        self._store(client, context, body["user"]["id"], modal_context, form, stated_at)

    def _read_submission(self, view: dict, context: BoltContext):
        """The form, its context and the stated time. Raises _FieldError,
        or _NotOurModal."""
        form = AddEventForm.read(view)
        modal_context = AddEventContext.load(view.get("private_metadata", ""))
        if modal_context is None:
            raise _NotOurModal()
        incident = lifecycle.find_incident(
            self.deps.db, team_id=context.team_id, channel_id=modal_context.channel_id
        )
        if incident is None:
            raise _FieldError(
                AddEventBlock.KIND,
                "This channel is not an incident channel yet: declare one with "
                "/pir declare.",
            )
        posted_at = ts_to_datetime(modal_context.message_ts)
        time_block = (
            AddEventBlock.TYPED_TIME if form.typed_time else AddEventBlock.PICKED_TIME
        )
        try:
            stated_at = form.stated_time(
                posted_at=posted_at,
                timezone=modal_context.timezone or self.deps.default_timezone,
            )
            capture.check_event_time(
                stated_at or posted_at,
                now=self.deps.now(),
                declared_at=incident.declared_at,
            )
        except PirError as error:
            raise _FieldError(time_block, str(error)) from None
        return form, modal_context, stated_at

    def _store(self, client, context, user_id, modal_context, form, stated_at) -> None:
        channel_id, ts = modal_context.channel_id, modal_context.message_ts
        message = slack_reads.fetch_message(client, channel_id, ts)
        if message is None:
            client.chat_postEphemeral(
                channel=channel_id,
                user=user_id,
                text="That message was deleted before I could add it to the timeline.",
            )
            return
        result = capture.capture_message(
            self.deps.db,
            message=capture.Message(
                team_id=context.team_id,
                channel_id=channel_id,
                ts=ts,
                text=message_text(message),
                author_id=message.get("user"),
                author_bot_id=message.get("bot_id"),
                thread_ts=thread_of(message),
                permalink=slack_reads.permalink(client, channel_id, ts),
            ),
            tagged_by=user_id,
            source=capture.TagSource.SHORTCUT,
            kind=form.kind,
            note=form.note,
            stated_at=stated_at,
        )
        if result.outcome is capture.Outcome.CAPTURED:
            confirm_tag(client, channel_id=channel_id, ts=ts)


def register(app: App, deps: Deps) -> None:
    add = AddToTimeline(deps)
    app.shortcut(Shortcut.ADD_TO_TIMELINE.value)(
        ack=_just_ack, lazy=[guarded(add.handle_add_to_timeline_shortcut)]
    )
    app.view(View.ADD_TIMELINE_EVENT.value)(
        ack=add.check_add_event_submission,
        lazy=[guarded(add.handle_add_event_submission)],
    )
