"""The review card, the facilitator, publishing, and the review's settings.

`/pir review` posts the incident's one review card (or refreshes it in
place); every save refreshes it too. `/pir publish` shares the review as a
Markdown file in the incident channel and in the workspace's reviews
channel.
"""

from __future__ import annotations

import logging
import re

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from domain import digest, lifecycle, reviewing
from domain.document import render_review
from domain.errors import NotAnIncidentChannel, NotAPerson, PirError
from domain.incidents import parse_mention
from domain.reviewing import CARD_PENDING, CategoryError, ReviewNotFound
from domain.slack_text import escape_mrkdwn
from handlers import slack_reads, values
from handlers.deps import Deps
from handlers.errors import after_ack
from handlers.ids import ReviewAction, ReviewBlock, View
from handlers.review_views import (
    FormErrors,
    ModalContext,
    build_facilitator_modal,
    build_loading_view,
    build_review_card,
    read_button_value,
    read_facilitator,
)
from store.models import Incident

logger = logging.getLogger(__name__)

# Slack says these when the card's message cannot be updated any more.
_CARD_GONE = ("message_not_found", "channel_not_found", "cant_update_message")
# And these when the bot cannot post in the incident channel.
_CHANNEL_CLOSED = ("is_archived", "not_in_channel", "channel_not_found")
_CHANNEL_MENTION = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")


def team_zone(deps: Deps, team_id: str) -> str:
    """The team's time zone, in which the review shows its times (set with
    `/pir settings timezone`, else DEFAULT_TIMEZONE)."""
    return digest.workspace_timezone(deps.db, team_id=team_id)


class ReviewCard:
    """Posting and refreshing the card, and what hangs off it."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def name_of(self, client: WebClient, team_id: str):
        def name(user_id: str) -> str:
            return self.deps.people.name_of(client, team_id=team_id, user_id=user_id)

        return name

    # -- the card -------------------------------------------------------------

    def post_or_refresh(
        self, client: WebClient, incident: Incident, *, requested_by: str
    ) -> tuple[str, str] | None:
        """Post the card, or refresh the one there is; (channel, ts) of it, or
        None while someone else is posting it this very moment."""
        text, blocks = self._card(client, incident)
        where = reviewing.claim_card(
            self.deps.db, incident=incident, channel_id=incident.channel_id
        )
        if where is not None and where[1] == CARD_PENDING:
            return None
        if where is not None:
            channel_id, ts = where
            try:
                client.chat_update(channel=channel_id, ts=ts, text=text, blocks=blocks)
                return channel_id, ts
            except SlackApiError as error:
                if error.response.get("error") not in _CARD_GONE:
                    raise
            logger.info("Review card of incident %s was gone; posting it", incident.id)
            reviewing.remember_card(
                self.deps.db, incident=incident, channel_id=channel_id, ts=None
            )
            return self.post_or_refresh(client, incident, requested_by=requested_by)
        return self._post(client, incident, text, blocks, requested_by=requested_by)

    def _post(self, client, incident, text, blocks, *, requested_by: str):
        try:
            try:
                answer = client.chat_postMessage(
                    channel=incident.channel_id, text=text, blocks=blocks
                )
            except SlackApiError as error:
                if error.response.get("error") not in _CHANNEL_CLOSED:
                    raise
                # An archived channel keeps its review: the card goes to the
                # person who asked for it instead.
                answer = client.chat_postMessage(
                    channel=requested_by, text=text, blocks=blocks
                )
        except BaseException:
            reviewing.remember_card(
                self.deps.db, incident=incident, channel_id=incident.channel_id, ts=None
            )
            raise
        reviewing.remember_card(
            self.deps.db,
            incident=incident,
            channel_id=answer["channel"],
            ts=answer["ts"],
        )
        logger.info("Posted the review card of incident %s", incident.id)
        return answer["channel"], answer["ts"]

    def refresh(self, client: WebClient, *, team_id: str, incident_id: int) -> None:
        """Bring the card up to date after a change; no card, nothing to do."""
        incident = reviewing.find_incident_by_id(
            self.deps.db, team_id=team_id, incident_id=incident_id
        )
        ts, channel_id = incident.review_card_ts, incident.review_card_channel_id
        if not ts or ts == CARD_PENDING or not channel_id:
            return
        text, blocks = self._card(client, incident)
        try:
            client.chat_update(channel=channel_id, ts=ts, text=text, blocks=blocks)
        except SlackApiError as error:
            if error.response.get("error") not in _CARD_GONE:
                raise
            reviewing.remember_card(
                self.deps.db, incident=incident, channel_id=channel_id, ts=None
            )

    def _card(self, client: WebClient, incident: Incident):
        review = reviewing.load_review(
            self.deps.db, team_id=incident.team_id, incident_id=incident.id
        )
        return build_review_card(review, name_of=self.name_of(client, incident.team_id))

    def refreshing(self, subcommand):
        """`subcommand`, then the channel's review card brought up to date
        (the review time or the held mark it shows may have changed)."""

        def run(*, command: dict, client, **kwargs) -> None:
            subcommand(command=command, client=client, **kwargs)
            incident = lifecycle.find_incident(
                self.deps.db,
                team_id=command["team_id"],
                channel_id=command["channel_id"],
            )
            if incident is not None:
                self.refresh(client, team_id=incident.team_id, incident_id=incident.id)

        return run

    def link_to_card(self, client: WebClient, where: tuple[str, str] | None) -> str:
        if where is None:
            return "The review card is being posted right now."
        permalink = slack_reads.permalink(client, *where)
        return f"The review card is <{permalink}|here>." if permalink else ""

    # -- /pir review, and the button that leads to it -----------------------

    def review_command(self, *, command: dict, rest: str, client, respond) -> None:
        incident = self._incident_of(command)
        where = self.post_or_refresh(client, incident, requested_by=command["user_id"])
        respond(
            response_type="ephemeral",
            text="Each section has its Edit button on the card. "
            + self.link_to_card(client, where),
        )

    def handle_open_card(
        self,
        ack: Ack,
        body: dict,
        action: dict,
        client: WebClient,
        respond,
        context: BoltContext,
    ) -> None:
        """A button elsewhere (a nudge, the home tab) that leads to the card."""
        ack()
        can_respond = bool(body.get("response_url"))
        with after_ack("review_open_card", respond if can_respond else None):
            incident = reviewing.find_incident_by_id(
                self.deps.db,
                team_id=context.team_id,
                incident_id=_incident_id(action),
            )
            user_id = body["user"]["id"]
            where = self.post_or_refresh(client, incident, requested_by=user_id)
            text = self.link_to_card(client, where)
            if can_respond:
                respond(text=text, response_type="ephemeral", replace_original=False)
            else:
                client.chat_postMessage(channel=user_id, text=text)

    # -- the facilitator -------------------------------------------------------

    def facilitator_command(self, *, command: dict, rest: str, client, respond) -> None:
        """`/pir facilitator @person` assigns; alone, it offers the choice."""
        if not rest.strip():
            opened = self._open_loading(client, command["trigger_id"])
            self.fill_facilitator_modal(
                client, view=opened, incident=self._incident_of(command)
            )
            return
        user_id = parse_mention(rest)
        incident = self._incident_of(command)
        self._assign(client, incident, user_id=user_id, by=command["user_id"])

    def handle_choose_facilitator(
        self,
        ack: Ack,
        body: dict,
        action: dict,
        client: WebClient,
        respond,
        context: BoltContext,
    ) -> None:
        ack()
        with after_ack("review_choose_facilitator", respond):
            opened = self._open_loading(client, body["trigger_id"])
            incident = reviewing.find_incident_by_id(
                self.deps.db,
                team_id=context.team_id,
                incident_id=_incident_id(action),
            )
            self.fill_facilitator_modal(client, view=opened, incident=incident)

    def _open_loading(self, client: WebClient, trigger_id: str) -> dict:
        # The trigger lives three seconds: open before reading anything.
        return client.views_open(
            trigger_id=trigger_id, view=build_loading_view("Choose facilitator")
        )["view"]

    def fill_facilitator_modal(
        self, client: WebClient, *, view: dict, incident: Incident
    ) -> None:
        """Offer the channel's people, the uninvolved first."""
        responders = lifecycle.list_responders(self.deps.db, incident=incident)
        try:
            members = slack_reads.channel_members(
                client, incident.channel_id, limit=1000
            )
        except SlackApiError:
            members = []
        people = self.deps.people
        team_id = incident.team_id

        def named(user_ids):
            chosen = []
            for user_id in user_ids:
                person = people.person(client, team_id=team_id, user_id=user_id)
                if not (person.is_bot or person.is_gone):
                    chosen.append((user_id, person.name))
            return chosen

        uninvolved = [m for m in members if m not in set(responders)]
        modal = build_facilitator_modal(
            context=ModalContext(i=incident.id, s="facilitator"),
            uninvolved=named(uninvolved[:50]),
            responders=named(responders[:50]),
            current=incident.facilitator_id,
        )
        client.views_update(view_id=view["id"], hash=view.get("hash"), view=modal)

    def handle_facilitator_submission(
        self,
        ack: Ack,
        body: dict,
        view: dict,
        client: WebClient,
        context: BoltContext,
    ) -> None:
        try:
            user_id = read_facilitator(view)
        except FormErrors as error:
            ack(response_action="errors", errors=error.errors)
            return
        known = self.deps.people.cached_person(team_id=context.team_id, user_id=user_id)
        if known is not None and (known.is_bot or known.is_gone):
            ack(
                response_action="errors",
                errors={
                    ReviewBlock.ANYONE: str(NotAPerson(user_id, is_bot=known.is_bot))
                },
            )
            return
        ack()
        modal = ModalContext.load(view.get("private_metadata"))
        if modal is None:
            logger.info("Ignored a facilitator choice that carried no ids of mine")
            return
        with after_ack("review_facilitator"):
            incident = reviewing.find_incident_by_id(
                self.deps.db, team_id=context.team_id, incident_id=modal.i
            )
            try:
                self._assign(client, incident, user_id=user_id, by=body["user"]["id"])
            except NotAPerson as refused:
                # The modal is closed by now: the refusal goes by DM.
                client.chat_postMessage(channel=body["user"]["id"], text=str(refused))

    def _assign(self, client, incident: Incident, *, user_id: str, by: str) -> None:
        self.deps.people.require_person(
            client, team_id=incident.team_id, user_id=user_id
        )
        incident = reviewing.assign_facilitator(
            self.deps.db,
            team_id=incident.team_id,
            incident_id=incident.id,
            user_id=user_id,
        )
        self.refresh(client, team_id=incident.team_id, incident_id=incident.id)
        text = f"<@{user_id}> will facilitate the review (chosen by <@{by}>)."
        try:
            client.chat_postMessage(channel=incident.channel_id, text=text)
        except SlackApiError as error:
            if error.response.get("error") not in _CHANNEL_CLOSED:
                raise
            client.chat_postMessage(channel=by, text=text)

    # -- publishing --------------------------------------------------------------

    def _check_publishable(self, incident: Incident, *, held: bool) -> None:
        if held and incident.resolved_at is None:
            raise PirError(
                "The incident is not resolved yet, so its review cannot be held: "
                "mark it with `/pir resolved`, or publish a draft with `/pir publish`."
            )
        if not reviewing.has_words(self.deps.db, incident=incident):
            raise PirError(
                "Nothing is written in this review yet: fill a section from the "
                "card (`/pir review`) before publishing it."
            )

    def publish_command(self, *, command: dict, rest: str, client, respond) -> None:
        """`/pir publish [held]`: the document to the channel and the
        workspace's reviews channel; `held` also marks the review held."""
        words = rest.lower().split()
        if words and words != ["held"]:
            raise PirError(
                "Use `/pir publish` to share the review, or `/pir publish held` "
                "to share it and mark the review held."
            )
        incident = self._incident_of(command)
        self._check_publishable(incident, held=bool(words))
        now = self.deps.now()
        held_at = incident.review_held_at or (now if words else None)
        document = self.document(client, incident, held_at=held_at)
        title = f"Incident review: {incident.title}"
        filename = f"review-{incident.channel_name or incident.channel_id}.md"
        user_id = command["user_id"]

        shared_in = []
        for channel_id in self._publish_targets(incident):
            try:
                client.files_upload_v2(
                    channel=channel_id,
                    content=document,
                    filename=filename,
                    title=title[:250],
                    initial_comment=f"<@{user_id}> published the review of "
                    f"*{escape_mrkdwn(incident.title)}*"
                    + (
                        " (a draft: the incident is not resolved yet)."
                        if incident.resolved_at is None
                        else "."
                    ),
                )
                shared_in.append(channel_id)
            except SlackApiError as error:
                logger.warning(
                    "Could not publish the review of incident %s in %s: %s",
                    incident.id,
                    channel_id,
                    error.response.get("error"),
                )
        if not shared_in:
            raise PirError(
                "I could not share the review in this channel or the reviews "
                "channel: invite me to them, then try again."
            )
        incident = reviewing.mark_published(
            self.deps.db,
            team_id=incident.team_id,
            incident_id=incident.id,
            at=now,
            held=bool(words),
        )
        self.refresh(client, team_id=incident.team_id, incident_id=incident.id)
        places = ", ".join(f"<#{channel_id}>" for channel_id in shared_in)
        held = " The review is marked held." if words else ""
        respond(response_type="ephemeral", text=f"Published in {places}.{held}")

    def _publish_targets(self, incident: Incident) -> list[str]:
        targets = [incident.channel_id]
        reviews_channel = reviewing.reviews_channel(
            self.deps.db, team_id=incident.team_id
        )
        # A private incident's review stays with the members of its channel.
        if (
            reviews_channel
            and reviews_channel not in targets
            and not incident.is_private
        ):
            targets.append(reviews_channel)
        return targets

    def document(self, client: WebClient, incident: Incident, *, held_at=None) -> str:
        review = reviewing.load_review(
            self.deps.db,
            team_id=incident.team_id,
            incident_id=incident.id,
            with_left_out=False,
        )
        return render_document(
            review,
            timezone=team_zone(self.deps, incident.team_id),
            name_of=self.name_of(client, incident.team_id),
            held_at=held_at,
        )

    # -- settings ------------------------------------------------------------------

    def categories_command(self, *, command: dict, rest: str, client, respond) -> None:
        """`/pir categories [add|remove <name> | reset]`."""
        team_id = command["team_id"]
        action, _, name = rest.strip().partition(" ")
        action = action.lower() or "list"
        try:
            if action == "list":
                categories = reviewing.root_cause_categories(
                    self.deps.db, team_id=team_id
                )
            elif action == "add":
                categories = reviewing.add_category(
                    self.deps.db, team_id=team_id, name=name
                )
            elif action == "remove":
                categories = reviewing.remove_category(
                    self.deps.db, team_id=team_id, name=name
                )
            elif action == "reset" and not name:
                categories = reviewing.reset_categories(self.deps.db, team_id=team_id)
            else:
                raise CategoryError(
                    "Use `/pir categories`, `/pir categories add <name>`, "
                    "`/pir categories remove <name>` or `/pir categories reset`."
                )
        except CategoryError as error:
            respond(response_type="ephemeral", text=str(error))
            return
        listed = ", ".join(f"`{escape_mrkdwn(c)}`" for c in categories)
        respond(
            response_type="ephemeral",
            text=f"Root-cause categories here: {listed}. They count repeat incidents.",
        )

    def reviews_channel_command(
        self, *, command: dict, rest: str, client, respond
    ) -> None:
        """`/pir reviews-channel #channel | here | off`."""
        team_id, word = command["team_id"], rest.strip()
        if word.lower() == "off":
            reviewing.set_reviews_channel(
                self.deps.db, team_id=team_id, channel_id=None
            )
            respond(
                response_type="ephemeral",
                text="Published reviews now stay in their incident channels.",
            )
            return
        if word.lower() == "here":
            channel_id = command["channel_id"]
        else:
            match = _CHANNEL_MENTION.match(word)
            if not match:
                raise PirError(
                    "Name the channel, e.g. `/pir reviews-channel #incident-reviews`, "
                    "or use `here` or `off`."
                )
            channel_id = match.group(1)
        reviewing.set_reviews_channel(
            self.deps.db, team_id=team_id, channel_id=channel_id
        )
        respond(
            response_type="ephemeral",
            text=f"Published reviews will also go to <#{channel_id}> (reviews "
            "of private channels stay in their channel). Invite me there.",
        )

    def _incident_of(self, command: dict) -> Incident:
        incident = lifecycle.find_incident(
            self.deps.db, team_id=command["team_id"], channel_id=command["channel_id"]
        )
        if incident is None:
            raise NotAnIncidentChannel(command["channel_id"])
        return incident


def render_document(
    review: reviewing.Review,
    *,
    timezone: str,
    name_of,
    scrub=None,
    links=True,
    held_at=None,
) -> str:
    """The review's Markdown from a loaded review (left-out events removed)."""
    sections = {
        section: snapshot.content
        for section, snapshot in review.sections.items()
        if snapshot.version
    }
    options = {"scrub": scrub} if scrub else {}
    return render_review(
        review.incident,
        [event for event in review.events if not event.left_out],
        sections=sections,
        action_items=review.action_items,
        timezone=timezone,
        name_of=name_of,
        links=links,
        review_held_at=held_at or review.incident.review_held_at,
        **options,
    )


def _incident_id(action: dict) -> int:
    raw = action.get("value") or ""
    value = read_button_value(raw) if raw.startswith("{") else {"i": raw}
    incident_id = values.whole_number(value.get("i"))
    if incident_id is None:
        raise ReviewNotFound()
    return incident_id


def register(app: App, deps: Deps) -> ReviewCard:
    card = ReviewCard(deps)
    app.action(ReviewAction.OPEN_CARD.value)(card.handle_open_card)
    app.action(ReviewAction.CHOOSE_FACILITATOR.value)(card.handle_choose_facilitator)
    app.view(View.REVIEW_FACILITATOR.value)(card.handle_facilitator_submission)
    return card


__all__ = ["BoltContext", "ReviewCard", "register", "render_document"]
