"""Spine figures: cold import time of every registered handler, and DynamoDB work per sign-up / login.

Run: .venv/bin/python bench/spine.py   (prints a table; docs/BENCHMARKS.md records the figures)
"""
from __future__ import annotations

import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _harness import count_dynamodb, provision_all, start_moto  # noqa: E402


def import_time_ms(handler_file: Path, runs: int = 3) -> tuple[float, str]:
    """Median cumulative import time (python -X importtime) of one handler module, cold process each run."""
    totals, heaviest = [], ""
    code = ("import importlib.util,sys;"
            f"spec=importlib.util.spec_from_file_location('h',{str(handler_file)!r});"
            "m=importlib.util.module_from_spec(spec);spec.loader.exec_module(m)")
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-X", "importtime", "-c", code], capture_output=True, text=True,
                             env={"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "us-east-1",
                                  "POWERTOOLS_TRACE_DISABLED": "true"}, check=True).stderr
        rows = [m.groups() for m in re.finditer(r"import time:\s+\d+ \|\s+(\d+) \|(\s*)(\S+)", out)]
        top = [(int(cum), name) for cum, indent, name in rows if len(indent) == 1]
        totals.append(sum(cum for cum, _ in top) / 1000)
        heaviest = ", ".join(f"{name} {cum / 1000:.0f}" for cum, name in sorted(top, reverse=True)[:3])
    return statistics.median(totals), heaviest


def main() -> None:
    from alrea import registry

    print("== handler import time (cold interpreter, median of 3, ms)")
    print(f"{'function':<26}{'import ms':>10}   heaviest top-level imports (ms)")
    for fn in registry.FUNCTIONS:
        ms, heaviest = import_time_ms(fn.handler_file)
        print(f"{fn.name:<26}{ms:>10.0f}   {heaviest}")

    url = start_moto()
    provision_all(url)
    from alrea.services import auth

    print("\n== DynamoDB work per auth operation (moto over HTTP)")
    print(f"{'operation':<12}{'API calls':>10}{'items read':>12}{'items written':>15}   calls")
    for name, action in (
        ("signup", lambda i: auth.signup(f"Empresa {i}", "Ana", f"ana{i}@bench.dev", "s3nha-forte!")),
        ("login", lambda i: auth.login(f"ana{i}@bench.dev", "s3nha-forte!")),
    ):
        with count_dynamodb() as counter:
            for i in range(5):
                action(i)
        n = 5
        calls = ", ".join(f"{op}×{c / n:g}" for op, c in sorted(counter.calls.items()))
        print(f"{name:<12}{counter.total_calls / n:>10g}{counter.items_read / n:>12g}"
              f"{counter.items_written / n:>15g}   {calls}")
    tokens = auth.login("ana0@bench.dev", "s3nha-forte!")
    with count_dynamodb() as counter:
        auth.refresh(tokens.refresh)
    print(f"{'refresh':<12}{counter.total_calls:>10g}{counter.items_read:>12g}{counter.items_written:>15g}   "
          + ", ".join(f"{op}×{c}" for op, c in sorted(counter.calls.items())))


if __name__ == "__main__":
    main()
