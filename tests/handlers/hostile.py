"""Hostile requests for every listener the app registers, and a way to see
that stored data did not change.

Well-formed requests ("bases") are built for every Slack id the bot knows
(each value in handlers/ids.py, each `/pir` sub-command, each event type
the manifest subscribes to or a listener names), in every interactive
shape; the bases that reach no listener are dropped. `uncovered` names
the registered listeners that no base reaches, so a listener added later
without its ids in handlers/ids.py is noticed rather than left untested.
Hypothesis then breaks the bases: fields dropped or given the wrong type,
huge and empty strings, control characters, right-to-left text, emoji,
lone surrogates, and ids of another workspace.
"""

from __future__ import annotations

import copy
import json
import logging
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import yaml
from hypothesis import strategies as st
from slack_bolt import App, BoltRequest, BoltResponse
from sqlmodel import SQLModel, select

from handlers import ids
from handlers.commands import PirCommand
from handlers.deps import Deps
from handlers.review_card import ReviewCard
from handlers.timeline_views import AddEventContext, TimelinePage
from slack_standin import payloads
from store.db import Database
from tests.handlers.people import ALICE, BOB, CHANNEL, QUIET_CHANNEL

MANIFEST = Path(__file__).resolve().parents[2] / "manifest.yml"

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"

# The workspace whose data must never change: every hostile request comes
# from another one (the stand-in's), naming its ids.
SEEDED_TEAM = "T0SEEDED01"


@dataclass(frozen=True)
class Seeded:
    """Ids of the seeded workspace that hostile requests name."""

    incident_id: int
    other_incident_id: int
    channel_only_seeded: str
    tagged_ts: str
    action_item_id: int
    event_texts: tuple[str, ...]


@dataclass
class Request:
    """A request before it is signed: a JSON event, an interactive payload
    or the form fields of a slash command."""

    kind: str  # "event", "interactive" or "command"
    payload: dict[str, Any]

    def body(self) -> tuple[bytes, str]:
        if self.kind == "event":
            return json.dumps(self.payload).encode("utf-8", "surrogatepass"), JSON
        if self.kind == "interactive":
            encoded = json.dumps(self.payload)
            return urlencode({"payload": encoded}).encode("ascii"), FORM
        fields = {
            key: value if isinstance(value, str) else json.dumps(value)
            for key, value in self.payload.items()
            if value is not None
        }
        return urlencode(fields, encoding="utf-8", errors="surrogatepass").encode(
            "ascii"
        ), FORM

    def bolt_request(self) -> BoltRequest:
        body, content_type = self.body()
        return BoltRequest(
            body=body.decode("utf-8", "surrogatepass"),
            headers={"content-type": [content_type]},
        )


# -- which listeners there are -------------------------------------------


def listeners(app: App) -> list:
    # Bolt keeps no public list of its listeners; reading it changes nothing.
    return list(app._listeners)  # noqa: SLF001


def listener_name(listener) -> str:
    function = listener.ack_function
    return getattr(function, "__qualname__", repr(function))


def reaches(app: App, request: Request) -> bool:
    """Whether any registered listener matches `request`."""
    try:
        bolt_request = request.bolt_request()
    except Exception:  # noqa: BLE001 - Bolt cannot even read it
        return False
    response = BoltResponse(status=200)
    for listener in listeners(app):
        try:
            if listener.matches(req=bolt_request, resp=response):
                return True
        except Exception:  # noqa: BLE001 - a matcher that chokes does not match
            continue
    return False


def uncovered(app: App, requests: list[Request]) -> list[str]:
    """Names of the listeners that none of `requests` reaches."""
    bolt_requests = [request.bolt_request() for request in requests]
    response = BoltResponse(status=200)
    missing = []
    for listener in listeners(app):
        if not any(listener.matches(req=r, resp=response) for r in bolt_requests):
            missing.append(listener_name(listener))
    return missing


# -- well-formed requests ------------------------------------------------


def known_ids() -> list[str]:
    """Every Slack id in handlers/ids.py: enum values and string constants."""
    values: set[str] = set()
    for value in vars(ids).values():
        if isinstance(value, type) and issubclass(value, Enum):
            values.update(str(member.value) for member in value)
        elif isinstance(value, str) and not value.startswith("__"):
            values.add(value)
    return sorted(values)


def event_types() -> list[str]:
    manifest = yaml.safe_load(MANIFEST.read_text())
    subscribed = manifest["settings"]["event_subscriptions"]["bot_events"]
    types = {name.split(".")[0] for name in subscribed}
    return sorted(types | {"app_home_opened", "member_joined_channel", "pin_added"})


def _event_bases(seeded: Seeded, own_ts: str) -> list[dict]:
    ts = payloads.now_ts()
    bases: list[dict] = []
    for target in (own_ts, seeded.tagged_ts):
        for reaction in ("pushpin", "eyes", "thumbsup"):
            bases.append(
                payloads.reaction_added(
                    user=BOB, reaction=reaction, channel=CHANNEL, ts=target
                )
            )
            bases.append(
                payloads.reaction_removed(
                    user=BOB, reaction=reaction, channel=CHANNEL, ts=target
                )
            )
        bases.append(
            payloads.message_changed(
                channel=CHANNEL,
                ts=target,
                new_text="rolled back at 14:05",
                user=ALICE,
                previous_text="rolling back",
            )
        )
        bases.append(payloads.message_deleted(channel=CHANNEL, deleted_ts=target))
    for subtype in (None, "thread_broadcast", "file_share", "bot_message"):
        bases.append(
            payloads.message(
                channel=CHANNEL,
                user=CAROL_LIKE,
                text="looking at the dashboards",
                ts=ts,
                subtype=subtype,
            )
        )
    for private in (False, True):
        bases.append(
            payloads.channel_rename(
                channel=CHANNEL, name="inc-renamed", private=private
            )
        )
        bases.append(
            payloads.channel_archive(channel=CHANNEL, user=ALICE, private=private)
        )
        unarchive = payloads.channel_archive(
            channel=CHANNEL, user=ALICE, private=private
        )
        unarchive["type"] = unarchive["type"].replace("archive", "unarchive")
        bases.append(unarchive)
    bases.append(payloads.member_joined_channel(user=BOB, channel=CHANNEL))
    bases.append(payloads.app_home_opened(user=ALICE))
    bases.append(
        payloads.pin_added(
            user=ALICE, channel=CHANNEL, message={"type": "message", "ts": own_ts}
        )
    )
    known = {base["type"] for base in bases}
    for event_type in event_types():
        if event_type not in known:
            bases.append(
                {"type": event_type, "user": ALICE, "channel": CHANNEL, "event_ts": ts}
            )
    return bases


CAROL_LIKE = "U05CAROL003"


def _values(seeded: Seeded) -> list[str]:
    """What a button or a modal may carry: ids of both workspaces."""
    return [
        "",
        CHANNEL,
        seeded.channel_only_seeded,
        str(seeded.incident_id),
        str(seeded.action_item_id),
        TimelinePage(incident_id=seeded.incident_id, page=0).dump(),
        TimelinePage(incident_id=seeded.other_incident_id, page=1).dump(),
        json.dumps({"incident_id": seeded.incident_id}),
    ]


def _metadata(seeded: Seeded, own_ts: str) -> list[str]:
    return [
        "",
        AddEventContext(CHANNEL, own_ts).dump(),
        AddEventContext(CHANNEL, seeded.tagged_ts, "Europe/Berlin").dump(),
        AddEventContext(seeded.channel_only_seeded, seeded.tagged_ts).dump(),
        json.dumps({"channel_id": seeded.channel_only_seeded}),
        json.dumps({"incident_id": seeded.incident_id}),
        str(seeded.incident_id),
    ]


def _state_values() -> dict:
    """An answer for every input block id in handlers/ids.py."""
    state: dict[str, dict] = {}
    for block in known_ids():
        state[block] = {
            ids.INPUT_ACTION: {
                "type": "plain_text_input",
                "value": "14:05 P2 Checkout errors",
                "selected_option": {"value": "mitigation"},
                "selected_date_time": 1733240000,
            }
        }
    return state


def _interactive_bases(
    seeded: Seeded, own_ts: str, response_url: str, trigger_id: str
) -> list[dict]:
    message = {"type": "message", "user": BOB, "ts": own_ts, "text": "restarted"}
    bases: list[dict] = []
    for value in known_ids():
        for carried in _values(seeded):
            bases.append(
                payloads.block_actions(
                    user=ALICE,
                    actions=[
                        payloads.button_action(
                            action_id=value, block_id="b1", value=carried, text="Go"
                        )
                    ],
                    container=payloads.message_container(
                        channel=CHANNEL, message_ts=own_ts
                    ),
                    channel=CHANNEL,
                    message=message,
                    response_url=response_url,
                    trigger_id=trigger_id,
                )
            )
        for metadata in _metadata(seeded, own_ts):
            bases.append(
                payloads.view_submission(
                    user=ALICE,
                    view_id="V07HOSTILE1",
                    callback_id=value,
                    private_metadata=metadata,
                    state_values=_state_values(),
                    trigger_id=trigger_id,
                )
            )
            bases.append(
                payloads.view_closed(
                    user=ALICE,
                    view_id="V07HOSTILE1",
                    callback_id=value,
                    private_metadata=metadata,
                )
            )
        bases.append(
            payloads.message_shortcut(
                callback_id=value,
                user=ALICE,
                channel=CHANNEL,
                message=message,
                trigger_id=trigger_id,
                response_url=response_url,
            )
        )
        bases.append(
            payloads.global_shortcut(
                callback_id=value, user=ALICE, trigger_id=trigger_id
            )
        )
        suggestion = {
            "type": "block_suggestion",
            "user": {"id": ALICE, "team_id": payloads.TEAM_ID},
            "team": {"id": payloads.TEAM_ID, "domain": payloads.TEAM_DOMAIN},
            "action_id": value,
            "block_id": "b1",
            "value": "pay",
            "api_app_id": payloads.API_APP_ID,
        }
        bases.append(suggestion)
    return bases


def _command_bases(
    deps: Deps, seeded: Seeded, response_url: str, trigger_id: str
) -> list[dict]:
    names = sorted(PirCommand(deps, ReviewCard(deps)).subcommands)
    names += ["help", "nonsense"]
    texts = [""]
    for name in names:
        texts += [
            name,
            f"{name} P1 Checkout errors <@{BOB}>",
            f"{name} 14:05 first alert fired",
            f"{name} add :fire: detection",
            f"{name} {seeded.incident_id}",
        ]
    return [
        payloads.slash_command(
            text=text,
            user_id=ALICE,
            channel_id=CHANNEL,
            trigger_id=trigger_id,
            response_url=response_url,
        )
        for text in texts
    ]


def build_requests(
    deps: Deps, seeded: Seeded, *, own_ts: str, response_url: str, trigger_id: str
) -> list[Request]:
    requests = [
        Request("event", payloads.event_callback(event))
        for event in _event_bases(seeded, own_ts)
    ]
    requests += [
        Request("interactive", payload)
        for payload in _interactive_bases(seeded, own_ts, response_url, trigger_id)
    ]
    requests += [
        Request("command", fields)
        for fields in _command_bases(deps, seeded, response_url, trigger_id)
    ]
    return requests


# -- breaking them ---------------------------------------------------------

HOSTILE_TEXT = (
    "",
    " ",
    "\t\n\r",
    "x" * 100_000,
    "🔥" * 20_000,
    "\x00",
    "a\x00b",
    "\x1b[31mred\x1b[0m",
    "\x07\x08\x0b\x0c\x7f",
    "\u202egnp.exe\u202c",
    "\u200f\u200e\u2066\u2069",
    "مرحبا بالعالم",
    "שלום עולם",
    "e\u0301 a\u0308",
    "👩‍👩‍👧‍👦🏳️‍🌈🇩🇪👍🏽",
    "\ud800",
    "\udfff trailing",
    "\ufeff\ufffe\uffff",
    "<@U07PIRBOT01>",
    "<!channel> <!here>",
    "&lt;&amp;&gt;",
    "*_~`|>",
    "'; DROP TABLE incident; --",
    "%00%ff",
    "../../etc/passwd",
    "1e309",
    "-1",
    "0",
    "9" * 400,
    "null",
    "{}",
    "[]",
    "P1",
    "14:05",
    "25:99",
    "1733240000.123456",
    "9999999999999.999999",
    "not a ts",
    "V0",
    "U",
    "C" + "0" * 200,
    "T0OTHER999",
    "E0GRID0001",
)


def hostile_values(seeded: Seeded) -> st.SearchStrategy[Any]:
    """Any value a broken payload may carry in place of a field."""
    seeded_ids = [
        seeded.channel_only_seeded,
        seeded.tagged_ts,
        str(seeded.incident_id),
        str(seeded.action_item_id),
        *seeded.event_texts,
    ]
    strings = st.one_of(
        st.sampled_from(HOSTILE_TEXT),
        st.sampled_from(seeded_ids),
        st.text(max_size=40),
    )
    return st.one_of(
        strings,
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False),
        st.just([]),
        st.just({}),
        st.lists(strings, max_size=3),
        st.dictionaries(st.text(max_size=8), strings, max_size=3),
    )


def paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside `node` (dict keys and list indices)."""
    found = []
    if isinstance(node, dict):
        for key, value in node.items():
            found.append((*prefix, key))
            found += paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found.append((*prefix, index))
            found += paths(value, (*prefix, index))
    return found


def broken(request: Request, draw, seeded: Seeded) -> Request:
    """A copy of `request` with one to four fields dropped or replaced."""
    payload = copy.deepcopy(request.payload)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        where = paths(payload)
        if not where:
            break
        path = draw(st.sampled_from(where))
        parent = payload
        for step in path[:-1]:
            parent = parent[step]
        if draw(st.booleans()):
            parent.pop(path[-1]) if isinstance(parent, dict) else parent.pop(path[-1])
        else:
            parent[path[-1]] = draw(hostile_values(seeded))
    if SEEDED_TEAM in json.dumps(payload):
        raise AssertionError("a hostile request must never come from the seeded team")
    return Request(request.kind, payload)


# -- what is stored --------------------------------------------------------


def snapshot(db: Database, team_id: str | None = SEEDED_TEAM) -> dict[str, list]:
    """Every row of `team_id` (every row when None), table by table."""
    rows = {}
    with db.engine.connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            query = select(table)
            if team_id is not None:
                query = query.where(table.c.team_id == team_id)
            ordered = query.order_by(*table.primary_key.columns)
            rows[table.name] = [tuple(row) for row in connection.execute(ordered)]
    return rows


class ErrorRecords(logging.Handler):
    """Log records of failures that reached the error path unexpectedly.

    The error path logs an unexpected exception with its traceback; a
    Slack API refusal (the stand-in turning down a hostile trigger id,
    say) and a refusal the person is shown are expected answers, not
    failures.
    """

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info or record.name.startswith("slack_bolt"):
            self.records.append(record)

    def __enter__(self) -> ErrorRecords:
        logging.getLogger().addHandler(self)
        return self

    def __exit__(self, *_exc: object) -> None:
        logging.getLogger().removeHandler(self)

    def describe(self) -> str:
        return "\n".join(
            self.format(record)
            + ("\n" + str(record.exc_info[1]) if record.exc_info else "")
            for record in self.records
        )


__all__ = [
    "QUIET_CHANNEL",
    "ErrorRecords",
    "Request",
    "Seeded",
    "broken",
    "build_requests",
    "reaches",
    "snapshot",
    "uncovered",
]
