"""Inbound webhook figures on the local runtime: ingest and end-to-end throughput, webhook → WebSocket latency,
and DynamoDB work per inbound message.

Starts LocalRuntime in-process (embedded moto; SQS, or RabbitMQ with --broker), logs in the demo tenant's admin
and connects one WebSocket client, then POSTs N realistic ``messages.upsert`` webhooks (built with the
simulator's payload builders: unique WhatsApp ids, a few dozen chats) to the demo number's webhook URL with
its ``jwt_key`` Bearer JWT, concurrently. Latency = POST sent → ``message_received`` on the socket, matched by
message id. DynamoDB work is counted on botocore's client (what AWS would bill), per function (thread).

Run:  .venv/bin/python bench/webhooks.py [--n 500] [--chats 40] [--concurrency 8]
      .venv/bin/python bench/webhooks.py --broker amqp://guest:guest@127.0.0.1:5672/
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import threading
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _harness import DynamoCounter, start_moto  # noqa: E402

os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "ERROR")
os.environ.setdefault("POWERTOOLS_TRACE_DISABLED", "true")
for _var in ("AWS_ENDPOINT_URL", "BROKER_URL", "ALREA_BROKER_URL"):  # the runtime starts its own moto
    os.environ.pop(_var, None)


class HandlerCpu:
    """Process CPU time of each function's handler code (``time.thread_time`` around every invocation, in the
    thread that runs it). With moto in its own process this excludes the emulator; it includes the client side
    of every call (botocore serialization, HTTP), as a Lambda's billed duration would."""

    def __init__(self, profile: str | None = None) -> None:
        import cProfile

        self.profile_fn = profile
        self.profiler = cProfile.Profile(time.thread_time) if profile else None  # CPU, not waiting
        self.cpu_s: dict[str, float] = defaultdict(float)
        self.invocations: dict[str, int] = defaultdict(int)
        self.lock = threading.Lock()
        self._original = None

    def __enter__(self) -> HandlerCpu:
        from alrea.local.runtime import Invoker

        self._original = original = Invoker.__call__
        outer = self

        def timed(invoker, fn, event):
            profiler = outer.profiler if fn.name == outer.profile_fn else None
            started = time.thread_time()
            if profiler is not None:
                profiler.enable()
            try:
                return original(invoker, fn, event)
            finally:
                if profiler is not None:
                    profiler.disable()
                spent = time.thread_time() - started
                with outer.lock:
                    outer.cpu_s[fn.name] += spent
                    outer.invocations[fn.name] += 1

        Invoker.__call__ = timed
        return self

    def __exit__(self, *exc: object) -> None:
        from alrea.local.runtime import Invoker

        Invoker.__call__ = self._original


GOAL_CALLS, GOAL_CPU_MS = 6.0, 5.0  # per inbound message, every function together (issue 12)


class PerFunctionDynamo:
    """DynamoDB calls grouped by the thread that made them: ``poller-<function>`` threads run queue functions;
    everything else is the gateway (webhook_ingest, WebSocket $connect)."""

    def __init__(self) -> None:
        self.by_group: dict[str, DynamoCounter] = defaultdict(DynamoCounter)
        self.lock = threading.Lock()
        self._original = None

    def __enter__(self) -> PerFunctionDynamo:
        import botocore.client

        self._original = original = botocore.client.BaseClient._make_api_call
        outer = self

        def counting(client, operation_name, api_params):
            response = original(client, operation_name, api_params)
            if client.meta.service_model.service_name == "dynamodb":
                name = threading.current_thread().name
                group = name[len("poller-"):] if name.startswith("poller-") else "gateway (webhook_ingest)"
                with outer.lock:
                    outer.by_group[group].record(operation_name, api_params, response)
            return response

        botocore.client.BaseClient._make_api_call = counting
        return self

    def __exit__(self, *exc: object) -> None:
        import botocore.client

        botocore.client.BaseClient._make_api_call = self._original


def build_webhooks(sim, evolution_name: str, webhook_url: str, n: int, chats: int) -> list[tuple[str, bytes]]:
    from alrea.simulator import payloads as p

    inst = sim.state.instance(evolution_name)
    phones = [f"55119{7000_0000 + i * 7919:08d}" for i in range(chats)]
    now = int(time.time())
    out = []
    for i in range(n):
        phone = phones[i % chats]
        text = f"Mensagem {i}: quero saber o preço do pedido {1000 + i}" if i % 3 else f"Oi! ({i})"
        data = p.inbound_message(inst.instance_id, f"{phone}@s.whatsapp.net", p.text_content(text), "conversation",
                                 f"Cliente {phone[-4:]}", now=now + i // 50)
        body = p.envelope("messages.upsert", evolution_name, data, webhook_url, sim.url, inst.wuid)
        out.append((data["key"]["id"], json.dumps(body).encode()))
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def run(rt, n: int, chats: int, concurrency: int, timeout_s: float) -> dict:
    import httpx
    import jwt
    import websockets

    from alrea.local.seed import ADMIN_EMAIL, demo_password
    from alrea.services import instances as instance_service
    from alrea.store import instances

    async with httpx.AsyncClient(base_url=rt.base_url, timeout=30) as http:
        login = await http.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": demo_password()})
        login.raise_for_status()
    token = login.json()["access"]
    instance = next(i for i in instances.list_instances(rt.demo.tenant_id) if i.evolution_name == rt.demo_number)
    url = instance_service.webhook_url(instance)
    hooks = build_webhooks(rt.simulator, instance.evolution_name, url, n, chats)
    wanted = {wamid for wamid, _ in hooks}
    sent_at: dict[str, float] = {}
    received_at: dict[str, float] = {}
    now = int(time.time())
    bearer = "Bearer " + jwt.encode({"iat": now, "exp": now + 3600, "app": "evolution", "action": "webhook"},
                                    instance.jwt_key, algorithm="HS256")
    headers = {"Content-Type": "application/json", "User-Agent": "axios/1.7.9", "Authorization": bearer}
    all_received = asyncio.Event()

    async with websockets.connect(f"{rt.ws_url}?token={token}", max_size=2**22) as ws:
        await ws.send(json.dumps({"action": "ping"}))
        assert json.loads(await ws.recv())["type"] == "pong"

        async def listen() -> None:
            async for frame in ws:
                event = json.loads(frame)
                if event.get("type") == "message_received":
                    wamid = event["message"]["id"]
                    if wamid in wanted and wamid not in received_at:
                        received_at[wamid] = time.monotonic()
                        if len(received_at) == len(wanted):
                            all_received.set()

        listener = asyncio.create_task(listen())
        statuses: dict[int, int] = defaultdict(int)
        gate = asyncio.Semaphore(concurrency)
        limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
        async with httpx.AsyncClient(timeout=30, limits=limits) as client:

            async def post(wamid: str, body: bytes) -> None:
                async with gate:
                    sent_at[wamid] = time.monotonic()
                    r = await client.post(url, content=body, headers=headers)
                    statuses[r.status_code] += 1

            started = time.monotonic()
            await asyncio.gather(*(post(w, b) for w, b in hooks))
            ingested = time.monotonic()
        try:
            await asyncio.wait_for(all_received.wait(), timeout_s)
        except TimeoutError:
            pass
        finished = time.monotonic()
        listener.cancel()

    latencies = [received_at[w] - sent_at[w] for w in received_at]
    last = max(received_at.values()) if received_at else finished
    return {"n": n, "statuses": dict(statuses), "ingest_s": ingested - started, "e2e_s": last - started,
            "received": len(received_at), "latencies": latencies}


def report(label: str, result: dict, dynamo: PerFunctionDynamo, cpu: HandlerCpu) -> None:
    n, lat = result["n"], result["latencies"]
    print(f"\n== {label}: {n} messages.upsert webhooks")
    print(f"accepted (HTTP status counts)      {result['statuses']}")
    print(f"ingest throughput                  {n / result['ingest_s']:8.1f} webhooks/s  ({result['ingest_s']:.1f} s)")
    print(f"end-to-end (stored + pushed)       {result['received'] / result['e2e_s']:8.1f} messages/s  "
          f"({result['received']}/{n} on the socket in {result['e2e_s']:.1f} s)")
    if lat:
        print(f"webhook -> WebSocket latency       p50 {percentile(lat, .5) * 1000:7.0f} ms   "
              f"p99 {percentile(lat, .99) * 1000:7.0f} ms   max {max(lat) * 1000:7.0f} ms")
    print("\nDynamoDB per inbound message (API calls / items read / items written), by function:")
    total = DynamoCounter()
    for group, counter in sorted(dynamo.by_group.items()):
        ops = ", ".join(f"{op} {count / n:.2f}" for op, count in sorted(counter.calls.items()))
        print(f"  {group:<30}{counter.total_calls / n:6.2f} /{counter.items_read / n:6.2f} /"
              f"{counter.items_written / n:6.2f}   [{ops}]")
        total.calls.update(counter.calls)
        total.items_read += counter.items_read
        total.items_written += counter.items_written
    print(f"  {'total':<30}{total.total_calls / n:6.2f} /{total.items_read / n:6.2f} /{total.items_written / n:6.2f}")
    print("\nHandler CPU per inbound message (ms, thread CPU time of the handler, moto excluded when in its own "
          "process), by function:")
    cpu_total = 0.0
    for name, spent in sorted(cpu.cpu_s.items()):
        print(f"  {name:<30}{spent * 1000 / n:7.2f} ms   ({cpu.invocations[name]} invocations)")
        cpu_total += spent
    calls, cpu_ms = total.total_calls / n, cpu_total * 1000 / n
    print(f"\nper inbound message            measured    goal")
    print(f"  DynamoDB calls               {calls:8.2f}  <= {GOAL_CALLS:.0f}   {'ok' if calls <= GOAL_CALLS else 'OVER'}")
    print(f"  items read                   {total.items_read / n:8.2f}")
    print(f"  items written                {total.items_written / n:8.2f}")
    print(f"  handler CPU ms               {cpu_ms:8.2f}  <= {GOAL_CPU_MS:.0f}   {'ok' if cpu_ms <= GOAL_CPU_MS else 'OVER'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500, help="webhooks to post (default 500)")
    parser.add_argument("--chats", type=int, default=40, help="distinct chats they spread over (default 40)")
    parser.add_argument("--concurrency", type=int, default=8, help="concurrent POSTs (default 8)")
    parser.add_argument("--consumers", type=int, default=1,
                        help="concurrent webhook_process consumers (Lambda concurrency; default 1, like the local runtime)")
    parser.add_argument("--broker", default="", help="RabbitMQ URL: run over RabbitMQ instead of SQS")
    parser.add_argument("--timeout", type=float, default=90.0, help="seconds to wait for every push")
    parser.add_argument("--profile", default="", help="cProfile this function's invocations (e.g. webhook_process)")
    parser.add_argument("--in-process-moto", action="store_true",
                        help="run moto inside this process (as the tests do) instead of its own process")
    args = parser.parse_args()

    from alrea.local.moto import free_port
    from alrea.local.runtime import LocalRuntime, RuntimeOptions

    own_moto = not args.in_process_moto
    if own_moto:  # the embedded moto in its own process: the emulator does not share this one's GIL
        start_moto(own_process=True)
    suffix = uuid.uuid4().hex[:6]
    rt = LocalRuntime(RuntimeOptions(port=free_port(), spa_dir=None, broker_url=args.broker,
                                     queue_prefix=f"bench{suffix}-" if args.broker else ""))
    t0 = time.monotonic()
    rt.start()
    try:
        print(f"local runtime up in {time.monotonic() - t0:.1f} s (bus: {'RabbitMQ' if args.broker else 'SQS on moto'}, "
              f"moto {'in its own process' if own_moto else 'in process'}, {args.concurrency} concurrent POSTs, "
              f"{args.consumers} webhook_process consumers, "
              f"{args.chats} chats)")
        add_consumers(rt, args.consumers - 1)
        time.sleep(1.0)  # let the demo number's own connection webhooks settle
        with PerFunctionDynamo() as dynamo, HandlerCpu(args.profile) as cpu:
            result = asyncio.run(run(rt, args.n, args.chats, args.concurrency, args.timeout))
            time.sleep(2.0)  # follow-up work (profile picture jobs) finishes inside the count
        report("RabbitMQ" if args.broker else "SQS (moto)", result, dynamo, cpu)
        if cpu.profiler is not None:
            import pstats

            print(f"\ncProfile of {args.profile} (cumulative):")
            pstats.Stats(cpu.profiler).sort_stats("cumulative").print_stats(45)
            pstats.Stats(cpu.profiler).sort_stats("tottime").print_stats(30)
    finally:
        rt.stop()


def add_consumers(rt, extra: int) -> None:
    """More pollers on webhook_inbound, as Lambda scales a FIFO event source up to one batch per message group
    in flight (SQS FIFO still hands out one group to one consumer at a time, so per-chat order holds)."""
    from alrea import registry
    from alrea.local.pollers import QueuePoller

    fn = registry.by_name("webhook_process")
    for _ in range(extra):
        poller = QueuePoller(fn, rt.runtime.bus, rt.invoker, region=rt.region, wait_s=rt.options.poll_wait_s)
        rt._workers.append(poller)  # stopped with the runtime
        poller.start()


if __name__ == "__main__":
    main()
