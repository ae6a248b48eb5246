"""/v1/campaigns over HTTP on the local runtime (gateway → api function, moto's Step Functions running the
CampaignRun, the planner and sender pollers, the Evolution simulator posting its webhooks back): a partner key
creates a campaign from a template and an audience, starts it, the simulator receives the sends, the campaign
shows its counters and recipients; pause/resume/cancel; scopes; another tenant's key gets 404 everywhere;
Idempotency-Key on create; explicit phones with an opted-out one left out; a customer's "SAIR" reaches a
partner's webhook as ``contact.opted_out``."""
from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from alrea import registry
from alrea.core.clock import iso, utcnow

FUNCTIONS = ("api", "webhook_ingest", "webhook_process", "campaign_plan", "campaign_send", "webhook_deliver")
FAST = {"min_delay_s": 0, "max_delay_s": 1, "window_start": "00:00", "window_end": "00:00",
        "weekdays": list(range(7))}
SLOW = {**FAST, "min_delay_s": 600, "max_delay_s": 900}  # one send, then nothing for ten minutes
READ, WRITE = "campaigns:read", "campaigns:write"

pytestmark = pytest.mark.usefixtures("roomy_partner_rate")  # keys made in a test get room for dozens of calls


@dataclass
class Tenant:
    tenant_id: str
    admin: dict[str, str]  # the admin's Authorization header
    number_id: str = ""


@dataclass
class World:
    rt: Any
    http: httpx.Client
    a: Tenant
    b: Tenant

    def sent_to(self, phones: list[str]) -> list[dict[str, Any]]:
        digits = {p.lstrip("+") for p in phones}
        sent = httpx.get(self.rt.simulator.url + "/_sim/sent", timeout=5).json()
        return [s for s in sent if s["number"] in digits]

    def key(self, tenant: Tenant, *scopes: str) -> dict[str, str]:
        r = self.http.post("/api/api-keys", headers=tenant.admin, json={"name": "ERP", "scopes": list(scopes)})
        assert r.status_code == 201, r.text
        return {"Authorization": f"Bearer {r.json()['secret']}"}

    def contacts(self, key: dict[str, str], n: int, tag: str) -> list[str]:
        phones = [phone() for _ in range(n)]
        for i, p in enumerate(phones):
            r = self.http.post("/v1/contacts", headers=key, json={"phone": p, "name": f"Pessoa {i}", "tags": [tag]})
            assert r.status_code == 201, r.text
        return phones

    def wait(self, key: dict[str, str], cid: str, check, timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            campaign = self.http.get(f"/v1/campaigns/{cid}", headers=key).json()
            if check(campaign) or time.monotonic() > deadline:
                return campaign
            time.sleep(0.3)


def phone() -> str:
    return f"+55119{uuid.uuid4().int % 10**8:08d}"


def signup(http: httpx.Client, company: str) -> Tenant:
    email = f"admin.{uuid.uuid4().hex[:10]}@acme.com.br"
    r = http.post("/api/auth/signup", json={"company": company, "name": "Ana Admin", "email": email,
                                            "password": "s3nha-Segura!"})
    assert r.status_code == 201, r.text
    from alrea.services import subscriptions

    subscriptions.apply_subscription(r.json()["tenant"]["id"], "professional")  # the API is not Starter's
    return Tenant(r.json()["tenant"]["id"], {"Authorization": f"Bearer {r.json()['access']}"})


def connect_number(rt: Any, tenant: Tenant) -> None:
    """A WhatsApp number of the tenant, connected at the simulator (as test_campaigns_run's worlds have)."""
    from alrea.ports.whatsapp import WEBHOOK_EVENTS
    from alrea.services import instances as instance_service
    from alrea.store import instances as instance_store

    name = "partner-" + uuid.uuid4().hex[:8]
    inst = instance_store.create(instance_store.Instance(
        tenant_id=tenant.tenant_id, instance_id=str(uuid.uuid4()), name=name, evolution_name=name,
        webhook_token="hook_" + uuid.uuid4().hex, jwt_key="jwt-" + uuid.uuid4().hex, state="open",
        created_at=iso(utcnow())), max_numbers=20, limit_message="limite")
    rt.simulator.add_instance(name, instance_service.webhook_url(inst), {"jwt_key": inst.jwt_key},
                              list(WEBHOOK_EVENTS), connected=True, number=phone().lstrip("+"))
    tenant.number_id = inst.instance_id


@pytest.fixture(scope="module")
def world(moto_server):
    from argon2 import PasswordHasher

    from alrea.adapters.memory.push import MemoryPush
    from alrea.local.moto import free_port
    from alrea.local.runtime import LocalRuntime, RuntimeOptions
    from alrea.services import passwords

    httpx.post(moto_server + "/moto-api/reset")  # a fresh CampaignRun state machine for this runtime
    httpx.post(moto_server + "/moto-api/config", json={"stepfunctions": {"execute_state_machine": True}})
    suffix = uuid.uuid4().hex[:8]
    rt = LocalRuntime(RuntimeOptions(
        port=free_port(), table_name=f"pc-{suffix}", bucket_name=f"pc-{suffix}", queue_prefix=f"p{suffix}-",
        seed=False, spa_dir=None, simulator=True, visibility_override_s=2, poll_wait_s=0.2,
        functions=[registry.by_name(n) for n in FUNCTIONS])).start()
    rt.runtime.push = MemoryPush()
    with pytest.MonkeyPatch.context() as mp, httpx.Client(base_url=rt.base_url, timeout=30) as http:
        # argon2 with small costs (as the integration conftest's light_password_hashing) for the two sign-ups
        mp.setattr(passwords, "hasher", lambda: PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        w = World(rt, http, signup(http, "Empresa A"), signup(http, "Empresa B"))
        mp.undo()
        connect_number(rt, w.a)
        connect_number(rt, w.b)
        yield w
    rt.stop()


def create(world: World, key: dict[str, str], tag: str | None = None, *, pacing: dict | None = None,
           **body: Any) -> dict[str, Any]:
    payload = {"name": "Campanha " + (tag or "API"), "text": "{Oi|Olá} {{nome|cliente}}, temos novidades!",
               "audience": {"tags": [tag]} if tag else {}, "number_ids": [world.a.number_id],
               "pacing": pacing or FAST, **body}
    r = world.http.post("/v1/campaigns", headers=key, json=payload)
    assert r.status_code == 201, r.text
    return r.json()


def test_a_partner_creates_and_starts_a_campaign_the_sends_go_out_and_it_reads_counters_and_recipients(world):
    key = world.key(world.a, READ, WRITE, "contacts:write")
    tag = "t" + uuid.uuid4().hex[:8]
    phones = world.contacts(key, 3, tag)
    draft = create(world, key, tag)
    assert draft["status"] == "draft" and draft["number_ids"] == [world.a.number_id]
    assert draft["audience"] == {"tags": [tag], "contact_ids": []} and "instance_ids" not in draft
    listed = world.http.get("/v1/campaigns", headers=key).json()
    assert draft["id"] in [c["id"] for c in listed["items"]] and "next_cursor" in listed

    started = world.http.post(f"/v1/campaigns/{draft['id']}/start", headers=key)
    assert started.status_code == 200, started.text
    assert started.json()["status"] == "running" and started.json()["counters"]["total"] == 3
    assert started.headers["RateLimit-Remaining"]
    done = world.wait(key, draft["id"], lambda c: c["status"] == "completed" and c["counters"]["delivered"] == 3)
    assert done["status"] == "completed", done
    assert done["counters"]["sent"] == 3 and done["counters"]["pending"] == 0 and done["counters"]["delivered"] == 3
    sent = world.sent_to(phones)
    assert sorted(s["number"] for s in sent) == sorted(p.lstrip("+") for p in phones)  # each once
    assert all(s["text"].split()[0] in ("Oi", "Olá") and "Pessoa" in s["text"] for s in sent)

    first = world.http.get(f"/v1/campaigns/{draft['id']}/recipients", headers=key, params={"limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = world.http.get(f"/v1/campaigns/{draft['id']}/recipients", headers=key,
                          params={"limit": 2, "cursor": first["next_cursor"]}).json()
    rows = first["items"] + rest["items"]
    assert sorted(r["phone"] for r in rows) == sorted(phones) and rest["next_cursor"] is None
    assert all(r["number_id"] == world.a.number_id and r["sent_at"] and r["wamid"] for r in rows)
    assert all(r["status"] in ("delivered", "read") for r in rows)
    read = world.http.get(f"/v1/campaigns/{draft['id']}/recipients", headers=key, params={"status": "nope"})
    assert read.status_code == 422 and read.json()["field"] == "status"
    # the app sees the same campaign
    assert world.http.get(f"/api/campaigns/{draft['id']}", headers=world.a.admin).json()["status"] == "completed"


def test_pause_resume_and_cancel(world):
    key = world.key(world.a, READ, WRITE, "contacts:write")
    tag = "t" + uuid.uuid4().hex[:8]
    world.contacts(key, 3, tag)
    cid = create(world, key, tag, pacing=SLOW)["id"]
    post = lambda action: world.http.post(f"/v1/campaigns/{cid}/{action}", headers=key)  # noqa: E731
    assert post("pause").status_code == 409  # a draft is not running
    assert post("start").json()["status"] == "running"
    paused = post("pause")
    assert paused.status_code == 200 and paused.json()["status"] == "paused", paused.text
    again = post("pause")
    assert again.status_code == 409 and again.json()["error"] == "conflict"
    assert post("start").status_code == 409
    resumed = post("resume")
    assert resumed.status_code == 200 and resumed.json()["status"] == "running"
    assert resumed.json()["counters"]["total"] == 3
    cancelled = post("cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["completed_at"]
    assert post("resume").status_code == 409 and post("cancel").status_code == 409
    assert world.http.get(f"/v1/campaigns/{cid}", headers=key).json()["status"] == "cancelled"


def test_each_route_needs_its_scope(world):
    reader, other = world.key(world.a, READ), world.key(world.a, "contacts:read", "contacts:write")
    cid = create(world, world.key(world.a, WRITE), None, audience={"phones": [phone()]})["id"]
    assert world.http.get(f"/v1/campaigns/{cid}", headers=reader).status_code == 200
    assert world.http.get(f"/v1/campaigns/{cid}/recipients", headers=reader).json() == {"items": [],
                                                                                       "next_cursor": None}
    for path in ("", f"/{cid}/start", f"/{cid}/pause", f"/{cid}/resume", f"/{cid}/cancel"):
        r = world.http.post(f"/v1/campaigns{path}", headers=reader, json={})
        assert r.status_code == 403 and r.json()["scope"] == WRITE, (path, r.text)
    for path in ("", f"/{cid}", f"/{cid}/recipients"):
        r = world.http.get(f"/v1/campaigns{path}", headers=other)
        assert r.status_code == 403 and r.json()["scope"] == READ, (path, r.text)
    assert world.http.get("/v1/campaigns").status_code == 401


def test_another_tenants_key_gets_404_on_every_campaign_route(world):
    key = world.key(world.a, READ, WRITE)
    cid = create(world, key, None, audience={"phones": [phone()]})["id"]
    intruder = world.key(world.b, READ, WRITE)
    for method, path in (("GET", f"/v1/campaigns/{cid}"), ("GET", f"/v1/campaigns/{cid}/recipients"),
                         ("POST", f"/v1/campaigns/{cid}/start"), ("POST", f"/v1/campaigns/{cid}/pause"),
                         ("POST", f"/v1/campaigns/{cid}/resume"), ("POST", f"/v1/campaigns/{cid}/cancel")):
        r = world.http.request(method, path, headers=intruder)
        assert r.status_code == 404 and r.json()["error"] == "not_found", (method, path, r.text)
    assert cid not in [c["id"] for c in world.http.get("/v1/campaigns", headers=intruder).json()["items"]]
    # nor may B's campaign use A's number
    r = world.http.post("/v1/campaigns", headers=intruder, json={
        "name": "x", "text": "Oi", "audience": {"phones": [phone()]}, "number_ids": [world.a.number_id]})
    assert r.status_code == 422 and r.json()["field"] == "number_ids"
    assert world.http.get(f"/v1/campaigns/{cid}", headers=key).json()["status"] == "draft"  # untouched


def test_create_is_idempotent_per_key(world):
    key = world.key(world.a, READ, WRITE)
    once = {**key, "Idempotency-Key": "erp-campaign-" + uuid.uuid4().hex[:6]}
    body = {"name": "Idem " + uuid.uuid4().hex[:6], "text": "Oi {{nome}}", "audience": {"phones": [phone()]},
            "number_ids": [world.a.number_id], "pacing": FAST}
    first = world.http.post("/v1/campaigns", headers=once, json=body)
    second = world.http.post("/v1/campaigns", headers=once, json=body)
    assert first.status_code == second.status_code == 201, (first.text, second.text)
    assert second.json() == first.json()
    named = [c for c in world.http.get("/v1/campaigns", headers=key).json()["items"] if c["name"] == body["name"]]
    assert [c["id"] for c in named] == [first.json()["id"]]
    other = world.http.post("/v1/campaigns", headers=once, json={**body, "name": body["name"] + "!"})
    assert other.status_code == 422 and "Idempotency-Key" in other.json()["message"]
    # starting twice with one Idempotency-Key answers the first start again, not a 409
    start_once = {**key, "Idempotency-Key": "erp-start-" + uuid.uuid4().hex[:6]}
    started = world.http.post(f"/v1/campaigns/{first.json()['id']}/start", headers=start_once)
    replayed = world.http.post(f"/v1/campaigns/{first.json()['id']}/start", headers=start_once)
    assert started.status_code == replayed.status_code == 200 and replayed.json() == started.json()


def test_explicit_phones_become_contacts_and_an_opted_out_phone_is_left_out(world):
    key = world.key(world.a, READ, WRITE, "contacts:read", "contacts:write")
    known, new, opted = phone(), phone(), phone()
    contact = world.http.post("/v1/contacts", headers=key, json={"phone": opted, "name": "Sai Fora"}).json()
    assert world.http.post(f"/v1/contacts/{contact['id']}/opt-out", headers=key, json={}).status_code == 200
    world.http.post("/v1/contacts", headers=key, json={"phone": known, "name": "Conhecida"})
    national = f"({known[3:5]}) {known[5:10]}-{known[10:]}"  # the app's region (BR) reads it as `known`
    bad = world.http.post("/v1/campaigns", headers=key, json={
        "name": "x", "text": "Oi", "audience": {"phones": [new, "12"]}, "number_ids": [world.a.number_id]})
    assert bad.status_code == 422 and bad.json()["field"] == "audience.phones[1]", bad.text
    assert world.http.get("/v1/contacts", headers=key, params={"q": new}).json()["items"] == []  # none created
    draft = create(world, key, None, audience={"phones": [national, new, opted, known]})
    assert len(draft["audience"]["contact_ids"]) == 3  # `known` twice, once
    made = world.http.get("/v1/contacts", headers=key, params={"q": new}).json()["items"]
    assert [c["phone"] for c in made] == [new] and made[0]["source"] == "api"
    started = world.http.post(f"/v1/campaigns/{draft['id']}/start", headers=key).json()
    assert started["counters"]["total"] == 2
    done = world.wait(key, draft["id"], lambda c: c["status"] == "completed")
    assert done["status"] == "completed" and done["counters"]["sent"] == 2, done
    rows = world.http.get(f"/v1/campaigns/{draft['id']}/recipients", headers=key).json()["items"]
    assert sorted(r["phone"] for r in rows) == sorted([known, new])
    assert sorted(s["number"] for s in world.sent_to([known, new, opted])) == sorted(
        p.lstrip("+") for p in (known, new))
    only_opted = world.http.post("/v1/campaigns", headers=key, json={
        "name": "Ninguém", "text": "Oi", "audience": {"phones": [opted]}, "number_ids": [world.a.number_id]})
    r = world.http.post(f"/v1/campaigns/{only_opted.json()['id']}/start", headers=key)
    assert r.status_code == 422 and r.json()["field"] == "audience"


def test_explicit_phones_past_the_plans_contacts_create_none(world):
    from alrea.store.tenants import set_limits

    set_limits(world.a.tenant_id, max_contacts=500)  # an operator's exception: 500 contacts
    key = world.key(world.a, WRITE, "contacts:read")
    phones = [phone() for _ in range(600)]  # past the 500 contacts
    r = world.http.post("/v1/campaigns", headers=key, json={
        "name": "Grande", "text": "Oi", "audience": {"phones": phones}, "number_ids": [world.a.number_id]})
    assert r.status_code == 402 and r.json()["error"] == "plan_limit", r.text
    for p in (phones[0], phones[-1]):
        assert world.http.get("/v1/contacts", headers=key, params={"q": p}).json()["items"] == []
    too_many = world.http.post("/v1/campaigns", headers=key, json={
        "name": "Grande", "text": "Oi", "audience": {"phones": phones * 2}, "number_ids": [world.a.number_id]})
    assert too_many.status_code == 422  # past 1,000 phones: use tags


def test_a_customers_keyword_reaches_the_partners_webhook_as_contact_opted_out(world):
    from test_outbound_webhooks import Receiver, verify

    receiver = Receiver()
    try:
        hooks = world.key(world.b, "webhooks:manage")
        r = world.http.post("/v1/webhooks", headers=hooks, json={"url": receiver.url, "events": [
            "contact.opted_out", "campaign.started"]})
        assert r.status_code == 201, r.text
        secret = r.json()["secret"]
        key = world.key(world.b, READ, WRITE)
        customer = phone()
        cid = create(world, key, None, audience={"phones": [customer]}, number_ids=[world.b.number_id])["id"]
        world.http.post(f"/v1/campaigns/{cid}/start", headers=key)
        world.wait(key, cid, lambda c: c["status"] == "completed")
        from alrea.store import instances

        number = instances.get(world.b.tenant_id, world.b.number_id)
        httpx.post(f"{world.rt.simulator.url}/_sim/instances/{number.evolution_name}/inbound",
                   json={"from": customer.lstrip("+"), "text": "SAIR"}, timeout=5).raise_for_status()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(receiver.requests) < 2:
            time.sleep(0.2)
        events = {json.loads(q["body"])["type"]: q for q in receiver.requests}
        assert set(events) == {"campaign.started", "contact.opted_out"}, [q["body"] for q in receiver.requests]
        out = events["contact.opted_out"]
        assert verify(secret, out["headers"]["Alrea-Signature"], out["body"])
        data = json.loads(out["body"])["data"]
        assert data["phone"] == customer and data["source"] == "whatsapp" and data["reason"].startswith("palavra")
        started = json.loads(events["campaign.started"]["body"])["data"]
        assert started["campaign_id"] == cid and started["total"] == 1 and started["resumed"] is False
    finally:
        receiver.close()
