"""Each benchmark still runs: a quick run of every `bench/bench_*.py`.

Speed is not checked here (benchmarks print figures, they do not judge
them in a test); only that each one runs to the end and prints a table
whose figures are numbers.
"""

from __future__ import annotations

import importlib
import re

import pytest

from bench.__main__ import available

pytestmark = pytest.mark.e2e


def test_every_benchmark_module_is_found() -> None:
    assert {"ack", "capture", "memory", "scale", "time_extraction"} <= set(available())


@pytest.mark.parametrize("name", available())
def test_quick_run_prints_figures(name: str, capsys) -> None:
    module = importlib.import_module(f"bench.bench_{name}")

    code = module.main(["--quick"])

    printed = capsys.readouterr().out
    if "needs PostgreSQL; not run" in printed:
        pytest.skip(f"bench_{name} needs PostgreSQL, which is not reachable here")
    assert code == 0
    rows = [line for line in printed.splitlines() if line.startswith("| ")]
    body = [row for row in rows[1:] if not row.startswith("| ---")]
    assert body, f"bench_{name} printed no table:\n{printed}"
    assert any(re.search(r"\| \d[\d,.]* \|", row) for row in body), printed
    assert "nan" not in printed


def test_scale_bench_has_the_digest_metrics_and_search_cases_with_targets() -> None:
    from bench.bench_scale import CASES

    targets = {case.name: case.target_ms for case in CASES}
    assert len(targets) == len(CASES)
    digest = [name for name in targets if name.startswith("digest tick")]
    metrics = [name for name in targets if name.startswith("metrics")]
    search = [name for name in targets if name.startswith("/pir search")]
    assert len(digest) == 3 and len(metrics) == 2 and len(search) == 2
    # The digest with Slack's answers has no target: they are Slack's time.
    assert [targets[name] for name in digest] == [None, 250, 250]
    without_slack = [case for case in CASES if case.without_slack]
    assert [case.target_ms for case in without_slack] == [250]
    assert {targets[name] for name in metrics} == {500}
    assert {targets[name] for name in search} == {200}


def test_ack_bench_sends_a_review_section_submission() -> None:
    from bench import bare_app
    from bench.bench_ack import KINDS
    from handlers.ids import View

    assert "section submission" in KINDS
    assert View.REVIEW_SECTION.value == bare_app.SECTION_VIEW
