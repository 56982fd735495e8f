"""Messages the listeners send, built with slack_sdk's Block Kit models."""

from __future__ import annotations

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from domain.slack_text import escape_mrkdwn, slack_date
from store.models import Incident

TAGGING_HINT = (
    "Tag messages for the timeline with :pushpin: (or :rotating_light: "
    "detection, :eyes: acknowledged, :mag: investigation, :hammer_and_wrench: "
    "mitigation, :white_check_mark: resolution, :loudspeaker: communication)."
)

HELP_LINES = (
    ("declare [P1-P4] <title> [@commander]", "/pir declare P2 Checkout errors in EU"),
    ("severity <P1-P4>", "/pir severity P1"),
    ("commander @person", "/pir commander @alice"),
    ("event [time] <what happened>", "/pir event 14:02 first alert fired"),
    ("mitigated [time]", "/pir mitigated 14:05"),
    ("resolved [time]", "/pir resolved 10 minutes ago"),
    ("timeline", "/pir timeline"),
    ("status", "/pir status"),
    ("reactions [add|remove|reset]", "/pir reactions add :fire: detection"),
    ("review", "/pir review"),
    ("facilitator [@person]", "/pir facilitator @carol"),
    ("publish [held]", "/pir publish held"),
    ("categories [add|remove|reset] [name]", "/pir categories add third-party"),
    ("reviews-channel <#channel|here|off>", "/pir reviews-channel #reviews"),
    ("search <words>", "/pir search connection pool exhausted"),
    ("metrics [period]", "/pir metrics 30d"),
    ("schedule <when>", "/pir schedule thursday 3pm"),
    ("held [when]", "/pir held yesterday 15:00"),
    (
        "digest here [day time zone] | off",
        "/pir digest here monday 09:00 Europe/Berlin",
    ),
    ("settings [name value]", "/pir settings nudges P3 always"),
    ("help", "/pir help"),
)


def help_text(unknown: str | None = None) -> str:
    lines = []
    if unknown:
        lines.append(
            f"I don't know `{escape_mrkdwn(unknown[:50])}`. Here is what I do:"
        )
    else:
        lines.append("Here is what `/pir` does:")
    for usage, example in HELP_LINES:
        lines.append(f"• `/pir {usage}` (e.g. `{example}`)")
    lines.append(TAGGING_HINT)
    return "\n".join(lines)


def declared_blocks(incident: Incident) -> tuple[str, list]:
    """The channel announcement of a new incident: (fallback text, blocks)."""
    title = escape_mrkdwn(incident.title)
    text = f"{incident.severity} incident declared: {title}"
    blocks = [
        SectionBlock(
            text=MarkdownTextObject(
                text=(
                    f":rotating_light: *{incident.severity} incident declared:* "
                    f"{title}\nCommander: <@{incident.commander_id}>"
                )
            )
        ),
        ContextBlock(elements=[MarkdownTextObject(text=TAGGING_HINT)]),
    ]
    return text, [block.to_dict() for block in blocks]


def status_text(incident: Incident) -> str:
    parts = [
        f"*{incident.severity}* {escape_mrkdwn(incident.title)} — {incident.status}",
        f"Commander: <@{incident.commander_id}>" if incident.commander_id else "",
        f"Declared {slack_date(incident.declared_at)}",
    ]
    if incident.mitigated_at:
        parts.append(f"Mitigated {slack_date(incident.mitigated_at)}")
    if incident.resolved_at:
        parts.append(f"Resolved {slack_date(incident.resolved_at)}")
    return "\n".join(part for part in parts if part)
