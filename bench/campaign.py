"""Campaign bench: planner + sender handlers on moto (DynamoDB, SQS) with the Evolution simulator over HTTP.

    .venv/bin/python bench/campaign.py [recipients=10000] [paced=100] [faulty=300]   (0 skips a part)

Part 1 — N recipients, zero delay: the real campaign_plan / campaign_send handlers are fed SQS events from the
queues (QueuePacer: plan rounds are delayed messages; on AWS each round is ~4 Step Functions transitions).
Prints planning time, sends/s, handler CPU ms (thread CPU of the handler call; the embedded moto runs in a
process of its own), DynamoDB calls and item operations per recipient, and the AWS cost per 10,000 messages at
list prices — each next to its goal (issue 12). The contact's sticky number is written once per contact ever
(its first campaign, which every bench run is): the writes are printed with and without it.
Part 2 — `paced` sends with a 1–3 s delay over 4 numbers: pacing error = claim time − planned slot.
Part 3 — `faulty` recipients under a fault mix at the simulator (15 % of requests 5xx: "Connection Closed",
a 5xx before the work or a 5xx after the send went out; 5 % of answers later than the client's 1 s timeout;
3 % of the numbers not on WhatsApp; no webhooks, so no echo: unknown outcomes are reconciled by asking the
gateway): the share of recipients ending unknown or failed (goal: 0 unknown, failed only for numbers not on
WhatsApp — which end "skipped") and the sends per recipient at the simulator (goal: exactly 1).
Figures are printed, not asserted.
"""
from __future__ import annotations

import importlib.util
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _harness import count_dynamodb, provision_all, start_moto  # noqa: E402

GOALS = {"writes": 5.0, "reads": 2.0, "send_cpu_ms": 5.0, "plan_cpu_ms": 1.0, "cost_10k": 0.10}
PRICES = {"ddb_write": 1.25 / 1e6, "ddb_read": 0.25 / 1e6, "sqs": 0.40 / 1e6, "lambda_gb_s": 0.0000133334,
          "lambda_req": 0.20 / 1e6, "sfn_transition": 0.025 / 1e3}
TRANSITIONS_PER_ROUND = 4  # Plan, Done?, Wait, NextRound


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_fn_{name}", ROOT / "functions" / name / "handler.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


class SqsCounter:
    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def install(self):
        import botocore.client

        original = botocore.client.BaseClient._make_api_call
        counter = self

        def counting(self, operation_name, api_params):
            if self.meta.service_model.service_name == "sqs":
                counter.calls[operation_name] += 1
            return original(self, operation_name, api_params)

        botocore.client.BaseClient._make_api_call = counting


def setup(numbers: int, timeout_s: float = 15.0):
    from alrea.adapters.aws.s3 import S3Storage
    from alrea.adapters.aws.sqs import SqsBus
    from alrea.adapters.evolution.client import EvolutionClient
    from alrea.adapters.memory.push import MemoryPush
    from alrea.adapters.queue_pacer import QueuePacer
    from alrea.core.clock import iso, utcnow
    from alrea.domain.plans import plan
    from alrea.domain.roles import Principal
    from alrea.simulator.server import SimulatorServer
    from alrea.store import instances
    from alrea.store.tenants import Tenant
    from alrea.wiring import Runtime, set_runtime

    url = start_moto(own_process=True)  # the emulator out of the handlers' GIL
    provisioned = provision_all(url)
    sim = SimulatorServer(port=0, api_key="bench").start()
    bus = SqsBus(provisioned.queue_urls)
    set_runtime(Runtime(bus=bus, push=MemoryPush(), pacer=QueuePacer(bus),
                        whatsapp=EvolutionClient(sim.url, "bench", timeout=timeout_s),
                        storage=S3Storage(provisioned.bucket_name)))
    tid = str(uuid.uuid4())
    business = plan("business")
    Tenant.new(tid, name="Bench", plan="business", limits=business.limits.as_dict(), users_count=1,
               timezone="America/Sao_Paulo", created_at=iso(utcnow())).save()
    ids = []
    for n in range(numbers):
        name = f"bench-{n}-{uuid.uuid4().hex[:6]}"
        sim.add_instance(name, connected=True, number=f"5511987{n:06d}")
        inst = instances.Instance(tenant_id=tid, instance_id=str(uuid.uuid4()), name=name, evolution_name=name,
                                  webhook_token="h" + uuid.uuid4().hex, jwt_key="j", state="open",
                                  created_at=iso(utcnow()))
        ids.append(instances.create(inst, max_numbers=50, limit_message="x").instance_id)
    return bus, sim, Principal(tenant_id=tid, user_id=str(uuid.uuid4()), role="admin"), ids


def seed_contacts(tid: str, n: int, tag: str) -> None:
    from alrea.store import contacts as cstore
    from alrea.store import tags as tag_store

    phones = [f"+55119{i:08d}" for i in range(n)]
    items = [cstore.new_item(tid, p, source="bench", name=f"Pessoa {i}", tags=[tag]) for i, p in enumerate(phones)]
    cstore.put_many(items)
    tag_store.add_members(tid, [(tag, p) for p in phones])


def drain(bus, queue: str, handler, name: str, stats: dict, stop: threading.Event, arn: str) -> None:
    from alrea.local.events import LambdaContext, failed_message_ids, sqs_event

    while not stop.is_set():
        deliveries = bus.receive(queue, max_messages=10 if queue != "campaign_plan" else 1, wait_s=0.2)
        if not deliveries:
            continue
        event = sqs_event(deliveries, arn=arn, region="us-east-1")
        cpu, wall = time.thread_time(), time.perf_counter()
        try:
            failed = failed_message_ids(handler(event, LambdaContext(name, 256, 60)), event["Records"])
        except Exception:  # noqa: BLE001
            failed = {d.message_id for d in deliveries}
        stats["cpu"].append(time.thread_time() - cpu)
        stats["wall"].append(time.perf_counter() - wall)
        stats["records"] += len(deliveries)
        for d in deliveries:
            (bus.nack if d.message_id in failed else bus.ack)(d)


def part_one(n: int) -> None:
    from alrea.services import campaigns as svc
    from alrea.store import campaigns as store

    sqs = SqsCounter()
    sqs.install()
    bus, sim, admin, ids = setup(numbers=2)
    seed_contacts(admin.tenant_id, n, "bench")
    cid = svc.create(admin, {"name": "bench", "variants": [{"text": "{Oi|Olá} {{nome|cliente}}!"}],
                             "audience": {"tags": ["bench"]}, "instance_ids": ids,
                             "pacing": {"min_delay_s": 0, "max_delay_s": 0, "window_start": "00:00",
                                        "window_end": "00:00", "weekdays": list(range(7)),
                                        "daily_cap_per_number": 100000}}).id
    plan_h, send_h = load("campaign_plan"), load("campaign_send")
    plan_stats = {"cpu": [], "wall": [], "records": 0}
    send_stats = {"cpu": [], "wall": [], "records": 0}
    stop = threading.Event()
    with count_dynamodb() as ddb:
        t0 = time.perf_counter()
        svc.start(admin, cid)
        materialised = time.perf_counter() - t0
        threads = [threading.Thread(target=drain, args=(bus, "campaign_plan", plan_h, "campaign_plan", plan_stats,
                                                        stop, "arn:aws:sqs:us-east-1:123456789012:campaign_plan"))]
        threads += [threading.Thread(target=drain, args=(bus, "campaign_send_message", send_h, "campaign_send",
                                                         send_stats, stop,
                                                         "arn:aws:sqs:us-east-1:123456789012:campaign_send_message"))
                    for _ in range(4)]
        for t in threads:
            t.start()
        deadline = time.monotonic() + max(300, n)  # moto: a second per recipient is the slowest seen
        while store.get(admin.tenant_id, cid).status != "completed" and time.monotonic() < deadline:
            time.sleep(0.5)
        elapsed = time.perf_counter() - t0
        stop.set()
        for t in threads:
            t.join()
        item = store.get(admin.tenant_id, cid)
    sent = len(sim.state.sent)
    counters = item.counters()
    rounds = len(plan_stats["cpu"])
    writes, reads = ddb.items_written, ddb.items_read
    per = max(1, counters["total"])
    print(f"\n== {n} recipients, zero delay, 2 numbers, 4 sender workers (status {item.status})")
    print(f"materialise (start): {materialised:.2f} s   total to completed: {elapsed:.1f} s   sent at simulator: {sent}")
    print(f"planning: {rounds} rounds, {sum(plan_stats['wall']):.2f} s wall, "
          f"{1000 * statistics.mean(plan_stats['cpu']):.1f} ms CPU per round, "
          f"{1000 * sum(plan_stats['cpu']) / per:.2f} ms CPU per recipient")
    print(f"sends/s: {sent / elapsed:.1f}   send handler: {1000 * sum(send_stats['cpu']) / max(1, send_stats['records']):.1f}"
          f" ms CPU per message, {1000 * sum(send_stats['wall']) / max(1, send_stats['records']):.1f} ms wall per message")
    send_cpu = 1000 * sum(send_stats['cpu']) / max(1, send_stats['records'])
    plan_cpu = 1000 * sum(plan_stats['cpu']) / per
    sticky = ddb.sticky_writes
    print(f"DynamoDB per recipient: {writes / per:.2f} item writes (goal ≤ {GOALS['writes']:g}; "
          f"{(writes - sticky) / per:.2f} without the once-per-contact sticky number), "
          f"{reads / per:.2f} item reads (goal ≤ {GOALS['reads']:g}), {ddb.total_calls / per:.2f} calls; "
          f"calls: {dict(ddb.calls.most_common())}")
    print(f"handler CPU: send {send_cpu:.2f} ms per message (goal ≤ {GOALS['send_cpu_ms']:g}), "
          f"planner {plan_cpu:.3f} ms per recipient (goal ≤ {GOALS['plan_cpu_ms']:g})")
    sqs_calls = sum(sqs.calls.values())
    print(f"SQS requests: {sqs_calls} ({sqs_calls / per:.2f} per recipient) {dict(sqs.calls)}")
    scale = 10_000 / per
    lambda_gb_s = (sum(plan_stats["wall"]) + sum(send_stats["wall"])) * 0.25 * scale
    invocations = (len(plan_stats["wall"]) + len(send_stats["wall"])) * scale
    cost = {
        "dynamodb": writes * scale * PRICES["ddb_write"] + reads * scale * PRICES["ddb_read"],
        "sqs": sqs_calls * scale * PRICES["sqs"],
        "lambda": lambda_gb_s * PRICES["lambda_gb_s"] + invocations * PRICES["lambda_req"],
        "step_functions": rounds * scale * TRANSITIONS_PER_ROUND * PRICES["sfn_transition"],
    }
    print("AWS cost per 10,000 messages (list prices, 256 MB arm64, local wall time as duration): "
          + ", ".join(f"{k} ${v:.4f}" for k, v in cost.items()) + f", total ${sum(cost.values()):.4f} "
          f"(goal ≤ ${GOALS['cost_10k']:.2f}); a transaction's items bill twice: "
          f"+${ddb.transact_items * scale * PRICES['ddb_write']:.4f}")
    sim.stop()


def part_two(n: int) -> None:
    from alrea.services import campaigns as svc
    from alrea.store import campaigns as store
    from alrea.store import recipients as rstore
    from alrea.core.clock import parse_iso

    bus, sim, admin, ids = setup(numbers=4)
    seed_contacts(admin.tenant_id, n, "paced")
    cid = svc.create(admin, {"name": "paced", "variants": [{"text": "Oi {{nome}}"}], "audience": {"tags": ["paced"]},
                             "instance_ids": ids,
                             "pacing": {"min_delay_s": 1, "max_delay_s": 3, "window_start": "00:00",
                                        "window_end": "00:00", "weekdays": list(range(7))}}).id
    plan_h, send_h = load("campaign_plan"), load("campaign_send")
    stats = {"cpu": [], "wall": [], "records": 0}
    stop = threading.Event()
    threads = [threading.Thread(target=drain, args=(bus, "campaign_plan", plan_h, "campaign_plan", dict(stats, cpu=[], wall=[]),
                                                    stop, "arn:aws:sqs:us-east-1:123456789012:campaign_plan"))]
    threads += [threading.Thread(target=drain, args=(bus, "campaign_send_message", send_h, "campaign_send",
                                                     dict(stats, cpu=[], wall=[]), stop,
                                                     "arn:aws:sqs:us-east-1:123456789012:campaign_send_message"))
                for _ in range(4)]
    svc.start(admin, cid)
    for t in threads:
        t.start()
    deadline = time.monotonic() + 240
    while store.get(admin.tenant_id, cid).status != "completed" and time.monotonic() < deadline:
        time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join()
    errors = []
    for r in rstore.iter_all(admin.tenant_id, cid):
        if r.slot is not None and r.attempted_at:
            errors.append(parse_iso(r.attempted_at).timestamp() - float(r.slot))
    errors.sort()
    q = lambda p: errors[min(len(errors) - 1, int(p * len(errors)))]  # noqa: E731
    print(f"\n== {n} sends, 1–3 s delay, 4 numbers (status {store.get(admin.tenant_id, cid).status})")
    print(f"pacing error (claim time − planned slot): p50 {q(0.5):.3f} s, p99 {q(0.99):.3f} s, "
          f"max {errors[-1]:.3f} s, min {errors[0]:.3f} s over {len(errors)} sends")
    sim.stop()


def part_three(n: int) -> None:
    import os

    from alrea.services import campaigns as svc
    from alrea.store import campaigns as store
    from alrea.store import recipients as rstore

    os.environ["ALREA_CAMPAIGN_RECONCILE_AFTER_S"] = "3"  # no webhooks here: ask the gateway soon
    bus, sim, admin, ids = setup(numbers=4, timeout_s=1.0)
    seed_contacts(admin.tenant_id, n, "faulty")
    not_on_whatsapp = {f"55119{i:08d}" for i in range(0, n, 33)}
    sim.state.faults.unknown_numbers = set(not_on_whatsapp)
    sim.state.faults.error_rate, sim.state.faults.error_kind = 0.15, "mix"
    sim.state.faults.hang_s, sim.state.faults.hang_rate = 1.5, 0.05
    cid = svc.create(admin, {"name": "faulty", "variants": [{"text": "Oi {{nome}}"}], "audience": {"tags": ["faulty"]},
                             "instance_ids": ids,
                             "pacing": {"min_delay_s": 0, "max_delay_s": 0, "window_start": "00:00",
                                        "window_end": "00:00", "weekdays": list(range(7)),
                                        "daily_cap_per_number": 100000}}).id
    plan_h, send_h = load("campaign_plan"), load("campaign_send")
    stats = {"cpu": [], "wall": [], "records": 0}
    stop = threading.Event()
    threads = [threading.Thread(target=drain, args=(bus, "campaign_plan", plan_h, "campaign_plan",
                                                    dict(stats, cpu=[], wall=[]), stop,
                                                    "arn:aws:sqs:us-east-1:123456789012:campaign_plan"))]
    threads += [threading.Thread(target=drain, args=(bus, "campaign_send_message", send_h, "campaign_send",
                                                     dict(stats, cpu=[], wall=[]), stop,
                                                     "arn:aws:sqs:us-east-1:123456789012:campaign_send_message"))
                for _ in range(4)]
    t0 = time.perf_counter()
    svc.start(admin, cid)
    for t in threads:
        t.start()
    deadline = time.monotonic() + 600
    while store.get(admin.tenant_id, cid).status != "completed" and time.monotonic() < deadline:
        time.sleep(0.5)
    elapsed = time.perf_counter() - t0
    stop.set()
    for t in threads:
        t.join()
    statuses = Counter(r.status for r in rstore.iter_all(admin.tenant_id, cid))
    sends = Counter(s["number"] for s in sim.state.sent)
    reached = sum(statuses[s] for s in ("sent", "delivered", "read", "replied"))
    total = sum(statuses.values())
    print(f"\n== {n} recipients under the fault mix, 4 numbers (status {store.get(admin.tenant_id, cid).status}, "
          f"{elapsed:.0f} s, {sim.state.requests} Evolution requests)")
    print(f"ending unknown: {statuses['unknown'] / total:.1%} ({statuses['unknown']}), failed: "
          f"{statuses['failed'] / total:.1%} ({statuses['failed']}) — goal 0 and 0; skipped (not on WhatsApp): "
          f"{statuses['skipped']} of {len(not_on_whatsapp)}; reached: {reached}")
    print(f"sends per reached recipient at the simulator: max {max(sends.values(), default=0)}, "
          f"{sum(sends.values())} sends for {len(sends)} numbers (goal: exactly 1 each)")
    sim.stop()


if __name__ == "__main__":
    recipients = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    paced = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    faulty = int(sys.argv[3]) if len(sys.argv) > 3 else 300
    if recipients:
        part_one(recipients)
    if paced:
        part_two(paced)
    if faulty:
        part_three(faulty)
