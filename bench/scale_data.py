"""Realistic data in bulk, for measuring the bot with a big database.

`load_scale_data(db)` inserts, by default, 10,000 incidents over several
workspaces with 100,000 timeline events and 100,000 action items, and what
goes with them (responders, reaction tags, review sections with text,
digest subscriptions and their past claims). Rows go in with SQLAlchemy
Core `executemany` in chunks, not through the ORM one row at a time, so a
full load takes seconds on SQLite and PostgreSQL alike.

The data is drawn from a seeded random generator, so two loads with the
same seed and `now` are the same rows. What it holds:

- workspaces in several zones, the first one busiest;
- incidents of every severity over the last two years, most resolved, some
  still open or mitigated; reviews scheduled, held and published for most
  resolved ones, with a root-cause category; some channels private or
  archived;
- timeline events skewed over incidents (a few incidents have hundreds),
  tagged by reaction, shortcut or command, some with a stated time, some
  edited, deleted or left out of the review;
- action items with deadlines in their owners' zones, some done (on time
  or late), some open and overdue, some open and not yet due;
- each incident's search document, its text built by the store's own
  `store.search.document_text` from the rows above, so that the full-text
  index (FTS5 on SQLite, the tsvector on PostgreSQL) covers every incident.

Ids continue after the rows already in the database, so the data can be
loaded into a database that is in use (the memory benchmark does).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, func, insert, select, text
from sqlmodel import SQLModel

from domain.digest import DigestSchedule, slot_period
from domain.review import DEFAULT_CATEGORIES, Section
from domain.timeline import EventKind
from store import search
from store.db import Database
from store.models import (
    ActionItem,
    DigestSubscription,
    Incident,
    PostClaim,
    Responder,
    ReviewSection,
    SearchDocument,
    TimelineEvent,
    TimelineTag,
    Workspace,
)
from store.types import utc_now

CHUNK = 5_000

ZONES = (
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "Australia/Sydney",
    "America/Los_Angeles",
    "Europe/London",
)
SEVERITIES = (("P1", 8), ("P2", 22), ("P3", 45), ("P4", 25))
PRIORITIES = (("high", 25), ("medium", 50), ("low", 25))
SERVICES = (
    "Checkout",
    "Search",
    "Payments",
    "Login",
    "Edge proxy",
    "Billing",
    "Notifications",
    "Image upload",
    "Reporting",
    "Mobile API",
)
SYMPTOMS = (
    "502 errors in EU",
    "latency above 2 s",
    "timeouts for some customers",
    "queue backlog growing",
    "elevated error rate",
    "partial outage",
    "stale data shown",
    "memory exhaustion on workers",
)
MESSAGES = (
    "seeing 502s on {service} since {clock}",
    "alert firing: p99 latency for {service} above 2s",
    "paged at {clock}, looking now",
    "I'm on it",
    "investigating the {service} workers, suspect the last deploy",
    "rolled back release 2024.{n} at {clock} UTC",
    "mitigated: error rate back under 0.1% ✅",
    "status page updated for customers",
    "CPU at 100% on db-{n}, failing over",
    "deployed the fix {n} min ago",
    "resolved, all clear 🎉",
    "Zählerstand für {service} wieder normal — Ursache unklar",
    "خطأ في الخادم {n}",
    "~{clock} first customer report via support",
    "{service} canary looks healthy; rolling out to 50%",
)
DELIVERABLES = (
    "Add an alert on {service} p99 latency above 1 s",
    "Write a runbook for failing over the {service} database",
    "Load test {service} at twice the peak traffic",
    "Make the {service} deploy pipeline roll back on a rising error rate",
    "Cap the retries of the {service} client at three",
    "Move the {service} cache to its own cluster",
    "Document the on-call escalation for {service}",
    "Remove the feature flag left on in {service}",
)
WENT_WELL = (
    "The alert fired within a minute",
    "Rollback took five minutes",
    "Clear updates on the status page",
    "The runbook was current",
)
COULD_IMPROVE = (
    "Nobody owned the dashboard",
    "The canary did not cover EU traffic",
    "We paged the wrong team first",
    "The deploy had no quick rollback",
)


@dataclass
class ScaleData:
    """What was loaded: the workspaces, the row counts and the time taken."""

    teams: list[str]
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    # The incident with the most timeline events: (id, team, channel, events).
    busiest_incident: tuple[int, str, str, int] = (0, "", "", 0)


def load_scale_data(
    db: Database,
    *,
    incidents: int = 10_000,
    events: int = 100_000,
    action_items: int = 100_000,
    seed: int = 1,
    teams: Sequence[str] | None = None,
    now: datetime | None = None,
) -> ScaleData:
    """Insert realistic rows in bulk; returns what was loaded.

    `teams` names the workspaces (default: five made-up ones); the first
    gets the most incidents. A team that exists already keeps its row.
    `now` (UTC) is the moment the data is built around: overdue items are
    overdue then. Safe to call on a database with rows in it.
    """
    started = time.perf_counter()
    now = now or utc_now()
    rng = random.Random(seed)
    team_ids = list(teams or [f"T0SCALE{index:02d}" for index in range(1, 6)])
    builder = _Builder(rng, now, team_ids, _next_ids(db))

    incident_rows = [builder.incident() for _ in range(incidents)]
    per_incident = _spread(rng, events, len(incident_rows))
    reviewed = [row for row in incident_rows if row["review_held_at"] is not None]
    items_per_incident = _spread(rng, action_items, len(reviewed), sigma=0.5)

    data = ScaleData(teams=team_ids)
    with db.engine.begin() as connection:
        known = set(
            connection.execute(
                select(Workspace.team_id).where(Workspace.team_id.in_(team_ids))
            ).scalars()
        )
        workspaces = [builder.workspace(t) for t in team_ids if t not in known]
        loads: list[tuple[type[SQLModel], Iterator[dict] | list[dict]]] = [
            (Workspace, workspaces),
            (Incident, incident_rows),
            (Responder, builder.responders(incident_rows)),
            (ReviewSection, builder.sections(incident_rows)),
            (DigestSubscription, builder.subscriptions()),
            (PostClaim, builder.claims()),
        ]
        for model, rows in loads:
            data.rows[model.__tablename__] = _insert(connection, model, rows)

        tags: list[dict] = []
        events_done = 0
        for model_rows in _chunks(builder.events(incident_rows, per_incident, tags)):
            events_done += _insert(connection, TimelineEvent, model_rows)
            data.rows["timelinetag"] = data.rows.get("timelinetag", 0) + _insert(
                connection, TimelineTag, tags
            )
            tags.clear()
        data.rows["timelineevent"] = events_done
        data.rows["actionitem"] = _insert(
            connection, ActionItem, builder.action_items(reviewed, items_per_incident)
        )
        data.rows["searchdocument"] = _insert(
            connection, SearchDocument, builder.documents(incident_rows)
        )
        if connection.dialect.name == "postgresql":
            _move_sequences_past_ids(connection)
    if db.engine.dialect.name == "postgresql":
        _analyze(db)

    busiest = max(range(len(incident_rows)), key=per_incident.__getitem__, default=0)
    if incident_rows:
        row = incident_rows[busiest]
        data.busiest_incident = (
            row["id"],
            row["team_id"],
            row["channel_id"],
            per_incident[busiest],
        )
    data.seconds = time.perf_counter() - started
    return data


_LOADED = (
    Workspace,
    Incident,
    Responder,
    ReviewSection,
    DigestSubscription,
    PostClaim,
    TimelineEvent,
    TimelineTag,
    ActionItem,
    SearchDocument,
)


def _analyze(db: Database) -> None:
    """Give PostgreSQL's planner the statistics of the new rows.

    A database in use has them: autovacuum analyzes a table once a tenth of
    it has changed. Right after a bulk load it has none, and the planner,
    taking each table for a few rows, picks plans that are seconds slower
    (metrics over two years: 10 s instead of 0.4 s), which no deployment
    sees for longer than autovacuum's next round.
    """
    with db.engine.connect().execution_options(
        isolation_level="AUTOCOMMIT"
    ) as connection:
        for model in _LOADED:
            connection.execute(text(f"ANALYZE {model.__tablename__}"))


def _spread(
    rng: random.Random, total: int, buckets: int, *, sigma: float = 1.0
) -> list[int]:
    """`total` split over `buckets`, skewed (log-normal weights), summing exactly."""
    if buckets == 0:
        return []
    weights = [rng.lognormvariate(0, sigma) for _ in range(buckets)]
    scale = total / sum(weights)
    counts = [math.floor(weight * scale) for weight in weights]
    for index in rng.sample(range(buckets), total - sum(counts)):
        counts[index] += 1
    return counts


def _next_ids(db: Database) -> dict[str, int]:
    """The first free id of each table with an integer id."""
    ids = {}
    with db.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            if "id" in table.c:
                highest = connection.execute(select(func.max(table.c.id))).scalar()
                ids[table.name] = (highest or 0) + 1
    return ids


def _defaults(model: type[SQLModel]) -> dict[str, Any]:
    """The values the model would give the fields a row leaves out."""
    values = {}
    for name, info in model.model_fields.items():
        if info.default_factory is not None:
            values[name] = info.default_factory()
        elif not info.is_required():
            values[name] = info.default
    return values


def _chunks(rows: Iterator[dict] | list[dict]) -> Iterator[list[dict]]:
    chunk: list[dict] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert(
    connection, model: type[SQLModel], rows: Iterator[dict] | list[dict]
) -> int:
    table: Table = model.__table__  # type: ignore[attr-defined]
    defaults = _defaults(model)
    inserted = 0
    for chunk in _chunks(rows):
        connection.execute(insert(table), [{**defaults, **row} for row in chunk])
        inserted += len(chunk)
    return inserted


def _move_sequences_past_ids(connection) -> None:
    # Rows went in with explicit ids; the next row the bot inserts must not
    # collide with them.
    for table in SQLModel.metadata.sorted_tables:
        if "id" in table.c:
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                f'GREATEST((SELECT MAX(id) FROM "{table.name}"), 1))'
            )


def _weighted(rng: random.Random, choices: Sequence[tuple[str, int]]) -> str:
    values, weights = zip(*choices, strict=True)
    return rng.choices(values, weights=weights)[0]


def _ts(moment: datetime, sequence: int) -> str:
    """A Slack ts for `moment`, unique through `sequence` in its micros."""
    return f"{int(moment.timestamp())}.{sequence % 1_000_000:06d}"


class _Builder:
    """Makes the rows; holds the ids handed out so far."""

    def __init__(
        self,
        rng: random.Random,
        now: datetime,
        teams: list[str],
        next_ids: dict[str, int],
    ) -> None:
        self.rng = rng
        self.now = now.astimezone(UTC)
        self.teams = teams
        self.ids = dict(next_ids)
        # The first workspace is the busiest; the others taper off.
        self.team_weights = [1 / (index + 1) for index in range(len(teams))]
        self.team_zone = {
            team: ZONES[index % len(ZONES)] for index, team in enumerate(teams)
        }
        self.users = {
            team: [f"U{index:02d}{n:07d}" for n in range(300)]
            for index, team in enumerate(teams)
        }
        # What each incident's search document is built from, by incident id:
        # section contents, searchable events (occurred_at, id, text, note)
        # and action items (deliverable, contributing factor).
        self._contents: dict[int, dict[str, dict]] = {}
        self._searchable: dict[int, list[tuple[datetime, int, str, str | None]]] = {}
        self._items: dict[int, list[tuple[str, str | None]]] = {}

    def _id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def _user(self, team: str) -> str:
        return self.rng.choice(self.users[team])

    def _text(self, templates: Sequence[str], at: datetime) -> str:
        return self.rng.choice(templates).format(
            service=self.rng.choice(SERVICES),
            clock=f"{at:%H:%M}",
            n=self.rng.randrange(1, 400),
        )

    def workspace(self, team: str) -> dict:
        return {
            "team_id": team,
            "name": f"Workspace {team}",
            "domain": team.lower(),
            "timezone": self.team_zone[team],
            "created_at": self.now - timedelta(days=800),
        }

    def incident(self) -> dict:
        rng = self.rng
        incident_id = self._id("incident")
        team = rng.choices(self.teams, weights=self.team_weights)[0]
        declared = self.now - timedelta(minutes=rng.uniform(30, 730 * 24 * 60))
        age = self.now - declared
        mitigated = declared + timedelta(minutes=rng.expovariate(1 / 45) + 2)
        resolved = mitigated + timedelta(minutes=rng.expovariate(1 / 120) + 5)
        status = "resolved"
        if age < timedelta(days=2):
            status = rng.choice(("open", "mitigated", "resolved"))
        elif rng.random() < 0.02:
            status = rng.choice(("open", "mitigated"))
        if status == "open" or mitigated > self.now:
            status, mitigated, resolved = "open", None, None
        elif status == "mitigated" or resolved > self.now:
            status, resolved = "mitigated", None

        scheduled = held = published = category = facilitator = None
        if resolved is not None and rng.random() < 0.85:
            scheduled = resolved + timedelta(hours=rng.uniform(4, 72))
            facilitator = self._user(team)
            if scheduled < self.now and rng.random() < 0.85:
                held = scheduled
                category = rng.choices(
                    DEFAULT_CATEGORIES, weights=(30, 20, 10, 12, 8, 10, 4, 2, 4)
                )[0]
                if rng.random() < 0.9:
                    published = min(
                        held + timedelta(hours=rng.uniform(1, 120)), self.now
                    )
        service, symptom = rng.choice(SERVICES), rng.choice(SYMPTOMS)
        slug = service.lower().replace(" ", "-")
        return {
            "id": incident_id,
            "team_id": team,
            "channel_id": f"CS{incident_id:09d}",
            "channel_name": f"inc-{declared:%Y-%m-%d}-{slug}",
            "is_private": rng.random() < 0.1,
            "is_archived": resolved is not None
            and age > timedelta(days=30)
            and rng.random() < 0.6,
            "title": f"{service}: {symptom}",
            "severity": _weighted(rng, SEVERITIES),
            "status": status,
            "commander_id": self._user(team),
            "facilitator_id": facilitator,
            "declared_by": self._user(team),
            "declared_at": declared,
            "mitigated_at": mitigated,
            "resolved_at": resolved,
            "review_scheduled_at": scheduled,
            "review_held_at": held,
            "review_published_at": published,
            "review_card_channel_id": f"CS{incident_id:09d}" if scheduled else None,
            "review_card_ts": _ts(scheduled, incident_id) if scheduled else None,
            "root_cause_category": category,
            "created_at": declared,
            "updated_at": resolved or mitigated or declared,
        }

    def responders(self, incidents: list[dict]) -> Iterator[dict]:
        for incident in incidents:
            team = incident["team_id"]
            people = self.rng.sample(self.users[team], self.rng.randint(1, 6))
            for offset, user in enumerate(people):
                yield {
                    "id": self._id("responder"),
                    "team_id": team,
                    "incident_id": incident["id"],
                    "user_id": user,
                    "first_seen_at": incident["declared_at"]
                    + timedelta(minutes=offset),
                }

    def events(
        self, incidents: list[dict], counts: list[int], tags: list[dict]
    ) -> Iterator[dict]:
        """Timeline events; each reaction-tagged one also adds its tag to `tags`."""
        rng = self.rng
        kinds = list(EventKind)
        reactions = {
            EventKind.DETECTION: "rotating_light",
            EventKind.ACKNOWLEDGEMENT: "eyes",
            EventKind.INVESTIGATION: "mag",
            EventKind.MITIGATION: "hammer_and_wrench",
            EventKind.RESOLUTION: "white_check_mark",
            EventKind.COMMUNICATION: "loudspeaker",
        }
        for incident, count in zip(incidents, counts, strict=True):
            team, channel = incident["team_id"], incident["channel_id"]
            start = incident["declared_at"] - timedelta(minutes=10)
            end = incident["resolved_at"] or min(
                incident["declared_at"] + timedelta(hours=6), self.now
            )
            span = max((end - start).total_seconds(), 60)
            for sequence in range(count):
                event_id = self._id("timelineevent")
                posted = start + timedelta(seconds=rng.uniform(0, span))
                source = _weighted(
                    rng, (("reaction", 70), ("shortcut", 20), ("command", 10))
                )
                kind = rng.choice(kinds)
                text = self._text(MESSAGES, posted)
                stated = None
                if rng.random() < 0.25:
                    stated = posted - timedelta(minutes=rng.uniform(1, 30))
                edited = rng.random() < 0.05
                message_ts = None if source == "command" else _ts(posted, sequence)
                author = self._user(team)
                tagger = author if source == "command" else self._user(team)
                row = {
                    "id": event_id,
                    "team_id": team,
                    "incident_id": incident["id"],
                    "channel_id": channel,
                    "message_ts": message_ts,
                    "thread_ts": message_ts if rng.random() < 0.1 else None,
                    "author_id": author,
                    "author_bot_id": None,
                    "tagged_by": tagger,
                    "source": source,
                    "kind": kind.value,
                    "text": text + " (edited)" if edited else text,
                    "original_text": text if edited else None,
                    "note": "first sign" if rng.random() < 0.05 else None,
                    "permalink": (
                        f"https://{team.lower()}.slack.com/archives/{channel}/"
                        f"p{message_ts.replace('.', '')}"
                        if message_ts
                        else None
                    ),
                    "posted_at": posted,
                    "stated_at": stated,
                    "occurred_at": stated or posted,
                    "edited_at": posted + timedelta(minutes=3) if edited else None,
                    "deleted_at": posted + timedelta(hours=1)
                    if rng.random() < 0.02
                    else None,
                    "left_out": rng.random() < 0.03,
                    "created_at": posted,
                }
                yield row
                if row["deleted_at"] is None and not row["left_out"]:
                    self._searchable.setdefault(incident["id"], []).append(
                        (row["occurred_at"], event_id, row["text"], row["note"])
                    )
                if source == "reaction":
                    tags.append(
                        {
                            "id": self._id("timelinetag"),
                            "team_id": team,
                            "event_id": event_id,
                            "channel_id": channel,
                            "message_ts": message_ts,
                            "user_id": tagger,
                            "reaction": reactions.get(kind, "pushpin"),
                            "created_at": posted,
                        }
                    )

    def sections(self, incidents: list[dict]) -> Iterator[dict]:
        rng = self.rng
        for incident in incidents:
            if incident["review_scheduled_at"] is None:
                continue
            held = incident["review_held_at"] is not None
            for section in Section:
                if not held and rng.random() < 0.5:
                    continue
                state = "done" if held and rng.random() < 0.9 else "draft"
                content = self._section_content(section, incident)
                self._contents.setdefault(incident["id"], {})[section.value] = content
                yield {
                    "id": self._id("reviewsection"),
                    "team_id": incident["team_id"],
                    "incident_id": incident["id"],
                    "section": section.value,
                    "state": state,
                    "content": content,
                    "version": rng.randint(1, 4),
                    "updated_by": incident["facilitator_id"],
                    "updated_at": incident["review_held_at"]
                    or incident["review_scheduled_at"],
                }

    def _section_content(self, section: Section, incident: dict) -> dict:
        rng = self.rng
        service = incident["title"].split(":")[0]
        if section is Section.SUMMARY:
            return {
                "summary": f"{incident['title']}. Customers saw errors until the "
                f"{service} release was rolled back.",
                "severity": incident["severity"],
                "participants": rng.sample(self.users[incident["team_id"]], 3),
            }
        if section is Section.IMPACT:
            return {
                "users_affected": f"about {rng.randrange(1, 40)}% of {service} users",
                "services": [service],
                "sla_breached": rng.random() < 0.2,
            }
        if section is Section.ROOT_CAUSE:
            return {
                "trigger": f"A configuration change to {service} shipped without a "
                "canary.",
                "contributing_factors": ["No alert on saturation", "Manual rollback"],
                "whys": [
                    "The pool was exhausted",
                    "Retries tripled the load",
                    "Retries had no cap",
                ],
                "category": incident["root_cause_category"],
            }
        if section is Section.WENT_WELL:
            return {"items": rng.sample(WENT_WELL, 2)}
        if section is Section.COULD_IMPROVE:
            return {"items": rng.sample(COULD_IMPROVE, 2)}
        return {"note": ""}

    def action_items(self, incidents: list[dict], counts: list[int]) -> Iterator[dict]:
        rng = self.rng
        for incident, count in zip(incidents, counts, strict=True):
            team = incident["team_id"]
            held: datetime = incident["review_held_at"]
            for _ in range(count):
                zone = rng.choice(ZONES)
                local_held = held.astimezone(ZoneInfo(zone)).date()
                deadline: date = local_held + timedelta(days=rng.randint(3, 60))
                due_end = datetime.combine(
                    deadline + timedelta(days=1), datetime.min.time(), ZoneInfo(zone)
                )
                done_at = None
                age_days = (self.now - held).days
                if rng.random() < min(0.95, 0.2 + age_days / 200):
                    late = rng.random() < 0.3
                    finish = due_end + timedelta(
                        days=rng.uniform(0.1, 20) if late else -rng.uniform(0.1, 3)
                    )
                    done_at = min(max(finish, held + timedelta(hours=1)), self.now)
                version = rng.randint(1, 5)
                deliverable = self._text(DELIVERABLES, held)
                owner = self._user(team)
                priority = _weighted(rng, PRIORITIES)
                factor = "No alert on saturation" if rng.random() < 0.5 else None
                self._items.setdefault(incident["id"], []).append((deliverable, factor))
                yield {
                    "id": self._id("actionitem"),
                    "team_id": team,
                    "incident_id": incident["id"],
                    "deliverable": deliverable,
                    "owner_id": owner,
                    "deadline": deadline,
                    "deadline_zone": zone,
                    "priority": priority,
                    "contributing_factor": factor,
                    "status": "done" if done_at else "open",
                    "vague_kept": rng.random() < 0.03,
                    "version": version,
                    "created_by": incident["facilitator_id"],
                    "updated_by": self._user(team),
                    "done_at": done_at,
                    "last_progress_at": done_at or held + timedelta(days=2),
                    "created_at": held,
                    "updated_at": done_at or held,
                }

    def subscriptions(self) -> list[dict]:
        rows = []
        for index, team in enumerate(self.teams):
            for weekday, at_time in ((0, "09:00"), (3, "16:30")):
                rows.append(
                    {
                        "id": self._id("digestsubscription"),
                        "team_id": team,
                        "channel_id": f"CD{index:02d}{weekday:07d}",
                        "weekday": weekday,
                        "at_time": at_time,
                        "timezone": self.team_zone[team],
                        "created_by": self.users[team][0],
                        "created_at": self.now - timedelta(days=400),
                        # Unchanged since: every slot since then is due.
                        "updated_at": self.now - timedelta(days=400),
                    }
                )
        self._subscriptions = rows
        return rows

    def claims(self) -> Iterator[dict]:
        """Digest posts of the last eight weeks, already claimed and sent."""
        for subscription in getattr(self, "_subscriptions", []):
            schedule = DigestSchedule(
                weekday=subscription["weekday"],
                at=datetime.strptime(subscription["at_time"], "%H:%M").time(),
                timezone=subscription["timezone"],
            )
            for weeks_ago in range(1, 9):
                moment = schedule.last_slot(self.now - timedelta(weeks=weeks_ago))
                yield {
                    "id": self._id("postclaim"),
                    "team_id": subscription["team_id"],
                    "kind": "digest",
                    "target": subscription["channel_id"],
                    "period": slot_period(schedule, moment),
                    "claimed_by": "scale-data",
                    "claimed_at": moment,
                    "posted_at": moment,
                    "channel_id": subscription["channel_id"],
                    "message_ts": _ts(moment, weeks_ago),
                }

    def documents(self, incidents: list[dict]) -> Iterator[dict]:
        """Each incident's search document, as `store.search.reindex_incident`
        would write it; after the sections, events and action items."""
        for incident in incidents:
            events = sorted(self._searchable.pop(incident["id"], []))
            title, body = search.document_text(
                incident["title"],
                sections=self._contents.pop(incident["id"], {}),
                timeline=[(text, note) for _, _, text, note in events],
                action_items=self._items.pop(incident["id"], []),
            )
            yield {
                "id": self._id("searchdocument"),
                "team_id": incident["team_id"],
                "incident_id": incident["id"],
                "title": title,
                "body": body,
                "updated_at": incident["updated_at"],
            }
