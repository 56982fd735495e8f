"""The Web API stand-in, called through the real slack_sdk WebClient."""

import json
import re
import urllib.request
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
import time_machine
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler, builtin_handlers
from slack_sdk.http_retry.builtin_handlers import ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import (
    FixedValueRetryIntervalCalculator,
)
from slack_sdk.webhook import WebhookClient

from slack_standin import SlackStandIn

from .conftest import ALICE, BOB, CAROL, INCIDENT, FakeClock

TS_SHAPE = re.compile(r"^\d{10}\.\d{6}$")


def _error_of(call) -> SlackApiError:
    with pytest.raises(SlackApiError) as raised:
        call()
    return raised.value


def _ts_key(ts: str) -> tuple[int, int]:
    seconds, micros = ts.split(".")
    return int(seconds), int(micros)


# -- Block Kit building blocks -------------------------------------------------


def _plain(text: str) -> dict:
    return {"type": "plain_text", "text": text}


def _mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}


def _section(text: str = "x") -> dict:
    return {"type": "section", "text": _mrkdwn(text)}


def _button(text="Go", *, value="v", url=None, action_id="go") -> dict:
    button = {"type": "button", "action_id": action_id, "text": _plain(text)}
    button["value"] = value
    if url is not None:
        button["url"] = url
    return button


def _option(text: str = "P1", value: str = "p1") -> dict:
    return {"text": _plain(text), "value": value}


def _select(options: list[dict]) -> dict:
    return {"type": "static_select", "action_id": "pick", "options": options}


def _actions(*elements: dict) -> dict:
    return {"type": "actions", "block_id": "acts", "elements": list(elements)}


def _input(
    *, label="Title", hint=None, placeholder=None, max_length=None, block_id="t"
) -> dict:
    element = {"type": "plain_text_input", "action_id": "title_input"}
    if placeholder is not None:
        element["placeholder"] = _plain(placeholder)
    if max_length is not None:
        element["max_length"] = max_length
    block = {"type": "input", "block_id": block_id, "label": _plain(label)}
    block["element"] = element
    if hint is not None:
        block["hint"] = _plain(hint)
    return block


def _modal(
    *,
    blocks=None,
    title="Review basics",
    submit="Save",
    close="Cancel",
    **fields,
) -> dict:
    view = {"type": "modal", "title": _plain(title), "blocks": blocks or []}
    if submit is not None:
        view["submit"] = _plain(submit)
    if close is not None:
        view["close"] = _plain(close)
    view.update(fields)
    return view


def _chars(limit: int) -> str:
    return f"must be less than {limit + 1} characters"


def _items(limit: int) -> str:
    return f"no more than {limit} items allowed"


def _at_most(limit: int) -> str:
    return f"must be less than or equal to {limit}"


# -- Block Kit limits ------------------------------------------------------------

# (rule, limit, blocks holding n of the limited thing, pointer, phrase)
MESSAGE_LIMITS = [
    (
        "message_blocks_50",
        50,
        lambda n: [_section() for _ in range(n)],
        "/blocks",
        _items,
    ),
    (
        "section_text_3000",
        3000,
        lambda n: [_section("a" * n)],
        "/blocks/0/text/text",
        _chars,
    ),
    (
        "section_fields_10",
        10,
        lambda n: [{"type": "section", "fields": [_mrkdwn("f")] * n}],
        "/blocks/0/fields",
        _items,
    ),
    (
        "section_field_text_2000",
        2000,
        lambda n: [{"type": "section", "fields": [_mrkdwn("a" * n)]}],
        "/blocks/0/fields/0/text",
        _chars,
    ),
    (
        "header_text_150",
        150,
        lambda n: [{"type": "header", "text": _plain("a" * n)}],
        "/blocks/0/text/text",
        _chars,
    ),
    (
        "context_elements_10",
        10,
        lambda n: [{"type": "context", "elements": [_mrkdwn("c")] * n}],
        "/blocks/0/elements",
        _items,
    ),
    (
        "actions_elements_25",
        25,
        lambda n: [_actions(*[_button(action_id=f"b{i}") for i in range(n)])],
        "/blocks/0/elements",
        _items,
    ),
    (
        "button_text_75",
        75,
        lambda n: [_actions(_button("a" * n))],
        "/blocks/0/elements/0/text/text",
        _chars,
    ),
    (
        "button_value_2000",
        2000,
        lambda n: [_actions(_button(value="a" * n))],
        "/blocks/0/elements/0/value",
        _chars,
    ),
    (
        "button_url_3000",
        3000,
        lambda n: [_actions(_button(url="https://example.com/" + "a" * (n - 20)))],
        "/blocks/0/elements/0/url",
        _chars,
    ),
    (
        "option_text_75",
        75,
        lambda n: [_actions(_select([_option(text="a" * n)]))],
        "/blocks/0/elements/0/options/0/text/text",
        _chars,
    ),
    (
        "option_value_150",
        150,
        lambda n: [_actions(_select([_option(value="a" * n)]))],
        "/blocks/0/elements/0/options/0/value",
        _chars,
    ),
    (
        "select_options_100",
        100,
        lambda n: [_actions(_select([_option(value=f"v{i}") for i in range(n)]))],
        "/blocks/0/elements/0/options",
        _items,
    ),
    (
        "block_id_255",
        255,
        lambda n: [{**_section(), "block_id": "b" * n}],
        "/blocks/0/block_id",
        _chars,
    ),
    (
        "action_id_255",
        255,
        lambda n: [_actions(_button(action_id="a" * n))],
        "/blocks/0/elements/0/action_id",
        _chars,
    ),
]


@pytest.mark.parametrize(
    ("rule", "limit", "build", "pointer", "phrase"),
    MESSAGE_LIMITS,
    ids=[case[0] for case in MESSAGE_LIMITS],
)
def test_message_block_limit_accepts_the_limit_and_refuses_one_more(
    client, rule, limit, build, pointer, phrase
):
    posted = client.chat_postMessage(channel=INCIDENT, text="t", blocks=build(limit))
    assert posted["ok"] is True

    error = _error_of(
        lambda: client.chat_postMessage(
            channel=INCIDENT, text="t", blocks=build(limit + 1)
        )
    )

    expected = f"{phrase(limit)} [json-pointer:{pointer}]"
    assert error.response.status_code == 200
    assert error.response["error"] == "invalid_blocks"
    assert error.response["errors"] == [expected]
    assert error.response["response_metadata"]["messages"] == [f"[ERROR] {expected}"]


# (rule, limit, modal holding n of the limited thing, pointer, phrase)
MODAL_LIMITS = [
    (
        "view_blocks_100",
        100,
        lambda n: _modal(blocks=[_section() for _ in range(n)]),
        "/view/blocks",
        _items,
    ),
    ("modal_title_24", 24, lambda n: _modal(title="a" * n), "/view/title/text", _chars),
    (
        "modal_submit_24",
        24,
        lambda n: _modal(submit="a" * n),
        "/view/submit/text",
        _chars,
    ),
    ("modal_close_24", 24, lambda n: _modal(close="a" * n), "/view/close/text", _chars),
    (
        "callback_id_255",
        255,
        lambda n: _modal(callback_id="a" * n),
        "/view/callback_id",
        _chars,
    ),
    (
        "external_id_255",
        255,
        lambda n: _modal(external_id="a" * n),
        "/view/external_id",
        _chars,
    ),
    (
        "input_label_2000",
        2000,
        lambda n: _modal(blocks=[_input(label="a" * n)]),
        "/view/blocks/0/label/text",
        _chars,
    ),
    (
        "input_hint_2000",
        2000,
        lambda n: _modal(blocks=[_input(hint="a" * n)]),
        "/view/blocks/0/hint/text",
        _chars,
    ),
    (
        "placeholder_150",
        150,
        lambda n: _modal(blocks=[_input(placeholder="a" * n)]),
        "/view/blocks/0/element/placeholder/text",
        _chars,
    ),
    (
        "plain_text_input_max_length_3000",
        3000,
        lambda n: _modal(blocks=[_input(max_length=n)]),
        "/view/blocks/0/element/max_length",
        _at_most,
    ),
]


@pytest.mark.parametrize(
    ("rule", "limit", "build", "pointer", "phrase"),
    MODAL_LIMITS,
    ids=[case[0] for case in MODAL_LIMITS],
)
def test_modal_limit_accepts_the_limit_and_refuses_one_more(
    client, standin, rule, limit, build, pointer, phrase
):
    opened = client.views_open(trigger_id=standin.issue_trigger_id(), view=build(limit))
    assert opened["ok"] is True

    error = _error_of(
        lambda: client.views_open(
            trigger_id=standin.issue_trigger_id(), view=build(limit + 1)
        )
    )

    assert error.response.status_code == 200
    assert error.response["error"] == "invalid_arguments"
    assert error.response["response_metadata"]["messages"] == [
        f"[ERROR] {phrase(limit)} [json-pointer:{pointer}]"
    ]


def test_private_metadata_over_3000_characters_gets_slacks_two_messages(
    client, standin
):
    client.views_open(
        trigger_id=standin.issue_trigger_id(), view=_modal(private_metadata="m" * 3000)
    )

    error = _error_of(
        lambda: client.views_open(
            trigger_id=standin.issue_trigger_id(),
            view=_modal(private_metadata="m" * 3001),
        )
    )

    assert error.response["error"] == "invalid_arguments"
    assert error.response["response_metadata"]["messages"] == [
        "[ERROR] failed to match all allowed schemas [json-pointer:/view]",
        "[ERROR] must be less than 3001 characters "
        "[json-pointer:/view/private_metadata]",
    ]


def test_modal_with_an_input_block_must_have_submit(client, standin):
    without_inputs = _modal(submit=None, blocks=[_section()])
    assert client.views_open(
        trigger_id=standin.issue_trigger_id(), view=without_inputs
    )["ok"]

    error = _error_of(
        lambda: client.views_open(
            trigger_id=standin.issue_trigger_id(),
            view=_modal(submit=None, blocks=[_input()]),
        )
    )

    assert error.response["response_metadata"]["messages"] == [
        "[ERROR] missing required field: submit [json-pointer:/view]"
    ]


def test_block_id_used_twice_in_a_view_is_refused(client, standin):
    view = _modal(blocks=[_input(block_id="same"), _input(block_id="same")])

    error = _error_of(
        lambda: client.views_open(trigger_id=standin.issue_trigger_id(), view=view)
    )

    assert error.response["error"] == "invalid_arguments"
    assert error.response["response_metadata"]["messages"] == [
        "[ERROR] must be unique [json-pointer:/view/blocks/1/block_id]"
    ]


def test_home_view_accepts_100_blocks_and_refuses_101(client, standin):
    def home(n):
        return {"type": "home", "blocks": [_section() for _ in range(n)]}

    assert client.views_publish(user_id=ALICE, view=home(100))["ok"]

    error = _error_of(lambda: client.views_publish(user_id=ALICE, view=home(101)))

    assert error.response["response_metadata"]["messages"] == [
        "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]"
    ]


def test_view_over_250_kb_is_view_too_large(client, standin):
    def big(sections):
        return _modal(blocks=[_section("a" * 3000) for _ in range(sections)])

    assert client.views_open(trigger_id=standin.issue_trigger_id(), view=big(80))["ok"]

    error = _error_of(
        lambda: client.views_open(trigger_id=standin.issue_trigger_id(), view=big(85))
    )

    assert error.response.data == {"ok": False, "error": "view_too_large"}


@pytest.mark.parametrize("method", ["chat_update", "chat_postEphemeral"])
def test_text_over_40000_characters_is_msg_too_long(client, method):
    posted = client.chat_postMessage(channel=INCIDENT, text="first")
    args = {"channel": INCIDENT}
    args.update({"ts": posted["ts"]} if method == "chat_update" else {"user": ALICE})
    call = getattr(client, method)

    assert call(**args, text="a" * 40_000)["ok"]

    error = _error_of(lambda: call(**args, text="a" * 40_001))

    assert error.response["error"] == "msg_too_long"


@pytest.mark.filterwarnings("ignore:The top-level `text`:UserWarning")
def test_message_with_neither_text_blocks_nor_attachments_is_no_text(client):
    error = _error_of(lambda: client.chat_postMessage(channel=INCIDENT, text=""))

    assert error.response.data == {"ok": False, "error": "no_text"}


@pytest.mark.filterwarnings("ignore:The top-level `text`:UserWarning")
@pytest.mark.filterwarnings("ignore:Additionally:UserWarning")
def test_more_than_100_attachments_is_too_many_attachments(client):
    attachments = [{"text": "a"}] * 100
    assert client.chat_postMessage(channel=INCIDENT, attachments=attachments)["ok"]

    error = _error_of(
        lambda: client.chat_postMessage(channel=INCIDENT, attachments=attachments * 2)
    )

    assert error.response["error"] == "too_many_attachments"


def test_form_encoded_blocks_are_decoded_and_checked(client, standin):
    blocks = [_section("a" * 3001)]

    error = _error_of(
        lambda: client.api_call(
            "chat.postMessage",
            params={"channel": INCIDENT, "text": "t", "blocks": json.dumps(blocks)},
        )
    )

    assert error.response["error"] == "invalid_blocks"
    assert standin.calls_to("chat.postMessage")[0].args["blocks"] == blocks


# -- authentication, routing, recording ------------------------------------------


def test_auth_test_with_an_empty_json_body_answers_the_bot_identity(standin):
    request = urllib.request.Request(
        standin.api_url + "auth.test",
        data=b"",
        method="POST",
        headers={
            "Content-Type": "application/json;charset=utf-8",
            "Authorization": "Bearer xoxb-test",
        },
    )

    with urllib.request.urlopen(request, timeout=5) as response:
        answer = json.loads(response.read())
        scopes = response.headers["x-oauth-scopes"]

    assert answer == {
        "ok": True,
        "url": "https://acme-eng.slack.com/",
        "team": "Acme Eng",
        "user": "pirbot",
        "team_id": "T0123ABCD",
        "user_id": "U07PIRBOT01",
        "bot_id": "B07PIRBOT01",
        "is_enterprise_install": False,
    }
    assert "chat:write" in scopes.split(",")
    assert standin.calls_to("auth.test")[0].args == {}


def test_web_client_auth_test_gets_the_scopes_header(client):
    answer = client.auth_test()

    assert answer["user_id"] == "U07PIRBOT01"
    assert "reactions:write" in answer.headers["x-oauth-scopes"]


def test_token_not_starting_with_xoxb_or_xoxp_is_invalid_auth(standin):
    other = WebClient(token="xapp-1-abc", base_url=standin.api_url)

    error = _error_of(other.auth_test)

    assert error.response.data == {"ok": False, "error": "invalid_auth"}


def test_user_token_is_accepted(standin):
    user_client = WebClient(token="xoxp-test", base_url=standin.api_url)

    assert user_client.auth_test()["ok"] is True


def test_call_without_a_token_is_not_authed(standin):
    anonymous = WebClient(base_url=standin.api_url)

    error = _error_of(anonymous.auth_test)

    assert error.response["error"] == "not_authed"


def test_token_in_a_form_field_is_accepted_and_not_recorded_as_an_argument(standin):
    body = b"token=xoxb-form&user=U04ALICE001"
    request = urllib.request.Request(
        standin.api_url + "users.info",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    with urllib.request.urlopen(request, timeout=5) as response:
        answer = json.loads(response.read())

    (call,) = standin.calls_to("users.info")
    assert answer["user"]["id"] == ALICE
    assert (call.token, call.args) == ("xoxb-form", {"user": ALICE})


def test_body_that_starts_like_json_but_is_not_is_invalid_json(standin):
    request = urllib.request.Request(
        standin.api_url + "auth.test",
        data=b"{not json",
        headers={
            "Content-Type": "application/json",
            "Authorization": "Bearer xoxb-test",
        },
    )

    with urllib.request.urlopen(request, timeout=5) as response:
        answer = json.loads(response.read())

    assert answer == {"ok": False, "error": "invalid_json"}


def test_unknown_method_is_unknown_method(client):
    error = _error_of(lambda: client.api_call("chat.scheduleMessage"))

    assert error.response.data == {"ok": False, "error": "unknown_method"}


def test_every_call_is_recorded_with_decoded_arguments_and_token(client, standin):
    client.chat_postMessage(channel=INCIDENT, text="hello", unfurl_links=False)
    client.conversations_history(channel=INCIDENT, limit=5, inclusive=True)

    posted, history = standin.calls

    assert (posted.method, posted.token) == ("chat.postMessage", "xoxb-test")
    assert posted.args == {"channel": INCIDENT, "text": "hello", "unfurl_links": False}
    assert history.method == "conversations.history"
    assert history.args == {"channel": INCIDENT, "limit": "5", "inclusive": "1"}
    assert posted.at <= history.at


def test_wait_for_returns_the_calls_once_the_count_is_reached(client, standin):
    client.auth_test()
    client.auth_test()

    calls = standin.wait_for("auth.test", count=2, timeout=0.5)

    assert [call.method for call in calls] == ["auth.test", "auth.test"]


def test_wait_for_names_the_methods_seen_when_it_times_out(client, standin):
    client.auth_test()

    with pytest.raises(AssertionError, match="methods seen: auth.test"):
        standin.wait_for("chat.postMessage", timeout=0.05)


def test_clear_calls_forgets_what_was_recorded(client, standin):
    client.auth_test()

    standin.clear_calls()

    assert standin.calls == []


# -- posting and reading messages ----------------------------------------------


def test_post_message_adds_the_bots_message_to_the_channel(client, standin):
    posted = client.chat_postMessage(channel=INCIDENT, text="Timeline updated")

    message = posted["message"]
    assert posted["channel"] == INCIDENT
    assert message["user"] == "U07PIRBOT01"
    assert message["bot_id"] == "B07PIRBOT01"
    assert message["app_id"] == "A07KQ3PIR01"
    assert message["ts"] == posted["ts"]
    assert standin.messages(INCIDENT)[-1]["text"] == "Timeline updated"


def test_post_message_to_a_user_id_lands_in_the_apps_dm(client, standin):
    posted = client.chat_postMessage(channel=ALICE, text="Your action items")

    info = client.conversations_info(channel=posted["channel"])["channel"]

    assert posted["channel"].startswith("D")
    assert (info["is_im"], info["user"]) == (True, ALICE)
    assert standin.messages(posted["channel"])[0]["text"] == "Your action items"


def test_post_message_by_channel_name_lands_in_that_channel(client, standin):
    posted = client.chat_postMessage(channel="#inc-2024-12-03-payments", text="hi")

    assert posted["channel"] == INCIDENT


def test_conversations_info_does_not_take_a_user_id(client):
    error = _error_of(lambda: client.conversations_info(channel=ALICE))

    assert error.response["error"] == "channel_not_found"


def test_post_message_to_an_unknown_channel_is_channel_not_found(client):
    error = _error_of(lambda: client.chat_postMessage(channel="C0NOPE", text="x"))

    assert error.response["error"] == "channel_not_found"


def test_post_message_where_the_bot_is_not_a_member_is_not_in_channel(client, standin):
    standin.add_channel("C07OTHER001", name="random", bot_member=False)

    error = _error_of(lambda: client.chat_postMessage(channel="C07OTHER001", text="x"))

    assert error.response["error"] == "not_in_channel"


def test_post_message_to_an_archived_channel_is_is_archived(client, standin):
    standin.archive_channel(INCIDENT)

    error = _error_of(lambda: client.chat_postMessage(channel=INCIDENT, text="x"))

    assert error.response["error"] == "is_archived"


def test_thread_reply_carries_thread_ts_and_parent_user_id(client, standin):
    parent = standin.add_message(INCIDENT, user=ALICE, text="rolled back")

    reply = client.chat_postMessage(
        channel=INCIDENT, text="noted", thread_ts=parent["ts"]
    )["message"]
    reply_to_reply = client.chat_postMessage(
        channel=INCIDENT, text="again", thread_ts=reply["ts"]
    )["message"]

    assert reply["thread_ts"] == parent["ts"]
    assert reply["parent_user_id"] == ALICE
    assert reply_to_reply["thread_ts"] == parent["ts"]


def test_generated_ts_are_slack_shaped_and_strictly_increasing_on_a_frozen_clock(
    client, standin
):
    standin.add_message(INCIDENT, user=ALICE, text="future", ts="1733240000.999999")

    with time_machine.travel(datetime(2024, 12, 3, 15, 33, 20, tzinfo=UTC), tick=False):
        stamps = [
            client.chat_postMessage(channel=INCIDENT, text=str(i))["ts"]
            for i in range(20)
        ]

    assert all(TS_SHAPE.match(ts) for ts in stamps)
    keys = [_ts_key(ts) for ts in stamps]
    assert keys == sorted(set(keys))
    assert keys[0] > _ts_key("1733240000.999999")


def test_seeded_ts_is_kept_as_the_exact_string(client, standin):
    standin.add_message(INCIDENT, user=ALICE, text="a", ts="1733240000.123400")

    history = client.conversations_history(channel=INCIDENT)

    assert history["messages"][0]["ts"] == "1733240000.123400"
    assert standin.messages(INCIDENT)[0]["ts"] == "1733240000.123400"


def test_history_is_newest_first_and_leaves_out_thread_replies(client, standin):
    first = standin.add_message(INCIDENT, user=ALICE, text="first")
    standin.add_message(INCIDENT, user=BOB, text="in thread", thread_ts=first["ts"])
    second = standin.add_message(INCIDENT, user=BOB, text="second")

    history = client.conversations_history(channel=INCIDENT)

    assert [m["ts"] for m in history["messages"]] == [second["ts"], first["ts"]]
    assert history["messages"][1]["reply_count"] == 1
    assert history["has_more"] is False


def test_history_includes_replies_broadcast_to_the_channel(client, standin):
    parent = standin.add_message(INCIDENT, user=ALICE, text="parent")

    client.chat_postMessage(
        channel=INCIDENT, text="also here", thread_ts=parent["ts"], reply_broadcast=True
    )
    history = client.conversations_history(channel=INCIDENT)

    assert [m["text"] for m in history["messages"]] == ["also here", "parent"]


def test_history_honours_oldest_latest_and_inclusive(client, standin):
    for ts in ("1733240001.000000", "1733240002.000000", "1733240003.000000"):
        standin.add_message(INCIDENT, user=ALICE, text=ts, ts=ts)

    exclusive = client.conversations_history(
        channel=INCIDENT, oldest="1733240001.000000", latest="1733240003.000000"
    )
    inclusive = client.conversations_history(
        channel=INCIDENT,
        oldest="1733240001.000000",
        latest="1733240003.000000",
        inclusive=True,
    )

    assert [m["ts"] for m in exclusive["messages"]] == ["1733240002.000000"]
    assert len(inclusive["messages"]) == 3


def test_history_pages_with_limit_and_cursor(client, standin):
    for second in range(5):
        standin.add_message(INCIDENT, user=ALICE, text=str(second))

    first = client.conversations_history(channel=INCIDENT, limit=3)
    cursor = first["response_metadata"]["next_cursor"]
    rest = client.conversations_history(channel=INCIDENT, limit=3, cursor=cursor)

    assert [m["text"] for m in first["messages"]] == ["4", "3", "2"]
    assert first["has_more"] is True
    assert [m["text"] for m in rest["messages"]] == ["1", "0"]
    assert rest["response_metadata"]["next_cursor"] == ""


def test_history_with_a_made_up_cursor_is_invalid_cursor(client):
    error = _error_of(
        lambda: client.conversations_history(channel=INCIDENT, cursor="nonsense!")
    )

    assert error.response["error"] == "invalid_cursor"


def test_history_where_the_bot_is_not_a_member_is_not_in_channel(client, standin):
    standin.add_channel("C07OTHER001", name="random", bot_member=False)

    error = _error_of(lambda: client.conversations_history(channel="C07OTHER001"))

    assert error.response["error"] == "not_in_channel"


def test_replies_give_the_parent_first_then_replies_oldest_first(client, standin):
    parent = standin.add_message(INCIDENT, user=ALICE, text="parent")
    one = standin.add_message(INCIDENT, user=BOB, text="one", thread_ts=parent["ts"])
    two = standin.add_message(INCIDENT, user=CAROL, text="two", thread_ts=parent["ts"])

    replies = client.conversations_replies(channel=INCIDENT, ts=parent["ts"])

    messages = replies["messages"]
    assert [m["ts"] for m in messages] == [parent["ts"], one["ts"], two["ts"]]
    assert messages[0]["reply_count"] == 2
    assert messages[0]["reply_users"] == [BOB, CAROL]
    assert messages[0]["latest_reply"] == two["ts"]
    assert messages[1]["parent_user_id"] == ALICE


def test_replies_with_a_replys_ts_return_the_whole_thread(client, standin):
    parent = standin.add_message(INCIDENT, user=ALICE, text="parent")
    reply = standin.add_message(INCIDENT, user=BOB, text="r", thread_ts=parent["ts"])

    replies = client.conversations_replies(channel=INCIDENT, ts=reply["ts"])

    assert [m["ts"] for m in replies["messages"]] == [parent["ts"], reply["ts"]]


def test_replies_of_a_message_without_replies_return_just_that_message(client, standin):
    lonely = standin.add_message(INCIDENT, user=ALICE, text="alone")

    replies = client.conversations_replies(channel=INCIDENT, ts=lonely["ts"])

    assert replies["messages"] == [lonely]


def test_replies_of_an_unknown_ts_is_thread_not_found(client):
    error = _error_of(
        lambda: client.conversations_replies(channel=INCIDENT, ts="1.000001")
    )

    assert error.response["error"] == "thread_not_found"


def test_permalink_of_a_top_level_message(client, standin):
    standin.add_message(INCIDENT, user=ALICE, text="a", ts="1733240000.123456")

    answer = client.chat_getPermalink(channel=INCIDENT, message_ts="1733240000.123456")

    assert answer["permalink"] == (
        "https://acme-eng.slack.com/archives/C07INC12345/p1733240000123456"
    )


def test_permalink_of_a_reply_names_its_thread_and_channel(client, standin):
    standin.add_message(INCIDENT, user=ALICE, text="p", ts="1733240000.123456")
    standin.add_message(
        INCIDENT,
        user=BOB,
        text="r",
        ts="1733240100.000200",
        thread_ts="1733240000.123456",
    )

    answer = client.chat_getPermalink(channel=INCIDENT, message_ts="1733240100.000200")

    assert answer["permalink"] == (
        "https://acme-eng.slack.com/archives/C07INC12345/p1733240100000200"
        "?thread_ts=1733240000.123456&cid=C07INC12345"
    )


def test_permalink_of_an_unknown_message_is_message_not_found(client):
    error = _error_of(
        lambda: client.chat_getPermalink(channel=INCIDENT, message_ts="1.000001")
    )

    assert error.response["error"] == "message_not_found"


def test_ephemeral_message_is_answered_but_not_kept_in_history(client, standin):
    answer = client.chat_postEphemeral(channel=INCIDENT, user=ALICE, text="only you")

    assert TS_SHAPE.match(answer["message_ts"])
    assert standin.messages(INCIDENT) == []
    assert standin.calls_to("chat.postEphemeral")[0].args["user"] == ALICE


def test_ephemeral_to_a_user_outside_the_channel_is_user_not_in_channel(client):
    error = _error_of(
        lambda: client.chat_postEphemeral(channel=INCIDENT, user=CAROL, text="x")
    )

    assert error.response["error"] == "user_not_in_channel"


def test_update_changes_the_bots_own_message(client, standin):
    posted = client.chat_postMessage(channel=INCIDENT, text="draft")

    updated = client.chat_update(
        channel=INCIDENT, ts=posted["ts"], text="final", blocks=[_section("final")]
    )

    assert updated["ts"] == posted["ts"]
    assert updated["text"] == "final"
    stored = standin.messages(INCIDENT)[0]
    assert stored["text"] == "final"
    assert stored["blocks"] == [_section("final")]
    assert stored["edited"]["user"] == "U07PIRBOT01"


def test_update_of_someone_elses_message_is_cant_update_message(client, standin):
    theirs = standin.add_message(INCIDENT, user=ALICE, text="mine")

    error = _error_of(
        lambda: client.chat_update(channel=INCIDENT, ts=theirs["ts"], text="x")
    )

    assert error.response["error"] == "cant_update_message"


def test_update_of_an_unknown_message_is_message_not_found(client):
    error = _error_of(
        lambda: client.chat_update(channel=INCIDENT, ts="1.000001", text="x")
    )

    assert error.response["error"] == "message_not_found"


def test_edit_and_delete_helpers_change_what_history_returns(client, standin):
    kept = standin.add_message(INCIDENT, user=ALICE, text="14:05")
    gone = standin.add_message(INCIDENT, user=BOB, text="paging DBA")

    standin.edit_message(INCIDENT, kept["ts"], "14:03")
    removed = standin.delete_message(INCIDENT, gone["ts"])
    history = client.conversations_history(channel=INCIDENT)

    assert removed["text"] == "paging DBA"
    assert [m["text"] for m in history["messages"]] == ["14:03"]
    assert history["messages"][0]["edited"]["user"] == ALICE


# -- channels, users, reactions, team, pins ----------------------------------------


def test_conversations_info_describes_the_channel(client, standin):
    info = client.conversations_info(channel=INCIDENT, include_num_members=True)

    channel = info["channel"]
    assert channel["name"] == "inc-2024-12-03-payments"
    assert channel["is_member"] is True
    assert channel["is_private"] is False
    assert channel["num_members"] == 3


def test_private_channel_without_the_bot_is_channel_not_found(client, standin):
    standin.add_channel("C07SECRET01", name="secret", is_private=True, bot_member=False)

    error = _error_of(lambda: client.conversations_info(channel="C07SECRET01"))

    assert error.response["error"] == "channel_not_found"


def test_conversations_members_lists_and_pages_members(client):
    first = client.conversations_members(channel=INCIDENT, limit=2)
    rest = client.conversations_members(
        channel=INCIDENT, limit=2, cursor=first["response_metadata"]["next_cursor"]
    )

    assert first["members"] + rest["members"] == [ALICE, BOB, "U07PIRBOT01"]
    assert rest["response_metadata"]["next_cursor"] == ""


@pytest.mark.parametrize(
    ("when", "offset", "label"),
    [
        (datetime(2024, 12, 3, 12, tzinfo=UTC), 3600, "CET"),
        (datetime(2024, 7, 3, 12, tzinfo=UTC), 7200, "CEST"),
    ],
)
def test_users_info_gives_the_time_zone_offset_of_that_day(client, when, offset, label):
    with time_machine.travel(when, tick=False):
        user = client.users_info(user=ALICE)["user"]

    assert user["tz"] == "Europe/Berlin"
    assert user["tz_offset"] == offset
    assert user["tz_label"] == label
    assert user["profile"]["real_name"] == "Alice Example"


def test_users_info_of_a_removed_user_is_user_not_found(client, standin):
    standin.remove_user(BOB)

    error = _error_of(lambda: client.users_info(user=BOB))

    assert error.response["error"] == "user_not_found"


def test_deactivated_user_is_still_found_but_deleted(client, standin):
    standin.deactivate_user(BOB)

    assert client.users_info(user=BOB)["user"]["deleted"] is True


def test_reaction_added_by_the_bot_is_stored_and_second_one_is_already_reacted(
    client, standin
):
    message = standin.add_message(INCIDENT, user=ALICE, text="tag me")
    standin.add_reaction(INCIDENT, message["ts"], "pushpin", user=BOB)

    client.reactions_add(channel=INCIDENT, name="pushpin", timestamp=message["ts"])
    error = _error_of(
        lambda: client.reactions_add(
            channel=INCIDENT, name="pushpin", timestamp=message["ts"]
        )
    )
    answer = client.reactions_get(channel=INCIDENT, timestamp=message["ts"])

    assert error.response["error"] == "already_reacted"
    assert answer["message"]["reactions"] == [
        {"name": "pushpin", "users": [BOB, "U07PIRBOT01"], "count": 2}
    ]
    assert answer["message"]["permalink"].startswith("https://acme-eng.slack.com/")


def test_reaction_on_an_unknown_message_is_message_not_found(client):
    error = _error_of(
        lambda: client.reactions_add(channel=INCIDENT, name="x", timestamp="1.000001")
    )

    assert error.response["error"] == "message_not_found"


def test_team_info_describes_the_workspace(client):
    team = client.team_info()["team"]

    assert (team["id"], team["name"], team["domain"]) == (
        "T0123ABCD",
        "Acme Eng",
        "acme-eng",
    )


def test_pins_list_gives_pinned_messages_with_permalinks(client, standin):
    message = standin.add_message(INCIDENT, user=ALICE, text="root cause")
    standin.pin_message(INCIDENT, message["ts"], user=BOB)

    items = client.pins_list(channel=INCIDENT)["items"]

    assert len(items) == 1
    assert items[0]["created_by"] == BOB
    assert items[0]["message"]["text"] == "root cause"
    assert items[0]["message"]["pinned_to"] == [INCIDENT]
    assert "/archives/C07INC12345/p" in items[0]["message"]["permalink"]


# -- views and trigger ids ---------------------------------------------------------


def test_opened_modal_is_readable_with_slack_shaped_id_and_hash(client, standin):
    opened = client.views_open(
        trigger_id=standin.issue_trigger_id(),
        view=_modal(callback_id="review_basics", private_metadata='{"id": 42}'),
    )

    view = opened["view"]
    assert re.fullmatch(r"V[A-Z0-9]{10}", view["id"])
    assert re.fullmatch(r"\d{10}\.[A-Za-z0-9]{8}", view["hash"])
    assert view["root_view_id"] == view["id"]
    assert view["previous_view_id"] is None
    stored = standin.views[view["id"]]
    assert stored["callback_id"] == "review_basics"
    assert stored["private_metadata"] == '{"id": 42}'


def test_opened_modal_gets_the_block_ids_slack_fills_in(client, standin):
    view = _modal(blocks=[{"type": "input", "label": _plain("L"), "element": {}}])
    view["blocks"][0]["element"] = {"type": "plain_text_input"}

    opened = client.views_open(trigger_id=standin.issue_trigger_id(), view=view)

    block = opened["view"]["blocks"][0]
    assert re.fullmatch(r"[A-Za-z0-9]{5}", block["block_id"])
    assert re.fullmatch(r"[A-Za-z0-9]{5}", block["element"]["action_id"])


def test_trigger_id_works_once_then_is_exchanged(client, standin):
    trigger_id = standin.issue_trigger_id()
    client.views_open(trigger_id=trigger_id, view=_modal())

    error = _error_of(lambda: client.views_open(trigger_id=trigger_id, view=_modal()))

    assert error.response.data == {"ok": False, "error": "exchanged_trigger_id"}


def test_trigger_id_is_good_for_three_seconds_after_issue(
    client, standin, clock: FakeClock
):
    on_time = standin.issue_trigger_id()
    clock.advance(3.0)
    assert client.views_open(trigger_id=on_time, view=_modal())["ok"]

    late = standin.issue_trigger_id()
    clock.advance(3.001)
    error = _error_of(lambda: client.views_open(trigger_id=late, view=_modal()))

    assert error.response["error"] == "expired_trigger_id"


def test_trigger_id_never_issued_is_invalid(client):
    error = _error_of(
        lambda: client.views_open(trigger_id="123.456.abcdef", view=_modal())
    )

    assert error.response["error"] == "invalid_trigger_id"


def test_views_push_stacks_at_most_three_views(client, standin):
    root = client.views_open(trigger_id=standin.issue_trigger_id(), view=_modal())
    second = client.views_push(trigger_id=standin.issue_trigger_id(), view=_modal())
    third = client.views_push(trigger_id=standin.issue_trigger_id(), view=_modal())

    error = _error_of(
        lambda: client.views_push(trigger_id=standin.issue_trigger_id(), view=_modal())
    )

    root_id = root["view"]["id"]
    assert second["view"]["previous_view_id"] == root_id
    assert third["view"]["previous_view_id"] == second["view"]["id"]
    assert third["view"]["root_view_id"] == root_id
    assert error.response["error"] == "push_limit_reached"


def test_views_push_with_a_trigger_from_a_view_stacks_on_that_view(client, standin):
    first = client.views_open(trigger_id=standin.issue_trigger_id(), view=_modal())
    client.views_open(trigger_id=standin.issue_trigger_id(), view=_modal())

    pushed = client.views_push(
        trigger_id=standin.issue_trigger_id(view_id=first["view"]["id"]),
        view=_modal(),
    )

    assert pushed["view"]["root_view_id"] == first["view"]["id"]


def test_views_update_by_id_or_external_id_keeps_the_id_and_changes_the_hash(
    client, standin
):
    opened = client.views_open(
        trigger_id=standin.issue_trigger_id(), view=_modal(external_id="review-42")
    )["view"]

    by_id = client.views_update(
        view_id=opened["id"], view=_modal(title="Loaded", external_id="review-42")
    )["view"]
    by_external_id = client.views_update(
        external_id="review-42", view=_modal(title="Again", external_id="review-42")
    )["view"]

    assert by_id["id"] == by_external_id["id"] == opened["id"]
    assert by_id["hash"] != opened["hash"]
    assert standin.views[opened["id"]]["title"]["text"] == "Again"


def test_views_update_with_a_stale_hash_is_hash_conflict(client, standin):
    opened = client.views_open(trigger_id=standin.issue_trigger_id(), view=_modal())
    view_id, first_hash = opened["view"]["id"], opened["view"]["hash"]
    client.views_update(view_id=view_id, view=_modal(title="Newer"), hash=first_hash)

    error = _error_of(
        lambda: client.views_update(
            view_id=view_id, view=_modal(title="Stale"), hash=first_hash
        )
    )

    assert error.response["error"] == "hash_conflict"


def test_views_update_of_a_closed_modal_is_not_found(client, standin):
    opened = client.views_open(trigger_id=standin.issue_trigger_id(), view=_modal())
    standin.close_view(opened["view"]["id"])

    error = _error_of(
        lambda: client.views_update(view_id=opened["view"]["id"], view=_modal())
    )

    assert error.response["error"] == "not_found"


def test_views_publish_replaces_the_users_home_view(client, standin):
    home = {"type": "home", "callback_id": "pir_home", "blocks": [_section("one")]}
    first = client.views_publish(user_id=ALICE, view=home)["view"]
    home["blocks"] = [_section("two")]
    second = client.views_publish(user_id=ALICE, view=home)["view"]

    published = standin.published_home(ALICE)

    assert second["id"] == first["id"]
    assert published["type"] == "home"
    assert published["blocks"][0]["text"]["text"] == "two"
    assert standin.published_home(BOB) is None


# -- injected failures ---------------------------------------------------------------


def test_rate_limited_call_answers_429_with_an_integer_retry_after(client, standin):
    standin.fail_next("chat.postMessage", retry_after=7)

    error = _error_of(lambda: client.chat_postMessage(channel=INCIDENT, text="x"))

    assert error.response.status_code == 429
    assert error.response.headers["Retry-After"] == "7"
    assert error.response["error"] == "ratelimited"


def test_rate_limit_is_waited_out_by_the_sdk_retry_handler(
    client, standin, monkeypatch
):
    slept: list[float] = []
    monkeypatch.setattr(builtin_handlers, "time", SimpleNamespace(sleep=slept.append))
    monkeypatch.setattr(builtin_handlers, "random", SimpleNamespace(random=lambda: 0))
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=1))
    standin.fail_next("chat.postMessage", retry_after=1)

    posted = client.chat_postMessage(channel=INCIDENT, text="eventually")

    assert posted["ok"] is True
    assert slept == [1]
    assert len(standin.calls_to("chat.postMessage")) == 2
    assert [m["text"] for m in standin.messages(INCIDENT)] == ["eventually"]


@pytest.mark.parametrize(
    ("status", "error"), [(500, "internal_error"), (503, "service_unavailable")]
)
def test_injected_server_error_surfaces_with_its_status(client, standin, status, error):
    standin.fail_next("conversations.history", status=status)

    raised = _error_of(lambda: client.conversations_history(channel=INCIDENT))

    assert raised.response.status_code == status
    assert raised.response["error"] == error


def test_server_error_retry_handler_gets_through_a_single_503(client, standin):
    quick = FixedValueRetryIntervalCalculator(fixed_internal=0.01)
    handler = ServerErrorRetryHandler(max_retry_count=1, interval_calculator=quick)
    client.retry_handlers.append(handler)
    standin.fail_next("users.info", status=503)

    assert client.users_info(user=ALICE)["ok"] is True


def test_injected_error_string_is_an_ok_false_answer(client, standin):
    standin.fail_next("chat.postMessage", status=200, error="message_limit_exceeded")

    error = _error_of(lambda: client.chat_postMessage(channel=INCIDENT, text="x"))

    assert error.response.status_code == 200
    assert error.response.data == {"ok": False, "error": "message_limit_exceeded"}


def test_fault_applies_to_the_next_n_calls_only(client, standin):
    standin.fail_next("auth.test", status=500, times=2)

    outcomes = []
    for _ in range(3):
        try:
            outcomes.append(client.auth_test()["ok"])
        except SlackApiError as error:
            outcomes.append(error.response.status_code)

    assert outcomes == [500, 500, True]


def test_fail_next_with_status_200_needs_an_error(standin):
    with pytest.raises(ValueError, match="error"):
        standin.fail_next("auth.test", status=200)


# -- response_url ------------------------------------------------------------------


def test_response_url_posts_are_recorded_as_response_url_calls(standin):
    url = standin.new_response_url()

    answer = WebhookClient(url).send(text="Logged at 14:03", response_type="ephemeral")

    assert answer.status_code == 200
    (call,) = standin.calls_to("response_url")
    assert call.url == url
    assert call.args == {"text": "Logged at 14:03", "response_type": "ephemeral"}


def test_response_url_refuses_invalid_blocks(standin):
    url = standin.new_response_url()

    answer = WebhookClient(url).send(text="t", blocks=[_section("a" * 3001)])

    assert answer.status_code == 400
    assert json.loads(answer.body)["error"] == "invalid_blocks"


def test_response_url_takes_five_posts_then_refuses(standin):
    webhook = WebhookClient(standin.new_response_url())

    statuses = [webhook.send(text=str(i)).status_code for i in range(6)]

    assert statuses == [200] * 5 + [404]


def test_response_url_expires_after_30_minutes(standin, clock: FakeClock):
    webhook = WebhookClient(standin.new_response_url())
    clock.advance(30 * 60 + 1)

    assert webhook.send(text="late").status_code == 404


def test_response_url_never_handed_out_is_refused(standin):
    webhook = WebhookClient(standin.base_url + "response/made-up")

    assert webhook.send(text="x").status_code == 404


def test_in_channel_response_is_added_to_the_channel(standin):
    url = standin.new_response_url(channel_id=INCIDENT)

    WebhookClient(url).send(text="Incident declared", response_type="in_channel")

    assert [m["text"] for m in standin.messages(INCIDENT)] == ["Incident declared"]


def test_replace_original_changes_the_message_the_url_came_from(client, standin):
    posted = client.chat_postMessage(channel=INCIDENT, text="Start review?")
    url = standin.new_response_url(channel_id=INCIDENT, message_ts=posted["ts"])

    WebhookClient(url).send(text="Review started", replace_original=True)

    assert standin.messages(INCIDENT)[0]["text"] == "Review started"


# -- lifecycle --------------------------------------------------------------------


def test_stand_in_serves_on_loopback_until_stopped():
    standin = SlackStandIn().start()
    url = standin.api_url
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/api/", url)
    assert WebClient(token="xoxb-t", base_url=url).auth_test()["ok"] is True

    standin.stop()

    with pytest.raises(RuntimeError):
        _ = standin.api_url


def test_file_upload_in_three_steps_shares_the_exact_bytes(client, standin):
    standin.add_channel("C07REVIEWS01", name="reviews", members=[ALICE])
    content = "# Review ✓ 🚀\n\nnaïve café\n"

    answer = client.files_upload_v2(
        channel="C07REVIEWS01",
        content=content,
        filename="review.md",
        title="Review",
        initial_comment="The review",
    )

    (shared,) = standin.shared_files("C07REVIEWS01")
    assert shared["id"] == answer["file"]["id"]
    assert shared["content"].decode("utf-8") == content
    assert [c.method for c in standin.calls][-3:] == [
        "files.getUploadURLExternal",
        "file_upload",
        "files.completeUploadExternal",
    ]


def test_file_shared_where_the_bot_is_not_a_member_is_refused(client, standin):
    standin.add_channel(
        "C07OUTSIDE01", name="outside", members=[ALICE], bot_member=False
    )
    with pytest.raises(SlackApiError) as refused:
        client.files_upload_v2(channel="C07OUTSIDE01", content="x", filename="x.md")
    assert refused.value.response["error"] == "not_in_channel"
    assert standin.shared_files("C07OUTSIDE01") == []
