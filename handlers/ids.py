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
    ACTION_ITEM_DEADLINE = "action_item_deadline"
    ACTION_ITEM_REASSIGN = "action_item_reassign"


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
