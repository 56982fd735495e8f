"""The weekly digest as Slack messages.

A digest is split into messages of at most ITEMS_PER_MESSAGE items (the
first in the channel, the others in its thread), so that no message can
pass Slack's 50 blocks however its items regroup after a click; past
MAX_MESSAGES the last one ends with "and N more" and a link to the Home
tab. Each message keeps its items' ids, so a click redraws it in place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from enum import StrEnum

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from domain.digest import (
    GROUP_TITLES,
    DigestEntry,
    DigestGroup,
    group_entries,
    on_time_rate,
)
from domain.slack_text import clamp
from handlers.action_item_views import build_action_item_blocks, describe_owner
from handlers.slack_reads import Person

# 14 items, each a section and its buttons, an owner line each, five group
# headings, the heading and summary and the "and N more" line: 50 blocks.
ITEMS_PER_MESSAGE = 14
MAX_MESSAGES = 8
HEADER_LIMIT = 150

# What the channel digest lists; on-track items are only counted there.
CHANNEL_GROUPS = (
    DigestGroup.OVERDUE,
    DigestGroup.DUE_SOON,
    DigestGroup.STALE,
    DigestGroup.DONE,
)
OWNER_GROUPS = (
    DigestGroup.OVERDUE,
    DigestGroup.DUE_SOON,
    DigestGroup.STALE,
    DigestGroup.ON_TRACK,
    DigestGroup.DONE,
)


class Scope(StrEnum):
    CHANNEL = "channel"
    OWNER = "owner"


@dataclass(frozen=True)
class DigestPage:
    """What one message of a digest shows besides its items, as of posting."""

    scope: Scope
    title: str
    part: int
    parts: int
    summary: str | None = None
    more: int = 0
    more_link: str | None = None

    def dump(self) -> dict:
        return asdict(self)

    @classmethod
    def load(cls, raw: dict) -> DigestPage:
        fields = {key: raw[key] for key in cls.__dataclass_fields__ if key in raw}
        fields["scope"] = Scope(fields.get("scope", Scope.CHANNEL))
        return cls(**fields)


@dataclass(frozen=True)
class PlannedMessage:
    page: DigestPage
    item_ids: list[int]


def _count(count: int, one: str, many: str | None = None) -> str:
    return f"*{count}* {one if count == 1 else many or one}"


def channel_summary(
    groups: dict[DigestGroup, list[DigestEntry]], *, left_out_private: int
) -> str:
    """Counts of a channel digest and the on-time rate of the week's done items."""
    parts = [
        _count(len(groups[DigestGroup.OVERDUE]), "overdue"),
        _count(len(groups[DigestGroup.DUE_SOON]), "due this week"),
        _count(len(groups[DigestGroup.STALE]), "stale"),
        _count(len(groups[DigestGroup.DONE]), "done in the last 7 days"),
    ]
    rate = on_time_rate(entry.item for entry in groups[DigestGroup.DONE])
    if rate.counted:
        parts.append(f"{rate.on_time} of {rate.counted} on time ({rate.percent}%)")
    on_track = len(groups[DigestGroup.ON_TRACK])
    if on_track:
        parts.append(
            _count(on_track, "more open item", "more open items") + " on track"
        )
    summary = " · ".join(parts)
    if left_out_private:
        summary += (
            f"\n{_count(left_out_private, 'item', 'items')} of private reviews "
            "are left out here."
        )
    return summary


def owner_summary(groups: dict[DigestGroup, list[DigestEntry]]) -> str:
    open_count = sum(
        len(members) for g, members in groups.items() if g is not DigestGroup.DONE
    )
    return f"You own {_count(open_count, 'open action item', 'open action items')}."


def plan_digest(
    groups: dict[DigestGroup, list[DigestEntry]],
    *,
    scope: Scope,
    title: str,
    summary: str,
    more_link: str | None,
) -> list[PlannedMessage]:
    """The messages of a digest: its listed items, most urgent first, cut
    into messages and capped at MAX_MESSAGES. One message when nothing is
    listed, to say so."""
    order = CHANNEL_GROUPS if scope is Scope.CHANNEL else OWNER_GROUPS
    listed = [entry.item_id for group in order for entry in groups[group]]
    shown = listed[: ITEMS_PER_MESSAGE * MAX_MESSAGES]
    chunks = [
        shown[start : start + ITEMS_PER_MESSAGE]
        for start in range(0, len(shown), ITEMS_PER_MESSAGE)
    ] or [[]]
    messages = []
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        page = DigestPage(
            scope=scope,
            title=title,
            part=index + 1,
            parts=len(chunks),
            summary=summary if index == 0 else None,
            more=len(listed) - len(shown) if last else 0,
            more_link=more_link if last else None,
        )
        messages.append(PlannedMessage(page=page, item_ids=chunk))
    return messages


def build_digest_message(
    page: DigestPage,
    entries: Sequence[DigestEntry],
    *,
    now: datetime,
    person_of: Callable[[str], Person | None],
    link_of: Callable[[DigestEntry], str | None],
) -> tuple[str, list[dict]]:
    """(fallback text, blocks) of one digest message, its items grouped as
    they stand at `now`."""
    blocks: list[Block] = []
    if page.part == 1:
        blocks.append(HeaderBlock(text=clamp(page.title, HEADER_LIMIT)))
        if page.summary:
            blocks.append(
                ContextBlock(elements=[MarkdownTextObject(text=page.summary)])
            )
        text = f"{page.title}: {page.summary or ''}".replace("*", "")
    else:
        continued = f"{page.title} (continued, {page.part} of {page.parts})"
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=continued)]))
        text = continued

    if not entries:
        nothing = "Nothing is overdue, due this week or stale. :tada:"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=nothing)))
    groups = group_entries(entries, now=now)
    for group in OWNER_GROUPS:
        members = groups[group]
        if not members:
            continue
        heading = f"*{GROUP_TITLES[group]}* ({len(members)})"
        blocks.append(SectionBlock(text=MarkdownTextObject(text=heading)))
        blocks.extend(_group_blocks(page, members, now, person_of, link_of))

    if page.more:
        where = (
            f"<{page.more_link}|pirbot's Home tab>"
            if page.more_link
            else "pirbot's Home tab"
        )
        more = f"…and {page.more} more. Their owners find them all in {where}."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return clamp(text, 3000), [block.to_dict() for block in blocks]


def _group_blocks(page, members, now, person_of, link_of) -> list[Block]:
    blocks: list[Block] = []
    current_owner: object = object()
    for entry in members:
        owner_id = entry.item.owner_id
        person = person_of(owner_id) if owner_id else None
        if page.scope is Scope.CHANNEL and owner_id != current_owner:
            current_owner = owner_id
            heading = describe_owner(owner_id, person)
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=heading)]))
        blocks.extend(
            build_action_item_blocks(
                entry,
                now=now,
                owner=person,
                review_link=link_of(entry),
                show_owner=False,
            )
        )
    return blocks
