"""Inbox read benchmark: 10,000 conversations and 100,000 messages in one tenant, read over HTTP.

Seeds the table FAST with BatchWriteItem (boto3, parallel threads; not the API), then serves the real REST API
(the FastAPI app the Lambda runs) with uvicorn on a free port and measures, over HTTP:

- GET /api/conversations (admin, first page), filtered (admin ?status=pending, manager's department, agent's
  own + queue merge, agent ?q= search), the second page through the cursor;
- GET /api/conversations/{id}/messages (newest page, and an older page through the cursor);
- GET /api/search (message-text search over the word index of the 100,000 messages: a rare word, a word
  being typed (prefix partition), a word in every message, two words, an agent's role-scoped search, page 2);

printing p50/p99 latency and DynamoDB calls, items returned and items READ (ScannedCount: what DynamoDB
bills, filtered or not, plus items of GetItem/BatchGetItem) per call, the auth GetItem included.
Run: ``.venv/bin/python bench/inbox.py``.
Numbers come from moto in-process, so latencies are emulator latencies; the item counts are exact. moto
answers EVERY Query (table or index) by walking all items of the table and sorting the matches in Python, so
at 110,000 items its latency is seconds per call whatever the key design; DynamoDB's cost follows the items
read, which is what the "items read" column shows (page size + 1 auth GetItem, never the table).
BENCH_CONVERSATIONS / BENCH_MESSAGES / BENCH_REQUESTS (default 3) change the sizes.
"""
from __future__ import annotations

import os
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _harness import DynamoCounter, free_port, provision_all, start_moto  # noqa: E402

CONVERSATIONS = int(os.environ.get("BENCH_CONVERSATIONS", 10_000))
MESSAGES = int(os.environ.get("BENCH_MESSAGES", 100_000))
BIG_CONVERSATION_MESSAGES = 2_000  # one long conversation, for the message pages
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 3))
PASSWORD = "bench-senha-123"
PRODUCTS = ["camiseta", "tenis", "mochila", "caneca", "bermuda", "jaqueta", "relogio", "oculos", "carteira",
            "bolsa", "vestido", "sandalia", "perfume", "agasalho", "bone", "meia", "cinto", "pulseira", "colar",
            "girassol"]
CITIES = ["campinas", "santos", "osasco", "guarulhos", "sorocaba", "jundiai", "barueri", "diadema", "maua",
          "cotia"]


def message_text(n: int, k: int) -> str:
    """~4 index words per message; "girassol" in 1 of 20 messages, "zanzibar" (rare) in 1 of 2,000."""
    text = f"Pedido {n * 100 + k}: {PRODUCTS[(n * 7 + k) % len(PRODUCTS)]} para {CITIES[(n + k) % len(CITIES)]}"
    return text + (" com entrega em zanzibar" if (n * 31 + k) % 2000 == 0 else "")


def iso(dt: datetime) -> str:
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def seed(table_name: str, tenant_id: str, instance_id: str, departments: list[str], agents: list[str]):
    import boto3

    from alrea.store import conversations as cs

    client = boto3.client("dynamodb")
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    conv_items, msg_items = [], []
    big = None
    per_conv, extra = divmod(MESSAGES - BIG_CONVERSATION_MESSAGES, max(1, CONVERSATIONS - 1))
    for n in range(CONVERSATIONS):
        jid = f"55119{n:08d}@s.whatsapp.net"
        cid = cs.conversation_id(tenant_id, instance_id, jid)
        at = iso(start + timedelta(minutes=n))
        activity = cs.activity_sk(at, cid)
        dept = departments[n % len(departments)]
        assignee = agents[n % len(agents)] if n % 3 == 0 and dept == departments[0] else None
        status = "closed" if n % 10 == 9 else ("open" if assignee else "pending")
        item = {"pk": f"T#{tenant_id}", "sk": f"CONV#{cid}", "entity": "conversation", "id": cid,
                "tenant_id": tenant_id, "instance_id": instance_id, "chat_jid": jid, "is_group": False,
                "contact_key": f"+55119{n:08d}", "contact_name": f"Cliente {n}", "phone": f"+55119{n:08d}",
                "last_message_at": at, "last_message_preview": f"mensagem {n}", "last_message_direction": "in",
                "last_message_id": f"W{n}", "unread": n % 4, "status": status, "department_id": dept,
                "gsi2pk": cs.activity_pk(tenant_id), "gsi2sk": activity,
                "gsi3pk": cs.department_pk(tenant_id, dept), "gsi3sk": activity,
                "gsi4pk": cs.owner_pk(tenant_id, dept, assignee), "gsi4sk": activity, "created_at": at,
                "updated_at": at, "tags": []}
        if assignee:
            item.update(assigned_user_id=assignee, assigned_user_name="Agente")
        conv_items.append(item)
        count = BIG_CONVERSATION_MESSAGES if n == 0 else per_conv + (1 if n <= extra else 0)
        if n == 0:
            big = cid
        for k in range(count):
            wamid = f"W{n}K{k}"
            m_at = iso(start + timedelta(minutes=n) - timedelta(seconds=count - k))
            msg_items.append({"pk": f"T#{tenant_id}#CONV#{cid}", "sk": f"MSG#{m_at}#{wamid}", "entity": "message",
                              "id": wamid, "tenant_id": tenant_id, "conversation_id": cid,
                              "instance_id": instance_id, "direction": "in" if k % 2 else "out",
                              "kind": "text", "text": message_text(n, k), "status": "read",
                              "status_rank": 40, "from_me": k % 2 == 0, "reactions": {}, "deleted": False,
                              "sent_at": m_at, "created_at": m_at})
    msg_items = msg_items[:MESSAGES]
    from boto3.dynamodb.types import TypeSerializer

    from alrea.domain import search as sdom
    from alrea.store import search_index

    ser = TypeSerializer()
    word_items = []  # the search index, exactly as store/messages.record_message writes it
    for m in msg_items:
        words = sdom.words(m["text"])
        for w in search_index._items(tenant_id, m["conversation_id"], m["id"], m["sent_at"], words, sdom.PREFIX_LEN,
                                     message_sk=m["sk"], direction=m["direction"], snippet=m["text"]):
            word_items.append(w.serialize())

    def write(chunk: list[dict]) -> None:
        requests = [{"PutRequest": {"Item": i if "pk" in i and isinstance(i["pk"], dict) else
                                    {k: ser.serialize(v) for k, v in i.items()}}} for i in chunk]
        failures = 0
        while requests:
            try:
                answer = client.batch_write_item(RequestItems={table_name: requests})
            except Exception:  # noqa: BLE001 - a loaded shared machine: the emulator may drop a request
                failures += 1
                if failures > 10:
                    raise
                time.sleep(0.5 * failures)
                continue
            requests = answer.get("UnprocessedItems", {}).get(table_name, [])

    everything = conv_items + msg_items + word_items
    chunks = [everything[i:i + 25] for i in range(0, len(everything), 25)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, chunks))
    print(f"seeded {len(conv_items):,} conversations + {len(msg_items):,} messages + {len(word_items):,} search "
          f"index items "
          f"({len(chunks):,} BatchWriteItem calls) in {time.monotonic() - started:.1f}s")
    return big


class ScannedCounter(DynamoCounter):
    def __init__(self) -> None:
        super().__init__()
        self.scanned = 0

    def record(self, operation, params, response):
        super().record(operation, params, response)
        if operation in ("Query", "Scan") and response is not None:
            self.scanned += int(response.get("ScannedCount", 0))
        elif operation == "GetItem" and response is not None:
            self.scanned += 1 if response.get("Item") else 0
        elif operation == "BatchGetItem" and response is not None:
            self.scanned += sum(len(found) for found in response.get("Responses", {}).values())

    def reset(self):
        super().reset()
        self.scanned = 0


def measure(name: str, http, path: str, headers: dict, params: dict | None = None) -> dict:
    import botocore.client

    latencies = []
    counter = ScannedCounter()
    original = botocore.client.BaseClient._make_api_call
    lock = threading.Lock()

    def counting(self, operation_name, api_params):
        response = original(self, operation_name, api_params)
        if self.meta.service_model.service_name == "dynamodb":
            with lock:
                counter.record(operation_name, api_params, response)
        return response

    botocore.client.BaseClient._make_api_call = counting
    try:
        returned = 0
        for _ in range(REQUESTS):
            t0 = time.perf_counter()
            r = http.get(path, params=params or {}, headers=headers)
            latencies.append((time.perf_counter() - t0) * 1000)
            assert r.status_code == 200, r.text
            body = r.json()
            returned = len(body["items"] if "items" in body else body["messages"])
    finally:
        botocore.client.BaseClient._make_api_call = original
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(round(0.99 * len(latencies))) - 1)]
    row = {"call": name, "p50_ms": statistics.median(latencies), "p99_ms": p99,
           "ddb_calls": counter.total_calls / REQUESTS, "items_read": counter.scanned / REQUESTS,
           "items_returned": returned}
    print(f"{name:<48} p50 {row['p50_ms']:7.1f} ms  p99 {row['p99_ms']:7.1f} ms  "
          f"DynamoDB calls {row['ddb_calls']:4.1f}  items read {row['items_read']:6.1f}  page {returned}")
    return row


def main() -> None:
    t_start = time.monotonic()
    url = start_moto()
    provisioned = provision_all(url)
    os.environ.setdefault("ALREA_JWT_SECRET", "bench-secret-" + uuid.uuid4().hex)
    from alrea.core.config import reset_settings

    reset_settings()
    import httpx
    import uvicorn

    from alrea.adapters.memory.bus import MemoryBus
    from alrea.adapters.memory.push import MemoryPush
    from alrea.api.app import create_app
    from alrea.services import auth, passwords
    from alrea.store import departments, instances
    from alrea.wiring import Runtime, set_runtime

    from argon2 import PasswordHasher

    passwords.hasher = lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    set_runtime(Runtime(bus=MemoryBus(), push=MemoryPush(), pacer=None, whatsapp=None, storage=None))  # type: ignore[arg-type]
    signed = auth.signup("Bench Ltda", "Admin", f"admin-{uuid.uuid4().hex[:6]}@bench.dev", PASSWORD)
    tid = signed.tenant.tenant_id
    from alrea.store.tenants import set_limits

    set_limits(tid, max_users=100)
    depts = [departments.create_department(tid, str(uuid.uuid4()), f"Dept {i}").department_id for i in range(3)]
    from alrea.services import users as user_service
    from alrea.domain.roles import Principal

    admin_p = Principal(tenant_id=tid, user_id=signed.user.user_id, role="admin")
    people = {}
    for role, email in (("manager", "gerente"), ("agent", "agente1"), ("agent", "agente2")):
        u = user_service.create(admin_p, name=email, email=f"{email}-{uuid.uuid4().hex[:6]}@bench.dev",
                                password=PASSWORD, role=role, department_id=depts[0])
        people[email] = u
    instance = instances.create(instances.Instance(
        tenant_id=tid, instance_id=str(uuid.uuid4()), name="Bench", evolution_name=f"bench-{uuid.uuid4().hex[:6]}",
        webhook_token="h" + uuid.uuid4().hex, jwt_key="k"), max_numbers=5, limit_message="x")
    agents = [people["agente1"].user_id, people["agente2"].user_id]
    big = seed(provisioned.table_name, tid, instance.instance_id, depts, agents)

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off", access_log=False))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    base = f"http://127.0.0.1:{port}"

    def token(email: str) -> dict:
        r = httpx.post(base + "/api/auth/login", json={"email": email, "password": PASSWORD})
        return {"Authorization": f"Bearer {r.json()['access']}"}

    admin_h = {"Authorization": f"Bearer {signed.tokens.access}"}
    manager_h, agent_h = token(people["gerente"].email), token(people["agente1"].email)
    rows = []
    with httpx.Client(base_url=base, timeout=300) as http:
        first = http.get("/api/conversations", params={"limit": 50}, headers=admin_h).json()
        older = http.get(f"/api/conversations/{big}/messages", params={"limit": 50}, headers=admin_h).json()
        print(f"\n{REQUESTS} requests per call, page size 50 (moto in-process; items read = DynamoDB ScannedCount "
              "+ GetItems)\n")
        rows.append(measure("conversations: admin, first page", http, "/api/conversations", admin_h,
                            {"limit": 50}))
        rows.append(measure("conversations: admin, second page (cursor)", http, "/api/conversations", admin_h,
                            {"limit": 50, "cursor": first["next_cursor"]}))
        rows.append(measure("conversations: admin ?status=pending", http, "/api/conversations", admin_h,
                            {"limit": 50, "status": "pending"}))
        rows.append(measure("conversations: admin ?unread=true&department_id", http, "/api/conversations",
                            admin_h, {"limit": 50, "unread": "true", "department_id": depts[1]}))
        rows.append(measure("conversations: manager (own department)", http, "/api/conversations", manager_h,
                            {"limit": 50}))
        rows.append(measure("conversations: agent (own + queue merge)", http, "/api/conversations", agent_h,
                            {"limit": 50}))
        rows.append(measure("conversations: admin ?q=cliente 99 (budget 1000)", http, "/api/conversations",
                            admin_h, {"limit": 50, "q": "cliente 99"}))
        rows.append(measure("messages: newest page", http, f"/api/conversations/{big}/messages", admin_h,
                            {"limit": 50}))
        rows.append(measure("messages: older page (cursor)", http, f"/api/conversations/{big}/messages", admin_h,
                            {"limit": 50, "cursor": older["next_cursor"]}))
        found = http.get("/api/search", params={"q": "girassol", "limit": 20}, headers=admin_h).json()
        searches = [
            ("search: rare word ?q=zanzibar", admin_h, {"q": "zanzibar ", "limit": 20}),
            ("search: word being typed ?q=zanzi (prefix)", admin_h, {"q": "zanzi", "limit": 20}),
            ("search: 1-in-20 word ?q=girassol", admin_h, {"q": "girassol ", "limit": 20}),
            ("search: word in every message ?q=pedido", admin_h, {"q": "pedido ", "limit": 20}),
            ("search: two words ?q=girassol santos", admin_h, {"q": "girassol santos ", "limit": 20}),
            ("search: agent (role-scoped) ?q=girassol", agent_h, {"q": "girassol ", "limit": 20}),
            ("search: second page (cursor) ?q=girassol", admin_h,
             {"q": "girassol", "limit": 20, "cursor": found["next_cursor"]}),
        ]
        for name, headers, params in searches:
            rows.append(measure(name, http, "/api/search", headers, params))
    server.should_exit = True
    print(f"\ntotal {time.monotonic() - t_start:.0f}s")


if __name__ == "__main__":
    main()
