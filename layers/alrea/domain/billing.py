"""Billing: what a Stripe price stands for (``PriceBook``), a tenant's billing state, and the read-only rule.

A subscription's prices say which plan and add-ons the tenant pays for; the ``PriceBook`` turns price ids into
("plan", name) or ("add_on", product) and back. Today it is built from configuration (``ALREA_STRIPE_PRICES``,
a JSON mapping ``{"price_id": "plan:starter" | "add_on:sense"}``, with defaults the local fake Stripe knows);
the catalogue can build the same book from its data file (``PriceBook.from_mapping``).

Past due: a failed payment opens a grace period of ``GRACE_DAYS``; during it everything works and the SPA shows
a banner with the days left; after it the tenant is read-only (reads work; sends, campaign starts and contact
imports answer 402 ``billing_past_due``; inbound messages keep being stored). A paid invoice ends it at once.
An operator's suspension is read-only too, with its own reason (``account_suspended``).
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from alrea.core.clock import parse_iso

GRACE_DAYS = 7
PLAN, ADD_ON = "plan", "add_on"

# the add-on products the local fake Stripe sells (the catalogue's data file decides them once merged)
LOCAL_ADD_ONS = ("sense", "api", "notifications")


def local_prices() -> dict[str, str]:
    """The prices the local fake Stripe knows (alrea.local.fake_stripe): one per paid plan of
    ``domain.plans.PLANS`` and one per add-on; a deployment sets ALREA_STRIPE_PRICES instead."""
    from alrea.domain.plans import PLANS

    prices = {f"price_{name}_monthly": f"plan:{name}" for name in PLANS if name != "trial"}
    prices.update({f"price_addon_{product}_monthly": f"add_on:{product}" for product in LOCAL_ADD_ONS})
    return prices


# subscription statuses (Stripe's names) that keep the tenant on its paid plan
PAYING = frozenset({"active", "trialing", "past_due"})


@dataclass(frozen=True)
class PriceBook:
    """Price id ↔ (kind, name): kind is ``plan`` or ``add_on``."""

    by_price: Mapping[str, tuple[str, str]]

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str | tuple[str, str]]) -> PriceBook:
        """``{"price_x": "plan:starter"}`` or ``{"price_x": ("plan", "starter")}``."""
        book: dict[str, tuple[str, str]] = {}
        for price, target in mapping.items():
            kind, _, name = target.partition(":") if isinstance(target, str) else (target[0], "", target[1])
            if kind not in (PLAN, ADD_ON) or not name:
                raise ValueError(f"price {price!r}: expected 'plan:<name>' or 'add_on:<product>', got {target!r}")
            book[price] = (kind, name)
        return cls(book)

    @classmethod
    def from_json(cls, text: str) -> PriceBook:
        return cls.from_mapping(json.loads(text) if text.strip() else local_prices())

    def price_of(self, kind: str, name: str) -> str | None:
        return next((p for p, target in self.by_price.items() if target == (kind, name)), None)

    def plans(self) -> list[str]:
        return [name for kind, name in self.by_price.values() if kind == PLAN]

    def add_ons(self) -> list[str]:
        return [name for kind, name in self.by_price.values() if kind == ADD_ON]

    def read(self, price_ids: Iterable[str]) -> tuple[str | None, list[str]]:
        """The plan and the add-ons a subscription's prices stand for (unknown prices are ignored)."""
        plan, add_ons = None, []
        for price in price_ids:
            kind, name = self.by_price.get(price, ("", ""))
            if kind == PLAN:
                plan = name
            elif kind == ADD_ON and name not in add_ons:
                add_ons.append(name)
        return plan, sorted(add_ons)


@dataclass(frozen=True)
class Subscription:
    """A subscription as the payment provider reports it."""

    subscription_id: str
    customer_id: str
    status: str  # Stripe's: active, trialing, past_due, unpaid, canceled, incomplete...
    price_ids: tuple[str, ...]
    period_start: int | None = None  # epoch seconds
    period_end: int | None = None
    cancel_at_period_end: bool = False
    tenant_id: str | None = None  # metadata.tenant_id when the provider carries it


@dataclass(frozen=True)
class Invoice:
    invoice_id: str
    status: str  # draft, open, paid, uncollectible, void
    amount_due: int  # cents
    amount_paid: int
    currency: str
    created: int
    number: str | None = None
    hosted_url: str | None = None
    subscription_id: str | None = None
    customer_id: str | None = None


@dataclass(frozen=True)
class ProviderEvent:
    """A verified webhook event: its id (replays are ignored by it), type, and what its object names."""

    event_id: str
    type: str
    created: int
    customer_id: str | None = None
    tenant_id: str | None = None  # metadata.tenant_id / client_reference_id when the object carries one
    subscription_id: str | None = None
    subscription: Subscription | None = None  # when the object IS a subscription


@dataclass(frozen=True)
class BillingState:
    """The billing attributes stored on the tenant item."""

    tenant_id: str
    plan: str
    customer_id: str | None = None
    subscription_id: str | None = None
    status: str = "none"  # none (never subscribed), active, past_due, canceled, ...
    add_ons: tuple[str, ...] = ()
    period_end: str | None = None  # ISO
    grace_until: str | None = None  # ISO; set while past due
    suspended_reason: str | None = None  # an operator's suspension

    def read_only_reason(self, now: datetime) -> str | None:
        """``account_suspended``, ``billing_past_due`` (grace over) or None when writes may go on."""
        if self.suspended_reason:
            return "account_suspended"
        if self.status in ("past_due", "unpaid") and self.grace_until and now >= parse_iso(self.grace_until):
            return "billing_past_due"
        return None

    def grace_days_left(self, now: datetime) -> int | None:
        if self.status not in ("past_due", "unpaid") or not self.grace_until:
            return None
        return max(0, math.ceil((parse_iso(self.grace_until) - now).total_seconds() / 86400))


def grace_until(now: datetime) -> datetime:
    return now + timedelta(days=GRACE_DAYS)


READ_ONLY_MESSAGES = {
    "billing_past_due": "Pagamento pendente: sua conta está em modo somente leitura. Regularize o pagamento em "
                        "Configurações → Plano e cobrança para voltar a enviar.",
    "account_suspended": "Conta suspensa: está em modo somente leitura. Fale com o suporte da ALREA.",
}


def banner(state: BillingState, now: datetime) -> dict[str, object] | None:
    """What the SPA shows on every page (None: nothing to show)."""
    reason = state.read_only_reason(now)
    days = state.grace_days_left(now)
    if reason is None and days is None:
        return None
    if reason is not None:
        return {"kind": reason, "read_only": True, "days_left": 0 if days is not None else None,
                "message": READ_ONLY_MESSAGES[reason]}
    plural = "dia" if days == 1 else "dias"
    return {"kind": "grace", "read_only": False, "days_left": days,
            "message": f"Pagamento pendente: regularize em até {days} {plural} para evitar o modo somente "
                       "leitura."}


@dataclass(frozen=True)
class TenantRow:
    """One tenant as the operator's CLI lists it."""

    name: str
    created_at: str
    billing: BillingState
    limits: Mapping[str, int] = field(default_factory=dict)
