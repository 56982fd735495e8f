"""`pirbot metrics` on the hand-computed workspace of
tests/metrics_workspace.py, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

import pytest
import time_machine

from bot.cli import main
from store import workspaces
from tests.metrics_workspace import NOW, TEAM, build_workspace


@pytest.fixture
def pirbot(db, monkeypatch, tmp_path):
    """Runs `pirbot …` in-process against `db`, at the workspace's "now";
    returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    monkeypatch.setenv("DATABASE_URL", db.url)

    def run(*arguments: str):
        with time_machine.travel(NOW, tick=False):
            return main(["metrics", *arguments])

    return run


def test_the_table_shows_each_figure_with_its_counts(db, pirbot, capsys) -> None:
    build_workspace(db)

    assert pirbot() == 0

    out = capsys.readouterr().out
    assert out.startswith("Review metrics, the last 90 days (2024-09-02 12:00 to ")
    lines = {" ".join(line.split()) for line in out.splitlines()}
    assert "review completion P1 50% 1 2 100%" in lines
    assert "review completion P2 100% 2 2 80% 1 not yet due" in lines
    assert (
        "action items done by deadline 42.9% 3 7 3 done late, 1 without a deadline"
        in lines
    )
    assert "time to review p90 85.2 h 3 —" in lines
    assert "time to resolve median 180 min 5 — 1 not resolved" in lines


def test_json_since_a_day_in_the_workspace_zone(db, pirbot, capsys) -> None:
    build_workspace(db)
    with db.session() as session:
        workspaces.ensure_workspace(session, team_id=TEAM).timezone = "Asia/Tokyo"

    assert pirbot("--since", "2024-10-01", "--format", "json") == 0

    report = json.loads(capsys.readouterr().out)
    # Midnight in Tokyo is 15:00 UTC the day before.
    assert report["period"]["since"] == "2024-10-01T00:00:00+09:00"
    assert report["incidents"] == 6
    figures = {(f["figure"], f["scope"]): f for f in report["figures"]}
    repeats = figures[("repeat incidents", "")]
    assert (repeats["value"], repeats["count"], repeats["of"]) == (50.0, 2, 4)


def test_csv_has_a_row_per_figure(db, pirbot, capsys) -> None:
    build_workspace(db)

    assert pirbot("--format", "csv", "--team", TEAM) == 0

    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    within = next(r for r in rows if r["figure"] == "reviews within 72 h")
    assert (within["value"], within["count"], within["of"]) == ("50.0", "2", "4")
    assert len(rows) == 14


@pytest.mark.parametrize("since", ["next year", "2024-02-30", "0d"])
def test_a_bad_since_is_one_sentence_and_exit_2(db, pirbot, capsys, since) -> None:
    build_workspace(db)

    assert pirbot("--since", since) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("pirbot: --since: ")
    assert len(captured.err.strip().splitlines()) == 1


def test_several_workspaces_need_a_team(db, pirbot, capsys) -> None:
    build_workspace(db)
    build_workspace(db, team_id="T0OTHER001")

    assert pirbot() == 2
    assert "pick one with --team (T0123ABCD, T0OTHER001)" in capsys.readouterr().err

    assert pirbot("--team", "T0NOPE0001") == 2
    assert "--team T0NOPE0001 is not a workspace here" in capsys.readouterr().err

    assert pirbot("--team", "T0OTHER001") == 0
    assert "review completion" in capsys.readouterr().out


def test_an_empty_database_says_so(pirbot, capsys) -> None:
    assert pirbot() == 2
    assert "There is no workspace in this database yet" in capsys.readouterr().err
