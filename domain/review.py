"""The review's template: its sections, what each one holds, and their states.

Each section's content is kept as JSON in the store; the models here give
it a shape, so that a section written by an older version of the bot, or
edited by hand, still reads (unknown keys are ignored, missing ones empty).
Action items are rows of their own, not section content: the digest and
the home tab change them one at a time.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

MAX_WHYS = 5


class Section(StrEnum):
    """The sections, in the template's order."""

    SUMMARY = "summary"
    IMPACT = "impact"
    TIMELINE = "timeline"
    ROOT_CAUSE = "root_cause"
    WENT_WELL = "went_well"
    COULD_IMPROVE = "could_improve"
    ACTION_ITEMS = "action_items"


SECTION_TITLES = {
    Section.SUMMARY: "Summary",
    Section.IMPACT: "Impact",
    Section.TIMELINE: "Timeline",
    Section.ROOT_CAUSE: "Root cause",
    Section.WENT_WELL: "What went well",
    Section.COULD_IMPROVE: "What could be improved",
    Section.ACTION_ITEMS: "Action items",
}


class SectionState(StrEnum):
    EMPTY = "empty"
    DRAFT = "draft"
    DONE = "done"


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class ActionItemStatus(StrEnum):
    OPEN = "open"
    DONE = "done"


# Root-cause categories a workspace starts with; it can edit the list.
DEFAULT_CATEGORIES = (
    "deploy",
    "configuration",
    "capacity",
    "dependency",
    "monitoring gap",
    "code defect",
    "data",
    "security",
    "process",
)


class _Content(BaseModel):
    model_config = ConfigDict(extra="ignore")


class SummaryContent(_Content):
    """Date and duration are derived from the timeline until someone edits
    them; `date` is ISO (YYYY-MM-DD) in the team's zone."""

    date: str | None = None
    duration_minutes: int | None = None
    severity: str | None = None
    commander_id: str | None = None
    participants: list[str] = Field(default_factory=list)
    summary: str = ""


class ImpactContent(_Content):
    users_affected: str = ""
    services: list[str] = Field(default_factory=list)
    duration_minutes: int | None = None
    revenue: str = ""
    sla_breached: bool | None = None
    sla_notes: str = ""


class TimelineContent(_Content):
    """The events themselves are curated in place (kind, time, text, left
    out); the section keeps only a note for the reader."""

    note: str = ""


class RootCauseContent(_Content):
    trigger: str = ""
    contributing_factors: list[str] = Field(default_factory=list)
    whys: list[str] = Field(default_factory=list, max_length=MAX_WHYS)
    category: str | None = None


class ListContent(_Content):
    """What went well, what could be improved: one point a line."""

    items: list[str] = Field(default_factory=list)


class ActionItemsContent(_Content):
    """The items are rows; the section only records that it was reviewed."""

    note: str = ""


CONTENT_MODELS: dict[Section, type[_Content]] = {
    Section.SUMMARY: SummaryContent,
    Section.IMPACT: ImpactContent,
    Section.TIMELINE: TimelineContent,
    Section.ROOT_CAUSE: RootCauseContent,
    Section.WENT_WELL: ListContent,
    Section.COULD_IMPROVE: ListContent,
    Section.ACTION_ITEMS: ActionItemsContent,
}


def read_content(section: Section, raw: Any) -> _Content:
    """The stored JSON of a section as its model; empty when unreadable."""
    model = CONTENT_MODELS[section]
    if not isinstance(raw, dict):
        return model()
    try:
        return model.model_validate(raw)
    except ValidationError:
        return model()


# Fields holding Slack ids or codes rather than words.
_NOT_WORDS = frozenset({"commander_id", "participants", "severity", "date"})


def searchable_text(section: Section, raw: Any) -> str:
    """Every word a section holds, one piece a line, for full-text search."""
    content = read_content(section, raw)
    pieces: list[str] = []
    for key, value in content.model_dump().items():
        if key in _NOT_WORDS:
            continue
        if isinstance(value, str):
            pieces.append(value)
        elif isinstance(value, list):
            pieces.extend(item for item in value if isinstance(item, str))
    return "\n".join(piece for piece in pieces if piece.strip())
