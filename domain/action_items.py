"""Following up an action item: done, still on it, a new deadline, a new
owner. Each of these counts as progress, so the item is no longer stale."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date, datetime

from domain.digest import DigestEntry
from domain.errors import PirError
from domain.review import ActionItemStatus
from domain.slack_text import clamp, escape_mrkdwn, slack_date
from store import digests, reviews
from store.db import Database
from store.errors import StaleEdit
from store.models import ActionItem, DigestMessage

logger = logging.getLogger(__name__)


class ActionItemGone(PirError):
    def __init__(self, item_id: int) -> None:
        self.item_id = item_id
        super().__init__("That action item was removed from its review.")


class ActionItemChanged(PirError):
    """Someone changed the item after the modal was opened."""

    def __init__(self, *, changed_by: str | None, changed_at: datetime | None) -> None:
        self.changed_by = changed_by
        who = f"<@{changed_by}>" if changed_by else "Someone"
        when = f" at {slack_date(changed_at)}" if changed_at else ""
        super().__init__(
            f"{who} changed this action item{when} while you had it open. "
            "Close this and try again on the current version."
        )

    @classmethod
    def of(cls, item: ActionItem) -> ActionItemChanged:
        return cls(changed_by=item.updated_by, changed_at=item.updated_at)


def get_item(db: Database, *, team_id: str, item_id: int) -> ActionItem:
    """Raises ActionItemGone for an item that is not (or no longer) there."""
    with db.session() as session:
        item = reviews.get_action_item(session, team_id=team_id, item_id=item_id)
    if item is None:
        raise ActionItemGone(item_id)
    return item


def _update(
    db: Database,
    *,
    team_id: str,
    item_id: int,
    by: str,
    now: datetime,
    expected_version: int | None,
    **changes,
) -> ActionItem:
    try:
        with db.session() as session:
            return reviews.update_action_item(
                session,
                team_id=team_id,
                item_id=item_id,
                expected_version=expected_version,
                updated_by=by,
                now=now,
                last_progress_at=now,
                **changes,
            )
    except LookupError:
        raise ActionItemGone(item_id) from None
    except StaleEdit as stale:
        raise ActionItemChanged(
            changed_by=stale.changed_by, changed_at=stale.changed_at
        ) from None


def mark_done(db: Database, *, team_id: str, item_id: int, by: str, now: datetime):
    """Done is done, whoever edited the item before; a second click keeps
    the first moment."""
    item = get_item(db, team_id=team_id, item_id=item_id)
    if item.status == ActionItemStatus.DONE.value:
        return item
    item = _update(
        db,
        team_id=team_id,
        item_id=item_id,
        by=by,
        now=now,
        expected_version=None,
        status=ActionItemStatus.DONE.value,
        done_at=now,
    )
    logger.info("User %s marked action item %s done", by, item_id)
    return item


def note_progress(db: Database, *, team_id: str, item_id: int, by: str, now: datetime):
    item = _update(
        db, team_id=team_id, item_id=item_id, by=by, now=now, expected_version=None
    )
    logger.info("User %s is still on action item %s", by, item_id)
    return item


def change_deadline(
    db: Database,
    *,
    team_id: str,
    item_id: int,
    deadline: date,
    zone: str,
    by: str,
    now: datetime,
    expected_version: int,
) -> ActionItem:
    """Raises ActionItemChanged when the item moved on from `expected_version`."""
    item = _update(
        db,
        team_id=team_id,
        item_id=item_id,
        by=by,
        now=now,
        expected_version=expected_version,
        deadline=deadline,
        deadline_zone=zone,
    )
    logger.info("User %s moved the deadline of action item %s", by, item_id)
    return item


def reassign(
    db: Database,
    *,
    team_id: str,
    item_id: int,
    owner_id: str,
    by: str,
    now: datetime,
    expected_version: int,
) -> ActionItem:
    """Raises ActionItemChanged when the item moved on from `expected_version`."""
    item = _update(
        db,
        team_id=team_id,
        item_id=item_id,
        by=by,
        now=now,
        expected_version=expected_version,
        owner_id=owner_id,
    )
    logger.info("User %s gave action item %s a new owner", by, item_id)
    return item


def load_entries(
    db: Database, *, team_id: str, item_ids: Sequence[int]
) -> list[DigestEntry]:
    """The items still there, with their incidents, in the order asked."""
    with db.session() as session:
        rows = digests.list_items_by_id(session, team_id=team_id, item_ids=item_ids)
    by_id = {
        item.id: DigestEntry(item=item, incident=incident) for item, incident in rows
    }
    return [by_id[item_id] for item_id in item_ids if item_id in by_id]


def find_digest_message(
    db: Database, *, team_id: str, channel_id: str, message_ts: str
) -> DigestMessage | None:
    """The digest message posted at (channel, ts), if that is one."""
    with db.session() as session:
        return digests.get_message(
            session, team_id=team_id, channel_id=channel_id, message_ts=message_ts
        )


def quote(item: ActionItem, limit: int = 300) -> str:
    """The deliverable in bold, escaped, for a message."""
    return f"*{escape_mrkdwn(clamp(item.deliverable, limit))}*"
