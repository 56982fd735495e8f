"""Text from Slack keeps its exact characters through the store and into the
document: right-to-left text and bidi controls, emoji sequences, combining
marks left unnormalised, astral characters, zero-width and no-break spaces,
Slack's own escapes and mrkdwn characters."""

from __future__ import annotations

from sqlmodel import select

from domain.document import render_review
from domain.slack_text import unescape_slack
from handlers.ids import INPUT_ACTION, AddEventBlock, Shortcut, View
from slack_standin import payloads
from store.models import Incident, TimelineEvent
from tests.handlers.people import ALICE, BOB, CHANNEL

ODD = (
    "مرحبا \u202eevil.txt\u202c שלום "  # Arabic, Hebrew, a right-to-left override
    "👩\u200d👩\u200d👧\u200d👦 🇩🇪 👍🏽 🏳️\u200d🌈 "  # ZWJ families, flags, skin tones
    "e\u0301 vs é, Å vs A\u030a "  # decomposed and composed, left as they came
    "障害 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 "  # CJK and astral-plane letters
    "zero\u200bwidth no\u00a0break word\u2060joiner \ufeffbom "
    "*bold* _it_ ~strike~ `code` &lt;tag&gt; &amp; 100% 'single' \"double\""
)


def _stored(bot, model):
    with bot.db.session() as session:
        return list(session.exec(select(model)).all())


def test_odd_unicode_survives_store_and_document(bot) -> None:
    reply = bot.command(f"declare P2 {ODD}", user_id=ALICE, channel_id=CHANNEL)
    assert reply.status == 200
    tagged = bot.standin.add_message(CHANNEL, user=BOB, text=ODD)
    bot.event(
        payloads.reaction_added(
            user=ALICE, reaction="pushpin", channel=CHANNEL, ts=tagged["ts"]
        )
    )
    bot.command(f"event {ODD}", user_id=ALICE, channel_id=CHANNEL)
    noted = bot.standin.add_message(CHANNEL, user=BOB, text="rolled back")
    _add_with_note(bot, noted, note=ODD)

    (incident,) = _stored(bot, Incident)
    events = {event.source: event for event in _stored(bot, TimelineEvent)}
    document = render_review(incident, events.values())

    readable = unescape_slack(ODD)
    assert incident.title == readable
    assert events["reaction"].text == ODD
    assert events["command"].text == readable
    assert events["shortcut"].note == ODD
    # Every character as typed; only "<" is written as "&lt;", so that no
    # Markdown renderer takes a message's <tag> for HTML.
    as_markdown = readable.replace("<", "&lt;")
    assert f"# Incident review: {as_markdown}" in document
    assert document.count(as_markdown) == 4  # the title, two texts and the note


def _add_with_note(bot, message: dict, *, note: str) -> None:
    bot.interactive(
        payloads.message_shortcut(
            callback_id=Shortcut.ADD_TO_TIMELINE,
            user=ALICE,
            channel=CHANNEL,
            message=message,
            trigger_id=bot.standin.issue_trigger_id(),
            response_url=bot.standin.new_response_url(channel_id=CHANNEL),
        )
    )
    view_id, view = [
        (view_id, view)
        for view_id, view in bot.standin.views.items()
        if view.get("callback_id") == View.ADD_TIMELINE_EVENT
    ][-1]
    values = {
        AddEventBlock.NOTE: {INPUT_ACTION: {"type": "plain_text_input", "value": note}}
    }
    reply = bot.interactive(
        payloads.view_submission(
            user=ALICE,
            view_id=view_id,
            callback_id=view["callback_id"],
            private_metadata=view["private_metadata"],
            state_values=values,
            view=view,
        )
    )
    assert reply.status == 200
