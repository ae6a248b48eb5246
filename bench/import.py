"""Contacts CSV import through the local runtime: API → presigned PUT to S3 → S3 event → contacts_import queue →
poller → handler → DynamoDB. Prints rows/s and the memory the import added to the runtime process.

    .venv/bin/python bench/import.py                 # 100,000 rows, the embedded moto in its own process
    .venv/bin/python bench/import.py --rows 20000    # a smaller run, to compare memory (flat = same peak)
    .venv/bin/python bench/import.py --moto inproc   # moto inside the runtime process (slower: one GIL)

Memory: the runtime's resident set (VmRSS) is sampled every 50 ms during the import; "peak added" is the
highest sample minus the RSS just before the upload. With moto in its own process, the emulator's growing
table does not count against the runtime.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import free_port, start_moto  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class RssSampler(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = rss_mb()
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.05):
            self.peak = max(self.peak, rss_mb())


def sign_in(base: str) -> dict[str, str]:
    from alrea.local import seed

    login = httpx.post(base + "/api/auth/login", json={"email": seed.ADMIN_EMAIL, "password": seed.demo_password()})
    login.raise_for_status()
    return {"Authorization": f"Bearer {login.json()['access']}"}


def make_csv(rows: int) -> bytes:
    """Realistic rows: name, phone in assorted formats, e-mail, tags; ~2 % invalid phones, ~1 % repeats."""
    rng = random.Random(7)
    out = ["nome;telefone;email;etiquetas"]
    formats = ["(11) 9{a:04d}-{b:04d}", "11 9{a:04d}{b:04d}", "+55 11 9{a:04d}-{b:04d}", "5511 9{a:04d} {b:04d}"]
    for i in range(rows):
        a, b = 1000 + i // 10_000, i % 10_000
        if rng.random() < 0.02:
            phone = f"12{i}"
        elif rng.random() < 0.01 and i > 0:
            phone = formats[0].format(a=1000 + (i - 1) // 10_000, b=(i - 1) % 10_000)
        else:
            phone = rng.choice(formats).format(a=a, b=b)
        tags = rng.choice(["clientes", "clientes,vip", "leads", ""])
        out.append(f"Pessoa {i};{phone};p{i}@exemplo.com.br;{tags}")
    return ("\r\n".join(out) + "\r\n").encode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--moto", choices=("subprocess", "inproc"), default="subprocess")
    args = parser.parse_args()

    for name in [k for k in os.environ if k.startswith(("ALREA_", "AWS_ENDPOINT_URL"))]:
        os.environ.pop(name)
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
    if args.moto == "subprocess":
        start_moto(own_process=True)

    from alrea.local.runtime import LocalRuntime, RuntimeOptions
    from alrea.store.tenants import set_limits

    data = make_csv(args.rows)
    with LocalRuntime(RuntimeOptions(port=free_port(), spa_dir=None, simulator=False, poll_wait_s=0.2)) as rt:
        base = rt.base_url
        headers = sign_in(base)
        tid = rt.demo.tenant_id if rt.demo else None
        set_limits(tid, max_contacts=10_000_000)
        created = httpx.post(base + "/api/contacts/imports", headers=headers,
                             json={"file_name": "bench.csv", "size": len(data), "mapping": None}).json()
        before = rss_mb()
        sampler = RssSampler()
        sampler.start()
        started = time.monotonic()
        httpx.put(created["upload_url"], content=data, timeout=120).raise_for_status()
        while True:
            answer = httpx.get(f"{base}/api/contacts/imports/{created['import_id']}", headers=headers)
            if answer.status_code == 401:  # a long import outlives the 15-minute access token
                headers = sign_in(base)
                continue
            answer.raise_for_status()
            status = answer.json()
            if status["status"] in ("done", "failed"):
                break
            time.sleep(0.5)
        elapsed = time.monotonic() - started
        sampler.stop.set()
        sampler.join()

    counts = status["counts"]
    print(f"rows: {args.rows:,}  file: {len(data) / 1e6:.1f} MB  moto: {args.moto}")
    print(f"status: {status['status']}  imported: {counts['imported']:,}  failed: {counts['failed']:,}  "
          f"reasons: {status['reasons']}")
    print(f"elapsed: {elapsed:.1f} s  (upload + S3 event + queue + handler)")
    print(f"throughput: {args.rows / elapsed:,.0f} rows/s")
    print(f"runtime RSS: {before:.0f} MB before, peak +{sampler.peak - before:.0f} MB during the import")


if __name__ == "__main__":
    main()
