"""Editing the review: one modal per section, with the timeline's events and
the action items edited in modals pushed on top of their section.

A modal opens at once with a "loading" view (a trigger lives three seconds,
whatever the database is doing) and is filled with views.update. A save
names the version its modal opened at; a save on top of someone else's is
answered in the modal, and the text typed is sent to its writer so nothing
is lost. After a save, the saver's Home tab is published again (the counts
of done sections and their own action items may have changed).
"""

from __future__ import annotations

import logging

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from domain import lifecycle, reviewing
from domain.capture import EventTimeRefused
from domain.errors import PirError
from domain.lints import check_blame
from domain.review import SECTION_TITLES, Priority, Section, searchable_text
from domain.reviewing import (
    ActionItemForm,
    ReviewNotFound,
    SectionChanged,
    VagueActionItem,
)
from domain.slack_text import clamp, escape_mrkdwn, plain_mentions
from domain.times import UnreadableDeadline, read_deadline
from handlers import values
from handlers.deps import Deps
from handlers.errors import after_ack
from handlers.home import HomeTab
from handlers.ids import ReviewAction, ReviewBlock, View
from handlers.past_reviews import post_seen_before
from handlers.review_card import ReviewCard, team_zone
from handlers.review_views import (
    FormErrors,
    ModalContext,
    build_action_item_modal,
    build_event_modal,
    build_hints_view,
    build_loading_view,
    build_section_modal,
    read_action_item_fields,
    read_button_value,
    read_event_form,
    read_section_form,
)

logger = logging.getLogger(__name__)

# Where a refusal of the whole section is shown: its first input.
FIRST_INPUT = {
    Section.SUMMARY: ReviewBlock.SUMMARY,
    Section.IMPACT: ReviewBlock.USERS,
    Section.TIMELINE: ReviewBlock.NOTE,
    Section.ROOT_CAUSE: ReviewBlock.TRIGGER,
    Section.WENT_WELL: ReviewBlock.POINTS,
    Section.COULD_IMPROVE: ReviewBlock.POINTS,
    Section.ACTION_ITEMS: ReviewBlock.NOTE,
}
# Sections whose words get a hint when they make a person the cause.
BLAME_CHECKED = (Section.SUMMARY, Section.ROOT_CAUSE, Section.COULD_IMPROVE)


class ReviewSections:
    def __init__(self, deps: Deps, card: ReviewCard, home: HomeTab) -> None:
        self.deps = deps
        self.card = card
        self.home = home

    # -- opening a section -----------------------------------------------------

    def handle_edit_section(
        self,
        ack: Ack,
        body: dict,
        action: dict,
        client: WebClient,
        respond,
        context: BoltContext,
    ) -> None:
        """The card's Edit button: open the section's modal."""
        ack()
        with after_ack("review_edit_section", respond):
            value = read_button_value(action.get("value"))
            incident_id = values.whole_number(value.get("i"))
            section = _section(value.get("s"))
            if incident_id is None:
                return _not_ours("review_edit_section")
            opened = client.views_open(
                trigger_id=body["trigger_id"],
                view=build_loading_view(SECTION_TITLES[section]),
            )["view"]
            self.fill_section(
                client,
                team_id=context.team_id,
                viewer=body["user"]["id"],
                view_id=opened["id"],
                context=ModalContext(i=incident_id, s=section.value),
                fresh=True,
            )

    def fill_section(
        self,
        client: WebClient,
        *,
        team_id: str,
        viewer: str,
        view_id: str,
        context: ModalContext,
        fresh: bool,
    ) -> None:
        """Put the section's form in an open modal. `fresh` takes the
        section's stored version; otherwise the one the modal opened at is
        kept, so a page turn does not hide someone else's save."""
        section = Section(context.s)
        review = reviewing.load_review(
            self.deps.db, team_id=team_id, incident_id=context.i
        )
        snapshot = review.sections[section]
        zone = self._zone(client, team_id, viewer)
        if fresh:
            context = context.with_changes(v=snapshot.version, z=zone)
        responders = lifecycle.list_responders(self.deps.db, incident=review.incident)
        content = reviewing.draft_content(
            review,
            section,
            responders=responders,
            timezone=team_zone(self.deps, team_id),
        )
        view = build_section_modal(
            review,
            section,
            content,
            context=context,
            categories=reviewing.root_cause_categories(self.deps.db, team_id=team_id),
            timezone=zone,
            name_of=self.card.name_of(client, team_id),
        )
        client.views_update(view_id=view_id, view=view)

    def _zone(self, client: WebClient, team_id: str, user_id: str) -> str:
        zone = self.deps.people.zone_of(client, team_id=team_id, user_id=user_id)
        return zone or team_zone(self.deps, team_id)

    # -- saving a section ---------------------------------------------------------

    def handle_section_submission(
        self, ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext
    ) -> None:
        """Check and save a section before answering, so that a refusal shows
        in the modal; the card is refreshed after the answer."""
        modal = ModalContext.load(view.get("private_metadata"))
        if modal is None or modal.s not in Section._value2member_map_:
            ack()
            return _not_ours("review_section")
        section = Section(modal.s)
        user_id = body["user"]["id"]
        try:
            content, done = read_section_form(section, view)
            self._check_category(context.team_id, section, content)
            category_before = None
            if section is Section.ROOT_CAUSE:
                # Only a new category is worth a "seen before".
                category_before = reviewing.find_incident_by_id(
                    self.deps.db, team_id=context.team_id, incident_id=modal.i
                ).root_cause_category
            reviewing.save_section(
                self.deps.db,
                team_id=context.team_id,
                incident_id=modal.i,
                section=section,
                content=content,
                done=done,
                by=user_id,
                expected_version=modal.v,
                now=self.deps.now(),
                reindex=False,
            )
        except FormErrors as error:
            ack(response_action="errors", errors=error.errors)
            return
        except SectionChanged as changed:
            ack(response_action="errors", errors={FIRST_INPUT[section]: str(changed)})
            with after_ack("review_section_kept_copy"):
                self._send_copy(client, user_id, section, content)
            return
        except ReviewNotFound as gone:
            ack(response_action="errors", errors={FIRST_INPUT[section]: str(gone)})
            return

        hints = _blame_hints(
            section, content, name_of=self._cached_name(context.team_id)
        )
        if hints:
            ack(
                response_action="update",
                view=build_hints_view(hints, title=SECTION_TITLES[section]),
            )
        else:
            ack()
        with after_ack("review_section_saved"):
            # Search waits for the answer: the person should not.
            reviewing.reindex_search(
                self.deps.db, team_id=context.team_id, incident_id=modal.i
            )
            self.card.refresh(client, team_id=context.team_id, incident_id=modal.i)
            chosen = getattr(content, "category", None)
            if section is Section.ROOT_CAUSE and chosen and chosen != category_before:
                incident = reviewing.find_incident_by_id(
                    self.deps.db, team_id=context.team_id, incident_id=modal.i
                )
                post_seen_before(self.deps, client, incident)
        self._refresh_home(client, context.team_id, user_id)

    def _cached_name(self, team_id: str):
        """Names for mentions, from what is known already: before the ack
        no Web API call is made."""

        def name_of(user_id: str) -> str | None:
            person = self.deps.people.cached_person(team_id=team_id, user_id=user_id)
            return person.name if person else None

        return name_of

    def _check_category(self, team_id: str, section: Section, content) -> None:
        """A root cause's category is one of the workspace's list."""
        category = getattr(content, "category", None)
        if section is not Section.ROOT_CAUSE or category is None:
            return
        categories = reviewing.root_cause_categories(self.deps.db, team_id=team_id)
        if category not in categories:
            raise FormErrors(
                {
                    ReviewBlock.CATEGORY: "Choose one of this workspace's "
                    "categories; `/pir categories add <name>` adds one."
                }
            )

    def _send_copy(self, client: WebClient, user_id: str, section, content) -> None:
        """What someone typed into a section another person saved first."""
        words = searchable_text(section, content.model_dump(mode="json"))
        client.chat_postMessage(
            channel=user_id,
            text=f"Someone saved *{SECTION_TITLES[section]}* while you were "
            "editing it, so I did not overwrite their words. Here is what you "
            f"typed:\n```{clamp(escape_mrkdwn(words), 3500)}```",
        )

    # -- the timeline's events -------------------------------------------------------

    def handle_edit_event(
        self, ack: Ack, body: dict, action: dict, client: WebClient, context
    ) -> None:
        """Edit (or, with no event id, add) an event over the timeline modal."""
        ack()
        with after_ack("review_edit_event"):
            parent = body.get("view") or {}
            section_context = ModalContext.load(parent.get("private_metadata"))
            raw_id = read_button_value(action.get("value")).get("e")
            event_id = values.whole_number(raw_id)
            if section_context is None or (raw_id is not None and event_id is None):
                return _not_ours("review_edit_event")
            opened = client.views_push(
                trigger_id=body["trigger_id"], view=build_loading_view("Timeline")
            )["view"]
            event = None
            if event_id is not None:
                event = reviewing.get_event(
                    self.deps.db, team_id=context.team_id, event_id=event_id
                )
                if event is None:
                    raise ReviewNotFound()
            zone = self._zone(client, context.team_id, body["user"]["id"])
            modal = ModalContext(
                i=section_context.i,
                s=Section.TIMELINE.value,
                p=parent.get("id"),
                t=event.id if event else None,
                v=section_context.v,
                g=section_context.g,
                z=zone,
            )
            client.views_update(
                view_id=opened["id"],
                view=build_event_modal(event, context=modal, timezone=zone),
            )

    def handle_event_submission(
        self, ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext
    ) -> None:
        modal = ModalContext.load(view.get("private_metadata"))
        if modal is None:
            ack()
            return _not_ours("review_event")
        zone = modal.z or team_zone(self.deps, context.team_id)
        now = self.deps.now()
        try:
            form = read_event_form(view, timezone=zone, now=now)
            if modal.t is None:
                reviewing.add_review_event(
                    self.deps.db,
                    team_id=context.team_id,
                    incident_id=modal.i,
                    kind=form.kind,
                    occurred_at=form.occurred_at,
                    text=form.text,
                    by=body["user"]["id"],
                    now=now,
                )
            else:
                reviewing.curate_event(
                    self.deps.db,
                    team_id=context.team_id,
                    event_id=modal.t,
                    kind=form.kind,
                    occurred_at=form.occurred_at,
                    text=form.text,
                    left_out=form.left_out,
                    now=now,
                )
        except FormErrors as error:
            ack(response_action="errors", errors=error.errors)
            return
        except (EventTimeRefused, ReviewNotFound) as refused:
            ack(response_action="errors", errors={ReviewBlock.EVENT_TIME: str(refused)})
            return
        ack()
        with after_ack("review_event_saved"):
            self._refill_parent(client, context.team_id, body["user"]["id"], modal)

    def handle_timeline_page(
        self, ack: Ack, body: dict, action: dict, client: WebClient, context
    ) -> None:
        ack()
        with after_ack("review_timeline_page"):
            view = body.get("view") or {}
            page = values.whole_number(read_button_value(action.get("value")).get("g"))
            modal = ModalContext.load(view.get("private_metadata"))
            if page is None or modal is None or not view.get("id"):
                return _not_ours("review_timeline_page")
            modal = modal.with_changes(g=page)
            self.fill_section(
                client,
                team_id=context.team_id,
                viewer=body["user"]["id"],
                view_id=view["id"],
                context=modal,
                fresh=False,
            )

    def _refill_parent(self, client, team_id: str, viewer: str, child: ModalContext):
        """Show the section modal under a closed child modal as it is now."""
        if not child.p:
            return
        parent = ModalContext(i=child.i, s=child.s, v=child.v, g=child.g)
        self.fill_section(
            client,
            team_id=team_id,
            viewer=viewer,
            view_id=child.p,
            context=parent,
            fresh=False,
        )

    # -- action items ------------------------------------------------------------------

    def handle_edit_action_item(
        self, ack: Ack, body: dict, action: dict, client: WebClient, context
    ) -> None:
        """Edit (or, with no item id, add) an action item over its section."""
        ack()
        with after_ack("review_edit_action_item"):
            parent = body.get("view") or {}
            section_context = ModalContext.load(parent.get("private_metadata"))
            raw_id = read_button_value(action.get("value")).get("a")
            item_id = values.whole_number(raw_id)
            if section_context is None or (raw_id is not None and item_id is None):
                return _not_ours("review_edit_action_item")
            opened = client.views_push(
                trigger_id=body["trigger_id"],
                view=build_loading_view("Action item"),
            )["view"]
            item = None
            if item_id is not None:
                item = reviewing.get_action_item(
                    self.deps.db, team_id=context.team_id, item_id=item_id
                )
                if item is None:
                    raise ReviewNotFound()
            review = reviewing.load_review(
                self.deps.db, team_id=context.team_id, incident_id=section_context.i
            )
            owner_zone = None
            if item and item.owner_id:
                owner_zone = self.deps.people.zone_of(
                    client, team_id=context.team_id, user_id=item.owner_id
                )
            modal = ModalContext(
                i=section_context.i,
                s=Section.ACTION_ITEMS.value,
                p=parent.get("id"),
                v=section_context.v,
                t=item.id if item else None,
                tv=item.version if item else None,
                z=owner_zone,
            )
            view = build_action_item_modal(
                item,
                context=modal,
                factors=review.content(Section.ROOT_CAUSE).contributing_factors,
                owner_zone=owner_zone,
            )
            client.views_update(view_id=opened["id"], view=view)

    def handle_pick_owner(
        self, ack: Ack, body: dict, action: dict, client: WebClient, context
    ) -> None:
        """An owner was chosen: learn their time zone now, so that the
        deadline is read in it when the item is saved."""
        ack()
        with after_ack("review_pick_owner"):
            owner = action.get("selected_user")
            if owner:
                self.deps.people.zone_of(client, team_id=context.team_id, user_id=owner)

    def handle_action_item_submission(
        self, ack: Ack, body: dict, view: dict, client: WebClient, context: BoltContext
    ) -> None:
        modal = ModalContext.load(view.get("private_metadata"))
        if modal is None:
            ack()
            return _not_ours("review_action_item")
        team_id, user_id = context.team_id, body["user"]["id"]
        try:
            fields = read_action_item_fields(view)
            if fields.remove and modal.t is not None:
                reviewing.remove_action_item(
                    self.deps.db,
                    team_id=team_id,
                    item_id=modal.t,
                    expected_version=modal.tv or 0,
                )
                ack()
                with after_ack("review_action_item_removed"):
                    self._after_item(client, team_id, user_id, modal)
                self._refresh_home(client, team_id, user_id)
                return
            zone = (
                self.deps.people.cached_zone(team_id=team_id, user_id=fields.owner_id)
                or modal.z
                or team_zone(self.deps, team_id)
            )
            item = reviewing.save_action_item(
                self.deps.db,
                team_id=team_id,
                incident_id=modal.i,
                form=self._item_form(
                    fields, zone=zone, incident_id=modal.i, team_id=team_id
                ),
                by=user_id,
                item_id=modal.t,
                expected_version=modal.tv,
                now=self.deps.now(),
            )
        except FormErrors as error:
            ack(response_action="errors", errors=error.errors)
            return
        except (VagueActionItem, SectionChanged, ReviewNotFound) as refused:
            ack(
                response_action="errors", errors={ReviewBlock.DELIVERABLE: str(refused)}
            )
            return
        ack()
        with after_ack("review_action_item_saved"):
            self._settle_deadline_zone(client, team_id, item, fields, user_id)
            self._after_item(client, team_id, user_id, modal)
        self._refresh_home(client, team_id, user_id)

    def _item_form(self, fields, *, zone: str, incident_id: int, team_id: str):
        deadline = fields.deadline_date
        if fields.deadline_text:
            try:
                deadline = read_deadline(
                    fields.deadline_text, now=self.deps.now(), timezone=zone
                )
            except UnreadableDeadline as error:
                raise FormErrors({ReviewBlock.DEADLINE_TEXT: str(error)}) from None
        factor = None
        if fields.factor_index is not None:
            review = reviewing.load_review(
                self.deps.db, team_id=team_id, incident_id=incident_id
            )
            factors = review.content(Section.ROOT_CAUSE).contributing_factors
            if fields.factor_index < len(factors):
                factor = factors[fields.factor_index]
        return ActionItemForm(
            deliverable=fields.deliverable,
            owner_id=fields.owner_id,
            deadline=deadline,
            deadline_zone=zone,
            priority=Priority(fields.priority),
            contributing_factor=factor,
            keep_vague=fields.keep_vague,
        )

    def _settle_deadline_zone(self, client, team_id, item, fields, by: str) -> None:
        """Read a typed deadline again in its owner's zone, now that the
        owner's zone can be asked for."""
        zone = self.deps.people.zone_of(client, team_id=team_id, user_id=item.owner_id)
        if not zone or zone == item.deadline_zone:
            return
        deadline = item.deadline
        if fields.deadline_text:
            try:
                deadline = read_deadline(
                    fields.deadline_text, now=self.deps.now(), timezone=zone
                )
            except UnreadableDeadline:
                return
        reviewing.correct_deadline_zone(
            self.deps.db,
            team_id=team_id,
            item_id=item.id,
            deadline=deadline,
            zone=zone,
            by=by,
        )

    def _after_item(self, client, team_id: str, viewer: str, modal: ModalContext):
        self._refill_parent(client, team_id, viewer, modal)
        self.card.refresh(client, team_id=team_id, incident_id=modal.i)

    def _refresh_home(self, client: WebClient, team_id: str, user_id: str) -> None:
        """The saver's Home tab, after the save has been answered and shown
        elsewhere; a failure here is logged, the save stands."""
        with after_ack("home_after_review_save"):
            self.home.publish(client, team_id=team_id, user_id=user_id)


def _blame_hints(section: Section, content, *, name_of) -> dict:
    if section not in BLAME_CHECKED:
        return {}
    hints = {}
    if section is Section.ROOT_CAUSE:
        fields = {"Trigger": [content.trigger]}
        fields["Contributing factors"] = content.contributing_factors
        fields["Five whys"] = content.whys
    elif section is Section.SUMMARY:
        fields = {"Summary": [content.summary]}
    else:
        fields = {"What could be improved": content.items}
    for where, texts in fields.items():
        findings = [
            finding
            for text in texts
            for finding in check_blame(plain_mentions(text, name_of))
        ]
        if findings:
            hints[where] = findings
    return hints


def _not_ours(where: str) -> None:
    """A request whose ids the bot did not write: left alone."""
    logger.info("Ignored a %s request that carried no ids of mine", where)


def _section(raw) -> Section:
    try:
        return Section(raw)
    except ValueError:
        raise PirError("That review section does not exist.") from None


def register(app: App, deps: Deps, card: ReviewCard, home: HomeTab) -> None:
    sections = ReviewSections(deps, card, home)
    app.action(ReviewAction.EDIT_SECTION.value)(sections.handle_edit_section)
    app.view(View.REVIEW_SECTION.value)(sections.handle_section_submission)
    app.action(ReviewAction.EDIT_EVENT.value)(sections.handle_edit_event)
    app.action(ReviewAction.ADD_EVENT.value)(sections.handle_edit_event)
    for paging in (ReviewAction.TIMELINE_EARLIER, ReviewAction.TIMELINE_LATER):
        app.action(paging.value)(sections.handle_timeline_page)
    app.view(View.REVIEW_EVENT.value)(sections.handle_event_submission)
    app.action(ReviewAction.EDIT_ACTION_ITEM.value)(sections.handle_edit_action_item)
    app.action(ReviewAction.ADD_ACTION_ITEM.value)(sections.handle_edit_action_item)
    app.action(ReviewAction.PICK_OWNER.value)(sections.handle_pick_owner)
    app.view(View.REVIEW_ACTION_ITEM.value)(sections.handle_action_item_submission)
