"""The review in Slack: the card, section modals, saves that never overwrite
someone else's, checks that teach, and publishing, through signed requests
to the real app and the Slack stand-in."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot import reviewer
from bot.reviewer import SimulatedPerson
from domain import lifecycle, reviewing
from domain.review import Section
from handlers.ids import ReviewAction, ReviewBlock, View
from slack_standin import payloads
from tests.handlers.people import ALICE, BOB, CAROL, CHANNEL, TEAM

DAVE = "U05DAVE0004"


@pytest.fixture
def alice(declared) -> SimulatedPerson:
    return SimulatedPerson(declared, ALICE, channel_id=CHANNEL)


@pytest.fixture
def bob(declared) -> SimulatedPerson:
    return SimulatedPerson(declared, BOB, channel_id=CHANNEL)


def _incident(bot):
    return lifecycle.find_incident(bot.db, team_id=TEAM, channel_id=CHANNEL)


def _review(bot):
    return reviewing.load_review(bot.db, team_id=TEAM, incident_id=_incident(bot).id)


def _errors(reply) -> dict:
    body = reply.json()
    assert body["response_action"] == "errors"
    return body["errors"]


def _posted_cards(bot) -> list[dict]:
    return [
        call
        for call in bot.standin.calls_to("chat.postMessage")
        if "Review of" in (call.args.get("text") or "")
    ]


# --- The card -----------------------------------------------------------------


def test_review_card_is_posted_once_and_refreshed_in_place(declared, alice, bob):
    alice.command("review")
    bob.command("review")

    assert len(_posted_cards(declared)) == 1
    card = alice.card()
    assert len(declared.standin.calls_to("chat.update")) >= 1
    sections = [b for b in card["blocks"] if b.get("block_id", "").startswith("card_")]
    assert len(sections) == len(Section) + 1  # one a section, plus the buttons
    assert "empty" in sections[0]["text"]["text"]
    assert _incident(declared).review_card_ts == card["ts"]


def test_card_of_an_archived_channel_goes_to_the_person_who_asked(declared, alice):
    declared.standin.archive_channel(CHANNEL)
    alice.command("review")
    tried, posted = _posted_cards(declared)
    assert (tried.args["channel"], posted.args["channel"]) == (CHANNEL, ALICE)
    assert alice.card()["channel"].startswith("D")


def test_card_button_from_a_nudge_leads_to_the_card(declared) -> None:
    incident = _incident(declared)
    declared.interactive(
        payloads.block_actions(
            user=CAROL,
            actions=[
                payloads.button_action(
                    action_id=ReviewAction.OPEN_CARD,
                    block_id="nudge",
                    value=str(incident.id),
                    text="Open the review",
                )
            ],
            container=payloads.message_container(channel=CAROL, message_ts="1.000001"),
        )
    )
    assert len(_posted_cards(declared)) == 1
    (told,) = [
        c
        for c in declared.standin.calls_to("chat.postMessage")
        if c.args["channel"] == CAROL
    ]
    assert "review card" in told.args["text"]


# --- Sections -----------------------------------------------------------------


def test_summary_opens_drafted_from_what_the_bot_knows(declared, alice) -> None:
    declared.command("resolved", user_id=ALICE, channel_id=CHANNEL)
    alice.command("review")
    modal = alice.edit_section("summary")

    assert declared.standin.calls_to("views.open")[-1].args["view"]["callback_id"] == (
        View.REVIEW_LOADING
    )
    severity = modal.block(ReviewBlock.SEVERITY)["element"]["initial_option"]
    assert severity["value"] == "P1"
    assert modal.block(ReviewBlock.COMMANDER)["element"]["initial_user"] == ALICE
    participants = modal.block(ReviewBlock.PARTICIPANTS)["element"]["initial_users"]
    assert participants == [ALICE]
    assert modal.block(ReviewBlock.DURATION)["element"]["initial_value"] == "0"


def test_saved_section_is_kept_and_its_state_shown_on_the_card(declared, alice):
    alice.command("review")
    modal = alice.edit_section("summary")
    reply = alice.submit(
        modal,
        **{
            ReviewBlock.SUMMARY: reviewer.text("Checkout failed for 20 min. 🚀"),
            ReviewBlock.DONE: reviewer.ticked("done"),
        },
    )

    assert reply.status == 200 and reply.body == ""
    snapshot = _review(declared).sections[Section.SUMMARY]
    assert (snapshot.state, snapshot.version) == ("done", 1)
    assert snapshot.content.summary == "Checkout failed for 20 min. 🚀"
    assert snapshot.content.severity == "P1"  # the draft's value, kept
    summary_line = alice.card()["blocks"][2]["text"]["text"]
    assert "done" in summary_line


def test_second_editor_is_told_who_saved_first_and_keeps_their_words(
    declared, alice, bob
) -> None:
    alice.command("review")
    alice_modal = alice.edit_section("went_well")
    bob_modal = bob.edit_section("went_well")

    alice.submit(alice_modal, **{ReviewBlock.POINTS: reviewer.text("Paged in 3 min")})
    reply = bob.submit(
        bob_modal, **{ReviewBlock.POINTS: reviewer.text("Rollback took 2 min")}
    )

    errors = _errors(reply)
    assert f"<@{ALICE}>" in errors[ReviewBlock.POINTS]
    assert "after you opened it" in errors[ReviewBlock.POINTS]
    assert _review(declared).content(Section.WENT_WELL).items == ["Paged in 3 min"]
    copy = [
        c
        for c in declared.standin.calls_to("chat.postMessage")
        if c.args["channel"] == BOB
    ]
    assert "Rollback took 2 min" in copy[-1].args["text"]
    # The modal is still open for Bob, with what he typed.
    assert bob_modal.view_id in declared.standin.views


def test_bad_input_is_answered_under_its_field_and_nothing_is_saved(declared, alice):
    alice.command("review")
    modal = alice.edit_section("summary")
    reply = alice.submit(
        modal,
        **{
            ReviewBlock.DURATION: reviewer.number("about an hour"),
            ReviewBlock.SUMMARY: reviewer.text("   "),
        },
    )
    errors = _errors(reply)
    assert set(errors) == {ReviewBlock.DURATION, ReviewBlock.SUMMARY}
    assert _review(declared).sections[Section.SUMMARY].version == 0


def test_blaming_root_cause_is_saved_with_a_gentle_hint(declared, alice) -> None:
    alice.command("review")
    modal = alice.edit_section("root_cause")
    reply = alice.submit(
        modal,
        **{
            ReviewBlock.TRIGGER: reviewer.text(f"<@{BOB}> pushed a bad deploy"),
            ReviewBlock.FACTORS: reviewer.text("• No canary\n\n- human error"),
            f"{ReviewBlock.WHY}1": reviewer.text("Why 502s? CPU at 100%"),
            ReviewBlock.CATEGORY: reviewer.option("deploy"),
        },
    )

    answer = reply.json()
    assert answer["response_action"] == "update"
    hints = json.dumps(answer["view"]["blocks"])
    assert "makes a person the cause" in hints and "human error" in hints
    content = _review(declared).content(Section.ROOT_CAUSE)
    assert content.contributing_factors == ["No canary", "human error"]
    assert content.whys == ["Why 502s? CPU at 100%"]
    assert _incident(declared).root_cause_category == "deploy"


# --- Action items -------------------------------------------------------------


def _open_item_modal(person: SimulatedPerson):
    section = person.edit_section("action_items")
    person.click_in(section, ReviewAction.ADD_ACTION_ITEM)
    return section, person.newest_modal(View.REVIEW_ACTION_ITEM)


def test_action_item_needs_owner_deadline_and_priority(declared, alice) -> None:
    alice.command("review")
    _section, item = _open_item_modal(alice)
    reply = alice.submit(
        item, **{ReviewBlock.DELIVERABLE: reviewer.text("Add a canary stage to CDN")}
    )
    assert set(_errors(reply)) == {
        ReviewBlock.OWNER,
        ReviewBlock.DEADLINE_TEXT,
        ReviewBlock.PRIORITY,
    }
    assert _review(declared).action_items == []


def test_vague_item_is_flagged_and_kept_only_when_ticked(declared, alice) -> None:
    alice.command("review")
    _section, item = _open_item_modal(alice)
    entered = {
        ReviewBlock.DELIVERABLE: reviewer.text("Improve monitoring"),
        ReviewBlock.OWNER: reviewer.user(BOB),
        ReviewBlock.DEADLINE_DATE: reviewer.day("2999-01-08"),
        ReviewBlock.PRIORITY: reviewer.option("high"),
    }
    refused = _errors(alice.submit(item, **entered))
    assert "health check for the payments endpoint" in refused[ReviewBlock.DELIVERABLE]
    assert _review(declared).action_items == []

    reply = alice.submit(
        item, **entered, **{ReviewBlock.KEEP_VAGUE: reviewer.ticked("keep")}
    )
    assert reply.status == 200 and reply.body == ""
    (stored,) = _review(declared).action_items
    assert (stored.vague_kept, stored.owner_id, stored.deadline) == (
        True,
        BOB,
        date(2999, 1, 8),
    )


def test_typed_deadline_is_read_in_the_owners_zone(declared, alice) -> None:
    # Carol is in Kolkata: "tomorrow" is her tomorrow.
    alice.command("review")
    section, item = _open_item_modal(alice)
    alice.choose_in(
        item, ReviewBlock.OWNER, ReviewAction.PICK_OWNER, reviewer.user(CAROL)
    )
    alice.submit(
        item,
        **{
            ReviewBlock.DELIVERABLE: reviewer.text(
                "Add a CPU limit of 50 ms to every WAF rule"
            ),
            ReviewBlock.OWNER: reviewer.user(CAROL),
            ReviewBlock.DEADLINE_TEXT: reviewer.text("in 2 weeks"),
            ReviewBlock.PRIORITY: reviewer.option("medium"),
        },
    )
    (stored,) = _review(declared).action_items
    assert stored.deadline_zone == "Asia/Kolkata"
    assert stored.deadline > date.today()
    # The section's list shows the item and its day back.
    listed = json.dumps(alice.modal(section.view_id).view["blocks"])
    assert (
        "CPU limit of 50 ms" in listed and stored.deadline.strftime("%d %b") in listed
    )


def test_unreadable_deadline_is_answered_in_the_modal(declared, alice) -> None:
    alice.command("review")
    _section, item = _open_item_modal(alice)
    reply = alice.submit(
        item,
        **{
            ReviewBlock.DELIVERABLE: reviewer.text("Add a canary stage to CDN config"),
            ReviewBlock.OWNER: reviewer.user(BOB),
            ReviewBlock.DEADLINE_TEXT: reviewer.text("when pigs fly"),
            ReviewBlock.PRIORITY: reviewer.option("low"),
        },
    )
    assert "next friday" in _errors(reply)[ReviewBlock.DEADLINE_TEXT]


# --- The timeline -------------------------------------------------------------


def test_facilitator_curates_the_timeline(declared, alice) -> None:
    declared.command(
        "event 5 minutes ago first alert fired", user_id=BOB, channel_id=CHANNEL
    )
    alice.command("review")
    section = alice.edit_section("timeline")
    alice.click_in(section, ReviewAction.EDIT_EVENT)
    event_modal = alice.newest_modal(View.REVIEW_EVENT)
    alice.submit(
        event_modal,
        **{
            ReviewBlock.EVENT_KIND: reviewer.option("detection"),
            ReviewBlock.EVENT_TEXT: reviewer.text("Synthetic check failed"),
            ReviewBlock.EVENT_LEFT_OUT: reviewer.ticked("left_out"),
        },
    )
    (event,) = _review(declared).events
    assert (event.kind, event.text, event.left_out) == (
        "detection",
        "Synthetic check failed",
        True,
    )
    assert event.original_text == "first alert fired"
    shown = json.dumps(alice.modal(section.view_id).view["blocks"])
    assert "~" in shown and "Synthetic check failed" in shown


def test_event_in_the_future_is_refused_under_its_time(declared, alice) -> None:
    alice.command("review")
    section = alice.edit_section("timeline")
    alice.click_in(section, ReviewAction.ADD_EVENT)
    reply = alice.submit(
        alice.newest_modal(View.REVIEW_EVENT),
        **{
            ReviewBlock.EVENT_TIME: reviewer.text("2999-01-01 10:00"),
            ReviewBlock.EVENT_TEXT: reviewer.text("later"),
        },
    )
    assert "future" in _errors(reply)[ReviewBlock.EVENT_TIME]
    assert _review(declared).events == []


# --- The facilitator ----------------------------------------------------------


def test_facilitator_choice_offers_the_uninvolved_first(declared, alice) -> None:
    declared.standin.add_user(DAVE, name="dave", real_name="Dave")
    declared.standin.add_channel(
        CHANNEL, name="inc-payments", members=[ALICE, BOB, DAVE]
    )
    declared.event(
        payloads.message(user=BOB, channel=CHANNEL, text="on it", ts=payloads.now_ts())
    )
    alice.command("review")
    alice.click_card(ReviewAction.CHOOSE_FACILITATOR)
    modal = alice.newest_modal(View.REVIEW_FACILITATOR)

    groups = modal.block(ReviewBlock.SUGGESTED)["element"]["option_groups"]
    assert [o["value"] for o in groups[0]["options"]] == [DAVE]
    assert [o["value"] for o in groups[1]["options"]] == [ALICE, BOB]

    alice.submit(modal, **{ReviewBlock.SUGGESTED: reviewer.option(DAVE)})
    assert _incident(declared).facilitator_id == DAVE
    assert f"<@{DAVE}>" in json.dumps(alice.card()["blocks"])


# --- Publishing ---------------------------------------------------------------


def test_publish_shares_the_document_and_marks_the_review_held(declared, alice):
    declared.standin.add_channel(
        "C07REVIEWS01", name="incident-reviews", members=[ALICE]
    )
    alice.command("reviews-channel <#C07REVIEWS01|incident-reviews>")
    declared.command("resolved", user_id=ALICE, channel_id=CHANNEL)
    _write_summary(alice, "Checkout failed & recovered.")
    alice.command("publish held")

    for channel in (CHANNEL, "C07REVIEWS01"):
        (shared,) = declared.standin.shared_files(channel)
        document = shared["content"].decode("utf-8")
        assert document.startswith("# Incident review: Checkout errors")
        assert "Checkout failed & recovered." in document
    incident = _incident(declared)
    assert incident.review_held_at is not None
    assert incident.review_published_at is not None


def test_private_incidents_review_stays_in_its_channel(declared, alice) -> None:
    declared.standin.add_channel(
        "C07REVIEWS01", name="incident-reviews", members=[ALICE]
    )
    with declared.db.session() as session:
        incident = session.get(type(_incident(declared)), _incident(declared).id)
        incident.is_private = True
        session.add(incident)
    alice.command("reviews-channel <#C07REVIEWS01|incident-reviews>")
    _write_summary(alice, "Checkout failed for an hour.")
    alice.command("publish")
    assert len(declared.standin.shared_files(CHANNEL)) == 1
    assert declared.standin.shared_files("C07REVIEWS01") == []


def test_publish_refuses_an_empty_review(declared, alice) -> None:
    alice.command("publish")

    assert "Nothing is written" in _last_answer(declared)
    assert declared.standin.shared_files(CHANNEL) == []
    assert _incident(declared).review_published_at is None


def test_publish_held_refuses_an_unresolved_incident(declared, alice) -> None:
    _write_summary(alice, "Checkout failed for an hour.")
    alice.command("publish held")

    assert "not resolved yet" in _last_answer(declared)
    assert declared.standin.shared_files(CHANNEL) == []
    assert _incident(declared).review_held_at is None


def test_a_draft_of_an_unresolved_incident_says_so(declared, alice) -> None:
    _write_summary(alice, "Checkout failed for an hour.")
    alice.command("publish")

    (message,) = [m for m in declared.standin.messages(CHANNEL) if m.get("files")]
    assert "a draft: the incident is not resolved yet" in message["text"]
    assert _incident(declared).review_held_at is None


def _last_answer(bot) -> str:
    return bot.standin.calls_to("response_url")[-1].args["text"]


def _write_summary(alice, summary: str) -> None:
    alice.command("review")
    alice.submit(
        alice.edit_section("summary"), **{ReviewBlock.SUMMARY: reviewer.text(summary)}
    )


def test_categories_can_be_added_and_removed(declared, alice) -> None:
    alice.command("categories add Third-party outage")
    assert "third-party outage" in reviewing.root_cause_categories(
        declared.db, team_id=TEAM
    )
    alice.command("categories remove third-party outage")
    alice.command("categories remove nonsense")
    answer = declared.standin.calls_to("response_url")[-1].args["text"]
    assert "not a category" in answer


def test_long_emoji_title_is_cut_between_whole_characters(bot) -> None:
    technologist = "👩🏽\u200d💻"  # four code points that make one emoji
    bot.command(f"declare P2 {technologist * 50}", user_id=ALICE, channel_id=CHANNEL)
    alice = SimulatedPerson(bot, ALICE, channel_id=CHANNEL)
    alice.command("review")

    header = alice.card()["blocks"][0]["text"]["text"]
    assert len(header) <= 150 and header.endswith("…")
    kept = header.removeprefix("Review: ").removesuffix("…")
    assert kept == technologist * (len(kept) // 4)
    modal = alice.edit_section("summary")
    assert len(modal.view["private_metadata"]) < 200


def test_long_timeline_is_paged_in_the_review(declared, alice) -> None:
    for minute in range(25):
        declared.command(
            f"event {30 - minute} minutes ago step {minute}",
            user_id=BOB,
            channel_id=CHANNEL,
        )
    alice.command("review")
    section = alice.edit_section("timeline")
    first_page = json.dumps(section.view["blocks"])
    assert "step 0" in first_page and "step 24" not in first_page

    alice.click_in(section, ReviewAction.TIMELINE_LATER)
    second_page = json.dumps(alice.modal(section.view_id).view["blocks"])
    assert "step 24" in second_page and "step 0 " not in second_page


def test_facilitator_by_command_is_named_in_the_channel(declared, alice) -> None:
    alice.command(f"facilitator <@{CAROL}|carol>")
    assert _incident(declared).facilitator_id == CAROL
    said = declared.standin.calls_to("chat.postMessage")[-1].args
    assert said["channel"] == CHANNEL and f"<@{CAROL}> will facilitate" in said["text"]

    alice.command("facilitator")
    assert alice.newest_modal(View.REVIEW_FACILITATOR).view["private_metadata"]


def _past_incident_with_category(bot, category: str):
    from datetime import timedelta

    from domain.incidents import Declaration, Severity
    from domain.review import RootCauseContent
    from store.types import utc_now

    past = lifecycle.declare_incident(
        bot.db,
        team_id=TEAM,
        channel_id="C07QUIET0001",
        channel_name="inc-2024-01-waf",
        declaration=Declaration(Severity.P2, "WAF rule burned CPU", ALICE),
        declared_by=ALICE,
        now=utc_now() - timedelta(days=30),
    )
    reviewing.save_section(
        bot.db,
        team_id=TEAM,
        incident_id=past.id,
        section=Section.ROOT_CAUSE,
        content=RootCauseContent(trigger="A regex backtracked", category=category),
        done=True,
        by=ALICE,
        expected_version=0,
        now=utc_now(),
    )
    return past


def test_choosing_a_category_mentions_past_reviews_alike(declared, alice) -> None:
    _past_incident_with_category(declared, "deploy")
    alice.command("review")
    alice.submit(
        alice.edit_section("root_cause"),
        **{
            ReviewBlock.TRIGGER: reviewer.text("A config push removed a timeout"),
            ReviewBlock.CATEGORY: reviewer.option("deploy"),
        },
    )
    mentions = [
        c
        for c in declared.standin.calls_to("chat.postMessage")
        if c.args["channel"] == CHANNEL and "Seen before" in c.args["text"]
    ]
    assert len(mentions) == 1
    assert "WAF rule burned CPU" in json.dumps(mentions[0].args["blocks"])


def test_saved_review_words_are_found_by_search(declared, alice) -> None:
    alice.command("review")
    alice.submit(
        alice.edit_section("could_improve"),
        **{ReviewBlock.POINTS: reviewer.text("The connection pool was exhausted")},
    )
    alice.command("search connection pool exhausted")
    answer = declared.standin.calls_to("response_url")[-1].args
    assert "Checkout errors" in json.dumps(answer)


def test_scheduling_and_holding_the_review_show_on_the_card(declared, alice):
    alice.command("review")
    alice.command("schedule tomorrow 15:00")
    assert "not scheduled" not in json.dumps(alice.card()["blocks"][1])
    declared.command("resolved", user_id=ALICE, channel_id=CHANNEL)
    alice.command("held")
    assert "held" in json.dumps(alice.card()["blocks"][1])


def _curated_event(declared, alice):
    message = declared.standin.add_message(CHANNEL, user=BOB, text="restarted pods")
    declared.event(
        payloads.reaction_added(
            user=ALICE, reaction="pushpin", channel=CHANNEL, ts=message["ts"]
        )
    )
    alice.command("review")
    section = alice.edit_section("timeline")
    alice.click_in(section, ReviewAction.EDIT_EVENT)
    alice.submit(
        alice.newest_modal(View.REVIEW_EVENT),
        **{
            ReviewBlock.EVENT_KIND: reviewer.option("mitigation"),
            ReviewBlock.EVENT_TEXT: reviewer.text("Restarted all 12 api pods"),
        },
    )
    return message


def test_untagging_a_curated_event_keeps_the_facilitators_words(declared, alice):
    message = _curated_event(declared, alice)
    declared.event(
        payloads.reaction_removed(
            user=ALICE, reaction="pushpin", channel=CHANNEL, ts=message["ts"]
        )
    )
    (event,) = _review(declared).events
    assert (event.text, event.kind) == ("Restarted all 12 api pods", "mitigation")


def test_a_slack_edit_after_curation_leaves_the_review_as_curated(declared, alice):
    message = _curated_event(declared, alice)
    declared.event(
        payloads.message_changed(
            channel=CHANNEL,
            ts=message["ts"],
            new_text="restarted pods (typo) at 00:10 UTC",
            previous_text="restarted pods",
            user=BOB,
        )
    )
    (event,) = _review(declared).events
    assert event.text == "Restarted all 12 api pods"


def test_a_bot_or_an_unknown_user_cannot_facilitate_or_command(declared, alice):
    alice.command("facilitator <@U07PIRBOT01|pirbot>")
    assert "is a bot" in declared.standin.calls_to("response_url")[-1].args["text"]
    alice.command("commander <@U0NOBODY001>")
    assert (
        "not someone Slack knows"
        in (declared.standin.calls_to("response_url")[-1].args["text"])
    )
    incident = _incident(declared)
    assert (incident.facilitator_id, incident.commander_id) == (None, ALICE)


def test_blaming_summary_gets_a_hint_naming_the_person(declared, alice) -> None:
    alice.command("review")
    reply = alice.submit(
        alice.edit_section("summary"),
        **{ReviewBlock.SUMMARY: reviewer.text(f"<@{BOB}> pushed a bad deploy.")},
    )
    hints = json.dumps(reply.json()["view"]["blocks"])
    assert "pushed" in hints and "&lt;@" not in hints


def test_a_category_outside_the_workspace_list_is_refused(declared, alice) -> None:
    alice.command("review")
    reply = alice.submit(
        alice.edit_section("root_cause"),
        **{
            ReviewBlock.TRIGGER: reviewer.text("A config push"),
            ReviewBlock.CATEGORY: reviewer.option("aliens"),
        },
    )
    assert "categories" in _errors(reply)[ReviewBlock.CATEGORY]
    assert _incident(declared).root_cause_category is None


def test_the_card_counts_the_events_captured_so_far(declared, alice) -> None:
    message = declared.standin.add_message(CHANNEL, user=BOB, text="restarted pods")
    declared.event(
        payloads.reaction_added(
            user=ALICE, reaction="pushpin", channel=CHANNEL, ts=message["ts"]
        )
    )

    alice.command("review")

    assert "1 event captured" in json.dumps(alice.card()["blocks"])
