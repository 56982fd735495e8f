"""One action item as Block Kit, with its buttons, wherever it is shown (the
digest, an owner's own digest, the home tab), and the modals its buttons
open."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
    UserSelectElement,
)
from slack_sdk.models.views import View

from domain.digest import (
    DigestEntry,
    DigestGroup,
    done_on_time,
    group_of,
    last_progress,
    local_today,
)
from domain.review import ActionItemStatus
from domain.slack_text import clamp, escape_mrkdwn
from handlers import values
from handlers.ids import INPUT_ACTION, ActionItemAction, ActionItemBlock
from handlers.ids import View as ViewId
from handlers.slack_reads import Person

DELIVERABLE_LIMIT = 400
TITLE_LIMIT = 120


def item_block_id(item_id: int) -> str:
    return f"action_item:{item_id}"


def describe_owner(owner_id: str | None, person: Person | None) -> str:
    """The owner as a mention, or why the item needs a new one."""
    if not owner_id:
        return "*no owner*: needs a new owner"
    if person is not None and person.is_gone:
        return f"~<@{owner_id}>~ has left: needs a new owner"
    return f"<@{owner_id}>"


def format_day(day: date, today: date) -> str:
    """The day as "Fri 6 Dec", with the year when it is not this one."""
    text = f"{day:%a} {day.day} {day:%b}"
    return text if day.year == today.year else f"{text} {day.year}"


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def _deadline_note(entry: DigestEntry, now: datetime) -> str:
    item = entry.item
    if item.deadline is None:
        return "no deadline"
    today = local_today(item, now)
    when = f"due {format_day(item.deadline, today)}"
    if group_of(item, now=now) is DigestGroup.OVERDUE:
        return f"{when}, *{_days((today - item.deadline).days)} overdue*"
    return when


def _review_link(entry: DigestEntry, link: str | None) -> str:
    title = escape_mrkdwn(clamp(entry.incident.title, TITLE_LIMIT))
    if link:
        return f"<{link}|{title}>"
    return f"{title} in <#{entry.incident.channel_id}>"


def action_item_text(
    entry: DigestEntry,
    *,
    now: datetime,
    owner: Person | None,
    review_link: str | None,
    show_owner: bool = True,
) -> str:
    """One item in mrkdwn: what, who, when, how it stands, and its review."""
    item = entry.item
    deliverable = escape_mrkdwn(clamp(item.deliverable, DELIVERABLE_LIMIT))
    review = f"from {_review_link(entry, review_link)}"
    if item.status == ActionItemStatus.DONE.value:
        done = item.done_at or now
        verdict = {True: ", on time", False: ", late", None: ""}[done_on_time(item)]
        by = f" by <@{item.updated_by}>" if item.updated_by else ""
        return (
            f":white_check_mark: ~{deliverable}~\n"
            f"Done {format_day(done.date(), now.date())}{by}{verdict} · {review}"
        )

    facts = [_deadline_note(entry, now), f"{item.priority} priority"]
    if show_owner or (owner is not None and owner.is_gone):
        facts.append(describe_owner(item.owner_id, owner))
    if group_of(item, now=now) is DigestGroup.STALE:
        idle = (now - last_progress(item)).days
        facts.append(f"no progress for {_days(idle)}")
    return f"*{deliverable}*\n{' · '.join(facts)} · {review}"


def build_action_item_blocks(
    entry: DigestEntry,
    *,
    now: datetime,
    owner: Person | None,
    review_link: str | None,
    show_owner: bool = True,
) -> list[Block]:
    """The item's section and, while it is open, its four buttons (each
    button's value is the item id)."""
    item = entry.item
    section = SectionBlock(
        block_id=item_block_id(item.id),
        text=MarkdownTextObject(
            text=action_item_text(
                entry,
                now=now,
                owner=owner,
                review_link=review_link,
                show_owner=show_owner,
            )
        ),
    )
    if item.status == ActionItemStatus.DONE.value:
        return [section]
    value = str(item.id)
    buttons = ActionsBlock(
        block_id=f"{item_block_id(item.id)}:buttons",
        elements=[
            ButtonElement(
                action_id=ActionItemAction.DONE,
                text="Done",
                value=value,
                style="primary",
            ),
            ButtonElement(
                action_id=ActionItemAction.STILL_ON_IT, text="Still on it", value=value
            ),
            ButtonElement(
                action_id=ActionItemAction.CHANGE_DEADLINE,
                text="Change deadline",
                value=value,
            ),
            ButtonElement(
                action_id=ActionItemAction.REASSIGN, text="Reassign", value=value
            ),
        ],
    )
    return [section, buttons]


# --- Modals -------------------------------------------------------------------


@dataclass(frozen=True)
class ItemModalContext:
    """What a Change deadline or Reassign modal carries (kept short): the
    item and the version it showed, the zone a deadline is read in, and the
    message to redraw afterwards, or the person whose Home tab it was
    opened from."""

    item_id: int
    version: int
    zone: str
    channel_id: str | None = None
    message_ts: str | None = None
    home_of: str | None = None

    def dump(self) -> str:
        return json.dumps(
            {
                "i": self.item_id,
                "v": self.version,
                "z": self.zone,
                "c": self.channel_id,
                "ts": self.message_ts,
                "h": self.home_of,
            }
        )

    @classmethod
    def load(cls, raw: str) -> ItemModalContext | None:
        """The context the bot wrote, or None for anything else."""
        data = values.json_object(raw)
        if data is None:
            return None
        item_id = values.whole_number(data.get("i"))
        version = values.whole_number(data.get("v"))
        zone = values.time_zone(data.get("z") or "UTC")
        where = [data.get(key) for key in ("c", "ts", "h")]
        if item_id is None or version is None or zone is None:
            return None
        if any(value is not None and not isinstance(value, str) for value in where):
            return None
        channel_id, message_ts, home_of = where
        return cls(
            item_id=item_id,
            version=version,
            zone=zone,
            channel_id=channel_id,
            message_ts=message_ts,
            home_of=home_of,
        )


def _quote(entry: DigestEntry) -> ContextBlock:
    deliverable = escape_mrkdwn(clamp(entry.item.deliverable, DELIVERABLE_LIMIT))
    return ContextBlock(elements=[MarkdownTextObject(text=f"*{deliverable}*")])


def build_change_deadline_modal(
    entry: DigestEntry, *, context: ItemModalContext, now: datetime
) -> dict:
    item = entry.item
    current = (
        f"Now {format_day(item.deadline, local_today(item, now))}."
        if item.deadline
        else "It has no deadline yet."
    )
    view = View(
        type="modal",
        callback_id=ViewId.ACTION_ITEM_DEADLINE,
        title="Change deadline",
        submit="Save",
        close="Cancel",
        private_metadata=context.dump(),
        blocks=[
            _quote(entry),
            InputBlock(
                block_id=ActionItemBlock.DEADLINE,
                label="New deadline",
                hint=f"{current} Read as a day in {context.zone}.",
                element=PlainTextInputElement(
                    action_id=INPUT_ACTION,
                    max_length=80,
                    placeholder="next friday, in 2 weeks, 2024-12-20",
                ),
            ),
        ],
    )
    return view.to_dict()


def build_reassign_modal(
    entry: DigestEntry, *, context: ItemModalContext, owner: Person | None
) -> dict:
    item = entry.item
    keeps_owner = item.owner_id and not (owner is not None and owner.is_gone)
    view = View(
        type="modal",
        callback_id=ViewId.ACTION_ITEM_REASSIGN,
        title="Reassign",
        submit="Save",
        close="Cancel",
        private_metadata=context.dump(),
        blocks=[
            _quote(entry),
            InputBlock(
                block_id=ActionItemBlock.OWNER,
                label="New owner",
                element=UserSelectElement(
                    action_id=INPUT_ACTION,
                    initial_user=item.owner_id if keeps_owner else None,
                    placeholder="Choose a person",
                ),
            ),
        ],
    )
    return view.to_dict()
