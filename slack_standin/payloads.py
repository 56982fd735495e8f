"""Builders for the requests Slack sends, laid out field for field as Slack does.

Event builders return the inner ``event``; wrap it with ``event_callback``
(``SlackRequestSender.event`` does). Interactivity builders return the whole
payload. Ids default to the example workspace of ``shared/slack/payloads``;
``ts`` values are strings and ``event_time`` an integer, as Slack sends them.
"""

from __future__ import annotations

import base64
import copy
import json
import random
import string
import time
import uuid
from typing import Any

TEAM_ID = "T0123ABCD"
TEAM_DOMAIN = "acme-eng"
API_APP_ID = "A07KQ3PIR01"
BOT_USER_ID = "U07PIRBOT01"
BOT_ID = "B07PIRBOT01"
CHANNEL_NAME = "inc-2024-12-03-payments"
APP_HOME_CHANNEL = "D07APPHOME1"
LEGACY_TOKEN = "Zq8rLm3XkT2vWp9sYb4nHc6d"

_random = random.Random()
_ALNUM = string.ascii_letters + string.digits


def now_ts() -> str:
    """The current time as a Slack ``ts`` string (microseconds)."""
    micros = time.time_ns() // 1000
    return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"


def new_event_id() -> str:
    return "Ev" + "".join(_random.choices(string.ascii_uppercase + string.digits, k=10))


def new_trigger_id() -> str:
    """A trigger id shaped like Slack's; the stand-in does not know it."""
    head, middle = (_random.randrange(10**12, 10**13) for _ in range(2))
    tail = "".join(_random.choices("0123456789abcdef", k=32))
    return f"{head}.{middle}.{tail}"


def rich_text(text: str) -> dict:
    """The ``rich_text`` block Slack adds to a user's message to mirror its text."""
    section = {
        "type": "rich_text_section",
        "elements": [{"type": "text", "text": text}],
    }
    block_id = "".join(_random.choices(_ALNUM, k=5))
    return {"type": "rich_text", "block_id": block_id, "elements": [section]}


def _user_ref(user: str, username: str | None, team_id: str) -> dict:
    handle = username or user.lower()
    return {"id": user, "username": handle, "name": handle, "team_id": team_id}


def _team_ref(team_id: str) -> dict:
    return {"id": team_id, "domain": TEAM_DOMAIN}


def _channel_ref(channel: str | dict | None, channel_name: str) -> dict | None:
    if channel is None or isinstance(channel, dict):
        return channel
    return {"id": channel, "name": channel_name}


# ---------------------------------------------------------------------------
# Events API
# ---------------------------------------------------------------------------


def event_callback(
    event: dict,
    *,
    team_id: str = TEAM_ID,
    api_app_id: str = API_APP_ID,
    event_id: str | None = None,
    event_time: int | None = None,
    bot_user_id: str = BOT_USER_ID,
) -> dict:
    """The envelope Slack wraps around every event.

    ``event_time`` (Unix seconds) defaults to the seconds of the event's
    ``event_ts``, or now.
    """
    if event_time is None:
        event_ts = event.get("event_ts")
        event_time = int(str(event_ts).split(".")[0]) if event_ts else int(time.time())
    context = {"et": event.get("type"), "tid": team_id, "aid": api_app_id}
    channel = event.get("channel") or event.get("item", {}).get("channel")
    if isinstance(channel, str):
        context["cid"] = channel
    encoded = base64.urlsafe_b64encode(json.dumps(context).encode()).decode()
    authorization = {
        "enterprise_id": None,
        "team_id": team_id,
        "user_id": bot_user_id,
        "is_bot": True,
        "is_enterprise_install": False,
    }
    return {
        "token": LEGACY_TOKEN,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or new_event_id(),
        "event_time": event_time,
        "authorizations": [authorization],
        "is_ext_shared_channel": False,
        "event_context": "4-" + encoded.rstrip("="),
    }


def reaction_added(
    *,
    user: str,
    reaction: str,
    channel: str,
    ts: str,
    item_user: str | None = None,
    event_ts: str | None = None,
) -> dict:
    """``item_user`` is left out when None, as for webhook posts."""
    event: dict[str, Any] = {
        "type": "reaction_added",
        "user": user,
        "reaction": reaction,
        "item": {"type": "message", "channel": channel, "ts": ts},
    }
    if item_user is not None:
        event["item_user"] = item_user
    event["event_ts"] = event_ts or now_ts()
    return event


def reaction_removed(
    *,
    user: str,
    reaction: str,
    channel: str,
    ts: str,
    item_user: str | None = None,
    event_ts: str | None = None,
) -> dict:
    event = reaction_added(
        user=user,
        reaction=reaction,
        channel=channel,
        ts=ts,
        item_user=item_user,
        event_ts=event_ts,
    )
    event["type"] = "reaction_removed"
    return event


def message(
    *,
    channel: str,
    user: str | None,
    text: str,
    ts: str,
    thread_ts: str | None = None,
    parent_user_id: str | None = None,
    bot_id: str | None = None,
    subtype: str | None = None,
    blocks: list | None = None,
    files: list | None = None,
    attachments: list | None = None,
    channel_type: str = "channel",
    team: str = TEAM_ID,
) -> dict:
    """A ``message`` event; a user's message gets ``client_msg_id`` and the
    ``rich_text`` block mirroring its text unless ``blocks`` is given."""
    event: dict[str, Any] = {"user": user} if user is not None else {}
    event["type"] = "message"
    if subtype is not None:
        event["subtype"] = subtype
    if bot_id is not None:
        event["bot_id"] = bot_id
    event["ts"] = ts
    if user is not None and bot_id is None:
        event["client_msg_id"] = str(uuid.uuid4())
    event.update(text=text, team=team)
    if blocks is None and user is not None and bot_id is None:
        blocks = [rich_text(text)]
    extras = {"blocks": blocks, "files": files, "attachments": attachments}
    event.update({k: copy.deepcopy(v) for k, v in extras.items() if v is not None})
    if thread_ts is not None:
        event["thread_ts"] = thread_ts
        if parent_user_id is not None:
            event["parent_user_id"] = parent_user_id
    event.update(channel=channel, event_ts=ts, channel_type=channel_type)
    return event


def message_changed(
    *,
    channel: str,
    ts: str,
    new_text: str,
    user: str,
    previous_text: str,
    edited_ts: str | None = None,
    event_ts: str | None = None,
    thread_ts: str | None = None,
    channel_type: str = "channel",
) -> dict:
    """An edit of ``ts`` by its author ``user``; ``event_ts`` is the change's own."""
    change_ts = event_ts or now_ts()
    client_msg_id = str(uuid.uuid4())
    previous: dict[str, Any] = {
        "user": user,
        "type": "message",
        "ts": ts,
        "client_msg_id": client_msg_id,
        "text": previous_text,
        "team": TEAM_ID,
        "blocks": [rich_text(previous_text)],
    }
    new: dict[str, Any] = {
        "user": user,
        "type": "message",
        "edited": {"user": user, "ts": edited_ts or change_ts},
        "client_msg_id": client_msg_id,
        "text": new_text,
        "team": TEAM_ID,
        "blocks": [rich_text(new_text)],
        "ts": ts,
        "source_team": TEAM_ID,
        "user_team": TEAM_ID,
    }
    if thread_ts is not None:
        previous["thread_ts"] = new["thread_ts"] = thread_ts
    return {
        "type": "message",
        "subtype": "message_changed",
        "message": new,
        "previous_message": previous,
        "channel": channel,
        "hidden": True,
        "ts": change_ts,
        "event_ts": change_ts,
        "channel_type": channel_type,
    }


def message_deleted(
    *,
    channel: str,
    deleted_ts: str,
    previous_message: dict | None = None,
    event_ts: str | None = None,
    channel_type: str = "channel",
) -> dict:
    """``previous_message`` is the message as it was (e.g. the stand-in's copy)."""
    event: dict[str, Any] = {"type": "message", "subtype": "message_deleted"}
    if previous_message is not None:
        event["previous_message"] = copy.deepcopy(previous_message)
    deletion_ts = event_ts or now_ts()
    event.update(
        channel=channel,
        hidden=True,
        deleted_ts=deleted_ts,
        event_ts=deletion_ts,
        ts=deletion_ts,
        channel_type=channel_type,
    )
    return event


def channel_rename(
    *,
    channel: str,
    name: str,
    created: int = 1733239800,
    private: bool = False,
    event_ts: str | None = None,
) -> dict:
    """``private`` gives ``group_rename``, which private channels send instead."""
    return {
        "type": "group_rename" if private else "channel_rename",
        "channel": {
            "id": channel,
            "name": name,
            "name_normalized": name,
            "created": created,
            "is_channel": not private,
            "is_mpim": False,
        },
        "event_ts": event_ts or now_ts(),
    }


def channel_archive(
    *,
    channel: str,
    user: str,
    private: bool = False,
    is_moved: int | None = None,
    event_ts: str | None = None,
) -> dict:
    """``private`` gives ``group_archive``, which private channels send instead."""
    event: dict[str, Any] = {
        "type": "group_archive" if private else "channel_archive",
        "channel": channel,
        "user": user,
    }
    if is_moved is not None:
        event["is_moved"] = is_moved
    event["event_ts"] = event_ts or now_ts()
    return event


def member_joined_channel(
    *,
    user: str,
    channel: str,
    inviter: str | None = None,
    channel_type: str = "C",
    team: str = TEAM_ID,
    event_ts: str | None = None,
) -> dict:
    """``inviter`` is left out when the user joined alone."""
    event: dict[str, Any] = {
        "type": "member_joined_channel",
        "user": user,
        "channel": channel,
        "channel_type": channel_type,
        "team": team,
    }
    if inviter is not None:
        event["inviter"] = inviter
    event["event_ts"] = event_ts or now_ts()
    return event


def app_home_opened(
    *,
    user: str,
    channel: str = APP_HOME_CHANNEL,
    tab: str = "home",
    view: dict | None = None,
    event_ts: str | None = None,
) -> dict:
    """``view`` is the published Home view, present only if one was published."""
    event: dict[str, Any] = {
        "type": "app_home_opened",
        "user": user,
        "channel": channel,
        "tab": tab,
    }
    if view is not None:
        event["view"] = copy.deepcopy(view)
    event["event_ts"] = event_ts or now_ts()
    return event


def pin_added(
    *,
    user: str,
    channel: str,
    message: dict,
    item_user: str | None = None,
    permalink: str | None = None,
    pinned_at: int | None = None,
    event_ts: str | None = None,
) -> dict:
    created = pinned_at if pinned_at is not None else int(time.time())
    pinned = copy.deepcopy(message)
    pinned["pinned_to"] = [channel]
    if permalink is not None:
        pinned["permalink"] = permalink
    item = {
        "type": "message",
        "created": created,
        "created_by": user,
        "channel": channel,
        "message": pinned,
    }
    return {
        "type": "pin_added",
        "user": user,
        "channel_id": channel,
        "item": item,
        "item_user": item_user or message.get("user"),
        "pin_count": 1,
        "pinned_info": {"channel": channel, "pinned_by": user, "pinned_ts": created},
        "event_ts": event_ts or now_ts(),
    }


# ---------------------------------------------------------------------------
# Interactivity
# ---------------------------------------------------------------------------


def message_shortcut(
    *,
    callback_id: str,
    user: str,
    channel: str,
    message: dict,
    trigger_id: str,
    response_url: str,
    team_id: str = TEAM_ID,
    username: str | None = None,
    channel_name: str = CHANNEL_NAME,
    action_ts: str | None = None,
) -> dict:
    """``message`` is the whole message the shortcut was used on."""
    return {
        "type": "message_action",
        "token": LEGACY_TOKEN,
        "action_ts": action_ts or now_ts(),
        "team": _team_ref(team_id),
        "user": {
            "id": user,
            "username": username or user.lower(),
            "team_id": team_id,
            "name": username or user.lower(),
        },
        "channel": _channel_ref(channel, channel_name),
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
        "response_url": response_url,
        "message_ts": message["ts"],
        "message": copy.deepcopy(message),
    }


def global_shortcut(
    *,
    callback_id: str,
    user: str,
    trigger_id: str,
    team_id: str = TEAM_ID,
    username: str | None = None,
    action_ts: str | None = None,
) -> dict:
    """No channel and no ``response_url``: Slack sends neither for these."""
    return {
        "type": "shortcut",
        "token": LEGACY_TOKEN,
        "action_ts": action_ts or now_ts(),
        "team": _team_ref(team_id),
        "user": {"id": user, "username": username or user.lower(), "team_id": team_id},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
    }


def button_action(
    *,
    action_id: str,
    block_id: str,
    value: str,
    text: str,
    style: str | None = None,
    action_ts: str | None = None,
) -> dict:
    """One item of ``block_actions.actions`` for a clicked button."""
    action: dict[str, Any] = {
        "action_id": action_id,
        "block_id": block_id,
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "value": value,
    }
    if style is not None:
        action["style"] = style
    action.update(type="button", action_ts=action_ts or now_ts())
    return action


def message_container(
    *, channel: str, message_ts: str, ephemeral: bool = False
) -> dict:
    return {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel,
        "is_ephemeral": ephemeral,
    }


def view_container(*, view_id: str) -> dict:
    return {"type": "view", "view_id": view_id}


def block_actions(
    *,
    user: str,
    actions: list[dict],
    container: dict,
    trigger_id: str | None = None,
    view: dict | None = None,
    message: dict | None = None,
    channel: str | dict | None = None,
    response_url: str | None = None,
    state_values: dict | None = None,
    team_id: str = TEAM_ID,
    username: str | None = None,
    channel_name: str = CHANNEL_NAME,
) -> dict:
    """A button or select used in a message (give ``message``, ``channel``)
    or in a view (give ``view``); ``state_values`` is ``state.values``."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user_ref(user, username, team_id),
        "api_app_id": API_APP_ID,
        "token": LEGACY_TOKEN,
        "container": copy.deepcopy(container),
        "trigger_id": trigger_id or new_trigger_id(),
        "team": _team_ref(team_id),
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if channel is not None:
        payload["channel"] = _channel_ref(channel, channel_name)
    if message is not None:
        payload["message"] = copy.deepcopy(message)
    if view is not None:
        payload["view"] = copy.deepcopy(view)
    payload["state"] = {"values": copy.deepcopy(state_values or {})}
    if response_url is not None:
        payload["response_url"] = response_url
    payload["actions"] = copy.deepcopy(actions)
    return payload


# What a submitted or closed view keeps from the view that was opened.
_ECHOED_VIEW_FIELDS = (
    "blocks",
    "title",
    "close",
    "submit",
    "external_id",
    "clear_on_close",
    "notify_on_close",
    "previous_view_id",
    "root_view_id",
)


def _submitted_view(
    *,
    view_id: str,
    callback_id: str,
    private_metadata: str,
    state_values: dict,
    hash: str | None,
    team_id: str,
    base: dict | None,
) -> dict:
    """A view as Slack echoes it, built on ``base`` (e.g. the stand-in's copy)."""
    view: dict[str, Any] = {
        "id": view_id,
        "team_id": team_id,
        "type": "modal",
        "blocks": [],
        "private_metadata": private_metadata,
        "callback_id": callback_id,
        "state": {"values": copy.deepcopy(state_values)},
        "hash": hash or f"{int(time.time())}.{''.join(_random.choices(_ALNUM, k=8))}",
        "title": {"type": "plain_text", "text": "Review", "emoji": True},
        "clear_on_close": False,
        "notify_on_close": False,
        "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
        "submit": {"type": "plain_text", "text": "Save", "emoji": True},
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": API_APP_ID,
        "external_id": "",
        "app_installed_team_id": team_id,
        "bot_id": BOT_ID,
    }
    if base is not None:
        kept = [key for key in _ECHOED_VIEW_FIELDS if key in base]
        view.update({key: copy.deepcopy(base[key]) for key in kept})
        if hash is None and "hash" in base:
            view["hash"] = base["hash"]
    return view


def view_submission(
    *,
    user: str,
    view_id: str,
    callback_id: str,
    private_metadata: str,
    state_values: dict,
    hash: str | None = None,
    trigger_id: str | None = None,
    view: dict | None = None,
    response_urls: list | None = None,
    team_id: str = TEAM_ID,
    username: str | None = None,
) -> dict:
    """``state_values`` is ``view.state.values`` (block_id, then action_id).

    ``view`` (e.g. ``standin.views[view_id]``) supplies blocks and title.
    A ``trigger_id`` from ``standin.issue_trigger_id()`` allows views.push.
    """
    submitted = _submitted_view(
        view_id=view_id,
        callback_id=callback_id,
        private_metadata=private_metadata,
        state_values=state_values,
        hash=hash,
        team_id=team_id,
        base=view,
    )
    return {
        "type": "view_submission",
        "team": _team_ref(team_id),
        "user": _user_ref(user, username, team_id),
        "api_app_id": API_APP_ID,
        "token": LEGACY_TOKEN,
        "trigger_id": trigger_id or new_trigger_id(),
        "view": submitted,
        "response_urls": list(response_urls or []),
        "is_enterprise_install": False,
        "enterprise": None,
    }


def view_closed(
    *,
    user: str,
    view_id: str,
    callback_id: str,
    private_metadata: str = "",
    state_values: dict | None = None,
    is_cleared: bool = False,
    view: dict | None = None,
    team_id: str = TEAM_ID,
    username: str | None = None,
) -> dict:
    """Sent only for views opened with ``notify_on_close``; no ``trigger_id``."""
    closed = _submitted_view(
        view_id=view_id,
        callback_id=callback_id,
        private_metadata=private_metadata,
        state_values=state_values or {},
        hash=None,
        team_id=team_id,
        base=view,
    )
    closed["notify_on_close"] = True
    return {
        "type": "view_closed",
        "team": _team_ref(team_id),
        "user": _user_ref(user, username, team_id),
        "api_app_id": API_APP_ID,
        "token": LEGACY_TOKEN,
        "view": closed,
        "is_cleared": is_cleared,
        "is_enterprise_install": False,
        "enterprise": None,
    }


def slash_command(
    *,
    text: str,
    user_id: str,
    channel_id: str,
    trigger_id: str,
    response_url: str,
    command: str = "/pir",
    channel_name: str = CHANNEL_NAME,
    user_name: str | None = None,
    team_id: str = TEAM_ID,
    api_app_id: str = API_APP_ID,
) -> dict[str, str]:
    """The form fields of a slash command, all strings, in Slack's order."""
    return {
        "token": LEGACY_TOKEN,
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name or user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
