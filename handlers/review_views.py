"""The review's Slack surfaces: the card, the section modals and their forms.

Builders turn a review into Block Kit (through slack_sdk.models, clamped to
Slack's limits by whole characters); readers turn a submitted form back into
section content, raising FormErrors keyed by input block for anything that
does not parse, so the modal can show it under the right field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    CheckboxesElement,
    ContextBlock,
    DatePickerElement,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    NumberInputElement,
    Option,
    OptionGroup,
    PlainTextInputElement,
    PlainTextObject,
    RadioButtonsElement,
    SectionBlock,
    StaticSelectElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from domain.lints import Finding
from domain.review import (
    MAX_WHYS,
    SECTION_TITLES,
    ActionItemsContent,
    ImpactContent,
    ListContent,
    Priority,
    RootCauseContent,
    Section,
    SectionState,
    SummaryContent,
    TimelineContent,
)
from domain.reviewing import Review
from domain.slack_text import (
    clamp,
    counted,
    escape_mrkdwn,
    plain_mentions,
    unescape_slack,
)
from domain.timeline import KIND_LABELS, EventKind
from domain.times import UnreadableTime, read_when
from handlers import values
from handlers.ids import INPUT_ACTION, ReviewAction, ReviewBlock
from handlers.ids import View as ViewId

NameOf = Callable[[str], str]

TEXT_LIMIT = 3000  # a plain-text input's most
LINE_LIMIT = 300  # one point of a list
OPTION_LIMIT = 75  # an option's label
EVENTS_PER_PAGE = 20
ITEMS_SHOWN = 40
SUGGESTED_LIMIT = 50

STATE_MARKS = {
    SectionState.EMPTY: ":white_circle: empty",
    SectionState.DRAFT: ":large_yellow_circle: draft",
    SectionState.DONE: ":large_green_circle: done",
}


class FormErrors(Exception):
    """Fields of a submitted modal that cannot be saved, by input block id."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ModalContext:
    """What a review modal carries in its private_metadata: ids and versions.

    i: incident, s: section, v: the section's version when opened, p: the
    parent modal (for the event and action-item modals pushed on top of a
    section), t: the event or item being edited, tv: its version, g: page,
    z: a time zone learnt for the form (the owner's, for a deadline).
    """

    i: int
    s: str
    v: int = 0
    p: str | None = None
    t: int | None = None
    tv: int | None = None
    g: int = 0
    z: str | None = None

    def dump(self) -> str:
        data = {k: v for k, v in asdict(self).items() if v is not None}
        return json.dumps(data, separators=(",", ":"))

    @classmethod
    def load(cls, raw: str | None) -> ModalContext | None:
        """The context the bot wrote, or None for anything else."""
        data = values.json_object(raw)
        if data is None:
            return None
        incident_id, section = values.whole_number(data.get("i")), data.get("s")
        if incident_id is None or not isinstance(section, str):
            return None
        numbers = {
            key: values.whole_number(data.get(key)) for key in ("v", "t", "tv", "g")
        }
        for key in ("t", "tv"):
            if data.get(key) is not None and numbers[key] is None:
                return None
        parent, zone = data.get("p"), data.get("z")
        if parent is not None and not isinstance(parent, str):
            return None
        if zone is not None and values.time_zone(zone) is None:
            return None
        return cls(
            i=incident_id,
            s=section,
            v=numbers["v"] or 0,
            p=parent,
            t=numbers["t"],
            tv=numbers["tv"],
            g=numbers["g"] or 0,
            z=zone,
        )

    def with_changes(self, **changes) -> ModalContext:
        return replace(self, **changes)


def button_value(**ids) -> str:
    return json.dumps(ids, separators=(",", ":"))


def read_button_value(raw: str | None) -> dict:
    """The ids a button carries; empty when it carries something else."""
    return values.json_object(raw) or {}


def _lines(text: str | None) -> list[str]:
    """One point a line, bullets and blank lines dropped."""
    points = []
    for line in (text or "").splitlines():
        point = line.strip().lstrip("•*-–").strip()
        if point:
            points.append(point)
    return points


def _text_input(
    block_id,
    label,
    *,
    value=None,
    multiline=False,
    optional=True,
    placeholder=None,
    hint=None,
    max_length=TEXT_LIMIT,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(
            action_id=INPUT_ACTION,
            multiline=multiline,
            initial_value=clamp(value, max_length) if value else None,
            max_length=max_length,
            placeholder=placeholder,
        ),
    )


def _number_input(block_id, label, *, value: int | None, hint=None) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=True,
        hint=hint,
        element=NumberInputElement(
            action_id=INPUT_ACTION,
            is_decimal_allowed=False,
            min_value="0",
            initial_value=str(value) if value is not None else None,
        ),
    )


def _done_input(state: SectionState) -> InputBlock:
    return _checkbox(
        ReviewBlock.DONE,
        "State",
        value="done",
        text="This section is done",
        ticked=state is SectionState.DONE,
        hint="Leave it unticked to keep the section as a draft.",
    )


def _modal(*, callback_id, title, context: ModalContext, blocks, submit="Save"):
    view = View(
        type="modal",
        callback_id=callback_id,
        title=PlainTextObject(text=clamp(title, 24)),
        submit=PlainTextObject(text=submit) if submit else None,
        close=PlainTextObject(text="Cancel" if submit else "Close"),
        private_metadata=context.dump(),
        blocks=blocks,
    )
    return view.to_dict()


def build_loading_view(title: str) -> dict:
    """Opened at once (a trigger lives three seconds), filled in a moment."""
    view = View(
        type="modal",
        callback_id=ViewId.REVIEW_LOADING,
        title=PlainTextObject(text=clamp(title, 24)),
        close=PlainTextObject(text="Close"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=":hourglass: Loading…"))],
    )
    return view.to_dict()


# --- The review card ----------------------------------------------------------


def build_review_card(review: Review, *, name_of: NameOf) -> tuple[str, list[dict]]:
    """The one message per incident that leads to every section."""
    incident = review.incident
    facilitator = (
        f"<@{incident.facilitator_id}>" if incident.facilitator_id else "not chosen"
    )
    when = "not scheduled"
    if incident.review_held_at:
        when = f"held {_slack_day(incident.review_held_at)}"
    elif incident.review_scheduled_at:
        when = _slack_day(incident.review_scheduled_at)
    title = clamp(f"Review: {incident.title}", 150)
    blocks: list = [
        HeaderBlock(text=PlainTextObject(text=title)),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"*{incident.severity}* · {incident.status} · "
                    f"facilitator {facilitator} · review {when}"
                )
            ]
        ),
    ]
    for section in Section:
        snapshot = review.sections[section]
        line = f"*{SECTION_TITLES[section]}* · {STATE_MARKS[snapshot.state]}"
        if section is Section.ACTION_ITEMS and review.action_items:
            line += f" · {counted(len(review.action_items), 'item')}"
        if section is Section.TIMELINE and review.events:
            # Captured events are there before anyone curates them.
            line += f" · {counted(len(review.events), 'event')} captured"
        if snapshot.updated_by and snapshot.version:
            line += f"\n_last saved by {escape_mrkdwn(name_of(snapshot.updated_by))}_"
        blocks.append(
            SectionBlock(
                block_id=f"card_{section.value}",
                text=MarkdownTextObject(text=line),
                accessory=ButtonElement(
                    text="Edit",
                    action_id=ReviewAction.EDIT_SECTION,
                    value=button_value(i=incident.id, s=section.value),
                ),
            )
        )
    blocks.append(
        ActionsBlock(
            block_id="card_actions",
            elements=[
                ButtonElement(
                    text="Choose facilitator",
                    action_id=ReviewAction.CHOOSE_FACILITATOR,
                    value=button_value(i=incident.id),
                )
            ],
        )
    )
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="`/pir publish` shares the review as a document; "
                    "`/pir publish held` also marks it held."
                )
            ]
        )
    )
    done = sum(s.state is SectionState.DONE for s in review.sections.values())
    text = f"Review of {incident.title}: {done} of {len(Section)} sections done"
    return text, [block.to_dict() for block in blocks]


def _slack_day(moment: datetime) -> str:
    fallback = moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{fallback}>"
    )


# --- Section modals -----------------------------------------------------------


def build_section_modal(
    review: Review,
    section: Section,
    content,
    *,
    context: ModalContext,
    categories: list[str],
    timezone: str,
    name_of: NameOf,
) -> dict:
    """The modal of one section, filled with `content` (saved or drafted)."""
    state = review.sections[section].state
    builders = {
        Section.SUMMARY: _summary_blocks,
        Section.IMPACT: _impact_blocks,
        Section.ROOT_CAUSE: lambda c: _root_cause_blocks(c, categories),
        Section.WENT_WELL: lambda c: _points_blocks(c, "What went well"),
        Section.COULD_IMPROVE: lambda c: _points_blocks(c, "What could be improved"),
        Section.TIMELINE: lambda c: _timeline_blocks(
            review, c, context=context, timezone=timezone, name_of=name_of
        ),
        Section.ACTION_ITEMS: lambda c: _action_item_list_blocks(
            review, c, context=context, name_of=name_of
        ),
    }
    blocks = [*builders[section](content), _done_input(state)]
    return _modal(
        callback_id=ViewId.REVIEW_SECTION,
        title=SECTION_TITLES[section],
        context=context,
        blocks=blocks,
    )


def _summary_blocks(content: SummaryContent) -> list:
    severities = [Option(value=s, label=s) for s in ("P1", "P2", "P3", "P4")]
    chosen = next((o for o in severities if o.value == content.severity), None)
    return [
        InputBlock(
            block_id=ReviewBlock.DATE,
            label="Date",
            optional=True,
            element=DatePickerElement(
                action_id=INPUT_ACTION, initial_date=content.date or None
            ),
        ),
        _number_input(
            ReviewBlock.DURATION,
            "Duration (minutes)",
            value=content.duration_minutes,
            hint="From the timeline's start to the resolution; change it if "
            "the timeline is wrong.",
        ),
        InputBlock(
            block_id=ReviewBlock.SEVERITY,
            label="Severity",
            element=StaticSelectElement(
                action_id=INPUT_ACTION, options=severities, initial_option=chosen
            ),
        ),
        InputBlock(
            block_id=ReviewBlock.COMMANDER,
            label="Incident commander",
            optional=True,
            element=UserSelectElement(
                action_id=INPUT_ACTION, initial_user=content.commander_id or None
            ),
        ),
        InputBlock(
            block_id=ReviewBlock.PARTICIPANTS,
            label="Participants",
            optional=True,
            element=UserMultiSelectElement(
                action_id=INPUT_ACTION,
                initial_users=content.participants[:100] or None,
            ),
        ),
        _text_input(
            ReviewBlock.SUMMARY,
            "Summary",
            value=content.summary,
            multiline=True,
            optional=False,
            hint="Two or three sentences: what broke, who noticed, what fixed it.",
        ),
    ]


def _impact_blocks(content: ImpactContent) -> list:
    sla_options = [
        Option(value="breached", label="Breached"),
        Option(value="kept", label="Not breached"),
        Option(value="unknown", label="Not known yet"),
    ]
    sla_value = {True: "breached", False: "kept"}.get(content.sla_breached, "unknown")
    return [
        _text_input(
            ReviewBlock.USERS,
            "Users affected",
            value=content.users_affected,
            multiline=True,
            placeholder="A number, or who was affected and how",
        ),
        _text_input(
            ReviewBlock.SERVICES,
            "Services and features affected",
            value="\n".join(content.services),
            multiline=True,
            hint="One a line.",
        ),
        _number_input(
            ReviewBlock.IMPACT_DURATION,
            "Duration of impact (minutes)",
            value=content.duration_minutes,
            hint="Drafted from the start to the mitigation.",
        ),
        _text_input(ReviewBlock.REVENUE, "Revenue impact", value=content.revenue),
        InputBlock(
            block_id=ReviewBlock.SLA,
            label="SLA",
            optional=True,
            element=RadioButtonsElement(
                action_id=INPUT_ACTION,
                options=sla_options,
                initial_option=next(o for o in sla_options if o.value == sla_value),
            ),
        ),
        _text_input(
            ReviewBlock.SLA_NOTES,
            "How the SLA was affected",
            value=content.sla_notes,
            multiline=True,
        ),
    ]


def _root_cause_blocks(content: RootCauseContent, categories: list[str]) -> list:
    options = [
        Option(value=clamp(c, 150), label=clamp(c, OPTION_LIMIT)) for c in categories
    ]
    options = options[:100]
    chosen = next((o for o in options if o.value == content.category), None)
    blocks: list = [
        _text_input(
            ReviewBlock.TRIGGER,
            "Trigger",
            value=content.trigger,
            multiline=True,
            optional=False,
            hint="The change or event that set it off. Describe the system, "
            "not a person.",
        ),
        _text_input(
            ReviewBlock.FACTORS,
            "Contributing factors",
            value="\n".join(content.contributing_factors),
            multiline=True,
            hint="One a line: what made it possible, worse or longer.",
        ),
    ]
    for number in range(1, MAX_WHYS + 1):
        why = content.whys[number - 1] if number <= len(content.whys) else None
        blocks.append(
            _text_input(f"{ReviewBlock.WHY}{number}", f"Why? ({number})", value=why)
        )
    blocks.append(
        InputBlock(
            block_id=ReviewBlock.CATEGORY,
            label="Category",
            optional=True,
            hint="Used to count repeat incidents. `/pir categories` edits the list.",
            element=StaticSelectElement(
                action_id=INPUT_ACTION, options=options, initial_option=chosen
            ),
        )
    )
    return blocks


def _points_blocks(content: ListContent, label: str) -> list:
    return [
        _text_input(
            ReviewBlock.POINTS,
            label,
            value="\n".join(content.items),
            multiline=True,
            optional=False,
            hint="One point a line.",
        )
    ]


def _note_input(note: str) -> InputBlock:
    return _text_input(ReviewBlock.NOTE, "Note for readers", value=note, multiline=True)


def _timeline_blocks(
    review: Review,
    content: TimelineContent,
    *,
    context: ModalContext,
    timezone: str,
    name_of: NameOf,
) -> list:
    zone = ZoneInfo(timezone)
    events = review.events
    pages = max((len(events) + EVENTS_PER_PAGE - 1) // EVENTS_PER_PAGE, 1)
    page = min(max(context.g, 0), pages - 1)
    shown = events[page * EVENTS_PER_PAGE : (page + 1) * EVENTS_PER_PAGE]

    blocks: list = [
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{counted(len(events), 'event')} · times in {timezone}"
                    + (f" · page {page + 1} of {pages}" if pages > 1 else "")
                    + " · struck through: left out of the review"
                )
            ]
        )
    ]
    for event in shown:
        when = event.occurred_at.astimezone(zone).strftime("%a %H:%M")
        label = KIND_LABELS.get(EventKind(event.kind), event.kind)
        words = escape_mrkdwn(plain_mentions(unescape_slack(event.text), name_of))
        line = f"*{when}* · {label} · {clamp(words, 400) or '_(no text)_'}"
        if event.left_out:
            line = f"~{clamp(line, 2900)}~"
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=clamp(line, 3000)),
                accessory=ButtonElement(
                    text="Edit",
                    action_id=ReviewAction.EDIT_EVENT,
                    value=button_value(e=event.id),
                ),
            )
        )
    buttons = [
        ButtonElement(
            text="Add an event",
            action_id=ReviewAction.ADD_EVENT,
            value=button_value(i=review.incident.id),
        )
    ]
    if page > 0:
        buttons.append(
            ButtonElement(
                text="Earlier",
                action_id=ReviewAction.TIMELINE_EARLIER,
                value=button_value(g=page - 1),
            )
        )
    if page < pages - 1:
        buttons.append(
            ButtonElement(
                text="Later",
                action_id=ReviewAction.TIMELINE_LATER,
                value=button_value(g=page + 1),
            )
        )
    blocks.append(ActionsBlock(block_id="timeline_buttons", elements=buttons))
    blocks.append(_note_input(content.note))
    return blocks


def _action_item_list_blocks(
    review: Review, content: ActionItemsContent, *, context: ModalContext, name_of
) -> list:
    items = review.action_items
    blocks: list = []
    if not items:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text="No action items yet. Each needs a specific deliverable, "
                    "an owner, a deadline and a priority."
                )
            )
        )
    for item in items[:ITEMS_SHOWN]:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=clamp(_item_line(item, name_of), 3000)),
                accessory=ButtonElement(
                    text="Edit",
                    action_id=ReviewAction.EDIT_ACTION_ITEM,
                    value=button_value(a=item.id),
                ),
            )
        )
    if len(items) > ITEMS_SHOWN:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"and {len(items) - ITEMS_SHOWN} more, all in the "
                        "published document"
                    )
                ]
            )
        )
    blocks.append(
        ActionsBlock(
            block_id="action_item_buttons",
            elements=[
                ButtonElement(
                    text="Add an action item",
                    action_id=ReviewAction.ADD_ACTION_ITEM,
                    value=button_value(i=review.incident.id),
                    style="primary",
                )
            ],
        )
    )
    blocks.append(_note_input(content.note))
    return blocks


def _item_line(item, name_of: NameOf) -> str:
    owner = escape_mrkdwn(name_of(item.owner_id)) if item.owner_id else "no owner"
    due = item.deadline.strftime("%a %d %b %Y") if item.deadline else "no deadline"
    flag = " · :warning: kept although vague" if item.vague_kept else ""
    status = " · :white_check_mark: done" if item.status == "done" else ""
    return (
        f"*{escape_mrkdwn(clamp(item.deliverable, 600))}*\n"
        f"{owner} · due {due} · {item.priority}{flag}{status}"
    )


# --- One timeline event -------------------------------------------------------


def build_event_modal(event, *, context: ModalContext, timezone: str) -> dict:
    """Change one event's kind, time or text, or leave it out; with `event`
    None, add one."""
    zone = ZoneInfo(timezone)
    kinds = [Option(value=k.value, label=KIND_LABELS[k]) for k in EventKind]
    kind = EventKind(event.kind) if event else EventKind.OTHER
    when = (
        event.occurred_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if event else ""
    )
    blocks: list = [
        InputBlock(
            block_id=ReviewBlock.EVENT_KIND,
            label="Kind",
            element=StaticSelectElement(
                action_id=INPUT_ACTION,
                options=kinds,
                initial_option=next(o for o in kinds if o.value == kind.value),
            ),
        ),
        _text_input(
            ReviewBlock.EVENT_TIME,
            f"When (in {timezone})",
            value=when,
            optional=False,
            max_length=80,
            hint="2019-07-02 14:05, 14:05 UTC or 10 minutes ago.",
        ),
        _text_input(
            ReviewBlock.EVENT_TEXT,
            "What happened",
            value=unescape_slack(event.text) if event else "",
            multiline=True,
            optional=False,
        ),
    ]
    if event is not None:
        blocks.append(
            _checkbox(
                ReviewBlock.EVENT_LEFT_OUT,
                "In the review",
                value="left_out",
                text="Leave it out of the review",
                ticked=event.left_out,
                hint="A left-out event stays stored, with its message link.",
            )
        )
    return _modal(
        callback_id=ViewId.REVIEW_EVENT,
        title="Edit event" if event else "Add an event",
        context=context,
        blocks=blocks,
    )


@dataclass(frozen=True)
class EventForm:
    kind: EventKind
    occurred_at: datetime
    text: str
    left_out: bool


def read_event_form(view: dict, *, timezone: str, now: datetime) -> EventForm:
    values = _values(view)
    errors: dict[str, str] = {}
    kind = _selected(values, ReviewBlock.EVENT_KIND) or EventKind.OTHER.value
    typed = (_typed(values, ReviewBlock.EVENT_TIME) or "").strip()
    text = (_typed(values, ReviewBlock.EVENT_TEXT) or "").strip()
    occurred_at = None
    try:
        occurred_at = read_when(typed, base=now, timezone=timezone)
    except UnreadableTime as error:
        errors[ReviewBlock.EVENT_TIME] = str(error)
    if not text:
        errors[ReviewBlock.EVENT_TEXT] = "Say what happened."
    if errors:
        raise FormErrors(errors)
    return EventForm(
        kind=EventKind(kind)
        if kind in EventKind._value2member_map_
        else EventKind.OTHER,
        occurred_at=occurred_at,
        text=text,
        left_out=bool(_checked(values, ReviewBlock.EVENT_LEFT_OUT)),
    )


# --- One action item ----------------------------------------------------------


def _checkbox(block_id, label, *, value: str, text: str, ticked: bool, hint=None):
    """An optional input with one tick box."""
    box = Option(value=value, label=text)
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=True,
        hint=hint,
        element=CheckboxesElement(
            action_id=INPUT_ACTION,
            options=[box],
            initial_options=[box] if ticked else None,
        ),
    )


def _select(block_id, label, options: list[Option], *, chosen: str | None, optional):
    initial = next((o for o in options if o.value == chosen), None)
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        element=StaticSelectElement(
            action_id=INPUT_ACTION, options=options, initial_option=initial
        ),
    )


def build_action_item_modal(
    item, *, context: ModalContext, factors: list[str], owner_zone: str | None
) -> dict:
    """Add or change one action item; owner, deadline and priority are needed."""
    priorities = [Option(value=p.value, label=p.value.capitalize()) for p in Priority]
    blocks: list = [
        _text_input(
            ReviewBlock.DELIVERABLE,
            "Deliverable",
            value=item.deliverable if item else None,
            multiline=True,
            optional=False,
            max_length=1000,
            hint="Something that exists or is true when done, e.g. “add a "
            "health check for the payments endpoint every 30 seconds”.",
        ),
        InputBlock(
            block_id=ReviewBlock.OWNER,
            label="Owner",
            # Choosing an owner tells the bot, which learns their time zone.
            dispatch_action=True,
            element=UserSelectElement(
                action_id=ReviewAction.PICK_OWNER,
                initial_user=item.owner_id if item and item.owner_id else None,
            ),
        ),
        *_deadline_inputs(item, owner_zone),
        _select(
            ReviewBlock.PRIORITY,
            "Priority",
            priorities,
            chosen=item.priority if item else None,
            optional=False,
        ),
    ]
    if factors:
        factor_options = [
            Option(value=str(number), label=clamp(text, OPTION_LIMIT))
            for number, text in enumerate(factors[:100])
        ]
        chosen = None
        if item and item.contributing_factor in factors:
            chosen = str(factors.index(item.contributing_factor))
        blocks.append(
            _select(
                ReviewBlock.FACTOR,
                "Contributing factor it answers",
                factor_options,
                chosen=chosen,
                optional=True,
            )
        )
    blocks.append(
        _checkbox(
            ReviewBlock.KEEP_VAGUE,
            "If it is flagged as vague",
            value="keep",
            text="Keep it as written",
            ticked=bool(item and item.vague_kept),
        )
    )
    if item is not None:
        blocks.append(
            _checkbox(
                ReviewBlock.REMOVE,
                "Remove",
                value="remove",
                text="Remove this action item",
                ticked=False,
            )
        )
    return _modal(
        callback_id=ViewId.REVIEW_ACTION_ITEM,
        title="Edit action item" if item else "Add an action item",
        context=context,
        blocks=blocks,
    )


def _deadline_inputs(item, owner_zone: str | None) -> list[InputBlock]:
    """The deadline, typed (read in the owner's zone) or picked."""
    where = f" ({owner_zone})" if owner_zone else ""
    picked = item.deadline.isoformat() if item and item.deadline else None
    return [
        _text_input(
            ReviewBlock.DEADLINE_TEXT,
            "Deadline",
            max_length=80,
            placeholder="next friday, in 2 weeks, 2024-12-20",
            hint=f"Read in the owner's time zone{where}; wins over the date picker.",
        ),
        InputBlock(
            block_id=ReviewBlock.DEADLINE_DATE,
            label="Or pick the day",
            optional=True,
            element=DatePickerElement(action_id=INPUT_ACTION, initial_date=picked),
        ),
    ]


@dataclass(frozen=True)
class ActionItemFields:
    """The raw form of an action item; the deadline is read by the caller,
    which knows the owner's zone."""

    deliverable: str
    owner_id: str | None
    deadline_text: str | None
    deadline_date: date | None
    priority: str | None
    factor_index: int | None
    keep_vague: bool
    remove: bool


def read_action_item_fields(view: dict) -> ActionItemFields:
    values = _values(view)
    owner = (values.get(ReviewBlock.OWNER) or {}).get(ReviewAction.PICK_OWNER) or {}
    picked = _field(values, ReviewBlock.DEADLINE_DATE).get("selected_date")
    factor = _selected(values, ReviewBlock.FACTOR)
    fields = ActionItemFields(
        deliverable=" ".join((_typed(values, ReviewBlock.DELIVERABLE) or "").split()),
        owner_id=owner.get("selected_user"),
        deadline_text=(_typed(values, ReviewBlock.DEADLINE_TEXT) or "").strip() or None,
        deadline_date=date.fromisoformat(picked) if picked else None,
        priority=_selected(values, ReviewBlock.PRIORITY),
        factor_index=int(factor) if factor and factor.isdigit() else None,
        keep_vague=bool(_checked(values, ReviewBlock.KEEP_VAGUE)),
        remove=bool(_checked(values, ReviewBlock.REMOVE)),
    )
    if fields.remove:
        return fields
    errors = {}
    if not fields.deliverable:
        errors[ReviewBlock.DELIVERABLE] = "Say what will be delivered."
    if not fields.owner_id:
        errors[ReviewBlock.OWNER] = "Every action item needs an owner."
    if not fields.deadline_text and not fields.deadline_date:
        errors[ReviewBlock.DEADLINE_TEXT] = (
            "Every action item needs a deadline: type one (next friday, in 2 "
            "weeks) or pick a day."
        )
    if fields.priority not in Priority._value2member_map_:
        errors[ReviewBlock.PRIORITY] = "Choose a priority: high, medium or low."
    if errors:
        raise FormErrors(errors)
    return fields


# --- The facilitator ----------------------------------------------------------


def build_facilitator_modal(
    *,
    context: ModalContext,
    uninvolved: Iterable[tuple[str, str]],
    responders: Iterable[tuple[str, str]],
    current: str | None,
) -> dict:
    """Choose the facilitator: people of the channel who were not responders
    come first, since an uninvolved facilitator is the better choice."""
    groups = []
    for label, people in (
        ("Not involved (suggested)", list(uninvolved)[:SUGGESTED_LIMIT]),
        ("Responders", list(responders)[:SUGGESTED_LIMIT]),
    ):
        if people:
            groups.append(
                OptionGroup(
                    label=label,
                    options=[
                        Option(value=user_id, label=clamp(name, OPTION_LIMIT))
                        for user_id, name in people
                    ],
                )
            )
    blocks: list = [
        SectionBlock(
            text=MarkdownTextObject(
                text="Someone who did not respond to the incident runs the "
                "fairest review: they ask the questions nobody in it thought of."
            )
        )
    ]
    if groups:
        blocks.append(
            InputBlock(
                block_id=ReviewBlock.SUGGESTED,
                label="From this channel",
                optional=True,
                element=StaticSelectElement(
                    action_id=INPUT_ACTION, option_groups=groups
                ),
            )
        )
    blocks.append(
        InputBlock(
            block_id=ReviewBlock.ANYONE,
            label="Or anyone in the workspace",
            optional=True,
            hint="Wins over the choice above.",
            element=UserSelectElement(action_id=INPUT_ACTION, initial_user=current),
        )
    )
    return _modal(
        callback_id=ViewId.REVIEW_FACILITATOR,
        title="Choose facilitator",
        context=context,
        blocks=blocks,
        submit="Choose",
    )


def read_facilitator(view: dict) -> str:
    values = _values(view)
    anyone = _field(values, ReviewBlock.ANYONE).get("selected_user")
    chosen = anyone or _selected(values, ReviewBlock.SUGGESTED)
    if not chosen:
        raise FormErrors({ReviewBlock.ANYONE: "Choose someone to facilitate."})
    return chosen


# --- Hints after a save -------------------------------------------------------


def build_hints_view(hints: dict[str, list[Finding]], *, title: str) -> dict:
    """Shown after a save whose words make a person the cause: a hint with a
    system-framed way to say it; what was typed is saved as it is."""
    blocks: list = [
        SectionBlock(
            text=MarkdownTextObject(
                text=":white_check_mark: Saved. A thought on the wording, to keep "
                "the review blameless:"
            )
        )
    ]
    for where, findings in hints.items():
        for finding in findings[:5]:
            blocks.append(
                SectionBlock(
                    text=MarkdownTextObject(
                        text=clamp(
                            f"*{escape_mrkdwn(where)}*: {escape_mrkdwn(finding.reason)}"
                            f"\n{escape_mrkdwn(finding.suggestion)}",
                            3000,
                        )
                    )
                )
            )
    blocks = blocks[:100]
    view = View(
        type="modal",
        callback_id=ViewId.REVIEW_HINTS,
        title=PlainTextObject(text=clamp(title, 24)),
        close=PlainTextObject(text="Done"),
        blocks=blocks,
    )
    return view.to_dict()


# --- Reading section forms ----------------------------------------------------


def read_section_form(section: Section, view: dict) -> tuple[object, bool]:
    """(content, done) from a submitted section modal. Raises FormErrors."""
    values = _values(view)
    done = bool(_checked(values, ReviewBlock.DONE))
    readers = {
        Section.SUMMARY: _read_summary,
        Section.IMPACT: _read_impact,
        Section.TIMELINE: lambda v: TimelineContent(
            note=(_typed(v, ReviewBlock.NOTE) or "").strip()
        ),
        Section.ROOT_CAUSE: _read_root_cause,
        Section.WENT_WELL: _read_points,
        Section.COULD_IMPROVE: _read_points,
        Section.ACTION_ITEMS: lambda v: ActionItemsContent(
            note=(_typed(v, ReviewBlock.NOTE) or "").strip()
        ),
    }
    return readers[section](values), done


def _read_summary(values: dict) -> SummaryContent:
    errors = {}
    duration = _number(values, ReviewBlock.DURATION, errors)
    summary = (_typed(values, ReviewBlock.SUMMARY) or "").strip()
    if not summary:
        errors[ReviewBlock.SUMMARY] = "Write two or three sentences."
    if errors:
        raise FormErrors(errors)
    return SummaryContent(
        date=_field(values, ReviewBlock.DATE).get("selected_date"),
        duration_minutes=duration,
        severity=_selected(values, ReviewBlock.SEVERITY),
        commander_id=_field(values, ReviewBlock.COMMANDER).get("selected_user"),
        participants=list(
            _field(values, ReviewBlock.PARTICIPANTS).get("selected_users") or []
        ),
        summary=summary,
    )


def _read_impact(values: dict) -> ImpactContent:
    errors = {}
    duration = _number(values, ReviewBlock.IMPACT_DURATION, errors)
    if errors:
        raise FormErrors(errors)
    sla = _selected(values, ReviewBlock.SLA)
    return ImpactContent(
        users_affected=(_typed(values, ReviewBlock.USERS) or "").strip(),
        services=[
            clamp(s, LINE_LIMIT) for s in _lines(_typed(values, ReviewBlock.SERVICES))
        ],
        duration_minutes=duration,
        revenue=(_typed(values, ReviewBlock.REVENUE) or "").strip(),
        sla_breached={"breached": True, "kept": False}.get(sla or ""),
        sla_notes=(_typed(values, ReviewBlock.SLA_NOTES) or "").strip(),
    )


def _read_root_cause(values: dict) -> RootCauseContent:
    trigger = (_typed(values, ReviewBlock.TRIGGER) or "").strip()
    if not trigger:
        raise FormErrors({ReviewBlock.TRIGGER: "Say what set the incident off."})
    whys = []
    for number in range(1, MAX_WHYS + 1):
        why = (_typed(values, f"{ReviewBlock.WHY}{number}") or "").strip()
        if why:
            whys.append(why)
    return RootCauseContent(
        trigger=trigger,
        contributing_factors=_lines(_typed(values, ReviewBlock.FACTORS)),
        whys=whys,
        category=_selected(values, ReviewBlock.CATEGORY),
    )


def _read_points(values: dict) -> ListContent:
    points = _lines(_typed(values, ReviewBlock.POINTS))
    if not points:
        raise FormErrors({ReviewBlock.POINTS: "Write at least one point."})
    return ListContent(items=points)


def _values(view: dict) -> dict:
    return ((view or {}).get("state") or {}).get("values") or {}


def _field(values: dict, block: str) -> dict:
    field = (values.get(block) or {}).get(INPUT_ACTION)
    return field if isinstance(field, dict) else {}


def _typed(values: dict, block: str) -> str | None:
    value = _field(values, block).get("value")
    return value if isinstance(value, str) else None


def _selected(values: dict, block: str) -> str | None:
    option = _field(values, block).get("selected_option") or {}
    value = option.get("value") if isinstance(option, dict) else None
    return value if isinstance(value, str) else None


def _checked(values: dict, block: str) -> list:
    return _field(values, block).get("selected_options") or []


def _number(values: dict, block: str, errors: dict) -> int | None:
    raw = (_typed(values, block) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 7:
        errors[block] = "Give whole minutes, e.g. 27."
        return None
    return int(raw)
