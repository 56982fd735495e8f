"""A local stand-in of Slack's Web API, for the bot's tests and ``pirbot demo``.

It serves the methods the bot calls with Slack-shaped answers, keeps a small
workspace that tests seed and inspect (users, channels, messages, views),
records every call, refuses what Slack refuses (Block Kit limits, spent or
stale ``trigger_id``s, used-up ``response_url``s) and can be told to fail the
next calls with a 429, a 5xx or an ``ok: false`` answer.
"""

from __future__ import annotations

import base64
import copy
import json
import logging
import random
import socket
import string
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

DEFAULT_SCOPES = (
    "channels:history",
    "channels:read",
    "chat:write",
    "commands",
    "files:write",
    "groups:history",
    "groups:read",
    "pins:read",
    "reactions:read",
    "reactions:write",
    "team:read",
    "users:read",
)

TRIGGER_TTL_SECONDS = 3.0
RESPONSE_URL_MAX_USES = 5
RESPONSE_URL_TTL_SECONDS = 30 * 60
VIEW_STACK_MAX = 3
VIEW_MAX_BYTES = 250_000
TEXT_MAX_CHARS = 40_000
ATTACHMENTS_MAX = 100
HISTORY_DEFAULT_LIMIT = 100
HISTORY_MAX_LIMIT = 999

_UPPER_ALNUM = string.ascii_uppercase + string.digits
_ALNUM = string.ascii_letters + string.digits
_JSON_FORM_FIELDS = ("blocks", "view", "attachments", "metadata")
_SERVER_ERRORS = {500: "internal_error", 502: "bad_gateway", 503: "service_unavailable"}


@dataclass
class Call:
    """One request the stand-in received.

    ``at`` is wall-clock Unix seconds. ``token`` is the bearer token (removed
    from ``args``); ``url`` is set for posts to a ``response_url``.
    """

    method: str
    args: dict[str, Any]
    at: float
    token: str | None = None
    url: str | None = None


class _ApiError(Exception):
    """An ``ok: false`` answer raised by a method; ``status`` is the HTTP status."""

    def __init__(self, error: str, *, status: int = 200, **extra: Any) -> None:
        super().__init__(error)
        self.status = status
        self.body = {"ok": False, "error": error, **extra}


# ---------------------------------------------------------------------------
# Block Kit rules
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Problem:
    pointer: str
    message: str
    rule: str = ""

    def text(self) -> str:
        if not self.pointer:
            return self.message
        return f"{self.message} [json-pointer:{self.pointer}]"


def _lookup(node: Any, path: tuple[str, ...], pointer: str) -> Iterator[tuple]:
    """Yield ``(pointer, value)`` for each value at ``path``; ``*`` spans a list."""
    if not path:
        yield pointer, node
        return

    key, rest = path[0], path[1:]
    if key == "*":
        if isinstance(node, list):
            for index, item in enumerate(node):
                yield from _lookup(item, rest, f"{pointer}/{index}")
    elif isinstance(node, dict) and key in node:
        yield from _lookup(node[key], rest, f"{pointer}/{key}")


@dataclass(frozen=True)
class _MaxChars:
    """A string longer than ``limit`` characters.

    ``schema_note`` adds the extra "failed to match all allowed schemas" line
    Slack reports for top-level view fields such as ``private_metadata``.
    """

    name: str
    path: tuple[str, ...]
    limit: int
    schema_note: bool = False

    def check(self, node: dict, pointer: str) -> Iterator[_Problem]:
        for where, value in _lookup(node, self.path, pointer):
            if isinstance(value, str) and len(value) > self.limit:
                if self.schema_note:
                    note = "failed to match all allowed schemas"
                    yield _Problem(pointer, note, self.name)
                message = f"must be less than {self.limit + 1} characters"
                yield _Problem(where, message, self.name)


@dataclass(frozen=True)
class _MaxItems:
    """A list with more than ``limit`` items."""

    name: str
    path: tuple[str, ...]
    limit: int

    def check(self, node: dict, pointer: str) -> Iterator[_Problem]:
        for where, value in _lookup(node, self.path, pointer):
            if isinstance(value, list) and len(value) > self.limit:
                message = f"no more than {self.limit} items allowed"
                yield _Problem(where, message, self.name)


@dataclass(frozen=True)
class _MaxNumber:
    """A number above ``limit``."""

    name: str
    path: tuple[str, ...]
    limit: int

    def check(self, node: dict, pointer: str) -> Iterator[_Problem]:
        for where, value in _lookup(node, self.path, pointer):
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if number and value > self.limit:
                message = f"must be less than or equal to {self.limit}"
                yield _Problem(where, message, self.name)


@dataclass(frozen=True)
class _Required:
    """A missing field; with ``when_block``, only if a block of that type exists."""

    name: str
    field: str
    when_block: str | None = None

    def check(self, node: dict, pointer: str) -> Iterator[_Problem]:
        if self.when_block is not None:
            blocks = node.get("blocks")
            blocks = blocks if isinstance(blocks, list) else []
            types = {b.get("type") for b in blocks if isinstance(b, dict)}
            if self.when_block not in types:
                return
        if node.get(self.field) is None:
            message = f"missing required field: {self.field}"
            yield _Problem(pointer, message, self.name)


@dataclass(frozen=True)
class _Unique:
    """Items of the list at ``path`` repeating the same ``key`` value."""

    name: str
    path: tuple[str, ...]
    key: str

    def check(self, node: dict, pointer: str) -> Iterator[_Problem]:
        for where, items in _lookup(node, self.path, pointer):
            if not isinstance(items, list):
                continue
            seen: set[str] = set()
            for index, item in enumerate(items):
                value = item.get(self.key) if isinstance(item, dict) else None
                if value is None:
                    continue
                if value in seen:
                    where_used = f"{where}/{index}/{self.key}"
                    yield _Problem(where_used, "must be unique", self.name)
                seen.add(value)


_SELECT_RULES = (
    _MaxItems("select_options_100", ("options",), 100),
    _MaxItems("select_option_groups_100", ("option_groups",), 100),
)

# Rules for each kind of node found while walking the blocks. A node's kind
# is its ``type``, or "option" / "confirm" after the key that holds it.
_RULES_BY_KIND = {
    "section": (
        _MaxChars("section_text_3000", ("text", "text"), 3000),
        _MaxItems("section_fields_10", ("fields",), 10),
        _MaxChars("section_field_text_2000", ("fields", "*", "text"), 2000),
    ),
    "header": (_MaxChars("header_text_150", ("text", "text"), 150),),
    "context": (_MaxItems("context_elements_10", ("elements",), 10),),
    "actions": (
        _MaxItems("actions_elements_25", ("elements",), 25),
        _Unique("action_id_unique_in_block", ("elements",), "action_id"),
    ),
    "input": (
        _MaxChars("input_label_2000", ("label", "text"), 2000),
        _MaxChars("input_hint_2000", ("hint", "text"), 2000),
    ),
    "image": (
        _MaxChars("image_alt_text_2000", ("alt_text",), 2000),
        _MaxChars("image_url_3000", ("image_url",), 3000),
    ),
    "button": (
        _MaxChars("button_text_75", ("text", "text"), 75),
        _MaxChars("button_value_2000", ("value",), 2000),
        _MaxChars("button_url_3000", ("url",), 3000),
    ),
    "option": (
        _MaxChars("option_text_75", ("text", "text"), 75),
        _MaxChars("option_value_150", ("value",), 150),
    ),
    "confirm": (
        _MaxChars("confirm_title_100", ("title", "text"), 100),
        _MaxChars("confirm_text_300", ("text", "text"), 300),
        _MaxChars("confirm_confirm_30", ("confirm", "text"), 30),
        _MaxChars("confirm_deny_30", ("deny", "text"), 30),
    ),
    "plain_text_input": (
        _MaxNumber("plain_text_input_max_length_3000", ("max_length",), 3000),
        _MaxNumber("plain_text_input_min_length_3000", ("min_length",), 3000),
    ),
    "static_select": _SELECT_RULES,
    "multi_static_select": _SELECT_RULES,
}

_RULES_FOR_EVERY_NODE = (
    _MaxChars("placeholder_150", ("placeholder", "text"), 150),
    _MaxChars("block_id_255", ("block_id",), 255),
    _MaxChars("action_id_255", ("action_id",), 255),
)

_OPTION_KEYS = frozenset({"options", "initial_option", "initial_options"})

_MESSAGE_RULES = (
    _MaxItems("message_blocks_50", ("blocks",), 50),
    _Unique("block_id_unique_in_message", ("blocks",), "block_id"),
)

_VIEW_COMMON_RULES = (
    _Required("view_blocks_required", "blocks"),
    _MaxItems("view_blocks_100", ("blocks",), 100),
    _Unique("block_id_unique_in_view", ("blocks",), "block_id"),
    _MaxChars("private_metadata_3000", ("private_metadata",), 3000, True),
    _MaxChars("callback_id_255", ("callback_id",), 255),
    _MaxChars("external_id_255", ("external_id",), 255),
)

_VIEW_RULES = {
    "modal": (
        _Required("modal_title_required", "title"),
        _MaxChars("modal_title_24", ("title", "text"), 24),
        _MaxChars("modal_submit_24", ("submit", "text"), 24),
        _MaxChars("modal_close_24", ("close", "text"), 24),
        _Required("modal_submit_with_input_blocks", "submit", when_block="input"),
        *_VIEW_COMMON_RULES,
    ),
    "home": _VIEW_COMMON_RULES,
}


def _node_kind(node: dict, parent_key: str | None) -> str | None:
    if parent_key in _OPTION_KEYS:
        return "option"
    if parent_key == "confirm":
        return "confirm"
    kind = node.get("type")
    return kind if isinstance(kind, str) else None


def _walk(node: Any, pointer: str, parent_key: str | None = None) -> Iterator:
    """Apply the node rules to every object under ``node``, depth first."""
    if isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, f"{pointer}/{index}", parent_key)
        return
    if not isinstance(node, dict):
        return

    rules = _RULES_BY_KIND.get(_node_kind(node, parent_key), ())
    for rule in (*rules, *_RULES_FOR_EVERY_NODE):
        yield from rule.check(node, pointer)
    for key, child in node.items():
        yield from _walk(child, f"{pointer}/{key}", key)


def _block_problems(blocks: list, pointer: str) -> list[_Problem]:
    problems: list[_Problem] = []
    for index, block in enumerate(blocks):
        where = f"{pointer}/{index}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            problems.append(_Problem(where, "missing required field: type"))
            continue
        problems.extend(_walk(block, where))
    return problems


def _surface_problems(surface: dict, rules: Iterable, pointer: str) -> list:
    problems = [p for rule in rules for p in rule.check(surface, pointer)]
    blocks = surface.get("blocks")
    if isinstance(blocks, list):
        problems.extend(_block_problems(blocks, f"{pointer}/blocks"))
    return problems


def _error_lines(problems: list[_Problem]) -> list[str]:
    rules = sorted({problem.rule for problem in problems if problem.rule})
    logger.debug("Refused by the Block Kit rules %s", ", ".join(rules))
    return [f"[ERROR] {problem.text()}" for problem in problems]


def _invalid_arguments(problems: list[_Problem]) -> _ApiError:
    return _ApiError(
        "invalid_arguments", response_metadata={"messages": _error_lines(problems)}
    )


def _missing(name: str) -> _ApiError:
    return _invalid_arguments([_Problem("", f"missing required field: {name}")])


def _check_message_content(
    payload: dict, *, limit_text: bool, status: int = 200
) -> None:
    """Refuse a message body the way chat.* methods do (``no_text``, limits)."""
    text = payload.get("text")
    blocks = payload.get("blocks")
    attachments = payload.get("attachments")
    if not text and not blocks and not attachments:
        raise _ApiError("no_text", status=status)
    if limit_text and isinstance(text, str) and len(text) > TEXT_MAX_CHARS:
        raise _ApiError("msg_too_long", status=status)

    if blocks is not None:
        if not isinstance(blocks, list):
            raise _ApiError("invalid_blocks_format", status=status)
        problems = _surface_problems({"blocks": blocks}, _MESSAGE_RULES, "")
        if problems:
            lines = [problem.text() for problem in problems]
            raise _ApiError(
                "invalid_blocks",
                status=status,
                errors=lines,
                response_metadata={"messages": _error_lines(problems)},
            )

    if isinstance(attachments, list) and len(attachments) > ATTACHMENTS_MAX:
        raise _ApiError("too_many_attachments", status=status)


def _checked_view(args: dict, expected_type: str) -> dict:
    """Return the ``view`` argument once it passes Slack's view rules."""
    view = args.get("view")
    if view is None:
        raise _missing("view")
    if not isinstance(view, dict):
        raise _invalid_arguments([_Problem("/view", "must be an object")])
    if view.get("type") != expected_type:
        message = f"must be equal to {expected_type}"
        raise _invalid_arguments([_Problem("/view/type", message)])

    if "blocks" in view and not isinstance(view["blocks"], list):
        raise _invalid_arguments([_Problem("/view/blocks", "must be an array")])

    size = len(json.dumps(view, separators=(",", ":")).encode("utf-8"))
    if size > VIEW_MAX_BYTES:
        raise _ApiError("view_too_large")

    problems = _surface_problems(view, _VIEW_RULES[expected_type], "/view")
    if problems:
        raise _invalid_arguments(problems)
    return view


# ---------------------------------------------------------------------------
# Ids, timestamps, arguments
# ---------------------------------------------------------------------------


def _ts_micros(ts: Any) -> int:
    """Microseconds since the epoch of a Slack ``ts`` string; ValueError if bad."""
    seconds, _, fraction = str(ts).partition(".")
    if not seconds.isdigit() or (fraction and not fraction.isdigit()):
        raise ValueError(f"not a Slack ts: {ts!r}")
    return int(seconds) * 1_000_000 + int(fraction[:6].ljust(6, "0"))


def _format_ts(micros: int) -> str:
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def _encode_cursor(text: str) -> str:
    return base64.b64encode(text.encode("ascii")).decode("ascii")


def _decode_cursor(cursor: str, prefix: str) -> str:
    try:
        text = base64.b64decode(cursor.encode("ascii"), validate=True).decode()
    except ValueError as error:
        raise _ApiError("invalid_cursor") from error
    if not text.startswith(prefix):
        raise _ApiError("invalid_cursor")
    return text[len(prefix) :]


def _flag(args: dict, name: str) -> bool:
    """A boolean argument as sent in JSON (true) or form ("1", "true")."""
    value = args.get(name)
    if isinstance(value, str):
        return value.lower() in ("1", "true")
    return bool(value)


def _limit(args: dict, default: int, maximum: int) -> int:
    try:
        limit = int(args.get("limit") or default)
    except (TypeError, ValueError) as error:
        raise _ApiError("invalid_limit") from error
    return max(1, min(limit, maximum))


def _decode_args(body: bytes, query: str) -> dict[str, Any]:
    """Arguments from the query string and a JSON or form body.

    JSON or form is decided by the first byte, since slack_sdk sends an empty
    body with a JSON content type for argument-less calls. Raises ValueError
    for a body that starts like JSON but is not.
    """
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    text = body.decode("utf-8").strip()
    if text.startswith("{"):
        args.update(json.loads(text))
    elif text:
        args.update(parse_qsl(text, keep_blank_values=True))

    for name in _JSON_FORM_FIELDS:
        value = args.get(name)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            try:
                args[name] = json.loads(value)
            except ValueError:
                logger.debug("Kept undecodable %s argument as text", name)
    return args


def _bearer(authorization: str | None) -> str | None:
    if authorization and authorization.startswith("Bearer "):
        return authorization[len("Bearer ") :].strip()
    return None


def _thread_root(message: dict) -> str:
    return message.get("thread_ts") or message["ts"]


def _is_hidden_reply(message: dict) -> bool:
    """A thread reply that channel history does not show (not broadcast)."""
    is_reply = _thread_root(message) != message["ts"]
    return is_reply and message.get("subtype") != "thread_broadcast"


# ---------------------------------------------------------------------------
# Workspace state
# ---------------------------------------------------------------------------


@dataclass
class _Channel:
    id: str
    name: str
    is_private: bool
    is_archived: bool
    created: int
    creator: str
    members: list[str]
    is_im: bool = False
    im_user: str | None = None
    messages: dict[str, dict] = field(default_factory=dict)
    last_micros: int = 0
    pins: list[dict] = field(default_factory=list)
    previous_names: list[str] = field(default_factory=list)

    def ordered(self) -> list[dict]:
        return sorted(self.messages.values(), key=lambda m: _ts_micros(m["ts"]))


@dataclass
class _Trigger:
    issued_at: float
    view_id: str | None
    used: bool = False


@dataclass
class _ResponseUrl:
    issued_at: float
    channel_id: str | None
    message_ts: str | None
    uses: int = 0


@dataclass
class _Fault:
    status: int
    retry_after: int
    error: str | None
    remaining: int

    def answer(self) -> tuple[int, dict, dict[str, str]]:
        if self.status == 429:
            body = {"ok": False, "error": self.error or "ratelimited"}
            return 429, body, {"Retry-After": str(self.retry_after)}
        default = _SERVER_ERRORS.get(self.status, "internal_error")
        return self.status, {"ok": False, "error": self.error or default}, {}


class _StandInHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # Slack takes bursts of calls; the default backlog of 5 resets them.
    request_queue_size = socket.SOMAXCONN
    standin: SlackStandIn


class _RequestHandler(BaseHTTPRequestHandler):
    server: _StandInHTTPServer

    def do_POST(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path, _, query = self.path.partition("?")
        status, payload, headers = self.server.standin._handle_http(
            path, query, body, self.headers.get("Authorization")
        )

        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug(format, *args)


class SlackStandIn:
    """Slack's Web API on 127.0.0.1, with a workspace that tests seed.

    ``clock`` (monotonic seconds) times ``trigger_id`` and ``response_url``
    expiry, so a test can expire them without sleeping; ``wall_clock`` (Unix
    seconds) stamps message ``ts`` values, view hashes and recorded calls.
    """

    def __init__(
        self,
        team_id: str = "T0123ABCD",
        domain: str = "acme-eng",
        team_name: str = "Acme Eng",
        bot_user_id: str = "U07PIRBOT01",
        bot_id: str = "B07PIRBOT01",
        app_id: str = "A07KQ3PIR01",
        *,
        bot_name: str = "pirbot",
        scopes: Iterable[str] = DEFAULT_SCOPES,
        home_tab_enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.team_id = team_id
        self.domain = domain
        self.team_name = team_name
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.app_id = app_id
        self.bot_name = bot_name
        self.scopes = tuple(scopes)
        self.home_tab_enabled = home_tab_enabled
        # What apps.connections.open hands out: a Socket Mode server that a
        # test runs (ws://127.0.0.1:...). None answers as an HTTP-only app.
        self.socket_mode_url: str | None = None
        self._clock = clock
        self._wall_clock = wall_clock

        self._lock = threading.RLock()
        self._random = random.Random()
        self._server: _StandInHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._calls: list[Call] = []
        self._faults: dict[str, list[_Fault]] = {}
        self._users: dict[str, dict] = {}
        self._channels: dict[str, _Channel] = {}
        self._views: dict[str, dict] = {}
        self._stacks: dict[str, list[str]] = {}
        self._last_root: str | None = None
        self._homes: dict[str, str] = {}
        self._triggers: dict[str, _Trigger] = {}
        self._response_urls: dict[str, _ResponseUrl] = {}
        # files.getUploadURLExternal reserves an id; the upload fills it.
        self._uploads: dict[str, dict] = {}

        self.add_user(bot_user_id, name=bot_name, real_name="PIR Bot", is_bot=True)

    # -- lifecycle ---------------------------------------------------------

    def start(self) -> SlackStandIn:
        """Serve on a free loopback port in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("the Slack stand-in is already started")
        server = _StandInHTTPServer(("127.0.0.1", 0), _RequestHandler)
        server.standin = self
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="slack-standin",
            daemon=True,
        )
        self._server = server
        self._thread.start()
        logger.debug("Started the Slack stand-in at %s", self.api_url)
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        logger.debug("Stopped the Slack stand-in")

    def __enter__(self) -> SlackStandIn:
        return self if self._server is not None else self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("start() the Slack stand-in first")
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def api_url(self) -> str:
        """What ``WebClient(base_url=...)`` needs; ends in ``/api/``."""
        return f"{self.base_url}api/"

    # -- recorded calls ----------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """A snapshot of every call so far, oldest first."""
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [call for call in self._calls if call.method == method]

    def clear_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Poll until ``method`` was called ``count`` times; AssertionError if not.

        Listeners run in Bolt's threads, so calls may land after the HTTP
        answer. ``timeout`` is in real seconds, whatever ``clock`` says.
        """
        deadline = time.monotonic() + timeout
        while True:
            found = self.calls_to(method)
            if len(found) >= count:
                return found
            if time.monotonic() >= deadline:
                break
            time.sleep(0.01)

        seen = sorted({call.method for call in self.calls})
        raise AssertionError(
            f"expected {count} call(s) to {method} within {timeout}s, "
            f"got {len(found)}; methods seen: {', '.join(seen) or 'none'}"
        )

    def _record(self, method: str, args: dict, **extra: Any) -> None:
        call = Call(method, args, self._wall_clock(), **extra)
        with self._lock:
            self._calls.append(call)
        logger.debug("Received a call to %s", method)

    # -- fault injection ---------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: int = 1,
        error: str | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` with a failure.

        429 comes with an integer ``Retry-After`` (seconds) and ``ratelimited``;
        5xx with a server error; 200 needs ``error`` and answers ``ok: false``.
        ``method`` may also be ``"response_url"``.
        """
        if status == 200 and not error:
            raise ValueError("fail_next(status=200) needs an error string")
        if times < 1:
            raise ValueError("times must be at least 1")
        fault = _Fault(status, int(retry_after), error, times)
        with self._lock:
            self._faults.setdefault(method, []).append(fault)

    def _take_fault(self, method: str) -> _Fault | None:
        with self._lock:
            queue = self._faults.get(method)
            if not queue:
                return None
            fault = queue[0]
            fault.remaining -= 1
            if fault.remaining == 0:
                queue.pop(0)
        logger.debug("Injected a %s answer for %s", fault.status, method)
        return fault

    # -- seeding the workspace ---------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str | None = None,
        tz: str = "UTC",
        deleted: bool = False,
        is_bot: bool = False,
        email: str | None = None,
    ) -> None:
        """Add or replace a user; ``tz`` must be an IANA zone name."""
        ZoneInfo(tz)
        with self._lock:
            self._users[user_id] = {
                "id": user_id,
                "name": name,
                "real_name": real_name or name,
                "tz": tz,
                "deleted": deleted,
                "is_bot": is_bot,
                "email": email,
                "updated": int(self._wall_clock()),
            }

    def remove_user(self, user_id: str) -> None:
        """Forget a user: users.info then answers ``user_not_found``."""
        with self._lock:
            self._users.pop(user_id, None)

    def deactivate_user(self, user_id: str) -> None:
        with self._lock:
            self._users[user_id]["deleted"] = True

    def add_channel(
        self,
        channel_id: str,
        *,
        name: str,
        is_private: bool = False,
        is_archived: bool = False,
        members: Iterable[str] = (),
        bot_member: bool = True,
        created: int | None = None,
        creator: str | None = None,
    ) -> None:
        member_list = list(dict.fromkeys(members))
        if bot_member and self.bot_user_id not in member_list:
            member_list.append(self.bot_user_id)
        channel = _Channel(
            id=channel_id,
            name=name,
            is_private=is_private,
            is_archived=is_archived,
            created=created if created is not None else int(self._wall_clock()),
            creator=creator or (member_list[0] if member_list else ""),
            members=member_list,
        )
        with self._lock:
            self._channels[channel_id] = channel

    def archive_channel(self, channel_id: str) -> None:
        with self._lock:
            self._channel_by_id(channel_id).is_archived = True

    def rename_channel(self, channel_id: str, name: str) -> None:
        with self._lock:
            channel = self._channel_by_id(channel_id)
            channel.previous_names.insert(0, channel.name)
            channel.name = name

    def add_message(
        self,
        channel_id: str,
        *,
        user: str | None = None,
        text: str = "",
        ts: str | None = None,
        thread_ts: str | None = None,
        bot_id: str | None = None,
        attachments: list | None = None,
        blocks: list | None = None,
        files: list | None = None,
        subtype: str | None = None,
    ) -> dict:
        """Put a message in a channel's history and return it.

        ``ts`` is kept as the exact string given, or generated after the
        channel's newest one. ``thread_ts`` makes it a reply.
        """
        message: dict[str, Any] = {"type": "message"}
        optional = {"subtype": subtype, "user": user, "bot_id": bot_id}
        message.update({k: v for k, v in optional.items() if v is not None})
        message.update(text=text, team=self.team_id)
        extras = {"blocks": blocks, "attachments": attachments, "files": files}
        message.update({k: copy.deepcopy(v) for k, v in extras.items() if v})

        with self._lock:
            channel = self._channel_by_id(channel_id)
            if thread_ts is not None:
                self._attach_to_thread(channel, message, thread_ts)
            message["ts"] = self._claim_ts(channel, ts)
            channel.messages[message["ts"]] = message
            return self._render(channel, message)

    def edit_message(self, channel_id: str, ts: str, text: str) -> dict:
        """Change a message's text as its author would; returns the new version."""
        with self._lock:
            channel = self._channel_by_id(channel_id)
            message = channel.messages[ts]
            message["text"] = text
            editor = message.get("user") or self.bot_user_id
            edited_ts = _format_ts(int(self._wall_clock() * 1_000_000))
            message["edited"] = {"user": editor, "ts": edited_ts}
            return self._render(channel, message)

    def delete_message(self, channel_id: str, ts: str) -> dict:
        """Remove a message (its replies stay); returns what was removed."""
        with self._lock:
            channel = self._channel_by_id(channel_id)
            return channel.messages.pop(ts)

    def add_reaction(self, channel_id: str, ts: str, name: str, *, user: str) -> None:
        with self._lock:
            message = self._channel_by_id(channel_id).messages[ts]
            self._react(message, name, user)

    def remove_reaction(
        self, channel_id: str, ts: str, name: str, *, user: str
    ) -> None:
        """Take `user`'s reaction off the message, as a person would."""
        with self._lock:
            message = self._channel_by_id(channel_id).messages[ts]
            reactions = message.get("reactions") or []
            for reaction in reactions:
                if reaction["name"] == name and user in reaction["users"]:
                    reaction["users"].remove(user)
                    reaction["count"] -= 1
            message["reactions"] = [r for r in reactions if r["count"] > 0]
            if not message["reactions"]:
                del message["reactions"]

    def pin_message(self, channel_id: str, ts: str, *, user: str) -> None:
        with self._lock:
            channel = self._channel_by_id(channel_id)
            message = channel.messages[ts]
            message["pinned_to"] = [channel_id]
            pin = {"ts": ts, "created": int(self._wall_clock()), "created_by": user}
            channel.pins.append(pin)

    # -- interactivity handles ---------------------------------------------

    def issue_trigger_id(self, *, view_id: str | None = None) -> str:
        """A trigger usable once within 3 seconds of ``clock``.

        ``view_id`` says which modal the interaction came from, so that
        views.push stacks on it; without it views.push uses the newest modal.
        """
        head = self._random.randrange(10**12, 10**13)
        tail = "".join(self._random.choices("0123456789abcdef", k=32))
        trigger_id = f"{head}.{self._random.randrange(10**12, 10**13)}.{tail}"
        with self._lock:
            self._triggers[trigger_id] = _Trigger(self._clock(), view_id)
        return trigger_id

    def new_response_url(
        self, *, channel_id: str | None = None, message_ts: str | None = None
    ) -> str:
        """A ``response_url`` on the stand-in: 5 posts within 30 minutes.

        With ``channel_id``, ``in_channel`` responses are added to that
        channel's history; with ``message_ts`` too, ``replace_original`` and
        ``delete_original`` act on that message.
        """
        url_id = "".join(self._random.choices(_ALNUM, k=24))
        with self._lock:
            record = _ResponseUrl(self._clock(), channel_id, message_ts)
            self._response_urls[url_id] = record
        return f"{self.base_url}response/{url_id}"

    def close_view(self, view_id: str) -> None:
        """Close a modal view as the user would, with every view above it."""
        with self._lock:
            root = self._views[view_id]["root_view_id"]
            stack = self._stacks.get(root)
            if stack is None:
                raise ValueError(f"{view_id} is not an open modal")
            closed = stack[stack.index(view_id) :]
            del stack[stack.index(view_id) :]
            for closed_id in closed:
                self._views.pop(closed_id, None)
            if not stack:
                self._stacks.pop(root, None)

    def answer_submission(self, view_id: str, answer: dict | None) -> None:
        """Do with a submitted modal what Slack does with the app's answer:
        an empty answer closes it, ``errors`` keeps it open, ``update``
        replaces it, ``push`` stacks a new one and ``clear`` closes them all.
        """
        action = (answer or {}).get("response_action")
        with self._lock:
            current = self._views.get(view_id)
            if current is None or action == "errors":
                return
            if action == "update":
                self._store_view(
                    answer["view"],
                    view_id=view_id,
                    root_id=current["root_view_id"],
                    previous_id=current["previous_view_id"],
                )
                return
            if action == "push":
                stack = self._stacks.get(current["root_view_id"], [])
                stored = self._store_view(
                    answer["view"],
                    root_id=current["root_view_id"],
                    previous_id=view_id,
                )
                stack.append(stored["id"])
                return
            target = current["root_view_id"] if action == "clear" else view_id
        self.close_view(target)

    # -- inspection --------------------------------------------------------

    @property
    def views(self) -> dict[str, dict]:
        """Open modals and published Home views by id, as Slack stores them."""
        with self._lock:
            return copy.deepcopy(self._views)

    def published_home(self, user_id: str) -> dict | None:
        with self._lock:
            view_id = self._homes.get(user_id)
            return copy.deepcopy(self._views[view_id]) if view_id else None

    def direct_messages(self, user_id: str) -> list[dict]:
        """What the bot wrote to `user_id` directly, oldest first; each
        message names its ``channel`` (the ``D…`` id)."""
        with self._lock:
            for channel in self._channels.values():
                if channel.is_im and channel.im_user == user_id:
                    return [
                        {**self._render(channel, m), "channel": channel.id}
                        for m in channel.ordered()
                    ]
        return []

    def uploaded_file(self, file_id: str) -> bytes | None:
        """The bytes uploaded for a file, or None."""
        with self._lock:
            upload = self._uploads.get(file_id)
            return None if upload is None else upload.get("data")

    def shared_files(self, channel_id: str) -> list[dict]:
        """Files shared into a channel, oldest first, each with its bytes as
        ``content``."""
        shared = []
        for message in self.messages(channel_id):
            for file in message.get("files") or []:
                shared.append({**file, "content": self.uploaded_file(file["id"])})
        return shared

    def messages(self, channel_id: str) -> list[dict]:
        """Every message in the channel, thread replies included, oldest first."""
        with self._lock:
            channel = self._channel_by_id(channel_id)
            return [self._render(channel, m) for m in channel.ordered()]

    # -- internals: state helpers ------------------------------------------

    def _channel_by_id(self, channel_id: str) -> _Channel:
        channel = self._channels.get(channel_id)
        if channel is None:
            raise KeyError(f"no channel {channel_id}; add_channel() it first")
        return channel

    def _claim_ts(self, channel: _Channel, ts: str | None) -> str:
        """Take ``ts`` (or a new one after the channel's newest) for a message."""
        if ts is None:
            now = int(self._wall_clock() * 1_000_000)
            micros = max(now, channel.last_micros + 1)
            ts = _format_ts(micros)
        else:
            micros = _ts_micros(ts)
            if ts in channel.messages:
                raise ValueError(f"{channel.id} already has a message at {ts}")
        channel.last_micros = max(channel.last_micros, micros)
        return ts

    def _attach_to_thread(self, channel: _Channel, message: dict, ts: str) -> None:
        parent = channel.messages.get(ts)
        if parent is not None and _thread_root(parent) != parent["ts"]:
            ts = _thread_root(parent)
            parent = channel.messages.get(ts)
        message["thread_ts"] = ts
        if parent is not None and parent.get("user"):
            message["parent_user_id"] = parent["user"]

    def _render(self, channel: _Channel, message: dict) -> dict:
        """A copy of a stored message with the thread summary Slack adds."""
        rendered = copy.deepcopy(message)
        ts = message["ts"]
        replies = sorted(
            (
                m
                for m in channel.messages.values()
                if m.get("thread_ts") == ts and m["ts"] != ts
            ),
            key=lambda m: _ts_micros(m["ts"]),
        )
        if replies:
            users = list(
                dict.fromkeys(r.get("user") or r.get("bot_id") for r in replies)
            )
            rendered.update(
                thread_ts=ts,
                reply_count=len(replies),
                reply_users=users,
                reply_users_count=len(users),
                latest_reply=replies[-1]["ts"],
            )
        return rendered

    def _react(self, message: dict, name: str, user: str) -> None:
        reactions = message.setdefault("reactions", [])
        for reaction in reactions:
            if reaction["name"] == name:
                if user in reaction["users"]:
                    raise _ApiError("already_reacted")
                reaction["users"].append(user)
                reaction["count"] += 1
                return
        reactions.append({"name": name, "users": [user], "count": 1})

    def _permalink(self, channel: _Channel, message: dict) -> str:
        ts = message["ts"]
        archive = f"https://{self.domain}.slack.com/archives/{channel.id}"
        link = f"{archive}/p{ts.replace('.', '')}"
        root = _thread_root(message)
        if root != ts:
            link += f"?thread_ts={root}&cid={channel.id}"
        return link

    def _im_with(self, user_id: str) -> _Channel:
        for channel in self._channels.values():
            if channel.is_im and channel.im_user == user_id:
                return channel
        channel_id = "D" + "".join(self._random.choices(_UPPER_ALNUM, k=10))
        channel = _Channel(
            id=channel_id,
            name=user_id,
            is_private=True,
            is_archived=False,
            created=int(self._wall_clock()),
            creator=user_id,
            members=[user_id, self.bot_user_id],
            is_im=True,
            im_user=user_id,
        )
        self._channels[channel_id] = channel
        return channel

    def _posting_target(self, value: Any) -> str:
        """The channel id to post to, from an id, a ``#name`` or a user id."""
        target = str(value or "")
        if target in self._channels:
            return target
        if target in self._users:
            return self._im_with(target).id
        for channel in self._channels.values():
            if not channel.is_im and channel.name == target.removeprefix("#"):
                return channel.id
        return target

    # -- internals: request handling ---------------------------------------

    def _handle_http(
        self, path: str, query: str, body: bytes, authorization: str | None
    ) -> tuple[int, dict, dict[str, str]]:
        if path.startswith("/api/"):
            method = path[len("/api/") :]
            return self._handle_api(method, query, body, authorization)
        if path.startswith("/response/"):
            return self._handle_response_url(path, body)
        if path.startswith("/upload/"):
            return self._handle_upload(path[len("/upload/") :], body)
        return 404, {"ok": False, "error": "not_found"}, {}

    def _handle_upload(
        self, file_id: str, body: bytes
    ) -> tuple[int, dict, dict[str, str]]:
        """The second step of a file upload: the bytes, to the URL Slack gave."""
        self._record("file_upload", {"file_id": file_id, "length": len(body)})
        with self._lock:
            upload = self._uploads.get(file_id)
            if upload is None or upload.get("data") is not None:
                return 404, {"ok": False, "error": "invalid_upload_url"}, {}
            upload["data"] = body
        return 200, {"ok": True}, {}

    def _handle_api(
        self, method: str, query: str, body: bytes, authorization: str | None
    ) -> tuple[int, dict, dict[str, str]]:
        try:
            args: dict | None = _decode_args(body, query)
        except ValueError:
            args = None
        form_token = args.pop("token", None) if args else None
        token = _bearer(authorization) or form_token
        self._record(method, args or {}, token=token)
        if args is None:
            return 200, {"ok": False, "error": "invalid_json"}, {}

        fault = self._take_fault(method)
        if fault is not None:
            return fault.answer()
        handler = self._METHODS.get(method)
        if handler is None:
            return 200, {"ok": False, "error": "unknown_method"}, {}

        try:
            _check_token(token, app_level=method in _APP_LEVEL_METHODS)
            with self._lock:
                answer = handler(self, args)
        except _ApiError as error:
            logger.debug("Answered %s with %s", method, error)
            return error.status, error.body, {}

        headers = {}
        if method == "auth.test":
            headers["x-oauth-scopes"] = ",".join(self.scopes)
        return 200, {"ok": True, **answer}, headers

    def _handle_response_url(
        self, path: str, body: bytes
    ) -> tuple[int, dict, dict[str, str]]:
        url_id = path[len("/response/") :]
        try:
            payload: dict | None = _decode_args(body, "")
        except ValueError:
            payload = None
        self._record("response_url", payload or {}, url=self.base_url + path[1:])
        if payload is None:
            return 400, {"ok": False, "error": "invalid_payload"}, {}

        fault = self._take_fault("response_url")
        if fault is not None:
            return fault.answer()
        try:
            with self._lock:
                self._respond(url_id, payload)
        except _ApiError as error:
            logger.debug("Refused a response_url post with %s", error)
            return error.status, error.body, {}
        return 200, {"ok": True}, {}

    def _respond(self, url_id: str, payload: dict) -> None:
        """Apply one post to a response_url.

        Errors are HTTP statuses as for webhooks; the error names for unknown,
        expired and used-up URLs are the stand-in's own.
        """
        record = self._response_urls.get(url_id)
        if record is None:
            raise _ApiError("no_service", status=404)
        if self._clock() - record.issued_at > RESPONSE_URL_TTL_SECONDS:
            raise _ApiError("expired_url", status=404)
        if record.uses >= RESPONSE_URL_MAX_USES:
            raise _ApiError("used_url", status=404)
        if not _flag(payload, "delete_original"):
            _check_message_content(payload, limit_text=False, status=400)
        record.uses += 1

        channel = self._channels.get(record.channel_id or "")
        if channel is None:
            return
        original = channel.messages.get(record.message_ts or "")
        if original is not None and _flag(payload, "delete_original"):
            del channel.messages[original["ts"]]
        elif original is not None and _flag(payload, "replace_original"):
            for key in ("text", "blocks", "attachments"):
                if key in payload:
                    original[key] = copy.deepcopy(payload[key])
        elif payload.get("response_type") == "in_channel":
            self._post_bot_message(channel, payload)

    # -- Web API methods ---------------------------------------------------
    # Each takes the decoded arguments and returns the answer without "ok",
    # or raises _ApiError. They run under self._lock.

    def _auth_test(self, args: dict) -> dict:
        return {
            "url": f"https://{self.domain}.slack.com/",
            "team": self.team_name,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _channel_arg(self, args: dict, *, member: bool = True) -> _Channel:
        """The ``channel`` argument as Slack resolves it for the bot.

        Private channels the bot is not in do not exist for it; ``member``
        asks for membership (``not_in_channel``).
        """
        channel = self._channels.get(str(args.get("channel") or ""))
        is_member = channel is not None and self.bot_user_id in channel.members
        if channel is None or (channel.is_private and not is_member):
            raise _ApiError("channel_not_found")
        if member and not is_member:
            raise _ApiError("not_in_channel")
        return channel

    def _message_arg(self, channel: _Channel, ts: Any) -> dict:
        message = channel.messages.get(str(ts)) if ts else None
        if message is None:
            raise _ApiError("message_not_found")
        return message

    def _writable_channel(self, args: dict) -> _Channel:
        target = self._posting_target(args.get("channel"))
        channel = self._channel_arg({"channel": target}, member=False)
        if channel.is_archived:
            raise _ApiError("is_archived")
        if self.bot_user_id not in channel.members:
            raise _ApiError("not_in_channel")
        return channel

    def _post_bot_message(self, channel: _Channel, args: dict) -> dict:
        message: dict[str, Any] = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "text": str(args.get("text") or "")[:TEXT_MAX_CHARS],
            "team": self.team_id,
        }
        for key in ("blocks", "attachments", "metadata"):
            if args.get(key):
                message[key] = copy.deepcopy(args[key])
        thread_ts = args.get("thread_ts")
        if thread_ts:
            self._attach_to_thread(channel, message, str(thread_ts))
            if _flag(args, "reply_broadcast"):
                message["subtype"] = "thread_broadcast"
        message["ts"] = self._claim_ts(channel, None)
        channel.messages[message["ts"]] = message
        return message

    def _chat_post_message(self, args: dict) -> dict:
        _check_message_content(args, limit_text=False)
        channel = self._writable_channel(args)
        message = self._post_bot_message(channel, args)
        return {
            "channel": channel.id,
            "ts": message["ts"],
            "message": self._render(channel, message),
        }

    def _chat_post_ephemeral(self, args: dict) -> dict:
        """Ephemeral messages are not kept; read them from ``calls_to``."""
        _check_message_content(args, limit_text=True)
        channel = self._writable_channel(args)
        if args.get("user") not in channel.members:
            raise _ApiError("user_not_in_channel")
        return {"message_ts": self._claim_ts(channel, None)}

    def _chat_update(self, args: dict) -> dict:
        _check_message_content(args, limit_text=True)
        channel = self._channel_arg(args, member=False)
        message = self._message_arg(channel, args.get("ts"))
        own = message.get("bot_id") == self.bot_id
        if not own and message.get("user") != self.bot_user_id:
            raise _ApiError("cant_update_message")

        if "text" in args:
            message["text"] = str(args["text"] or "")
        for key in ("blocks", "attachments"):
            if args.get(key) is not None:
                message[key] = copy.deepcopy(args[key])
        edited_ts = _format_ts(int(self._wall_clock() * 1_000_000))
        message["edited"] = {"user": self.bot_user_id, "ts": edited_ts}

        return {
            "channel": channel.id,
            "ts": message["ts"],
            "text": message.get("text", ""),
            "message": self._render(channel, message),
        }

    def _chat_get_permalink(self, args: dict) -> dict:
        channel = self._channel_arg(args, member=False)
        message = self._message_arg(channel, args.get("message_ts"))
        return {"channel": channel.id, "permalink": self._permalink(channel, message)}

    def _conversation_object(self, channel: _Channel) -> dict:
        if channel.is_im:
            return {
                "id": channel.id,
                "created": channel.created,
                "is_im": True,
                "is_org_shared": False,
                "user": channel.im_user,
                "is_archived": False,
            }
        return {
            "id": channel.id,
            "name": channel.name,
            "name_normalized": channel.name,
            "is_channel": not channel.is_private,
            "is_group": channel.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": channel.is_private,
            "is_archived": channel.is_archived,
            "is_general": False,
            "is_shared": False,
            "is_ext_shared": False,
            "is_org_shared": False,
            "is_member": self.bot_user_id in channel.members,
            "created": channel.created,
            "creator": channel.creator,
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "previous_names": list(channel.previous_names),
        }

    def _conversations_info(self, args: dict) -> dict:
        channel = self._channel_arg(args, member=False)
        info = self._conversation_object(channel)
        if _flag(args, "include_num_members"):
            info["num_members"] = len(channel.members)
        return {"channel": info}

    def _ts_range(self, args: dict) -> Callable[[dict], bool]:
        """A filter for the ``oldest``/``latest``/``inclusive`` arguments."""
        try:
            oldest = _ts_micros(args.get("oldest") or "0")
        except ValueError as error:
            raise _ApiError("invalid_ts_oldest") from error
        try:
            latest = _ts_micros(args["latest"]) if args.get("latest") else None
        except ValueError as error:
            raise _ApiError("invalid_ts_latest") from error
        inclusive = _flag(args, "inclusive")

        def within(message: dict) -> bool:
            micros = _ts_micros(message["ts"])
            after = micros >= oldest if inclusive else micros > oldest
            if latest is None:
                return after
            before = micros <= latest if inclusive else micros < latest
            return after and before

        return within

    def _message_page(
        self,
        channel: _Channel,
        messages: list[dict],
        args: dict,
        *,
        newest_first: bool,
    ) -> dict:
        """One page of messages; the cursor holds the ts of the next one."""
        if args.get("cursor"):
            start = _ts_micros(_decode_cursor(str(args["cursor"]), "next_ts:"))
            if newest_first:
                messages = [m for m in messages if _ts_micros(m["ts"]) <= start]
            else:
                messages = [m for m in messages if _ts_micros(m["ts"]) >= start]

        limit = _limit(args, HISTORY_DEFAULT_LIMIT, HISTORY_MAX_LIMIT)
        page, rest = messages[:limit], messages[limit:]
        next_cursor = _encode_cursor(f"next_ts:{rest[0]['ts']}") if rest else ""
        return {
            "messages": [self._render(channel, m) for m in page],
            "has_more": bool(rest),
            "response_metadata": {"next_cursor": next_cursor},
        }

    def _conversations_history(self, args: dict) -> dict:
        """Top-level messages (and broadcast replies), newest first."""
        channel = self._channel_arg(args)
        within = self._ts_range(args)
        messages = [
            m for m in channel.ordered() if not _is_hidden_reply(m) and within(m)
        ]
        messages.reverse()
        answer = self._message_page(channel, messages, args, newest_first=True)
        return {**answer, "pin_count": len(channel.pins)}

    def _conversations_replies(self, args: dict) -> dict:
        """The thread parent first, then its replies oldest first."""
        channel = self._channel_arg(args)
        if not args.get("ts"):
            raise _missing("ts")
        message = channel.messages.get(str(args["ts"]))
        if message is None:
            raise _ApiError("thread_not_found")

        root = _thread_root(message)
        within = self._ts_range(args)
        thread = [m for m in channel.ordered() if _thread_root(m) == root and within(m)]
        return self._message_page(channel, thread, args, newest_first=False)

    def _conversations_members(self, args: dict) -> dict:
        channel = self._channel_arg(args, member=False)
        start = 0
        if args.get("cursor"):
            offset = _decode_cursor(str(args["cursor"]), "offset:")
            if not offset.isdigit():
                raise _ApiError("invalid_cursor")
            start = int(offset)

        end = start + _limit(args, 100, 1000)
        members = channel.members[start:end]
        more = end < len(channel.members)
        next_cursor = _encode_cursor(f"offset:{end}") if more else ""
        return {"members": members, "response_metadata": {"next_cursor": next_cursor}}

    def _users_info(self, args: dict) -> dict:
        """The user, with ``tz_offset`` (seconds) as of ``wall_clock``.

        ``tz_label`` is the zone's abbreviation (Slack spells out a name).
        """
        user = self._users.get(args.get("user", ""))
        if user is None:
            raise _ApiError("user_not_found")

        now = datetime.fromtimestamp(self._wall_clock(), ZoneInfo(user["tz"]))
        offset = now.utcoffset()
        profile = {
            "real_name": user["real_name"],
            "display_name": user["name"],
            "real_name_normalized": user["real_name"],
            "display_name_normalized": user["name"],
            "image_48": f"https://avatars.example/{user['name']}_48.png",
            "team": self.team_id,
        }
        if user["email"]:
            profile["email"] = user["email"]
        fields = ("id", "name", "real_name", "deleted", "is_bot", "tz", "updated")
        answer = {key: user[key] for key in fields}
        answer.update(
            team_id=self.team_id,
            is_app_user=False,
            tz_label=now.tzname(),
            tz_offset=int(offset.total_seconds()) if offset else 0,
            profile=profile,
        )
        return {"user": answer}

    def _reactions_add(self, args: dict) -> dict:
        channel = self._channel_arg(args, member=False)
        name = args.get("name")
        if not name or not isinstance(name, str) or " " in name:
            raise _ApiError("invalid_name")
        message = self._message_arg(channel, args.get("timestamp"))
        self._react(message, name, self.bot_user_id)
        return {}

    def _reactions_remove(self, args: dict) -> dict:
        channel = self._channel_arg(args, member=False)
        name = args.get("name")
        message = self._message_arg(channel, args.get("timestamp"))
        for reaction in message.get("reactions") or []:
            if reaction["name"] == name and self.bot_user_id in reaction["users"]:
                break
        else:
            raise _ApiError("no_reaction")
        reaction["users"].remove(self.bot_user_id)
        reaction["count"] -= 1
        message["reactions"] = [r for r in message["reactions"] if r["count"] > 0]
        if not message["reactions"]:
            del message["reactions"]
        return {}

    def _reactions_get(self, args: dict) -> dict:
        channel = self._channel_arg(args, member=False)
        message = self._message_arg(channel, args.get("timestamp"))
        rendered = self._render(channel, message)
        rendered["permalink"] = self._permalink(channel, message)
        return {"type": "message", "channel": channel.id, "message": rendered}

    def _team_info(self, args: dict) -> dict:
        if args.get("team") and args["team"] != self.team_id:
            raise _ApiError("team_not_found")
        icon = {
            "image_68": "https://avatars.example/team_68.png",
            "image_default": True,
        }
        team = {
            "id": self.team_id,
            "name": self.team_name,
            "domain": self.domain,
            "email_domain": "",
            "icon": icon,
        }
        return {"team": team}

    def _pins_list(self, args: dict) -> dict:
        channel = self._channel_arg(args, member=False)
        items = []
        for pin in channel.pins:
            message = channel.messages.get(pin["ts"])
            if message is None:
                continue
            rendered = self._render(channel, message)
            rendered["permalink"] = self._permalink(channel, message)
            item = {"type": "message", "channel": channel.id, "message": rendered}
            item.update(created=pin["created"], created_by=pin["created_by"])
            items.append(item)
        return {"items": items}

    # -- views ---------------------------------------------------------------

    def _redeemable_trigger(self, args: dict) -> _Trigger:
        """The trigger to use; the caller marks it used once the call succeeds."""
        trigger_id = args.get("trigger_id") or args.get("interactivity_pointer")
        if not trigger_id:
            raise _missing("trigger_id")
        trigger = self._triggers.get(trigger_id)
        if trigger is None:
            raise _ApiError("invalid_trigger_id")
        if trigger.used:
            raise _ApiError("exchanged_trigger_id")
        if self._clock() - trigger.issued_at > TRIGGER_TTL_SECONDS:
            raise _ApiError("expired_trigger_id")
        return trigger

    def _check_external_id(self, view: dict, keep: str | None = None) -> None:
        external_id = view.get("external_id")
        if not external_id:
            return
        for view_id, stored in self._views.items():
            if stored["external_id"] == external_id and view_id != keep:
                raise _ApiError("duplicate_external_id")

    def _store_view(
        self,
        view: dict,
        *,
        view_id: str | None = None,
        root_id: str | None = None,
        previous_id: str | None = None,
    ) -> dict:
        """Keep ``view`` normalised as Slack echoes it; return a copy."""
        view_id = view_id or "V" + "".join(self._random.choices(_UPPER_ALNUM, k=10))
        stamp = "".join(self._random.choices(_ALNUM, k=8))
        default_title = {"type": "plain_text", "text": "View Title", "emoji": True}
        stored = {
            "id": view_id,
            "team_id": self.team_id,
            "type": view["type"],
            "blocks": self._normalised_blocks(view["blocks"]),
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "state": {"values": {}},
            "hash": f"{int(self._wall_clock())}.{stamp}",
            "title": copy.deepcopy(view.get("title", default_title)),
            "clear_on_close": bool(view.get("clear_on_close", False)),
            "notify_on_close": bool(view.get("notify_on_close", False)),
            "close": copy.deepcopy(view.get("close")),
            "submit": copy.deepcopy(view.get("submit")),
            "previous_view_id": previous_id,
            "root_view_id": root_id or view_id,
            "app_id": self.app_id,
            "external_id": view.get("external_id", ""),
            "app_installed_team_id": self.team_id,
            "bot_id": self.bot_id,
        }
        self._views[view_id] = stored
        return copy.deepcopy(stored)

    def _normalised_blocks(self, blocks: list[dict]) -> list[dict]:
        """Blocks with the random ``block_id``/``action_id`` Slack fills in."""
        blocks = copy.deepcopy(blocks)
        for block in blocks:
            block.setdefault("block_id", self._short_id())
            if block["type"] == "input":
                elements = [block.get("element")]
            elif block["type"] == "actions":
                elements = block.get("elements") or []
            else:
                elements = [block.get("accessory")]
            for element in elements:
                if isinstance(element, dict):
                    element.setdefault("action_id", self._short_id())
        return blocks

    def _short_id(self) -> str:
        return "".join(self._random.choices(_ALNUM, k=5))

    def _views_open(self, args: dict) -> dict:
        view = _checked_view(args, "modal")
        self._check_external_id(view)
        trigger = self._redeemable_trigger(args)
        stored = self._store_view(view)
        self._stacks[stored["id"]] = [stored["id"]]
        self._last_root = stored["id"]
        trigger.used = True
        return {"view": stored}

    def _views_push(self, args: dict) -> dict:
        """Push on the trigger's modal, else the newest one; 3 views at most.

        With no modal open it opens one, as views.open would.
        """
        view = _checked_view(args, "modal")
        self._check_external_id(view)
        trigger = self._redeemable_trigger(args)
        source = self._views.get(trigger.view_id or "")
        root = source["root_view_id"] if source else self._last_root
        if root not in self._stacks:
            return self._views_open(args)

        stack = self._stacks[root]
        if len(stack) >= VIEW_STACK_MAX:
            raise _ApiError("push_limit_reached")
        stored = self._store_view(view, root_id=root, previous_id=stack[-1])
        stack.append(stored["id"])
        self._last_root = root
        trigger.used = True
        return {"view": stored}

    def _views_update(self, args: dict) -> dict:
        if args.get("view_id"):
            current = self._views.get(args["view_id"])
        elif args.get("external_id"):
            by_external_id = {v["external_id"]: v for v in self._views.values()}
            current = by_external_id.get(args["external_id"])
        else:
            raise _missing("view_id")
        if current is None:
            raise _ApiError("not_found")

        view = _checked_view(args, current["type"])
        if args.get("hash") and args["hash"] != current["hash"]:
            raise _ApiError("hash_conflict")
        self._check_external_id(view, keep=current["id"])
        stored = self._store_view(
            view,
            view_id=current["id"],
            root_id=current["root_view_id"],
            previous_id=current["previous_view_id"],
        )
        return {"view": stored}

    def _views_publish(self, args: dict) -> dict:
        user_id = args.get("user_id")
        if not user_id:
            raise _missing("user_id")
        view = _checked_view(args, "home")
        if not self.home_tab_enabled:
            raise _ApiError("not_enabled")

        current_id = self._homes.get(user_id)
        current = self._views.get(current_id or "")
        if args.get("hash") and current and args["hash"] != current["hash"]:
            raise _ApiError("hash_conflict")
        self._check_external_id(view, keep=current_id)
        stored = self._store_view(view, view_id=current_id)
        self._homes[user_id] = stored["id"]
        return {"view": stored}

    def _files_get_upload_url_external(self, args: dict) -> dict:
        filename = str(args.get("filename") or "")
        length = str(args.get("length") or "")
        if not filename:
            raise _missing("filename")
        if not length.isdigit():
            raise _missing("length")
        file_id = "F" + "".join(self._random.choices(_UPPER_ALNUM, k=10))
        self._uploads[file_id] = {
            "filename": filename,
            "length": int(length),
            "data": None,
        }
        return {"upload_url": f"{self.base_url}upload/{file_id}", "file_id": file_id}

    def _files_complete_upload_external(self, args: dict) -> dict:
        """Share uploaded files in a channel, as one message with them."""
        try:
            wanted = json.loads(args.get("files") or "[]")
        except (TypeError, json.JSONDecodeError):
            raise _ApiError("invalid_arguments") from None
        if not isinstance(wanted, list) or not wanted:
            raise _missing("files")
        channel = self._writable_channel({"channel": args.get("channel_id")})
        shared = []
        for entry in wanted:
            upload = self._uploads.get(str((entry or {}).get("id")))
            if upload is None or upload["data"] is None:
                raise _ApiError("file_not_found")
            if len(upload["data"]) != upload["length"]:
                raise _ApiError("file_size_mismatch")
            file_id = entry["id"]
            shared.append(
                {
                    "id": file_id,
                    "name": upload["filename"],
                    "title": entry.get("title") or upload["filename"],
                    "size": upload["length"],
                    "permalink": f"https://{self.domain}.slack.com/files/"
                    f"{self.bot_user_id}/{file_id}/{upload['filename']}",
                }
            )
        message = self._post_bot_message(
            channel,
            {
                "text": args.get("initial_comment") or "",
                "thread_ts": args.get("thread_ts"),
            },
        )
        message["files"] = copy.deepcopy(shared)
        return {"files": shared}

    def _apps_connections_open(self, args: dict) -> dict:
        if self.socket_mode_url is None:
            raise _ApiError("socket_mode_not_enabled")
        return {"url": self.socket_mode_url}

    _METHODS: dict[str, Callable[[SlackStandIn, dict], dict]] = {
        "apps.connections.open": _apps_connections_open,
        "auth.test": _auth_test,
        "chat.postMessage": _chat_post_message,
        "chat.postEphemeral": _chat_post_ephemeral,
        "chat.update": _chat_update,
        "chat.getPermalink": _chat_get_permalink,
        "conversations.info": _conversations_info,
        "conversations.history": _conversations_history,
        "conversations.replies": _conversations_replies,
        "conversations.members": _conversations_members,
        "users.info": _users_info,
        "reactions.add": _reactions_add,
        "reactions.get": _reactions_get,
        "reactions.remove": _reactions_remove,
        "team.info": _team_info,
        "pins.list": _pins_list,
        "views.open": _views_open,
        "views.push": _views_push,
        "views.update": _views_update,
        "views.publish": _views_publish,
        "files.getUploadURLExternal": _files_get_upload_url_external,
        "files.completeUploadExternal": _files_complete_upload_external,
    }


# Methods that take an app-level token (xapp-) instead of a bot token.
_APP_LEVEL_METHODS = frozenset({"apps.connections.open"})


def _check_token(token: str | None, *, app_level: bool = False) -> None:
    if not token:
        raise _ApiError("not_authed")
    if app_level:
        if not token.startswith("xapp-"):
            raise _ApiError("not_allowed_token_type")
    elif not token.startswith(("xoxb-", "xoxp-")):
        raise _ApiError("invalid_auth")
