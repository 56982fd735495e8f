"""Counting the SQL statements a piece of code sends to the database."""

from __future__ import annotations

import threading
from types import TracebackType

from sqlalchemy import Engine, event


class StatementCounter:
    """Counts every statement `engine` executes inside the `with` block.

    Statements from every thread count (Bolt runs listeners in a pool), so
    measure one thing at a time. Transaction control that SQLAlchemy sends
    as SQL (SQLite's BEGIN IMMEDIATE) counts too: it is a round trip.

        with StatementCounter(db.engine) as counted:
            list_timeline(db, incident=incident)
        counted.count, counted.statements
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.statements: list[str] = []
        self._lock = threading.Lock()

    @property
    def count(self) -> int:
        return len(self.statements)

    def _seen(self, _conn, _cursor, statement, _parameters, _context, _many) -> None:
        with self._lock:
            self.statements.append(statement)

    def __enter__(self) -> StatementCounter:
        event.listen(self.engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        event.remove(self.engine, "before_cursor_execute", self._seen)
