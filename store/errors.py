"""Errors the store raises for rules the database enforces."""


class IncidentAlreadyDeclared(Exception):
    def __init__(self, channel_id: str, title: str) -> None:
        self.channel_id = channel_id
        self.title = title
        super().__init__(f"channel {channel_id} already has incident {title!r}")


class StaleEdit(Exception):
    """Someone saved the thing being edited after the editor read it.

    `changed_by` and `changed_at` say who and when (None when unknown);
    `version` is the one now stored.
    """

    def __init__(self, *, what: str, changed_by, changed_at, version: int) -> None:
        self.what = what
        self.changed_by = changed_by
        self.changed_at = changed_at
        self.version = version
        super().__init__(f"{what} changed (now version {version})")
