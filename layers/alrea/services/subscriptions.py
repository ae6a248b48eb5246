"""A tenant's plan and products: what it has (gating), what it uses (usage), and the ONE function a plan change
calls — :func:`apply_subscription` (the Stripe webhook handler, an operator, the tests' fixtures).

The catalogue is data (``domain/catalogue.json`` through ``domain.plans``). Gating (docs/DECISIONS.md 32B):
- REST: every router of a product declares it (``api/routers/__init__.PRODUCTS``); the app adds the
  :func:`require` check to its routes, so a tenant without the product gets 403 ``product_required``.
- ``/v1``: the partner key's dependency requires ``api`` after authenticating the key (:func:`require_cached`:
  no extra read per request in a warm container).
- WebSocket: :func:`may_push` drops a product's events (``domain.plans.EVENT_PRODUCTS``) for a tenant without
  it, at the one push funnel (``audience.push_groups``); products are cached per process for
  ``PRODUCTS_CACHE_TTL_S`` there (a push is best effort; REST checks read the tenant every time).
"""
from __future__ import annotations

import os
from typing import Any

from alrea.core.clock import iso, utcnow
from alrea.core.errors import Invalid, NotFound, ProductRequired
from alrea.core.log import logger
from alrea.domain import plans
from alrea.domain.accounts import Tenant
from alrea.domain.plans import Limits
from alrea.store import api_keys as key_store
from alrea.store import tenants as store
from alrea.store import usage as usage_store
from alrea.store.cache import TtlCache

PRODUCTS_CACHE_TTL_S = 30.0
_PRODUCTS_SEEN = TtlCache(ttl_s=PRODUCTS_CACHE_TTL_S, max_items=4096)


# ---------------------------------------------------------------- a plan change
def apply_subscription(tenant_id: str, plan: str, add_ons: list[str] | tuple[str, ...] = (),
                       status: str = plans.ACTIVE, *, limits: dict[str, int | None] | None = None,
                       trial_ends_at: str | None = None) -> Tenant:
    """Set the tenant's plan, add-ons, billing status and every limit at once, and rewrite the rate of each of
    its live API keys to the plan's. ``limits`` overrides some of the plan's (an enterprise deal; None in it
    = unlimited). The next request reads the new limits and products. Invalid for an unknown plan, status or
    limit, or an add-on the plan does not offer; NotFound when the tenant is gone."""
    try:
        chosen = plans.plan(plan)
        bought = plans.check_add_ons(plan, list(add_ons))
    except (KeyError, ValueError) as exc:
        raise Invalid(f"Plano ou adicional inválido: {exc}.", field="plan") from None
    if status not in plans.STATUSES:
        raise Invalid(f"Situação de cobrança inválida; use uma de: {', '.join(plans.STATUSES)}.", field="status")
    values = chosen.limits.as_dict()
    unknown = set(limits or {}) - set(values)
    if unknown:
        raise Invalid(f"Limites desconhecidos: {', '.join(sorted(unknown))}.", field="limits")
    values.update(limits or {})
    tenant = store.set_plan(tenant_id, plan=chosen.name, add_ons=bought, status=status, limits=Limits(**values),
                            trial_ends_at=trial_ends_at if status == plans.TRIALING else None, at=iso(utcnow()))
    rewritten = key_store.set_tenant_rate(tenant_id, chosen.api_rate)
    _PRODUCTS_SEEN.forget(tenant_id)
    logger.info("subscription applied", extra={"tenant_id": tenant_id, "plan": chosen.name, "add_ons": bought,
                                               "status": status, "api_keys": rewritten})
    return tenant


def stripe_prices() -> dict[str, tuple[str, str]]:
    """The configured Stripe price ids (each catalogue entry names its setting, ``stripe_price_env``) → what
    each buys: ``("plan", "professional")`` or ``("add_on", "sense")``. Entries whose setting is unset are
    left out. What a Checkout Session is made of, and how a subscription's items map back to plan + add-ons."""
    c = plans.catalogue()
    wanted = [(p.stripe_price_env, ("plan", p.name)) for p in c.plans.values()]
    wanted += [(a.stripe_price_env, ("add_on", a.product)) for a in c.add_ons.values()]
    return {os.environ[env]: what for env, what in wanted if os.environ.get(env)}


# ---------------------------------------------------------------- gating
def require(tenant_id: str, product: str) -> Tenant:
    """The tenant, if its plan (or an add-on) gives ``product``; ProductRequired (403) otherwise."""
    if product not in plans.PRODUCTS:
        raise ValueError(f"unknown product {product!r}")
    tenant = store.get_tenant(tenant_id)
    if not tenant.has(product):
        raise ProductRequired(plans.product_message(tenant.plan, product), product=product)
    return tenant


def _products(tenant_id: str) -> frozenset[str]:
    try:
        return store.get_tenant(tenant_id).products
    except NotFound:  # no tenant item (purged): no sockets or users left to keep anything from
        return frozenset(plans.PRODUCTS)


def has(tenant_id: str, product: str) -> bool:
    """Whether the tenant has ``product``, as a warm process saw it within ``PRODUCTS_CACHE_TTL_S`` (background
    work: pushes, notifications; a REST route reads the tenant itself through :func:`require`)."""
    return product in _PRODUCTS_SEEN.get(tenant_id, lambda: _products(tenant_id))


def require_cached(tenant_id: str, product: str) -> None:
    """:func:`require` for the partner API's hot path, which has a budget of DynamoDB calls per request
    (DECISIONS 33): the products a warm container saw within ``PRODUCTS_CACHE_TTL_S`` let the request through with
    no read; a refusal reads the tenant again (so an upgrade opens at once; a downgrade closes ``/v1`` within
    the cache's life in other containers, at once in the one that applied it)."""
    if has(tenant_id, product):
        return
    _PRODUCTS_SEEN.forget(tenant_id)
    require(tenant_id, product)


def may_push(tenant_id: str, event: dict[str, Any]) -> bool:
    """Whether ``event`` may reach the tenant's sockets: events of a product (``plans.event_product``) only
    when the tenant has it."""
    product = plans.event_product(event)
    return product is None or has(tenant_id, product)


# ---------------------------------------------------------------- usage (/api/me)
def usage(tenant: Tenant) -> dict[str, dict[str, int | None]]:
    """Every limit's use: ``{"max_users": {"used": 1, "limit": 1}, ...}`` (limit None: unlimited); one
    BatchGetItem for the counters (users are counted on the tenant item)."""
    counted = usage_store.counters(tenant.tenant_id, utcnow().strftime("%Y-%m"))
    used = {"max_users": tenant.users_count, **counted}
    return {name: {"used": int(used.get(name, 0)), "limit": tenant.limits.get(name)} for name in plans.LIMIT_NAMES}


def plan_view(tenant: Tenant) -> dict[str, Any]:
    """The tenant's plan as /api/me carries it."""
    own = plans.PLANS[tenant.plan]
    return {"name": own.name, "title": own.title, "status": tenant.billing_status,
            "trial_ends_at": tenant.trial_ends_at, "add_ons": list(tenant.add_ons)}
