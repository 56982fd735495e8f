"""Past reviews in Slack: `/pir search <words>` and the "seen before"
mention when an incident looks like earlier ones.

A review of a private channel is shown only to members of that channel:
search asks whether the person searching is one; a mention posted in a
channel shows a private review only when everyone who can read that
channel is a member of the review's channel too, which a public channel
never satisfies.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from domain.search import CanSee, search_reviews, similar_reviews
from domain.slack_text import unescape_slack
from handlers import slack_reads
from handlers.deps import Deps
from handlers.search_views import build_search_message, build_seen_before_message
from store.models import Incident

logger = logging.getLogger(__name__)


def review_links(client: WebClient, incidents: Iterable[Incident]) -> dict:
    """Permalinks of the incidents' review cards, where they have one."""
    links: dict[int, str | None] = {}
    for incident in incidents:
        links[incident.id] = None
        if incident.review_card_channel_id and incident.review_card_ts:
            links[incident.id] = slack_reads.permalink(
                client, incident.review_card_channel_id, incident.review_card_ts
            )
    return links


def run_search_command(
    deps: Deps, *, command: dict, rest: str, client: WebClient, respond, **_
) -> None:
    """`/pir search <words>`: the best matching reviews the person may see."""
    team_id, user_id = command["team_id"], command["user_id"]

    def can_see(channel_id: str) -> bool:
        return deps.members.is_member(
            client, team_id=team_id, channel_id=channel_id, user_id=user_id
        )

    results = search_reviews(
        deps.db, team_id=team_id, text=unescape_slack(rest), can_see=can_see
    )
    links = review_links(client, (found.incident for found in results.found))
    text, blocks = build_search_message(results, links=links)
    respond(response_type="ephemeral", text=text, blocks=blocks)


def readers_can_see(deps: Deps, client: WebClient, incident: Incident) -> CanSee | None:
    """Whether everyone who reads the incident's channel may see a private
    channel's reviews: None (never) for a public channel."""
    if not incident.is_private:
        return None
    team_id = incident.team_id
    readers = deps.members.members(
        client, team_id=team_id, channel_id=incident.channel_id
    )

    def can_see(channel_id: str) -> bool:
        members = deps.members.members(client, team_id=team_id, channel_id=channel_id)
        return bool(readers) and readers <= members

    return can_see


def post_seen_before(deps: Deps, client: WebClient, incident: Incident) -> int:
    """Mention in the incident's channel up to three earlier incidents that
    look alike (same root-cause category first, then similar words); say
    nothing when there are none. Returns how many were mentioned."""
    alike = similar_reviews(
        deps.db,
        team_id=incident.team_id,
        incident_id=incident.id,
        can_see=readers_can_see(deps, client, incident),
    )
    if not alike:
        return 0
    text, blocks = build_seen_before_message(alike, links=review_links(client, alike))
    try:
        client.chat_postMessage(channel=incident.channel_id, text=text, blocks=blocks)
    except SlackApiError as error:
        logger.warning(
            "Could not mention past reviews in %s for incident %s: %s",
            incident.channel_id,
            incident.id,
            error.response.get("error"),
        )
        return 0
    logger.info(
        "Mentioned %d past incidents alike in incident %s", len(alike), incident.id
    )
    return len(alike)
