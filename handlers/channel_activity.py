"""What happens in channels besides tags: edits, deletions, renames, archiving.

Every subscribed event needs a listener (an unmatched one is answered 404,
and Slack retries it). Ordinary new messages only tell who responds to an
incident: their text is not kept.
"""

from __future__ import annotations

import logging

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from domain import capture, lifecycle
from domain.messages import message_text
from domain.slack_text import InvalidTimestamp, ts_to_datetime
from handlers.capture import stated_time_of
from handlers.deps import Deps

logger = logging.getLogger(__name__)

# Subtypes of a changed message that mean its parent was deleted while the
# thread still has replies.
TOMBSTONE = "tombstone"


class ChannelActivity:
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def handle_message_event(
        self, event: dict, context: BoltContext, client: WebClient
    ) -> None:
        """Edits and deletions of tagged messages, and who responds."""
        subtype = event.get("subtype")
        if subtype == "message_changed":
            self._edited(event, context, client)
        elif subtype == "message_deleted":
            self._deleted(event, context, event.get("deleted_ts"))
        elif subtype in (None, "thread_broadcast", "file_share"):
            self._posted(event, context)

    def _posted(self, event: dict, context: BoltContext) -> None:
        """A person who posts in an incident channel is one of its responders."""
        user_id, channel_id = event.get("user"), event.get("channel")
        if not (context.team_id and isinstance(user_id, str) and channel_id):
            return
        if event.get("bot_id"):
            return
        lifecycle.note_responder(
            self.deps.db,
            team_id=context.team_id,
            channel_id=channel_id,
            user_id=user_id,
            at=self._moment(event.get("ts"), event),
        )

    def _edited(self, event: dict, context: BoltContext, client: WebClient) -> None:
        message = event.get("message") or {}
        if message.get("subtype") == TOMBSTONE:
            self._deleted(event, context, message.get("ts"))
            return
        previous = event.get("previous_message") or {}
        text = message_text(message)
        # Slack also sends message_changed when a link preview is attached
        # or a thread gains a reply: only a change of text is an edit.
        if text == message_text(previous):
            return
        where = {
            "team_id": context.team_id,
            "channel_id": event.get("channel"),
            "message_ts": message.get("ts"),
        }
        if not all(where.values()) or not capture.is_tagged(self.deps.db, **where):
            return
        capture.record_edit(
            self.deps.db,
            **where,
            text=text,
            edited_at=self._moment((message.get("edited") or {}).get("ts"), event),
            stated_at=self._stated_time(client, context, message, text),
        )

    def _stated_time(self, client, context, message: dict, text: str):
        try:
            return stated_time_of(
                self.deps,
                client,
                team_id=context.team_id,
                author_id=message.get("user"),
                text=text,
                ts=message["ts"],
            )
        except InvalidTimestamp:
            return None

    def _deleted(self, event: dict, context: BoltContext, ts: str | None) -> None:
        if not ts or not event.get("channel"):
            return
        capture.record_deletion(
            self.deps.db,
            team_id=context.team_id,
            channel_id=event["channel"],
            message_ts=ts,
            at=self._moment(event.get("event_ts"), event),
        )

    def _moment(self, ts: str | None, event: dict):
        try:
            return ts_to_datetime(ts or event.get("event_ts"))
        except InvalidTimestamp:
            return self.deps.now()

    def handle_channel_rename(self, event: dict, context: BoltContext) -> None:
        channel = event.get("channel") or {}
        if channel.get("id") and channel.get("name"):
            lifecycle.follow_channel(
                self.deps.db,
                team_id=context.team_id,
                channel_id=channel["id"],
                name=channel["name"],
            )

    def handle_channel_archive(self, event: dict, context: BoltContext) -> None:
        self._archived(event, context, archived=True)

    def handle_channel_unarchive(self, event: dict, context: BoltContext) -> None:
        self._archived(event, context, archived=False)

    def _archived(self, event: dict, context: BoltContext, *, archived: bool) -> None:
        channel_id = event.get("channel")
        if isinstance(channel_id, str):
            lifecycle.follow_channel(
                self.deps.db,
                team_id=context.team_id,
                channel_id=channel_id,
                archived=archived,
            )


def register(app: App, deps: Deps) -> None:
    activity = ChannelActivity(deps)
    app.event("message")(activity.handle_message_event)
    for kind in ("channel", "group"):
        app.event(f"{kind}_rename")(activity.handle_channel_rename)
        app.event(f"{kind}_archive")(activity.handle_channel_archive)
        app.event(f"{kind}_unarchive")(activity.handle_channel_unarchive)
