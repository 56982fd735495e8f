"""manifest.yml declares exactly what the code uses, and Slack would accept it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from handlers import register_all
from handlers.deps import Deps

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT.parent / "shared" / "slack" / "manifest.schema.1.0.0.json"

# Web API methods the bot may call, and the bot scope each needs (None: none).
SCOPES_OF_METHOD = {
    "auth_test": None,
    "chat_postMessage": "chat:write",
    "chat_postEphemeral": "chat:write",
    "chat_update": "chat:write",
    "chat_getPermalink": None,
    "conversations_info": ("channels:read", "groups:read"),
    "conversations_history": ("channels:history", "groups:history"),
    "conversations_replies": ("channels:history", "groups:history"),
    "conversations_members": ("channels:read", "groups:read"),
    "reactions_add": "reactions:write",
    "reactions_remove": "reactions:write",
    "users_info": "users:read",
    "views_open": None,
    "views_update": None,
    "views_push": None,
    "views_publish": None,
    "files_upload_v2": "files:write",
}
# Events, and the scopes Slack needs before it delivers them.
SCOPES_OF_EVENT = {
    "app_home_opened": (),
    "reaction_added": ("reactions:read",),
    "reaction_removed": ("reactions:read",),
    "message": ("channels:history", "groups:history"),
    "channel_rename": ("channels:read",),
    "channel_archive": ("channels:read",),
    "channel_unarchive": ("channels:read",),
    "group_rename": ("groups:read",),
    "group_archive": ("groups:read",),
    "group_unarchive": ("groups:read",),
}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))


class RecordingApp:
    """Stands in for a Bolt App only to see what the handlers register."""

    def __init__(self) -> None:
        self.registered: dict[str, set[str]] = {
            "event": set(),
            "command": set(),
            "shortcut": set(),
            "action": set(),
            "view": set(),
        }

    def _record(self, kind: str):
        def register(key, *args, **kwargs):
            name = key if isinstance(key, str) else key.get("type", repr(key))
            self.registered[kind].add(name)
            return lambda *listeners, **lazy: listeners[0] if listeners else None

        return register

    def __getattr__(self, name: str):
        if name in ("event", "command", "shortcut", "action", "view"):
            return self._record(name)
        if name in ("message_shortcut", "global_shortcut"):
            return self._record("shortcut")
        if name in ("view_submission", "view_closed"):
            return self._record("view")
        if name in ("block_action",):
            return self._record("action")
        if name in ("error", "use"):
            return lambda handler: handler
        raise AttributeError(name)


@pytest.fixture(scope="module")
def registered(tmp_path_factory) -> dict[str, set[str]]:
    app = RecordingApp()
    register_all(app, Deps(db=None))
    return app.registered


def test_manifest_matches_slacks_published_schema(manifest: dict) -> None:
    if not SCHEMA.exists():
        pytest.skip(f"Slack's manifest schema is not at {SCHEMA}")
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    problems = [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(manifest)
    ]
    assert problems == []


def _subscribed_events(manifest: dict) -> set[str]:
    events = manifest["settings"]["event_subscriptions"]["bot_events"]
    # message.channels and message.groups all arrive as type "message".
    return {event.split(".")[0] for event in events}


def test_every_event_listener_is_subscribed_and_the_other_way_round(
    manifest: dict, registered: dict
) -> None:
    assert registered["event"] == _subscribed_events(manifest)


def test_slash_commands_match(manifest: dict, registered: dict) -> None:
    declared = {c["command"] for c in manifest["features"].get("slash_commands", [])}
    assert registered["command"] == declared


def test_shortcuts_match(manifest: dict, registered: dict) -> None:
    declared = {s["callback_id"] for s in manifest["features"].get("shortcuts", [])}
    assert registered["shortcut"] == declared


def test_interactivity_is_on_exactly_when_something_needs_it(
    manifest: dict, registered: dict
) -> None:
    interactive = bool(
        registered["shortcut"] or registered["action"] or registered["view"]
    )
    assert manifest["settings"]["interactivity"]["is_enabled"] is interactive


# Methods of the Socket Mode client, which the regular expression below also
# finds; they are the connection itself, not Web API methods.
SOCKET_MODE_CLIENT = {"connect_to_new_endpoint", "send_socket_mode_response"}


def _methods_called_in_code() -> set[str]:
    called = set()
    for folder in ("bot", "handlers", "scheduler"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            called.update(re.findall(r"client\.([a-z]+_[A-Za-z0-9_]+)\(", text))
    return called - SOCKET_MODE_CLIENT


def test_scopes_are_exactly_those_the_code_needs(manifest: dict, registered) -> None:
    methods = _methods_called_in_code()
    unknown = methods - SCOPES_OF_METHOD.keys()
    assert not unknown, f"add the scopes of {unknown} to SCOPES_OF_METHOD"

    needed = set()
    for method in methods:
        scopes = SCOPES_OF_METHOD[method]
        needed.update((scopes,) if isinstance(scopes, str) else scopes or ())
    for event in registered["event"]:
        needed.update(SCOPES_OF_EVENT[event])
    if registered["command"] or registered["shortcut"]:
        needed.add("commands")

    assert set(manifest["oauth_config"]["scopes"]["bot"]) == needed


def test_socket_mode_is_on_by_default(manifest: dict) -> None:
    assert manifest["settings"]["socket_mode_enabled"] is True
