"""`/pir search` and the "seen before" mention, through signed requests to
the real app and the Slack stand-in."""

from __future__ import annotations

from sqlmodel import select

from bot.app import build_client
from bot.local import BOT_TOKEN, LocalBot
from handlers.slack_reads import ChannelMembers
from store.models import Incident
from tests.handlers.people import ALICE, BOB, CAROL, CHANNEL, TEAM

PAST = "C07PAST00001"
SECRET = "G07SECRET001"
SECRET_TOO = "G07SECRET002"


def _responses(bot: LocalBot) -> list[dict]:
    return [call.args for call in bot.standin.calls_to("response_url")]


def _declare(bot: LocalBot, channel: str, title: str, *, user: str = ALICE) -> None:
    reply = bot.command(f"declare P2 {title}", user_id=user, channel_id=channel)
    assert reply.status == 200


def _event(bot: LocalBot, channel: str, text: str, *, user: str = ALICE) -> None:
    bot.command(f"event {text}", user_id=user, channel_id=channel)


def _search(bot: LocalBot, words: str, *, user: str) -> dict:
    bot.standin.clear_calls()
    bot.command(f"search {words}", user_id=user, channel_id=CHANNEL)
    (response,) = _responses(bot)
    return response


def _with_past_incidents(bot: LocalBot) -> LocalBot:
    """A public past incident, and a private one only Alice is in."""
    standin = bot.standin
    standin.add_channel(PAST, name="inc-checkout", members=[ALICE, BOB, CAROL])
    standin.add_channel(SECRET, name="inc-leak", is_private=True, members=[ALICE])
    _declare(bot, PAST, "Checkout errors in EU")
    _event(bot, PAST, "connection pool exhausted on payments-db")
    _declare(bot, SECRET, "Credential leak")
    _event(bot, SECRET, "connection pool exhausted while rotating secrets")
    return bot


def test_search_finds_a_review_by_a_symptom_in_its_timeline(bot) -> None:
    _with_past_incidents(bot)

    response = _search(bot, "pool exhausted", user=BOB)

    assert response.get("response_type", "ephemeral") == "ephemeral"
    shown = str(response["blocks"])
    assert "Checkout errors in EU" in shown
    assert "*pool* *exhausted*" in shown
    assert f"<#{PAST}>" in shown


def test_a_private_review_is_hidden_from_a_non_member(bot) -> None:
    _with_past_incidents(bot)

    for_bob = str(_search(bot, "pool exhausted", user=BOB)["blocks"])
    for_alice = str(_search(bot, "pool exhausted", user=ALICE)["blocks"])

    assert "Credential leak" not in for_bob and "rotating" not in for_bob
    assert "Credential leak" in for_alice and "Checkout errors in EU" in for_alice


def test_membership_is_read_once_for_a_while(bot) -> None:
    _with_past_incidents(bot)
    clock = [0.0]
    bot.deps.members = ChannelMembers(clock=lambda: clock[0])
    bot.standin.clear_calls()

    def members_calls() -> list[str]:
        return [
            c.args["channel"] for c in bot.standin.calls_to("conversations.members")
        ]

    bot.command("search pool exhausted", user_id=BOB, channel_id=CHANNEL)
    bot.command("search connection pool", user_id=BOB, channel_id=CHANNEL)
    assert members_calls() == [SECRET]

    clock[0] += ChannelMembers.TTL_SECONDS + 1
    bot.command("search pool exhausted", user_id=BOB, channel_id=CHANNEL)
    assert members_calls() == [SECRET, SECRET]


def test_a_result_links_to_its_review_card_when_there_is_one(bot) -> None:
    _with_past_incidents(bot)
    card = bot.standin.add_message(PAST, user="U07PIRBOT01", text="Review card")
    with bot.db.session() as session:
        incident = session.exec(
            select(Incident).where(Incident.channel_id == PAST)
        ).one()
        incident.review_card_channel_id, incident.review_card_ts = PAST, card["ts"]
        session.add(incident)

    shown = str(_search(bot, "checkout", user=BOB)["blocks"])

    assert f"/archives/{PAST}/p{card['ts'].replace('.', '')}|Checkout errors" in shown


def test_search_without_words_says_what_to_type(bot) -> None:
    response = _search(bot, "the of", user=BOB)
    assert "/pir search connection pool exhausted" in response["text"]


def test_search_without_a_match_says_so(bot) -> None:
    _with_past_incidents(bot)
    response = _search(bot, "kerberos", user=BOB)
    assert "No review I can show you mentions all of: kerberos" in response["text"]


def test_declaring_mentions_a_past_incident_that_looks_alike(bot) -> None:
    _with_past_incidents(bot)
    bot.standin.clear_calls()

    _declare(bot, CHANNEL, "Checkout errors again")

    posts = [c.args for c in bot.standin.calls_to("chat.postMessage")]
    assert [p["channel"] for p in posts] == [CHANNEL, CHANNEL]
    mention = str(posts[1]["blocks"])
    assert "Seen before" in posts[1]["text"]
    assert "Checkout errors in EU" in mention and f"<#{PAST}>" in mention


def test_a_public_channel_is_never_told_of_a_private_review(bot) -> None:
    _with_past_incidents(bot)
    bot.standin.clear_calls()

    _declare(bot, CHANNEL, "Credential leak again")

    posts = [str(c.args) for c in bot.standin.calls_to("chat.postMessage")]
    assert not any("Credential leak in" in post or SECRET in post for post in posts)


def test_a_private_channel_hears_of_a_private_review_all_its_members_may_see(
    bot,
) -> None:
    _with_past_incidents(bot)
    bot.standin.add_channel(
        SECRET_TOO, name="inc-leak-2", is_private=True, members=[ALICE]
    )
    bot.standin.clear_calls()

    _declare(bot, SECRET_TOO, "Credential leak again")

    mention = bot.standin.calls_to("chat.postMessage")[-1].args
    assert "Seen before" in mention["text"]
    assert "Credential leak" in str(mention["blocks"]) and SECRET in str(
        mention["blocks"]
    )


def test_a_private_channel_with_other_readers_is_not_told_of_it(bot) -> None:
    _with_past_incidents(bot)
    bot.standin.add_channel(
        SECRET_TOO, name="inc-leak-2", is_private=True, members=[ALICE, CAROL]
    )
    bot.standin.clear_calls()

    _declare(bot, SECRET_TOO, "Credential leak again")

    posts = [str(c.args) for c in bot.standin.calls_to("chat.postMessage")]
    assert not any(SECRET in post for post in posts)


def test_nothing_alike_posts_nothing_more(bot) -> None:
    _declare(bot, CHANNEL, "Printer on fire")
    assert len(bot.standin.calls_to("chat.postMessage")) == 1


def test_members_of_a_large_channel_are_read_page_by_page(standin) -> None:
    people = [f"U{n:010d}" for n in range(2500)]
    standin.add_channel(SECRET, name="inc-big", is_private=True, members=people)
    client = build_client(BOT_TOKEN, standin.api_url)

    members = ChannelMembers().members(client, team_id=TEAM, channel_id=SECRET)

    assert len(members) == 2501 and people[-1] in members
    assert len(standin.calls_to("conversations.members")) == 3


def test_a_private_channel_the_bot_was_removed_from_shows_to_nobody(standin) -> None:
    standin.add_channel(
        SECRET, name="inc-left", is_private=True, members=[ALICE], bot_member=False
    )
    client = build_client(BOT_TOKEN, standin.api_url)
    assert not ChannelMembers().is_member(
        client, team_id=TEAM, channel_id=SECRET, user_id=ALICE
    )


def test_long_text_and_emoji_stay_within_slacks_limits(bot) -> None:
    bot.standin.add_channel(PAST, name="inc-checkout", members=[ALICE, BOB])
    _declare(bot, PAST, "🔥 Checkout 💳 errors 👩🏽‍💻 " + "x" * 150)
    filler = "retry storm " * 250
    _event(bot, PAST, f"{filler} cache stampede on the 🇪🇺 edge {filler}")

    response = _search(bot, "cache stampede", user=BOB)

    (section,) = [b for b in response["blocks"] if "Checkout" in str(b)]
    text = section["text"]["text"]
    assert "*cache* *stampede*" in text
    assert len(text) <= 3000 and "\ufffd" not in text
