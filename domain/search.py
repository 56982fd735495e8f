"""Finding past reviews: by the words they hold, and "seen before" for an
incident that looks like earlier ones.

A review of a private channel is only for that channel's members. Who is a
member is Slack's to say, so callers pass `can_see`: given a private
channel's id, whether the reader (a person, or everyone who can read where
the answer is posted) may see its reviews. Without it, private reviews are
left out.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from domain.errors import PirError
from store import search, timeline
from store.db import Database
from store.models import Incident

logger = logging.getLogger(__name__)

CanSee = Callable[[str], bool]

# Words too common to find anything by; dropped from every query, so that
# both stores ask for the same words (PostgreSQL drops most of these itself,
# SQLite's FTS5 would demand them).
_STOPWORD_TEXT = """
    a about above after again against all am an and any are as at be because
    been before being below between both but by can could did do does doing
    down during each few for from further had has have having he her here hers
    him his how i if in into is it its itself just me more most my no nor not
    now of off on once only or other our ours out over own same she should so
    some such than that the their theirs them then there these they this those
    through to too under until up very was we were what when where which while
    who whom why will with would you your yours
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
MAX_QUERY_WORDS = 16
# The words of a title and timeline that "seen before" looks for.
MAX_SIMILARITY_WORDS = 32
_WORD = re.compile(r"\w+")
_MAX_WORD_LENGTH = 40

# Candidates are read in pages and private ones the reader cannot see are
# skipped; this many pages at most, so a search is a bounded number of
# statements whatever the data.
_PAGE = 50
_MAX_PAGES = 4
_SIMILAR_CANDIDATES = 20


class NothingToSearch(PirError):
    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(
            "Tell me what to look for, with a few telling words: "
            "`/pir search connection pool exhausted`."
        )


def query_words(text: str, *, limit: int = MAX_QUERY_WORDS) -> list[str]:
    """The words of `text` worth searching for, lower case, once each, in
    order: letters and digits only, no stop words."""
    words: list[str] = []
    for word in _WORD.findall(text.casefold()):
        word = word.strip("_")
        if not word or word in STOPWORDS or len(word) > _MAX_WORD_LENGTH:
            continue
        if word not in words:
            words.append(word)
        if len(words) == limit:
            break
    return words


def _visible(incident: Incident, can_see: CanSee | None) -> bool:
    if not incident.is_private:
        return True
    return can_see is not None and can_see(incident.channel_id)


@dataclass(frozen=True)
class Found:
    """A review that matched; `snippet` marks matching words between
    `store.search.MATCH_START` and `MATCH_END`."""

    incident: Incident
    snippet: str


@dataclass(frozen=True)
class SearchResults:
    words: list[str]
    found: list[Found]
    # More visible reviews matched than were returned.
    more: bool = False


def search_reviews(
    db: Database, *, team_id: str, text: str, can_see: CanSee | None, limit: int = 5
) -> SearchResults:
    """The reviews holding every word of `text`, best match first, with the
    passage around the words. Raises NothingToSearch when no word is left.

    Slack is not asked about membership while a database session is open.
    """
    words = query_words(text)
    if not words:
        raise NothingToSearch(text)

    bring_up_to_date(db, team_id=team_id)
    visible: list[Incident] = []
    for page in range(_MAX_PAGES):
        with db.session() as session:
            matches = search.find_documents(
                session, team_id=team_id, words=words, limit=_PAGE, offset=page * _PAGE
            )
        visible += [m.incident for m in matches if _visible(m.incident, can_see)]
        if len(visible) > limit or len(matches) < _PAGE:
            break

    shown = visible[:limit]
    with db.session() as session:
        snippets = search.find_snippets(
            session,
            team_id=team_id,
            incident_ids=[incident.id for incident in shown],
            words=words,
        )
    found = [Found(incident, snippets.get(incident.id, "")) for incident in shown]
    logger.info("Search in team %s found %d reviews", team_id, len(found))
    return SearchResults(words, found, more=len(visible) > limit)


def bring_up_to_date(db: Database, *, team_id: str) -> None:
    """Add to the workspace's search documents the events captured since
    they were built (a capture only notes that its document is behind)."""
    with db.reading() as session:
        behind = search.list_behind(session, team_id=team_id)
    if behind:
        with db.session() as session:
            search.refresh(session, team_id=team_id, incident_ids=behind)


def similar_reviews(
    db: Database,
    *,
    team_id: str,
    incident_id: int,
    limit: int = 3,
    can_see: CanSee | None = None,
) -> list[Incident]:
    """Up to `limit` incidents declared before this one that look alike:
    those with its root-cause category first, then those whose review
    shares the most telling words with its title and timeline. Private
    reviews only where `can_see` allows them."""
    bring_up_to_date(db, team_id=team_id)
    with db.session() as session:
        incident = session.get(Incident, incident_id)
        if incident is None or incident.team_id != team_id:
            return []
        events = timeline.list_events(session, team_id=team_id, incident_id=incident_id)
        kept = (event.text for event in events if not event.left_out)
        words = query_words(
            " ".join(_texts(incident.title, kept)), limit=MAX_SIMILARITY_WORDS
        )
        matches = search.find_similar(
            session,
            team_id=team_id,
            incident_id=incident_id,
            words=words,
            category=incident.root_cause_category,
            declared_before=incident.declared_at,
            limit=_SIMILAR_CANDIDATES,
        )
    alike = [m.incident for m in matches if _visible(m.incident, can_see)]
    return alike[:limit]


def _texts(title: str, texts: Iterable[str]) -> Iterable[str]:
    yield title
    yield from texts


@dataclass(frozen=True)
class Piece:
    text: str
    matched: bool


def split_snippet(snippet: str) -> list[Piece]:
    """A snippet as plain and matching pieces, in order."""
    pieces: list[Piece] = []
    for index, part in enumerate(
        re.split(f"[{search.MATCH_START}{search.MATCH_END}]", snippet)
    ):
        if part:
            pieces.append(Piece(part, matched=index % 2 == 1))
    return pieces
