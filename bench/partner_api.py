"""Partner API figures: ``POST /v1/messages`` accepted per second and the DynamoDB operations per accepted message
(key + rate limit, Idempotency-Key, opt-out check + accepted send; the enqueue is an SQS call), on the api
Lambda handler itself (functions/api/handler.py fed API Gateway REST proxy events, as AWS would) over moto.

Moto runs in its own process (its CPU is not the handler's). One tenant with a connected number and a key with
room for the run (the limiter's refusals are test_partner_keys.py's subject, not this one's). Phases:
- ``warm``: first requests of the container (the key is read once, the tenant's numbers once a minute);
- ``with Idempotency-Key`` and ``without``: N requests each, sequential, one container (a warm Lambda);
- ``4 threads``: the same with four concurrent callers on one process (a rough view of contention on the key's
  limiter item: every request updates it, so races cost a retry).

Run:  .venv/bin/python bench/partner_api.py [--n 300]
"""
from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import os
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _harness import count_dynamodb, provision_all, start_moto  # noqa: E402

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "bench")
for _var in ("AWS_ENDPOINT_URL", "BROKER_URL", "ALREA_BROKER_URL"):
    os.environ.pop(_var, None)


class Context:
    function_name = "alrea-api"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:alrea-api"
    aws_request_id = "bench"


def load_handler():
    spec = importlib.util.spec_from_file_location("bench_api_handler", ROOT / "functions" / "api" / "handler.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.handler


def call(handler, method: str, path: str, body: dict | None = None, headers: dict | None = None) -> tuple[int, dict]:
    from alrea.local.events import rest_event

    raw = json.dumps(body).encode() if body is not None else b""
    hdrs = [("Content-Type", "application/json"), *((headers or {}).items())]
    root = path.split("/")[1]
    event = rest_event(method=method, path=path, resource=f"/{root}/{{proxy+}}", headers=hdrs,
                       path_parameters={"proxy": path.removeprefix(f"/{root}/")}, body=raw)
    out = handler(event, Context())
    return out["statusCode"], json.loads(out["body"] or "null")


def setup(handler) -> dict[str, str]:
    """A tenant (signed up through the API), a connected number (store), a key with every messages scope."""
    from alrea.core.clock import iso, utcnow
    from alrea.domain import plans
    from alrea.domain.api_keys import Rate
    from alrea.domain.instances import Instance
    from alrea.store import instances

    plans.API_RATES["trial"] = Rate(per_minute=600_000, burst=10_000)  # room for the run
    status, body = call(handler, "POST", "/api/auth/signup", {
        "company": "Bench Partner", "name": "Ana", "email": f"bench.{uuid.uuid4().hex[:8]}@acme.com.br",
        "password": "Senha-Forte-123"})
    assert status == 201, body
    tid, admin = body["tenant"]["id"], {"Authorization": f"Bearer {body['access']}"}
    instances.create(Instance(tenant_id=tid, instance_id=str(uuid.uuid4()), name="Vendas",
                              evolution_name=f"bench-{uuid.uuid4().hex[:8]}", webhook_token="hook_" + uuid.uuid4().hex,
                              jwt_key="jwt-" + uuid.uuid4().hex, state="open", created_at=iso(utcnow())),
                     max_numbers=5, limit_message="limite")
    status, key = call(handler, "POST", "/api/api-keys", {"name": "bench", "scopes": ["messages:send"]}, admin)
    assert status == 201, key
    return {"Authorization": f"Bearer {key['secret']}"}


def phone(n: int) -> str:
    return f"+55119{(70_000_000 + n) % 10**8:08d}"


def run(handler, key: dict[str, str], n: int, *, idempotency: bool, threads: int = 1) -> dict:
    seq = iter(range(10**9))
    lock = threading.Lock()
    latencies: list[float] = []

    def one(_: int) -> None:
        with lock:
            i = next(seq)
        headers = {**key, **({"Idempotency-Key": f"bench-{uuid.uuid4().hex}"} if idempotency else {})}
        t0 = time.perf_counter()
        status, body = call(handler, "POST", "/v1/messages", {"to": phone(i), "text": f"Pedido {i} enviado"},
                            headers)
        elapsed = time.perf_counter() - t0
        assert status == 202, body
        with lock:
            latencies.append(elapsed)

    with count_dynamodb() as counter:
        t0, c0 = time.perf_counter(), time.process_time()  # this process only: moto runs in its own
        with ThreadPoolExecutor(threads, initializer=lambda: asyncio.set_event_loop(asyncio.new_event_loop())) as pool:
            list(pool.map(one, range(n)))
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    latencies.sort()
    return {"n": n, "per_s": n / wall, "p50_ms": 1000 * statistics.median(latencies),
            "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))], "cpu_ms": 1000 * cpu / n,
            "ops": counter.total_calls / n, "by_op": {k: v / n for k, v in sorted(counter.calls.items())}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=300)
    args = parser.parse_args()
    provision_all(start_moto(own_process=True))
    handler = load_handler()
    key = setup(handler)
    with count_dynamodb() as first:
        call(handler, "POST", "/v1/messages", {"to": phone(10**6), "text": "primeira"}, key)
    print(f"first request of the container: {first.total_calls} DynamoDB operations "
          f"({dict(first.calls)})")
    run(handler, key, 20, idempotency=True)  # warm the code paths
    rows = [("with Idempotency-Key", run(handler, key, args.n, idempotency=True)),
            ("without Idempotency-Key", run(handler, key, args.n, idempotency=False)),
            ("4 threads, with Idempotency-Key", run(handler, key, args.n, idempotency=True, threads=4))]
    print(f"\nPOST /v1/messages, {args.n} requests each (api handler in-process, moto in its own process)\n")
    print("| phase | accepted/s | p50 ms | p99 ms | api CPU ms | DynamoDB ops per accepted | by operation |")
    print("|---|---:|---:|---:|---:|---:|---|")
    for name, r in rows:
        ops = ", ".join(f"{k} {v:.2f}" for k, v in r["by_op"].items())
        print(f"| {name} | {r['per_s']:.0f} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['cpu_ms']:.1f} | "
              f"{r['ops']:.2f} | {ops} |")


if __name__ == "__main__":
    main()
