"""Slack ids used by the listeners, the views and the manifest, in one place."""

from enum import StrEnum

COMMAND = "/pir"

# The bot's quiet "added to the timeline" answer to a tag.
CONFIRMATION_REACTION = "spiral_note_pad"


class Shortcut(StrEnum):
    ADD_TO_TIMELINE = "add_to_timeline"


class View(StrEnum):
    ADD_TIMELINE_EVENT = "add_timeline_event"
    DECLARE_INCIDENT = "declare_incident"
    REVIEW_LOADING = "review_loading"
    REVIEW_SECTION = "review_section"
    REVIEW_EVENT = "review_event"
    REVIEW_ACTION_ITEM = "review_action_item"
    REVIEW_FACILITATOR = "review_facilitator"
    REVIEW_HINTS = "review_hints"
    ACTION_ITEM_DEADLINE = "action_item_deadline"
    ACTION_ITEM_REASSIGN = "action_item_reassign"
    # The app's Home tab (a published view, not a modal).
    HOME = "pir_home"


class AddEventBlock(StrEnum):
    """Input blocks of the "Add to timeline" modal (each action id is `value`)."""

    KIND = "event_kind"
    PICKED_TIME = "event_time_picked"
    TYPED_TIME = "event_time_typed"
    NOTE = "event_note"


INPUT_ACTION = "value"


class TimelineAction(StrEnum):
    """Paging buttons of /pir timeline; each carries the page to show."""

    EARLIER = "timeline_earlier"
    LATER = "timeline_later"


class DeclareAction(StrEnum):
    """The button that asks to declare an incident where a tag was made."""

    FROM_TAG = "declare_from_tag"


class DeclareBlock(StrEnum):
    """Input blocks of the declaration modal."""

    TITLE = "incident_title"
    SEVERITY = "incident_severity"


class ReviewAction(StrEnum):
    """Buttons that lead to an incident's review; each carries the incident id.

    OPEN_CARD posts (or refreshes) the review card in the incident channel;
    nudges and the home tab offer it.
    """

    OPEN_CARD = "review_open_card"
    EDIT_SECTION = "review_edit_section"
    CHOOSE_FACILITATOR = "review_choose_facilitator"
    # Inside the timeline and action-item modals; values carry item ids.
    EDIT_EVENT = "review_edit_event"
    ADD_EVENT = "review_add_event"
    TIMELINE_EARLIER = "review_timeline_earlier"
    TIMELINE_LATER = "review_timeline_later"
    EDIT_ACTION_ITEM = "review_edit_action_item"
    ADD_ACTION_ITEM = "review_add_action_item"
    PICK_OWNER = "review_pick_owner"


class ReviewBlock(StrEnum):
    """Input blocks of the review's modals; each input's action id is `value`."""

    DONE = "section_done"
    # Summary
    DATE = "summary_date"
    DURATION = "summary_duration"
    SEVERITY = "summary_severity"
    COMMANDER = "summary_commander"
    PARTICIPANTS = "summary_participants"
    SUMMARY = "summary_text"
    # Impact
    USERS = "impact_users"
    SERVICES = "impact_services"
    IMPACT_DURATION = "impact_duration"
    REVENUE = "impact_revenue"
    SLA = "impact_sla"
    SLA_NOTES = "impact_sla_notes"
    # Timeline and action items: a note for the reader
    NOTE = "section_note"
    # Root cause
    TRIGGER = "root_trigger"
    FACTORS = "root_factors"
    WHY = "root_why_"  # followed by 1..5
    CATEGORY = "root_category"
    # What went well, what could be improved
    POINTS = "list_points"
    # One timeline event
    EVENT_KIND = "event_kind"
    EVENT_TIME = "event_time"
    EVENT_TEXT = "event_text"
    EVENT_LEFT_OUT = "event_left_out"
    # One action item
    DELIVERABLE = "item_deliverable"
    OWNER = "item_owner"
    DEADLINE_TEXT = "item_deadline_text"
    DEADLINE_DATE = "item_deadline_date"
    PRIORITY = "item_priority"
    FACTOR = "item_factor"
    KEEP_VAGUE = "item_keep_vague"
    REMOVE = "item_remove"
    # The facilitator
    SUGGESTED = "facilitator_suggested"
    ANYONE = "facilitator_anyone"


class ActionItemAction(StrEnum):
    """Buttons on an action item wherever it is shown (digest, home tab);
    each carries the item id."""

    DONE = "action_item_done"
    STILL_ON_IT = "action_item_still_on_it"
    CHANGE_DEADLINE = "action_item_change_deadline"
    REASSIGN = "action_item_reassign"


class ActionItemBlock(StrEnum):
    """Input blocks of the Change deadline and Reassign modals."""

    DEADLINE = "action_item_new_deadline"
    OWNER = "action_item_new_owner"
