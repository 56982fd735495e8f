"""The app's Home tab as a Block Kit view: the viewer's open action items
(with the digest's buttons), the reviews they have to finish, and the
workspace's latest reviews.

A Home view holds at most 100 blocks. The fullest one has three headings,
two dividers, two "and N more" lines, two blocks an action item and one a
review: with the numbers below, 92.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_sdk.models.blocks import (
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from domain.home import SECTIONS, Home, HomeLimits, ReviewStep, ReviewToFinish
from domain.slack_text import clamp, escape_mrkdwn, slack_date
from handlers.action_item_views import build_action_item_blocks
from handlers.ids import ReviewAction
from handlers.ids import View as ViewId
from handlers.search_views import review_reference, slack_day
from store.models import Incident

LIMITS = HomeLimits(action_items=30, reviews_to_finish=15, latest_reviews=10)
MAX_BLOCKS = 100
SECTION_LIMIT = 3000
CATEGORY_LIMIT = 64

ITEMS_HEADING = "Your open action items"
REVIEWS_HEADING = "Reviews to finish"
LATEST_HEADING = "Latest reviews"
NO_ITEMS = "You own no open action items. :tada:"
NO_REVIEWS = (
    "No review you facilitate or command is waiting for a time or its sections."
)
NO_LATEST = "No review has been held or published in this workspace yet."

# The permalink of an incident's review card, when it has one.
LinkOf = Callable[[Incident], str | None]


def build_home_view(home: Home, *, now: datetime, link_of: LinkOf) -> dict:
    blocks: list[Block] = []
    blocks += _action_item_part(home, now=now, link_of=link_of)
    blocks.append(DividerBlock(block_id="home_divider_reviews"))
    blocks += _reviews_to_finish_part(home, now=now, link_of=link_of)
    blocks.append(DividerBlock(block_id="home_divider_latest"))
    blocks += _latest_part(home, link_of=link_of)
    return View(type="home", callback_id=ViewId.HOME, blocks=blocks).to_dict()


def _heading(block_id: str, text: str) -> HeaderBlock:
    return HeaderBlock(block_id=block_id, text=text)


def _sentence(block_id: str, text: str) -> SectionBlock:
    return SectionBlock(block_id=block_id, text=MarkdownTextObject(text=text))


def _more(block_id: str, text: str) -> ContextBlock:
    return ContextBlock(block_id=block_id, elements=[MarkdownTextObject(text=text)])


def _action_item_part(home: Home, *, now: datetime, link_of: LinkOf) -> list[Block]:
    blocks: list[Block] = [_heading("home_items", ITEMS_HEADING)]
    if not home.action_items:
        blocks.append(_sentence("home_items_none", NO_ITEMS))
    for entry in home.action_items:
        blocks += build_action_item_blocks(
            entry,
            now=now,
            owner=None,
            review_link=link_of(entry.incident),
            show_owner=False,
        )
    if home.more_action_items > 0:
        blocks.append(
            _more(
                "home_items_more",
                f"…and {home.more_action_items} more of your open action items, "
                "due later.",
            )
        )
    return blocks


def describe_step(review: ReviewToFinish, *, now: datetime) -> str:
    incident = review.incident
    if review.step is ReviewStep.SCHEDULED:
        at = incident.review_scheduled_at
        if at <= now:
            return (
                f"review was scheduled for {slack_date(at)}: once it took "
                "place, mark it with `/pir held`"
            )
        return f"review scheduled for {slack_date(at)}"
    if review.step is ReviewStep.OVERDUE:
        return (
            f":warning: *overdue*: resolved {slack_date(incident.resolved_at)} "
            "and no review time yet (`/pir schedule <when>`)"
        )
    return "needs a review time (`/pir schedule <when>` in its channel)"


def _review_block(review: ReviewToFinish, *, now: datetime, link_of) -> SectionBlock:
    incident = review.incident
    lines = [
        f"*{review_reference(incident, link_of(incident))}*",
        " · ".join(
            [
                describe_step(review, now=now),
                f"{review.sections_done} of {SECTIONS} sections done",
                incident.severity,
            ]
        ),
    ]
    return SectionBlock(
        block_id=f"home_review:{incident.id}",
        text=MarkdownTextObject(text=clamp("\n".join(lines), SECTION_LIMIT)),
        accessory=ButtonElement(
            action_id=ReviewAction.OPEN_CARD,
            text="Open the review",
            value=str(incident.id),
        ),
    )


def _reviews_to_finish_part(
    home: Home, *, now: datetime, link_of: LinkOf
) -> list[Block]:
    blocks: list[Block] = [_heading("home_reviews", REVIEWS_HEADING)]
    if not home.reviews_to_finish:
        blocks.append(_sentence("home_reviews_none", NO_REVIEWS))
    for review in home.reviews_to_finish:
        blocks.append(_review_block(review, now=now, link_of=link_of))
    if home.more_reviews_to_finish > 0:
        blocks.append(
            _more(
                "home_reviews_more",
                f"…and {home.more_reviews_to_finish} more reviews to finish.",
            )
        )
    return blocks


def _latest_block(incident: Incident, link: str | None) -> SectionBlock:
    reviewed = incident.review_held_at or incident.review_published_at
    category = incident.root_cause_category
    facts = [
        incident.severity,
        f"reviewed {slack_day(reviewed)}",
        f"root cause: {escape_mrkdwn(clamp(category, CATEGORY_LIMIT))}"
        if category
        else "no root-cause category",
    ]
    lines = [f"*{review_reference(incident, link)}*", " · ".join(facts)]
    return SectionBlock(
        block_id=f"home_latest:{incident.id}",
        text=MarkdownTextObject(text=clamp("\n".join(lines), SECTION_LIMIT)),
    )


def _latest_part(home: Home, *, link_of: LinkOf) -> list[Block]:
    blocks: list[Block] = [_heading("home_latest", LATEST_HEADING)]
    if not home.latest_reviews:
        blocks.append(_sentence("home_latest_none", NO_LATEST))
    for incident in home.latest_reviews:
        blocks.append(_latest_block(incident, link_of(incident)))
    return blocks
