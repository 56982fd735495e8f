"""Workspaces and their settings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from store.models import Workspace, WorkspaceSetting
from store.types import utc_now


def ensure_workspace(
    session: Session, *, team_id: str, timezone: str | None = None, **facts: str
) -> Workspace:
    """The workspace row, created on first sight. Safe against a racing insert.

    A new workspace keeps time in `timezone`, else in the database's default
    zone (the DEFAULT_TIMEZONE setting).
    """
    timezone = timezone or session.info.get("default_timezone") or "UTC"
    workspace = session.get(Workspace, team_id)
    if workspace is not None:
        return workspace
    try:
        with session.begin_nested():
            workspace = Workspace(team_id=team_id, timezone=timezone, **facts)
            session.add(workspace)
    except IntegrityError:
        workspace = session.get(Workspace, team_id, populate_existing=True)
    return workspace


def get_setting(session: Session, *, team_id: str, key: str, default: Any = None):
    row = session.exec(
        select(WorkspaceSetting).where(
            WorkspaceSetting.team_id == team_id, WorkspaceSetting.key == key
        )
    ).first()
    return default if row is None else row.value


def put_setting(session: Session, *, team_id: str, key: str, value: Any) -> None:
    row = session.exec(
        select(WorkspaceSetting).where(
            WorkspaceSetting.team_id == team_id, WorkspaceSetting.key == key
        )
    ).first()
    if row is None:
        row = WorkspaceSetting(team_id=team_id, key=key)
    row.value = value
    row.updated_at = utc_now()
    session.add(row)


def list_workspaces(session: Session) -> list[Workspace]:
    """Every workspace the bot knows, in the order of their team ids."""
    return list(session.exec(select(Workspace).order_by(Workspace.team_id)).all())


def list_settings(
    session: Session, *, team_ids: Iterable[str], keys: Iterable[str]
) -> dict[tuple[str, str], Any]:
    """Settings of several workspaces at once, by (team_id, key)."""
    team_ids, keys = sorted(set(team_ids)), sorted(set(keys))
    if not team_ids or not keys:
        return {}
    rows = session.exec(
        select(WorkspaceSetting).where(
            col(WorkspaceSetting.team_id).in_(team_ids),
            col(WorkspaceSetting.key).in_(keys),
        )
    ).all()
    return {(row.team_id, row.key): row.value for row in rows}


def set_timezone(session: Session, *, team_id: str, timezone: str) -> None:
    workspace = ensure_workspace(session, team_id=team_id)
    workspace.timezone = timezone
    session.add(workspace)
