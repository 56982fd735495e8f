"""Views for capturing timeline events."""

from __future__ import annotations

import json
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DateTimePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from domain.slack_text import (
    clamp,
    counted,
    escape_mrkdwn,
    plain_mentions,
    ts_to_datetime,
    unescape_slack,
)
from domain.timeline import (
    KIND_LABELS,
    EventKind,
    Moment,
    derive_durations,
    format_duration,
    posted_and_stated,
)
from handlers.ids import INPUT_ACTION, AddEventBlock, TimelineAction
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
    def load(cls, raw: str) -> AddEventContext | None:
        """The context the modal was opened with; None when `raw` is not one
        (the bot writes it, so anything else did not come from this modal)."""
        try:
            data = json.loads(raw or "{}")
            channel_id, message_ts = data["c"], data["ts"]
            zone = data.get("tz")
            ts_to_datetime(message_ts)
            ZoneInfo(zone) if zone is not None else None
        except (ValueError, TypeError, KeyError, AttributeError):
            return None
        if not isinstance(channel_id, str):
            return None
        return cls(channel_id=channel_id, message_ts=message_ts, timezone=zone)


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


# Events shown per page of /pir timeline: with the header, durations and
# paging blocks this stays well under Slack's 50 blocks a message.
EVENTS_PER_PAGE = 40
EVENT_TEXT_LIMIT = 600


@dataclass(frozen=True)
class TimelinePage:
    incident_id: int
    page: int

    def dump(self) -> str:
        return json.dumps({"i": self.incident_id, "p": self.page})

    @classmethod
    def load(cls, raw: str) -> TimelinePage | None:
        """The page a button carries; None when the value is not one."""
        try:
            data = json.loads(raw)
            return cls(incident_id=int(data["i"]), page=max(int(data["p"]), 0))
        except (ValueError, TypeError, KeyError, OverflowError):
            return None


def build_timeline_message(
    incident,
    events: list,
    *,
    page: int,
    timezone: str,
    name_of,
) -> tuple[str, list[dict]]:
    """One page of the timeline as an ephemeral message: (text, blocks).

    Times are shown in `timezone` (the viewer's); mentions become names and
    all echoed text is escaped, so nothing in it can ping or link.
    """
    zone = ZoneInfo(timezone)
    pages = max((len(events) + EVENTS_PER_PAGE - 1) // EVENTS_PER_PAGE, 1)
    page = min(max(page, 0), pages - 1)
    shown = events[page * EVENTS_PER_PAGE : (page + 1) * EVENTS_PER_PAGE]

    title = clamp(f"Timeline: {incident.title}", 150)
    blocks: list = [
        HeaderBlock(text=PlainTextObject(text=title)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{counted(len(events), 'event')} · times in {timezone}"
                    + (f" · page {page + 1} of {pages}" if pages > 1 else "")
                )
            ]
        ),
    ]
    if not events:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text="Nothing tagged yet. React with :pushpin: on a message, "
                    "use *Add to timeline* on it, or type `/pir event 14:02 what "
                    "happened`."
                )
            )
        )
    blocks += [_event_section(e, zone=zone, name_of=name_of) for e in shown]
    blocks.append(DividerBlock())
    blocks.append(
        SectionBlock(text=MarkdownTextObject(text=_durations_text(incident, events)))
    )
    if pages > 1:
        blocks.append(_paging(incident.id, page, pages))
    text = f"Timeline of {incident.title}: {counted(len(events), 'event')}"
    return text, [block.to_dict() for block in blocks]


def _event_section(event, *, zone: ZoneInfo, name_of) -> SectionBlock:
    when = event.occurred_at.astimezone(zone).strftime("%a %d %b %H:%M")
    both = posted_and_stated(
        posted_at=event.posted_at, stated_at=event.stated_at, zone=zone
    )
    if both:
        when += f" ({both})"
    words = escape_mrkdwn(plain_mentions(unescape_slack(event.text), name_of))
    line = f"*{when}* · {KIND_LABELS.get(EventKind(event.kind), event.kind)}\n"
    line += clamp(words, EVENT_TEXT_LIMIT) or "_(no text)_"
    if event.note:
        line += "\n_" + clamp(escape_mrkdwn(event.note), 300) + "_"
    tagger = escape_mrkdwn(name_of(event.tagged_by) or event.tagged_by)
    line += f"\ntagged by {tagger}"
    if event.permalink:
        line += f" · <{event.permalink}|message>"
    return SectionBlock(text=MarkdownTextObject(text=clamp(line, 3000)))


def _durations_text(incident, events: list) -> str:
    durations = derive_durations(
        [Moment(kind=e.kind, at=e.occurred_at) for e in events],
        declared_at=incident.declared_at,
        mitigated_at=incident.mitigated_at,
        resolved_at=incident.resolved_at,
    )
    return (
        f"*Time to detect* {format_duration(durations.detect)} · "
        f"*acknowledge* {format_duration(durations.acknowledge)} · "
        f"*mitigate* {format_duration(durations.mitigate)} · "
        f"*resolve* {format_duration(durations.resolve)}"
    )


def _paging(incident_id: int, page: int, pages: int) -> ActionsBlock:
    buttons = []
    if page > 0:
        buttons.append(
            ButtonElement(
                text="Earlier",
                action_id=TimelineAction.EARLIER,
                value=TimelinePage(incident_id, page - 1).dump(),
            )
        )
    if page < pages - 1:
        buttons.append(
            ButtonElement(
                text="Later",
                action_id=TimelineAction.LATER,
                value=TimelinePage(incident_id, page + 1).dump(),
            )
        )
    return ActionsBlock(block_id="timeline_paging", elements=buttons)
