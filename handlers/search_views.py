"""Messages for finding past reviews: `/pir search` results and the
"seen before" mention in a new incident's channel."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from slack_sdk.models.blocks import ContextBlock, MarkdownTextObject, SectionBlock

from domain.search import Found, SearchResults, split_snippet
from domain.slack_text import clamp, counted, escape_mrkdwn
from store.models import Incident

SECTION_LIMIT = 3000
_SNIPPET_LIMIT = 600
_TITLE_LIMIT = 150

# Incident id -> permalink of its review card, when it has one.
Links = Mapping[int, str | None]


def slack_day(moment: datetime) -> str:
    """The day of a moment as each reader's Slack shows it."""
    fallback = moment.astimezone(UTC).strftime("%Y-%m-%d")
    return f"<!date^{int(moment.timestamp())}^{{date_short}}|{fallback}>"


def review_reference(incident: Incident, link: str | None) -> str:
    """The incident's title, linked to its review card when there is one,
    else followed by its channel."""
    title = escape_mrkdwn(clamp(" ".join(incident.title.split()), _TITLE_LIMIT))
    if link:
        return f"<{link}|{title}>"
    return f"{title} in <#{incident.channel_id}>"


def _facts(incident: Incident) -> str:
    parts = [incident.severity, slack_day(incident.declared_at)]
    if incident.review_held_at is not None:
        parts.append("reviewed")
    else:
        parts.append(incident.status)
    if incident.root_cause_category:
        parts.append(f"root cause: {escape_mrkdwn(incident.root_cause_category)}")
    return " · ".join(parts)


def render_snippet(snippet: str) -> str:
    """A snippet on one line, its matching words in bold, clamped."""
    flat = " ".join(snippet.split())
    rendered = []
    for piece in split_snippet(clamp(flat, _SNIPPET_LIMIT)):
        text = escape_mrkdwn(piece.text)
        if piece.matched and text.strip():
            # Bold only holds around text with no space at its edges.
            core = text.strip()
            text = text.replace(core, f"*{core}*", 1)
        rendered.append(text)
    return "".join(rendered)


def _found_block(found: Found, link: str | None) -> SectionBlock:
    lines = [
        f"*{review_reference(found.incident, link)}*",
        _facts(found.incident),
    ]
    if found.snippet.strip():
        lines.append("> " + render_snippet(found.snippet))
    return SectionBlock(
        text=MarkdownTextObject(text=clamp("\n".join(lines), SECTION_LIMIT))
    )


def build_search_message(results: SearchResults, *, links: Links) -> tuple[str, list]:
    """The answer to `/pir search`: (fallback text, blocks)."""
    words = ", ".join(escape_mrkdwn(word) for word in results.words)
    if not results.found:
        text = (
            f"No review I can show you mentions all of: {words}. "
            "Try fewer or other words."
        )
        return text, [SectionBlock(text=MarkdownTextObject(text=text)).to_dict()]

    count = len(results.found)
    verb = "mentions" if count == 1 else "mention"
    text = f"{counted(count, 'review')} {verb} {words}"
    blocks = [SectionBlock(text=MarkdownTextObject(text=f"*{text}:*"))]
    blocks += [_found_block(f, links.get(f.incident.id)) for f in results.found]
    if results.more:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text="More reviews match: add a word to narrow it down."
                    )
                ]
            )
        )
    return text, [block.to_dict() for block in blocks]


def build_seen_before_message(
    alike: Sequence[Incident], *, links: Links
) -> tuple[str, list]:
    """The mention of past reviews that look like the new incident."""
    text = "Seen before? Past incidents that look like this one"
    lines = [f":mag: *{text}:*"]
    for incident in alike:
        reference = review_reference(incident, links.get(incident.id))
        lines.append(f"• {reference} ({_facts(incident)})")
    block = SectionBlock(
        text=MarkdownTextObject(text=clamp("\n".join(lines), SECTION_LIMIT))
    )
    return f"{text}.", [block.to_dict()]
