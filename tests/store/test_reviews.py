"""Review sections and action items on both databases: versions refuse
an edit made on top of someone else's."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from store import incidents, reviews, workspaces
from store.db import Database
from store.errors import StaleEdit

TEAM = "T0123ABCD"
EARLY = datetime(2024, 12, 4, 9, 0, tzinfo=UTC)
LATER = datetime(2024, 12, 4, 9, 5, tzinfo=UTC)


@pytest.fixture
def incident_id(db: Database) -> int:
    with db.session() as session:
        workspaces.ensure_workspace(session, team_id=TEAM)
        incident = incidents.declare(
            session,
            team_id=TEAM,
            channel_id="C07INC12345",
            channel_name="inc-payments",
            title="Payments down",
            severity="P1",
            declared_by="U04ALICE001",
            commander_id="U04ALICE001",
            declared_at=datetime(2024, 12, 3, 15, 30, tzinfo=UTC),
        )
        session.flush()
        return incident.id


def _save(db, incident_id, *, text, by, version, now=EARLY):
    with db.session() as session:
        return reviews.save_section(
            session,
            team_id=TEAM,
            incident_id=incident_id,
            section="summary",
            content={"summary": text},
            state="draft",
            updated_by=by,
            expected_version=version,
            now=now,
        )


def test_each_save_raises_the_version(db, incident_id) -> None:
    first = _save(db, incident_id, text="one", by="U1", version=0)
    second = _save(db, incident_id, text="two", by="U1", version=first.version)
    assert (first.version, second.version) == (1, 2)
    assert second.content == {"summary": "two"}


def test_second_editor_on_an_old_version_is_told_who_changed_it(
    db, incident_id
) -> None:
    opened_at = _save(db, incident_id, text="start", by="U1", version=0).version
    _save(db, incident_id, text="alice's words", by="U1", version=opened_at, now=LATER)

    with pytest.raises(StaleEdit) as refused:
        _save(db, incident_id, text="bob's words", by="U2", version=opened_at)

    assert refused.value.changed_by == "U1"
    assert refused.value.changed_at == LATER
    with db.session() as session:
        kept = reviews.get_section(
            session, team_id=TEAM, incident_id=incident_id, section="summary"
        )
    assert kept.content == {"summary": "alice's words"}


def test_two_first_saves_keep_the_first_and_refuse_the_second(db, incident_id):
    _save(db, incident_id, text="first", by="U1", version=0)
    with pytest.raises(StaleEdit):
        _save(db, incident_id, text="second", by="U2", version=0)


def test_action_item_changes_are_versioned_and_scoped_to_the_team(
    db, incident_id
) -> None:
    with db.session() as session:
        item = reviews.add_action_item(
            session,
            team_id=TEAM,
            incident_id=incident_id,
            deliverable="Add a health check for /pay every 30 s",
            owner_id="U2",
            deadline=date(2024, 12, 20),
            deadline_zone="Europe/Berlin",
            priority="high",
            contributing_factor=None,
            vague_kept=False,
            created_by="U1",
        )
    with db.session() as session:
        moved = reviews.update_action_item(
            session,
            team_id=TEAM,
            item_id=item.id,
            expected_version=item.version,
            updated_by="U2",
            deadline=date(2024, 12, 27),
        )
    assert moved.version == item.version + 1

    with pytest.raises(StaleEdit), db.session() as session:
        reviews.update_action_item(
            session,
            team_id=TEAM,
            item_id=item.id,
            expected_version=item.version,
            updated_by="U3",
            priority="low",
        )
    with pytest.raises(LookupError), db.session() as session:
        reviews.update_action_item(
            session,
            team_id="T0OTHER000",
            item_id=item.id,
            expected_version=None,
            updated_by="U3",
            status="done",
        )
    with db.session() as session:
        stored = reviews.get_action_item(session, team_id=TEAM, item_id=item.id)
    assert (stored.deadline, stored.priority, stored.status) == (
        date(2024, 12, 27),
        "high",
        "open",
    )
