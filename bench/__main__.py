"""`python -m bench [name ...] [--quick]`: run every benchmark, or the named ones.

A name is a module `bench/bench_<name>.py`; each prints its own figures.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bench.common import machine, print_table, print_title

PREFIX = "bench_"


def available() -> list[str]:
    """The benchmark names, in the order they run."""
    folder = str(Path(__file__).parent)
    return sorted(
        module.name.removeprefix(PREFIX)
        for module in pkgutil.iter_modules([folder])
        if module.name.startswith(PREFIX)
    )


def main(argv: Sequence[str] | None = None) -> int:
    names = available()
    arguments = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    arguments.add_argument(
        "names", nargs="*", metavar="name", help=f"any of: {', '.join(names)}"
    )
    arguments.add_argument(
        "--quick", action="store_true", help="a few iterations of each only"
    )
    options = arguments.parse_args(argv)
    unknown = sorted(set(options.names) - set(names))
    if unknown:
        arguments.error(f"no benchmark named {', '.join(unknown)}")

    print_title("Machine")
    print_table(["what", "value"], list(machine().items()))
    failed = []
    for name in options.names or names:
        module = importlib.import_module(f"bench.{PREFIX}{name}")
        started = time.monotonic()
        code = module.main(["--quick"] if options.quick else [])
        print(f"\n({name} took {time.monotonic() - started:.0f} s)")
        if code:
            failed.append(name)
    if failed:
        print(f"\nBenchmarks that did not run to the end: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
