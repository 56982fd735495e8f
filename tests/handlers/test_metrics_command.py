"""`/pir metrics` through a signed slash command to the real app, on the
hand-computed workspace of tests/metrics_workspace.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.local import LocalBot
from tests.handlers.people import ALICE, BOB, QUIET_CHANNEL
from tests.metrics_workspace import NOW, build_workspace


@pytest.fixture
def pinned(db, standin) -> Iterator[LocalBot]:
    """A bot whose clock stands at the workspace's "now"."""
    local = LocalBot(db, standin, now=lambda: NOW)
    yield local
    local.close()


def _answer(bot: LocalBot, text: str, *, user: str = ALICE) -> dict:
    bot.standin.clear_calls()
    reply = bot.command(text, user_id=user, channel_id=QUIET_CHANNEL)
    assert reply.status == 200
    (response,) = [c.args for c in bot.standin.calls_to("response_url")]
    return response


def test_metrics_show_each_figure_with_its_counts(pinned) -> None:
    build_workspace(pinned.db)

    response = _answer(pinned, "metrics")

    assert response.get("response_type", "ephemeral") == "ephemeral"
    shown = str(response["blocks"])
    assert "Review metrics, the last 90 days" in shown
    assert "6 incidents declared" in shown
    assert "P1: 50% (1 of 2 due), target 100% :warning:" in shown
    assert "P2: 100% (2 of 2 due), target 80% :white_check_mark:; 1 not yet due" in (
        shown
    )
    assert "P3: no review due; 1 still open" in shown
    assert "43% (3 of 7 items due in the period)" in shown
    assert "1 item open past deadline, 3 done late; 1 created without a deadline" in (
        shown
    )
    assert "50% (2 of 4 with a root-cause category)" in shown
    assert "median 42.0 h, 90th percentile 85.2 h over 3 reviews" in shown
    assert "50% within 72 h (2 of 4 due)" in shown
    assert "median 20 min, 90th percentile 36 min over 3 incidents" in shown
    assert "median 3 h 00 min, 90th percentile 5 h 12 min over 5 incidents" in shown


def test_metrics_over_a_shorter_period_in_the_readers_zone(pinned) -> None:
    build_workspace(pinned.db)

    # Bob is in New York: 30 days (720 h, across the end of summer time)
    # back from 07:00 there. I3, declared at midnight UTC on 1 Nov, is out.
    shown = str(_answer(pinned, "metrics 30d", user=BOB)["blocks"])

    assert "Review metrics, the last 30 days" in shown
    assert "2024-11-01 08:00 to 2024-12-01 07:00 (America/New_York)" in shown
    assert "3 incidents declared" in shown
    assert "P2: 100% (1 of 1 due)" in shown


def test_metrics_of_an_empty_workspace_give_no_figures(pinned) -> None:
    shown = str(_answer(pinned, "metrics")["blocks"])
    assert "No incidents declared" in shown
    assert "P1: no review due, target 100%" in shown
    assert "No action item fell due in the period" in shown
    assert "No incident has a root-cause category yet" in shown
    assert " 0%" not in shown and "0 of 0" not in shown


def test_an_unreadable_period_is_one_sentence(pinned) -> None:
    response = _answer(pinned, "metrics last quarter")
    assert response["text"].startswith("I could not read 'last quarter' as a period")
