"""Full-text search over incidents' reviews, on SQLite (FTS5) and PostgreSQL.

Each incident has one `SearchDocument`: its title, and in `body` every word
its review holds. The index over the documents is the database's own and is
not part of the models (migration 0007 creates it): on SQLite the FTS5
table `searchdocument_fts`, which triggers keep in step with the documents;
on PostgreSQL the generated tsvector column `search_vector` with a GIN
index. Both stem English words (porter and the `english` configuration).

Callers pass words already cleaned (see `domain.search.query_words`): only
letters and digits, so that neither FTS5 nor tsquery syntax can be injected.
Every query here is one statement, however many incidents there are.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Float, Integer, bindparam, case, column, delete, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from domain.review import Section, searchable_text
from domain.slack_text import plain_mentions, unescape_slack
from store import reviews
from store.models import Incident, SearchDocument, SearchRefresh, TimelineEvent
from store.types import utc_now

FTS_TABLE = "searchdocument_fts"
TSVECTOR_COLUMN = "search_vector"
TSVECTOR_INDEX = "ix_searchdocument_search_vector"

# Where a snippet's matching words start and end. Private-use characters,
# which are taken out of every document, so that they mean only this.
MATCH_START = "\ue000"
MATCH_END = "\ue001"

# A title match counts this many times a match in the body (SQLite's bm25
# column weights; PostgreSQL weighs title A and body B, 1.0 against 0.4).
_TITLE_WEIGHT = 10.0
_SNIPPET_TOKENS = 24
_HEADLINE_OPTIONS = (
    f'StartSel="{MATCH_START}", StopSel="{MATCH_END}", MaxWords=30, '
    'MinWords=12, MaxFragments=2, FragmentDelimiter=" … "'
)


def include_in_schema_comparison(name: str | None, type_: str, parent_names) -> bool:
    """Alembic's `include_name` hook: leave the full-text index out.

    The FTS5 table (and its shadow tables `searchdocument_fts_data`, ...)
    and the tsvector column with its index are made by migration 0007 in
    each database's own dialect and have no model, so a comparison of the
    models with the database must not count them as extra. Nothing else is
    left out.
    """
    if type_ == "table":
        return not (name == FTS_TABLE or (name or "").startswith(FTS_TABLE + "_"))
    if parent_names.get("table_name") != "searchdocument":
        return True
    if type_ == "column":
        return name != TSVECTOR_COLUMN
    if type_ == "index":
        return name != TSVECTOR_INDEX
    return True


# --- Keeping the documents current --------------------------------------------


def reindex_incident(session: Session, *, team_id: str, incident_id: int) -> None:
    """Rebuild the incident's search document from what is stored now.

    Deleted timeline events and those left out of the review are not
    searchable: search finds what the review says. The incident's row is
    locked first (FOR NO KEY UPDATE on PostgreSQL, which a timeline insert's
    key-share lock does not block), so that two replicas reindexing the same
    incident take turns and the later one sees the earlier one's events.
    """
    locked = session.exec(
        select(Incident.id)
        .where(Incident.id == incident_id, Incident.team_id == team_id)
        .with_for_update(key_share=True)
    ).first()
    if locked is None:
        return
    incident = session.get(Incident, incident_id)
    title, body = _document_text(session, incident)

    document = session.exec(
        select(SearchDocument).where(
            SearchDocument.team_id == team_id,
            SearchDocument.incident_id == incident_id,
        )
    ).first()
    if document is None:
        document = SearchDocument(team_id=team_id, incident_id=incident_id)
    elif (document.title, document.body) == (title, body):
        return
    document.title = title
    document.body = body
    document.updated_at = utc_now()
    session.add(document)
    session.flush()


def mark_behind(session: Session, *, team_id: str, incident_id: int) -> None:
    """Note that the incident's search document lacks a new timeline event.

    One small insert, whatever the length of the timeline; the document is
    rebuilt (`refresh`) before anyone searches. A burst of captures into one
    incident finds the mark there and writes nothing, so that they do not
    queue on its key. A search rebuilding the document at the very moment
    of a capture can miss that capture's event, which the incident's next
    capture or review save puts back.
    """
    already = session.exec(
        select(SearchRefresh.incident_id).where(
            SearchRefresh.incident_id == incident_id
        )
    ).first()
    if already is not None:
        return
    insert = (
        pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    )
    statement = insert(SearchRefresh).values(team_id=team_id, incident_id=incident_id)
    session.execute(statement.on_conflict_do_nothing(index_elements=["incident_id"]))


def list_behind(session: Session, *, team_id: str, limit: int = 200) -> list[int]:
    """Incidents of the workspace whose documents lack recent events."""
    return list(
        session.exec(
            select(SearchRefresh.incident_id)
            .where(SearchRefresh.team_id == team_id)
            .order_by(col(SearchRefresh.incident_id))
            .limit(limit)
        ).all()
    )


def refresh(session: Session, *, team_id: str, incident_ids: Sequence[int]) -> None:
    """Rebuild these incidents' documents and take them off the list."""
    # Taken off first: an event captured meanwhile marks its incident again
    # (on PostgreSQL that insert waits for this transaction to end).
    session.execute(
        delete(SearchRefresh).where(
            col(SearchRefresh.team_id) == team_id,
            col(SearchRefresh.incident_id).in_(incident_ids),
        )
    )
    for incident_id in incident_ids:
        reindex_incident(session, team_id=team_id, incident_id=incident_id)


def _document_text(session: Session, incident: Incident) -> tuple[str, str]:
    team_id, incident_id = incident.team_id, incident.id
    stored = {
        row.section: row.content
        for row in reviews.list_sections(
            session, team_id=team_id, incident_id=incident_id
        )
    }
    events = session.exec(
        select(TimelineEvent.text, TimelineEvent.note)
        .where(
            TimelineEvent.team_id == team_id,
            TimelineEvent.incident_id == incident_id,
            col(TimelineEvent.deleted_at).is_(None),
            col(TimelineEvent.left_out).is_(False),
        )
        .order_by(col(TimelineEvent.occurred_at), col(TimelineEvent.id))
    ).all()
    items = reviews.list_action_items(session, team_id=team_id, incident_id=incident_id)
    return document_text(
        incident.title,
        sections=stored,
        timeline=events,
        action_items=[(item.deliverable, item.contributing_factor) for item in items],
    )


def document_text(
    title: str,
    *,
    sections: Mapping[str, Any],
    timeline: Iterable[tuple[str, str | None]],
    action_items: Iterable[tuple[str, str | None]],
) -> tuple[str, str]:
    """The (title, body) of an incident's search document: each section's
    words in the template's order, the timeline where the timeline section
    stands. `sections` is the stored content by section name; `timeline`
    the (text, note) of the searchable events in the timeline's order;
    `action_items` the (deliverable, contributing factor) of the items in
    the order they were added. Reads nothing: bulk loads use it too."""
    pieces: list[str] = []
    for section in Section:
        if section is Section.TIMELINE:
            for event_text, note in timeline:
                pieces.append(_readable(event_text))
                pieces.append(note or "")
        if section is Section.ACTION_ITEMS:
            for deliverable, factor in action_items:
                pieces.append(deliverable)
                pieces.append(factor or "")
        if section.value in sections:
            pieces.append(searchable_text(section, sections[section.value]))
    body = "\n".join(piece for piece in pieces if piece and piece.strip())
    return _plain(title), _plain(body)


def _readable(message_text: str) -> str:
    """Slack's message text as people read it: `<@U…|ana>` as @ana,
    `&amp;` as &."""
    return unescape_slack(plain_mentions(message_text, lambda _user_id: None))


def _plain(value: str) -> str:
    return value.replace(MATCH_START, "").replace(MATCH_END, "")


# --- Finding documents --------------------------------------------------------


@dataclass(frozen=True)
class Match:
    """An incident whose document matched, and how well (higher is better;
    comparable only within one query)."""

    incident: Incident
    rank: float


def _match_terms(words: Sequence[str], *, any_word: bool, dialect: str) -> str:
    """The words as the dialect's query: all of them, or any one."""
    if dialect == "sqlite":
        joiner = " OR " if any_word else " "
        return joiner.join(f'"{word}"' for word in words)
    return (" or " if any_word else " ").join(words)


def _matches(session: Session, words: Sequence[str], *, team_id: str, any_word: bool):
    """A subquery of (document_id, score) for the documents that match;
    a lower score is a better match on both dialects."""
    dialect = session.get_bind().dialect.name
    terms = _match_terms(words, any_word=any_word, dialect=dialect)
    if dialect == "sqlite":
        sql = text(
            f"SELECT rowid AS document_id, bm25({FTS_TABLE}, {_TITLE_WEIGHT}, 1.0) "
            f"AS score FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :terms"
        )
    else:
        sql = text(
            f"SELECT d.id AS document_id, -ts_rank(d.{TSVECTOR_COLUMN}, "
            "websearch_to_tsquery('english', :terms)) AS score "
            "FROM searchdocument d WHERE d.team_id = :match_team AND "
            f"d.{TSVECTOR_COLUMN} @@ websearch_to_tsquery('english', :terms)"
        ).bindparams(match_team=team_id)
    return (
        sql.bindparams(terms=terms)
        .columns(column("document_id", Integer), column("score", Float))
        .subquery("matches")
    )


def find_documents(
    session: Session,
    *,
    team_id: str,
    words: Sequence[str],
    limit: int,
    offset: int = 0,
) -> list[Match]:
    """Incidents whose document holds every one of `words`, best first
    (ties: the newest incident first)."""
    if not words:
        return []
    matches = _matches(session, words, team_id=team_id, any_word=False)
    rows = session.exec(
        select(Incident, matches.c.score)
        .join(SearchDocument, col(SearchDocument.incident_id) == col(Incident.id))
        .join(matches, matches.c.document_id == col(SearchDocument.id))
        .where(Incident.team_id == team_id, SearchDocument.team_id == team_id)
        .order_by(matches.c.score, col(Incident.declared_at).desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return [Match(incident=incident, rank=-score) for incident, score in rows]


def find_similar(
    session: Session,
    *,
    team_id: str,
    incident_id: int,
    words: Sequence[str],
    category: str | None,
    declared_before: datetime,
    limit: int,
) -> list[Match]:
    """Incidents declared before `declared_before` that share the root-cause
    `category` or any of `words`: the same category first, then the better
    text match, then the newer incident."""
    if not words and not category:
        return []
    same_category = col(Incident.root_cause_category) == category if category else None
    if words:
        matches = _matches(session, words, team_id=team_id, any_word=True)
        score = matches.c.score
        found = matches.c.document_id.is_not(None)
        condition = found if same_category is None else found | same_category
        order = [score.is_(None), score]
    else:
        matches = None
        score = bindparam("no_score", 0.0, type_=Float)
        condition, order = same_category, []
    if same_category is not None:
        order.insert(0, case((same_category, 0), else_=1))

    query = select(Incident, score).outerjoin(
        SearchDocument,
        (col(SearchDocument.incident_id) == col(Incident.id))
        & (col(SearchDocument.team_id) == col(Incident.team_id)),
    )
    if matches is not None:
        query = query.outerjoin(
            matches, matches.c.document_id == col(SearchDocument.id)
        )
    rows = session.exec(
        query.where(
            Incident.team_id == team_id,
            col(Incident.id) != incident_id,
            col(Incident.declared_at) < declared_before,
            condition,
        )
        .order_by(*order, col(Incident.declared_at).desc())
        .limit(limit)
    ).all()
    return [Match(incident=incident, rank=-(score or 0.0)) for incident, score in rows]


def find_snippets(
    session: Session,
    *,
    team_id: str,
    incident_ids: Sequence[int],
    words: Sequence[str],
) -> dict[int, str]:
    """The passage of each incident's body around the words that match,
    matching words between MATCH_START and MATCH_END; one statement."""
    if not incident_ids or not words:
        return {}
    dialect = session.get_bind().dialect.name
    terms = _match_terms(words, any_word=False, dialect=dialect)
    if dialect == "sqlite":
        sql = text(
            f"SELECT d.incident_id, snippet({FTS_TABLE}, 1, :start, :end, '…', "
            f"{_SNIPPET_TOKENS}) FROM {FTS_TABLE} "
            f"JOIN searchdocument d ON d.id = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH :terms AND d.team_id = :team_id "
            "AND d.incident_id IN :ids"
        ).bindparams(start=MATCH_START, end=MATCH_END)
    else:
        sql = text(
            "SELECT d.incident_id, ts_headline('english', d.body, "
            "websearch_to_tsquery('english', :terms), :options) "
            "FROM searchdocument d WHERE d.team_id = :team_id "
            "AND d.incident_id IN :ids"
        ).bindparams(options=_HEADLINE_OPTIONS)
    sql = sql.bindparams(bindparam("ids", expanding=True), terms=terms, team_id=team_id)
    rows = session.connection().execute(sql, {"ids": list(incident_ids)}).all()
    return {incident_id: snippet or "" for incident_id, snippet in rows}
