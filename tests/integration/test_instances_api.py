"""/api/instances over moto (the `aws` fixture) with the Evolution simulator over real HTTP."""
from __future__ import annotations

import httpx
import pytest

from alrea.adapters.evolution.client import EvolutionClient
from alrea.simulator.server import SimulatorServer
from alrea.simulator.state import Timing

API_KEY = "sim-instances-key"


@pytest.fixture(scope="module")
def sim():
    with SimulatorServer(api_key=API_KEY, timing=Timing(webhook_attempts=1, webhook_timeout_s=0.5)) as server:
        yield server


@pytest.fixture
def api_runtime(aws, sim):
    """Overrides the integration conftest's runtime: the WhatsApp port talks to the simulator."""
    from alrea.adapters.aws.s3 import S3Storage
    from alrea.adapters.aws.sqs import SqsBus
    from alrea.adapters.memory.push import MemoryPush
    from alrea.wiring import Runtime, set_runtime

    httpx.post(sim.url + "/_sim/reset")
    client = EvolutionClient(sim.url, API_KEY, timeout=2.0, backoff_s=0.01)
    rt = Runtime(bus=SqsBus(aws.queue_urls), push=MemoryPush(), pacer=None, whatsapp=client,  # type: ignore[arg-type]
                 storage=S3Storage(aws.bucket_name))
    set_runtime(rt)
    yield rt
    set_runtime(None)
    client.close()


def sim_instance(sim, name: str) -> dict:
    return next(i for i in httpx.get(sim.url + "/_sim/instances").json() if i["name"] == name)


def test_create_registers_the_instance_at_evolution_with_our_webhook(tenant_a, sim):
    from alrea.core.config import get_settings
    from alrea.store import instances

    r = tenant_a.post("/api/instances", {"name": "Vendas São Paulo"})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["name"] == "Vendas São Paulo" and body["state"] == "connecting"
    assert body["evolution_name"].startswith("t" + tenant_a.tenant_id.replace("-", "")[:8] + "-vendas-sao-paulo-")
    assert "jwt_key" not in body and "webhook_token" not in body
    stored = instances.get(tenant_a.tenant_id, body["id"])
    base = get_settings().public_base_url.rstrip("/")
    assert body["webhook_url"] == f"{base}/webhooks/evolution/{stored.webhook_token}"
    assert len(stored.webhook_token) >= 32 and len(stored.jwt_key) >= 32
    at_evolution = sim_instance(sim, body["evolution_name"])
    hook = at_evolution["webhook"]
    assert hook["url"] == body["webhook_url"] and hook["headers"] == {"jwt_key": stored.jwt_key}
    assert hook["by_events"] is False
    assert set(hook["events"]) == {"MESSAGES_UPSERT", "MESSAGES_UPDATE", "MESSAGES_DELETE", "SEND_MESSAGE",
                                   "CONTACTS_UPSERT", "CONTACTS_UPDATE", "CHATS_UPDATE", "CONNECTION_UPDATE",
                                   "QRCODE_UPDATED", "PRESENCE_UPDATE"}
    # the pointers webhook ingest uses
    assert instances.find_by_webhook_token(stored.webhook_token) == stored
    assert instances.find_by_evolution_name(body["evolution_name"]) == stored
    assert instances.find_by_webhook_token("unknown-token-0123456789") is None
    assert instances.find_by_evolution_name("nope") is None

    listed = tenant_a.get("/api/instances")
    assert listed.status_code == 200 and [i["id"] for i in listed.json()["items"]] == [body["id"]]
    got = tenant_a.get(f"/api/instances/{body['id']}")
    assert got.status_code == 200 and got.json() == body


def test_another_tenants_instance_is_not_found(tenant_a, tenant_b):
    created = tenant_a.post("/api/instances", {"name": "Suporte"}).json()
    for call in (lambda: tenant_b.get(f"/api/instances/{created['id']}"),
                 lambda: tenant_b.get(f"/api/instances/{created['id']}/qrcode"),
                 lambda: tenant_b.get(f"/api/instances/{created['id']}/state"),
                 lambda: tenant_b.post(f"/api/instances/{created['id']}/logout"),
                 lambda: tenant_b.delete(f"/api/instances/{created['id']}")):
        r = call()
        assert r.status_code == 404, r.text
        assert r.json()["message"] == "Número de WhatsApp não encontrado."
    assert tenant_b.get("/api/instances").json()["items"] == []
    assert tenant_a.get(f"/api/instances/{created['id']}").status_code == 200


def test_plan_limit_answers_402_and_a_delete_frees_the_slot(tenant_a, sim):
    from alrea.store import tenants

    max_numbers = tenants.get_tenant(tenant_a.tenant_id).limits_dict()["max_numbers"] or 1
    ids = []
    for i in range(max_numbers):
        r = tenant_a.post("/api/instances", {"name": f"Número {i}"})
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    over = tenant_a.post("/api/instances", {"name": "Um a mais"})
    assert over.status_code == 402, over.text
    assert over.json()["error"] == "plan_limit"
    assert f"até {max_numbers}" in over.json()["message"]
    evolution_name = tenant_a.get(f"/api/instances/{ids[0]}").json()["evolution_name"]
    assert tenant_a.delete(f"/api/instances/{ids[0]}").status_code == 204
    assert tenant_a.get(f"/api/instances/{ids[0]}").status_code == 404
    assert all(i["name"] != evolution_name for i in httpx.get(sim.url + "/_sim/instances").json())
    assert tenant_a.post("/api/instances", {"name": "De novo"}).status_code == 201


def test_qrcode_scan_state_and_logout(tenant_a, sim):
    created = tenant_a.post("/api/instances", {"name": "Atendimento"}).json()
    iid = created["id"]
    qr = tenant_a.get(f"/api/instances/{iid}/qrcode")
    assert qr.status_code == 200, qr.text
    assert qr.json()["state"] == "connecting" and qr.json()["base64"].startswith("data:image/png;base64,")
    pairing = tenant_a.get(f"/api/instances/{iid}/qrcode", params={"number": "+5511987650000"})
    assert len(pairing.json()["pairing_code"]) == 8
    assert tenant_a.get(f"/api/instances/{iid}/qrcode", params={"number": "abc"}).status_code == 422
    httpx.post(f"{sim.url}/_sim/instances/{created['evolution_name']}/scan", json={"number": "5511987650000"})
    state = tenant_a.get(f"/api/instances/{iid}/state")
    assert state.status_code == 200 and state.json()["state"] == "open"
    assert tenant_a.get(f"/api/instances/{iid}/qrcode").json() == {"state": "open", "code": None,
                                                                  "base64": None, "pairing_code": None}
    out = tenant_a.post(f"/api/instances/{iid}/logout")
    assert out.status_code == 200 and out.json()["state"] == "close"
    assert tenant_a.post(f"/api/instances/{iid}/logout").status_code == 200  # already out: still fine
    assert sim_instance(sim, created["evolution_name"])["state"] == "close"


def test_bad_input_and_roles(tenant_a, tenant_b):
    assert tenant_a.post("/api/instances", {"name": "   "}).status_code == 422
    assert tenant_a.post("/api/instances", {"name": "x" * 61}).status_code == 422
    assert tenant_a.post("/api/instances", {"nome": "x"}).status_code == 422
    assert tenant_a.get("/api/instances/not-a-real-id").status_code == 404
    assert tenant_a.get("/api/instances/" + "x" * 300).status_code == 404
    department = tenant_a.department("Vendas")
    agent = tenant_a.user("agent", department_id=department)
    as_agent = tenant_a.login_as(agent["email"])
    assert as_agent.post("/api/instances", {"name": "Meu"}).status_code == 403
    assert as_agent.get("/api/instances").status_code == 200
    assert tenant_a.client.get("/api/instances").status_code == 401


def test_evolution_down_answers_502_and_stores_nothing(tenant_a, api_runtime, sim):
    from alrea.store import instances

    api_runtime.whatsapp = EvolutionClient("http://127.0.0.1:9", API_KEY, timeout=0.5, connect_timeout=0.2,
                                           backoff_s=0.01)
    r = tenant_a.post("/api/instances", {"name": "Sem Evolution"})
    assert r.status_code == 502, r.text
    assert r.json() == {"error": "evolution_unavailable",
                        "message": "Evolution API indisponível; tente novamente em instantes."}
    assert tenant_a.get("/api/instances").json()["items"] == []
    assert instances.count(tenant_a.tenant_id) == 0


def test_instance_deleted_at_evolution_answers_409_and_5xx_answers_502(tenant_a, sim):
    created = tenant_a.post("/api/instances", {"name": "Perdido"}).json()
    httpx.post(sim.url + "/_sim/faults", json={"error_rate": 1.0, "error_kind": "generic"})
    try:
        r = tenant_a.get(f"/api/instances/{created['id']}/state")
        assert r.status_code == 502 and "indisponível" in r.json()["message"]
    finally:
        httpx.post(sim.url + "/_sim/faults", json={"error_rate": 0})
    sim.state.delete(created["evolution_name"])
    r = tenant_a.get(f"/api/instances/{created['id']}/qrcode")
    assert r.status_code == 409 and "não existe mais" in r.json()["message"]
    assert tenant_a.delete(f"/api/instances/{created['id']}").status_code == 204


def test_the_limit_holds_under_concurrent_creates(aws):
    from concurrent.futures import ThreadPoolExecutor

    from alrea.core.errors import LimitReached
    from alrea.store import instances

    tenant_id = "tenant-concurrency"

    def attempt(i: int) -> str:
        record = instances.Instance(tenant_id=tenant_id, instance_id=f"i-{i}", name=f"n{i}",
                                    evolution_name=f"evo-{i}", webhook_token=f"token-{i:0>32}",
                                    jwt_key="k" * 40, created_at="2026-01-01T00:00:00.000Z")
        try:
            instances.create(record, max_numbers=2, limit_message="limit")
            return "created"
        except LimitReached:
            return "limit"

    with ThreadPoolExecutor(max_workers=6) as pool:
        outcomes = list(pool.map(attempt, range(6)))
    assert sorted(outcomes) == ["created"] * 2 + ["limit"] * 4
    assert instances.count(tenant_id) == 2 and len(instances.list(tenant_id)) == 2
