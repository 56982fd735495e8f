"""The baseline for the ack benchmark: a plain Bolt app that only acks.

Same signing secret, same kind of HTTP server (bot/server.py's threaded
WSGI server) and the same Web API client on the same stand-in as pirbot,
with one listener per request kind the benchmark sends, each doing nothing
but `ack()`. `python -m bench.bare_app --port N --api-url URL --secret S`
serves it until stopped.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence

from slack_bolt import Ack, App

from bot.client import build_client
from bot.server import HttpServer

BOT_TOKEN = "xoxb-bench-bare-00000"
# pirbot's ids (handlers.ids), written out: importing handlers would load
# all of pirbot into the baseline. The ack benchmark checks they agree.
REACTION_EVENT = "reaction_added"
SHORTCUT = "add_to_timeline"
COMMAND = "/pir"
VIEW = "add_timeline_event"
SECTION_VIEW = "review_section"


def _ack(ack: Ack) -> None:
    ack()


def build_bare_app(*, api_url: str, signing_secret: str) -> App:
    app = App(client=build_client(BOT_TOKEN, api_url), signing_secret=signing_secret)
    app.event(REACTION_EVENT)(_ack)
    app.shortcut(SHORTCUT)(_ack)
    app.command(COMMAND)(_ack)
    app.view(VIEW)(_ack)
    app.view(SECTION_VIEW)(_ack)
    return app


def main(argv: Sequence[str] | None = None) -> int:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--port", type=int, required=True)
    arguments.add_argument("--api-url", required=True)
    arguments.add_argument("--secret", required=True)
    options = arguments.parse_args(argv)

    app = build_bare_app(api_url=options.api_url, signing_secret=options.secret)
    server = HttpServer(app, host="127.0.0.1", port=options.port)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    server.start_in_thread()
    stop.wait()
    server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
