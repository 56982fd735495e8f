"""The real bot wired to a local Slack stand-in: used by `pirbot demo` and
by the handler tests.

Requests go over HTTP to the app's own endpoint, signed like Slack's, and
the app's Web API calls go to the stand-in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from slack_sdk import WebClient

from bot.app import ListenerExecutor, build_app, build_client
from bot.health import Health
from bot.server import HttpServer
from handlers.deps import Deps
from handlers.shape import RequestScreen
from slack_standin import Reply, SlackRequestSender, SlackStandIn
from store.db import Database
from store.types import utc_now

SIGNING_SECRET = "pirbot-local-signing-secret"
BOT_TOKEN = "xoxb-pirbot-local-token"


class LocalBot:
    """The Bolt app served on a loopback port, talking to `standin`."""

    def __init__(
        self,
        db: Database,
        standin: SlackStandIn,
        *,
        now: Callable[[], datetime] = utc_now,
        default_timezone: str = "UTC",
    ) -> None:
        self.db = db
        self.db.default_timezone = default_timezone
        self.standin = standin
        self.deps = Deps(db=db, default_timezone=default_timezone, now=now)
        self.executor = ListenerExecutor()
        self.client: WebClient = build_client(BOT_TOKEN, standin.api_url)
        self.health = Health(db, now=now)
        self.app = build_app(
            self.deps,
            client=self.client,
            signing_secret=SIGNING_SECRET,
            executor=self.executor,
            health=self.health,
        )
        self.server = HttpServer(
            self.app,
            host="127.0.0.1",
            port=0,
            health=self.health,
            screen=RequestScreen(SIGNING_SECRET),
        )
        self.server.start_in_thread()
        self.base_url = f"http://127.0.0.1:{self.server.port}"
        self.url = f"{self.base_url}/slack/events"
        self.sender = SlackRequestSender(
            self.url, SIGNING_SECRET, team_id=standin.team_id, standin=standin
        )

    def settle(self, reply: Reply | None = None, timeout: float = 15.0) -> Reply | None:
        """Wait until the work a request started has finished."""
        if not self.executor.wait_idle(timeout=timeout):
            raise TimeoutError(f"listeners still busy after {timeout} s")
        return reply

    def event(self, event: dict, **kwargs) -> Reply:
        return self.settle(self.sender.event(event, **kwargs))

    def command(self, text: str, **kwargs) -> Reply:
        return self.settle(self.sender.command(text, **kwargs))

    def interactive(self, payload: dict) -> Reply:
        return self.settle(self.sender.interactive(payload))

    def close(self) -> None:
        self.server.stop()
        self.executor.shutdown(wait=True)
