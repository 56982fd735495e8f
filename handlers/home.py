"""The app's Home tab: published whenever someone opens it, and again after
their own changes (an action-item button clicked on it, a review section or
action item saved), so that it never shows what they just changed."""

from __future__ import annotations

import logging

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from domain.home import gather_home
from handlers.deps import Deps
from handlers.home_views import LIMITS, build_home_view
from handlers.slack_reads import WorkspaceLinks

logger = logging.getLogger(__name__)


class HomeTab:
    def __init__(self, deps: Deps, links: WorkspaceLinks | None = None) -> None:
        self.deps = deps
        self.links = links or WorkspaceLinks()

    def handle_app_home_opened(
        self, event: dict, context: BoltContext, client: WebClient
    ) -> None:
        """Only the Home tab is drawn; the Messages tab holds the bot's
        direct messages and needs nothing."""
        user_id = event.get("user")
        if event.get("tab") != "home" or not user_id or not context.team_id:
            return
        self.publish(client, team_id=context.team_id, user_id=user_id)

    def publish(self, client: WebClient, *, team_id: str, user_id: str) -> None:
        """Draw the person's Home tab from the store as it is now."""

        def can_see(channel_id: str) -> bool:
            return self.deps.members.is_member(
                client, team_id=team_id, channel_id=channel_id, user_id=user_id
            )

        now = self.deps.now()
        home = gather_home(
            self.deps.db,
            team_id=team_id,
            user_id=user_id,
            now=now,
            can_see=can_see,
            limits=LIMITS,
        )
        view = build_home_view(
            home,
            now=now,
            link_of=lambda incident: self.links.review_card(client, incident),
        )
        client.views_publish(user_id=user_id, view=view)
        logger.info("Published the home tab of %s in %s", user_id, team_id)


def register(app: App, deps: Deps) -> HomeTab:
    home = HomeTab(deps)
    app.event("app_home_opened")(home.handle_app_home_opened)
    return home
