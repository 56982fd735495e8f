"""Benchmarks: each `bench_<name>.py` has `main(argv) -> int` that prints its
figures and, where there is one, a baseline measured in the same run and the
ratio to it. `python -m bench [names] [--quick]` runs them. They are not
tests: nothing here fails on a slow figure, and pytest does not collect it.
"""
