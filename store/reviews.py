"""Review sections and action items, each versioned against lost edits.

A writer passes the version it read (`expected_version`); when the row has
moved on since, `StaleEdit` says who changed it and when, and nothing is
written. The version check is part of the UPDATE itself, so two writers that
both read version 3 cannot both write version 4.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from store.errors import StaleEdit
from store.models import ActionItem, ReviewSection
from store.types import utc_now


def get_section(
    session: Session, *, team_id: str, incident_id: int, section: str
) -> ReviewSection | None:
    return session.exec(
        select(ReviewSection).where(
            ReviewSection.team_id == team_id,
            ReviewSection.incident_id == incident_id,
            ReviewSection.section == section,
        )
    ).first()


def list_sections(
    session: Session, *, team_id: str, incident_id: int
) -> list[ReviewSection]:
    return list(
        session.exec(
            select(ReviewSection).where(
                ReviewSection.team_id == team_id,
                ReviewSection.incident_id == incident_id,
            )
        ).all()
    )


def save_section(
    session: Session,
    *,
    team_id: str,
    incident_id: int,
    section: str,
    content: Any,
    state: str,
    updated_by: str,
    expected_version: int,
    now: datetime | None = None,
) -> ReviewSection:
    """Write a section if it is still at `expected_version`; returns it at
    its new version. Version 0 means "never saved". Raises StaleEdit."""
    now = now or utc_now()
    if expected_version == 0:
        row = ReviewSection(
            team_id=team_id,
            incident_id=incident_id,
            section=section,
            content=content,
            state=state,
            version=1,
            updated_by=updated_by,
            updated_at=now,
        )
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            raise _stale(session, team_id, incident_id, section) from None
        return row

    changed = session.execute(
        update(ReviewSection)
        .where(
            col(ReviewSection.team_id) == team_id,
            col(ReviewSection.incident_id) == incident_id,
            col(ReviewSection.section) == section,
            col(ReviewSection.version) == expected_version,
        )
        .values(
            content=content,
            state=state,
            version=expected_version + 1,
            updated_by=updated_by,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise _stale(session, team_id, incident_id, section)
    row = get_section(
        session, team_id=team_id, incident_id=incident_id, section=section
    )
    session.refresh(row)
    return row


def _stale(session: Session, team_id: str, incident_id: int, section: str):
    current = get_section(
        session, team_id=team_id, incident_id=incident_id, section=section
    )
    if current is None:
        return StaleEdit(what=section, changed_by=None, changed_at=None, version=0)
    session.refresh(current)
    return StaleEdit(
        what=section,
        changed_by=current.updated_by,
        changed_at=current.updated_at,
        version=current.version,
    )


# --- Action items -------------------------------------------------------------


def list_action_items(
    session: Session, *, team_id: str, incident_id: int
) -> list[ActionItem]:
    """The incident's action items in the order they were added."""
    return list(
        session.exec(
            select(ActionItem)
            .where(ActionItem.team_id == team_id, ActionItem.incident_id == incident_id)
            .order_by(col(ActionItem.id))
        ).all()
    )


def list_action_items_of_incidents(
    session: Session, *, team_id: str, incident_ids: Sequence[int]
) -> list[ActionItem]:
    if not incident_ids:
        return []
    return list(
        session.exec(
            select(ActionItem)
            .where(
                ActionItem.team_id == team_id,
                col(ActionItem.incident_id).in_(list(incident_ids)),
            )
            .order_by(col(ActionItem.id))
        ).all()
    )


def get_action_item(
    session: Session, *, team_id: str, item_id: int
) -> ActionItem | None:
    """The item by id, only if it belongs to `team_id`."""
    item = session.get(ActionItem, item_id)
    if item is None or item.team_id != team_id:
        return None
    return item


def add_action_item(
    session: Session,
    *,
    team_id: str,
    incident_id: int,
    deliverable: str,
    owner_id: str,
    deadline: date,
    deadline_zone: str,
    priority: str,
    contributing_factor: str | None,
    vague_kept: bool,
    created_by: str,
    now: datetime | None = None,
) -> ActionItem:
    now = now or utc_now()
    item = ActionItem(
        team_id=team_id,
        incident_id=incident_id,
        deliverable=deliverable,
        owner_id=owner_id,
        deadline=deadline,
        deadline_zone=deadline_zone,
        priority=priority,
        contributing_factor=contributing_factor,
        vague_kept=vague_kept,
        version=1,
        created_by=created_by,
        updated_by=created_by,
        last_progress_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    session.flush()
    return item


def update_action_item(
    session: Session,
    *,
    team_id: str,
    item_id: int,
    expected_version: int | None,
    updated_by: str,
    now: datetime | None = None,
    **changes: Any,
) -> ActionItem:
    """Apply `changes` (column=value) to one item; returns it at its new
    version. With `expected_version` None the change applies whatever the
    version (a click on Done means done, whoever edited the item before).
    Raises StaleEdit, or LookupError when the item is not the team's."""
    now = now or utc_now()
    unknown = set(changes) - set(ActionItem.model_fields)
    if unknown:
        raise ValueError(f"not action item fields: {sorted(unknown)}")
    conditions = [col(ActionItem.id) == item_id, col(ActionItem.team_id) == team_id]
    if expected_version is not None:
        conditions.append(col(ActionItem.version) == expected_version)
    changed = session.execute(
        update(ActionItem)
        .where(*conditions)
        .values(
            **changes,
            version=ActionItem.version + 1,
            updated_by=updated_by,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    item = get_action_item(session, team_id=team_id, item_id=item_id)
    if item is None:
        raise LookupError(f"action item {item_id} is not in team {team_id}")
    session.refresh(item)
    if changed != 1:
        raise StaleEdit(
            what=f"action item {item_id}",
            changed_by=item.updated_by,
            changed_at=item.updated_at,
            version=item.version,
        )
    return item


def delete_action_item(
    session: Session, *, team_id: str, item_id: int, expected_version: int
) -> None:
    """Remove an item still at `expected_version`. Raises StaleEdit; an item
    already gone is fine."""
    removed = session.execute(
        delete(ActionItem)
        .where(
            col(ActionItem.id) == item_id,
            col(ActionItem.team_id) == team_id,
            col(ActionItem.version) == expected_version,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if removed == 1:
        return
    item = get_action_item(session, team_id=team_id, item_id=item_id)
    if item is not None:
        session.refresh(item)
        raise StaleEdit(
            what=f"action item {item_id}",
            changed_by=item.updated_by,
            changed_at=item.updated_at,
            version=item.version,
        )
