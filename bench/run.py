"""`make bench`: run every benchmark script in bench/ (each module's ``main()``), one by one.

Each script builds its own data in its own database and prints its ratios against a baseline
measured in the same run, with the goal and MET / NOT MET. ``python bench/run.py NAME ...``
runs only the named scripts (file names without .py).
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent


def scripts(names: list[str]) -> list[str]:
    found = sorted(
        p.stem for p in BENCH.glob("*.py") if not p.stem.startswith("_") and p.stem != "run"
    )
    unknown = sorted(set(names) - set(found))
    if unknown:
        raise SystemExit(f"No benchmark named {', '.join(unknown)}; known: {', '.join(found)}")
    return [name for name in found if not names or name in names]


def main() -> int:
    failed = []
    for name in scripts(sys.argv[1:]):
        print(f"== bench/{name}.py", flush=True)
        began = time.monotonic()
        # A process per script: each sets up Django against its own database and settings.
        code = subprocess.call(
            [sys.executable, "-c", f"import bench.{name} as b; b.main()"], cwd=BENCH.parent
        )
        print(f"   ({time.monotonic() - began:.0f} s)", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"failed to run: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    importlib.invalidate_caches()
    sys.exit(main())
