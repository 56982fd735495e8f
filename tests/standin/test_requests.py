"""Signed requests and payload builders, checked against slack_sdk and a real Bolt
app, and the builders' layout against the example requests."""

import json
import queue
import re
import time
from urllib.parse import parse_qs

import pytest
from slack_sdk.signature import SignatureVerifier

from slack_standin import SlackRequestSender, payloads, sign

from .conftest import (
    ALICE,
    BOB,
    CAROL,
    INCIDENT,
    SIGNING_SECRET,
    example,
    layout_differences,
)

TAGGED_TS = "1733240000.123456"


def _reaction() -> dict:
    return payloads.reaction_added(
        user=BOB, reaction="pushpin", channel=INCIDENT, ts=TAGGED_TS, item_user=ALICE
    )


# -- signing ---------------------------------------------------------------------


def test_signature_matches_the_platform_test_vector():
    body = b'{"token":"x","challenge":"abc123","type":"url_verification"}'

    signature = sign("pirbot-test-secret", 1733240000, body)

    assert signature == (
        "v0=9f1c444523894e6cf8601c15aae5551eb2384c1365fd17e96b1adbf5e9196855"
    )


@pytest.mark.parametrize("kind", ["event", "command", "interactive"])
def test_every_kind_of_request_is_signed_so_slack_sdk_verifies_it(capture, kind):
    url, received = capture
    sender = SlackRequestSender(url, SIGNING_SECRET)
    send = {
        "event": lambda: sender.event(_reaction()),
        "command": lambda: sender.command("help", user_id=ALICE, channel_id=INCIDENT),
        "interactive": lambda: sender.interactive({"type": "block_actions"}),
    }[kind]

    send()
    request = received.get(timeout=5)

    verifier = SignatureVerifier(SIGNING_SECRET)
    assert verifier.is_valid(
        body=request.body,
        timestamp=request.headers["x-slack-request-timestamp"],
        signature=request.headers["x-slack-signature"],
    )
    sent_at = int(request.headers["x-slack-request-timestamp"])
    assert abs(sent_at - time.time()) < 5


def test_event_goes_as_json_in_an_event_callback_envelope(capture):
    url, received = capture
    event = _reaction()

    SlackRequestSender(url, SIGNING_SECRET).event(event)
    request = received.get(timeout=5)

    envelope = json.loads(request.body)
    assert request.headers["content-type"] == "application/json"
    assert envelope["type"] == "event_callback"
    assert envelope["event"] == event
    assert re.fullmatch(r"Ev[A-Z0-9]{10}", envelope["event_id"])
    assert envelope["event_time"] == int(event["event_ts"].split(".")[0])
    assert envelope["authorizations"][0]["user_id"] == "U07PIRBOT01"
    assert "x-slack-retry-num" not in request.headers


def test_retry_sends_the_same_event_id_with_retry_headers(capture):
    url, received = capture
    sender = SlackRequestSender(url, SIGNING_SECRET)

    sender.event(_reaction(), event_id="Ev07RXN0A1B2")
    sender.event(_reaction(), event_id="Ev07RXN0A1B2", retry_num=1)
    first, retry = received.get(timeout=5), received.get(timeout=5)

    assert json.loads(first.body)["event_id"] == "Ev07RXN0A1B2"
    assert json.loads(retry.body)["event_id"] == "Ev07RXN0A1B2"
    assert retry.headers["x-slack-retry-num"] == "1"
    assert retry.headers["x-slack-retry-reason"] == "http_timeout"


def test_command_goes_as_slacks_form_fields(capture):
    url, received = capture

    SlackRequestSender(url, SIGNING_SECRET).command(
        "mitigated 14:03", user_id=ALICE, channel_id=INCIDENT
    )
    request = received.get(timeout=5)

    fields = {k: v[0] for k, v in parse_qs(request.body.decode()).items()}
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert list(fields) == list(example("slash_command.json"))
    assert fields["text"] == "mitigated 14:03"
    assert fields["is_enterprise_install"] == "false"


def test_interactive_payload_goes_as_one_url_encoded_payload_field(capture):
    url, received = capture
    payload = {"type": "block_actions", "note": "a&b=c ü"}

    SlackRequestSender(url, SIGNING_SECRET).interactive(payload)
    request = received.get(timeout=5)

    assert request.body.startswith(b"payload=")
    assert json.loads(parse_qs(request.body.decode())["payload"][0]) == payload


# -- through a real Bolt app --------------------------------------------------------


def test_event_reaches_the_bolt_event_listener(bolt_app, sender):
    received = queue.Queue()
    bolt_app.event("reaction_added")(lambda event: received.put(event))

    reply = sender.event(_reaction())

    assert reply.status == 200
    event = received.get(timeout=5)
    assert (event["user"], event["reaction"]) == (BOB, "pushpin")
    assert event["item"] == {"type": "message", "channel": INCIDENT, "ts": TAGGED_TS}


def test_retry_number_is_visible_to_the_listener(bolt_app, sender):
    received = queue.Queue()

    def listener(request):
        received.put(request.headers.get("x-slack-retry-num"))

    bolt_app.event("reaction_added")(listener)

    sender.event(_reaction(), event_id="Ev07RXN0A1B2", retry_num=2)

    assert received.get(timeout=5) == ["2"]


def test_message_changed_event_reaches_a_subtype_listener(bolt_app, sender):
    received = queue.Queue()
    bolt_app.event({"type": "message", "subtype": "message_changed"})(
        lambda event: received.put(event)
    )

    sender.event(
        payloads.message_changed(
            channel=INCIDENT,
            ts=TAGGED_TS,
            new_text="at 14:03",
            user=ALICE,
            previous_text="at 14:05",
        )
    )

    event = received.get(timeout=5)
    assert event["message"]["text"] == "at 14:03"
    assert event["previous_message"]["text"] == "at 14:05"


def test_command_fields_reach_the_bolt_command_listener(bolt_app, sender):
    received = queue.Queue()

    def listener(ack, command):
        ack()
        received.put(command)

    bolt_app.command("/pir")(listener)

    reply = sender.command("mitigated 14:03", user_id=ALICE, channel_id=INCIDENT)

    assert reply.status == 200
    command = received.get(timeout=5)
    assert command["command"] == "/pir"
    assert command["text"] == "mitigated 14:03"
    assert (command["user_id"], command["channel_id"]) == (ALICE, INCIDENT)
    assert command["team_id"] == "T0123ABCD"
    assert command["is_enterprise_install"] == "false"
    assert command["response_url"].startswith("http://127.0.0.1:")


def test_respond_in_a_command_posts_to_the_standin_response_url(
    bolt_app, sender, standin
):
    def listener(ack, respond):
        ack()
        respond(text="Marked mitigated at 14:03", response_type="in_channel")

    bolt_app.command("/pir")(listener)

    sender.command("mitigated 14:03", user_id=ALICE, channel_id=INCIDENT)

    (call,) = standin.wait_for("response_url")
    assert call.args["text"] == "Marked mitigated at 14:03"
    assert standin.messages(INCIDENT)[-1]["text"] == "Marked mitigated at 14:03"


def test_command_listener_opens_a_modal_with_the_issued_trigger(
    bolt_app, sender, standin
):
    def listener(ack, body, client):
        ack()
        client.views_open(
            trigger_id=body["trigger_id"],
            view={
                "type": "modal",
                "callback_id": "review_basics",
                "title": {"type": "plain_text", "text": "Review basics"},
                "blocks": [],
            },
        )

    bolt_app.command("/pir")(listener)

    sender.command("review", user_id=CAROL, channel_id=INCIDENT)

    (call,) = standin.wait_for("views.open")
    (view,) = standin.views.values()
    assert view["callback_id"] == "review_basics"
    assert call.token == "xoxb-test"


def test_block_actions_payload_reaches_the_action_listener(bolt_app, sender):
    received = queue.Queue()

    def listener(ack, body, action):
        ack()
        received.put((body, action))

    bolt_app.action("start_review")(listener)
    payload = payloads.block_actions(
        user=CAROL,
        actions=[
            payloads.button_action(
                action_id="start_review",
                block_id="nudge_actions",
                value="incident:42",
                text="Start review",
            )
        ],
        container=payloads.message_container(
            channel=INCIDENT, message_ts="1733257200.003300"
        ),
        channel=INCIDENT,
    )

    reply = sender.interactive(payload)

    assert reply.status == 200
    body, action = received.get(timeout=5)
    assert action["value"] == "incident:42"
    assert body["container"]["message_ts"] == "1733257200.003300"
    assert body["user"]["id"] == CAROL


def test_view_submission_reaches_the_view_listener_with_its_state(bolt_app, sender):
    received = queue.Queue()

    def listener(ack, view):
        ack()
        received.put(view)

    bolt_app.view("review_basics")(listener)
    state = {"title": {"title_input": {"type": "plain_text_input", "value": "Outage"}}}

    sender.interactive(
        payloads.view_submission(
            user=ALICE,
            view_id="V07MODAL001",
            callback_id="review_basics",
            private_metadata='{"incident_id":42}',
            state_values=state,
        )
    )

    view = received.get(timeout=5)
    assert view["state"]["values"] == state
    assert view["private_metadata"] == '{"incident_id":42}'


def test_view_closed_reaches_the_view_closed_listener(bolt_app, sender):
    received = queue.Queue()

    def listener(ack, body):
        ack()
        received.put(body)

    bolt_app.view_closed("review_basics")(listener)

    sender.interactive(
        payloads.view_closed(
            user=ALICE, view_id="V07MODAL002", callback_id="review_basics"
        )
    )

    assert received.get(timeout=5)["is_cleared"] is False


@pytest.mark.parametrize("kind", ["message", "global"])
def test_shortcut_reaches_the_shortcut_listener(bolt_app, sender, standin, kind):
    received = queue.Queue()

    def listener(ack, shortcut):
        ack()
        received.put(shortcut)

    if kind == "message":
        payload = payloads.message_shortcut(
            callback_id="add_to_timeline",
            user=BOB,
            channel=INCIDENT,
            message=example("shortcut_message_action.json")["message"],
            trigger_id=standin.issue_trigger_id(),
            response_url=standin.new_response_url(),
        )
    else:
        payload = payloads.global_shortcut(
            callback_id="start_review",
            user=CAROL,
            trigger_id=standin.issue_trigger_id(),
        )
    bolt_app.shortcut(payload["callback_id"])(listener)

    sender.interactive(payload)

    assert received.get(timeout=5)["type"] == payload["type"]


def test_bad_signature_is_refused_with_401(bolt_app, sender):
    bolt_app.event("reaction_added")(lambda event: None)
    body = json.dumps(payloads.event_callback(_reaction())).encode()

    reply = sender.raw(body, content_type="application/json", signature="v0=bad")

    assert reply.status == 401
    assert reply.json() == {"error": "invalid request"}


def test_six_minute_old_timestamp_is_refused_though_correctly_signed(bolt_app, sender):
    bolt_app.event("reaction_added")(lambda event: None)
    body = json.dumps(payloads.event_callback(_reaction())).encode()

    reply = sender.raw(
        body, content_type="application/json", timestamp=int(time.time()) - 360
    )

    assert reply.status == 401


def test_unhandled_request_is_returned_as_a_404_reply_not_raised(sender):
    reply = sender.event(_reaction())

    assert reply.status == 404
    assert reply.json() == {"error": "unhandled request"}
    assert reply.headers["content-type"].startswith("application/json")


# -- layout against the example requests ------------------------------------------

_MESSAGE = {
    key: value
    for key, value in payloads.message(
        channel=INCIDENT, user=ALICE, text="Rolled back", ts=TAGGED_TS
    ).items()
    if key not in ("channel", "event_ts", "channel_type")
}

LAYOUTS = [
    ("event_reaction_added.json", lambda: payloads.event_callback(_reaction())),
    (
        "event_message_channel.json",
        lambda: payloads.event_callback(
            payloads.message(
                channel=INCIDENT, user=ALICE, text="Rolled back", ts=TAGGED_TS
            )
        ),
    ),
    (
        "event_message_changed.json",
        lambda: payloads.event_callback(
            payloads.message_changed(
                channel=INCIDENT,
                ts=TAGGED_TS,
                new_text="14:03",
                user=ALICE,
                previous_text="14:05",
            )
        ),
    ),
    (
        "event_message_deleted.json",
        lambda: payloads.event_callback(
            payloads.message_deleted(
                channel=INCIDENT,
                deleted_ts="1733240100.000200",
                previous_message=_MESSAGE,
            )
        ),
    ),
    (
        "event_channel_rename.json",
        lambda: payloads.event_callback(
            payloads.channel_rename(channel=INCIDENT, name="inc-resolved")
        ),
    ),
    (
        "event_member_joined_channel.json",
        lambda: payloads.event_callback(
            payloads.member_joined_channel(
                user="U07PIRBOT01", channel=INCIDENT, inviter=ALICE
            )
        ),
    ),
    (
        "event_app_home_opened.json",
        lambda: payloads.event_callback(
            payloads.app_home_opened(
                user=ALICE, view=example("event_app_home_opened.json")["event"]["view"]
            )
        ),
    ),
    (
        "event_pin_added.json",
        lambda: payloads.event_callback(
            payloads.pin_added(
                user=BOB,
                channel=INCIDENT,
                message=_MESSAGE,
                permalink="https://acme-eng.slack.com/archives/C07INC12345/p1",
            )
        ),
    ),
    (
        "shortcut_message_action.json",
        lambda: payloads.message_shortcut(
            callback_id="add_to_timeline",
            user=BOB,
            channel=INCIDENT,
            message=example("shortcut_message_action.json")["message"],
            trigger_id="1.2.3",
            response_url="http://127.0.0.1:9/r",
        ),
    ),
    (
        "shortcut_global.json",
        lambda: payloads.global_shortcut(
            callback_id="start_review", user=CAROL, trigger_id="1.2.3"
        ),
    ),
    (
        "block_actions_button.json",
        lambda: payloads.block_actions(
            user=CAROL,
            actions=[
                payloads.button_action(
                    action_id="start_review",
                    block_id="nudge_actions",
                    value="incident:42",
                    text="Start review",
                    style="primary",
                )
            ],
            container=payloads.message_container(
                channel=INCIDENT, message_ts="1733257200.003300"
            ),
            channel=INCIDENT,
            message=example("block_actions_button.json")["message"],
            response_url="http://127.0.0.1:9/r",
        ),
    ),
    (
        "view_submission.json",
        lambda: payloads.view_submission(
            user=ALICE,
            view_id="V07MODAL001",
            callback_id="review_basics",
            private_metadata="{}",
            state_values=example("view_submission.json")["view"]["state"]["values"],
        ),
    ),
    (
        "view_closed.json",
        lambda: payloads.view_closed(
            user=ALICE,
            view_id="V07MODAL002",
            callback_id="review_basics",
            state_values=example("view_closed.json")["view"]["state"]["values"],
        ),
    ),
    (
        "slash_command.json",
        lambda: payloads.slash_command(
            text="mitigated 14:03",
            user_id=ALICE,
            channel_id=INCIDENT,
            trigger_id="1.2.3",
            response_url="http://127.0.0.1:9/r",
        ),
    ),
]


@pytest.mark.parametrize(("name", "build"), LAYOUTS, ids=[c[0] for c in LAYOUTS])
def test_builder_lays_out_the_request_as_slack_does(name, build):
    assert layout_differences(build(), example(name)) == []


def test_standin_echoes_views_in_the_layout_of_a_submitted_view(client, standin):
    opened = client.views_open(
        trigger_id=standin.issue_trigger_id(),
        view={
            "type": "modal",
            "title": {"type": "plain_text", "text": "Review basics"},
            "blocks": [],
        },
    )

    expected = example("view_submission.json")["view"]
    assert list(opened["view"]) == list(expected)
