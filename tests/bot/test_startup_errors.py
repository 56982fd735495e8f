"""What `pirbot` says when it cannot start: one sentence, exit code 2.

Each case is a setting or a circumstance an operator meets on a first
install (Slack out of reach, a port taken, a database that is not there),
run in-process through `bot.cli.main`.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot import cli
from slack_standin import SlackStandIn

BOT_TOKEN = "xoxb-startup-0000000000"
APP_TOKEN = "xapp-1-A0000STARTUP-1-0000000000"


@pytest.fixture
def environment(monkeypatch, tmp_path: Path) -> Path:
    """A clean environment in an empty folder (no .env of the checkout)."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "DATABASE_URL")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'pirbot.db'}")
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_APP_TOKEN", APP_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "startup-secret")
    return tmp_path


@pytest.fixture
def standin(monkeypatch, environment) -> Iterator[SlackStandIn]:
    with SlackStandIn() as standin:
        monkeypatch.setenv("SLACK_API_URL", standin.api_url)
        yield standin


def _refused(arguments: list[str], capsys) -> str:
    """Run pirbot; it must exit 2 with one line on stderr and no traceback."""
    assert cli.main(arguments) == cli.EXIT_CONFIG
    said = capsys.readouterr().err.strip()
    assert "Traceback" not in said
    (line,) = [line for line in said.splitlines() if line.startswith("pirbot: ")]
    return line


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_slack_out_of_reach_is_not_blamed_on_the_token(
    environment, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("SLACK_API_URL", f"http://127.0.0.1:{_closed_port()}/api/")

    said = _refused(["run", "--http", "--no-scheduler"], capsys)

    assert "Could not reach Slack" in said
    assert "refused SLACK_BOT_TOKEN" not in said


def test_a_slack_server_error_is_not_blamed_on_the_token(standin, capsys) -> None:
    standin.fail_next("auth.test", status=503, times=5)

    said = _refused(["run", "--http", "--no-scheduler"], capsys)

    assert "Slack answered auth.test with HTTP 503" in said


def test_a_refused_bot_token_names_the_variable(standin, capsys) -> None:
    standin.fail_next("auth.test", status=200, error="token_revoked")

    said = _refused(["run", "--http", "--no-scheduler"], capsys)

    assert "Slack refused SLACK_BOT_TOKEN (token_revoked)" in said


def test_a_refused_app_token_names_the_variable(standin, capsys) -> None:
    standin.fail_next("apps.connections.open", status=200, error="invalid_auth")

    said = _refused(["run", "--no-scheduler"], capsys)

    assert "Slack refused SLACK_APP_TOKEN (invalid_auth)" in said


def test_a_port_in_use_says_so(standin, capsys) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        said = _refused(
            ["run", "--http", "--no-scheduler", "--host", "127.0.0.1"]
            + ["--port", str(port)],
            capsys,
        )

    assert f"Could not listen on 127.0.0.1:{port}" in said
    assert "--port" in said


@pytest.mark.parametrize("port", ["99999", "0", "http"])
def test_a_port_out_of_range_is_a_usage_error(environment, port, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["run", "--http", "--port", port])

    assert exited.value.code == 2
    assert "is not a port from 1 to 65535" in capsys.readouterr().err


def test_a_database_out_of_reach_is_one_sentence(
    environment, monkeypatch, capsys
) -> None:
    url = f"postgresql://pirbot@127.0.0.1:{_closed_port()}/pirbot"
    monkeypatch.setenv("DATABASE_URL", url)

    said = _refused(["db", "upgrade"], capsys)

    assert "Could not open the database of DATABASE_URL" in said


@pytest.mark.parametrize("command", [["metrics"], ["export", "C07INC12345"]])
def test_reading_commands_do_not_create_a_database_where_there_is_none(
    environment, monkeypatch, command, capsys
) -> None:
    missing = environment / "elsewhere" / "pirbot.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{missing}")

    said = _refused(command, capsys)

    assert f"There is no database at {missing}" in said
    assert not missing.exists()


@pytest.mark.parametrize(
    ("variable", "token", "kind"),
    [
        ("SLACK_BOT_TOKEN", "xoxp-1111-2222-3333-abcdef", "a user token"),
        ("SLACK_APP_TOKEN", "xoxb-1111-2222-abcdefgh", "a bot token"),
    ],
)
def test_a_token_of_the_wrong_kind_says_which_kind_it_is(
    environment, monkeypatch, variable, token, kind, capsys
) -> None:
    monkeypatch.setenv(variable, token)

    said = _refused(["run", "--no-scheduler"], capsys)

    assert f"{variable} holds {kind}" in said


@pytest.mark.parametrize(
    "url", ["mysql://pirbot@db/pirbot", "postgresql+asyncpg://pirbot@db/pirbot", "x"]
)
def test_a_database_pirbot_cannot_use_is_one_sentence(
    environment, monkeypatch, url, capsys
) -> None:
    monkeypatch.setenv("DATABASE_URL", url)

    said = _refused(["db", "upgrade"], capsys)

    assert "DATABASE_URL is not a database pirbot can use" in said


def test_a_file_that_is_not_a_database_is_left_as_it_is(
    environment, monkeypatch, capsys
) -> None:
    notes = environment / "notes.db"
    notes.write_text("not a database", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{notes}")

    said = _refused(["metrics"], capsys)

    assert "file is not a database" in said
    assert notes.read_text(encoding="utf-8") == "not a database"


def test_a_host_that_is_not_this_machines_is_named(standin, capsys) -> None:
    said = _refused(
        ["run", "--http", "--no-scheduler", "--host", "not a host", "--port", "3999"],
        capsys,
    )

    assert "--host must be an address of this machine" in said
