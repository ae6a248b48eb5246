"""Billing: checkout and portal through the payment provider, its signed webhook events, the read-only guard.

- ``checkout`` / ``portal`` / ``overview``: the admin's ``/api/billing`` (a Stripe customer per tenant, created
  on the first checkout, its id on the tenant item with a pointer back).
- ``handle_webhook``: verify the signature (400 otherwise), claim the event id (a replay is ignored), then
  ``checkout.session.completed`` and ``customer.subscription.created/updated/deleted`` apply the subscription
  (``apply_subscription``: plan, add-ons, limits, status at once), ``invoice.payment_failed`` opens the grace
  period, ``invoice.paid`` ends it.
- ``ensure_writable``: THE guard of sends, campaign starts/resumes and contact imports — 402 when the grace
  period is over or the tenant is suspended. Inbound messages never pass through it.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from alrea import wiring
from alrea.core import clock
from alrea.core.config import get_settings
from alrea.core.errors import BadRequest, Conflict, Invalid, NotFound, ReadOnly
from alrea.core.log import logger
from alrea.domain import billing as dom
from alrea.domain import plans
from alrea.domain.roles import Principal
from alrea.ports.billing import BadSignature, ProviderUnavailable
from alrea.store import billing as store
from alrea.store.cache import TtlCache
from alrea.store import tenants as tenant_store

# the plan a tenant falls back to when its subscription ends (the catalogue decides it once merged)
CANCELED_PLAN = "trial"
SPA_BILLING_PATH = "/settings/billing"


def _clock() -> datetime:
    """Now (tests move it past the grace period)."""
    return clock.utcnow()


@lru_cache(maxsize=4)
def _book(text: str) -> dom.PriceBook:
    return dom.PriceBook.from_json(text) if text.strip() else dom.PriceBook.from_mapping(dom.local_prices())


def price_book() -> dom.PriceBook:
    return _book(get_settings().stripe_prices)


# ---------------------------------------------------------------- the one place a subscription lands
def apply_subscription(tenant_id: str, plan: str | None, add_ons: Sequence[str], status: str,
                       period_end: int | None, *, subscription_id: str | None = None) -> None:
    """Set the tenant's plan (with its limits), add-ons and subscription status at once (one write).

    ``plan`` None keeps the current plan. A subscription that stopped paying (canceled, unpaid beyond Stripe's
    retries, incomplete_expired) falls back to ``CANCELED_PLAN`` without add-ons."""
    now = _clock()
    if status == "incomplete":  # the first payment has not gone through: nothing is granted yet
        plan, add_ons = None, ()
    elif status not in dom.PAYING:
        plan, add_ons = CANCELED_PLAN, ()
    limits = plans.PLANS[plan].limits.as_dict() if plan in plans.PLANS else None
    end = clock.iso(datetime.fromtimestamp(period_end, UTC)) if period_end else None
    store.record_subscription(tenant_id, plan=plan, limits=limits, add_ons=sorted(add_ons), status=status,
                              subscription_id=subscription_id, period_end=end, at=clock.iso(now))
    if status in ("past_due", "unpaid"):
        store.mark_past_due(tenant_id, grace_until=clock.iso(dom.grace_until(now)), at=clock.iso(now))
    logger.info("subscription applied", extra={"tenant_id": tenant_id, "plan": plan, "add_ons": list(add_ons),
                                               "status": status})


def _apply(tenant_id: str, sub: dom.Subscription) -> None:
    current = store.state_of(tenant_id).subscription_id
    if current and current != sub.subscription_id and sub.status not in dom.PAYING:
        logger.info("an older subscription's end ignored", extra={"tenant_id": tenant_id,
                                                                  "subscription_id": sub.subscription_id})
        return
    plan, add_ons = price_book().read(sub.price_ids)
    apply_subscription(tenant_id, plan, add_ons, sub.status, sub.period_end, subscription_id=sub.subscription_id)


# ---------------------------------------------------------------- the admin's API
def _urls(outcome: str) -> str:
    return f"{get_settings().site_url.rstrip('/')}{SPA_BILLING_PATH}?{outcome}"


def _customer(caller: Principal) -> str:
    state = store.state_of(caller.tenant_id)
    if state.customer_id:
        return state.customer_id
    tenant = tenant_store.get_tenant(caller.tenant_id)
    customer_id = _provider_call(lambda p: p.create_customer(tenant_id=caller.tenant_id, name=tenant.name,
                                                             email=caller.email))
    return store.link_customer(caller.tenant_id, customer_id)


def _provider_call(call: Callable[[Any], Any]) -> Any:
    try:
        return call(wiring.payments())
    except ProviderUnavailable as exc:
        logger.warning("payment provider call failed", extra={"error": str(exc)})
        raise Conflict("O provedor de pagamentos não respondeu; tente novamente em instantes.") from None


def checkout(caller: Principal, plan: str, add_ons: Sequence[str]) -> str:
    book = price_book()
    price = book.price_of(dom.PLAN, plan)
    if price is None:
        raise Invalid(f"Plano desconhecido: {plan}.", field="plan")
    prices = [price]
    for product in dict.fromkeys(add_ons):
        add_on = book.price_of(dom.ADD_ON, product)
        if add_on is None:
            raise Invalid(f"Adicional desconhecido: {product}.", field="add_ons")
        prices.append(add_on)
    state = store.state_of(caller.tenant_id)
    if state.subscription_id and state.status in dom.PAYING:
        raise Conflict("Você já tem uma assinatura: mude de plano ou de adicionais em \"Gerenciar pagamento\".")
    customer_id = _customer(caller)
    return _provider_call(lambda p: p.checkout_url(customer_id=customer_id, tenant_id=caller.tenant_id,
                                                   price_ids=prices, success_url=_urls("checkout=success"),
                                                   cancel_url=_urls("checkout=canceled")))


def portal(caller: Principal) -> str:
    state = store.state_of(caller.tenant_id)
    if not state.customer_id:
        raise Conflict("Assine um plano primeiro: ainda não há cobrança para gerenciar.")
    return _provider_call(lambda p: p.portal_url(customer_id=state.customer_id, return_url=_urls("portal=back")))


def _invoice_json(inv: dom.Invoice) -> dict[str, Any]:
    return {"id": inv.invoice_id, "number": inv.number, "status": inv.status, "amount_due": inv.amount_due,
            "amount_paid": inv.amount_paid, "currency": inv.currency,
            "created_at": clock.iso(datetime.fromtimestamp(inv.created, UTC)), "url": inv.hosted_url}


def me_block(tenant_id: str) -> dict[str, Any]:
    """The ``billing`` block of /api/me: status, add-ons, read-only and the banner (every page reads it)."""
    state = store.state_of(tenant_id)
    now = _clock()
    reason = state.read_only_reason(now)
    return {"status": state.status, "add_ons": list(state.add_ons), "read_only": reason is not None,
            "read_only_reason": reason, "grace_until": state.grace_until,
            "grace_days_left": state.grace_days_left(now), "banner": dom.banner(state, now)}


def overview(caller: Principal) -> dict[str, Any]:
    """GET /api/billing: plan, add-ons, status, current period, next invoice, last invoices."""
    state = store.state_of(caller.tenant_id)
    invoices: list[dom.Invoice] = []
    if state.customer_id:
        try:
            invoices = wiring.payments().invoices(state.customer_id, limit=5)
        except ProviderUnavailable as exc:  # the page still shows what the table knows
            logger.warning("invoices unavailable", extra={"error": str(exc)})
    paid = next((i for i in invoices if i.status == "paid"), None)
    next_invoice = None
    if state.period_end and state.status in dom.PAYING:
        next_invoice = {"date": state.period_end, "amount": paid.amount_paid if paid else None,
                        "currency": paid.currency if paid else "brl"}
    book = price_book()
    return {"plan": state.plan, "add_ons": list(state.add_ons), "status": state.status,
            "current_period_end": state.period_end, "next_invoice": next_invoice,
            "invoices": [_invoice_json(i) for i in invoices], "has_customer": bool(state.customer_id),
            "plans": book.plans(), "available_add_ons": book.add_ons(),
            "publishable_key": get_settings().stripe_publishable_key, **me_block(caller.tenant_id)}


# ---------------------------------------------------------------- the read-only guard
# A writable verdict is kept per container for GUARD_CACHE_S at most, and never past the end of a grace period
# it saw, so a send costs no extra read most of the time (the /v1/messages budget: DECISIONS 33). A read-only
# verdict is never kept: paying restores at once. An operator's suspension reaches every container within
# GUARD_CACHE_S; a payment failure only starts the 7-day grace, so its delay does not matter.
GUARD_CACHE_S = 30.0
_writable = TtlCache(ttl_s=GUARD_CACHE_S, max_items=10_000)


def ensure_writable(tenant_id: str) -> None:
    """402 when the tenant is read-only (grace period over, or suspended); called before sends, campaign starts
    and resumes, contact imports. At most one GetItem per tenant and container every GUARD_CACHE_S."""
    now = _clock()
    until = _writable.peek(tenant_id)
    if until is not None and now < until:
        return
    state = store.state_of(tenant_id)
    reason = state.read_only_reason(now)
    if reason is not None:
        _writable.forget(tenant_id)
        raise ReadOnly(dom.READ_ONLY_MESSAGES[reason], code=reason)
    until = now + timedelta(seconds=GUARD_CACHE_S)
    if state.grace_until:
        until = min(until, clock.parse_iso(state.grace_until))
    _writable.put(tenant_id, until)


# ---------------------------------------------------------------- webhooks
def _tenant_of(event: dom.ProviderEvent) -> str | None:
    tenant_id = store.tenant_of_customer(event.customer_id) if event.customer_id else None
    return tenant_id or event.tenant_id


def _checkout_completed(tenant_id: str, event: dom.ProviderEvent) -> None:
    if event.customer_id:
        store.link_customer(tenant_id, event.customer_id)
    if event.subscription_id:
        _apply(tenant_id, _provider_call(lambda p: p.subscription(event.subscription_id)))


def _subscription_changed(tenant_id: str, event: dom.ProviderEvent) -> None:
    if event.subscription is not None:
        _apply(tenant_id, event.subscription)


def _payment_failed(tenant_id: str, _event: dom.ProviderEvent) -> None:
    now = _clock()
    store.mark_past_due(tenant_id, grace_until=clock.iso(dom.grace_until(now)), at=clock.iso(now))


def _paid(tenant_id: str, _event: dom.ProviderEvent) -> None:
    store.mark_paid(tenant_id, at=clock.iso(_clock()))


HANDLERS: dict[str, Callable[[str, dom.ProviderEvent], None]] = {
    "checkout.session.completed": _checkout_completed,
    "customer.subscription.created": _subscription_changed,
    "customer.subscription.updated": _subscription_changed,
    "customer.subscription.deleted": _subscription_changed,
    "invoice.paid": _paid,
    "invoice.payment_failed": _payment_failed,
}


def handle_webhook(payload: bytes, signature: str | None) -> dict[str, Any]:
    """Verify, deduplicate, handle. 400 on a bad signature; a replay or an event of no interest answers 200."""
    try:
        event = wiring.payments().verify_event(payload, signature)
    except BadSignature as exc:
        logger.warning("stripe webhook refused", extra={"reason": str(exc)})
        raise BadRequest(f"Assinatura do webhook inválida: {exc}", code="bad_signature") from None
    handler = HANDLERS.get(event.type)
    if handler is None:
        return {"received": True, "handled": False}
    now = _clock()
    if not store.claim_event(event.event_id, event.type, at=clock.iso(now), now_s=int(now.timestamp())):
        logger.info("stripe webhook replay ignored", extra={"event_id": event.event_id, "type": event.type})
        return {"received": True, "handled": False, "replay": True}
    try:
        tenant_id = _tenant_of(event)
        if tenant_id is None:
            logger.warning("stripe event of no known tenant", extra={"event_id": event.event_id,
                                                                     "type": event.type})
            store.finish_event(event.event_id)
            return {"received": True, "handled": False}
        handler(tenant_id, event)
        _writable.forget(tenant_id)
    except NotFound:
        logger.warning("stripe event for a tenant that is gone", extra={"event_id": event.event_id})
        store.finish_event(event.event_id)
        return {"received": True, "handled": False}
    except Exception:
        store.release_event(event.event_id)  # Stripe retries: the retry must be handled
        raise
    store.finish_event(event.event_id)
    logger.info("stripe webhook handled", extra={"event_id": event.event_id, "type": event.type,
                                                 "tenant_id": tenant_id})
    return {"received": True, "handled": True}


# ---------------------------------------------------------------- the operator (alrea tenants ...)
def set_plan(tenant_id: str, plan: str, add_ons: Sequence[str] = ()) -> None:
    """An enterprise deal by hand: the plan (and its limits) and add-ons, keeping the subscription status."""
    if plan not in plans.PLANS and plan not in price_book().plans():
        raise Invalid(f"Plano desconhecido: {plan}.", field="plan")
    state = store.state_of(tenant_id)
    status = state.status if state.status != "none" else "manual"
    store.record_subscription(tenant_id, plan=plan,
                              limits=plans.PLANS[plan].limits.as_dict() if plan in plans.PLANS else None,
                              add_ons=sorted(set(add_ons)), status=status, subscription_id=state.subscription_id,
                              period_end=state.period_end, at=clock.iso(_clock()))


def suspend(tenant_id: str, reason: str) -> None:
    """Read-only with its own reason; the API's containers see it within GUARD_CACHE_S."""
    store.suspend(tenant_id, reason=reason or "suspended", at=clock.iso(_clock()))
    _writable.forget(tenant_id)


def reactivate(tenant_id: str) -> None:
    store.reactivate(tenant_id)


def tenants() -> list[dom.TenantRow]:
    return sorted(store.every_tenant(), key=lambda row: row.created_at)


def show_tenant(tenant_id: str) -> dom.TenantRow:
    return store.tenant_row(tenant_id)


def set_limits(tenant_id: str, limits: dict[str, int]) -> None:
    """Per-tenant limit exceptions (an enterprise deal), over the plan's."""
    state = store.state_of(tenant_id)  # NotFound when the tenant is gone
    tenant_store.set_limits(state.tenant_id, **limits)
