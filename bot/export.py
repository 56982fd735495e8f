"""`pirbot export`: a review's Markdown from the command line.

The incident is named as a person knows it: its channel id (`C…`), its
channel name (`#inc-payments`) or its number. With a bot token configured,
people's names are read from Slack; without one the document names them by
their Slack ids. `--redact` turns people into roles and removes ids, email
and IP addresses, for sharing outside the company.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.app import build_client
from bot.preflight import open_database
from bot.settings import ConfigError, Settings
from domain import digest, lifecycle, reviewing
from domain.redact import Redactor
from handlers.review_card import render_document
from handlers.slack_reads import People
from store import incidents
from store.db import Database
from store.models import Incident

_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{4,}$")


def find_incident(db: Database, target: str, *, team_id: str | None) -> Incident:
    """The one incident `target` names. Raises ConfigError otherwise."""
    target = target.strip()
    criteria: dict = {"team_id": team_id}
    if target.isdigit():
        criteria["incident_id"] = int(target)
    elif _CHANNEL_ID.match(target):
        criteria["channel_id"] = target
    else:
        criteria["channel_name"] = target.removeprefix("#")
    with db.session() as session:
        found = incidents.find_incidents(session, **criteria)
    if not found:
        raise ConfigError(
            f"no incident is known by {target!r}; give its channel id (C…), "
            "its channel name (#inc-…) or its number"
        )
    teams = {incident.team_id for incident in found}
    if len(teams) > 1:
        raise ConfigError(
            f"{target!r} names incidents in {len(teams)} workspaces; add "
            f"--team with one of {', '.join(sorted(teams))}"
        )
    return found[0]


def export_review(
    settings: Settings,
    target: str,
    *,
    redact: bool = False,
    team_id: str | None = None,
    output: Path | None = None,
) -> str:
    """The review document of `target`, written to `output` when given."""
    db = open_database(settings, existing_only=True)
    try:
        incident = find_incident(db, target, team_id=team_id)
        review = reviewing.load_review(
            db,
            team_id=incident.team_id,
            incident_id=incident.id,
            with_left_out=False,
        )
        responders = lifecycle.list_responders(db, incident=incident)
        timezone = digest.workspace_timezone(db, team_id=incident.team_id)
    finally:
        db.dispose()

    name_of, names_of = _names(settings, incident.team_id)
    scrub = None
    if redact:
        redactor = Redactor(
            commander_id=incident.commander_id,
            facilitator_id=incident.facilitator_id,
            people=responders,
            names={user_id: names_of(user_id) for user_id in responders},
        )
        name_of, scrub = redactor.role_of, redactor.scrub
    document = render_document(
        review,
        timezone=timezone,
        name_of=name_of,
        scrub=scrub,
        links=not redact,
    )
    if output is not None:
        try:
            output.write_text(document, encoding="utf-8")
        except OSError as error:
            raise ConfigError(
                f"Could not write {output} ({error.strerror or error}): check "
                "that its folder exists and can be written."
            ) from None
    return document


def _names(settings: Settings, team_id: str):
    """(name_of, names_of): a user id's name and every name they go by, read
    from Slack when a bot token is configured; without one, the id."""
    token = settings.slack_bot_token
    if token is None or not token.get_secret_value().startswith("xoxb-"):
        return (lambda user_id: user_id), (lambda user_id: [])
    client = build_client(token.get_secret_value(), settings.slack_api_url)
    people = People()

    def person(user_id: str):
        return people.person(client, team_id=team_id, user_id=user_id)

    def names_of(user_id: str) -> list[str]:
        names = list(person(user_id).names)
        # First names as written in prose ("Bob said"), capitalised only,
        # so that a name that is also a word is only taken where it reads
        # as a name.
        names += [n.split()[0] for n in names if " " in n and n[0].isupper()]
        return names

    return (lambda user_id: person(user_id).name), names_of
