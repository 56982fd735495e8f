"""Two `pirbot run --http` processes on one PostgreSQL database under 50
concurrent senders of mixed requests, Slack's retries among them: every
answer is a 200, and the store holds each event once, none missing.

A short run; `python -m bench load` runs the same for a minute, or set
PIRBOT_LOAD_SECONDS.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from bench.common import REQUIRE_POSTGRES, fresh_database, postgres_problem
from bench.load import run_load

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

SECONDS = float(os.environ.get("PIRBOT_LOAD_SECONDS", "8"))


@pytest.fixture
def postgres_url() -> Iterator[str]:
    problem = postgres_problem()
    if problem:
        if REQUIRE_POSTGRES:
            pytest.fail(f"{problem}, and PIRBOT_REQUIRE_POSTGRES=1")
        pytest.skip(problem)
    with fresh_database("postgres") as db:
        db.dispose()
        yield db.url


def test_two_processes_under_load_answer_everything_and_store_each_event_once(
    postgres_url: str, tmp_path
) -> None:
    result = run_load(
        postgres_url, folder=tmp_path, processes=2, senders=50, seconds=SECONDS
    )

    assert result.sent.failures == []
    assert set(result.sent.statuses) == {200}
    assert result.sent.retries > 0 and result.sent.requests["shortcut"] > 0
    assert result.lost == []
    assert result.duplicates == []
    assert result.unexpected == 0
    assert result.stored.tags == len(result.sent.tags)
    for log in result.logs:
        assert "Traceback" not in log and " ERROR " not in log, log[-3000:]
