"""`pirbot demo` replays the shipped incident and gets its real timeline."""

from __future__ import annotations

import io
import json
from datetime import datetime
from importlib import resources

import pytest

from bot import demo
from bot.settings import ConfigError


@pytest.fixture(scope="module")
def example() -> dict:
    text = resources.files("bot.examples").joinpath(demo.EXAMPLE).read_text("utf-8")
    return json.loads(text)


@pytest.fixture(scope="module")
def replayed() -> demo.ReplayResult:
    return demo.replay_incident(demo.load_incident(None))


def _minute(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_timeline_matches_the_published_one_to_the_minute(example, replayed):
    expected = [(e["at"][:16], e["kind"]) for e in example["expected"]["timeline"]]
    got = [(_minute(e.occurred_at), e.kind) for e in replayed.events]
    assert got == expected


def test_incident_milestones_are_the_published_times(example, replayed) -> None:
    incident = replayed.incident
    assert incident.status == "resolved"
    assert _minute(incident.mitigated_at) == "2019-07-02T14:09"
    assert _minute(incident.resolved_at) == "2019-07-02T14:52"


def test_document_shows_times_and_durations(example, replayed) -> None:
    document = replayed.document
    minutes = example["expected"]["durations_minutes"]
    assert f"Time to mitigate: {minutes['mitigate']} min" in document
    assert "| 13:42 | Start |" in document
    assert "| 14:52 | Resolution |" in document


def test_demo_prints_the_document_and_a_count_of_slack_calls() -> None:
    out = io.StringIO()
    assert demo.run_demo(None, out=out) == 0
    printed = out.getvalue()
    assert printed.startswith("# Incident review: Global 502 errors across the edge")
    assert "Slack calls: " in printed.splitlines()[-1]


def test_a_broken_incident_file_names_the_problem(tmp_path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('{"name": "x", "channel": {"id": "C07INC01"}}', encoding="utf-8")
    with pytest.raises(ConfigError, match="channel.name"):
        demo.load_incident(broken)


def test_a_missing_incident_file_is_a_clear_error(tmp_path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        demo.load_incident(tmp_path / "nope.json")


def _edited_example(example: dict, tmp_path, change) -> demo.IncidentFile:
    edited = json.loads(json.dumps(example))
    change(edited)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(edited), encoding="utf-8")
    return demo.load_incident(path)


def test_an_unknown_time_zone_in_the_file_is_named(example, tmp_path) -> None:
    def zone(edited):
        edited["responders"][0]["tz"] = "Mars/Olympus"

    with pytest.raises(ConfigError, match="responders.0.tz.*Mars/Olympus"):
        _edited_example(example, tmp_path, zone)


def test_a_review_without_a_declared_incident_is_named(example, tmp_path) -> None:
    def undeclared(edited):
        edited["steps"] = [
            s for s in edited["steps"] if s["type"] not in ("command", "shortcut")
        ]

    incident = _edited_example(example, tmp_path, undeclared)
    with pytest.raises(ConfigError, match="no step declares the incident"):
        demo.replay_incident(incident)


def test_an_action_item_deadline_the_bot_refuses_is_told(example, tmp_path) -> None:
    def unreadable(edited):
        edited["review"]["action_items"][0]["deadline"] = "when pigs fly"

    incident = _edited_example(example, tmp_path, unreadable)
    with pytest.raises(ConfigError, match="action item was refused: .*pigs fly.* date"):
        demo.replay_incident(incident)


def test_steps_out_of_time_order_are_named(example, tmp_path) -> None:
    def swapped(edited):
        steps = edited["steps"]
        steps[0], steps[1] = steps[1], steps[0]

    with pytest.raises(ConfigError, match="step 1 .* comes before step 0"):
        _edited_example(example, tmp_path, swapped)


def test_a_step_the_bot_refuses_stops_the_replay_with_its_words(
    example, tmp_path
) -> None:
    def unreadable_time(edited):
        shortcut = next(s for s in edited["steps"] if s["type"] == "shortcut")
        shortcut["time"] = "purple o'clock"

    incident = _edited_example(example, tmp_path, unreadable_time)
    with pytest.raises(ConfigError, match=r"\(shortcut\) was refused: I could not"):
        demo.replay_incident(incident)


def test_an_open_incident_is_published_as_a_draft(example, tmp_path) -> None:
    def still_open(edited):
        edited["steps"] = [
            s for s in edited["steps"] if not s.get("text", "").startswith("resolved")
        ]

    result = demo.replay_incident(_edited_example(example, tmp_path, still_open))

    assert result.incident.resolved_at is None
    assert result.incident.review_held_at is None
    assert result.document.startswith("# Incident review: Global 502 errors")


def test_review_filled_through_the_modals_has_every_section(example, replayed):
    document = replayed.document
    for heading in (
        "## Summary",
        "## Impact",
        "## Timeline",
        "## Root cause",
        "### Five whys",
        "## What went well",
        "## What could be improved",
        "## Action items",
    ):
        assert heading in document
    assert "_Not written yet._" not in document
    assert "| Review held | 2019-07-03" in document
    assert "**Category:** deploy" in document
    for item in example["review"]["action_items"]:
        assert (
            f"{item['deliverable']} (answers factor {item['factor'] + 1})" in document
        )
    assert "| 14:52 | Resolution |" in document
