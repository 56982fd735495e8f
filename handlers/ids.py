"""Slack ids used by the listeners and the manifest, in one place."""

COMMAND = "/pir"

# The bot's quiet "added to the timeline" answer to a tag.
CONFIRMATION_REACTION = "spiral_note_pad"
