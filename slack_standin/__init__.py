"""A local stand-in of Slack for tests and ``pirbot demo``.

``SlackStandIn`` plays Slack's Web API; ``SlackRequestSender`` plays Slack
calling the app (signed events, commands and interactivity payloads built
with ``payloads``).
"""

from slack_standin import payloads
from slack_standin.requests import Reply, SlackRequestSender, sign
from slack_standin.server import Call, SlackStandIn

__all__ = ["Call", "Reply", "SlackRequestSender", "SlackStandIn", "payloads", "sign"]
