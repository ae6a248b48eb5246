"""Reports and Sense benchmark (issue 17).

1. Sense's built-in analyzer: accuracy and macro-F1 on the project's labelled sets (bench/data), against LeIA's
   own scorer as the baseline; messages per second and CPU ms per message (one process, one core).
2. Home dashboard at 10,000 conversations: one tenant (5 departments, 20 attendants, 3 numbers) with 10,000
   conversation items seeded (BatchWriteItem) and a week of report buckets; the DynamoDB calls and items read
   per dashboard load (and per number-health load), and p50 / p99 of the service call on moto; the writes per
   event of the real listeners, measured on 200 conversations driven through open → answer → close.

Run: ``.venv/bin/python bench/reports.py`` (BENCH_CONVERSATIONS, BENCH_LOADS change the sizes).
The item counts carry over to DynamoDB; latencies are the emulator's.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import count_dynamodb, provision_all, start_moto  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
CONVERSATIONS = int(os.environ.get("BENCH_CONVERSATIONS", 10_000))
LOADS = int(os.environ.get("BENCH_LOADS", 20))
DRIVEN = 200


# ---------------------------------------------------------------- 1. the analyzer
def analyzer_bench() -> None:
    from alrea.adapters.sense.lexicon import LexiconAnalyzer, lexicon
    from alrea.domain import sense as dom

    print("## Sense built-in analyzer")
    lexicon()  # the one-off load (cold start) is not a per-message cost
    analyzer = LexiconAnalyzer()
    try:
        from LeIA import SentimentIntensityAnalyzer
        leia = SentimentIntensityAnalyzer()
    except ImportError:  # pragma: no cover
        leia = None
    print("| set | n | accuracy | macro-F1 | F1 pos / neu / neg | LeIA's scorer: accuracy / macro-F1 |")
    print("|---|---:|---:|---:|---|---|")
    all_texts: list[str] = []
    for name in ("sense_ptbr.tsv", "sense_ptbr_holdout.tsv"):
        rows = dom.read_labelled((DATA / name).read_text(encoding="utf-8"))
        all_texts += [t for _, t in rows]
        ours = dom.evaluation([(label, analyzer.analyze(text).label) for label, text in rows])
        base = "—"
        if leia is not None:
            theirs = dom.evaluation([(label, dom.label_of(leia.polarity_scores(text)["compound"]))
                                     for label, text in rows])
            base = f"{theirs['accuracy']:.3f} / {theirs['macro_f1']:.3f}"
        f1 = " / ".join(f"{ours['per_label'][k]['f1']:.2f}" for k in dom.LABELS)
        print(f"| {name} | {ours['n']} | {ours['accuracy']:.3f} | {ours['macro_f1']:.3f} | {f1} | {base} |")
    n = 20_000
    texts = (all_texts * (n // len(all_texts) + 1))[:n]
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for text in texts:
        analyzer.analyze(text)
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    print(f"\n{n:,} messages: {n / wall:,.0f} messages/s, {cpu * 1000 / n:.3f} CPU ms per message "
          f"(wall {wall:.2f} s)")
    started = time.process_time()
    import importlib

    import alrea.adapters.sense.lexicon as module
    importlib.reload(module)
    module.lexicon()
    print(f"lexicon load (once per cold start): {(time.process_time() - started) * 1000:.0f} CPU ms\n")


# ---------------------------------------------------------------- 2. the dashboard
def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def seed_conversations(table: str, tid: str, numbers: list[str], depts: list[str], agents: list[str]) -> None:
    import boto3
    from boto3.dynamodb.types import TypeSerializer

    from alrea.store import conversations as cs

    client, ser = boto3.client("dynamodb"), TypeSerializer()
    now = datetime.now(timezone.utc)
    items = []
    for n in range(CONVERSATIONS):
        iid = numbers[n % len(numbers)]
        jid = f"55119{n:08d}@s.whatsapp.net"
        cid = cs.conversation_id(tid, iid, jid)
        at = iso(now - timedelta(minutes=n))
        dept, agent = depts[n % len(depts)], agents[n % len(agents)]
        activity = cs.activity_sk(at, cid)
        items.append({"pk": f"T#{tid}", "sk": f"CONV#{cid}", "entity": "conversation", "id": cid, "tenant_id": tid,
                      "instance_id": iid, "chat_jid": jid, "is_group": False, "phone": f"+55119{n:08d}",
                      "status": "open", "department_id": dept, "assigned_user_id": agent,
                      "gsi2pk": cs.activity_pk(tid), "gsi2sk": activity, "gsi3pk": cs.department_pk(tid, dept),
                      "gsi3sk": activity, "gsi4pk": cs.agent_pk(tid, agent), "gsi4sk": activity,
                      "created_at": at, "last_message_at": at, "mood": ("pos", "neu", "neg")[n % 3]})

    def write(chunk: list[dict]) -> None:
        requests = [{"PutRequest": {"Item": {k: ser.serialize(v) for k, v in i.items()}}} for i in chunk]
        while requests:
            answer = client.batch_write_item(RequestItems={table: requests})
            requests = answer.get("UnprocessedItems", {}).get(table, [])

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, [items[i:i + 25] for i in range(0, len(items), 25)]))


def seed_buckets(tid: str, numbers: list[str], depts: list[str], agents: list[str]) -> int:
    """A week of buckets as the listeners leave them for CONVERSATIONS conversations (aggregated writes)."""
    from alrea.domain import reports as dom
    from alrea.store import stats

    days = dom.days_back(stats.today_utc(), dom.WEEK_DAYS)
    per_day = CONVERSATIONS // len(days)
    scopes = [dom.TENANT] + [dom.dept(d) for d in depts] + [dom.user(a) for a in agents]
    writes = 0
    for day in days:
        for scope in scopes:
            share = per_day if scope == dom.TENANT else per_day // (len(depts) if scope.startswith("dept:") else len(agents))
            counts = {"conv_opened": share, "conv_closed": share - 3, "msgs_in": share * 6, "msgs_out": share * 5,
                      "mood_pos": share * 2, "mood_neu": share * 3, "mood_neg": share}
            stats.add(tid, day, [scope], counts, {"frt": 90 + writes % 300, "res": 1800 + writes % 3600})
            writes += 1
        for iid in numbers:
            stats.add(tid, day, [dom.number(iid)], {"sent": per_day, "delivered": per_day - 5, "read": per_day // 2,
                                                  "failed": 5, "msgs_in": per_day})
            writes += 1
    for d in depts:
        stats.add_gauge(tid, [dom.dept(d)], 4)
    stats.add_gauge(tid, [dom.TENANT], 4 * len(depts))
    return writes


def drive_events(tid: str, iid: str, dept: str, agent: str) -> None:
    """Writes per event of the real listeners (services/reports.py), on DRIVEN conversations."""
    from alrea.domain.conversations import Conversation
    from alrea.services import hooks, reports

    now = datetime.now(timezone.utc)
    with count_dynamodb() as counter:
        for n in range(DRIVEN):
            at = now - timedelta(minutes=30)
            base = Conversation(id=str(uuid.uuid4()), tenant_id=tid, instance_id=iid, chat_jid=f"x{n}",
                                department_id=dept, assigned_user_id=agent, status="open", created_at=iso(at))
            waiting = base.but(waiting_since=iso(at))
            reports.on_conversation_changed(hooks.ConversationChanged(tid, None, waiting, iso(at), message="in"))
            answered = waiting.but(waiting_since=None)
            reports.on_conversation_changed(hooks.ConversationChanged(tid, waiting, answered, iso(at + timedelta(
                minutes=3)), message="out", by_user=agent))
            closed = answered.but(status="closed")
            reports.on_conversation_changed(hooks.ConversationChanged(tid, answered, closed, iso(now), by_user=agent))
    calls = counter.total_calls
    print(f"listeners, per conversation driven open → answered → closed ({DRIVEN} conversations): "
          f"{calls / DRIVEN:.1f} DynamoDB calls ({dict((k, round(v / DRIVEN, 1)) for k, v in counter.calls.items())}), "
          f"{counter.items_written / DRIVEN:.1f} items written, {counter.items_read / DRIVEN:.1f} read")


def dashboard_bench() -> None:
    from argon2 import PasswordHasher

    from alrea.adapters.memory.bus import MemoryBus
    from alrea.adapters.memory.push import MemoryPush
    from alrea.domain.roles import Principal
    from alrea.services import auth, passwords, reports
    from alrea.services import users as user_service
    from alrea.store import departments, instances
    from alrea.store.tenants import set_limits
    from alrea.wiring import Runtime, set_runtime

    url = start_moto()
    provisioned = provision_all(url)
    passwords.hasher = lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    set_runtime(Runtime(bus=MemoryBus(), push=MemoryPush(), pacer=None, whatsapp=None, storage=None))  # type: ignore[arg-type]
    password = "Bench-Reports-2026!x"
    signed = auth.signup("Bench Relatórios", "Admin", f"admin-{uuid.uuid4().hex[:6]}@bench.dev", password)
    tid = signed.tenant.tenant_id
    set_limits(tid, max_users=100)
    admin = Principal(tenant_id=tid, user_id=signed.user.user_id, role="admin", department_id=None)
    depts = [departments.create_department(tid, str(uuid.uuid4()), f"Dept {i}").department_id for i in range(5)]
    agents = [user_service.create(admin, name=f"Agente {i}", email=f"ag{i}-{uuid.uuid4().hex[:4]}@bench.dev",
                                  password=password, role="agent", department_id=depts[i % 5]).user_id
              for i in range(20)]
    numbers = [instances.create(instances.Instance(
        tenant_id=tid, instance_id=str(uuid.uuid4()), name=f"Número {i}", evolution_name=f"b-{uuid.uuid4().hex[:6]}",
        webhook_token="h" + uuid.uuid4().hex, jwt_key="k"), max_numbers=5, limit_message="x").instance_id
        for i in range(3)]
    started = time.monotonic()
    seed_conversations(provisioned.table_name, tid, numbers, depts, agents)
    writes = seed_buckets(tid, numbers, depts, agents)
    print(f"## Home dashboard at {CONVERSATIONS:,} conversations")
    print(f"seeded {CONVERSATIONS:,} conversations and {writes} bucket writes in {time.monotonic() - started:.1f}s")
    drive_events(tid, numbers[0], depts[0], agents[0])
    manager = Principal(tenant_id=tid, user_id=agents[0], role="manager", department_id=depts[0])
    for label, who, call in (("dashboard (admin)", admin, reports.dashboard),
                             ("dashboard (manager)", manager, reports.dashboard),
                             ("numbers' health (3 numbers)", admin, reports.numbers_health)):
        call(who)  # warm
        times, reads, calls = [], [], []
        for _ in range(LOADS):
            with count_dynamodb() as counter:
                t0 = time.perf_counter()
                board = call(who)
                times.append((time.perf_counter() - t0) * 1000)
            reads.append(counter.items_read)
            calls.append(counter.total_calls)
        times.sort()
        print(f"{label}: {statistics.median(calls):.0f} DynamoDB calls, {statistics.median(reads):.0f} items read; "
              f"p50 {statistics.median(times):.0f} ms, p99 {times[int(len(times) * 0.99) - 1]:.0f} ms on moto "
              f"({LOADS} loads)")
        if isinstance(board, dict):
            assert board["week"]["opened"] > 0


if __name__ == "__main__":
    analyzer_bench()
    dashboard_bench()
