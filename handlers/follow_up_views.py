"""Messages about holding the review: nudges, the overdue note to the
facilitator, the reminder before the meeting, and the answers to
`/pir schedule` and `/pir held`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from domain.nudges import NudgeStep
from domain.slack_text import clamp, escape_mrkdwn, slack_date
from handlers.ids import ReviewAction
from store.models import Incident

TITLE_LIMIT = 200
SECTION_LIMIT = 3000


def _title(incident: Incident) -> str:
    return escape_mrkdwn(clamp(incident.title, TITLE_LIMIT))


def _people(incident: Incident) -> str:
    commander = f"<@{incident.commander_id}> (commander)"
    if incident.facilitator_id and incident.facilitator_id != incident.commander_id:
        return f"{commander} and <@{incident.facilitator_id}> (facilitator)"
    if incident.facilitator_id:
        return f"<@{incident.commander_id}> (commander and facilitator)"
    return f"{commander}; no facilitator yet"


def _open_card(incident: Incident) -> ActionsBlock:
    return ActionsBlock(
        elements=[
            ButtonElement(
                action_id=ReviewAction.OPEN_CARD,
                text="Open the review card",
                value=str(incident.id),
            )
        ]
    )


def _message(text: str, *extra: Block) -> list[dict]:
    section = SectionBlock(text=MarkdownTextObject(text=clamp(text, SECTION_LIMIT)))
    return [block.to_dict() for block in (section, *extra)]


def build_nudge(step: NudgeStep, incident: Incident) -> tuple[str, list[dict]]:
    """A nudge in the incident channel, naming the commander and facilitator."""
    title, people = _title(incident), _people(incident)
    resolved = slack_date(incident.resolved_at)
    if step is NudgeStep.FIRST:
        text = (
            f":spiral_calendar_pad: *{title}* was resolved a day ago "
            f"({resolved}) and its review has no time yet. {people}: pick one "
            "while memories are fresh, e.g. `/pir schedule thursday 3pm`."
        )
    elif step is NudgeStep.SECOND:
        text = (
            f":hourglass_flowing_sand: Two days since *{title}* was resolved and "
            f"still no review time. {people}: please schedule it, e.g. "
            "`/pir schedule tomorrow 10:00`."
        )
    else:
        text = (
            f":warning: The review of *{title}* is overdue: the incident was "
            f"resolved {resolved}, three days ago, and the review has no time. "
            f"{people}: schedule it with `/pir schedule`, or `/pir held` if it "
            "took place."
        )
    if not incident.facilitator_id:
        text += (
            " A facilitator who was not a responder runs the best review: name "
            "one with `/pir facilitator @someone`."
        )
    fallback = (
        f"The review of {incident.title} is overdue"
        if step is NudgeStep.OVERDUE
        else f"The review of {incident.title} has no time yet"
    )
    return fallback, _message(text, _open_card(incident))


def build_overdue_note(incident: Incident, *, recipient: str) -> tuple[str, list[dict]]:
    """The direct message to the facilitator (or commander) at +72 h."""
    role = "facilitator" if recipient == incident.facilitator_id else "commander"
    text = (
        f":warning: The review of *{_title(incident)}* (<#{incident.channel_id}>) "
        f"is overdue: it was resolved {slack_date(incident.resolved_at)} and has "
        f"no time yet. As its {role}, could you schedule it? Type "
        f"`/pir schedule thursday 3pm` in <#{incident.channel_id}>."
    )
    return f"The review of {incident.title} is overdue", _message(
        text, _open_card(incident)
    )


def build_review_reminder(
    incident: Incident, *, review_at: datetime, lead: timedelta
) -> tuple[str, list[dict]]:
    minutes = int(lead.total_seconds() // 60)
    ahead = f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"
    text = (
        f":bell: The review of *{_title(incident)}* starts {slack_date(review_at)} "
        f"(in about {ahead}). {_people(incident)}."
    )
    return f"The review of {incident.title} starts soon", _message(
        text, _open_card(incident)
    )


def redirected(
    incident: Incident, text: str, blocks: list[dict]
) -> tuple[str, list[dict]]:
    """A channel post sent to a person instead, saying why."""
    note = ContextBlock(
        elements=[
            MarkdownTextObject(
                text=f"This was meant for <#{incident.channel_id}>, which is "
                "archived or which I am no longer in, so it comes to you."
            )
        ]
    )
    return text, [*blocks, note.to_dict()]


def _names(user_ids: Sequence[str], limit: int) -> str:
    shown: list[str] = []
    length = 0
    for user_id in user_ids:
        mention = f"<@{user_id}>"
        if length + len(mention) + 2 > limit:
            break
        shown.append(mention)
        length += len(mention) + 2
    rest = len(user_ids) - len(shown)
    names = ", ".join(shown)
    return f"{names} and {rest} more" if rest else names


def build_review_scheduled(
    incident: Incident,
    *,
    at: datetime,
    by: str,
    invited: Sequence[str],
    timezone: str,
) -> tuple[str, list[dict]]:
    """The confirmation in the channel, naming everyone invited, and how the
    time was read (in `timezone`, the caller's) so that a misreading shows."""
    head = (
        f":spiral_calendar_pad: <@{by}> scheduled the review of *{_title(incident)}* "
        f"for {slack_date(at)}."
    )
    invitees = (
        f"Invited: {_names(invited, SECTION_LIMIT - len(head) - 40)}."
        if invited
        else "Nobody has taken part yet; invite people as you need."
    )
    text = f"{head}\n{invitees}"
    local = at.astimezone(ZoneInfo(timezone))
    read_as = ContextBlock(
        elements=[
            MarkdownTextObject(
                text=f"Read as {local:%a %d %b %H:%M} in {timezone}. Schedule "
                "again to change it."
            )
        ]
    )
    return f"Review scheduled for {at:%Y-%m-%d %H:%M} UTC", _message(text, read_as)


def build_review_held(incident: Incident, *, at: datetime, by: str) -> str:
    return (
        f":white_check_mark: <@{by}> marked the review of *{_title(incident)}* "
        f"held on {slack_date(at)}. No more reminders for it."
    )
