"""Names and zones of people, read with users.info and kept for an hour."""

from __future__ import annotations

from bot.app import build_client
from handlers.slack_reads import People
from tests.handlers.people import ALICE, TEAM


def test_someone_who_left_is_remembered_as_gone(standin) -> None:
    standin.remove_user(ALICE)
    people = People()
    client = build_client("xoxb-pirbot-local-token", standin.api_url)

    first = people.person(client, team_id=TEAM, user_id=ALICE)
    people.person(client, team_id=TEAM, user_id=ALICE)

    assert first.is_gone
    assert len(standin.calls_to("users.info")) == 1


def test_a_passing_failure_is_not_mistaken_for_leaving(standin) -> None:
    standin.fail_next("users.info", error="internal_error", status=200)
    people = People()
    client = build_client("xoxb-pirbot-local-token", standin.api_url)

    unknown = people.person(client, team_id=TEAM, user_id=ALICE)
    again = people.person(client, team_id=TEAM, user_id=ALICE)

    assert (unknown.is_gone, unknown.timezone) == (False, None)
    assert (again.is_gone, again.timezone) == (False, "Europe/Berlin")
