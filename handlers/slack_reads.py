"""Reading messages and channels back from Slack's Web API."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from domain.errors import BotNotInChannel

logger = logging.getLogger(__name__)

_SLACK_TS = re.compile(r"^\d+\.\d+$")


@dataclass(frozen=True)
class ChannelFacts:
    channel_id: str
    name: str
    is_private: bool
    is_member: bool
    is_archived: bool


def channel_facts(client: WebClient, channel_id: str) -> ChannelFacts:
    """Name and membership of a channel. Raises BotNotInChannel when the bot
    cannot see it (a private channel it was not invited to)."""
    try:
        channel = client.conversations_info(channel=channel_id)["channel"]
    except SlackApiError as error:
        if error.response.get("error") in ("channel_not_found", "not_in_channel"):
            raise BotNotInChannel(channel_id) from None
        raise
    return ChannelFacts(
        channel_id=channel_id,
        name=channel.get("name") or channel_id,
        is_private=bool(channel.get("is_private")),
        is_member=bool(channel.get("is_member")),
        is_archived=bool(channel.get("is_archived")),
    )


def fetch_message(client: WebClient, channel_id: str, ts: str) -> dict[str, Any] | None:
    """The message with this exact `ts`, a thread reply included.

    `conversations.history` only returns top-level messages, and a reaction
    does not say whether it was on a reply; `conversations.replies` called
    with a reply's own ts returns its thread, which holds it.
    """
    try:
        history = client.conversations_history(
            channel=channel_id, latest=ts, oldest=ts, inclusive=True, limit=1
        )
        for message in history.get("messages") or []:
            if message.get("ts") == ts:
                return message
        replies = client.conversations_replies(channel=channel_id, ts=ts, limit=200)
    except SlackApiError as error:
        if error.response.get("error") in ("thread_not_found", "message_not_found"):
            return None
        if error.response.get("error") in ("channel_not_found", "not_in_channel"):
            raise BotNotInChannel(channel_id) from None
        raise
    for message in replies.get("messages") or []:
        if message.get("ts") == ts:
            return message
    return None


def permalink(client: WebClient, channel_id: str, ts: str) -> str | None:
    try:
        return client.chat_getPermalink(channel=channel_id, message_ts=ts)["permalink"]
    except SlackApiError as error:
        logger.warning(
            "No permalink for message %s in %s: %s",
            ts,
            channel_id,
            error.response.get("error"),
        )
        return None


@dataclass(frozen=True)
class Person:
    """What the bot needs to know of a Slack user."""

    user_id: str
    name: str
    timezone: str | None
    is_gone: bool = False


class People:
    """Names and time zones of Slack users, read with users.info and kept
    for an hour per workspace. A user Slack does not know (left, or from
    another workspace) is remembered as unknown, not retried every time."""

    TTL_SECONDS = 3600.0

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._people: dict[tuple[str, str], tuple[float, Person]] = {}

    def person(self, client: WebClient, *, team_id: str, user_id: str) -> Person:
        key = (team_id, user_id)
        cached = self._people.get(key)
        if cached is not None and self._clock() - cached[0] < self.TTL_SECONDS:
            return cached[1]
        try:
            user = client.users_info(user=user_id)["user"]
            profile = user.get("profile") or {}
            person = Person(
                user_id=user_id,
                name=profile.get("display_name")
                or profile.get("real_name")
                or user.get("real_name")
                or user.get("name")
                or user_id,
                timezone=user.get("tz") or None,
                is_gone=bool(user.get("deleted")),
            )
        except SlackApiError as error:
            logger.info("Unknown user %s: %s", user_id, error.response.get("error"))
            person = Person(user_id=user_id, name=user_id, timezone=None, is_gone=True)
        self._people[key] = (self._clock(), person)
        return person

    def zone_of(self, client: WebClient, *, team_id: str, user_id: str) -> str | None:
        """The user's IANA zone, or None when Slack does not know the user."""
        return self.person(client, team_id=team_id, user_id=user_id).timezone

    def name_of(self, client: WebClient, *, team_id: str, user_id: str) -> str:
        return self.person(client, team_id=team_id, user_id=user_id).name


class WorkspaceLinks:
    """Links into a workspace: message permalinks, built from the workspace's
    URL (read once with auth.test) rather than asked for one by one, and the
    app's Home tab."""

    def __init__(self) -> None:
        self._urls: dict[str, str | None] = {}

    def workspace_url(self, client: WebClient, *, team_id: str) -> str | None:
        if team_id not in self._urls:
            try:
                url = client.auth_test().get("url") or None
            except SlackApiError as error:
                logger.warning(
                    "No URL for workspace %s: %s", team_id, error.response.get("error")
                )
                return None
            self._urls[team_id] = url if url is None or url.endswith("/") else url + "/"
        return self._urls[team_id]

    def message(
        self, client: WebClient, *, team_id: str, channel_id: str, ts: str
    ) -> str | None:
        base = self.workspace_url(client, team_id=team_id)
        if base is None:
            return None
        return f"{base}archives/{channel_id}/p{ts.replace('.', '')}"

    @staticmethod
    def home_tab(*, team_id: str, app_id: str | None) -> str | None:
        if not app_id:
            return None
        return f"https://slack.com/app_redirect?app={app_id}&team={team_id}"

    def review_card(self, client: WebClient, incident) -> str | None:
        """The permalink of the incident's review card, if it has one (a card
        still being posted has a placeholder instead of a ts)."""
        ts = incident.review_card_ts
        if not (incident.review_card_channel_id and ts and _SLACK_TS.match(ts)):
            return None
        return self.message(
            client,
            team_id=incident.team_id,
            channel_id=incident.review_card_channel_id,
            ts=incident.review_card_ts,
        )
