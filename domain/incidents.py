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


# A leading severity as people write it: P1, p2, [P1], SEV1, Sev-2, sev 3,
# severity 4, P1: (any number, so that P0 or P5 is refused, not titled).
_SEVERITY = re.compile(
    r"^\s*[\[(]?\s*(?:p|sev(?:erity)?[\s-]*)(\d{1,2})\s*[\])]?\s*[:,.-]?(?=\s|$)\s*",
    re.I,
)
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
    if match:
        number = int(match.group(1))
        if not 1 <= number <= 4:
            raise DeclarationError(
                f"{match.group(0).strip()} is not a severity here: use P1 (the "
                "worst) to P4, e.g. `/pir declare P1 Site down everywhere`."
            )
        severity = Severity(f"P{number}")
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


_SEVERITY_ONLY = re.compile(
    r"^\s*[\[(]?\s*(?:p|sev(?:erity)?[\s-]*)?([1-4])\s*[\])]?\s*$", re.I
)
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
