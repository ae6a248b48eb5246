"""Plans, products and limits over the app on moto: sign-up's trial (Professional), the catalogue, every limit's boundary (also
under 10 concurrent creations), unlimited plans, product gating of REST routes, ``/v1`` and pushes, a plan
change applying at the next request (keys' rates rewritten), and the lazy migration of legacy plan names."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from fastapi.testclient import TestClient

from alrea.adapters.evolution.client import EvolutionClient
from alrea.core.clock import iso, utcnow
from alrea.simulator.server import SimulatorServer
from alrea.simulator.state import Timing

PASSWORD = "s3nha-Segura!"
SIM_KEY = "sim-plans-key"
CONCURRENT = 10


@pytest.fixture(scope="module")
def sim():
    with SimulatorServer(api_key=SIM_KEY, timing=Timing(webhook_attempts=1, webhook_timeout_s=0.5)) as server:
        yield server


class RecordingPacer:
    def __init__(self) -> None:
        self.started: list[tuple[str, str, str]] = []

    def start(self, tenant_id: str, campaign_id: str, run_id: str) -> None:
        self.started.append((tenant_id, campaign_id, run_id))


@pytest.fixture
def api_runtime(aws, sim):
    """The conftest's runtime with the simulator as WhatsApp and a recording pacer."""
    from alrea.adapters.aws.s3 import S3Storage
    from alrea.adapters.aws.sqs import SqsBus
    from alrea.adapters.memory.push import MemoryPush
    from alrea.wiring import Runtime, set_runtime

    httpx.post(sim.url + "/_sim/reset")
    client = EvolutionClient(sim.url, SIM_KEY, timeout=2.0, backoff_s=0.01)
    rt = Runtime(bus=SqsBus(aws.queue_urls), push=MemoryPush(), pacer=RecordingPacer(),  # type: ignore[arg-type]
                 whatsapp=client, storage=S3Storage(aws.bucket_name))
    set_runtime(rt)
    yield rt
    set_runtime(None)
    client.close()


def at_once(app, n: int, call) -> list[int]:
    """``call(client, i)`` from ``n`` threads at once (one TestClient each): the status codes, in order."""
    def one(i: int) -> int:
        with TestClient(app) as c:
            return call(c, i).status_code

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(one, range(n)))


def usage(account) -> dict:
    return account.get("/api/me").json()["usage"]


def new_user(account, i: int, client=None):
    body = {"name": f"Agente {i}", "email": f"ag{i}.{uuid.uuid4().hex[:8]}@acme.com.br", "password": PASSWORD,
            "role": "admin"}
    return (client or account.client).post("/api/users", json=body, headers=account.headers)


# ---------------------------------------------------------------- sign-up, catalogue, /api/me
def test_signup_gets_professional_in_trial_and_me_carries_plan_products_and_usage(client, plan_of):
    r = client.post("/api/auth/signup", json={"company": "Padaria Sol", "name": "Rui",
                                              "email": f"rui.{uuid.uuid4().hex[:8]}@sol.com.br", "password": PASSWORD})
    assert r.status_code == 201, r.text
    me = client.get("/api/me", headers={"Authorization": f"Bearer {r.json()['access']}"}).json()
    assert me["plan"]["name"] == "professional" and me["plan"]["title"] == "Professional"
    assert me["plan"]["status"] == "trialing" and me["plan"]["trial_ends_at"]
    assert me["products"] == ["api", "flow", "notifications"]
    assert me["usage"] == {"max_users": {"used": 1, "limit": 5}, "max_numbers": {"used": 0, "limit": 3},
                           "max_contacts": {"used": 0, "limit": 10000},
                           "max_campaigns_per_month": {"used": 0, "limit": 50}}

    plan_of(r.json()["tenant"]["id"], "enterprise")
    me = client.get("/api/me", headers={"Authorization": f"Bearer {r.json()['access']}"}).json()
    assert me["plan"] == {"name": "enterprise", "title": "Enterprise", "status": "active", "trial_ends_at": None,
                          "add_ons": []}
    assert me["products"] == ["api", "flow", "notifications", "sense"]
    assert {k: v["limit"] for k, v in me["usage"].items()} == dict.fromkeys(me["usage"])  # unlimited: null
    assert me["tenant"]["limits"] == dict.fromkeys(me["usage"])


def test_the_catalogue_is_public(client):
    r = client.get("/api/plans")
    assert r.status_code == 200
    doc = r.json()
    plans = {p["name"]: p for p in doc["plans"]}
    assert list(plans) == ["starter", "professional", "enterprise", "api_only"]
    assert plans["starter"]["limits"] == {"max_users": 1, "max_numbers": 1, "max_contacts": 1000,
                                          "max_campaigns_per_month": 10}
    assert plans["enterprise"]["limits"] == dict.fromkeys(plans["starter"]["limits"])
    assert plans["api_only"]["included"] == ["api"] and "flow" not in plans["api_only"]["add_ons"]
    assert {a["product"] for a in doc["add_ons"]} == {"api", "sense", "notifications"}
    assert doc["currency"] == "BRL" and "stripe" not in r.text.lower()


# ---------------------------------------------------------------- limits: N allowed, N+1 refused, concurrently
def test_users_limit_holds_under_concurrent_creations(app, tenant_a, plan_of):
    plan_of(tenant_a.tenant_id, "professional")  # 5 users: the admin holds one
    codes = at_once(app, CONCURRENT, lambda c, i: new_user(tenant_a, i, c))
    assert sorted(codes) == [201] * 4 + [402] * 6, codes
    refused = new_user(tenant_a, 99)
    assert refused.status_code == 402 and refused.json()["error"] == "plan_limit"
    assert refused.json()["limit"] == "max_users" and refused.json()["upgrade_to"] == "enterprise"
    assert "Professional permite até 5 usuários ativos" in refused.json()["message"]
    assert "plano Enterprise não tem limite" in refused.json()["message"]
    assert usage(tenant_a)["max_users"] == {"used": 5, "limit": 5}


def test_starter_allows_one_user_and_names_professional_then_an_upgrade_applies_at_the_next_request(
        tenant_a, plan_of):
    plan_of(tenant_a.tenant_id, "starter")
    r = new_user(tenant_a, 1)
    assert r.status_code == 402 and r.json()["upgrade_to"] == "professional"
    assert r.json()["message"] == ("Seu plano Starter permite até 1 usuário ativo; o plano Professional permite "
                                   "até 5 usuários ativos. Desative um usuário ou faça upgrade.")
    plan_of(tenant_a.tenant_id, "professional", add_ons=())
    assert new_user(tenant_a, 2).status_code == 201


def test_numbers_limit_holds_under_concurrent_creations(app, tenant_a, plan_of):
    plan_of(tenant_a.tenant_id, "professional")  # 3 numbers
    codes = at_once(app, CONCURRENT, lambda c, i: c.post("/api/instances", json={"name": f"Loja {i}"},
                                                         headers=tenant_a.headers))
    assert sorted(codes) == [201] * 3 + [402] * 7, codes
    over = tenant_a.post("/api/instances", {"name": "Mais uma"})
    assert over.json()["limit"] == "max_numbers" and "até 3 números de WhatsApp" in over.json()["message"]
    assert usage(tenant_a)["max_numbers"] == {"used": 3, "limit": 3}


def test_contacts_limit_holds_under_concurrent_creations_and_on_the_partner_api(app, tenant_a, plan_of):
    plan_of(tenant_a.tenant_id, "professional", max_contacts=4)
    codes = at_once(app, CONCURRENT, lambda c, i: c.post("/api/contacts", json={"phone": f"+5511987{i:06d}"},
                                                         headers=tenant_a.headers))
    assert sorted(codes) == [201] * 4 + [402] * 6, codes
    assert usage(tenant_a)["max_contacts"] == {"used": 4, "limit": 4}
    key = tenant_a.post("/api/api-keys", {"name": "ERP", "scopes": ["contacts:write"]}).json()
    r = tenant_a.client.post("/v1/contacts", json={"phone": "+5511977770000"},
                             headers={"Authorization": f"Bearer {key['secret']}"})
    assert r.status_code == 402, r.text
    assert r.json()["limit"] == "max_contacts" and "até 4 contatos" in r.json()["message"]
    known = tenant_a.get("/api/contacts").json()["items"][0]["phone"]
    existing = tenant_a.client.post("/v1/contacts", json={"phone": known, "name": "Já existe"},
                                    headers={"Authorization": f"Bearer {key['secret']}"})
    assert existing.status_code == 200, existing.text  # an upsert of a known contact counts nothing


def _campaign(account, tag: str) -> str:
    from alrea.store import contacts as cstore
    from alrea.store import instances
    from alrea.store import tags as tag_store

    phone = f"+5511988{uuid.uuid4().int % 10**6:06d}"
    cstore.create(cstore.new_item(account.tenant_id, phone, source="test", name="Cliente", tags=[tag]))
    tag_store.add_members(account.tenant_id, [(tag, phone)])
    inst = instances.Instance(tenant_id=account.tenant_id, instance_id=str(uuid.uuid4()), name="Loja",
                              evolution_name="evo-" + uuid.uuid4().hex[:8], webhook_token="hook_" + uuid.uuid4().hex,
                              jwt_key="jwt", state="open", created_at=iso(utcnow()))
    iid = instances.create(inst, max_numbers=None, limit_message="").instance_id
    body = {"name": "Promo", "variants": [{"text": "Oi!"}], "audience": {"tags": [tag]}, "instance_ids": [iid],
            "pacing": {"min_delay_s": 10, "max_delay_s": 30, "window_start": "00:00", "window_end": "23:59",
                       "weekdays": [0, 1, 2, 3, 4, 5, 6], "daily_cap_per_number": 200}}
    r = account.post("/api/campaigns", body)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_campaigns_started_this_month_hold_under_concurrent_starts(app, tenant_a, plan_of):
    plan_of(tenant_a.tenant_id, "professional", max_campaigns_per_month=3)
    ids = [_campaign(tenant_a, "vip") for _ in range(CONCURRENT)]
    codes = at_once(app, CONCURRENT, lambda c, i: c.post(f"/api/campaigns/{ids[i]}/start",
                                                         headers=tenant_a.headers))
    assert sorted(codes) == [200] * 3 + [402] * 7, codes
    refused = tenant_a.post(f"/api/campaigns/{ids[codes.index(402)]}/start")
    assert refused.json()["limit"] == "max_campaigns_per_month"
    assert "até 3 campanhas por mês" in refused.json()["message"] and refused.json()["upgrade_to"] == "enterprise"
    assert usage(tenant_a)["max_campaigns_per_month"] == {"used": 3, "limit": 3}


def test_an_unlimited_plan_checks_no_limit(app, tenant_a, plan_of):
    plan_of(tenant_a.tenant_id, "enterprise")
    codes = at_once(app, CONCURRENT, lambda c, i: new_user(tenant_a, i, c))
    assert codes == [201] * CONCURRENT
    for i in range(4):
        assert tenant_a.post("/api/instances", {"name": f"Filial {i}"}).status_code == 201
    assert usage(tenant_a)["max_users"] == {"used": 1 + CONCURRENT, "limit": None}
    assert usage(tenant_a)["max_numbers"] == {"used": 4, "limit": None}


# ---------------------------------------------------------------- product gating
def _key(account, *scopes: str) -> dict[str, str]:
    r = account.post("/api/api-keys", {"name": "ERP", "scopes": list(scopes)})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['secret']}"}


def _refused(r, product: str) -> None:
    assert r.status_code == 403, r.text
    assert r.json()["error"] == "product_required" and r.json()["product"] == product
    assert r.json()["message"]


def test_starter_gets_403_on_the_api_product_routes_and_v1(tenant_a, plan_of):
    key = _key(tenant_a, "numbers:read")  # made while the plan had the API
    assert tenant_a.client.get("/v1/numbers", headers=key).status_code == 200
    plan_of(tenant_a.tenant_id, "starter")
    _refused(tenant_a.get("/api/api-keys"), "api")
    _refused(tenant_a.post("/api/api-keys", {"name": "x", "scopes": ["numbers:read"]}), "api")
    _refused(tenant_a.get("/api/webhooks"), "api")
    refused = tenant_a.client.get("/v1/numbers", headers=key)
    _refused(refused, "api")
    assert "adicional" in refused.json()["message"]  # Starter sells the API as an add-on
    assert tenant_a.get("/api/conversations").status_code == 200  # flow is Starter's
    assert tenant_a.get("/api/notifications").status_code == 200

    plan_of(tenant_a.tenant_id, "starter", add_ons=("api",))  # the add-on bought: open at the next request
    assert tenant_a.client.get("/v1/numbers", headers=key).status_code == 200
    assert tenant_a.get("/api/api-keys").status_code == 200


def test_api_only_has_the_api_and_its_settings_and_nothing_of_the_inbox_or_campaigns(tenant_a, plan_of):
    plan_of(tenant_a.tenant_id, "api_only", add_ons=())
    for path in ("/api/conversations", "/api/campaigns", "/api/contacts", "/api/quick-replies",
                 "/api/inbox/settings", "/api/search?q=oi"):
        _refused(tenant_a.get(path), "flow")
    _refused(tenant_a.get("/api/notifications"), "notifications")
    assert tenant_a.get("/api/api-keys").status_code == 200
    assert tenant_a.get("/api/webhooks").status_code == 200
    assert tenant_a.get("/api/instances").status_code == 200  # numbers are everyone's: the API sends with them
    assert tenant_a.get("/api/me").json()["products"] == ["api"]
    key = _key(tenant_a, "numbers:read", "contacts:write")
    assert tenant_a.client.get("/v1/numbers", headers=key).status_code == 200
    assert tenant_a.client.post("/v1/contacts", json={"phone": "+5511955554444"}, headers=key).status_code == 201


def test_unauthenticated_is_still_401_before_any_product_check(client):
    assert client.get("/api/campaigns").status_code == 401
    assert client.get("/v1/numbers").status_code == 401


def test_a_plan_change_rewrites_the_rate_of_the_tenants_live_keys(tenant_a, plan_of):
    key = _key(tenant_a, "numbers:read")
    assert tenant_a.client.get("/v1/numbers", headers=key).headers["RateLimit-Limit"] == "50"  # professional
    revoked = tenant_a.post("/api/api-keys", {"name": "velha", "scopes": ["numbers:read"]}).json()
    assert tenant_a.delete(f"/api/api-keys/{revoked['id']}").status_code in (200, 204)
    plan_of(tenant_a.tenant_id, "enterprise")
    assert tenant_a.client.get("/v1/numbers", headers=key).headers["RateLimit-Limit"] == "200"
    assert tenant_a.client.get("/v1/numbers", headers={"Authorization": f"Bearer {revoked['secret']}"}
                               ).status_code == 401


def test_pushes_of_a_product_do_not_reach_a_tenant_without_it(tenant_a, api_runtime, plan_of):
    from alrea.services import audience

    admins = audience.admins_group(tenant_a.tenant_id)
    conversation = {"type": "conversation_updated", "conversation": {"id": "c1"}}
    number = {"type": "instance_status", "instance_id": "i1", "state": "open"}
    audience.push_groups([admins], conversation, number)
    assert [e["type"] for e in api_runtime.push.events(admins)] == ["conversation_updated", "instance_status"]

    plan_of(tenant_a.tenant_id, "api_only", add_ons=())
    audience.push_groups([admins], conversation, number,
                         {"type": "notification_created", "notification": {}},
                         {"type": "campaign_progress", "campaign_id": "x"})
    assert [e["type"] for e in api_runtime.push.events(admins)] == [
        "conversation_updated", "instance_status", "instance_status"]


# ---------------------------------------------------------------- legacy plan names
@pytest.mark.parametrize("legacy, plan, status, limits", [
    ("trial", "starter", "trialing", {"max_users": 3, "max_numbers": 1, "max_contacts": 1000,
                                      "max_campaigns_per_month": 10}),
    ("starter", "starter", "active", {"max_users": 5, "max_numbers": 2, "max_contacts": 5000,
                                      "max_campaigns_per_month": 30}),
    ("pro", "professional", "active", {"max_users": 20, "max_numbers": 5, "max_contacts": 50000,
                                       "max_campaigns_per_month": 200}),
    ("business", "enterprise", "active", dict.fromkeys(("max_users", "max_numbers", "max_contacts",
                                                        "max_campaigns_per_month"))),
], ids=["trial", "essencial", "pro", "business"])
def test_a_legacy_tenant_is_migrated_at_its_first_read_with_its_limits_kept(aws, legacy, plan, status, limits):
    from alrea.store import tenants

    old = {"trial": (3, 1, 500, 5), "starter": (5, 2, 5000, 30), "pro": (20, 5, 50000, 200),
           "business": (100, 20, 500000, 2000)}[legacy]
    tid = str(uuid.uuid4())
    item = tenants.Tenant.new(tid, name="Antiga", plan=legacy, catalogue=None, users_count=2, created_at=iso(utcnow()),
                              limits=dict(zip(("max_users", "max_numbers", "max_contacts", "max_campaigns_per_month"),
                                              old, strict=True)))
    item.save()
    raw = tenants.Tenant.get(*tenants.Tenant.key(tid))
    assert raw.catalogue is None and raw.plan == legacy

    tenant = tenants.get_tenant(tid)
    assert (tenant.plan, tenant.billing_status, tenant.limits.as_dict()) == (plan, status, limits)
    stored = tenants.Tenant.get(*tenants.Tenant.key(tid), consistent_read=True)
    assert stored.plan == plan and stored.catalogue == 2 and stored.billing_status == status
    assert stored.stored_limits().as_dict() == limits
    assert tenants.get_tenant(tid) == tenant  # read again: already migrated, the same
