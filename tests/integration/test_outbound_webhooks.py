"""Outbound webhooks against a real local receiver (an HTTP server thread): signed with the documented recipe,
retried until the receiver recovers, every attempt in the log, replayed on demand, loopback refused unless the
local-dev setting allows it, and a tenant without endpoints costs no read per inbound message."""
from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from alrea.services import outbound_webhooks

QUEUE = "webhook_delivery"


class Receiver:
    """Answers 500 to the first ``fail_first`` POSTs, then 200; records every request."""

    def __init__(self, fail_first: int = 0) -> None:
        self.fail_first = fail_first
        self.delay_s = 0.0
        self.requests: list[dict] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append({"headers": dict(self.headers), "body": body})
                time.sleep(outer.delay_s)
                failing = len(outer.requests) <= outer.fail_first
                answer = (b"boom " * 400) if failing else b'{"ok":true}'
                try:
                    self.send_response(500 if failing else 200)
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the sender gave up (timeout) or stopped reading after the first KB

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/alrea"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def documented_recipe():
    """The Python recipe of docs/API.md ("Verifying a signature"), executed as written there."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "API.md").read_text()
    block = re.search(r"Python:\n\n```python\n(.*?)```", text, re.S)
    assert block, "docs/API.md lost its Python signature recipe"
    namespace: dict = {}
    exec(block.group(1), namespace)  # noqa: S102 - our own documentation
    return namespace["verify"]


verify = documented_recipe()


@pytest.fixture
def settings_env(monkeypatch):
    """Set ALREA_* settings for one test (the settings are re-read, and forgotten afterwards)."""
    from alrea.core.config import reset_settings

    def apply(**values: str) -> None:
        for name, value in values.items():
            monkeypatch.setenv(f"ALREA_{name.upper()}", value)
        reset_settings()

    apply(webhooks_allow_private="true", webhook_retry_scale="0")
    outbound_webhooks.forget()
    yield apply
    monkeypatch.undo()
    reset_settings()
    outbound_webhooks.forget()


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


def drain(bus, rounds: int = 40, idle_rounds: int = 2) -> int:
    """Run the webhook_deliver work until the queue is empty; answers the attempts made."""
    done, idle = 0, 0
    for _ in range(rounds):
        batch = bus.receive(QUEUE, max_messages=10, wait_s=0.2)
        if not batch:
            idle += 1
            if idle >= idle_rounds:
                break
            continue
        idle = 0
        for delivery in batch:
            outbound_webhooks.deliver(delivery.json(), receive_count=delivery.receive_count)
            bus.ack(delivery)
            done += 1
    return done


def register(account, url: str, events=("message.received",)) -> dict:
    r = account.post("/api/webhooks", {"url": url, "events": list(events)})
    assert r.status_code == 201, r.text
    return r.json()


def log(account, webhook_id: str, **params) -> dict:
    r = account.get(f"/api/webhooks/{webhook_id}/deliveries", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_delivery_is_signed_with_the_documented_recipe(tenant_a, settings_env, receiver, api_runtime):
    hook = register(tenant_a, receiver.url)
    assert hook["secret"].startswith("whsec_") and hook["enabled"] is True
    listed = tenant_a.get("/api/webhooks").json()
    assert [h["id"] for h in listed["items"]] == [hook["id"]] and listed["next_cursor"] is None
    assert hook["secret"] not in json.dumps(listed) and "secret" not in tenant_a.get(f"/api/webhooks/{hook['id']}").json()

    assert outbound_webhooks.publish(tenant_a.tenant_id, "message.received", {"text": "Olá, ação!"},
                                     key=("wamid-1",)) == 1
    assert outbound_webhooks.publish(tenant_a.tenant_id, "message.status", {"status": "read"}) == 0  # not subscribed
    drain(api_runtime.bus)
    [request] = receiver.requests
    body, headers = request["body"], request["headers"]
    assert verify(hook["secret"], headers["Alrea-Signature"], body)
    assert not verify(hook["secret"], headers["Alrea-Signature"], body + b" ")
    assert not verify("whsec_other", headers["Alrea-Signature"], body)
    payload = json.loads(body)
    assert set(payload) == {"id", "type", "created_at", "tenant_id", "data"}
    assert payload["type"] == "message.received" and payload["tenant_id"] == tenant_a.tenant_id
    assert payload["data"] == {"text": "Olá, ação!"} and headers["Alrea-Event-Id"] == payload["id"]
    # the same fact again is the same event: no second delivery
    outbound_webhooks.publish(tenant_a.tenant_id, "message.received", {"text": "Olá, ação!"}, key=("wamid-1",))
    drain(api_runtime.bus)
    assert len(receiver.requests) == 1


def test_a_receiver_failing_three_times_gets_the_fourth_and_the_log_shows_every_attempt(
        tenant_a, settings_env, receiver, api_runtime):
    receiver.fail_first = 3
    hook = register(tenant_a, receiver.url)
    outbound_webhooks.publish(tenant_a.tenant_id, "message.received", {"n": 1}, key=("wamid-2",))
    assert drain(api_runtime.bus) == 4
    assert len(receiver.requests) == 4
    assert len({r["headers"]["Alrea-Event-Id"] for r in receiver.requests}) == 1
    assert all(verify(hook["secret"], r["headers"]["Alrea-Signature"], r["body"]) for r in receiver.requests)
    [delivery] = log(tenant_a, hook["id"])["items"]
    assert delivery["status"] == "succeeded" and delivery["next_attempt_at"] is None
    assert [a["status_code"] for a in delivery["attempts"]] == [500, 500, 500, 200]
    assert all(len(a["response"].encode()) <= 1024 for a in delivery["attempts"])
    assert delivery["attempts"][0]["response"].startswith("boom") and delivery["attempts"][3]["response"] == '{"ok":true}'
    assert all(a["latency_ms"] >= 0 and a["at"] for a in delivery["attempts"])
    assert log(tenant_a, hook["id"], status="failed")["items"] == []
    assert [d["id"] for d in log(tenant_a, hook["id"], status="succeeded")["items"]] == [delivery["id"]]
    # the failing streak ended with the success
    assert tenant_a.get(f"/api/webhooks/{hook['id']}").json()["failing_since"] is None


def test_replay_sends_the_same_event_again_as_a_new_delivery(tenant_a, settings_env, receiver, api_runtime):
    hook = register(tenant_a, receiver.url)
    outbound_webhooks.publish(tenant_a.tenant_id, "message.received", {"n": 2}, key=("wamid-3",))
    drain(api_runtime.bus)
    [first] = log(tenant_a, hook["id"])["items"]
    r = tenant_a.post(f"/api/webhooks/{hook['id']}/deliveries/{first['id']}/replay")
    assert r.status_code == 202, r.text
    assert r.json()["replay_of"] == first["id"] and r.json()["status"] == "pending"
    drain(api_runtime.bus)
    assert len(receiver.requests) == 2
    assert receiver.requests[0]["body"] == receiver.requests[1]["body"]
    assert {r["headers"]["Alrea-Event-Id"] for r in receiver.requests} == {json.loads(receiver.requests[0]["body"])["id"]}
    items = log(tenant_a, hook["id"])["items"]
    assert len(items) == 2 and all(d["status"] == "succeeded" for d in items)
    assert tenant_a.post(f"/api/webhooks/{hook['id']}/deliveries/{'0' * 8}/replay").status_code == 404


def test_loopback_and_private_targets_are_refused_when_the_local_dev_setting_is_off(
        tenant_a, settings_env, receiver, api_runtime):
    hook = register(tenant_a, receiver.url)  # allowed while the setting is on
    settings_env(webhooks_allow_private="false")
    for url in (receiver.url, receiver.url.replace("http://", "https://"), "https://localhost/x",
                "https://10.1.2.3/x", "https://169.254.169.254/latest", "https://[::1]/x", "ftp://example.com/x"):
        r = tenant_a.post("/api/webhooks", {"url": url, "events": ["message.received"]})
        assert r.status_code == 422 and r.json()["field"] == "url", (url, r.text)
    # re-checked at delivery time: the stored loopback endpoint gets nothing
    outbound_webhooks.publish(tenant_a.tenant_id, "message.received", {"n": 3}, key=("wamid-4",))
    drain(api_runtime.bus, rounds=3)
    assert receiver.requests == []
    [delivery] = log(tenant_a, hook["id"])["items"]
    assert "não permitido" in delivery["attempts"][0]["error"] and delivery["attempts"][0]["status_code"] is None


def test_the_last_failed_attempt_marks_the_delivery_failed(tenant_a, settings_env, receiver, api_runtime):
    receiver.fail_first = 1000
    hook = register(tenant_a, receiver.url)
    outbound_webhooks.publish(tenant_a.tenant_id, "message.received", {"n": 4}, key=("wamid-5",))
    drain(api_runtime.bus, rounds=60)
    [delivery] = log(tenant_a, hook["id"], status="failed")["items"]
    assert len(delivery["attempts"]) == 10 and len(receiver.requests) == 10
    endpoint = tenant_a.get(f"/api/webhooks/{hook['id']}").json()
    assert endpoint["enabled"] is True and endpoint["failing_since"] is not None


def test_an_endpoint_failing_for_a_whole_day_is_disabled(tenant_a, settings_env, receiver, api_runtime, app_logs):
    settings_env(webhook_disable_after_s="0")  # "a whole day" elapses at once
    receiver.fail_first = 1000
    hook = register(tenant_a, receiver.url)
    outbound_webhooks.publish(tenant_a.tenant_id, "message.received", {"n": 5}, key=("wamid-6",))
    drain(api_runtime.bus)
    endpoint = tenant_a.get(f"/api/webhooks/{hook['id']}").json()
    assert endpoint["enabled"] is False and "24 horas" in endpoint["disabled_reason"]
    assert len(receiver.requests) == 2  # the first starts the streak, the second ends the day; then it stops
    [delivery] = log(tenant_a, hook["id"])["items"]
    assert delivery["status"] == "failed" and delivery["attempts"][-1]["error"] == "endpoint desativado"
    assert "webhook endpoint disabled" in app_logs.getvalue()
    [told] = [n for n in tenant_a.get("/api/notifications").json()["items"] if n["kind"] == "webhook_disabled"]
    assert told["link"] == "/settings/webhooks" and receiver.url in told["body"] and "24 horas" in told["body"]
    assert outbound_webhooks.publish(tenant_a.tenant_id, "message.received", {"n": 6}) == 0
    enabled = tenant_a.patch(f"/api/webhooks/{hook['id']}", {"enabled": True}).json()
    assert enabled["enabled"] is True and enabled["disabled_reason"] is None and enabled["failing_since"] is None


def test_a_deferred_attempt_is_republished_until_its_time(tenant_a, settings_env, receiver, api_runtime):
    hook = register(tenant_a, receiver.url)
    outbound_webhooks.publish(tenant_a.tenant_id, "message.received", {"n": 7}, key=("wamid-7",))
    [message] = api_runtime.bus.receive(QUEUE, max_messages=10, wait_s=0.5)
    later = {**message.json(), "not_before": time.time() + 3600}
    assert outbound_webhooks.deliver(later) == "deferred"
    api_runtime.bus.ack(message)
    assert receiver.requests == []
    assert log(tenant_a, hook["id"])["items"][0]["status"] == "pending"


def test_a_customer_message_reaches_the_endpoint_and_tenants_without_endpoints_cost_no_read(
        tenant_a, tenant_b, settings_env, receiver, api_runtime, monkeypatch):
    from test_campaigns_api import number
    from test_inbox_scoping import inbound_text

    from alrea.store import instances
    from alrea.store import webhooks as store

    reads: list[str] = []
    real = store.all_endpoints
    monkeypatch.setattr(store, "all_endpoints", lambda tid: reads.append(tid) or real(tid))
    hook = register(tenant_a, receiver.url)
    a = {"tid": tenant_a.tenant_id, "instance": instances.get(tenant_a.tenant_id, number(tenant_a.tenant_id))}
    b = {"tid": tenant_b.tenant_id, "instance": instances.get(tenant_b.tenant_id, number(tenant_b.tenant_id))}
    for i in range(3):
        inbound_text(b, f"551197777000{i}", f"Oi {i}", "Cliente B")
    cid = inbound_text(a, "5511977770009", "Quero um orçamento", "Cliente A")
    assert reads.count(tenant_b.tenant_id) == 1  # one read per cache period, not one per message
    drain(api_runtime.bus)
    [request] = receiver.requests
    payload = json.loads(request["body"])
    assert payload["type"] == "message.received" and payload["tenant_id"] == tenant_a.tenant_id
    data = payload["data"]
    assert data["conversation_id"] == cid and data["text"] == "Quero um orçamento"
    assert data["from"] == "+5511977770009" and data["number_id"] == a["instance"].instance_id
    assert verify(hook["secret"], request["headers"]["Alrea-Signature"], request["body"])


def test_partners_manage_webhooks_with_the_scope(tenant_a, tenant_b, settings_env, receiver, api_runtime):
    def key(*scopes: str) -> dict[str, str]:
        r = tenant_a.post("/api/api-keys", {"name": "ERP", "scopes": list(scopes)})
        return {"Authorization": f"Bearer {r.json()['secret']}"}

    manage, other = key("webhooks:manage"), key("numbers:read")
    c = tenant_a.client
    assert c.post("/v1/webhooks", json={"url": receiver.url, "events": ["message.status"]},
                  headers=other).status_code == 403
    once = {**manage, "Idempotency-Key": "create-1"}
    r = c.post("/v1/webhooks", json={"url": receiver.url, "events": ["message.status"]}, headers=once)
    assert r.status_code == 201, r.text
    again = c.post("/v1/webhooks", json={"url": receiver.url, "events": ["message.status"]}, headers=once)
    assert again.json() == r.json()  # the same answer, no second endpoint
    hook = r.json()
    listed = c.get("/v1/webhooks", headers=manage).json()
    assert [h["id"] for h in listed["items"]] == [hook["id"]]
    assert c.patch(f"/v1/webhooks/{hook['id']}", json={"events": ["message.status", "message.received"]},
                   headers=manage).json()["events"] == ["message.received", "message.status"]
    bad = c.post("/v1/webhooks", json={"url": receiver.url, "events": ["message.nope"]}, headers=manage)
    assert bad.status_code == 422 and "message.nope" in bad.json()["message"]
    assert tenant_b.get(f"/api/webhooks/{hook['id']}").status_code == 404
    assert c.get(f"/v1/webhooks/{hook['id']}/deliveries", headers=manage).json() == {"items": [],
                                                                                    "next_cursor": None}
    assert c.delete(f"/v1/webhooks/{hook['id']}", headers=manage).status_code == 204
    assert c.get(f"/v1/webhooks/{hook['id']}", headers=manage).status_code == 404


def test_only_admins_manage_webhooks(tenant_a, settings_env, receiver):
    agent = tenant_a.login_as(tenant_a.user("agent", tenant_a.department())["email"])
    assert agent.post("/api/webhooks", {"url": receiver.url, "events": ["message.status"]}).status_code == 403
    assert agent.get("/api/webhooks").status_code == 403
    events = tenant_a.get("/api/webhooks/events").json()["items"]
    assert [e["type"] for e in events][:2] == ["message.received", "message.status"]


def test_dynamodb_work_per_event_and_attempt(tenant_a, settings_env, receiver, api_runtime, monkeypatch):
    """Measured: publishing to one endpoint (cache warm) is one PutItem; an attempt is two GetItems and one
    UpdateItem; the first failure of a streak adds one UpdateItem (failing_since), the success that ends it one."""
    from collections import Counter

    import botocore.client

    calls: Counter[str] = Counter()
    original = botocore.client.BaseClient._make_api_call

    def counting(self, operation, params):
        if self.meta.service_model.service_name == "dynamodb":
            calls[operation] += 1
        return original(self, operation, params)

    receiver.fail_first = 1
    register(tenant_a, receiver.url)
    outbound_webhooks.publish(tenant_a.tenant_id, "message.received", {"n": 0}, key=("warm",))  # warms the cache
    drain(api_runtime.bus)
    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", counting)
    outbound_webhooks.publish(tenant_a.tenant_id, "message.received", {"n": 1}, key=("measured",))
    assert dict(calls) == {"PutItem": 1}
    calls.clear()
    receiver.fail_first = len(receiver.requests) + 1  # the next POST fails, the one after succeeds
    drain(api_runtime.bus)
    assert dict(calls) == {"GetItem": 4, "UpdateItem": 4}  # 2 attempts + failing_since set, then cleared
    calls.clear()
    outbound_webhooks.publish(tenant_a.tenant_id, "message.status", {"status": "read"})  # nobody subscribed
    assert dict(calls) == {}


def test_listeners_ready_for_the_facts_being_added_to_hooks(tenant_a, settings_env, receiver, api_runtime):
    """conversation.assigned / campaign.* / import.completed from facts shaped like the ones being added to
    services/hooks.py (the integrator registers these listeners there)."""
    from types import SimpleNamespace as Fact

    register(tenant_a, receiver.url, events=("conversation.assigned", "campaign.completed", "campaign.paused",
                                               "import.completed"))
    tid = tenant_a.tenant_id
    outbound_webhooks.on_conversation_assigned(Fact(tenant_id=tid, conversation_id="c1", user_id="u1",
                                                    contact="Ana", by_name="Bia"))
    outbound_webhooks.on_campaign_finished(Fact(tenant_id=tid, campaign_id="k1", outcome="completed", name="Promo"))
    outbound_webhooks.on_campaign_finished(Fact(tenant_id=tid, campaign_id="k2", outcome="auto_paused",
                                                name="Promo 2", reason="failures"))
    outbound_webhooks.on_import_finished(Fact(tenant_id=tid, import_id="i1", user_id="u1", status="done",
                                              file_name="c.csv", imported=3, updated=1, failed=0))
    outbound_webhooks.on_import_finished(Fact(tenant_id=tid, import_id="i1", user_id="u1", status="done"))  # again
    drain(api_runtime.bus)
    got = {json.loads(r["body"])["type"]: json.loads(r["body"])["data"] for r in receiver.requests}
    assert len(receiver.requests) == 4
    assert got["conversation.assigned"] == {"conversation_id": "c1", "user_id": "u1", "by": "Bia"}
    assert got["campaign.completed"]["campaign_id"] == "k1" and got["campaign.completed"]["automatic"] is False
    assert got["campaign.paused"] == {"campaign_id": "k2", "name": "Promo 2", "reason": "failures", "automatic": True}
    assert got["import.completed"]["imported"] == 3


def test_a_slow_receiver_times_out_and_the_attempt_says_so(tenant_a, settings_env, receiver, api_runtime):
    settings_env(webhook_timeout_s="0.3")
    receiver.delay_s = 1.0
    hook = register(tenant_a, receiver.url)
    outbound_webhooks.publish(tenant_a.tenant_id, "message.received", {"n": 8}, key=("wamid-8",))
    [message] = api_runtime.bus.receive(QUEUE, max_messages=10, wait_s=0.5)
    started = time.monotonic()
    assert outbound_webhooks.deliver(message.json()) == "retrying"
    assert time.monotonic() - started < 0.9
    api_runtime.bus.ack(message)
    [delivery] = log(tenant_a, hook["id"])["items"]
    [attempt] = delivery["attempts"]
    assert attempt["status_code"] is None and attempt["error"].startswith("timeout")
    assert delivery["status"] == "pending" and delivery["next_attempt_at"]


def test_the_log_pages_newest_first_with_one_cursor_codec(tenant_a, tenant_b, settings_env, receiver, api_runtime):
    hook = register(tenant_a, receiver.url)
    for n in range(5):
        outbound_webhooks.publish(tenant_a.tenant_id, "message.received", {"n": n}, key=(f"page-{n}",))
        time.sleep(0.002)  # distinct created_at
    seen, cursor, pages = [], None, 0
    while True:
        page = log(tenant_a, hook["id"], limit=2, **({"cursor": cursor} if cursor else {}))
        seen += [json.loads(d["payload"])["data"]["n"] for d in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [4, 3, 2, 1, 0] and pages == 3
    first = log(tenant_a, hook["id"], limit=2)
    r = tenant_a.get(f"/api/webhooks/{hook['id']}/deliveries", params={"cursor": first["next_cursor"], "status": "failed"})
    assert r.status_code == 422  # a cursor of another filter
    r = tenant_a.get(f"/api/webhooks/{hook['id']}/deliveries", params={"status": "sent"})
    assert r.status_code == 422


def test_a_deleted_endpoint_gets_nothing_more_and_a_tenant_purge_removes_every_log(
        tenant_a, settings_env, receiver, api_runtime):
    from alrea.services import privacy
    from alrea.store import webhooks as store

    kept, gone = register(tenant_a, receiver.url), register(tenant_a, receiver.url)
    outbound_webhooks.publish(tenant_a.tenant_id, "message.received", {"n": 9}, key=("wamid-9",))
    assert tenant_a.delete(f"/api/webhooks/{gone['id']}").status_code == 204
    assert tenant_a.get(f"/api/webhooks/{gone['id']}").status_code == 404
    assert tenant_a.delete(f"/api/webhooks/{gone['id']}").status_code == 404
    assert [h["id"] for h in tenant_a.get("/api/webhooks").json()["items"]] == [kept["id"]]
    drain(api_runtime.bus)
    assert len(receiver.requests) == 1  # the deleted endpoint's pending delivery stopped
    logs = {h: store.page_deliveries(tenant_a.tenant_id, h, None, None, 10).items for h in (kept["id"], gone["id"])}
    assert [d.status for d in logs[kept["id"]]] == ["succeeded"]
    assert [d.attempts[-1].error for d in logs[gone["id"]]] == ["endpoint removido"]
    privacy.purge_tenant(tenant_a.tenant_id)
    for hook_id, [delivery] in logs.items():
        assert store.get_delivery(tenant_a.tenant_id, hook_id, delivery.id) is None


def test_a_delayed_retry_on_rabbitmq(tenant_a, settings_env, receiver, api_runtime, rabbitmq_url):
    """The same retry through RabbitMQ (what `alrea dev` uses with BROKER_URL): the delay is a TTL queue."""
    import uuid

    from alrea.adapters.rabbitmq.bus import RabbitBus

    settings_env(webhook_retry_scale="0.04")  # the first retry waits 30 s × 0.04 ≈ 1.2 s (±20 %)
    bus = RabbitBus(rabbitmq_url, prefix=f"t{uuid.uuid4().hex[:8]}.")
    sqs, api_runtime.bus = api_runtime.bus, bus
    try:
        receiver.fail_first = 1
        hook = register(tenant_a, receiver.url)
        outbound_webhooks.publish(tenant_a.tenant_id, "message.received", {"n": 10}, key=("wamid-10",))
        started = time.monotonic()
        assert drain(bus, rounds=60, idle_rounds=20) == 2
        assert len(receiver.requests) == 2 and time.monotonic() - started >= 0.9
        [delivery] = log(tenant_a, hook["id"])["items"]
        assert [a["status_code"] for a in delivery["attempts"]] == [500, 200]
    finally:
        api_runtime.bus = sqs
        bus.delete_queues()
        bus.close()
