"""The review document: every section in the template's order, the same
bytes for the same input (golden files), and redaction for outsiders.

To accept an intended change of the output, run the tests once with
PIRBOT_UPDATE_GOLDEN=1 and read the diff of the golden files.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from domain.document import render_review
from domain.redact import Redactor
from domain.review import (
    ActionItemsContent,
    ImpactContent,
    ListContent,
    RootCauseContent,
    Section,
    SummaryContent,
    TimelineContent,
)

GOLDEN = Path(__file__).parent / "golden"
ALICE, BOB, CAROL, DAVE = "U04ALICE001", "U04BOB00002", "U05CAROL003", "U05DAVE0004"
NAMES = {ALICE: "Alice Example", BOB: "Bob", CAROL: "Carol", DAVE: "Dave"}


@dataclass
class Incident:
    title: str = "Checkout | payments 502s"
    severity: str = "P1"
    status: str = "resolved"
    channel_name: str = "inc-2024-10-27-checkout"
    commander_id: str | None = ALICE
    facilitator_id: str | None = CAROL
    # The night European clocks went back: 03:00 CEST became 02:00 CET.
    declared_at: datetime = datetime(2024, 10, 27, 0, 40, tzinfo=UTC)
    mitigated_at: datetime | None = datetime(2024, 10, 27, 1, 20, tzinfo=UTC)
    resolved_at: datetime | None = datetime(2024, 10, 27, 1, 55, tzinfo=UTC)


@dataclass
class Event:
    kind: str
    text: str
    occurred_at: datetime
    tagged_by: str = BOB
    author_id: str | None = BOB
    note: str | None = None
    stated_at: datetime | None = None
    permalink: str | None = None
    posted_at: datetime = field(default=None)

    def __post_init__(self) -> None:
        self.posted_at = self.posted_at or self.occurred_at


@dataclass
class Item:
    deliverable: str
    owner_id: str | None
    deadline: date | None
    priority: str = "high"
    status: str = "open"
    vague_kept: bool = False
    contributing_factor: str | None = None


def _at(hour: int, minute: int) -> datetime:
    return datetime(2024, 10, 27, hour, minute, tzinfo=UTC)


EVENTS = [
    Event(
        "start", "Deploying checkout v4.2 (config change by <@U04BOB00002>)", _at(0, 30)
    ),
    Event(
        "detection",
        "[FIRING] checkout 5xx > 2% | from 10.20.30.40",
        _at(0, 34),
        tagged_by=ALICE,
        author_id=None,
        permalink="https://acme-eng.slack.com/archives/C07INC12345/p1729989240000100",
    ),
    Event(
        "mitigation",
        "rolled back at 02:15, mail alice@acme.example for the log",
        _at(1, 15),
        stated_at=_at(1, 15),
        posted_at=_at(1, 22),
        note="Rollback by pipeline, not by hand.",
    ),
    Event("resolution", "All clear 🎉 — naïve café order flow works", _at(1, 55)),
]
SECTIONS = {
    Section.SUMMARY: SummaryContent(
        date="2024-10-27",
        duration_minutes=85,
        severity="P1",
        commander_id=ALICE,
        participants=[ALICE, BOB, DAVE],
        summary="A config change made checkout return 502s for 41 minutes.\n"
        "A rollback fixed it; Bob confirmed at 02:55.",
    ),
    Section.IMPACT: ImpactContent(
        users_affected="About 12% of checkout attempts in the EU",
        services=["Checkout", "Payments API"],
        duration_minutes=45,
        revenue="~€40k of delayed orders",
        sla_breached=True,
        sla_notes="99.9% monthly target missed",
    ),
    Section.TIMELINE: TimelineContent(note="Times around the DST change are exact."),
    Section.ROOT_CAUSE: RootCauseContent(
        trigger="A config change removed the payments timeout.",
        contributing_factors=["No canary for config", "Alert fired 4 minutes late"],
        whys=["Why 502s? Workers hung on payments.", "Why hung? No timeout."],
        category="configuration",
    ),
    Section.WENT_WELL: ListContent(items=["Rollback took one click"]),
    Section.COULD_IMPROVE: ListContent(items=["The alert | threshold was too high"]),
    Section.ACTION_ITEMS: ActionItemsContent(),
}
ITEMS = [
    Item(
        "Add a canary stage for config changes with 10% of traffic",
        BOB,
        date(2024, 11, 8),
        contributing_factor="No canary for config",
    ),
    Item("Improve monitoring", DAVE, date(2024, 11, 15), "low", vague_kept=True),
]


def _render(**options) -> str:
    options.setdefault("name_of", NAMES.get)
    return render_review(
        Incident(),
        EVENTS,
        sections=SECTIONS,
        action_items=ITEMS,
        timezone="Europe/Berlin",
        review_held_at=datetime(2024, 10, 29, 9, 0, tzinfo=UTC),
        **options,
    )


def _redacted() -> str:
    redactor = Redactor(
        commander_id=ALICE,
        facilitator_id=CAROL,
        people=[ALICE, BOB, DAVE],
        names={user_id: [name] for user_id, name in NAMES.items()},
    )
    return _render(name_of=redactor.role_of, scrub=redactor.scrub, links=False)


@pytest.mark.parametrize(
    ("name", "render"), [("review.md", _render), ("review-redacted.md", _redacted)]
)
def test_document_is_byte_for_byte_the_golden_one(name, render) -> None:
    golden = GOLDEN / name
    document = render()
    if os.environ.get("PIRBOT_UPDATE_GOLDEN") == "1":
        golden.write_text(document, encoding="utf-8")
    assert document == golden.read_text(encoding="utf-8")
    assert render() == document


def test_sections_come_in_the_templates_order() -> None:
    document = _render()
    headings = [line for line in document.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Summary",
        "## Impact",
        "## Timeline",
        "## Root cause",
        "## What went well",
        "## What could be improved",
        "## Action items",
    ]


def test_timeline_shows_the_teams_zone_beside_utc_across_the_dst_change() -> None:
    document = _render()
    # 00:30 UTC is 02:30 CEST; 01:55 UTC is 02:55 CET, after the change.
    assert "| 02:30 CEST | 00:30 | Start |" in document
    assert "| 02:55 CET | 01:55 | Resolution |" in document
    assert "| Declared | 2024-10-27 02:40 CEST (00:40 UTC) |" in document


def test_redaction_leaves_no_person_id_email_or_address() -> None:
    document = _redacted()
    for secret in (*NAMES.values(), *NAMES, "alice@acme.example", "10.20.30.40"):
        assert secret not in document
    assert "Incident commander" in document and "Review facilitator" in document
    assert "Responder 1" in document
    assert "acme-eng.slack.com" not in document


def test_unwritten_sections_say_so() -> None:
    document = render_review(Incident(), [], timezone="UTC")
    assert document.count("_Not written yet._") == 5
    assert "_No action items._" in document


def test_slack_links_become_markdown_and_html_stays_text() -> None:
    event = Event(
        "investigation",
        "see <https://grafana.internal.acme.example/d/abc|the dashboard>, mail "
        "<mailto:oncall@acme.example|oncall@acme.example>; "
        "&lt;script&gt;x&lt;/script&gt;",
        _at(0, 40),
    )
    document = render_review(Incident(), [event], timezone="UTC", name_of=NAMES.get)
    assert "[the dashboard](https://grafana.internal.acme.example/d/abc)" in document
    assert "mail oncall@acme.example;" in document
    assert "<script>" not in document and "&lt;script>" in document


def test_redacted_links_keep_their_label_and_lose_their_address() -> None:
    event = Event(
        "investigation",
        "see <https://grafana.internal.acme.example/d/abc|the dashboard> and "
        "<https://10.0.0.7/status>; Bob says hi, so does bob",
        _at(0, 40),
    )
    redactor = Redactor(
        commander_id=ALICE,
        facilitator_id=CAROL,
        names={BOB: ["Bob Example", "bob", "Bob"]},
    )
    document = render_review(
        Incident(),
        [event],
        timezone="UTC",
        name_of=redactor.role_of,
        scrub=redactor.scrub,
        links=False,
    )
    assert "grafana.internal" not in document and "10.0.0.7" not in document
    assert "see the dashboard and [link removed]" in document
    assert "Bob" not in document and "bob" not in document
