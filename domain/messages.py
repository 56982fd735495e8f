"""Reading what a Slack message says, wherever its text lives.

People's messages carry `text`. Alerts from monitoring tools often leave it
empty and put everything in `attachments` or `blocks`; files have a name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

MAX_STORED_TEXT = 40_000


def message_text(message: dict[str, Any]) -> str:
    """The readable text of a message: its own text, else attachments, blocks
    and file names, joined by newlines. Never raises on odd shapes."""
    parts: list[str] = []
    text = message.get("text")
    if isinstance(text, str) and text.strip():
        parts.append(text)  # exactly as written: never lose a character
    else:
        parts.extend(_block_texts(message.get("blocks")))
    parts.extend(_attachment_texts(message.get("attachments")))
    parts.extend(_file_names(message.get("files")))
    return "\n".join(_unique(parts))[:MAX_STORED_TEXT]


def _attachment_texts(attachments: Any) -> Iterable[str]:
    if not isinstance(attachments, list):
        return
    for attachment in attachments:
        if not isinstance(attachment, dict):
            continue
        for key in ("pretext", "title", "text"):
            value = attachment.get(key)
            if isinstance(value, str) and value.strip():
                yield value.strip()
        for field in attachment.get("fields") or []:
            if isinstance(field, dict) and field.get("title") and field.get("value"):
                yield f"{field['title']}: {field['value']}"
        if not any(attachment.get(k) for k in ("pretext", "title", "text")):
            fallback = attachment.get("fallback")
            if isinstance(fallback, str) and fallback.strip():
                yield fallback.strip()
        yield from _block_texts(attachment.get("blocks"))


def _block_texts(blocks: Any) -> Iterable[str]:
    if not isinstance(blocks, list):
        return
    for block in blocks:
        if not isinstance(block, dict):
            continue
        text = block.get("text")
        if isinstance(text, dict) and isinstance(text.get("text"), str):
            yield text["text"]
        for field in block.get("fields") or []:
            if isinstance(field, dict) and isinstance(field.get("text"), str):
                yield field["text"]
        if block.get("type") == "rich_text":
            rich = "".join(_rich_text(block.get("elements")))
            if rich.strip():
                yield rich.strip()


def _rich_text(elements: Any) -> Iterable[str]:
    if not isinstance(elements, list):
        return
    for element in elements:
        if not isinstance(element, dict):
            continue
        kind = element.get("type")
        if kind == "text":
            yield str(element.get("text", ""))
        elif kind == "link":
            yield str(element.get("text") or element.get("url", ""))
        elif kind == "user":
            yield f"<@{element.get('user_id', '')}>"
        elif kind == "channel":
            yield f"<#{element.get('channel_id', '')}>"
        elif kind == "emoji":
            yield f":{element.get('name', '')}:"
        elif "elements" in element:
            yield from _rich_text(element["elements"])
            if kind in ("rich_text_section", "rich_text_preformatted"):
                yield "\n"


def _file_names(files: Any) -> Iterable[str]:
    if not isinstance(files, list):
        return
    for file in files:
        if isinstance(file, dict):
            name = file.get("title") or file.get("name")
            if isinstance(name, str) and name:
                yield f"[file: {name}]"


def _unique(parts: list[str]) -> list[str]:
    seen: set[str] = set()
    kept = []
    for part in parts:
        if part not in seen:
            seen.add(part)
            kept.append(part)
    return kept
