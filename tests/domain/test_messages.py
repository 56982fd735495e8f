from __future__ import annotations

from domain.messages import MAX_STORED_TEXT, message_text


def test_person_message_text_is_used_as_is() -> None:
    assert message_text({"text": "rolling back :rewind: <@U1>"}) == (
        "rolling back :rewind: <@U1>"
    )


def test_alert_text_comes_from_attachments_when_text_is_empty() -> None:
    alert = {
        "text": "",
        "bot_id": "B05ALERTS01",
        "attachments": [
            {
                "fallback": "ignored when a title exists",
                "title": "[TRIGGERED] edge-waf",
                "text": "synthetic check failing in 3 regions",
                "fields": [{"title": "Severity", "value": "critical"}],
            }
        ],
    }
    assert message_text(alert) == (
        "[TRIGGERED] edge-waf\nsynthetic check failing in 3 regions\nSeverity: critical"
    )


def test_block_only_message_is_read_from_its_blocks() -> None:
    message = {
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": "*CPU* at 100%"}},
            {
                "type": "rich_text",
                "elements": [
                    {
                        "type": "rich_text_section",
                        "elements": [
                            {"type": "text", "text": "see "},
                            {"type": "user", "user_id": "U1"},
                        ],
                    }
                ],
            },
        ]
    }
    assert message_text(message) == "*CPU* at 100%\nsee <@U1>"


def test_file_names_are_mentioned() -> None:
    message = {"text": "graph attached", "files": [{"name": "cpu.png"}]}
    assert message_text(message) == "graph attached\n[file: cpu.png]"


def test_odd_shapes_never_raise() -> None:
    assert message_text({"text": None, "attachments": "x", "blocks": [1, None]}) == ""


def test_very_long_text_is_kept_up_to_the_slack_maximum() -> None:
    text = "é" * 50_000
    assert message_text({"text": text}) == "é" * MAX_STORED_TEXT
