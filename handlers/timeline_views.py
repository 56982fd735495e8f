"""Views for capturing timeline events."""

from __future__ import annotations

import json
from dataclasses import dataclass

from slack_sdk.models.blocks import (
    ContextBlock,
    DateTimePickerElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from domain.slack_text import clamp, escape_mrkdwn
from domain.timeline import KIND_LABELS, EventKind
from handlers.ids import INPUT_ACTION, AddEventBlock
from handlers.ids import View as ViewId

QUOTE_LIMIT = 2900
NOTE_LIMIT = 2000


@dataclass(frozen=True)
class AddEventContext:
    """What the modal carries in its private_metadata (kept short)."""

    channel_id: str
    message_ts: str
    timezone: str | None = None

    def dump(self) -> str:
        return json.dumps(
            {"c": self.channel_id, "ts": self.message_ts, "tz": self.timezone}
        )

    @classmethod
    def load(cls, raw: str) -> AddEventContext:
        data = json.loads(raw or "{}")
        return cls(channel_id=data["c"], message_ts=data["ts"], timezone=data.get("tz"))


def _kind_option(kind: EventKind) -> Option:
    return Option(value=kind.value, label=KIND_LABELS[kind])


def build_add_event_modal(
    *,
    context: AddEventContext,
    quoted_text: str,
    posted_epoch: int,
    kind: EventKind,
) -> dict:
    """The "Add to timeline" modal: the message quoted, kind, time and note."""
    quote = "\n".join("> " + line for line in escape_mrkdwn(quoted_text).splitlines())
    view = View(
        type="modal",
        callback_id=ViewId.ADD_TIMELINE_EVENT,
        title=PlainTextObject(text="Add to timeline"),
        submit=PlainTextObject(text="Add"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=context.dump(),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(text=clamp(quote or "> (no text)", QUOTE_LIMIT))
            ),
            InputBlock(
                block_id=AddEventBlock.KIND,
                label="Kind of event",
                element=StaticSelectElement(
                    action_id=INPUT_ACTION,
                    options=[_kind_option(k) for k in EventKind],
                    initial_option=_kind_option(kind),
                ),
            ),
            InputBlock(
                block_id=AddEventBlock.PICKED_TIME,
                label="When it happened",
                hint="Starts at the message's time, shown in your time zone.",
                element=DateTimePickerElement(
                    action_id=INPUT_ACTION, initial_date_time=posted_epoch
                ),
            ),
            InputBlock(
                block_id=AddEventBlock.TYPED_TIME,
                label="Or type the time",
                optional=True,
                hint="Wins over the picker: 14:05, 14:05 UTC, 10 minutes earlier, "
                "yesterday 23:50 PST. Relative times count from the message.",
                element=PlainTextInputElement(action_id=INPUT_ACTION, max_length=80),
            ),
            InputBlock(
                block_id=AddEventBlock.NOTE,
                label="Note",
                optional=True,
                element=PlainTextInputElement(
                    action_id=INPUT_ACTION, multiline=True, max_length=NOTE_LIMIT
                ),
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="The message keeps its own time too; both are shown."
                    )
                ]
            ),
        ],
    )
    return view.to_dict()
