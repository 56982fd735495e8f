"""What `GET /healthz` reports: whether the database answers, when the
scheduler last ticked, and when Slack last sent a request."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from scheduler.runner import TICK_SECONDS, Ticker
from store.db import Database
from store.types import utc_now

logger = logging.getLogger(__name__)

# A tick this much overdue means the scheduler is stuck, not just busy.
LATE_AFTER = timedelta(seconds=3 * TICK_SECONDS)


class Health:
    """The state a load balancer or an operator asks about.

    Unhealthy (503) when the database does not answer, or when this
    process runs the scheduler and its last tick is older than
    `late_after`. A quiet Slack workspace is not a fault: the time of the
    last request is reported, never judged.
    """

    def __init__(
        self,
        db: Database,
        *,
        ticker: Ticker | None = None,
        now: Callable[[], datetime] = utc_now,
        late_after: timedelta = LATE_AFTER,
    ) -> None:
        self.db = db
        self.ticker = ticker
        self.now = now
        self.late_after = late_after
        self._lock = threading.Lock()
        self._last_slack_request_at: datetime | None = None

    def note_slack_request(self) -> None:
        """Called for every request whose signature was checked."""
        at = self.now()
        with self._lock:
            self._last_slack_request_at = at

    @property
    def last_slack_request_at(self) -> datetime | None:
        with self._lock:
            return self._last_slack_request_at

    def report(self) -> tuple[bool, dict[str, Any]]:
        """Whether all is well, and the figures behind it (JSON-ready)."""
        database_ok = self.db.ping()
        scheduler, last_tick_at = self._scheduler_state()
        healthy = database_ok and scheduler != "late"
        if not healthy:
            logger.warning(
                "Unhealthy: database %s, scheduler %s",
                "ok" if database_ok else "unreachable",
                scheduler,
            )
        return healthy, {
            "ok": healthy,
            "database": "ok" if database_ok else "unreachable",
            "scheduler": scheduler,
            "last_tick_at": _iso(last_tick_at),
            "last_slack_event_at": _iso(self.last_slack_request_at),
        }

    def _scheduler_state(self) -> tuple[str, datetime | None]:
        if self.ticker is None or not self.ticker.running:
            return "off", None
        last_tick_at = self.ticker.last_tick_at
        since = last_tick_at or self.ticker.started_at
        if since is not None and self.now() - since > self.late_after:
            return "late", last_tick_at
        return "running", last_tick_at


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
