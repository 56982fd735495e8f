"""`/pir metrics [period]`: whether the review process works here."""

from __future__ import annotations

from domain.metrics import gather_metrics, read_period
from handlers.deps import Deps
from handlers.metrics_views import build_metrics_message


def run_metrics_command(deps: Deps, *, command: dict, rest: str, client, respond, **_):
    """The workspace's figures over the period, to the person who asked."""
    team_id, user_id = command["team_id"], command["user_id"]
    zone = deps.people.zone_of(client, team_id=team_id, user_id=user_id)
    timezone = zone or deps.default_timezone
    period = read_period(rest, now=deps.now(), timezone=timezone)
    report = gather_metrics(deps.db, team_id=team_id, period=period)
    text, blocks = build_metrics_message(report, timezone=timezone)
    respond(response_type="ephemeral", text=text, blocks=blocks)
