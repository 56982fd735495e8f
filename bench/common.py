"""What the benchmarks share: percentiles, printing, databases, the machine."""

from __future__ import annotations

import argparse
import os
import platform
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy

from store.db import Database, normalise_url

POSTGRES_URL = os.environ.get(
    "PIRBOT_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("PIRBOT_REQUIRE_POSTGRES") == "1"
REPO = Path(__file__).resolve().parent.parent


def parser(description: str) -> argparse.ArgumentParser:
    """An argument parser with the options every benchmark takes."""
    arguments = argparse.ArgumentParser(description=description)
    arguments.add_argument(
        "--quick",
        action="store_true",
        help="a few iterations only: checks that the benchmark runs",
    )
    return arguments


# -- figures -----------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (0.5 for p50, 0.99 for p99)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.5)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Spread:
    """p50, p99 and the mean of one series, in milliseconds."""

    count: int
    p50: float
    p99: float
    mean: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Spread:
        millis = [value * 1000 for value in seconds]
        return cls(
            count=len(millis),
            p50=percentile(millis, 0.50),
            p99=percentile(millis, 0.99),
            mean=statistics.fmean(millis) if millis else float("nan"),
        )


def ratio(value: float, baseline: float) -> str:
    if not baseline or baseline != baseline:
        return "n/a"
    return f"{value / baseline:.2f}x"


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def print_title(title: str) -> None:
    print()
    print(title)
    print("=" * len(title))


def print_table(header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A Markdown table, so that figures paste into BENCHMARKS.md as they are."""
    cells = [[_cell(value) for value in row] for row in rows]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(" --- " for _ in header) + "|")
    for row in cells:
        print("| " + " | ".join(row) + " |")
    sys.stdout.flush()


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


# -- databases ---------------------------------------------------------------


def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used, or None when it can."""
    try:
        engine = sqlalchemy.create_engine(normalise_url(POSTGRES_URL))
        with engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
        engine.dispose()
    except Exception as error:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL at {POSTGRES_URL} is not reachable ({type(error).__name__})"
    return None


class PostgresMissing(Exception):
    """PostgreSQL is required (PIRBOT_REQUIRE_POSTGRES=1) but not reachable."""


def database_kinds(kinds: Sequence[str] = ("sqlite", "postgres")) -> list[str]:
    """The kinds to run on: PostgreSQL is left out, with a note, where it
    cannot be reached, unless PIRBOT_REQUIRE_POSTGRES=1."""
    if "postgres" not in kinds:
        return list(kinds)
    problem = postgres_problem()
    if problem is None:
        return list(kinds)
    if REQUIRE_POSTGRES:
        raise PostgresMissing(f"{problem}, and PIRBOT_REQUIRE_POSTGRES=1")
    print(f"(PostgreSQL left out: {problem})")
    return [kind for kind in kinds if kind != "postgres"]


@contextmanager
def fresh_database(kind: str) -> Iterator[Database]:
    """An empty, migrated database of `kind` ("sqlite" or "postgres"),
    removed afterwards. PostgreSQL gets a schema of its own."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="pirbot-bench-") as folder:
            database = Database(f"sqlite:///{Path(folder) / 'bench.db'}")
            database.upgrade()
            try:
                yield database
            finally:
                database.dispose()
        return

    schema = f"pirbot_bench_{uuid.uuid4().hex[:10]}"
    admin = sqlalchemy.create_engine(normalise_url(POSTGRES_URL))
    with admin.begin() as connection:
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in POSTGRES_URL else "?"
    url = f"{normalise_url(POSTGRES_URL)}{separator}options=-csearch_path%3D{schema}"
    database = Database(url)
    try:
        database.upgrade()
        yield database
    finally:
        database.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f'DROP SCHEMA "{schema}" CASCADE')
        admin.dispose()


# -- processes ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the process exited early with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listened on port {port} within {timeout} s")


def environment(**values: str) -> dict[str, str]:
    """This process's environment without Slack variables, plus `values`."""
    keep = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    keep.update(values)
    return keep


def resident_kib(pid: int) -> tuple[int, int]:
    """(resident, peak resident) memory of a process in KiB, from /proc."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        fields[name] = value.strip()
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


# -- the machine -------------------------------------------------------------


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    facts = {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "postgresql": "not reachable",
    }
    if postgres_problem() is None:
        engine = sqlalchemy.create_engine(normalise_url(POSTGRES_URL))
        with engine.connect() as connection:
            facts["postgresql"] = connection.exec_driver_sql(
                "SHOW server_version"
            ).scalar()
        engine.dispose()
    return facts


SIGNING_SECRET = "pirbot-bench-signing-secret"
PIRBOT_TOKEN = "xoxb-bench-pirbot-0000"


def start_pirbot(
    *,
    port: int,
    database_url: str,
    api_url: str,
    folder: Path,
    scheduler: bool = True,
    log_level: str = "warning",
) -> subprocess.Popen:
    """`pirbot run --http` as a real process, its Web API on `api_url`."""
    command = [sys.executable, "-m", "bot.cli", "run", "--http"]
    command += ["--host", "127.0.0.1", "--port", str(port)]
    if not scheduler:
        command.append("--no-scheduler")
    log_path = folder / f"pirbot-{port}.log"
    with log_path.open("w") as log:
        process = _popen(
            command,
            folder,
            log,
            SLACK_BOT_TOKEN=PIRBOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=api_url,
            DATABASE_URL=database_url,
            LOG_LEVEL=log_level,
        )
    process.log_path = log_path  # type: ignore[attr-defined]
    wait_for_port(port, process)
    return process


def start_bare_app(*, port: int, api_url: str, folder: Path) -> subprocess.Popen:
    """The bare Bolt app of bench/bare_app.py as a real process."""
    log_path = folder / f"bare-{port}.log"
    command = [sys.executable, "-m", "bench.bare_app", "--port", str(port)]
    command += ["--api-url", api_url, "--secret", SIGNING_SECRET]
    with log_path.open("w") as log:
        process = _popen(command, folder, log)
    process.log_path = log_path  # type: ignore[attr-defined]
    wait_for_port(port, process)
    return process


def _popen(command: list[str], folder: Path, log, **variables: str):
    return subprocess.Popen(
        command,
        cwd=folder,
        env=environment(PYTHONPATH=str(REPO), **variables),
        stdout=subprocess.DEVNULL,
        stderr=log,
    )


def stop_process(process: subprocess.Popen, timeout: float = 15) -> str:
    """Stop a process started here with SIGTERM (then SIGKILL); its log."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    log_path = getattr(process, "log_path", None)
    return log_path.read_text(errors="replace") if log_path else ""
