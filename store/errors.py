"""Errors the store raises for rules the database enforces."""


class IncidentAlreadyDeclared(Exception):
    def __init__(self, channel_id: str, title: str) -> None:
        self.channel_id = channel_id
        self.title = title
        super().__init__(f"channel {channel_id} already has incident {title!r}")
