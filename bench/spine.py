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


API_COLD_IMPORT_GOAL_MS = 300

FIRST_REQUEST = """
import importlib.util, time
t0 = time.process_time()
spec = importlib.util.spec_from_file_location('h', {handler!r})
m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
t1 = time.process_time()
from fastapi.testclient import TestClient  # the test client's own import is not the handler's
client = TestClient(m.app.app)
t2 = time.process_time()
client.get({path!r})
print("FIGURES", (t1 - t0) * 1000, (time.process_time() - t2) * 1000)
"""


def cpu_ms(code: str, runs: int = 3) -> list[float]:
    """Median CPU milliseconds of each figure ``code`` prints on its ``FIGURES`` line, each run in a fresh
    interpreter."""
    env = {"PATH": "/usr/bin:/bin", "AWS_DEFAULT_REGION": "us-east-1", "POWERTOOLS_TRACE_DISABLED": "true",
           "POWERTOOLS_LOG_LEVEL": "ERROR", "PYTHONPATH": str(ROOT / "layers")}
    rows = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
        line = next(x for x in out.splitlines() if x.startswith("FIGURES "))  # logs may share stdout
        rows.append([float(x) for x in line.split()[1:]])
    return [statistics.median(col) for col in zip(*rows)]


def main() -> None:
    from alrea import registry

    print("== handler cold import (fresh interpreter, median of 3): wall ms (-X importtime) and CPU ms")
    print(f"{'function':<26}{'wall ms':>9}{'CPU ms':>8}   heaviest top-level imports (wall ms)")
    load = "import importlib.util,time;t=time.process_time();spec=importlib.util.spec_from_file_location('h',{f!r});" \
           "m=importlib.util.module_from_spec(spec);spec.loader.exec_module(m);print('FIGURES',(time.process_time()-t)*1000)"
    for fn in registry.FUNCTIONS:
        ms, heaviest = import_time_ms(fn.handler_file)
        (cpu,) = cpu_ms(load.format(f=str(fn.handler_file)))
        goal = f"  (goal ≤ {API_COLD_IMPORT_GOAL_MS})" if fn.name == "api" else ""
        print(f"{fn.name:<26}{ms:>9.0f}{cpu:>8.0f}   {heaviest}{goal}")
    import_time = {"fastapi + mangum alone": "import time;t=time.process_time();import fastapi,mangum;"
                                             "print('FIGURES',(time.process_time()-t)*1000)"}
    for label, code in import_time.items():
        (cpu,) = cpu_ms(code)
        print(f"{label:<26}{'':>9}{cpu:>8.0f}")

    print("\n== api: the routers load on the first request of their path prefix (CPU ms, fresh interpreter)")
    print(f"{'first request':<34}{'import':>8}{'first request':>15}")
    api = next(fn for fn in registry.FUNCTIONS if fn.name == "api")
    for path in ("/api/health", "/api/conversations", "/api/campaigns", "/api/contacts"):
        imported, first = cpu_ms(FIRST_REQUEST.format(handler=str(api.handler_file), path=path))
        print(f"GET {path:<30}{imported:>8.0f}{first:>15.0f}")

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
