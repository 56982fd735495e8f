"""Running a review: its sections with their versions, drafts from what the
bot already knows, action items, the curated timeline, and the workspace's
review settings.

Every save names the version its editor started from; a save on top of
someone else's is refused with who and when (SectionChanged), so nothing is
overwritten silently.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain.capture import TagSource, check_event_time
from domain.errors import PirError
from domain.lints import Finding, check_action_item
from domain.review import (
    CONTENT_MODELS,
    DEFAULT_CATEGORIES,
    ImpactContent,
    Priority,
    Section,
    SectionState,
    SummaryContent,
    read_content,
)
from domain.timeline import EventKind, Moment, derive_durations
from store import incidents, reviews, search, timeline, workspaces
from store.db import Database
from store.errors import StaleEdit
from store.models import ActionItem, Incident, TimelineEvent

logger = logging.getLogger(__name__)

CATEGORIES_KEY = "root_cause_categories"
REVIEWS_CHANNEL_KEY = "reviews_channel"
MAX_CATEGORY_LENGTH = 64
MAX_CATEGORIES = 50


class SectionChanged(PirError):
    """Someone else saved what this editor is saving, after they opened it."""

    def __init__(self, *, what: str, changed_by: str | None, changed_at) -> None:
        self.changed_by = changed_by
        self.changed_at = changed_at
        who = f"<@{changed_by}>" if changed_by else "Someone"
        when = f" at {changed_at:%H:%M} UTC" if changed_at else ""
        super().__init__(
            f"{who} saved {what}{when}, after you opened it. Your text is still "
            "here and I sent you a copy; reopen the section from the review "
            "card to see theirs, then add yours."
        )


class ReviewNotFound(PirError):
    def __init__(self) -> None:
        super().__init__(
            "That incident is not in this workspace any more, so its review "
            "cannot be opened."
        )


@dataclass(frozen=True)
class SectionSnapshot:
    """A section as an editor opens it."""

    section: Section
    state: SectionState
    version: int
    content: object
    updated_by: str | None = None
    updated_at: datetime | None = None


@dataclass
class Review:
    """Everything the card, the modals and the document show of a review."""

    incident: Incident
    sections: dict[Section, SectionSnapshot]
    action_items: list[ActionItem]
    events: list[TimelineEvent] = field(default_factory=list)

    def content(self, section: Section):
        return self.sections[section].content


def load_review(
    db: Database, *, team_id: str, incident_id: int, with_left_out: bool = True
) -> Review:
    """The whole review. Raises ReviewNotFound for another team's incident.

    `events` are the timeline's live events (deleted ones are not), with
    those the facilitator left out only when `with_left_out`.
    """
    with db.session() as session:
        incident = session.get(Incident, incident_id)
        if incident is None or incident.team_id != team_id:
            raise ReviewNotFound()
        rows = {
            row.section: row
            for row in reviews.list_sections(
                session, team_id=team_id, incident_id=incident_id
            )
        }
        items = reviews.list_action_items(
            session, team_id=team_id, incident_id=incident_id
        )
        events = timeline.list_events(session, team_id=team_id, incident_id=incident_id)
    if not with_left_out:
        events = [event for event in events if not event.left_out]
    sections = {}
    for section in Section:
        row = rows.get(section.value)
        if row is None:
            sections[section] = SectionSnapshot(
                section, SectionState.EMPTY, 0, CONTENT_MODELS[section]()
            )
        else:
            sections[section] = SectionSnapshot(
                section,
                SectionState(row.state),
                row.version,
                read_content(section, row.content),
                row.updated_by,
                row.updated_at,
            )
    return Review(incident, sections, items, events)


def find_incident_by_id(db: Database, *, team_id: str, incident_id: int) -> Incident:
    with db.session() as session:
        incident = session.get(Incident, incident_id)
    if incident is None or incident.team_id != team_id:
        raise ReviewNotFound()
    return incident


# --- Drafts -------------------------------------------------------------------


def _durations(review: Review):
    live = [e for e in review.events if not e.left_out]
    return derive_durations(
        [Moment(kind=e.kind, at=e.occurred_at) for e in live],
        declared_at=review.incident.declared_at,
        mitigated_at=review.incident.mitigated_at,
        resolved_at=review.incident.resolved_at,
    )


def _minutes(value: timedelta | None) -> int | None:
    return None if value is None else max(round(value.total_seconds() / 60), 0)


def draft_content(
    review: Review, section: Section, *, responders: list[str], timezone: str
):
    """The section's content to open the modal with: what was saved, or a
    first draft from what the bot knows (the timeline and the incident)."""
    snapshot = review.sections[section]
    if snapshot.version:
        return snapshot.content
    incident = review.incident
    durations = _durations(review)
    if section is Section.SUMMARY:
        return SummaryContent(
            date=durations.started_at.astimezone(ZoneInfo(timezone)).date().isoformat(),
            duration_minutes=_minutes(durations.resolve),
            severity=incident.severity,
            commander_id=incident.commander_id,
            participants=responders,
        )
    if section is Section.IMPACT:
        return ImpactContent(duration_minutes=_minutes(durations.mitigate))
    return snapshot.content


# --- Saving sections ----------------------------------------------------------


def save_section(
    db: Database,
    *,
    team_id: str,
    incident_id: int,
    section: Section,
    content,
    done: bool,
    by: str,
    expected_version: int,
    now: datetime,
    reindex: bool = True,
) -> SectionSnapshot:
    """Save a section opened at `expected_version`. Raises SectionChanged.

    The root cause's category is copied onto the incident, where repeat
    causes are counted. Without `reindex`, the caller rebuilds the search
    document itself (`reindex_search`), after it has answered Slack.
    """
    state = SectionState.DONE if done else SectionState.DRAFT
    with db.session() as session:
        incident = session.get(Incident, incident_id)
        if incident is None or incident.team_id != team_id:
            raise ReviewNotFound()
        with _refused_if_stale(f"the {section.value.replace('_', ' ')} section"):
            row = reviews.save_section(
                session,
                team_id=team_id,
                incident_id=incident_id,
                section=section.value,
                content=content.model_dump(mode="json"),
                state=state.value,
                updated_by=by,
                expected_version=expected_version,
                now=now,
            )
        if section is Section.ROOT_CAUSE:
            incident.root_cause_category = content.category
            incidents.touch(incident)
            session.add(incident)
        if reindex:
            search.reindex_incident(session, team_id=team_id, incident_id=incident_id)
    logger.info(
        "Saved section %s of incident %s at version %s (%s)",
        section.value,
        incident_id,
        row.version,
        state.value,
    )
    return SectionSnapshot(
        section, state, row.version, content, row.updated_by, row.updated_at
    )


def reindex_search(db: Database, *, team_id: str, incident_id: int) -> None:
    """Rebuild the incident's search document from what is stored now."""
    with db.session() as session:
        search.reindex_incident(session, team_id=team_id, incident_id=incident_id)


# --- Action items -------------------------------------------------------------


@dataclass(frozen=True)
class ActionItemForm:
    """An action item as the facilitator entered it."""

    deliverable: str
    owner_id: str
    deadline: date
    deadline_zone: str
    priority: Priority
    contributing_factor: str | None
    keep_vague: bool


class VagueActionItem(PirError):
    """The item is too vague to be checked off; keeping it is a choice."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        first = findings[0]
        super().__init__(
            f"{first.reason} {first.suggestion} Tick “Keep it as written” to "
            "save it anyway; the review will show it as flagged."
        )


def save_action_item(
    db: Database,
    *,
    team_id: str,
    incident_id: int,
    form: ActionItemForm,
    by: str,
    item_id: int | None = None,
    expected_version: int | None = None,
    now: datetime,
) -> ActionItem:
    """Add an item, or change one opened at `expected_version`.

    Raises VagueActionItem unless the form keeps a flagged item on purpose,
    and SectionChanged when someone changed the item meanwhile.
    """
    findings = check_action_item(form.deliverable)
    if findings and not form.keep_vague:
        raise VagueActionItem(findings)
    fields = {
        "deliverable": form.deliverable,
        "owner_id": form.owner_id,
        "deadline": form.deadline,
        "deadline_zone": form.deadline_zone,
        "priority": form.priority.value,
        "contributing_factor": form.contributing_factor,
        "vague_kept": bool(findings),
    }
    with db.session() as session:
        find = session.get(Incident, incident_id)
        if find is None or find.team_id != team_id:
            raise ReviewNotFound()
        if item_id is None:
            item = reviews.add_action_item(
                session,
                team_id=team_id,
                incident_id=incident_id,
                created_by=by,
                now=now,
                **fields,
            )
        else:
            with _refused_if_stale("this action item"):
                item = reviews.update_action_item(
                    session,
                    team_id=team_id,
                    item_id=item_id,
                    expected_version=expected_version,
                    updated_by=by,
                    now=now,
                    **fields,
                )
        search.reindex_incident(session, team_id=team_id, incident_id=incident_id)
    logger.info(
        "Saved action item %s of incident %s (vague kept: %s)",
        item.id,
        incident_id,
        item.vague_kept,
    )
    return item


def correct_deadline_zone(
    db: Database, *, team_id: str, item_id: int, deadline: date, zone: str, by: str
) -> None:
    """Re-read a deadline in its owner's zone, learnt after the item was
    saved; a change since then (a newer version) is left alone."""
    with db.session() as session:
        item = reviews.get_action_item(session, team_id=team_id, item_id=item_id)
        if item is None or (item.deadline, item.deadline_zone) == (deadline, zone):
            return
        try:
            reviews.update_action_item(
                session,
                team_id=team_id,
                item_id=item_id,
                expected_version=item.version,
                updated_by=by,
                deadline=deadline,
                deadline_zone=zone,
            )
        except StaleEdit:
            return
    logger.info("Action item %s reads its deadline in its owner's zone", item_id)


def remove_action_item(
    db: Database, *, team_id: str, item_id: int, expected_version: int
) -> None:
    with db.session() as session:
        item = reviews.get_action_item(session, team_id=team_id, item_id=item_id)
        if item is None:
            return
        incident_id = item.incident_id
        with _refused_if_stale("this action item"):
            reviews.delete_action_item(
                session,
                team_id=team_id,
                item_id=item_id,
                expected_version=expected_version,
            )
        search.reindex_incident(session, team_id=team_id, incident_id=incident_id)
    logger.info("Removed action item %s", item_id)


def get_action_item(db: Database, *, team_id: str, item_id: int) -> ActionItem | None:
    with db.session() as session:
        return reviews.get_action_item(session, team_id=team_id, item_id=item_id)


# --- The curated timeline -----------------------------------------------------


def curate_event(
    db: Database,
    *,
    team_id: str,
    event_id: int,
    kind: EventKind,
    occurred_at: datetime,
    text: str,
    left_out: bool,
    now: datetime,
) -> TimelineEvent:
    """Change an event's kind, time or text, or leave it out of the review.

    The first text is kept (as for an edit in Slack). A curated event is the
    review's from then on: untagging or editing its message in Slack leaves
    it as the facilitator made it. Raises EventTimeRefused.
    """
    with db.session() as session:
        event = session.get(TimelineEvent, event_id)
        if event is None or event.team_id != team_id:
            raise ReviewNotFound()
        incident = session.get(Incident, event.incident_id)
        if occurred_at != event.occurred_at:
            check_event_time(occurred_at, now=now, declared_at=incident.declared_at)
            event.stated_at = occurred_at
            event.occurred_at = occurred_at
        if text != event.text:
            if event.original_text is None:
                event.original_text = event.text
            event.text = text
            event.edited_at = now
        event.kind = kind.value
        event.left_out = left_out
        event.curated_at = now
        session.add(event)
        session.flush()
        search.reindex_incident(session, team_id=team_id, incident_id=event.incident_id)
    logger.info("Curated timeline event %s (left out: %s)", event_id, left_out)
    return event


def add_review_event(
    db: Database,
    *,
    team_id: str,
    incident_id: int,
    kind: EventKind,
    occurred_at: datetime,
    text: str,
    by: str,
    now: datetime,
) -> TimelineEvent:
    """An event the facilitator adds while curating. Raises EventTimeRefused."""
    with db.session() as session:
        incident = session.get(Incident, incident_id)
        if incident is None or incident.team_id != team_id:
            raise ReviewNotFound()
        check_event_time(occurred_at, now=now, declared_at=incident.declared_at)
        event = TimelineEvent(
            team_id=team_id,
            incident_id=incident_id,
            channel_id=incident.channel_id,
            author_id=by,
            tagged_by=by,
            source=TagSource.REVIEW.value,
            kind=kind.value,
            text=text,
            posted_at=now,
            stated_at=occurred_at,
            occurred_at=occurred_at,
        )
        session.add(event)
        session.flush()
        search.reindex_incident(session, team_id=team_id, incident_id=incident_id)
    logger.info("Added timeline event %s to incident %s", event.id, incident_id)
    return event


def get_event(db: Database, *, team_id: str, event_id: int) -> TimelineEvent | None:
    with db.session() as session:
        event = session.get(TimelineEvent, event_id)
    if event is None or event.team_id != team_id:
        return None
    return event


# --- The facilitator and the workspace's review settings ----------------------


def assign_facilitator(
    db: Database, *, team_id: str, incident_id: int, user_id: str
) -> Incident:
    with db.session() as session:
        incident = session.get(Incident, incident_id)
        if incident is None or incident.team_id != team_id:
            raise ReviewNotFound()
        incident.facilitator_id = user_id
        incidents.touch(incident)
        session.add(incident)
    logger.info("Incident %s has facilitator %s", incident_id, user_id)
    return incident


def root_cause_categories(db: Database, *, team_id: str) -> list[str]:
    """The workspace's categories for root causes; the defaults until edited."""
    with db.session() as session:
        stored = workspaces.get_setting(session, team_id=team_id, key=CATEGORIES_KEY)
    if isinstance(stored, list) and all(isinstance(c, str) for c in stored) and stored:
        return stored
    return list(DEFAULT_CATEGORIES)


class CategoryError(PirError):
    pass


def add_category(db: Database, *, team_id: str, name: str) -> list[str]:
    cleaned = " ".join(name.split()).lower()
    if not cleaned or len(cleaned) > MAX_CATEGORY_LENGTH:
        raise CategoryError(
            f"Give a category of 1 to {MAX_CATEGORY_LENGTH} characters, e.g. "
            "`/pir categories add third-party outage`."
        )
    current = root_cause_categories(db, team_id=team_id)
    if cleaned in current:
        return current
    if len(current) >= MAX_CATEGORIES:
        raise CategoryError(
            f"There are already {MAX_CATEGORIES} categories; remove one first."
        )
    return _store_categories(db, team_id=team_id, categories=[*current, cleaned])


def remove_category(db: Database, *, team_id: str, name: str) -> list[str]:
    cleaned = " ".join(name.split()).lower()
    current = root_cause_categories(db, team_id=team_id)
    if cleaned not in current:
        raise CategoryError(f"“{cleaned[:64]}” is not a category here.")
    if len(current) == 1:
        raise CategoryError("That is the last category; add another one first.")
    return _store_categories(
        db, team_id=team_id, categories=[c for c in current if c != cleaned]
    )


def reset_categories(db: Database, *, team_id: str) -> list[str]:
    _store_categories(db, team_id=team_id, categories=None)
    return list(DEFAULT_CATEGORIES)


def _store_categories(db: Database, *, team_id: str, categories) -> list[str]:
    with db.session() as session:
        workspaces.ensure_workspace(session, team_id=team_id)
        workspaces.put_setting(
            session, team_id=team_id, key=CATEGORIES_KEY, value=categories
        )
    logger.info("Workspace %s changed its root-cause categories", team_id)
    return list(categories or DEFAULT_CATEGORIES)


@contextmanager
def _refused_if_stale(what: str) -> Iterator[None]:
    """Turn the store's StaleEdit into the refusal a person reads."""
    try:
        yield
    except StaleEdit as stale:
        raise SectionChanged(
            what=what, changed_by=stale.changed_by, changed_at=stale.changed_at
        ) from None


def has_words(db: Database, *, incident: Incident) -> bool:
    """Whether anything of the review is written: a saved section or an
    action item."""
    with db.reading() as session:
        sections = reviews.list_sections(
            session, team_id=incident.team_id, incident_id=incident.id
        )
        items = reviews.list_action_items(
            session, team_id=incident.team_id, incident_id=incident.id
        )
    return any(section.version for section in sections) or bool(items)


def mark_published(
    db: Database, *, team_id: str, incident_id: int, at: datetime, held: bool
) -> Incident:
    """Record that the review was published, and held when the facilitator
    says so (the first time counts; publishing again keeps it)."""
    with db.session() as session:
        incident = session.get(Incident, incident_id)
        if incident is None or incident.team_id != team_id:
            raise ReviewNotFound()
        incident.review_published_at = at
        if held and incident.review_held_at is None:
            incident.review_held_at = at
        incidents.touch(incident)
        session.add(incident)
    logger.info("Published the review of incident %s (held: %s)", incident_id, held)
    return incident


def reviews_channel(db: Database, *, team_id: str) -> str | None:
    """Where published reviews go for the wider engineering team, if set."""
    with db.session() as session:
        value = workspaces.get_setting(
            session, team_id=team_id, key=REVIEWS_CHANNEL_KEY
        )
    return value if isinstance(value, str) and value else None


def set_reviews_channel(db: Database, *, team_id: str, channel_id: str | None) -> None:
    with db.session() as session:
        workspaces.ensure_workspace(session, team_id=team_id)
        workspaces.put_setting(
            session, team_id=team_id, key=REVIEWS_CHANNEL_KEY, value=channel_id
        )
    logger.info("Workspace %s publishes reviews to %s", team_id, channel_id)


# --- The review card ----------------------------------------------------------

CARD_PENDING = "pending"


def claim_card(
    db: Database, *, incident: Incident, channel_id: str
) -> tuple[str | None, str] | None:
    """Where the incident's review card is, as (channel, ts); None when this
    caller is the one to post it (then `remember_card` records it). Two
    people asking for the card at once never make two cards: the database
    decides. A ts of CARD_PENDING means another caller is posting it now."""
    with db.session() as session:
        claimed = incidents.claim_review_card(
            session,
            team_id=incident.team_id,
            incident_id=incident.id,
            channel_id=channel_id,
            pending=CARD_PENDING,
        )
        if claimed:
            return None
        current = session.get(Incident, incident.id, populate_existing=True)
        return current.review_card_channel_id, current.review_card_ts


def remember_card(db: Database, *, incident: Incident, channel_id: str, ts: str | None):
    """Record the posted card (or, with ts None, give the claim back)."""
    with db.session() as session:
        incidents.set_review_card(
            session,
            team_id=incident.team_id,
            incident_id=incident.id,
            channel_id=channel_id if ts else None,
            ts=ts,
        )
