"""Tags in channels that are not incidents yet, and the one question asked
about each such channel."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete, select

from store.models import PendingTag, PostClaim

# The claim that the bot has asked, once, whether to declare an incident.
DECLARE_PROMPT = "declare_prompt"


def hold_tag(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    message_ts: str,
    user_id: str,
    reaction: str,
) -> bool:
    """Keep a tag until an incident is declared; False if it was kept already."""
    tag = PendingTag(
        team_id=team_id,
        channel_id=channel_id,
        message_ts=message_ts,
        user_id=user_id,
        reaction=reaction,
    )
    try:
        with session.begin_nested():
            session.add(tag)
    except IntegrityError:
        return False
    return True


def drop_tag(
    session: Session,
    *,
    team_id: str,
    channel_id: str,
    message_ts: str,
    user_id: str,
    reaction: str,
) -> None:
    session.exec(
        delete(PendingTag).where(
            PendingTag.team_id == team_id,
            PendingTag.channel_id == channel_id,
            PendingTag.message_ts == message_ts,
            PendingTag.user_id == user_id,
            PendingTag.reaction == reaction,
        )
    )


def take_tags(session: Session, *, team_id: str, channel_id: str) -> list[PendingTag]:
    """The channel's waiting tags, oldest first, removed from the store."""
    tags = list(
        session.exec(
            select(PendingTag)
            .where(PendingTag.team_id == team_id, PendingTag.channel_id == channel_id)
            .order_by(PendingTag.created_at, PendingTag.id)
        ).all()
    )
    for tag in tags:
        session.delete(tag)
    return tags


def claim_declare_prompt(
    session: Session, *, team_id: str, channel_id: str, claimed_by: str
) -> bool:
    """Whether this caller is the one to ask about declaring in the channel.

    The unique claim makes it once per channel, whatever replica or retry
    gets there first.
    """
    claim = PostClaim(
        team_id=team_id,
        kind=DECLARE_PROMPT,
        target=channel_id,
        period="once",
        claimed_by=claimed_by,
    )
    try:
        with session.begin_nested():
            session.add(claim)
    except IntegrityError:
        return False
    return True
