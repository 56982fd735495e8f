"""Finding past reviews on SQLite (FTS5) and PostgreSQL (tsvector): ranked
full text over the whole review, kept current by the capture services,
and never a private review for someone who is not in its channel."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from domain import capture, lifecycle
from domain.capture import Message, TagSource
from domain.incidents import Declaration, Severity
from domain.search import (
    NothingToSearch,
    query_words,
    search_reviews,
    similar_reviews,
    split_snippet,
)
from domain.slack_text import datetime_to_ts
from domain.timeline import EventKind
from store import reviews, search
from store.db import Database
from store.models import Incident, SearchDocument

TEAM = "T0123ABCD"
START = datetime(2024, 10, 1, 9, 0, tzinfo=UTC)


def _declare(
    db: Database,
    title: str,
    *,
    at: datetime = START,
    private: bool = False,
    team_id: str = TEAM,
    channel_id: str | None = None,
) -> Incident:
    return lifecycle.declare_incident(
        db,
        team_id=team_id,
        channel_id=channel_id or f"C{uuid.uuid4().hex[:10].upper()}",
        channel_name="inc",
        declaration=Declaration(Severity.P2, title, "U04ALICE001"),
        declared_by="U04ALICE001",
        now=at,
        is_private=private,
    )


def _typed(db: Database, incident: Incident, text: str, *, minutes: int = 5):
    at = incident.declared_at + timedelta(minutes=minutes)
    return capture.add_typed_event(
        db,
        team_id=incident.team_id,
        channel_id=incident.channel_id,
        text=text,
        typed_by="U04BOB00002",
        at=at,
        now=at,
    )


def _tagged(db: Database, incident: Incident, text: str, *, minutes: int = 5):
    ts = datetime_to_ts(incident.declared_at + timedelta(minutes=minutes))
    message = Message(
        team_id=incident.team_id, channel_id=incident.channel_id, ts=ts, text=text
    )
    capture.capture_message(
        db,
        message=message,
        tagged_by="U04BOB00002",
        source=TagSource.REACTION,
        kind=EventKind.INVESTIGATION,
        reaction="pushpin",
    )
    return message


def _titles(db: Database, text: str, *, can_see=None) -> list[str]:
    results = search_reviews(db, team_id=TEAM, text=text, can_see=can_see)
    return [found.incident.title for found in results.found]


def _save_section(db, incident: Incident, section: str, content: dict) -> None:
    with db.session() as session:
        reviews.save_section(
            session,
            team_id=TEAM,
            incident_id=incident.id,
            section=section,
            content=content,
            state="done",
            updated_by="U04ALICE001",
            expected_version=0,
        )
        search.reindex_incident(session, team_id=TEAM, incident_id=incident.id)


def test_a_symptom_phrase_in_the_timeline_finds_the_review(db) -> None:
    checkout = _declare(db, "Checkout errors in EU")
    _tagged(db, checkout, "DB connection pool exhausted on payments-db-3")
    other = _declare(db, "Search is slow", at=START + timedelta(days=1))
    _typed(db, other, "indexer restarted after the deploy")

    results = search_reviews(
        db, team_id=TEAM, text="connection pool exhausted", can_see=None
    )

    assert [f.incident.id for f in results.found] == [checkout.id]
    pieces = split_snippet(results.found[0].snippet)
    matched = {piece.text.lower() for piece in pieces if piece.matched}
    assert {"connection", "pool", "exhausted"} <= matched
    assert "payments" in "".join(piece.text for piece in pieces)


def test_captured_events_are_added_to_the_document_as_a_rebuild_has_them(db):
    incident = _declare(db, "Orders stuck")
    _tagged(db, incident, "consumer lag on the orders topic", minutes=5)
    _typed(db, incident, "broker disk full on kafka-2", minutes=9)

    assert _titles(db, "consumer lag") == ["Orders stuck"]
    assert _titles(db, "broker disk full") == ["Orders stuck"]
    appended = _document_body(db, incident)
    with db.session() as session:
        search.reindex_incident(session, team_id=TEAM, incident_id=incident.id)
    assert sorted(appended.splitlines()) == sorted(
        _document_body(db, incident).splitlines()
    )


def _document_body(db: Database, incident: Incident) -> str:
    with db.session() as session:
        (document,) = session.exec(
            select(SearchDocument).where(SearchDocument.incident_id == incident.id)
        ).all()
        return document.body


def test_words_match_in_other_forms(db) -> None:
    incident = _declare(db, "Workers stuck")
    _typed(db, incident, "Restarting the queue consumers")
    assert _titles(db, "restarted consumer") == ["Workers stuck"]


def test_a_title_match_ranks_above_a_mention_in_the_body(db) -> None:
    body = _declare(db, "Checkout errors")
    _typed(db, body, "we saw certificate expiry warnings earlier")
    _declare(db, "Certificate expiry on the API gateway", at=START + timedelta(days=1))
    assert _titles(db, "certificate expiry") == [
        "Certificate expiry on the API gateway",
        "Checkout errors",
    ]


def test_every_part_of_the_review_is_searchable(db) -> None:
    incident = _declare(db, "Payments down")
    _save_section(db, incident, "summary", {"summary": "Card payments failed"})
    _save_section(
        db,
        incident,
        "root_cause",
        {
            "trigger": "A certificate rotation job",
            "contributing_factors": ["stale DNS cache on the edge"],
            "whys": ["nobody owned the rotation runbook"],
            "category": "configuration",
        },
    )
    with db.session() as session:
        reviews.add_action_item(
            session,
            team_id=TEAM,
            incident_id=incident.id,
            deliverable="Alert on DNS resolution latency",
            owner_id="U04BOB00002",
            deadline=date(2024, 10, 20),
            deadline_zone="UTC",
            priority="high",
            contributing_factor=None,
            vague_kept=False,
            created_by="U04ALICE001",
        )
        search.reindex_incident(session, team_id=TEAM, incident_id=incident.id)

    for words in (
        "card payments",
        "stale dns cache",
        "rotation runbook",
        "resolution latency",
        "configuration",
    ):
        assert _titles(db, words) == ["Payments down"], words


def test_deleted_and_left_out_events_are_not_searchable(db) -> None:
    incident = _declare(db, "Login failures")
    deleted = _tagged(db, incident, "password hashing saturated the CPU")
    left_out = _typed(db, incident, "unrelated chatter about lunch", minutes=7)
    capture.record_deletion(
        db,
        team_id=TEAM,
        channel_id=incident.channel_id,
        message_ts=deleted.ts,
        at=START + timedelta(minutes=9),
    )
    with db.session() as session:
        stored = session.get(type(left_out), left_out.id)
        stored.left_out = True
        session.add(stored)
        search.reindex_incident(session, team_id=TEAM, incident_id=incident.id)

    assert _titles(db, "password hashing") == []
    assert _titles(db, "lunch") == []
    assert _titles(db, "login") == ["Login failures"]


def test_an_edited_message_is_found_by_its_new_words(db) -> None:
    incident = _declare(db, "Queue backlog")
    message = _tagged(db, incident, "consumer lag climbing")
    capture.record_edit(
        db,
        team_id=TEAM,
        channel_id=incident.channel_id,
        message_ts=message.ts,
        text="kafka partition rebalance storm",
        edited_at=START + timedelta(minutes=8),
    )
    assert _titles(db, "rebalance storm") == ["Queue backlog"]
    assert _titles(db, "consumer lag") == []


def test_a_changed_severity_keeps_the_document(db) -> None:
    incident = _declare(db, "Disk full on ingest")
    lifecycle.change_incident(
        db, team_id=TEAM, channel_id=incident.channel_id, severity="P1"
    )
    assert _titles(db, "disk full") == ["Disk full on ingest"]


def test_search_stays_in_its_workspace(db) -> None:
    _declare(db, "Replication lag", team_id="T0OTHER001")
    assert _titles(db, "replication lag") == []


def test_a_private_review_is_shown_only_to_members_of_its_channel(db) -> None:
    secret = _declare(
        db, "Credential leak in build logs", private=True, channel_id="G07SECRET01"
    )
    _declare(db, "Build logs too large", at=START + timedelta(days=1))
    asked: list[str] = []

    def member_of_nothing(channel_id: str) -> bool:
        asked.append(channel_id)
        return False

    assert _titles(db, "build logs", can_see=member_of_nothing) == [
        "Build logs too large"
    ]
    assert asked == [secret.channel_id]
    assert _titles(db, "build logs") == ["Build logs too large"]
    members = _titles(db, "build logs", can_see=lambda c: c == "G07SECRET01")
    assert sorted(members) == ["Build logs too large", "Credential leak in build logs"]


def test_private_reviews_do_not_crowd_out_visible_ones(db) -> None:
    for day in range(60):
        _declare(
            db, f"Cache stampede {day}", at=START + timedelta(days=day), private=True
        )
    _declare(db, "Cache stampede in public", at=START - timedelta(days=1))

    results = search_reviews(
        db, team_id=TEAM, text="cache stampede", can_see=lambda c: False
    )

    assert [f.incident.title for f in results.found] == ["Cache stampede in public"]
    assert results.more is False


def test_query_syntax_in_the_words_is_only_words(db) -> None:
    _declare(db, "Pool exhausted")
    for text in (
        '"pool',
        "pool*",
        "-pool: ^(",
        "pool & ! | (",
        "pool) OR (exhausted",
    ):
        assert _titles(db, text) == ["Pool exhausted"], text


def test_only_stop_words_asks_for_better_words(db) -> None:
    with pytest.raises(NothingToSearch):
        search_reviews(db, team_id=TEAM, text="the and of", can_see=None)


def _selects(db: Database, work) -> int:
    seen: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        work()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return sum(1 for s in seen if s.lstrip().upper().startswith(("SELECT", "WITH")))


def test_search_runs_three_queries_however_many_reviews_match(db) -> None:
    def run() -> None:
        search_reviews(db, team_id=TEAM, text="disk pressure", can_see=None)

    for day in range(3):
        _declare(db, f"Disk pressure {day}", at=START + timedelta(days=day))
    few = _selects(db, run)
    for day in range(3, 30):
        _declare(db, f"Disk pressure {day}", at=START + timedelta(days=day))
    many = _selects(db, run)

    # Whether any document is behind, the matches, their snippets.
    assert few == many == 3


def test_a_search_brings_documents_behind_up_to_date_first(db) -> None:
    incident = _declare(db, "Orders stuck")
    _tagged(db, incident, "consumer lag on the orders topic", minutes=5)
    with db.reading() as session:
        assert search.list_behind(session, team_id=TEAM) == [incident.id]

    assert _titles(db, "consumer lag") == ["Orders stuck"]

    with db.reading() as session:
        assert search.list_behind(session, team_id=TEAM) == []


# --- Seen before ---------------------------------------------------------------


def test_seen_before_puts_the_same_root_cause_first(db) -> None:
    words = _declare(db, "Checkout latency spike", at=START)
    same_cause = _declare(db, "Nightly batch late", at=START + timedelta(days=1))
    _declare(db, "Unrelated printer jam", at=START + timedelta(days=2))
    for incident, category in ((same_cause, "capacity"), (words, "deploy")):
        with db.session() as session:
            stored = session.get(Incident, incident.id)
            stored.root_cause_category = category
            session.add(stored)
    new = _declare(db, "Checkout latency in EU", at=START + timedelta(days=3))
    with db.session() as session:
        stored = session.get(Incident, new.id)
        stored.root_cause_category = "capacity"
        session.add(stored)

    alike = similar_reviews(db, team_id=TEAM, incident_id=new.id)

    assert [i.title for i in alike] == ["Nightly batch late", "Checkout latency spike"]


def test_seen_before_matches_the_timeline_and_only_earlier_incidents(db) -> None:
    earlier = _declare(db, "Payments outage", at=START)
    _typed(db, earlier, "redis eviction storm after failover")
    _declare(db, "Cold start", at=START + timedelta(days=1))
    new = _declare(db, "API errors", at=START + timedelta(days=2))
    _typed(db, new, "redis eviction storm again")
    later = _declare(db, "Redis eviction storm", at=START + timedelta(days=3))

    alike = similar_reviews(db, team_id=TEAM, incident_id=new.id)

    assert [i.id for i in alike] == [earlier.id]
    assert later.id not in [i.id for i in alike]


def test_seen_before_leaves_private_reviews_out_unless_allowed(db) -> None:
    secret = _declare(db, "Token leak in CI", at=START, private=True)
    new = _declare(db, "Token leak in CI again", at=START + timedelta(days=1))

    assert similar_reviews(db, team_id=TEAM, incident_id=new.id) == []
    allowed = similar_reviews(
        db, team_id=TEAM, incident_id=new.id, can_see=lambda c: c == secret.channel_id
    )
    assert [i.id for i in allowed] == [secret.id]


def test_seen_before_gives_at_most_three(db) -> None:
    for day in range(5):
        _declare(db, f"Disk full {day}", at=START + timedelta(days=day))
    new = _declare(db, "Disk full again", at=START + timedelta(days=9))
    assert len(similar_reviews(db, team_id=TEAM, incident_id=new.id)) == 3


# --- Words ---------------------------------------------------------------------


def test_query_words_drop_stop_words_and_syntax() -> None:
    assert query_words('The "pool" is EXHAUSTED -- pool & db-3!') == [
        "pool",
        "exhausted",
        "db",
        "3",
    ]
    assert query_words("connection_pool") == ["connection_pool"]
    assert len(query_words(" ".join(f"w{n}" for n in range(40)))) == 16
