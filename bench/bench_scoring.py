"""Scoring throughput, single core: `python bench/bench_scoring.py [--n 100000]`.

Generates seeded synthetic responses (about 5% of items skipped) per instrument, then times only
the scoring calls with time.perf_counter."""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scoring  # noqa: E402
from scoring.definitions import shipped_definition  # noqa: E402

SKIP_RATE = 0.05
SEED = 20260101

Case = tuple[dict[str, Any], dict[str, Any]]


def _numeric(code: str, n: int, rng: random.Random) -> list[Case]:
    definition = shipped_definition(code)
    values = [option.value for option in definition.options]
    keys = [str(item.number) for item in definition.items]
    return [
        ({key: rng.choice(values) for key in keys if rng.random() >= SKIP_RATE}, {})
        for _ in range(n)
    ]


def _asq(n: int, rng: random.Random) -> list[Case]:
    definition = shipped_definition("asq_se2")
    values = [option.value for option in definition.options]
    cases: list[Case] = []
    for _ in range(n):
        interval = rng.choice(definition.intervals)
        keys = [str(item.number) for item in interval.items]
        answers = {key: rng.choice(values) for key in keys if rng.random() >= SKIP_RATE}
        concerns = {int(key) for key in keys if rng.random() < SKIP_RATE}
        overall = {
            q.id: rng.choice(["yes", "no", None]) for q in interval.overall if q.kind == "yes_no"
        }
        cases.append(
            (answers, {"interval": interval.months, "concerns": concerns, "overall": overall})
        )
    return cases


GENERATORS: dict[str, Callable[[int, random.Random], list[Case]]] = {
    "prfq": lambda n, rng: _numeric("prfq", n, rng),
    "mors_sf": lambda n, rng: _numeric("mors_sf", n, rng),
    "asq_se2": _asq,
}


def run(n: int) -> dict[str, float]:
    rates: dict[str, float] = {}
    for code, generate in GENERATORS.items():
        cases = generate(n, random.Random(SEED))
        score = scoring.score
        first_answers, first_context = cases[0]
        score(code, first_answers, **first_context)  # load and compile the definition untimed
        start = time.perf_counter()
        for answers, context in cases:
            score(code, answers, **context)
        elapsed = time.perf_counter() - start
        rates[code] = n / elapsed
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000, help="responses per instrument")
    args = parser.parse_args()
    for code, rate in run(args.n).items():
        print(f"{code:8} {rate:>12,.0f} responses/s  ({args.n:,} responses)")


if __name__ == "__main__":
    main()
