"""`make bench`: speed figures, measured on this machine, printed one a line as
`bench: <name>: <value> <unit>`. Not tests: nothing here fails a build.

Each `bench/bench_*.py` module defines `run() -> None` and prints its own figures with `report`.
They run in a database of their own (EMBEDDED_DB_NAME=talentpool_bench, or BENCH_DATABASE_URL),
so the demo data of `make run` is left alone."""

from __future__ import annotations

import sys


def report(name: str, value: float, unit: str) -> None:
    if isinstance(value, float):
        text = f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    else:
        text = str(value)
    print(f"bench: {name}: {text} {unit}", flush=True)
    sys.stdout.flush()
