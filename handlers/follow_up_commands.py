"""`/pir schedule`, `/pir held`, `/pir digest` and `/pir settings`: the
review meeting, the weekly digest and how follow-up is done here."""

from __future__ import annotations

import logging

from slack_sdk import WebClient

from domain import digest, follow_up_settings, review_meeting
from domain.digest import DigestError, parse_schedule
from domain.errors import BotNotInChannel
from domain.follow_up_settings import (
    WEEKDAYS,
    FollowUpSettings,
    SettingError,
    WorkspaceFollowUp,
)
from domain.slack_text import slack_date, unescape_slack
from domain.times import Prefer, read_when
from handlers import follow_up_views, slack_reads
from handlers.deps import Deps

logger = logging.getLogger(__name__)


def _caller_zone(deps: Deps, client: WebClient, command: dict) -> str:
    zone = deps.people.zone_of(
        client, team_id=command["team_id"], user_id=command["user_id"]
    )
    return zone or deps.default_timezone


def run_schedule_command(
    deps: Deps, *, command: dict, rest: str, client: WebClient, respond, **_
) -> None:
    """`/pir schedule thursday 3pm`: the review's time, read in the caller's
    zone and confirmed to everyone invited."""
    if not rest.strip():
        raise review_meeting.ReviewTimeRefused(
            "Say when the review takes place, e.g. `/pir schedule thursday 3pm` "
            "or `/pir schedule tomorrow 10:00 CET`."
        )
    team_id, user_id = command["team_id"], command["user_id"]
    now = deps.now()
    zone = _caller_zone(deps, client, command)
    at = read_when(unescape_slack(rest), base=now, timezone=zone, prefer=Prefer.FUTURE)
    follow_up = follow_up_settings.load_follow_up(deps.db, team_id=team_id)
    scheduled = review_meeting.schedule_review(
        deps.db,
        team_id=team_id,
        channel_id=command["channel_id"],
        at=at,
        by=user_id,
        now=now,
        reminder_lead=follow_up.settings.reminder_lead,
    )
    text, blocks = follow_up_views.build_review_scheduled(
        scheduled.incident,
        at=at,
        by=user_id,
        invited=scheduled.responders,
        timezone=zone,
    )
    respond(response_type="in_channel", text=text, blocks=blocks)


def run_held_command(
    deps: Deps, *, command: dict, rest: str, client: WebClient, respond, **_
) -> None:
    """`/pir held [when]`: the review took place (now, unless told when)."""
    now = deps.now()
    at = now
    if rest.strip():
        zone = _caller_zone(deps, client, command)
        at = read_when(unescape_slack(rest), base=now, timezone=zone)
    incident = review_meeting.mark_review_held(
        deps.db,
        team_id=command["team_id"],
        channel_id=command["channel_id"],
        at=at,
        by=command["user_id"],
        now=now,
    )
    respond(
        response_type="in_channel",
        text=follow_up_views.build_review_held(incident, at=at, by=command["user_id"]),
    )


DIGEST_USAGE = (
    "Use `/pir digest here [day time zone]` (e.g. `/pir digest here monday 09:00 "
    "Europe/Berlin`), `/pir digest off`, or `/pir digest` to see this channel's."
)


def run_digest_command(
    deps: Deps, *, command: dict, rest: str, client: WebClient, respond, **_
) -> None:
    """Subscribe this channel to the weekly digest, change or stop it."""
    words = rest.split(maxsplit=1)
    action = words[0].lower() if words else ""
    if action == "here":
        _subscribe(deps, command, words[1] if len(words) > 1 else "", client, respond)
    elif action in ("off", "stop") and len(words) == 1:
        removed = digest.unsubscribe_channel(
            deps.db, team_id=command["team_id"], channel_id=command["channel_id"]
        )
        respond(
            response_type="in_channel" if removed else "ephemeral",
            text="This channel no longer gets the action-item digest."
            if removed
            else "This channel gets no digest.",
        )
    elif not action:
        schedule = digest.channel_schedule(
            deps.db, team_id=command["team_id"], channel_id=command["channel_id"]
        )
        text = (
            f"This channel gets the action-item digest {schedule.describe()}; "
            f"the next one comes {slack_date(schedule.next_slot(deps.now()))}."
            if schedule
            else "This channel gets no digest."
        )
        respond(response_type="ephemeral", text=f"{text} {DIGEST_USAGE}")
    else:
        raise DigestError(f"I did not understand that. {DIGEST_USAGE}")


def _subscribe(deps: Deps, command: dict, text: str, client: WebClient, respond):
    team_id, channel_id = command["team_id"], command["channel_id"]
    zone = digest.workspace_timezone(deps.db, team_id=team_id)
    schedule = parse_schedule(text, default_zone=zone)
    if not slack_reads.channel_facts(client, channel_id).is_member:
        raise BotNotInChannel(channel_id)
    now = deps.now()
    digest.subscribe_channel(
        deps.db,
        team_id=team_id,
        channel_id=channel_id,
        schedule=schedule,
        by=command["user_id"],
        now=now,
        app_id=command.get("api_app_id"),
    )
    respond(
        response_type="in_channel",
        text=f"<@{command['user_id']}> subscribed this channel to the "
        f"action-item digest, {schedule.describe()}. The next one comes "
        f"{slack_date(schedule.next_slot(now))}.",
    )


# --- /pir settings --------------------------------------------------------------

SETTINGS_USAGE = (
    "Change one with `/pir settings timezone Europe/Berlin`, `hours 09:00-18:00`, "
    "`days mon-fri`, `nudges P3 always|once|never`, `reminder 1h|30m|off` or "
    "`owner-digests on|off`."
)


def describe_settings(follow_up: WorkspaceFollowUp) -> str:
    settings: FollowUpSettings = follow_up.settings
    nudges = ", ".join(
        f"{severity.value} {settings.policy_for(severity.value).value}"
        for severity in sorted(settings.nudges)
    )
    days = ", ".join(WEEKDAYS[day][:3].capitalize() for day in settings.working_days)
    lead = settings.reminder_lead
    reminder = (
        "off" if lead is None else f"{int(lead.total_seconds() // 60)} min before"
    )
    owner_digests = "on" if settings.owner_digests else "off"
    return "\n".join(
        [
            "Follow-up of reviews in this workspace:",
            f"• Time zone: {follow_up.timezone}",
            f"• Nudges to hold the review: {nudges}",
            f"• Working hours for nudges: {days}, {settings.working_start}–"
            f"{settings.working_end}",
            f"• Reminder of a scheduled review: {reminder}",
            f"• Owners also get their own digest: {owner_digests}",
            SETTINGS_USAGE,
        ]
    )


def run_settings_command(deps: Deps, *, command: dict, rest: str, respond, **_) -> None:
    """Show or change the workspace's follow-up settings."""
    team_id = command["team_id"]
    words = rest.split()
    name = words[0].lower() if words else ""
    value = " ".join(words[1:])
    if not name:
        follow_up = follow_up_settings.load_follow_up(deps.db, team_id=team_id)
    else:
        follow_up = _change(deps, team_id, name, value, words)
        logger.info("User %s changed follow-up setting %s", command["user_id"], name)
    respond(response_type="ephemeral", text=describe_settings(follow_up))


def _change(deps: Deps, team_id: str, name: str, value: str, words: list[str]):
    fus = follow_up_settings
    if name in ("timezone", "zone", "tz"):
        return fus.change_timezone(
            deps.db, team_id=team_id, timezone=fus.parse_zone(value)
        )
    if name == "hours":
        start, end = fus.parse_hours(value)
        changes = {
            "working_start": start.strftime("%H:%M"),
            "working_end": end.strftime("%H:%M"),
        }
    elif name == "days":
        changes = {"working_days": fus.parse_days(value)}
    elif name == "nudges" and len(words) == 3:
        severity = fus.parse_severity_word(words[1])
        changes = {"nudges": {severity: fus.parse_policy(words[2])}}
    elif name == "reminder" and value:
        changes = {"reminder_minutes": fus.parse_reminder(value)}
    elif name in ("owner-digests", "owner-digest", "owners") and value:
        changes = {"owner_digests": fus.parse_switch(value)}
    else:
        raise SettingError(f"I did not understand that. {SETTINGS_USAGE}")
    return fus.change_follow_up(deps.db, team_id=team_id, **changes)
