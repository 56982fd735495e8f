"""Workspaces and their settings."""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from store.models import Workspace, WorkspaceSetting
from store.types import utc_now


def ensure_workspace(
    session: Session, *, team_id: str, timezone: str = "UTC", **facts: str
) -> Workspace:
    """The workspace row, created on first sight. Safe against a racing insert."""
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
