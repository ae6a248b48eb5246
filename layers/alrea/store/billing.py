"""Billing attributes on the tenant item (``T#<tid>/TENANT``), the Stripe customer pointer, processed events.

- The tenant item carries ``stripe_customer_id``, ``stripe_subscription_id``, ``billing_status``, ``add_ons``,
  ``billing_period_end``, ``billing_grace_until``, ``suspended_reason``/``suspended_at`` next to ``plan`` and
  ``limits``. This module writes them with update actions only (store/tenants.py owns the item's creation), so a
  subscription change (plan + limits + add-ons + status) is ONE UpdateItem and the next request reads it.
- ``STRIPECUS#<customer id>`` → tenant: a webhook finds its tenant with one GetItem; written in the same
  transaction as the tenant's ``stripe_customer_id`` (conditioned on the tenant having none).
- ``STRIPEEVT#<event id>``: a webhook event, put on the condition of its absence (a replay finds it and is
  ignored) as ``processing``, then ``done``; a ``processing`` claim older than ``CLAIM_TIMEOUT_S`` (its handler
  died) may be claimed again; TTL ``EVENT_TTL_DAYS`` (Stripe retries for 3 days).
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from pynamodb.attributes import ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PutError, TransactWriteError

from alrea.core.errors import NotFound
from alrea.domain.billing import BillingState, TenantRow
from alrea.store.base import Item, Transaction, condition_failed, update_if
from alrea.store.keys import tenant_pk
from alrea.store.tenants import TENANT_SK, LimitsAttribute

EVENT_TTL_DAYS = 30
_GONE = "Empresa não encontrada."


class TenantBilling(Item):
    """The billing view of the tenant item (same key as store.tenants.Tenant; other attributes untouched)."""

    tenant_id = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    plan = UnicodeAttribute(null=True)
    limits = LimitsAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
    stripe_customer_id = UnicodeAttribute(null=True)
    stripe_subscription_id = UnicodeAttribute(null=True)
    billing_status = UnicodeAttribute(null=True)
    add_ons = ListAttribute(of=UnicodeAttribute, null=True)
    billing_period_end = UnicodeAttribute(null=True)
    billing_grace_until = UnicodeAttribute(null=True)
    billing_updated_at = UnicodeAttribute(null=True)
    suspended_reason = UnicodeAttribute(null=True)
    suspended_at = UnicodeAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str) -> tuple[str, str]:
        return tenant_pk(tenant_id), TENANT_SK

    def domain(self) -> BillingState:
        return BillingState(tenant_id=self.tenant_id or self.pk.removeprefix("T#"), plan=self.plan or "trial",
                            customer_id=self.stripe_customer_id, subscription_id=self.stripe_subscription_id,
                            status=self.billing_status or "none", add_ons=tuple(self.add_ons or ()),
                            period_end=self.billing_period_end, grace_until=self.billing_grace_until,
                            suspended_reason=self.suspended_reason)


class CustomerPointer(Item):
    """``STRIPECUS#<customer id>`` → the tenant that customer pays for."""

    tenant_id = UnicodeAttribute()

    @classmethod
    def key(cls, customer_id: str) -> tuple[str, str]:
        return f"STRIPECUS#{customer_id}", "STRIPECUS"


class ProcessedEvent(Item):
    """``STRIPEEVT#<event id>``: a webhook event being handled (``processing``) or handled (``done``); TTL."""

    event_type = UnicodeAttribute(null=True)
    processed_at = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    claimed_s = NumberAttribute(null=True)

    @classmethod
    def key(cls, event_id: str) -> tuple[str, str]:
        return f"STRIPEEVT#{event_id}", "STRIPEEVT"


def _tenant(tenant_id: str) -> TenantBilling:
    return TenantBilling(*TenantBilling.key(tenant_id))


def state_of(tenant_id: str) -> BillingState:
    try:
        return TenantBilling.get(*TenantBilling.key(tenant_id), consistent_read=True).domain()
    except DoesNotExist:
        raise NotFound(_GONE) from None


def link_customer(tenant_id: str, customer_id: str) -> str:
    """Record the tenant's customer (and its pointer) unless it has one; answers the tenant's customer id."""
    tx = Transaction()
    try:
        with tx:
            tx.update("tenant", _tenant(tenant_id), [TenantBilling.stripe_customer_id.set(customer_id)],
                      condition=TenantBilling.pk.exists() & TenantBilling.stripe_customer_id.does_not_exist())
            tx.put("pointer", CustomerPointer(*CustomerPointer.key(customer_id), entity="stripe_customer",
                                              tenant_id=tenant_id))
    except TransactWriteError as exc:
        if tx.codes(exc).get("tenant") != "ConditionalCheckFailed":
            raise
        current = state_of(tenant_id).customer_id  # NotFound when the tenant is gone
        if current is None:
            raise
        return current
    return customer_id


def tenant_of_customer(customer_id: str) -> str | None:
    try:
        return CustomerPointer.get(*CustomerPointer.key(customer_id), consistent_read=True).tenant_id
    except DoesNotExist:
        return None


CLAIM_TIMEOUT_S = 300  # a claim older than this whose handler never finished (a crash) may be taken again


def claim_event(event_id: str, event_type: str, *, at: str, now_s: int) -> bool:
    """True when this delivery may handle ``event_id``: never seen, or a claim whose handler died more than
    ``CLAIM_TIMEOUT_S`` ago. False for a replay of a handled (or being handled) event; nothing written then."""
    item = ProcessedEvent(*ProcessedEvent.key(event_id), entity="stripe_event", event_type=event_type,
                          processed_at=at, status="processing", claimed_s=now_s,
                          ttl=now_s + EVENT_TTL_DAYS * 86400)
    stale = (ProcessedEvent.status == "processing") & (ProcessedEvent.claimed_s < now_s - CLAIM_TIMEOUT_S)
    try:
        item.save(condition=ProcessedEvent.pk.does_not_exist() | stale)
    except PutError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


def finish_event(event_id: str) -> None:
    """The claimed event was handled: replays are ignored from now on (for the TTL's 30 days)."""
    ProcessedEvent(*ProcessedEvent.key(event_id)).update(actions=[ProcessedEvent.status.set("done")])


def release_event(event_id: str) -> None:
    """Forget a claimed event whose handling failed, so the provider's retry is handled."""
    ProcessedEvent(*ProcessedEvent.key(event_id)).delete()


def record_subscription(tenant_id: str, *, plan: str | None, limits: Mapping[str, int] | None,
                        add_ons: Sequence[str], status: str, subscription_id: str | None,
                        period_end: str | None, at: str) -> None:
    """A subscription's state, the plan and its limits at once (one UpdateItem); NotFound when the tenant is gone.

    ``plan`` None keeps the plan (a status-only change); a paying status clears the grace period only through
    ``mark_paid``."""
    actions = [TenantBilling.billing_status.set(status), TenantBilling.add_ons.set(list(add_ons)),
               TenantBilling.billing_updated_at.set(at)]
    actions.append(TenantBilling.stripe_subscription_id.set(subscription_id) if subscription_id
                   else TenantBilling.stripe_subscription_id.remove())
    actions.append(TenantBilling.billing_period_end.set(period_end) if period_end
                   else TenantBilling.billing_period_end.remove())
    if plan is not None:
        actions.append(TenantBilling.plan.set(plan))
    for name, value in (limits or {}).items():
        actions.append(getattr(TenantBilling.limits, name).set(int(value)))
    if status not in ("past_due", "unpaid"):
        actions.append(TenantBilling.billing_grace_until.remove())
    if not update_if(_tenant(tenant_id), actions, TenantBilling.pk.exists()):
        raise NotFound(_GONE)


def mark_past_due(tenant_id: str, *, grace_until: str, at: str) -> BillingState:
    """Past due; the grace period starts at the first failure (a later failure keeps it)."""
    if not update_if(_tenant(tenant_id), [
            TenantBilling.billing_status.set("past_due"), TenantBilling.billing_updated_at.set(at),
            TenantBilling.billing_grace_until.set(TenantBilling.billing_grace_until | grace_until)],
            TenantBilling.pk.exists()):
        raise NotFound(_GONE)
    return state_of(tenant_id)


def mark_paid(tenant_id: str, *, at: str) -> None:
    """A paid invoice: the grace period gone and a past-due tenant active again (writes work at once)."""
    actions = [TenantBilling.billing_updated_at.set(at), TenantBilling.billing_grace_until.remove()]
    if update_if(_tenant(tenant_id), [*actions, TenantBilling.billing_status.set("active")],
                 TenantBilling.pk.exists() & TenantBilling.billing_status.is_in("past_due", "unpaid")):
        return
    if not update_if(_tenant(tenant_id), actions, TenantBilling.pk.exists()):
        raise NotFound(_GONE)


def suspend(tenant_id: str, *, reason: str, at: str) -> None:
    if not update_if(_tenant(tenant_id), [TenantBilling.suspended_reason.set(reason),
                                          TenantBilling.suspended_at.set(at)], TenantBilling.pk.exists()):
        raise NotFound(_GONE)


def reactivate(tenant_id: str) -> None:
    if not update_if(_tenant(tenant_id), [TenantBilling.suspended_reason.remove(),
                                          TenantBilling.suspended_at.remove()], TenantBilling.pk.exists()):
        raise NotFound(_GONE)


def set_add_ons(tenant_id: str, add_ons: Sequence[str], *, at: str) -> None:
    if not update_if(_tenant(tenant_id), [TenantBilling.add_ons.set(list(add_ons)),
                                          TenantBilling.billing_updated_at.set(at)], TenantBilling.pk.exists()):
        raise NotFound(_GONE)


def _row(item: TenantBilling) -> TenantRow:
    limits = item.limits.as_dict() if item.limits else {}
    return TenantRow(name=item.name or "", created_at=item.created_at or "", billing=item.domain(),
                     limits={k: int(v or 0) for k, v in limits.items()})


def tenant_row(tenant_id: str) -> TenantRow:
    try:
        return _row(TenantBilling.get(*TenantBilling.key(tenant_id), consistent_read=True))
    except DoesNotExist:
        raise NotFound(_GONE) from None


def every_tenant() -> Iterator[TenantRow]:
    """Every tenant (the operator's CLI only: a Scan filtered on the tenant items, never a request path)."""
    for item in TenantBilling.scan(TenantBilling.sk == TENANT_SK):
        yield _row(item)
