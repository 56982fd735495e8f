"""The app's Home tab, through signed requests to the real app and the Slack
stand-in: published when opened and after the viewer's own changes, each
part with its rows or a sentence, private reviews only for their channel's
members, within Slack's 100 blocks, in a fixed number of statements."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event

from bot import reviewer
from bot.local import LocalBot
from bot.reviewer import SimulatedPerson
from domain.review import Priority, Section
from handlers.home_views import (
    ITEMS_HEADING,
    LATEST_HEADING,
    NO_ITEMS,
    NO_LATEST,
    NO_REVIEWS,
    REVIEWS_HEADING,
)
from handlers.ids import (
    ActionItemAction,
    ActionItemBlock,
    ReviewAction,
    ReviewBlock,
    View,
)
from slack_standin import payloads
from store import incidents, reviews, workspaces
from store.models import Incident
from tests.handlers.people import ALICE, BOB, CAROL, CHANNEL, TEAM
from tests.scheduler.world import Clock, World

# Wednesday 4 December 2024, noon UTC.
NOW = datetime(2024, 12, 4, 12, 0, tzinfo=UTC)
SECRET = "C07SECRET001"
OTHER_TEAM = "T0999OTHER"
SQL_VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE")


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def bot(db, standin, clock) -> Iterator[LocalBot]:
    standin.add_channel(SECRET, name="inc-secret", is_private=True, members=[ALICE])
    local = LocalBot(db, standin, now=clock)
    yield local
    local.close()


@pytest.fixture
def world(db, standin, clock, bot) -> World:
    return World(db, standin, clock=clock, deps=bot.deps, client=bot.client)


# --- seeding and reading -------------------------------------------------------


def _incident(world: World, number: int, **kwargs) -> Incident:
    kwargs.setdefault("resolved_at", NOW - timedelta(days=10))
    kwargs.setdefault("title", f"Incident {number}")
    return world.incident(f"C08INC{number:05d}", **kwargs)


def _reviewed(world: World, incident: Incident, **fields) -> Incident:
    """Set review fields (held or published moments, category) on an incident."""
    with world.db.session() as session:
        stored = session.get(Incident, incident.id)
        for name, value in fields.items():
            setattr(stored, name, value)
        session.add(stored)
    return stored


def _sections(world: World, incident: Incident, *, done: int, draft: int = 0):
    states = ["done"] * done + ["draft"] * draft
    with world.db.session() as session:
        for section, state in zip(Section, states, strict=False):
            reviews.save_section(
                session,
                team_id=TEAM,
                incident_id=incident.id,
                section=section.value,
                content={},
                state=state,
                updated_by=ALICE,
                expected_version=0,
            )


def _open_home(bot: LocalBot, user: str, *, tab: str = "home"):
    reply = bot.event(payloads.app_home_opened(user=user, tab=tab))
    assert reply.status == 200
    return bot.standin.published_home(user)


def _blocks(home: dict, prefix: str) -> list[dict]:
    return [b for b in home["blocks"] if b.get("block_id", "").startswith(prefix)]


def _text(block: dict) -> str:
    return (block.get("text") or {}).get("text", "")


def _part(home: dict, heading: str) -> list[dict]:
    """The blocks under a heading, up to the next divider."""
    blocks, inside = [], False
    for block in home["blocks"]:
        if block["type"] == "header":
            inside = _text(block) == heading
            continue
        if block["type"] == "divider":
            inside = False
        if inside:
            blocks.append(block)
    return blocks


def _item_ids(home: dict) -> list[int]:
    return [
        int(b["block_id"].split(":")[1])
        for b in home["blocks"]
        if b["block_id"].startswith("action_item:") and b["type"] == "section"
    ]


def _latest_ids(home: dict) -> list[int]:
    return [int(b["block_id"].split(":")[1]) for b in _blocks(home, "home_latest:")]


def _review_ids(home: dict) -> list[int]:
    return [int(b["block_id"].split(":")[1]) for b in _blocks(home, "home_review:")]


def _click_on_home(bot: LocalBot, user: str, action_id: str, value: str, block_id):
    home = bot.standin.published_home(user)
    payload = payloads.block_actions(
        user=user,
        actions=[
            payloads.button_action(
                action_id=action_id, block_id=block_id, value=value, text="Go"
            )
        ],
        container=payloads.view_container(view_id=home["id"]),
        view=home,
        trigger_id=bot.standin.issue_trigger_id(),
    )
    reply = bot.interactive(payload)
    assert reply.status == 200
    return reply


# --- opening it ---------------------------------------------------------------


def test_an_empty_home_has_each_part_with_its_sentence(bot) -> None:
    home = _open_home(bot, CAROL)

    (published,) = bot.standin.calls_to("views.publish")
    view = published.args["view"]
    assert published.args["user_id"] == CAROL
    assert view["type"] == "home"
    assert not {"title", "submit", "close"} & view.keys()
    headings = [_text(b) for b in home["blocks"] if b["type"] == "header"]
    assert headings == [ITEMS_HEADING, REVIEWS_HEADING, LATEST_HEADING]
    assert [_text(b) for b in _part(home, ITEMS_HEADING)] == [NO_ITEMS]
    assert [_text(b) for b in _part(home, REVIEWS_HEADING)] == [NO_REVIEWS]
    assert [_text(b) for b in _part(home, LATEST_HEADING)] == [NO_LATEST]


def test_opening_the_messages_tab_publishes_nothing(bot) -> None:
    assert _open_home(bot, CAROL, tab="messages") is None
    assert bot.standin.calls_to("views.publish") == []


def test_open_action_items_are_the_viewers_own_most_urgent_first(world, bot):
    incident = _incident(world, 1, card_ts="1733300000.000100")
    later = world.item(incident, deliverable="Later", deadline=date(2025, 1, 31))
    undated = world.item(incident, deliverable="Someday", deadline=None)
    overdue = world.item(incident, deliverable="Late", deadline=date(2024, 11, 29))
    soon = world.item(
        incident, deliverable="Berlin", deadline=date(2024, 12, 5), zone="Europe/Berlin"
    )
    # 5 December ends in Samoa (UTC+13) twelve hours before it ends in Berlin.
    soon_east = world.item(
        incident, deliverable="East", deadline=date(2024, 12, 5), zone="Pacific/Apia"
    )
    world.item(incident, deliverable="Finished", done_at=NOW - timedelta(days=1))
    world.item(incident, deliverable="Bob's", owner=BOB, deadline=date(2024, 12, 1))

    home = _open_home(bot, ALICE)

    assert _item_ids(home) == [overdue.id, soon_east.id, soon.id, later.id, undated.id]
    shown = json.dumps(_part(home, ITEMS_HEADING))
    assert "*Late*" in shown and "5 days overdue" in shown
    assert "Bob's" not in shown and "Finished" not in shown
    link = (
        f"https://acme-eng.slack.com/archives/{incident.channel_id}/p1733300000000100"
    )
    assert f"<{link}|Incident 1>" in shown
    (buttons,) = _blocks(home, f"action_item:{overdue.id}:buttons")
    assert [e["action_id"] for e in buttons["elements"]] == [
        action.value for action in ActionItemAction
    ]
    assert {e["value"] for e in buttons["elements"]} == {str(overdue.id)}


def test_reviews_to_finish_are_those_the_viewer_facilitates_or_commands(world, bot):
    overdue = _incident(
        world, 1, commander=ALICE, facilitator=BOB, resolved_at=NOW - timedelta(days=4)
    )
    fresh = _incident(
        world, 2, commander=BOB, facilitator=ALICE, resolved_at=NOW - timedelta(days=1)
    )
    scheduled = _incident(world, 3, commander=ALICE, review_at=NOW + timedelta(days=1))
    passed = _incident(world, 7, facilitator=ALICE, review_at=NOW - timedelta(hours=3))
    held = _incident(world, 4, commander=ALICE)
    _reviewed(world, held, review_held_at=NOW - timedelta(days=2))
    _incident(world, 5, commander=ALICE, resolved_at=None)  # still open
    _incident(world, 6, commander=BOB, facilitator=CAROL)
    _sections(world, overdue, done=2, draft=1)

    home = _open_home(bot, ALICE)

    assert _review_ids(home) == [overdue.id, fresh.id, passed.id, scheduled.id]
    first, second, was_scheduled, third = _blocks(home, "home_review:")
    assert "*overdue*" in _text(first) and "2 of 7 sections done" in _text(first)
    assert "needs a review time" in _text(second)
    assert "0 of 7 sections done" in _text(second)
    assert "review scheduled for <!date^" in _text(third)
    assert "review was scheduled for <!date^" in _text(was_scheduled)
    assert "`/pir held`" in _text(was_scheduled)
    assert first["accessory"]["action_id"] == ReviewAction.OPEN_CARD
    assert first["accessory"]["value"] == str(overdue.id)


def test_latest_reviews_are_the_workspaces_ten_newest(world, bot) -> None:
    made = []
    for number in range(12):
        incident = _incident(world, number, commander=BOB, card_ts=f"1733{number}.1")
        moment = NOW - timedelta(days=30 - number)
        held = {"review_held_at": moment} if number % 2 else {}
        made.append(
            _reviewed(
                world,
                incident,
                review_published_at=moment,
                root_cause_category="deploy" if number == 11 else None,
                **held,
            )
        )
    _incident(world, 99, commander=BOB)  # neither held nor published

    home = _open_home(bot, CAROL)

    assert _latest_ids(home) == [incident.id for incident in reversed(made)][:10]
    newest = _blocks(home, "home_latest:")[0]
    assert "P1 · reviewed <!date^" in _text(newest)
    assert "root cause: deploy" in _text(newest)
    channel = made[11].channel_id
    assert f"<https://acme-eng.slack.com/archives/{channel}/p1733111|" in _text(newest)


def test_a_private_review_shows_only_to_members_of_its_channel(world, bot):
    secret = world.incident(
        SECRET,
        resolved_at=NOW - timedelta(days=1),
        commander=ALICE,
        facilitator=BOB,
        private=True,
        title="Leaked keys",
    )
    world.item(secret, deliverable="Rotate the keys", owner=BOB)
    held = world.incident(
        "C07SECRET002", resolved_at=NOW - timedelta(days=9), private=True
    )
    bot.standin.add_channel(
        "C07SECRET002", name="inc-old-secret", is_private=True, members=[ALICE]
    )
    _reviewed(world, held, review_held_at=NOW - timedelta(days=5))

    bobs = _open_home(bot, BOB)
    alices = _open_home(bot, ALICE)

    assert _review_ids(bobs) == [] and _latest_ids(bobs) == []
    assert "Leaked keys" not in json.dumps(_part(bobs, REVIEWS_HEADING))
    assert "Rotate the keys" in json.dumps(_part(bobs, ITEMS_HEADING))
    assert _review_ids(alices) == [secret.id]
    assert _latest_ids(alices) == [held.id]


def test_another_workspaces_rows_never_show(world, bot) -> None:
    with world.db.session() as session:
        workspaces.ensure_workspace(session, team_id=OTHER_TEAM)
        other = incidents.declare(
            session,
            team_id=OTHER_TEAM,
            channel_id="C0OTHER0001",
            channel_name="elsewhere",
            title="Elsewhere",
            severity="P1",
            declared_by=ALICE,
            commander_id=ALICE,
            declared_at=NOW - timedelta(days=3),
        )
        other.resolved_at = NOW - timedelta(days=2)
        other.review_published_at = NOW - timedelta(days=1)
        session.add(other)
        session.flush()
        reviews.add_action_item(
            session,
            team_id=OTHER_TEAM,
            incident_id=other.id,
            deliverable="Not here",
            owner_id=ALICE,
            deadline=date(2024, 12, 1),
            deadline_zone="UTC",
            priority="high",
            contributing_factor=None,
            vague_kept=False,
            created_by=ALICE,
        )

    home = _open_home(bot, ALICE)

    assert "Elsewhere" not in json.dumps(home["blocks"])
    assert "Not here" not in json.dumps(home["blocks"])


# --- after the viewer's own changes --------------------------------------------


def test_done_on_the_home_tab_marks_the_item_and_publishes_the_home_again(
    world, bot, clock
) -> None:
    incident = _incident(world, 1)
    item = world.item(incident, deliverable="Alert on 502s", deadline=date(2024, 12, 2))
    _open_home(bot, ALICE)
    clock.advance(minutes=5)

    _click_on_home(
        bot,
        ALICE,
        ActionItemAction.DONE,
        str(item.id),
        f"action_item:{item.id}:buttons",
    )

    with bot.db.session() as session:
        stored = reviews.get_action_item(session, team_id=TEAM, item_id=item.id)
    assert (stored.status, stored.done_at, stored.updated_by) == (
        "done",
        clock(),
        ALICE,
    )
    assert len(bot.standin.calls_to("views.publish")) == 2
    home = bot.standin.published_home(ALICE)
    assert _item_ids(home) == []
    assert [_text(b) for b in _part(home, ITEMS_HEADING)] == [NO_ITEMS]
    assert bot.standin.calls_to("chat.update") == []


def test_a_click_on_an_item_removed_meanwhile_draws_the_home_without_it(
    world, bot
) -> None:
    incident = _incident(world, 1)
    item = world.item(incident, deliverable="Alert on 502s")
    _open_home(bot, ALICE)
    with bot.db.session() as session:
        reviews.delete_action_item(
            session, team_id=TEAM, item_id=item.id, expected_version=item.version
        )

    _click_on_home(
        bot,
        ALICE,
        ActionItemAction.STILL_ON_IT,
        str(item.id),
        f"action_item:{item.id}:buttons",
    )

    assert len(bot.standin.calls_to("views.publish")) == 2
    assert _item_ids(bot.standin.published_home(ALICE)) == []


def test_a_deadline_changed_from_the_home_tab_shows_there(world, bot) -> None:
    incident = _incident(world, 1)
    item = world.item(incident, deliverable="Alert on 502s", deadline=date(2024, 12, 2))
    _open_home(bot, ALICE)
    _click_on_home(
        bot,
        ALICE,
        ActionItemAction.CHANGE_DEADLINE,
        str(item.id),
        f"action_item:{item.id}:buttons",
    )
    person = SimulatedPerson(bot, ALICE, channel_id=CHANNEL)
    modal = person.newest_modal(View.ACTION_ITEM_DEADLINE)

    reply = person.submit(modal, **{ActionItemBlock.DEADLINE: reviewer.text("20 Dec")})

    assert reply.status == 200 and reply.body == ""
    assert len(bot.standin.calls_to("views.publish")) == 2
    shown = json.dumps(_part(bot.standin.published_home(ALICE), ITEMS_HEADING))
    assert "due Fri 20 Dec" in shown and "overdue" not in shown


def test_the_review_button_on_the_home_tab_leads_to_the_card(world, bot) -> None:
    incident = world.incident(CHANNEL, resolved_at=NOW - timedelta(days=1))
    _open_home(bot, ALICE)

    _click_on_home(
        bot,
        ALICE,
        ReviewAction.OPEN_CARD,
        str(incident.id),
        f"home_review:{incident.id}",
    )

    (card,) = [
        call
        for call in bot.standin.calls_to("chat.postMessage")
        if call.args["channel"] == CHANNEL
    ]
    assert "Review of" in card.args["text"]
    (told,) = bot.standin.direct_messages(ALICE)
    assert "The review card is <https://acme-eng.slack.com/archives/" in told["text"]


def test_saving_a_review_section_publishes_the_savers_home(world, bot) -> None:
    world.incident(CHANNEL, resolved_at=NOW - timedelta(days=1), commander=ALICE)
    alice = SimulatedPerson(bot, ALICE, channel_id=CHANNEL)
    alice.command("review")
    modal = alice.edit_section("summary")
    bot.standin.clear_calls()

    reply = alice.submit(
        modal,
        **{
            ReviewBlock.SUMMARY: reviewer.text("Checkout failed for 20 minutes."),
            ReviewBlock.DONE: reviewer.ticked("done"),
        },
    )

    assert reply.status == 200 and reply.body == ""
    (published,) = bot.standin.calls_to("views.publish")
    assert published.args["user_id"] == ALICE
    (review,) = _blocks(bot.standin.published_home(ALICE), "home_review:")
    assert "1 of 7 sections done" in _text(review)


def test_a_failed_home_publish_never_undoes_the_save(world, bot) -> None:
    incident = world.incident(CHANNEL, resolved_at=NOW - timedelta(days=1))
    alice = SimulatedPerson(bot, ALICE, channel_id=CHANNEL)
    alice.command("review")
    modal = alice.edit_section("summary")
    bot.standin.fail_next("views.publish", status=200, error="not_enabled")

    reply = alice.submit(modal, **{ReviewBlock.SUMMARY: reviewer.text("Kept.")})

    assert reply.status == 200 and reply.body == ""
    with bot.db.session() as session:
        (saved,) = reviews.list_sections(session, team_id=TEAM, incident_id=incident.id)
    assert saved.content["summary"] == "Kept."
    assert bot.standin.published_home(ALICE) is None


def test_saving_an_action_item_publishes_the_savers_home_with_it(world, bot):
    world.incident(CHANNEL, resolved_at=NOW - timedelta(days=1), commander=ALICE)
    alice = SimulatedPerson(bot, ALICE, channel_id=CHANNEL)
    alice.command("review")
    section = alice.edit_section("action_items")
    alice.click_in(section, ReviewAction.ADD_ACTION_ITEM)
    modal = alice.newest_modal(View.REVIEW_ACTION_ITEM)
    bot.standin.clear_calls()

    reply = alice.submit(
        modal,
        **{
            ReviewBlock.DELIVERABLE: reviewer.text(
                "Add a canary stage to checkout deploys"
            ),
            ReviewBlock.OWNER: reviewer.user(ALICE),
            ReviewBlock.DEADLINE_DATE: reviewer.day("2024-12-20"),
            ReviewBlock.PRIORITY: reviewer.option(Priority.HIGH.value),
        },
    )

    assert reply.status == 200 and reply.body == ""
    (published,) = bot.standin.calls_to("views.publish")
    assert published.args["user_id"] == ALICE
    shown = json.dumps(_part(bot.standin.published_home(ALICE), ITEMS_HEADING))
    assert "Add a canary stage to checkout deploys" in shown


# --- limits and cost ----------------------------------------------------------


def _populate(
    world: World,
    *,
    items: int,
    to_finish: int,
    latest: int,
    private_every: int = 3,
    start: int = 0,
) -> None:
    """ALICE's items and reviews to finish, and the workspace's reviews,
    with long emoji titles; every `private_every`-th review is of a private
    channel the bot is not in (its reviews are nobody's to see)."""
    long_title = "🔥 Checkout & <payments> down " * 16
    first = _incident(world, start, commander=BOB, facilitator=CAROL, title=long_title)
    for number in range(items):
        world.item(
            first,
            deliverable=f"Item {number} " + "🚀 long words " * 60,
            deadline=date(2024, 12, 1) + timedelta(days=number),
        )
    for number in range(to_finish):
        incident = _incident(
            world,
            start + 1000 + number,
            facilitator=ALICE,
            private=number % private_every == 0,
            resolved_at=NOW - timedelta(hours=10 * number + 1),
            title=long_title,
        )
        _sections(world, incident, done=number % 8)
    for number in range(latest):
        incident = _incident(
            world,
            start + 2000 + number,
            commander=BOB,
            private=number % private_every == 0,
            card_ts=f"1733{number}.1",
            title=long_title,
        )
        _reviewed(
            world,
            incident,
            review_held_at=NOW - timedelta(days=number + 1),
            root_cause_category="monitoring gap 🔭 " * 3,
        )


def test_a_full_home_stays_within_slacks_limits_and_says_how_many_more(world, bot):
    _populate(world, items=45, to_finish=21, latest=14, private_every=2)

    home = _open_home(bot, ALICE)

    assert home is not None  # the stand-in refuses a view over Slack's limits
    assert len(home["blocks"]) <= 100
    assert len(_item_ids(home)) == 30
    (more_items,) = _blocks(home, "home_items_more")
    assert "…and 15 more of your open action items" in more_items["elements"][0]["text"]
    # 11 of the 21 reviews to finish are private, all 21 are read, 10 shown.
    assert len(_review_ids(home)) == 10
    assert _blocks(home, "home_reviews_more") == []
    assert len(_latest_ids(home)) == 7


def test_reviews_to_finish_beyond_room_end_with_how_many_more(world, bot):
    _populate(world, items=0, to_finish=20, latest=0, private_every=1000)

    home = _open_home(bot, ALICE)

    assert len(_review_ids(home)) == 15
    (more_reviews,) = _blocks(home, "home_reviews_more")
    assert "…and 5 more reviews to finish" in more_reviews["elements"][0]["text"]


def _statements_of(bot: LocalBot, run) -> int:
    seen: list[str] = []

    def record(_conn, _cursor, statement, _params, _context, _many) -> None:
        if statement.lstrip().upper().startswith(SQL_VERBS):
            seen.append(statement)

    event.listen(bot.db.engine, "before_cursor_execute", record)
    try:
        run()
    finally:
        event.remove(bot.db.engine, "before_cursor_execute", record)
    return len(seen)


def test_a_home_is_built_in_three_statements_however_many_rows(world, bot):
    counts = []
    for start, (items, to_finish, latest) in ((0, (1, 1, 1)), (5000, (40, 25, 30))):
        _populate(world, items=items, to_finish=to_finish, latest=latest, start=start)
        counts.append(_statements_of(bot, lambda: _open_home(bot, ALICE)))
    assert counts == [3, 3]
