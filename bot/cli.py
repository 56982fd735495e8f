"""The `pirbot` command line: run, db upgrade, export, metrics, demo."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from slack_bolt.error import BoltError
from sqlalchemy.exc import OperationalError, ProgrammingError

from bot import preflight
from bot.app import build_app, build_client
from bot.health import Health
from bot.logs import configure_logging
from bot.metrics_output import OutputFormat, write_report
from bot.settings import ConfigError, Settings, load_settings
from domain import metrics
from domain.errors import PirError
from handlers.deps import Deps
from scheduler.jobs import build_jobs
from scheduler.runner import Ticker
from store.db import Database
from store.types import utc_now

logger = logging.getLogger(__name__)

EXIT_CONFIG = 2


class UsageError(Exception):
    """An argument that cannot be used; the message is meant for a person."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except (ConfigError, UsageError) as error:
        print(f"pirbot: {error}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`pirbot metrics | head`): nothing is wrong,
        # and Python must not complain when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pirbot", description="A Slack bot for blameless post-incident reviews."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="connect to Slack and serve")
    run.add_argument(
        "--http",
        action="store_true",
        help="serve POST /slack/events over HTTP instead of Socket Mode",
    )
    run.add_argument("--host", default="0.0.0.0", help="HTTP address (default all)")
    run.add_argument(
        "--port", type=_port, default=3000, help="HTTP port (default 3000)"
    )
    run.add_argument(
        "--no-scheduler",
        action="store_true",
        help="do not run scheduled nudges and digests in this process",
    )
    run.set_defaults(run=_run)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_commands.add_parser("upgrade", help="apply pending migrations")
    upgrade.set_defaults(run=_db_upgrade)

    export = commands.add_parser(
        "export", help="write an incident's review as Markdown"
    )
    export.add_argument(
        "incident", help="the incident: its channel id, #channel-name or number"
    )
    export.add_argument(
        "--redact",
        action="store_true",
        help="people as roles; no user ids, email or IP addresses",
    )
    export.add_argument("--team", help="the workspace (T…), when several share a name")
    export.add_argument(
        "--output", "-o", type=Path, help="write to this file instead of stdout"
    )
    export.set_defaults(run=_export)
    _add_metrics_command(commands)

    demo = commands.add_parser(
        "demo", help="replay an incident against a local Slack stand-in"
    )
    demo.add_argument(
        "file",
        nargs="?",
        type=Path,
        help="incident to replay (default: the example shipped with pirbot)",
    )
    demo.add_argument(
        "--verbose", action="store_true", help="show the bot's logs while replaying"
    )
    demo.set_defaults(run=_demo)
    return parser


def _add_metrics_command(commands) -> None:
    report = commands.add_parser(
        "metrics", help="review completion, action items, repeats and durations"
    )
    report.add_argument(
        "--since",
        default="",
        metavar="DATE",
        help="start of the period: 2024-10-01 (midnight in the workspace's "
        "zone), 30d, 12 weeks or 6 months (default: the last 90 days)",
    )
    report.add_argument(
        "--team",
        metavar="T…",
        help="workspace id (default: the only workspace in the database)",
    )
    report.add_argument(
        "--format",
        type=OutputFormat,
        choices=list(OutputFormat),
        default=OutputFormat.TABLE,
        help="table (default), json or csv",
    )
    report.set_defaults(run=_metrics)


def _port(text: str) -> int:
    if not text.isdecimal() or not 0 < int(text) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port from 1 to 65535")
    return int(text)


def _configured() -> Settings:
    settings = load_settings()
    configure_logging(settings.log_level, settings.log_format)
    return settings


def _db_upgrade(_args: argparse.Namespace) -> int:
    settings = _configured()
    preflight.open_database(settings).dispose()
    return 0


def _metrics(args: argparse.Namespace) -> int:
    """Print one workspace's figures. Logging is left unconfigured: the
    report is the output, and warnings still reach stderr."""
    database = preflight.open_database(load_settings(), existing_only=True)
    try:
        workspace = _chosen_workspace(database, args.team)
        try:
            period = metrics.read_period(
                args.since, now=utc_now(), timezone=workspace.timezone
            )
        except PirError as error:
            raise UsageError(f"--since: {error}") from None
        report = metrics.gather_metrics(
            database, team_id=workspace.team_id, period=period
        )
    except (OperationalError, ProgrammingError) as error:
        raise ConfigError(
            f"Could not read the database ({type(error.orig).__name__}): check "
            "DATABASE_URL, and run `pirbot db upgrade` if it was never set up."
        ) from None
    finally:
        database.dispose()
    write_report(report, args.format, sys.stdout)
    return 0


def _chosen_workspace(database: Database, team_id: str | None):
    known = metrics.list_workspaces(database)
    if team_id:
        for workspace in known:
            if workspace.team_id == team_id:
                return workspace
        ids = ", ".join(w.team_id for w in known) or "none yet"
        raise UsageError(f"--team {team_id} is not a workspace here (known: {ids}).")
    if len(known) == 1:
        return known[0]
    if not known:
        raise UsageError(
            "There is no workspace in this database yet: the bot records one "
            "when an incident is first declared (check DATABASE_URL)."
        )
    ids = ", ".join(w.team_id for w in known)
    raise UsageError(
        f"Several workspaces share this database; pick one with --team ({ids})."
    )


def _run(args: argparse.Namespace) -> int:
    settings = _configured()
    if args.http:
        settings.require_http_mode_secrets()
    else:
        settings.require_socket_mode_tokens()

    database = preflight.open_database(settings)
    server = ticker = None
    try:
        deps = Deps(db=database, default_timezone=settings.default_timezone)
        client = build_client(
            settings.slack_bot_token.get_secret_value(), settings.slack_api_url
        )
        preflight.check_bot_token(client, settings)
        server, ticker = _assemble(args, settings, deps, client)
        stop = threading.Event()
        _stop_on_signals(stop)
        if args.http:
            server.start_in_thread()
        else:
            _connect_socket_mode(server)
        if ticker is not None:
            ticker.start()
        stop.wait()
    finally:
        if server is not None:
            logger.info("Stopping")
            server.stop()
        if ticker is not None:
            ticker.shutdown()
        database.dispose()
    return 0


def _assemble(args: argparse.Namespace, settings: Settings, deps: Deps, client):
    """The server and the scheduler's ticker (None without the scheduler)."""
    ticker = None
    if not args.no_scheduler:
        jobs = build_jobs(
            deps,
            client,
            catch_up=timedelta(hours=settings.scheduler_catch_up_hours),
            claim_timeout=timedelta(seconds=settings.scheduler_claim_timeout_seconds),
        )
        ticker = Ticker(jobs)
    health = Health(deps.db, ticker=ticker)
    app = _build_checked_app(
        deps, client, settings, socket_mode=not args.http, health=health
    )
    return _make_server(app, args, settings, health), ticker


def _connect_socket_mode(connection) -> None:
    from slack_sdk.errors import SlackApiError

    try:
        connection.serve()
    except (SlackApiError, OSError) as error:
        raise preflight.socket_mode_refused(error) from None


def _build_checked_app(
    deps: Deps, client, settings: Settings, *, socket_mode: bool, health: Health
):
    """Build the app, which checks the bot token with auth.test."""
    secret = settings.slack_signing_secret
    try:
        return build_app(
            deps,
            client=client,
            signing_secret=secret.get_secret_value() if secret else None,
            socket_mode=socket_mode,
            health=health,
        )
    except BoltError:
        raise ConfigError(
            "Slack refused SLACK_BOT_TOKEN (auth.test failed): copy the Bot User "
            "OAuth Token again from OAuth & Permissions, and check SLACK_API_URL."
        ) from None


def _make_server(app, args: argparse.Namespace, settings: Settings, health: Health):
    from bot.server import HttpServer, SocketModeConnection
    from handlers.shape import RequestScreen, in_shape

    if args.http:
        secret = settings.slack_signing_secret.get_secret_value()
        try:
            return HttpServer(
                app,
                host=args.host,
                port=args.port,
                health=health,
                screen=RequestScreen(secret),
            )
        except OSError as error:
            raise preflight.port_refused(args.host, args.port, error) from None
    return SocketModeConnection(
        app, app_token=settings.slack_app_token.get_secret_value(), in_shape=in_shape
    )


def _stop_on_signals(stop: threading.Event) -> None:
    def request_stop(signum, _frame) -> None:
        logger.info("Received %s", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)


def _export(args: argparse.Namespace) -> int:
    from bot.export import export_review

    settings = _configured()
    document = export_review(
        settings,
        args.incident,
        redact=args.redact,
        team_id=args.team,
        output=args.output,
    )
    if args.output is None:
        sys.stdout.write(document)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from bot import demo

    return demo.run_demo(args.file, verbose=args.verbose)


if __name__ == "__main__":
    sys.exit(main())
