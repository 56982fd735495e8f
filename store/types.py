"""Column types shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utc_now() -> datetime:
    """The current time, aware, in UTC. Every default timestamp uses it."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A moment in time, stored in UTC and always read back time-zone aware.

    PostgreSQL keeps `timestamptz` natively. SQLite has no time zones, so the
    value is written as naive UTC and given its zone back on the way out.
    A naive datetime is refused on the way in: it is a bug to guess its zone.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
