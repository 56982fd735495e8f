"""Signed, Slack-shaped HTTP requests to a running Bolt app, over urllib.

The signature follows Slack's scheme: ``v0=`` plus the hex HMAC-SHA256 of
``v0:<timestamp>:<raw body>`` keyed with the signing secret.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

from slack_standin import payloads

logger = logging.getLogger(__name__)

# Where a response_url points when no stand-in hands one out: a closed port
# on loopback, so a listener's respond() fails fast instead of leaving the
# machine.
_NOWHERE = "http://127.0.0.1:9/commands"


def sign(signing_secret: str, timestamp: int | str, body: bytes) -> str:
    """The ``X-Slack-Signature`` value for ``body`` sent at ``timestamp``."""
    base = b"v0:" + str(timestamp).encode("ascii") + b":" + body
    digest = hmac.new(signing_secret.encode("utf-8"), base, hashlib.sha256)
    return "v0=" + digest.hexdigest()


@dataclass
class Reply:
    """The app's answer; ``headers`` names are lower-case."""

    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


class _Handles(Protocol):
    def issue_trigger_id(self) -> str: ...

    def new_response_url(self, *, channel_id: str | None = None) -> str: ...


class SlackRequestSender:
    """Sends events, slash commands and interactivity payloads to ``url``.

    With ``standin`` (a ``SlackStandIn``), commands get a fresh ``trigger_id``
    and a ``response_url`` on the stand-in unless the caller gives them.
    Non-2xx answers are returned, never raised.
    """

    def __init__(
        self,
        url: str,
        signing_secret: str,
        *,
        team_id: str = payloads.TEAM_ID,
        api_app_id: str = payloads.API_APP_ID,
        bot_user_id: str = payloads.BOT_USER_ID,
        standin: _Handles | None = None,
        timeout: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.url = url
        self.signing_secret = signing_secret
        self.team_id = team_id
        self.api_app_id = api_app_id
        self.bot_user_id = bot_user_id
        self.standin = standin
        self.timeout = timeout
        self._clock = clock
        # No proxies: the app under test is on loopback.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def event(
        self,
        event: dict,
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        team_id: str | None = None,
    ) -> Reply:
        """Send ``event`` in an ``event_callback`` envelope.

        Pass the same ``event_id`` with ``retry_num`` (1..3) to imitate one of
        Slack's re-deliveries.
        """
        envelope = payloads.event_callback(
            event,
            team_id=team_id or self.team_id,
            api_app_id=self.api_app_id,
            event_id=event_id,
            bot_user_id=self.bot_user_id,
        )
        headers = {}
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = retry_reason
        body = json.dumps(envelope).encode("utf-8")
        return self.raw(body, content_type="application/json", headers=headers)

    def command(
        self,
        text: str,
        *,
        user_id: str,
        channel_id: str,
        channel_name: str = payloads.CHANNEL_NAME,
        command: str = "/pir",
        trigger_id: str | None = None,
        response_url: str | None = None,
        team_id: str | None = None,
        user_name: str | None = None,
    ) -> Reply:
        """Send a slash command as Slack's ordinary form fields."""
        if trigger_id is None:
            trigger_id = self._trigger_id()
        if response_url is None:
            response_url = self._response_url(channel_id)
        fields = payloads.slash_command(
            text=text,
            user_id=user_id,
            channel_id=channel_id,
            trigger_id=trigger_id,
            response_url=response_url,
            command=command,
            channel_name=channel_name,
            user_name=user_name,
            team_id=team_id or self.team_id,
            api_app_id=self.api_app_id,
        )
        body = urlencode(fields).encode("ascii")
        return self.raw(body, content_type="application/x-www-form-urlencoded")

    def interactive(self, payload: dict) -> Reply:
        """Send an interactivity payload as one ``payload`` form field."""
        body = urlencode({"payload": json.dumps(payload)}).encode("ascii")
        return self.raw(body, content_type="application/x-www-form-urlencoded")

    def raw(
        self,
        body: bytes,
        *,
        content_type: str,
        timestamp: int | str | None = None,
        signature: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Reply:
        """POST ``body`` as is, signed for ``timestamp`` (default: now).

        ``signature`` replaces the computed one, to send a bad signature; an
        old ``timestamp`` with no ``signature`` sends a stale but valid one.
        """
        sent_at = str(int(self._clock())) if timestamp is None else str(timestamp)
        request = urllib.request.Request(self.url, data=body, method="POST")
        request.add_header("Content-Type", content_type)
        request.add_header("X-Slack-Request-Timestamp", sent_at)
        if signature is None:
            signature = sign(self.signing_secret, sent_at, body)
        request.add_header("X-Slack-Signature", signature)
        request.add_header("User-Agent", "Slackbot 1.0 (+https://api.slack.com/robots)")
        for name, value in (headers or {}).items():
            request.add_header(name, value)

        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                reply = _reply(response.status, response.read(), response.headers)
        except urllib.error.HTTPError as error:
            reply = _reply(error.code, error.read(), error.headers)
        logger.debug(
            "Sent a %s request; the app answered %s", content_type, reply.status
        )
        return reply

    def _trigger_id(self) -> str:
        if self.standin is not None:
            return self.standin.issue_trigger_id()
        return payloads.new_trigger_id()

    def _response_url(self, channel_id: str) -> str:
        if self.standin is not None:
            return self.standin.new_response_url(channel_id=channel_id)
        return f"{_NOWHERE}/{self.team_id}/{payloads.new_trigger_id()}"


def _reply(status: int, body: bytes, headers: Any) -> Reply:
    names = {name.lower(): value for name, value in headers.items()}
    return Reply(status, body.decode("utf-8", errors="replace"), names)
