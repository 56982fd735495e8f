"""Redacting a review for sharing outside the company.

People become roles ("Incident commander", "Review facilitator",
"Responder 1", ...), in the order they first appear, and user ids, email
addresses and IP addresses are removed from every text. Names are only
recognised where the bot knows them (the display and real names it read
from Slack, and the first word of a full name when it is written with its
capital); a name typed in some other form stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

COMMANDER = "Incident commander"
FACILITATOR = "Review facilitator"

_MENTION = re.compile(r"<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>")
# A Slack user id has a digit; "UNAVAILABLE" is a word.
_USER_ID = re.compile(r"\b[UW](?=[A-Z0-9]*\d)[A-Z0-9]{8,}\b")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1?\d?\d)"
_IPV4 = re.compile(rf"\b(?:{_OCTET}\.){{3}}{_OCTET}\b")
_HEX = r"[0-9a-fA-F]{1,4}"
_GROUPS = rf"{_HEX}(?::{_HEX}){{0,6}}"
# Full (eight groups) or compressed with "::" and a group on one side at
# least; a clock time such as 14:05:30 is neither.
_IPV6 = re.compile(
    rf"(?<![\w:])(?:(?:{_HEX}:){{7}}{_HEX}|{_GROUPS}::(?:{_GROUPS})?|::{_GROUPS})"
    r"(?![\w:])"
)
EMAIL_REMOVED = "[email removed]"
IP_REMOVED = "[IP address removed]"


class Redactor:
    """Roles for people and a scrubber for text, for one document."""

    def __init__(
        self,
        *,
        commander_id: str | None,
        facilitator_id: str | None,
        people: Iterable[str] = (),
        names: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self._roles: dict[str, str] = {}
        if commander_id:
            self._roles[commander_id] = COMMANDER
        if facilitator_id and facilitator_id not in self._roles:
            self._roles[facilitator_id] = FACILITATOR
        self._responders = 0
        for user_id in people:
            self.role_of(user_id)
        self._names: list[tuple[re.Pattern[str], str]] = []
        for user_id, known in (names or {}).items():
            role = self.role_of(user_id)
            for name in known:
                if len(name) >= 3:
                    self._names.append((name, role))
        # Longest first, so that "Bob Example" goes before "Bob".
        self._names.sort(key=lambda pair: len(pair[0]), reverse=True)
        self._patterns = [
            (re.compile(rf"(?<!\w)@?{re.escape(name)}(?!\w)", _flags(name)), role)
            for name, role in self._names
        ]

    def role_of(self, user_id: str) -> str:
        """The person's role, giving the next "Responder N" to a newcomer."""
        role = self._roles.get(user_id)
        if role is None:
            self._responders += 1
            role = f"Responder {self._responders}"
            self._roles[user_id] = role
        return role

    def scrub(self, text: str) -> str:
        """The text with people as roles and ids, emails and IPs removed."""
        text = _MENTION.sub(lambda m: self.role_of(m.group(1)), text)
        text = _EMAIL.sub(EMAIL_REMOVED, text)
        for pattern, role in self._patterns:
            text = pattern.sub(role, text)
        text = _USER_ID.sub(lambda m: self.role_of(m.group(0)), text)
        text = _IPV4.sub(IP_REMOVED, text)
        return _IPV6.sub(IP_REMOVED, text)


def _flags(name: str) -> int:
    # A capitalised first name is matched as written ("Will", not "will");
    # full names and handles in any case.
    if " " not in name and name[:1].isupper() and not name.isupper():
        return 0
    return re.I
