"""Which reactions tag a message in a workspace, and what kind each names.

A workspace starts with the defaults (`:pushpin:`, `:rotating_light:`, ...)
and can add, change or remove reactions with `/pir reactions`; the map is
kept as one workspace setting.
"""

from __future__ import annotations

import logging
import re

from domain.errors import PirError
from domain.timeline import DEFAULT_TAG_REACTIONS, EventKind, base_reaction
from store import workspaces
from store.db import Database

logger = logging.getLogger(__name__)

SETTING_KEY = "tag_reactions"
# Stored in place of a kind for a reaction that lets the text decide it.
INFER = "any"

# Emoji names as Slack writes them: lower case letters, digits, - _ + '.
_EMOJI = re.compile(r"^:?([a-z0-9_+'-]{1,100})(::skin-tone-\d)?:?$")


class TagReactionError(PirError):
    """A `/pir reactions` request that cannot be applied, with the fix."""


TagReactions = dict[str, EventKind | None]


def tag_reactions(db: Database, *, team_id: str) -> TagReactions:
    """The workspace's tagging reactions; the defaults until it changes them."""
    with db.reading() as session:
        stored = workspaces.get_setting(session, team_id=team_id, key=SETTING_KEY)
    if not isinstance(stored, dict):
        return dict(DEFAULT_TAG_REACTIONS)
    return {
        name: None if kind == INFER else EventKind(kind)
        for name, kind in stored.items()
        if kind == INFER or kind in EventKind._value2member_map_
    }


def parse_emoji(text: str) -> str:
    match = _EMOJI.match(text.strip().lower())
    if not match:
        raise TagReactionError(
            f"{text.strip()[:40]!r} is not an emoji name. Write it as Slack "
            "does, for example `:fire:`."
        )
    return base_reaction(match.group(1))


def parse_kind(text: str) -> EventKind | None:
    word = text.strip().lower()
    if word in ("", INFER, "event", "infer"):
        return None
    if word in EventKind._value2member_map_:
        return EventKind(word)
    choices = ", ".join([k.value for k in EventKind] + [INFER])
    raise TagReactionError(f"{word[:40]!r} is not a kind. Choose one of: {choices}.")


def set_tag_reaction(
    db: Database,
    *,
    team_id: str,
    reaction: str,
    kind: EventKind | None,
    reserved: frozenset[str] = frozenset(),
) -> TagReactions:
    """Make `reaction` tag events of `kind` (None: let the text decide)."""
    if reaction in reserved:
        raise TagReactionError(
            f":{reaction}: is the bot's own confirmation; choose another reaction."
        )
    mapping = tag_reactions(db, team_id=team_id)
    mapping[reaction] = kind
    _store(db, team_id=team_id, mapping=mapping)
    return mapping


def remove_tag_reaction(db: Database, *, team_id: str, reaction: str) -> TagReactions:
    mapping = tag_reactions(db, team_id=team_id)
    if reaction not in mapping:
        raise TagReactionError(f":{reaction}: does not tag events here.")
    if len(mapping) == 1:
        raise TagReactionError(
            "That is the last tagging reaction; add another one before removing it."
        )
    del mapping[reaction]
    _store(db, team_id=team_id, mapping=mapping)
    return mapping


def reset_tag_reactions(db: Database, *, team_id: str) -> TagReactions:
    _store(db, team_id=team_id, mapping=None)
    return dict(DEFAULT_TAG_REACTIONS)


def _store(db: Database, *, team_id: str, mapping: TagReactions | None) -> None:
    value = None
    if mapping is not None:
        value = {name: kind.value if kind else INFER for name, kind in mapping.items()}
    with db.session() as session:
        workspaces.ensure_workspace(session, team_id=team_id)
        workspaces.put_setting(session, team_id=team_id, key=SETTING_KEY, value=value)
    logger.info("Workspace %s now tags with %d reactions", team_id, len(value or {}))
