"""`pirbot export`: a stored review as Markdown, whole or redacted."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot import cli
from domain import lifecycle, reviewing
from domain.incidents import Declaration, Severity
from domain.review import ListContent, RootCauseContent, Section

ALICE, BOB = "U04ALICE001", "U04BOB00002"
NOW = datetime(2024, 12, 3, 16, 0, tzinfo=UTC)


@pytest.fixture
def stored(sqlite_db, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", sqlite_db.url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    incident = lifecycle.declare_incident(
        sqlite_db,
        team_id="T0123ABCD",
        channel_id="C07INC12345",
        channel_name="inc-payments",
        declaration=Declaration(Severity.P2, "Payments down", ALICE),
        declared_by=ALICE,
        now=NOW,
    )
    for section, content in (
        (
            Section.ROOT_CAUSE,
            RootCauseContent(
                trigger=f"<@{BOB}> changed the DNS of 10.1.2.3; bob@acme.example",
                contributing_factors=["No review of DNS changes"],
            ),
        ),
        (Section.WENT_WELL, ListContent(items=["Paged within a minute"])),
    ):
        reviewing.save_section(
            sqlite_db,
            team_id="T0123ABCD",
            incident_id=incident.id,
            section=section,
            content=content,
            done=True,
            by=ALICE,
            expected_version=0,
            now=NOW,
        )
    return incident


def test_export_by_channel_prints_the_whole_review(stored, capsys) -> None:
    assert cli.main(["export", "C07INC12345"]) == 0
    document = capsys.readouterr().out
    assert document.startswith("# Incident review: Payments down")
    assert "- Paged within a minute" in document
    assert "10.1.2.3" in document


def test_redacted_export_to_a_file_has_roles_not_people(stored, tmp_path) -> None:
    out = tmp_path / "review.md"
    assert cli.main(["export", "#inc-payments", "--redact", "-o", str(out)]) == 0
    document = out.read_text(encoding="utf-8")
    assert "Incident commander" in document
    for secret in (ALICE, BOB, "10.1.2.3", "bob@acme.example"):
        assert secret not in document


def test_unknown_incident_is_one_sentence_and_exit_2(stored, capsys) -> None:
    assert cli.main(["export", "#nope"]) == 2
    error = capsys.readouterr().err
    last = error.strip().splitlines()[-1]
    assert last.startswith("pirbot: no incident is known by '#nope'")
    assert "Traceback" not in error


def test_export_to_a_folder_that_does_not_exist_is_one_sentence(
    stored, tmp_path, capsys
) -> None:
    target = tmp_path / "no-such-folder" / "review.md"

    assert cli.main(["export", "C07INC12345", "-o", str(target)]) == cli.EXIT_CONFIG

    said = capsys.readouterr().err
    assert f"Could not write {target}" in said and "Traceback" not in said


def test_export_with_slack_out_of_reach_falls_back_to_user_ids(
    stored, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-export-0000000000")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")

    assert cli.main(["export", "C07INC12345"]) == 0

    document = capsys.readouterr().out
    assert document.startswith("# Incident review: Payments down")
    assert ALICE in document
