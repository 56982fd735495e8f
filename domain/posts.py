"""Scheduled posts and the keys that make each one go out once.

A post is claimed under (kind, target, period) before it is sent; the
database refuses a second claim of the same key, whichever process or
retry makes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PostKind(StrEnum):
    # target: the incident channel; period: the nudge step ("24h", ...)
    NUDGE = "review_nudge"
    # target: the incident channel; period: "72h"
    OVERDUE_DM = "review_overdue_dm"
    # target: the incident channel; period: the review's time in UTC
    REMINDER = "review_reminder"
    # target: the subscribed channel; period: the slot's local date
    DIGEST = "digest"
    # target: the workspace; period: the ISO week. Posted once every owner
    # of the workspace has had their own digest that week.
    OWNER_DIGESTS = "owner_digests"
    # target: the owner; period: workspace and ISO week
    OWNER_DIGEST = "owner_digest"


@dataclass(frozen=True)
class PostKey:
    team_id: str
    kind: PostKind
    target: str
    period: str

    @property
    def unique(self) -> tuple[str, str, str]:
        """The part the database keeps unique."""
        return (self.kind.value, self.target, self.period)
