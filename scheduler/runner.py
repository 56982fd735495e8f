"""The one-minute tick that drives every scheduled job."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from store.types import utc_now

logger = logging.getLogger(__name__)

# A stable id: a restart replaces the job instead of adding a second one.
TICK_JOB_ID = "pirbot-tick"
TICK_SECONDS = 60

Job = Callable[[datetime], None]


class Ticker:
    """Runs each job once a tick with the tick's time.

    A failing job is logged and does not stop the others: the next tick
    tries again, since the store, not the scheduler, remembers what is due.
    """

    def __init__(self, jobs: Sequence[Job], *, now: Callable[[], datetime] = utc_now):
        self.jobs = list(jobs)
        self.now = now
        self.last_tick_at: datetime | None = None
        self.started_at: datetime | None = None
        self._scheduler: BackgroundScheduler | None = None

    def tick(self) -> None:
        at = self.now()
        for job in self.jobs:
            try:
                job(at)
            except Exception:  # noqa: BLE001 - one job must not stop the others
                logger.exception("Scheduled job %s failed at %s", job, at.isoformat())
        self.last_tick_at = at
        logger.debug("Tick at %s ran %d jobs", at.isoformat(), len(self.jobs))

    @property
    def running(self) -> bool:
        return self._scheduler is not None

    def start(self) -> None:
        self.started_at = self.now()
        scheduler = BackgroundScheduler(timezone="UTC")
        scheduler.add_job(
            self.tick,
            IntervalTrigger(seconds=TICK_SECONDS),
            id=TICK_JOB_ID,
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            # APScheduler keeps to the wall clock: `now` only dates each tick
            # (a replay or a test may give it other times).
            next_run_time=utc_now(),
        )
        scheduler.start()
        self._scheduler = scheduler
        logger.info("Scheduler started with %d jobs", len(self.jobs))

    def shutdown(self) -> None:
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None
            logger.info("Scheduler stopped")
