"""Stripe billing on the local runtime over HTTP: the gateway → the api function → the ``stripe`` library → the
local fake Stripe (alrea.local.fake_stripe) over HTTP, whose hosted pages post signed events back to
/api/billing/stripe/webhook. No test calls the real Stripe.

Checkout → paid → the plan is set; a bad signature, a missing one and an expired timestamp answer 400; a
replayed event id is ignored (200, nothing changes); customer.subscription.updated changes the plan and the
next request works under the new limits; invoice.payment_failed opens a 7-day grace period, past it sends,
campaign starts and imports answer 402 billing_past_due while an inbound WhatsApp message is still stored;
invoice.paid restores at once.
"""
from __future__ import annotations

import json
import time
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest

from local_platform import local_platform, wait_for

FUNCTIONS = ("api", "webhook_ingest", "webhook_process")
PASSWORD = "Senha-Forte-123"
WEBHOOK = "/api/billing/stripe/webhook"


@pytest.fixture(scope="module")
def platform(moto_server):
    with local_platform("bill", FUNCTIONS) as rt:
        yield rt


class Tenant:
    def __init__(self, rt: Any) -> None:
        self.rt = rt
        self.http = httpx.Client(base_url=rt.base_url, timeout=30)
        self.email = f"admin.{uuid.uuid4().hex[:10]}@acme.com.br"
        r = self.http.post("/api/auth/signup", json={"company": "Loja Cobrança", "name": "Ana Admin",
                                                     "email": self.email, "password": PASSWORD})
        assert r.status_code == 201, r.text
        self.tenant_id = r.json()["tenant"]["id"]
        self.http.headers["Authorization"] = f"Bearer {r.json()['access']}"

    def me(self) -> dict[str, Any]:
        r = self.http.get("/api/me")
        assert r.status_code == 200, r.text
        return r.json()

    def billing(self) -> dict[str, Any]:
        r = self.http.get("/api/billing")
        assert r.status_code == 200, r.text
        return r.json()

    def subscribe(self, plan: str, add_ons: list[str] | None = None) -> str:
        """Checkout through the fake's hosted page; answers the subscription id."""
        r = self.http.post("/api/billing/checkout", json={"plan": plan, "add_ons": add_ons or []})
        assert r.status_code == 200, r.text
        url = r.json()["url"]
        assert url.startswith(self.rt.stripe_url + "/checkout/")
        page = httpx.get(url, timeout=10)
        assert page.status_code == 200 and "Pagar" in page.text
        paid = httpx.post(url + "/pay", timeout=30)
        assert paid.status_code == 303 and "/settings/billing?checkout=success" in paid.headers["location"]
        return self.subscription()["id"]

    def customer(self) -> str:
        from alrea.store import billing as billing_store

        return billing_store.state_of(self.tenant_id).customer_id

    def subscription(self) -> dict[str, Any]:
        return httpx.get(f"{self.rt.stripe_url}/_fake/customers/{self.customer()}", timeout=10).json()["subscription"]

    def portal_change(self, plan: str) -> None:
        r = self.http.post("/api/billing/portal")
        assert r.status_code == 200, r.text
        url = r.json()["url"]
        assert "Portal de cobrança" in httpx.get(url, timeout=10).text
        moved = httpx.post(url + "/plan", data={"price": f"price_{plan}_monthly"}, timeout=30)
        assert moved.status_code == 303 and moved.headers["location"].endswith("/settings/billing?portal=back")


def fake(platform, path: str, **body: Any) -> httpx.Response:
    r = httpx.post(f"{platform.stripe_url}/_fake/{path}", json=body or None, timeout=30)
    assert r.status_code == 200, r.text
    return r


def delivered(platform, kind: str) -> list[dict[str, Any]]:
    events = httpx.get(f"{platform.stripe_url}/_fake/events", timeout=10).json()
    return [e for e in events["events"] if e["type"] == kind]


def paid_plans() -> tuple[str, str]:
    """Two plans the price book sells with different user limits: (smaller, larger)."""
    from alrea.domain import plans
    from alrea.services import billing

    known = [p for p in billing.price_book().plans()
             if p in plans.PLANS and plans.PLANS[p].limits.max_users is not None]  # unlimited has no boundary
    known.sort(key=lambda p: plans.PLANS[p].limits.max_users)
    return known[0], known[-1]


@pytest.fixture(scope="module")
def shop(platform):
    return Tenant(platform)


# ---------------------------------------------------------------- checkout
def test_checkout_sets_the_plan_and_the_overview_shows_it(platform, shop):
    from alrea.domain import plans

    small, _ = paid_plans()
    assert shop.me()["billing"]["status"] == plans.catalogue().signup_status  # the sign-up trial
    shop.subscribe(small, ["sense"])
    me = shop.me()
    assert me["tenant"]["plan"] == small
    assert me["tenant"]["limits"] == plans.PLANS[small].limits.as_dict()
    assert me["billing"] == {**me["billing"], "status": "active", "add_ons": ["sense"], "read_only": False,
                             "banner": None}
    overview = shop.billing()
    assert overview["plan"] == small and overview["status"] == "active" and overview["add_ons"] == ["sense"]
    assert overview["current_period_end"] and overview["next_invoice"]["amount"] > 0
    assert [i["status"] for i in overview["invoices"]] == ["paid"]
    kinds = [d["type"] for d in httpx.get(f"{platform.stripe_url}/_fake/events", timeout=10).json()["deliveries"]]
    assert {"customer.subscription.created", "invoice.paid", "checkout.session.completed"} <= set(kinds)


def test_only_admins_and_known_plans_reach_checkout(platform, shop):
    r = shop.http.post("/api/billing/checkout", json={"plan": "platinum"})
    assert r.status_code == 422 and r.json()["field"] == "plan"
    r = shop.http.post("/api/billing/checkout", json={"plan": paid_plans()[0], "add_ons": ["teleporte"]})
    assert r.status_code == 422 and r.json()["field"] == "add_ons"
    assert httpx.get(f"{platform.base_url}/api/billing", timeout=10).status_code == 401
    again = shop.http.post("/api/billing/checkout", json={"plan": paid_plans()[0]})  # subscribed: the portal
    assert again.status_code == 409 and "Gerenciar pagamento" in again.json()["message"]


# ---------------------------------------------------------------- signatures and replays
def post_event(platform, event: dict[str, Any], *, timestamp: int | None = None, secret: str | None = None,
               signature: str | None = None) -> httpx.Response:
    from alrea.core.config import LOCAL_STRIPE_WEBHOOK_SECRET
    from alrea.local.fake_stripe import sign

    payload = json.dumps(event).encode()
    header = signature if signature is not None else sign(payload, secret or LOCAL_STRIPE_WEBHOOK_SECRET,
                                                          timestamp)
    headers = {"Content-Type": "application/json"} | ({"Stripe-Signature": header} if header else {})
    return httpx.post(platform.base_url + WEBHOOK, content=payload, headers=headers, timeout=10)


def sample_event(kind: str = "invoice.paid", **obj: Any) -> dict[str, Any]:
    return {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "type": kind, "created": int(time.time()),
            "data": {"object": {"object": "invoice", "id": "in_x", **obj}}}


@pytest.mark.parametrize("case", ["wrong_secret", "tampered", "missing", "expired", "garbage"])
def test_a_webhook_that_cannot_be_trusted_answers_400_never_500(platform, shop, case):
    event = sample_event(customer=shop.customer())
    if case == "wrong_secret":
        r = post_event(platform, event, secret="whsec_someone_else")
    elif case == "tampered":
        from alrea.core.config import LOCAL_STRIPE_WEBHOOK_SECRET
        from alrea.local.fake_stripe import sign

        good = sign(json.dumps(event).encode(), LOCAL_STRIPE_WEBHOOK_SECRET)
        r = post_event(platform, {**event, "type": "invoice.payment_failed"}, signature=good)
    elif case == "missing":
        r = post_event(platform, event, signature="")
    elif case == "expired":  # signed 10 minutes ago: outside the 5-minute tolerance
        r = post_event(platform, event, timestamp=int(time.time()) - 600)
    else:
        r = httpx.post(platform.base_url + WEBHOOK, content=b"\x00not json", timeout=10,
                       headers={"Stripe-Signature": "t=1,v1=00"})
    assert r.status_code == 400, r.text
    assert r.json()["error"] == "bad_signature" and "Assinatura" in r.json()["message"]


def test_a_replayed_event_is_ignored(platform, shop):
    small, large = paid_plans()
    shop.portal_change(large)
    assert shop.me()["tenant"]["plan"] == large
    to_large = delivered(platform, "customer.subscription.updated")[-1]
    shop.portal_change(small)
    assert shop.me()["tenant"]["plan"] == small
    again = fake(platform, f"events/{to_large['id']}/resend").json()
    assert again["status"] == 200
    assert shop.me()["tenant"]["plan"] == small  # the replay changed nothing
    r = post_event(platform, to_large)  # the same id, freshly signed: still a replay
    assert r.status_code == 200 and r.json()["replay"] is True
    assert shop.me()["tenant"]["plan"] == small


# ---------------------------------------------------------------- subscription.updated → the next request
def test_a_plan_change_applies_its_limits_to_the_next_request(platform):
    from alrea.domain import plans

    small, large = paid_plans()
    room = plans.PLANS[small].limits.max_users
    assert plans.PLANS[large].limits.max_users > room
    t = Tenant(platform)
    t.subscribe(small)
    department = t.http.post("/api/departments", json={"name": "Vendas"}).json()["id"]

    def add_user() -> httpx.Response:
        return t.http.post("/api/users", json={"name": "Agente", "email": f"ag.{uuid.uuid4().hex[:8]}@acme.com.br",
                                               "password": PASSWORD, "role": "agent", "department_id": department})

    for _ in range(room - 1):  # the admin is the first user
        created = add_user()
        assert created.status_code == 201, created.text
    assert add_user().status_code == 402
    t.portal_change(large)
    me = t.me()
    assert me["tenant"]["plan"] == large and me["tenant"]["limits"] == plans.PLANS[large].limits.as_dict()
    assert add_user().status_code == 201


# ---------------------------------------------------------------- past due → read-only → paid
@pytest.fixture
def later(monkeypatch):
    """Move the billing clock forward by ``days`` (the runtime runs in this process)."""
    from alrea.core import clock
    from alrea.services import billing

    def move(days: float) -> None:
        monkeypatch.setattr(billing, "_clock", lambda: clock.utcnow() + timedelta(days=days))

    return move


def connected_number(platform, t: Tenant) -> dict[str, Any]:
    from alrea.store import instances as instance_store

    r = t.http.post("/api/instances", json={"name": "Vendas"})
    assert r.status_code == 201, r.text
    inst = instance_store.get(t.tenant_id, r.json()["id"])
    httpx.post(f"{platform.simulator.url}/_sim/instances/{inst.evolution_name}/scan", timeout=5,
               json={"number": f"55119{uuid.uuid4().int % 10**8:08d}"}).raise_for_status()
    wait_for(lambda: instance_store.get(t.tenant_id, inst.instance_id).state == "open")
    return {"id": inst.instance_id, "evolution_name": inst.evolution_name}


def inbound(platform, number: dict[str, Any], phone: str, text: str) -> None:
    httpx.post(f"{platform.simulator.url}/_sim/instances/{number['evolution_name']}/inbound",
               json={"from": phone, "text": text}, timeout=5).raise_for_status()


def texts(t: Tenant, phone: str) -> list[str]:
    items = t.http.get("/api/conversations", params={"q": phone[-8:]}).json()["items"]
    if not items:
        return []
    messages = t.http.get(f"/api/conversations/{items[0]['id']}/messages").json()["items"]
    return [m.get("text") for m in messages]


def test_a_failed_payment_past_the_grace_period_blocks_sends_but_not_inbound_and_paying_restores(platform, later):
    small, _ = paid_plans()
    t = Tenant(platform)
    sub_id = t.subscribe(small, ["api"])  # the partner API is an add-on of the smaller plan
    number = connected_number(platform, t)
    phone = f"55119{uuid.uuid4().int % 10**8:08d}"
    inbound(platform, number, phone, "Oi, tudo bem?")
    wait_for(lambda: "Oi, tudo bem?" in texts(t, phone))
    conversation = t.http.get("/api/conversations", params={"q": phone[-8:]}).json()["items"][0]["id"]
    campaign = t.http.post("/api/campaigns", json={
        "name": "Promo", "variants": [{"text": "Oferta!"}], "audience": {"tags": ["vip"]},
        "instance_ids": [number["id"]],
        "pacing": {"min_delay_s": 10, "max_delay_s": 30, "window_start": "08:00", "window_end": "20:00",
                   "weekdays": [0, 1, 2, 3, 4, 5, 6], "daily_cap_per_number": 200}})
    assert campaign.status_code == 201, campaign.text
    key = t.http.post("/api/api-keys", json={"name": "ERP", "scopes": ["messages:send"]}).json()["secret"]

    def sends() -> dict[str, int]:
        return {
            "compose": t.http.post(f"/api/conversations/{conversation}/messages", json={"text": "Olá!"}).status_code,
            "v1": t.http.post("/v1/messages", headers={"Authorization": f"Bearer {key}"},
                              json={"to": "+" + phone, "text": "Pedido enviado"}).status_code,
            "import": t.http.post("/api/contacts/imports", json={"file_name": "c.csv", "size": 10}).status_code,
        }

    fake(platform, f"customers/{t.customer()}/fail_next_payment")
    fake(platform, f"subscriptions/{sub_id}/renew")  # the renewal's charge fails
    assert delivered(platform, "invoice.payment_failed")
    billing = t.me()["billing"]
    assert billing["status"] == "past_due" and billing["read_only"] is False
    assert billing["grace_days_left"] == 7 and billing["banner"]["kind"] == "grace"
    assert "7 dias" in billing["banner"]["message"]
    assert sends() == {"compose": 202, "v1": 202, "import": 201}  # the grace period: everything works

    later(8)
    billing = t.me()["billing"]
    assert billing["read_only"] is True and billing["read_only_reason"] == "billing_past_due"
    assert billing["banner"]["kind"] == "billing_past_due"
    assert sends() == {"compose": 402, "v1": 402, "import": 402}
    refused = t.http.post(f"/api/campaigns/{campaign.json()['id']}/start")
    assert refused.status_code == 402 and refused.json()["error"] == "billing_past_due"
    assert "somente leitura" in refused.json()["message"]
    assert t.http.get("/api/contacts").status_code == 200  # reads work
    inbound(platform, number, phone, "Ainda estão aí?")  # nothing inbound is lost
    wait_for(lambda: "Ainda estão aí?" in texts(t, phone))

    fake(platform, f"subscriptions/{sub_id}/pay")
    billing = t.me()["billing"]
    assert billing["status"] == "active" and billing["read_only"] is False and billing["banner"] is None
    assert sends() == {"compose": 202, "v1": 202, "import": 201}


def test_a_canceled_subscription_falls_back_to_the_free_plan(platform):
    from alrea.services.billing import CANCELED_PLAN

    t = Tenant(platform)
    t.subscribe(paid_plans()[0], ["api"])
    url = t.http.post("/api/billing/portal").json()["url"]
    assert httpx.post(url + "/cancel", timeout=30).status_code == 303
    me = t.me()
    assert me["tenant"]["plan"] == CANCELED_PLAN
    assert me["billing"]["status"] == "canceled" and me["billing"]["add_ons"] == []


def test_the_end_of_an_older_subscription_does_not_touch_the_current_one(platform):
    small, _ = paid_plans()
    t = Tenant(platform)
    current = t.subscribe(small)
    old = {**t.subscription(), "id": "sub_older_one", "status": "canceled"}
    r = post_event(platform, {"id": f"evt_{uuid.uuid4().hex}", "object": "event", "created": int(time.time()),
                              "type": "customer.subscription.deleted", "data": {"object": old}})
    assert r.status_code == 200 and r.json()["handled"] is True
    overview = t.billing()
    assert overview["plan"] == small and overview["status"] == "active"
    assert t.subscription()["id"] == current
