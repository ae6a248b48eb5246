"""Partner API keys: created by an admin (secret shown once), scoped, rate limited per key across instances,
revoked at once, and bound to their tenant on every ``/v1`` route."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from alrea.adapters.evolution.client import EvolutionClient
from alrea.core.errors import TooManyRequests
from alrea.domain.api_keys import Rate
from alrea.simulator.server import SimulatorServer
from alrea.simulator.state import Timing

SIM_KEY = "sim-partner-key"


@pytest.fixture(scope="module")
def sim():
    with SimulatorServer(api_key=SIM_KEY, timing=Timing(webhook_attempts=1, webhook_timeout_s=0.5)) as server:
        yield server


@pytest.fixture
def api_runtime(aws, sim):
    """The integration runtime with the WhatsApp port on the simulator (numbers can be created)."""
    from alrea.adapters.aws.s3 import S3Storage
    from alrea.adapters.aws.sqs import SqsBus
    from alrea.adapters.memory.push import MemoryPush
    from alrea.wiring import Runtime, set_runtime

    client = EvolutionClient(sim.url, SIM_KEY, timeout=2.0, backoff_s=0.01)
    rt = Runtime(bus=SqsBus(aws.queue_urls), push=MemoryPush(), pacer=None, whatsapp=client,  # type: ignore[arg-type]
                 storage=S3Storage(aws.bucket_name))
    set_runtime(rt)
    yield rt
    set_runtime(None)
    client.close()


def new_key(account, *scopes: str, name: str = "ERP") -> dict:
    r = account.post("/api/api-keys", {"name": name, "scopes": list(scopes)})
    assert r.status_code == 201, r.text
    return r.json()


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_an_admin_creates_a_key_whose_secret_is_shown_once(tenant_a):
    body = new_key(tenant_a, "numbers:read", "contacts:read", name="Integração ERP")
    secret = body["secret"]
    assert secret.startswith("alr_live_") and len(secret) >= 52
    assert body["prefix"] == secret[:15] and body["scopes"] == ["contacts:read", "numbers:read"]
    assert body["created_by"] == tenant_a.user_id and body["revoked"] is False
    listed = tenant_a.get("/api/api-keys").json()
    assert listed["next_cursor"] is None
    [item] = [k for k in listed["items"] if k["id"] == body["id"]]
    assert "secret" not in item and secret not in str(listed)
    assert item["last_used_at"] is None
    r = tenant_a.client.get("/v1/numbers", headers=bearer(secret))
    assert r.status_code == 200, r.text
    assert r.json() == {"items": [], "next_cursor": None}
    assert int(r.headers["RateLimit-Limit"]) >= 1 and "RateLimit-Remaining" in r.headers
    assert tenant_a.client.get("/v1/numbers", headers={"X-Api-Key": secret}).status_code == 200
    [item] = [k for k in tenant_a.get("/api/api-keys").json()["items"] if k["id"] == body["id"]]
    assert item["last_used_at"] is not None


def test_only_admins_manage_keys_and_bad_bodies_are_422(tenant_a):
    agent = tenant_a.login_as(tenant_a.user("agent", tenant_a.department())["email"])
    assert agent.post("/api/api-keys", {"name": "x", "scopes": ["numbers:read"]}).status_code == 403
    assert agent.get("/api/api-keys").status_code == 403
    r = tenant_a.post("/api/api-keys", {"name": "x", "scopes": ["numbers:read", "root:all"]})
    assert r.status_code == 422 and "root:all" in r.json()["message"]
    assert tenant_a.post("/api/api-keys", {"name": "x", "scopes": []}).status_code == 422
    assert tenant_a.post("/api/api-keys", {"name": "  ", "scopes": ["numbers:read"]}).status_code == 422
    scopes = tenant_a.get("/api/api-keys/scopes").json()["items"]
    assert {"scope": "messages:send", "label": "Enviar mensagens"} in scopes


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer"}, {"Authorization": "Bearer alr_live_" + "x" * 43},
    {"X-Api-Key": "not-a-key"}, {"Authorization": "Basic dXNlcjpwYXNz"},
], ids=["none", "empty", "unknown", "garbage", "basic"])
def test_no_valid_key_is_401(client, headers):
    r = client.get("/v1/numbers", headers=headers)
    assert r.status_code == 401
    assert "alr_live_" in r.json()["message"]


def test_a_key_without_the_scope_is_403_naming_it(tenant_a):
    secret = new_key(tenant_a, "contacts:read")["secret"]
    r = tenant_a.client.get("/v1/numbers", headers=bearer(secret))
    assert r.status_code == 403
    assert r.json()["scope"] == "numbers:read" and "numbers:read" in r.json()["message"]


def test_a_revoked_key_is_refused_at_once(tenant_a):
    key = new_key(tenant_a, "numbers:read")
    assert tenant_a.client.get("/v1/numbers", headers=bearer(key["secret"])).status_code == 200
    assert tenant_a.delete(f"/api/api-keys/{key['id']}").status_code == 204
    assert tenant_a.client.get("/v1/numbers", headers=bearer(key["secret"])).status_code == 401
    [item] = [k for k in tenant_a.get("/api/api-keys").json()["items"] if k["id"] == key["id"]]
    assert item["revoked"] is True and item["revoked_at"] and item["last_used_at"]
    assert tenant_a.delete(f"/api/api-keys/{key['id']}").status_code == 204  # idempotent


def test_keys_and_numbers_of_another_tenant_are_404(tenant_a, tenant_b):
    key_a = new_key(tenant_a, "numbers:read")
    number = tenant_a.post("/api/instances", {"name": "Vendas"})
    assert number.status_code == 201, number.text
    nid = number.json()["id"]
    got = tenant_a.client.get(f"/v1/numbers/{nid}", headers=bearer(key_a["secret"]))
    assert got.status_code == 200 and got.json()["name"] == "Vendas"
    key_b = new_key(tenant_b, "numbers:read")
    assert tenant_b.client.get(f"/v1/numbers/{nid}", headers=bearer(key_b["secret"])).status_code == 404
    assert tenant_b.client.get("/v1/numbers", headers=bearer(key_b["secret"])).json()["items"] == []
    assert tenant_b.delete(f"/api/api-keys/{key_a['id']}").status_code == 404
    assert tenant_a.client.get("/v1/numbers", headers=bearer(key_a["secret"])).status_code == 200


def test_past_the_rate_429_with_retry_after_then_the_bucket_refills(tenant_a, partner_rate):
    partner_rate(Rate(per_minute=20, burst=3))  # a token every 3 s
    secret = new_key(tenant_a, "numbers:read")["secret"]
    answers = [tenant_a.client.get("/v1/numbers", headers=bearer(secret)) for _ in range(4)]
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert [r.headers["RateLimit-Remaining"] for r in answers] == ["2", "1", "0", "0"]
    refused = answers[-1]
    assert int(refused.headers["Retry-After"]) >= 1 and refused.json()["error"] == "too_many_requests"
    time.sleep(int(refused.headers["Retry-After"]) + 0.1)
    assert tenant_a.client.get("/v1/numbers", headers=bearer(secret)).status_code == 200


def test_concurrent_requests_never_spend_more_than_the_burst(tenant_a, partner_rate):
    """The bucket lives in DynamoDB (compare-and-set), so it holds across concurrent callers."""
    from alrea.services import api_keys

    partner_rate(Rate(per_minute=1, burst=5))  # no refill within the test
    secret = new_key(tenant_a, "numbers:read")["secret"]

    def call(_: int) -> bool:
        try:
            api_keys.authenticate(secret, "numbers:read")
            return True
        except TooManyRequests:
            return False

    with ThreadPoolExecutor(8) as pool:
        concurrent = sum(pool.map(call, range(12)))
    sequential = 0
    while call(0):
        sequential += 1
        assert sequential <= 5
    assert 1 <= concurrent <= 5 and concurrent + sequential == 5
