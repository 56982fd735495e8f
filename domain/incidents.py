"""Declaring incidents and changing their state."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from domain.errors import PirError

MAX_TITLE_LENGTH = 200


class Severity(StrEnum):
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"


DEFAULT_SEVERITY = Severity.P3


class Status(StrEnum):
    OPEN = "open"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"


class DeclarationError(PirError, ValueError):
    """The `/pir declare` text cannot make an incident; says what to type."""


@dataclass(frozen=True)
class Declaration:
    severity: Severity
    title: str
    commander_id: str


_SEVERITY = re.compile(r"^\s*(?:sev)?\s*[pP]?([1-4])\b\s*", re.I)
_BLANKS = re.compile(r"[ \t\r\n]+")
_TRAILING_MENTION = re.compile(r"\s*<@([UW][A-Z0-9]+)(?:\|[^>]*)?>\s*$")


def parse_declaration(text: str, *, declared_by: str) -> Declaration:
    """Read `[P1-P4] <title> [<@commander>]`.

    The declarer commands unless the text ends by naming someone else.
    Raises DeclarationError with an example when no title is left.
    """
    rest = text.strip()
    severity = DEFAULT_SEVERITY
    match = _SEVERITY.match(rest)
    if match and (rest[: match.end()].strip().upper().startswith(("P", "SEV"))):
        severity = Severity(f"P{match.group(1)}")
        rest = rest[match.end() :]

    commander_id = declared_by
    mention = _TRAILING_MENTION.search(rest)
    if mention:
        commander_id = mention.group(1)
        rest = rest[: mention.start()]

    # Runs of spaces and line breaks collapse; other characters (no-break
    # spaces, zero-width joiners) are kept as typed.
    title = _BLANKS.sub(" ", rest).strip(" \t\r\n")
    if not title:
        raise DeclarationError(
            "Give the incident a title, for example "
            "`/pir declare P2 Checkout errors in EU`."
        )
    if len(title) > MAX_TITLE_LENGTH:
        raise DeclarationError(
            f"That title has {len(title)} characters; keep it under "
            f"{MAX_TITLE_LENGTH} and put the details in the channel."
        )
    return Declaration(severity=severity, title=title, commander_id=commander_id)


_SEVERITY_ONLY = re.compile(r"^\s*(?:sev\s*)?p?([1-4])\s*$", re.I)
_MENTION_ONLY = re.compile(r"^\s*<@([UW][A-Z0-9]+)(?:\|[^>]*)?>\s*$")


def parse_severity(text: str) -> Severity:
    match = _SEVERITY_ONLY.match(text)
    if not match:
        raise DeclarationError(
            "Give a severity from P1 to P4, e.g. `/pir severity P2`."
        )
    return Severity(f"P{match.group(1)}")


def parse_mention(text: str) -> str:
    """The user id of a lone mention `<@U…>`; raises DeclarationError."""
    match = _MENTION_ONLY.match(text)
    if not match:
        raise DeclarationError("Name one person, e.g. `/pir commander @alice`.")
    return match.group(1)
