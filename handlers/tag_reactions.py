"""`/pir reactions`: which reactions tag timeline events in this workspace."""

from __future__ import annotations

import logging

from domain.tag_reactions import (
    TagReactionError,
    TagReactions,
    parse_emoji,
    parse_kind,
    remove_tag_reaction,
    reset_tag_reactions,
    set_tag_reaction,
    tag_reactions,
)
from domain.timeline import KIND_LABELS
from handlers import ids
from handlers.deps import Deps

logger = logging.getLogger(__name__)

USAGE = (
    "Use `/pir reactions add :fire: detection`, `/pir reactions remove :eyes:` "
    "or `/pir reactions reset`."
)


def describe(mapping: TagReactions) -> str:
    lines = ["These reactions tag a message as a timeline event here:"]
    for name, kind in sorted(mapping.items()):
        label = KIND_LABELS[kind] if kind else "an event, kind read from the text"
        lines.append(f"• :{name}: {label}")
    lines.append(USAGE)
    return "\n".join(lines)


def run_reactions_command(deps: Deps, *, command: dict, rest: str, respond, **_):
    """List, add, remove or reset the workspace's tagging reactions."""
    team_id, user_id = command["team_id"], command["user_id"]
    words = rest.split()
    action = words[0].lower() if words else "list"
    try:
        if action == "list":
            mapping = tag_reactions(deps.db, team_id=team_id)
        elif action in ("add", "set") and len(words) in (2, 3):
            mapping = set_tag_reaction(
                deps.db,
                team_id=team_id,
                reaction=parse_emoji(words[1]),
                kind=parse_kind(words[2] if len(words) == 3 else ""),
                reserved=frozenset({ids.CONFIRMATION_REACTION}),
            )
        elif action == "remove" and len(words) == 2:
            mapping = remove_tag_reaction(
                deps.db, team_id=team_id, reaction=parse_emoji(words[1])
            )
        elif action == "reset" and len(words) == 1:
            mapping = reset_tag_reactions(deps.db, team_id=team_id)
        else:
            raise TagReactionError(f"I did not understand that. {USAGE}")
    except TagReactionError as error:
        respond(response_type="ephemeral", text=str(error))
        return
    if action != "list":
        logger.info("User %s changed the tagging reactions of %s", user_id, team_id)
    respond(response_type="ephemeral", text=describe(mapping))
