"""The one-minute tick: APScheduler starts it and stops it, and one failing
job does not keep the others from running."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

import time_machine

from handlers.deps import Deps
from scheduler.digests import DigestJob
from scheduler.jobs import build_jobs
from scheduler.nudges import ReviewNudgeJob
from scheduler.runner import TICK_JOB_ID, Ticker

AT = datetime(2024, 12, 3, 14, 0, tzinfo=UTC)


def test_the_scheduler_starts_ticking_at_once_and_stops() -> None:
    ticked = threading.Event()
    seen: list[datetime] = []

    def job(at: datetime) -> None:
        seen.append(at)
        ticked.set()

    ticker = Ticker([job], now=lambda: AT)
    ticker.start()
    try:
        assert ticked.wait(timeout=10)
        assert ticker._scheduler.get_job(TICK_JOB_ID) is not None
    finally:
        ticker.shutdown()
    assert seen[0] == AT
    assert ticker._scheduler is None


def test_a_failing_job_is_logged_and_the_next_one_still_runs(caplog) -> None:
    ran: list[datetime] = []

    def broken(_at: datetime) -> None:
        raise RuntimeError("boom")

    ticker = Ticker([broken, ran.append], now=lambda: AT)
    with caplog.at_level(logging.ERROR, logger="scheduler.runner"):
        ticker.tick()
    assert ran == [AT]
    assert ticker.last_tick_at == AT
    assert "failed" in caplog.text


def test_the_tick_runs_the_nudges_then_the_digests(sqlite_db) -> None:
    jobs = build_jobs(Deps(db=sqlite_db), client=None)
    assert [type(job) for job in jobs] == [ReviewNudgeJob, DigestJob]


def test_without_an_injected_clock_a_tick_is_dated_by_the_wall_clock() -> None:
    seen: list[datetime] = []
    with time_machine.travel(AT, tick=False):
        Ticker([seen.append]).tick()
    assert seen == [AT]
