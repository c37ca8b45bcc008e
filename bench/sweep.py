"""Review-SLA sweep: milliseconds per due row with 10k open rows, then with 1M open rows.

The same number of due rows is swept at each size; the open rows that are not due must cost
nothing (the partial index reads only due rows). Goals: <= 5 ms per due row, and the 1M
figure <= 1.2x the 10k one. BENCH_ROWS sets the large size (default 1,000,000).
"""

from __future__ import annotations

import os
import time

try:
    from bench._common import report, setup_django
except ImportError:  # run as a script: python bench/sweep.py
    from _common import report, setup_django

SMALL = 10_000
DUE = 300
WARMUP = 5
GOAL_MS = 5.0
GOAL_RATIO = 1.2


def main() -> None:
    setup_django()
    from bench import _seed
    from rma import tasks

    large = int(os.environ.get("BENCH_ROWS", "1000000"))
    vendor = _seed.vendor("sweep")
    _seed.agent(vendor, "agent-sweep")  # the breach emails go to the vendor's agents

    def sweep_ms_per_row(start: int) -> float:
        _seed.returns(vendor, DUE, start=start, due=True)
        began = time.perf_counter()
        moved = tasks.sweep_review_sla()
        elapsed = (time.perf_counter() - began) * 1000
        assert moved == DUE, moved
        return elapsed / DUE

    # A first sweep in a process imports the URL configuration and the holiday calendars (about
    # 2 s, once per worker process, not per row): sweep a few rows first so that both figures
    # are the steady cost per row.
    _seed.returns(vendor, WARMUP, start=0, due=True)
    began = time.perf_counter()
    assert tasks.sweep_review_sla() == WARMUP
    print(f"warm-up sweep of {WARMUP} rows: {time.perf_counter() - began:.1f} s", flush=True)
    _seed.returns(vendor, SMALL, start=WARMUP)
    at_small = sweep_ms_per_row(SMALL + WARMUP)
    seconds = _seed.returns(vendor, large - SMALL, start=SMALL + WARMUP + DUE)
    print(f"seeded {large - SMALL:,} more open return requests in {seconds:.0f} s", flush=True)
    at_large = sweep_ms_per_row(large + WARMUP + DUE)
    report(
        f"sweep ms per due row, {SMALL:,} open rows",
        at_small / GOAL_MS,
        f"<= 1 ({GOAL_MS} ms)",
        at_small <= GOAL_MS,
        f"{at_small:.1f} ms per row",
    )
    report(
        f"sweep ms per due row, {large:,} vs {SMALL:,} open rows",
        at_large / at_small,
        f"<= {GOAL_RATIO}x",
        at_large / at_small <= GOAL_RATIO and at_large <= GOAL_MS,
        f"{at_large:.1f} ms vs {at_small:.1f} ms per row",
    )


if __name__ == "__main__":
    main()
