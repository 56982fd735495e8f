"""What a request from Slack always looks like.

Slack signs what it sends and sends it in one shape: ids are short upper-case
strings, message timestamps are `"1733240000.123456"`, a button's value is a
string, a modal's state is a mapping. A request that breaks that shape (a
field of the wrong type, an id a hundred thousand characters long, a NUL or
a lone surrogate that no database text column can hold) did not come from
Slack as Slack documents it. It is answered 200, so that Slack does not
retry it, logged with the place of the first problem (never the values),
and reaches no listener: the listeners may rely on the shape and only need
to be careful with what people type.

Two guards apply the same check. `RequestScreen` runs in the HTTP server
before Bolt, once the signature is known to be good, because Bolt's own
reading of a request fails on some malformed bodies before any middleware
runs. In Socket Mode the connection asks `in_shape` before Bolt sees a
request. `IgnoreMalformedRequests`, a Bolt middleware, also checks what
Bolt made of the request (the workspace it found) on either path.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from enum import StrEnum
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier

logger = logging.getLogger(__name__)

_ID = re.compile(r"[A-Z][A-Z0-9]{1,31}")
_TS = re.compile(r"\d{1,12}\.\d{1,6}")
_KIND = re.compile(r"[a-z_]{1,40}")
_URL = re.compile(r"https?://[^\s/]+/\S*")

# Keys that hold a Slack id, or an object whose "id" is one.
_ID_KEYS = frozenset(
    {
        "api_app_id",
        "app_id",
        "app_installed_team_id",
        "bot_id",
        "channel",
        "channel_id",
        "context_team_id",
        "enterprise",
        "enterprise_id",
        "inviter",
        "item_user",
        "parent_user_id",
        "source_team",
        "team",
        "team_id",
        "user",
        "user_id",
        "user_team",
    }
)
_TS_KEYS = frozenset(
    {"ts", "thread_ts", "deleted_ts", "message_ts", "event_ts", "action_ts"}
)
# Keys that hold a string of at most so many characters.
_STRING_KEYS = {
    "type": 100,
    "subtype": 100,
    "reaction": 100,
    "command": 32,
    "event_id": 64,
    "callback_id": 255,
    "action_id": 255,
    "block_id": 255,
    "trigger_id": 255,
    "name": 255,
    "response_url": 1000,
    "private_metadata": 3000,
    "value": 3000,
    "text": 50_000,
}
# Keys that hold an object when they are there.
_OBJECT_KEYS = frozenset(
    {"message", "previous_message", "edited", "item", "container", "root", "view"}
)
# Keys whose text may also be a Block Kit text object, or absent (None).
_OBJECT_ALLOWED = frozenset({"text"})
_NONE_ALLOWED = frozenset({"value", "text"})
# Free-form parts of a payload (attachments of monitoring tools carry
# integer timestamps, blocks carry anything): only their strings are checked.
_FREE_FORM = frozenset(
    {
        "attachments",
        "blocks",
        "bot_profile",
        "files",
        "icons",
        "metadata",
        "pinned_info",
        "reactions",
        "user_profile",
        "title",
        "submit",
        "close",
        "state",
        "selected_option",
        "selected_options",
        "initial_option",
    }
)
# Longer than any text Slack sends (messages stop at 40,000 characters).
_LONGEST_STRING = 50_000
_SURROGATES = re.compile("[\ud800-\udfff]")


class Malformed(Exception):
    """The request is not in Slack's shape; the message names where."""


def check(body: Any) -> None:
    """Raise Malformed unless `body` is in the shape Slack sends."""
    if not isinstance(body, dict):
        raise Malformed("the body is not an object")
    if body.get("type") in _BOLT_ANSWERS or "ssl_check" in body:
        return  # Bolt answers these itself, before any listener
    _check_strings(body, "")
    _check_fields(body, "")
    _check_workspace(body)
    if body.get("type") == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise Malformed("event has no type")
    elif "command" in body:
        for key in ("user_id", "channel_id", "response_url", "trigger_id"):
            if not isinstance(body.get(key), str):
                raise Malformed(f"{key} is missing")
    else:
        _check_interaction(body)


def _check_workspace(body: dict) -> None:
    """Some field must name the workspace, in one of the places Slack uses."""
    authorizations = body.get("authorizations")
    if authorizations is not None and not (
        isinstance(authorizations, list)
        and all(isinstance(item, dict) for item in authorizations)
    ):
        raise Malformed("authorizations is not a list of objects")
    places = [body.get("team_id"), body.get("team")]
    for holder in ("user", "view", "event"):
        if isinstance(body.get(holder), dict):
            places.append(body[holder].get("team_id") or body[holder].get("team"))
    places += [item.get("team_id") for item in authorizations or []]
    named = [p.get("id") if isinstance(p, dict) else p for p in places]
    if not any(isinstance(name, str) and name for name in named):
        raise Malformed("no workspace id")


# Requests about the app rather than a workspace's activity.
_BOLT_ANSWERS = frozenset({"url_verification", "app_rate_limited"})

# What each kind of interaction must carry for Bolt to route it.
_ROUTED_BY = {
    "shortcut": "callback_id",
    "message_action": "callback_id",
    "block_suggestion": "action_id",
}


# Interactions that always come with a trigger id, to open a modal with.
_TRIGGERED = frozenset(
    {"block_actions", "shortcut", "message_action", "view_submission"}
)


def _check_interaction(body: dict) -> None:
    kind = body.get("type")
    if not isinstance(kind, str):
        raise Malformed("type is missing")
    if not isinstance(body.get("user"), dict):
        raise Malformed("user is missing")
    if kind in _ROUTED_BY and not isinstance(body.get(_ROUTED_BY[kind]), str):
        raise Malformed(f"{_ROUTED_BY[kind]} is missing")
    if kind == "block_actions":
        actions = body.get("actions")
        if not (
            isinstance(actions, list)
            and actions
            and all(
                isinstance(a, dict) and isinstance(a.get("action_id"), str)
                for a in actions
            )
        ):
            raise Malformed("actions are missing")
    urls = body.get("response_urls", [])
    if not isinstance(urls, list) or not all(
        isinstance(url, dict) and isinstance(url.get("response_url"), str)
        for url in urls
    ):
        raise Malformed("response_urls is not a list of response URLs")
    if kind == "message_action" and "response_url" not in body:
        raise Malformed("response_url is missing")
    if kind in _TRIGGERED and not isinstance(body.get("trigger_id"), str):
        raise Malformed("trigger_id is missing")
    if kind in ("view_submission", "view_closed"):
        view = body.get("view")
        if not isinstance(view, dict) or not isinstance(view.get("callback_id"), str):
            raise Malformed("view has no callback_id")
    _check_view_state(body.get("view"))


def _check_strings(node: Any, where: str) -> None:
    """No string may hold NUL or a lone surrogate, or be absurdly long."""
    if isinstance(node, str):
        if "\x00" in node or _SURROGATES.search(node):
            raise Malformed(f"{where or 'a string'} holds NUL or a lone surrogate")
        if len(node) > _LONGEST_STRING:
            raise Malformed(f"{where or 'a string'} is too long")
    elif isinstance(node, dict):
        for key, value in node.items():
            if not isinstance(key, str):
                raise Malformed(f"{where} has a key that is not a string")
            _check_strings(key, where)
            _check_strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _check_strings(value, f"{where}[{index}]")


def _check_fields(node: Any, where: str) -> None:
    if isinstance(node, list):
        for index, item in enumerate(node):
            _check_fields(item, f"{where}[{index}]")
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        path = f"{where}.{key}"
        if key in _ID_KEYS:
            _check_id(value, path)
        elif key in _TS_KEYS:
            if value is not None and not (
                isinstance(value, str) and _TS.fullmatch(value)
            ):
                raise Malformed(f"{path} is not a message ts")
        elif key in _STRING_KEYS:
            _check_string(key, value, path)
        elif key in _OBJECT_KEYS and not isinstance(value, dict | None):
            raise Malformed(f"{path} is not an object")
        if key not in _FREE_FORM and isinstance(value, dict | list):
            _check_fields(value, path)


def _check_id(value: Any, path: str) -> None:
    if value is None:
        return
    if isinstance(value, dict):
        value = value.get("id")
        path += ".id"
    if not (isinstance(value, str) and _ID.fullmatch(value)):
        raise Malformed(f"{path} is not a Slack id")


def _check_ts(value: Any, path: str) -> None:
    if value is not None and not (isinstance(value, str) and _TS.fullmatch(value)):
        raise Malformed(f"{path} is not a message ts")


def _check_string(key: str, value: Any, path: str) -> None:
    if value is None and key in _NONE_ALLOWED:
        return
    if isinstance(value, dict) and key in _OBJECT_ALLOWED:
        return
    if not isinstance(value, str):
        raise Malformed(f"{path} is not a string")
    if len(value) > _STRING_KEYS[key]:
        raise Malformed(f"{path} is too long")
    if key == "response_url" and not _URL.fullmatch(value):
        raise Malformed(f"{path} is not a URL")


# The value fields of a modal's input elements, and what each must be.
_STATE_FIELDS: dict[str, type | tuple[type, ...]] = {
    "type": str,
    "value": (str, type(None)),
    "selected_option": (dict, type(None)),
    "selected_options": list,
    "selected_date": (str, type(None)),
    "selected_time": (str, type(None)),
    "selected_date_time": (int, type(None)),
    "timezone": (str, type(None)),
    "rich_text_value": (dict, type(None)),
}
_STATE_IDS = ("selected_user", "selected_conversation", "selected_channel")


def _check_view_state(view: Any) -> None:
    """A modal's state: block id, then action id, then the element's value."""
    if view is None:
        return
    if not isinstance(view, dict) or not isinstance(view.get("type"), str):
        raise Malformed("view has no type")
    state = view.get("state") or {}
    values = state.get("values", {}) if isinstance(state, dict) else None
    if not isinstance(values, dict):
        raise Malformed("view.state.values is not an object")
    for block in values.values():
        if not isinstance(block, dict):
            raise Malformed("view.state.values is not block, action, value")
        for element in block.values():
            _check_state_element(element)


def _check_state_element(element: Any) -> None:
    if not isinstance(element, dict):
        raise Malformed("a view.state value is not an object")
    for field, kinds in _STATE_FIELDS.items():
        value = element.get(field)
        wrong = field in element and not isinstance(value, kinds)
        if wrong or isinstance(value, bool):
            raise Malformed(f"view.state {field} is of the wrong type")
    option = element.get("selected_option")
    if isinstance(option, dict) and not isinstance(option.get("value"), str):
        raise Malformed("view.state selected_option has no value")
    options = element.get("selected_options") or []
    if not all(
        isinstance(o, dict) and isinstance(o.get("value"), str) for o in options
    ):
        raise Malformed("view.state selected_options are not options")
    for field in _STATE_IDS:
        _check_id(element.get(field), f"view.state {field}")


def _log(body: Any, problem: Malformed) -> None:
    kind = body.get("type") if isinstance(body, dict) else None
    if not (isinstance(kind, str) and _KIND.fullmatch(kind)):
        kind = "Slack"  # the type itself is what is wrong; never log it
    logger.warning("Ignored a malformed %s request: %s", kind, problem)


class Verdict(StrEnum):
    FORGED = "forged"  # bad or stale signature: answer 401, as Bolt does
    MALFORMED = "malformed"  # signed, but not in Slack's shape: answer 200
    SLACK = "slack"  # hand it to Bolt


class RequestScreen:
    """Judges a raw request before Bolt reads it.

    Bolt checks the signature only after it has read the body, and that
    reading fails on some malformed bodies; so the HTTP server asks here
    first, with the same check of the signature that Bolt makes.
    """

    def __init__(self, signing_secret: str) -> None:
        self._verifier = SignatureVerifier(signing_secret)

    def judge(
        self,
        raw: bytes,
        *,
        content_type: str | None,
        timestamp: str | None,
        signature: str | None,
    ) -> Verdict:
        # The SDK's verifier raises on a timestamp that is not a number, and
        # on a body that is not UTF-8 (which no signed Slack request is).
        if not (timestamp or "").isdecimal() or not _is_utf8(raw):
            return Verdict.FORGED
        if not self._verifier.is_valid(raw, timestamp, signature):
            return Verdict.FORGED
        body: Any = None
        try:
            body = parse_body(raw.decode("utf-8"), content_type)
            check(body)
        except Malformed as problem:
            _log(body, problem)
            return Verdict.MALFORMED
        except (ValueError, TypeError) as error:
            _log(body, Malformed(f"the body cannot be read ({type(error).__name__})"))
            return Verdict.MALFORMED
        return Verdict.SLACK


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def in_shape(body: Any) -> bool:
    """Whether `body` is in Slack's shape; logs where it is not."""
    try:
        check(body)
    except Malformed as problem:
        _log(body, problem)
        return False
    return True


class IgnoreMalformedRequests(Middleware):
    """Answers a malformed request 200 and lets it go no further.

    A class, not a function: Bolt reads every listener argument out of the
    body before it calls a function middleware, and that reading itself
    fails on some malformed bodies (a block action without actions).
    """

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse],  # noqa: A002 - Bolt's argument name
    ) -> BoltResponse | None:
        try:
            check(req.body)
            team_id = req.context.team_id
            if not (isinstance(team_id, str) and _ID.fullmatch(team_id)):
                raise Malformed("no workspace id")
        except Malformed as problem:
            _log(req.body, problem)
            return BoltResponse(status=200, body="")
        return next()


class IgnoreOtherWorkspaces(Middleware):
    """Answers 200, and does nothing more, for a request from a workspace
    the bot is not installed in.

    One token serves one workspace, so such a request can only be a
    mistake (another app's signing secret, a replayed payload); acting on
    it would record a workspace nobody installed the bot in. An install
    for a whole Enterprise Grid org serves many workspaces, and is let be.
    """

    def process(
        self,
        *,
        req: BoltRequest,
        resp: BoltResponse,
        next: Callable[[], BoltResponse],  # noqa: A002 - Bolt's argument name
    ) -> BoltResponse | None:
        installed = req.context.authorize_result
        team_id = req.context.team_id
        # An org-wide install has no workspace of its own (auth.test gives
        # no team_id), so it is never taken for another workspace's.
        if installed is not None and installed.team_id and team_id != installed.team_id:
            logger.warning(
                "Ignored a request from workspace %s; this bot serves %s",
                team_id,
                installed.team_id,
            )
            return BoltResponse(status=200, body="")
        return next()


def register(app: App) -> None:
    app.use(IgnoreMalformedRequests())
    app.use(IgnoreOtherWorkspaces())
