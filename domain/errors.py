"""The errors a person can fix: each message says what to do instead."""


class PirError(Exception):
    """A request the bot refuses; `str(error)` is shown to the person."""


class NotAnIncidentChannel(PirError):
    def __init__(self, channel_id: str) -> None:
        self.channel_id = channel_id
        super().__init__(
            "This channel is not an incident channel yet. Declare one here with "
            "`/pir declare P2 <title>`."
        )


class AlreadyAnIncident(PirError):
    def __init__(self, title: str) -> None:
        self.title = title
        super().__init__(
            f"This channel already has an incident: “{title}”. Use `/pir status` "
            "to see it."
        )


class BotNotInChannel(PirError):
    def __init__(self, channel_id: str) -> None:
        self.channel_id = channel_id
        super().__init__(
            "I am not a member of this channel, so I cannot see its messages. "
            "Invite me first with `/invite @pirbot`, then try again."
        )


class NotAPerson(PirError):
    """A role (commander, facilitator, owner) given to a bot or to someone
    Slack does not know."""

    def __init__(self, user_id: str, *, is_bot: bool) -> None:
        self.user_id = user_id
        reason = "is a bot" if is_bot else "is not someone Slack knows here"
        super().__init__(f"<@{user_id}> {reason}; choose a person of this workspace.")
