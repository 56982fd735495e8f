"""Logging set-up, done once at the entry point."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from bot.settings import LogFormat


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", fmt: LogFormat = LogFormat.TEXT) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt is LogFormat.JSON:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # Bolt and the SDK log every request body at debug level: message text
    # of incident channels must not reach the logs unless asked for.
    for noisy in ("slack_bolt", "slack_sdk", "urllib3"):
        logging.getLogger(noisy).setLevel(max(root.level, logging.INFO))
    # APScheduler tells every run of the minute tick at info level; the tick
    # logs what it posted itself.
    logging.getLogger("apscheduler").setLevel(max(root.level, logging.WARNING))
    # Alembic tells every step of an up-to-date schema at info level.
    logging.getLogger("alembic").setLevel(max(root.level, logging.WARNING))
