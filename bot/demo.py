"""`pirbot demo`: replay a real incident through the real app, without Slack.

The Bolt app runs in this process against a local stand-in of Slack's Web
API, on a throw-away SQLite database. Each step of the incident file is sent
the way Slack would send it (signed HTTP requests to POST /slack/events) at
the step's own time. Then the facilitator fills the review in its modals,
as a person would, publishes it, and the published document is printed.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AwareDatetime,
    BaseModel,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from bot import reviewer
from bot.local import LocalBot
from bot.logs import configure_logging
from bot.reviewer import SimulatedPerson
from bot.settings import ConfigError, TimeZoneName
from domain.document import render_review
from domain.slack_text import datetime_to_ts
from handlers.ids import (
    INPUT_ACTION,
    AddEventBlock,
    ReviewAction,
    ReviewBlock,
    Shortcut,
    View,
)
from slack_standin import SlackStandIn, payloads
from store import incidents, timeline
from store.db import Database
from store.models import Incident, TimelineEvent

logger = logging.getLogger(__name__)

EXAMPLE = "waf-cpu-exhaustion.json"


# --- The incident file ----------------------------------------------------------


class Responder(BaseModel):
    id: Annotated[str, Field(pattern=r"^[UW][A-Z0-9]{2,}$")]
    name: str
    real_name: str | None = None
    tz: TimeZoneName = "UTC"


class Integration(BaseModel):
    bot_id: str
    name: str


class Workspace(BaseModel):
    team_id: str = "T0123ABCD"
    domain: str = "acme-eng"
    name: str = "Acme Eng"
    timezone: TimeZoneName = "UTC"


class Channel(BaseModel):
    # Slack's ids: C… for a channel, G… for an older private one.
    id: Annotated[str, Field(pattern=r"^[CG][A-Z0-9]{2,}$")]
    name: str
    is_private: bool = False


class MessageStep(BaseModel):
    type: Literal["message"]
    at: AwareDatetime
    id: str
    text: str = ""
    user: str | None = None
    bot_id: str | None = None
    thread_of: str | None = None
    attachments: list[dict] | None = None


class CommandStep(BaseModel):
    type: Literal["command"]
    at: AwareDatetime
    user: str
    text: str


class ReactionStep(BaseModel):
    type: Literal["reaction"]
    at: AwareDatetime
    user: str
    message: str
    reaction: str


class ShortcutStep(BaseModel):
    type: Literal["shortcut"]
    at: AwareDatetime
    user: str
    message: str
    kind: str | None = None
    time: str | None = None
    note: str | None = None


Step = Annotated[
    MessageStep | CommandStep | ReactionStep | ShortcutStep,
    Field(discriminator="type"),
]


class Impact(BaseModel):
    users: str = ""
    services: list[str] = []
    duration_minutes: int | None = None
    revenue: str = ""
    sla: str = ""
    sla_breached: bool | None = None


class RootCause(BaseModel):
    trigger: str
    contributing_factors: list[str] = []
    whys: list[str] = Field(default=[], max_length=5)
    category: str | None = None


class ActionItemEntry(BaseModel):
    deliverable: str
    owner: str
    deadline: str
    priority: Literal["high", "medium", "low"]
    # The contributing factor it answers, by its place in the list (from 0).
    factor: int | None = None


class ReviewEntry(BaseModel):
    """The review as the facilitator types it into the modals."""

    at: AwareDatetime | None = None
    facilitator: str
    summary: str
    impact: Impact = Impact()
    root_cause: RootCause
    went_well: list[str] = []
    could_improve: list[str] = []
    action_items: list[ActionItemEntry] = []


class IncidentFile(BaseModel):
    name: str
    source: str = ""
    workspace: Workspace = Workspace()
    channel: Channel
    responders: Annotated[list[Responder], Field(min_length=1)]
    integrations: list[Integration] = []
    steps: list[Step]
    review: ReviewEntry | None = None

    @model_validator(mode="after")
    def _in_time_order(self) -> IncidentFile:
        for number, (before, step) in enumerate(
            zip(self.steps, self.steps[1:], strict=False), start=1
        ):
            if step.at < before.at:
                raise ValueError(
                    f"step {number} ({step.at:%Y-%m-%d %H:%M %Z}) comes before "
                    f"step {number - 1} ({before.at:%Y-%m-%d %H:%M %Z}): steps "
                    "are replayed in the order of their times"
                )
        ids = [step.id for step in self.steps if isinstance(step, MessageStep)]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"message ids must differ; used twice: {', '.join(twice)}")
        review_at = self.review.at if self.review else None
        if review_at and self.steps and review_at < self.steps[-1].at:
            raise ValueError("the review's time comes before the last step's")
        return self


def load_incident(path: Path | None) -> IncidentFile:
    """Read and check an incident file. Raises ConfigError naming the problem."""
    try:
        if path is None:
            raw = resources.files("bot.examples").joinpath(EXAMPLE).read_text("utf-8")
        else:
            raw = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"cannot read {path}: it is not UTF-8 text") from None
    try:
        return TypeAdapter(IncidentFile).validate_json(raw)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ConfigError(
            f"{path or EXAMPLE} is not an incident file: {where}: {first['msg']}"
        ) from None


# --- Replaying it -----------------------------------------------------------------


class ReplayClock:
    """The bot's clock during the demo: the time of the step being replayed."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current


class Replay:
    def __init__(self, incident: IncidentFile, standin: SlackStandIn, database) -> None:
        self.incident = incident
        self.standin = standin
        self.clock = ReplayClock(incident.steps[0].at if incident.steps else None)
        self.bot = LocalBot(
            database,
            standin,
            now=self.clock,
            default_timezone=incident.workspace.timezone,
        )
        self.message_ts: dict[str, str] = {}
        self.skipped: list[str] = []

    def run(self) -> None:
        with _Refusals() as refusals:
            for number, step in enumerate(self.incident.steps):
                self.clock.current = step.at
                answered = len(self.standin.calls_to("response_url"))
                reply = self.bot.settle(getattr(self, f"_{step.type}")(step, number))
                if reply is not None and reply.status != 200:
                    raise RuntimeError(
                        f"step {number} ({step.type}) was answered {reply.status}"
                    )
                self._expect_taken(number, step, reply, refusals, answered)
            if self.incident.review is not None and self.incident.steps:
                self._review(self.incident.review)
                if refusals.seen:
                    raise ConfigError(f"the review was refused: {refusals.seen[-1]}")

    def _expect_taken(self, number, step, reply, refusals, answered: int) -> None:
        """A step the bot turned down is a mistake in the file: say which,
        in the bot's own words, rather than replay a different incident."""
        said = _modal_errors(reply)
        if not said and refusals.seen:
            told = self.standin.calls_to("response_url")[answered:]
            said = told[-1].args.get("text", "") if told else refusals.seen[-1]
        refusals.seen.clear()
        if said:
            raise ConfigError(f"step {number} ({step.type}) was refused: {said}")

    def _review(self, entry: ReviewEntry) -> None:
        """The commander posts the review card and names the facilitator, who
        fills every section in its modal and publishes the review."""
        last = self.incident.steps[-1].at
        self.clock.current = entry.at or last + timedelta(days=1)
        stored, _events = _stored_timeline(self.incident, self.bot.db)
        if stored is None:
            raise ConfigError(
                "the file has a review, but no step declares the incident "
                "(a command step with the text 'declare P2 <title>')"
            )
        commander = stored.commander_id
        channel_id = self.incident.channel.id
        lead = SimulatedPerson(self.bot, commander, channel_id=channel_id)
        facilitator = SimulatedPerson(
            self.bot, entry.facilitator, channel_id=channel_id
        )

        lead.command("review")
        lead.click_card(ReviewAction.CHOOSE_FACILITATOR)
        _expect_saved(
            lead.submit(
                lead.newest_modal(View.REVIEW_FACILITATOR),
                **{ReviewBlock.ANYONE: reviewer.user(entry.facilitator)},
            ),
            "facilitator",
        )
        for section, values in _section_entries(entry):
            modal = facilitator.edit_section(section)
            values[ReviewBlock.DONE] = reviewer.ticked("done")
            _expect_saved(facilitator.submit(modal, **values), section)
        self._action_items(facilitator, entry.action_items)
        # An incident still open is published as a draft, its review not held.
        held = stored.resolved_at is not None
        facilitator.command("publish held" if held else "publish")

    def _action_items(
        self, facilitator: SimulatedPerson, items: list[ActionItemEntry]
    ) -> None:
        section = facilitator.edit_section("action_items")
        for item in items:
            facilitator.click_in(
                facilitator.modal(section.view_id), ReviewAction.ADD_ACTION_ITEM
            )
            values = {
                ReviewBlock.DELIVERABLE: reviewer.text(item.deliverable),
                ReviewBlock.OWNER: reviewer.user(item.owner),
                ReviewBlock.DEADLINE_TEXT: reviewer.text(item.deadline),
                ReviewBlock.PRIORITY: reviewer.option(item.priority),
                ReviewBlock.KEEP_VAGUE: reviewer.ticked("keep"),
            }
            if item.factor is not None:
                values[ReviewBlock.FACTOR] = reviewer.option(str(item.factor))
            modal = facilitator.newest_modal(View.REVIEW_ACTION_ITEM)
            _expect_saved(facilitator.submit(modal, **values), "action item")
        _expect_saved(
            facilitator.submit(
                facilitator.modal(section.view_id),
                **{ReviewBlock.DONE: reviewer.ticked("done")},
            ),
            "action items",
        )

    def stop(self) -> None:
        self.bot.close()

    def _message(self, step: MessageStep, number: int):
        thread_ts = self.message_ts.get(step.thread_of) if step.thread_of else None
        posted = self.standin.add_message(
            self.incident.channel.id,
            user=step.user,
            bot_id=step.bot_id,
            text=step.text,
            ts=datetime_to_ts(step.at, sequence=number),
            thread_ts=thread_ts,
            attachments=step.attachments,
        )
        self.message_ts[step.id] = posted["ts"]
        # Slack tells the bot of every message in a channel it is in.
        return self.bot.sender.event(
            payloads.message(
                channel=self.incident.channel.id,
                user=step.user,
                bot_id=step.bot_id,
                text=step.text,
                ts=posted["ts"],
                thread_ts=thread_ts,
                attachments=step.attachments,
            )
        )

    def _command(self, step: CommandStep, _number: int):
        return self.bot.sender.command(
            step.text,
            user_id=step.user,
            channel_id=self.incident.channel.id,
            channel_name=self.incident.channel.name,
        )

    def _reaction(self, step: ReactionStep, _number: int):
        ts = self._ts_of(step.message)
        return self.bot.sender.event(
            payloads.reaction_added(
                user=step.user,
                reaction=step.reaction,
                channel=self.incident.channel.id,
                ts=ts,
            )
        )

    def _shortcut(self, step: ShortcutStep, _number: int):
        """Use "Add to timeline" on a message, then fill and submit the modal."""
        channel = self.incident.channel
        message = self._message_by_id(step.message)
        opened = self.bot.settle(
            self.bot.sender.interactive(
                payloads.message_shortcut(
                    callback_id=Shortcut.ADD_TO_TIMELINE,
                    user=step.user,
                    channel=channel.id,
                    channel_name=channel.name,
                    message=message,
                    trigger_id=self.standin.issue_trigger_id(),
                    response_url=self.standin.new_response_url(channel_id=channel.id),
                    team_id=self.incident.workspace.team_id,
                )
            )
        )
        if opened.status != 200:
            return opened
        view_id, view = self._open_modal(View.ADD_TIMELINE_EVENT)
        values = {
            AddEventBlock.TYPED_TIME: {INPUT_ACTION: _typed(step.time)},
            AddEventBlock.NOTE: {INPUT_ACTION: _typed(step.note)},
        }
        if step.kind:
            values[AddEventBlock.KIND] = {
                INPUT_ACTION: {
                    "type": "static_select",
                    "selected_option": {"value": step.kind},
                }
            }
        return self.bot.sender.interactive(
            payloads.view_submission(
                user=step.user,
                view_id=view_id,
                callback_id=view["callback_id"],
                private_metadata=view["private_metadata"],
                state_values=values,
                view=view,
                team_id=self.incident.workspace.team_id,
            )
        )

    def _open_modal(self, callback_id: str) -> tuple[str, dict]:
        for view_id, view in reversed(self.standin.views.items()):
            if view.get("callback_id") == callback_id:
                return view_id, view
        raise RuntimeError(f"the bot did not open the {callback_id} modal")

    def _message_by_id(self, message_id: str) -> dict:
        ts = self._ts_of(message_id)
        for message in self.standin.messages(self.incident.channel.id):
            if message["ts"] == ts:
                return message
        raise ConfigError(f"message {message_id!r} is not in the channel")

    def _ts_of(self, message_id: str) -> str:
        try:
            return self.message_ts[message_id]
        except KeyError:
            raise ConfigError(
                f"a step names message {message_id!r} before it was posted"
            ) from None


def _typed(value: str | None) -> dict:
    return {"type": "plain_text_input", "value": value}


def _section_entries(entry: ReviewEntry) -> list[tuple[str, dict]]:
    """What the facilitator types into each section's modal, in order."""
    impact, cause = entry.impact, entry.root_cause
    sla = {True: "breached", False: "kept"}.get(impact.sla_breached, "unknown")
    whys = {
        f"{ReviewBlock.WHY}{n}": reviewer.text(why)
        for n, why in enumerate(cause.whys, start=1)
    }
    return [
        ("summary", {ReviewBlock.SUMMARY: reviewer.text(entry.summary)}),
        (
            "impact",
            {
                ReviewBlock.USERS: reviewer.text(impact.users),
                ReviewBlock.SERVICES: reviewer.text("\n".join(impact.services)),
                ReviewBlock.IMPACT_DURATION: reviewer.number(impact.duration_minutes),
                ReviewBlock.REVENUE: reviewer.text(impact.revenue),
                ReviewBlock.SLA: reviewer.radio(sla),
                ReviewBlock.SLA_NOTES: reviewer.text(impact.sla),
            },
        ),
        ("timeline", {}),
        (
            "root_cause",
            {
                ReviewBlock.TRIGGER: reviewer.text(cause.trigger),
                ReviewBlock.FACTORS: reviewer.text(
                    "\n".join(cause.contributing_factors)
                ),
                ReviewBlock.CATEGORY: reviewer.option(cause.category),
                **whys,
            },
        ),
        ("went_well", {ReviewBlock.POINTS: reviewer.text("\n".join(entry.went_well))}),
        (
            "could_improve",
            {ReviewBlock.POINTS: reviewer.text("\n".join(entry.could_improve))},
        ),
    ]


class _Refusals(logging.Handler):
    """What the bot refused or ignored while the steps were replayed, read
    from its own log (a refusal is told to the person, and logged)."""

    LOGGERS = ("handlers.errors", "handlers.shape")

    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.seen: list[str] = []
        self._levels: dict[str, int] = {}

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if message.startswith(
            ("Refused", "Ignored a malformed", "Failed", "Slack answered")
        ):
            self.seen.append(message)

    def __enter__(self) -> _Refusals:
        for name in self.LOGGERS:
            logger = logging.getLogger(name)
            self._levels[name] = logger.level
            logger.setLevel(min(logger.getEffectiveLevel(), logging.INFO))
            logger.addHandler(self)
        return self

    def __exit__(self, *_exc) -> None:
        for name in self.LOGGERS:
            logger = logging.getLogger(name)
            logger.removeHandler(self)
            logger.setLevel(self._levels[name])


def _modal_errors(reply) -> str:
    if reply is None or not reply.body.strip().startswith("{"):
        return ""
    answer = reply.json()
    if answer.get("response_action") != "errors":
        return ""
    return "; ".join(str(text) for text in answer.get("errors", {}).values())


def _expect_saved(reply, what: str) -> None:
    """A submission the demo makes must be taken (a hint is fine); one the
    bot refuses is a mistake in the file, told with the bot's own words."""
    if reply.status != 200:
        raise RuntimeError(f"the {what} step was answered {reply.status}")
    said = _modal_errors(reply)
    if said:
        raise ConfigError(f"the review's {what} was refused: {said}")


def seed_workspace(standin: SlackStandIn, incident: IncidentFile) -> None:
    for person in incident.responders:
        standin.add_user(
            person.id, name=person.name, real_name=person.real_name, tz=person.tz
        )
    standin.add_channel(
        incident.channel.id,
        name=incident.channel.name,
        is_private=incident.channel.is_private,
        members=[person.id for person in incident.responders],
    )


@dataclass
class ReplayResult:
    """What a replay left behind: the stored incident and its timeline."""

    document: str
    incident: Incident | None
    events: list[TimelineEvent]
    calls: Counter
    skipped: list[str]


def replay_incident(incident: IncidentFile) -> ReplayResult:
    """Replay `incident` on a throw-away database and stand-in."""
    with tempfile.TemporaryDirectory(prefix="pirbot-demo-") as folder:
        database = Database(
            f"sqlite:///{Path(folder) / 'demo.db'}",
            default_timezone=incident.workspace.timezone,
        )
        database.upgrade()
        with SlackStandIn(
            team_id=incident.workspace.team_id,
            domain=incident.workspace.domain,
            team_name=incident.workspace.name,
        ) as standin:
            seed_workspace(standin, incident)
            replay = Replay(incident, standin, database)
            try:
                replay.run()
            finally:
                replay.stop()
            calls = Counter(call.method for call in standin.calls)
            published = standin.shared_files(incident.channel.id)
        stored, events = _stored_timeline(incident, database)
        database.dispose()

    if published:
        # What the facilitator published, exactly as Slack received it.
        document = published[-1]["content"].decode("utf-8")
    elif stored is None:
        document = "No incident was declared in this replay.\n"
    else:
        names = {p.id: p.real_name or p.name for p in incident.responders}
        names.update({i.bot_id: i.name for i in incident.integrations})
        document = render_review(
            stored,
            events,
            timezone=incident.workspace.timezone,
            name_of=names.get,
        )
    return ReplayResult(document, stored, events, calls, replay.skipped)


def _stored_timeline(incident: IncidentFile, database: Database):
    with database.session() as session:
        stored = incidents.get_by_channel(
            session, team_id=incident.workspace.team_id, channel_id=incident.channel.id
        )
        if stored is None:
            return None, []
        events = timeline.list_events(
            session, team_id=stored.team_id, incident_id=stored.id
        )
    return stored, events


def run_demo(path: Path | None, *, verbose: bool = False, out=sys.stdout) -> int:
    incident = load_incident(path)
    configure_logging("DEBUG" if verbose else "WARNING")
    result = replay_incident(incident)

    out.write(result.document)
    if incident.source:
        out.write(f"\n_{incident.source}_\n")
    for skipped in result.skipped:
        out.write(f"\nNot replayed (not supported yet): {skipped}")
    calls = result.calls
    summary = ", ".join(f"{method} {count}" for method, count in sorted(calls.items()))
    out.write(f"\n\nSlack calls: {sum(calls.values())} ({summary})\n")
    return 0
