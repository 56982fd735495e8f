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

from domain.errors import BotNotInChannel, NotAPerson

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
    is_bot: bool = False
    # Every name the person goes by in Slack (real, display, handle).
    names: tuple[str, ...] = ()


def _names_of(user: dict, profile: dict) -> tuple[str, ...]:
    found = [
        profile.get("real_name"),
        user.get("real_name"),
        profile.get("display_name"),
        user.get("name"),
    ]
    return tuple(dict.fromkeys(n for n in found if isinstance(n, str) and n))


# What users.info answers for someone who is not (or no longer) there.
_USER_GONE = ("user_not_found", "user_not_visible", "account_inactive")


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
                # A review reads better with real names than with handles.
                name=profile.get("real_name")
                or user.get("real_name")
                or profile.get("display_name")
                or user.get("name")
                or user_id,
                timezone=user.get("tz") or None,
                is_gone=bool(user.get("deleted")),
                is_bot=bool(user.get("is_bot") or user.get("is_app_user")),
                names=_names_of(user, profile),
            )
        except SlackApiError as error:
            reason = error.response.get("error")
            if reason not in _USER_GONE:
                # A passing failure (rate limits outlasting the retries, say):
                # the person is unknown this time, not gone, and is asked
                # about again next time.
                logger.warning("No answer about user %s: %s", user_id, reason)
                return Person(user_id=user_id, name=user_id, timezone=None)
            logger.info("Unknown user %s: %s", user_id, reason)
            person = Person(user_id=user_id, name=user_id, timezone=None, is_gone=True)
        except OSError as error:  # URLError among them: Slack out of reach
            logger.warning("No answer about user %s: %s", user_id, error)
            return Person(user_id=user_id, name=user_id, timezone=None)
        self._people[key] = (self._clock(), person)
        return person

    def cached_person(self, *, team_id: str, user_id: str) -> Person | None:
        """The person if known already, without asking Slack."""
        cached = self._people.get((team_id, user_id))
        if cached is None or self._clock() - cached[0] >= self.TTL_SECONDS:
            return None
        return cached[1]

    def cached_zone(self, *, team_id: str, user_id: str) -> str | None:
        """The user's zone if it is known already, without asking Slack:
        for code that must answer before it may call the Web API."""
        cached = self._people.get((team_id, user_id))
        if cached is None or self._clock() - cached[0] >= self.TTL_SECONDS:
            return None
        return cached[1].timezone

    def require_person(self, client: WebClient, *, team_id: str, user_id: str):
        """The person, for a role only a person can have. Raises NotAPerson
        for a bot or someone Slack does not know (left, or not here)."""
        person = self.person(client, team_id=team_id, user_id=user_id)
        if person.is_bot or person.is_gone:
            raise NotAPerson(user_id, is_bot=person.is_bot)
        return person

    def zone_of(self, client: WebClient, *, team_id: str, user_id: str) -> str | None:
        """The user's IANA zone, or None when Slack does not know the user."""
        return self.person(client, team_id=team_id, user_id=user_id).timezone

    def name_of(self, client: WebClient, *, team_id: str, user_id: str) -> str:
        return self.person(client, team_id=team_id, user_id=user_id).name


def channel_members(
    client: WebClient, channel_id: str, *, limit: int | None = None
) -> list[str]:
    """The channel's members following Slack's pages: all of them, or the
    first `limit`. Raises SlackApiError."""
    members: list[str] = []
    cursor = None
    while limit is None or len(members) < limit:
        page_size = 1000 if limit is None else min(1000, limit - len(members))
        page = client.conversations_members(
            channel=channel_id, limit=page_size, cursor=cursor
        )
        members.extend(page.get("members") or [])
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            break
    return members


class ChannelMembers:
    """Who is in a channel, read with conversations.members and kept for two
    minutes per channel: long enough for one search or one mention, short
    enough that someone removed from a private channel soon stops seeing
    its reviews.

    A channel Slack will not list (the bot was removed from it, or it is
    gone) has no members for the bot, so its reviews are shown to nobody.
    """

    TTL_SECONDS = 120.0
    _PAGE = 1000

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._members: dict[tuple[str, str], tuple[float, frozenset[str]]] = {}

    def members(
        self, client: WebClient, *, team_id: str, channel_id: str
    ) -> frozenset[str]:
        key = (team_id, channel_id)
        cached = self._members.get(key)
        if cached is not None and self._clock() - cached[0] < self.TTL_SECONDS:
            return cached[1]
        try:
            members = self._read(client, channel_id)
        except SlackApiError as error:
            reason = error.response.get("error")
            logger.info("No members of channel %s for the bot: %s", channel_id, reason)
            if reason not in ("channel_not_found", "not_in_channel"):
                return frozenset()  # a passing failure: hide now, ask again later
            members = frozenset()
        self._members[key] = (self._clock(), members)
        return members

    def is_member(
        self, client: WebClient, *, team_id: str, channel_id: str, user_id: str
    ) -> bool:
        return user_id in self.members(client, team_id=team_id, channel_id=channel_id)

    def _read(self, client: WebClient, channel_id: str) -> frozenset[str]:
        # Every page: a member beyond the first thousand must see the review.
        return frozenset(channel_members(client, channel_id))


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
