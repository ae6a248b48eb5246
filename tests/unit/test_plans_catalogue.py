"""The catalogue (domain/catalogue.json) read as data, the limit and product messages, the legacy mapping, and
the product gate as a mechanism: a FastAPI dependency for any product, router declarations, push filtering.
No DynamoDB: the tenant is read through a stand-in."""
from __future__ import annotations

import copy

import pytest
from fastapi import APIRouter, Depends, FastAPI
from fastapi.testclient import TestClient

from alrea.api import errors, routers
from alrea.api.deps import current_user, require_product
from alrea.domain import plans
from alrea.domain.accounts import Tenant
from alrea.domain.plans import Limits
from alrea.domain.roles import Principal


def test_the_catalogue_has_the_products_plans_and_defaults_of_the_spec():
    assert set(plans.PLANS) == {"starter", "professional", "enterprise", "api_only"}
    assert plans.PRODUCTS == ("flow", "sense", "api", "notifications")
    starter, pro, ent, api_only = (plans.PLANS[n] for n in ("starter", "professional", "enterprise", "api_only"))
    assert (starter.limits.max_users, starter.limits.max_numbers) == (1, 1)
    assert (starter.limits.max_contacts, starter.limits.max_campaigns_per_month) == (1000, 10)
    assert (pro.limits.max_users, pro.limits.max_numbers) == (5, 3)
    assert ent.limits == Limits(None, None, None, None)  # unlimited is None, not a big number
    assert api_only.products() == {"api"} and "flow" not in api_only.add_ons
    assert ent.products() == set(plans.PRODUCTS)
    assert starter.products(("api", "flow")) == {"flow", "notifications", "api"}  # only offered add-ons count
    assert plans.SIGNUP is pro  # sign-ups try the team plan (DECISIONS 32B)
    assert all(p.api_rate.per_minute > 0 for p in plans.PLANS.values())
    assert plans.api_rate("enterprise").per_minute > plans.api_rate("starter").per_minute
    assert plans.api_rate("no-such-plan") == pro.api_rate


@pytest.mark.parametrize("breakage", ["unknown_product", "included_and_add_on", "unpriced_add_on", "bad_limits",
                                      "unknown_signup"])
def test_inconsistent_catalogue_data_is_refused(breakage):
    data = copy.deepcopy(plans.catalogue().raw)
    starter = data["plans"]["starter"]
    if breakage == "unknown_product":
        starter["included"].append("telepathy")
    elif breakage == "included_and_add_on":
        starter["add_ons"].append("flow")
    elif breakage == "unpriced_add_on":
        del data["add_ons"]["sense"]
    elif breakage == "bad_limits":
        starter["limits"]["max_robots"] = 1
    else:
        data["signup"]["plan"] = "gold"
    with pytest.raises(ValueError):
        plans.parse(data)


def test_add_ons_must_be_offered_by_the_plan():
    assert plans.check_add_ons("starter", ["sense", "api", "api"]) == ("api", "sense")
    with pytest.raises(ValueError):
        plans.check_add_ons("enterprise", ["sense"])
    with pytest.raises(ValueError):
        plans.check_add_ons("api_only", ["flow"])


def test_limit_messages_name_the_limit_and_the_plan_that_lifts_it():
    assert plans.limit_message("starter", "max_numbers", 1) == (
        "Seu plano Starter permite até 1 número de WhatsApp; o plano Professional permite até 3 números de "
        "WhatsApp. Remova um número ou faça upgrade.")
    assert plans.limit_message("professional", "max_contacts", 10000) == (
        "Seu plano Professional permite até 10.000 contatos; o plano Enterprise não tem limite. "
        "Exclua contatos ou faça upgrade.")
    assert plans.upgrade_for("max_users", 2, "api_only").name == "professional"  # off the path: all of it
    assert plans.upgrade_for("max_users", 5, "professional").name == "enterprise"
    assert plans.upgrade_for("max_users", 3, "professional").name == "enterprise"  # never a lower plan
    error = plans.limit_reached("starter", "max_users", 1)
    assert error.status == 402 and error.details["limit"] == "max_users"
    assert error.details["upgrade_to"] == "professional"


def test_product_messages_say_add_on_or_which_plan_includes_it():
    assert "adicional" in plans.product_message("starter", "sense")
    assert plans.product_message("api_only", "flow") == (  # not offered: the first plan that includes it
        "O recurso Flow não faz parte do seu plano; está incluído no plano Starter.")
    assert "adicional" in plans.product_message("professional", "sense")
    assert "plano Professional" in plans.product_message("api_only", "notifications") or \
        "adicional" in plans.product_message("api_only", "notifications")


@pytest.mark.parametrize("legacy, new, status", [("trial", "starter", "trialing"), ("starter", "starter", "active"),
                                                 ("pro", "professional", "active"),
                                                 ("business", "enterprise", "active"),
                                                 ("unheard-of", "starter", "active")],
                         ids=["trial", "essencial", "pro", "business", "unknown"])
def test_legacy_plans_map_to_new_ones_and_keep_the_larger_limits(legacy, new, status):
    plan, limits, got_status = plans.migrated(legacy, Limits(3, 2, 500, 40))
    assert (plan.name, got_status) == (new, status)
    own = plan.limits
    for name in plans.LIMIT_NAMES:
        stored, theirs = Limits(3, 2, 500, 40).get(name), own.get(name)
        assert limits.get(name) == (None if theirs is None else max(stored, theirs))


def test_a_tenant_has_its_plans_products_and_its_add_ons():
    t = Tenant(tenant_id="t", name="x", created_at="2026-01-01", plan="starter", add_ons=("sense",))
    assert t.products == {"flow", "notifications", "sense"} and t.has("sense") and not t.has("api")
    assert Tenant(tenant_id="t", name="x", created_at="2026", plan="gone").products == frozenset()


def test_every_router_module_of_a_product_is_gated_and_v1_is_gated_by_its_key():
    assert set(routers.PRODUCTS) <= set(routers.ROUTERS)
    assert set(routers.PRODUCTS.values()) <= set(plans.PRODUCTS)
    for module, product in routers.PRODUCTS.items():
        gates = routers.gates(module)
        if routers.ROUTERS[module][0].startswith("v1/"):
            assert gates == []  # api.partner checks the key's tenant
        else:
            assert [g.dependency.product for g in gates] == [product], module
    assert {m for m, p in routers.PRODUCTS.items() if p == "flow"} >= {"conversations", "campaigns", "contacts"}
    assert routers.PRODUCTS["api_keys"] == routers.PRODUCTS["webhooks"] == "api"
    assert routers.PRODUCTS["notifications"] == "notifications"
    for everyone in ("auth", "me", "users", "instances", "privacy", "plans", "health", "v1_docs"):
        assert routers.gates(everyone) == []


@pytest.fixture
def gated_app(monkeypatch):
    """A tiny app with one route per product behind the same dependency the real routers get."""
    from alrea.services import subscriptions

    tenants: dict[str, Tenant] = {}
    monkeypatch.setattr(subscriptions.store, "get_tenant", lambda tid: tenants[tid])
    app = FastAPI()
    errors.install(app)
    for product in plans.PRODUCTS:
        router = APIRouter()
        router.add_api_route(f"/{product}", lambda: {"ok": True})
        app.include_router(router, dependencies=[Depends(require_product(product))])
    caller = {"tenant": "t1"}
    app.dependency_overrides[current_user] = lambda: Principal(tenant_id=caller["tenant"], user_id="u", role="admin")

    def as_tenant(plan: str, add_ons: tuple[str, ...] = ()) -> TestClient:
        tid = f"{plan}-{'-'.join(add_ons)}"
        tenants[tid] = Tenant(tenant_id=tid, name="x", created_at="2026", plan=plan, add_ons=add_ons)
        caller["tenant"] = tid
        return TestClient(app)

    return as_tenant


@pytest.mark.parametrize("plan, add_ons, allowed", [
    ("starter", (), {"flow", "notifications"}),
    ("starter", ("sense",), {"flow", "notifications", "sense"}),
    ("professional", (), {"flow", "notifications", "api"}),
    ("enterprise", (), {"flow", "notifications", "api", "sense"}),
    ("api_only", (), {"api"}),
], ids=["starter", "starter+sense", "professional", "enterprise", "api_only"])
def test_the_gate_answers_403_product_required_for_any_product_the_tenant_lacks(gated_app, plan, add_ons, allowed):
    client = gated_app(plan, add_ons)
    for product in plans.PRODUCTS:
        r = client.get(f"/{product}")
        if product in allowed:
            assert r.status_code == 200, (product, r.text)
        else:
            assert r.status_code == 403, product
            assert r.json()["error"] == "product_required" and r.json()["product"] == product
            assert r.json()["message"]


def test_pushes_are_filtered_by_the_events_product(monkeypatch):
    from alrea.services import subscriptions

    monkeypatch.setattr(subscriptions, "has", lambda tid, product: product == "api")
    assert subscriptions.may_push("t", {"type": "instance_status"})
    assert subscriptions.may_push("t", {"type": "notification", "kind": "instance_disconnected"})
    for flow_event in ({"type": "message_received"}, {"type": "conversation_updated"},
                       {"type": "campaign_progress"}, {"type": "notification", "kind": "assigned"},
                       {"type": "import_progress"}):
        assert not subscriptions.may_push("t", flow_event), flow_event
    assert not subscriptions.may_push("t", {"type": "notification_created"})


def test_stripe_price_ids_come_from_the_settings_each_entry_names(monkeypatch):
    from alrea.services import subscriptions

    for plan in plans.PLANS.values():
        monkeypatch.delenv(plan.stripe_price_env, raising=False)
    monkeypatch.setenv("ALREA_STRIPE_PRICE_PROFESSIONAL", "price_pro_123")
    monkeypatch.setenv("ALREA_STRIPE_PRICE_ADDON_SENSE", "price_sense_9")
    monkeypatch.delenv("ALREA_STRIPE_PRICE_ADDON_API", raising=False)
    monkeypatch.delenv("ALREA_STRIPE_PRICE_ADDON_NOTIFICATIONS", raising=False)
    assert subscriptions.stripe_prices() == {"price_pro_123": ("plan", "professional"),
                                             "price_sense_9": ("add_on", "sense")}
