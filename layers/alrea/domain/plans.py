"""Plans, products, add-ons and limits: read from ONE data file, ``catalogue.json`` (docs/DECISIONS.md 32B).

A tenant's limits are copied from its plan when the plan is set (sign-up, a subscription change, an operator's
exception) and stored on the tenant item, so every limit check reads one item. ``None`` is "unlimited": a real
value, not a big number (the store keeps no limit attribute for it and checks nothing).

Products: ``flow`` (inbox, campaigns, contacts), ``sense`` (AI analysis), ``api`` (the partner API, its keys and
webhooks) and ``notifications``. A plan includes some and offers others as paid add-ons; a tenant has the
products its plan includes plus the add-ons it bought (only those its plan offers).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from alrea.core.errors import LimitReached
from alrea.domain.api_keys import Rate

DEFAULT_TIMEZONE = "America/Sao_Paulo"
DEFAULT_COUNTRY = "BR"
CATALOGUE_FILE = Path(__file__).with_name("catalogue.json")
# tenants written under this catalogue carry it; an item without it holds a legacy plan name (migrated on read)
CATALOGUE_VERSION = 2

FLOW, SENSE, API, NOTIFICATIONS = "flow", "sense", "api", "notifications"
TRIALING, ACTIVE, PAST_DUE, CANCELED = "trialing", "active", "past_due", "canceled"
STATUSES = (TRIALING, ACTIVE, PAST_DUE, CANCELED)


@dataclass(frozen=True)
class Limits:
    """Each limit is a count, or None: unlimited."""

    max_users: int | None
    max_numbers: int | None
    max_contacts: int | None
    max_campaigns_per_month: int | None

    def as_dict(self) -> dict[str, int | None]:
        return asdict(self)

    def get(self, name: str) -> int | None:
        return getattr(self, name)


LIMIT_NAMES: tuple[str, ...] = tuple(Limits.__dataclass_fields__)


@dataclass(frozen=True)
class Product:
    name: str
    title: str
    description: str


@dataclass(frozen=True)
class AddOn:
    product: str
    price_brl: int
    stripe_price_env: str


@dataclass(frozen=True)
class Plan:
    name: str
    title: str  # shown to customers
    price_brl: int
    stripe_price_env: str
    limits: Limits
    included: frozenset[str]
    add_ons: frozenset[str]
    api_rate: Rate

    def products(self, add_ons: tuple[str, ...] | frozenset[str] = ()) -> frozenset[str]:
        """What a tenant on this plan has with ``add_ons`` bought (add-ons the plan does not offer: ignored)."""
        return self.included | (self.add_ons & frozenset(add_ons))


@dataclass(frozen=True)
class Catalogue:
    currency: str
    products: dict[str, Product]
    add_ons: dict[str, AddOn]
    plans: dict[str, Plan]
    limit_titles: dict[str, str]
    upgrade_path: tuple[str, ...]
    legacy_plans: dict[str, str]
    signup_plan: str
    signup_status: str
    trial_days: int
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)


def _limits(data: dict[str, Any]) -> Limits:
    unknown = set(data) ^ set(LIMIT_NAMES)
    if unknown:
        raise ValueError(f"catalogue: limits must be exactly {LIMIT_NAMES}, got {sorted(data)}")
    return Limits(**{k: (None if v is None else int(v)) for k, v in data.items()})


def parse(data: dict[str, Any]) -> Catalogue:
    """The catalogue from its JSON; refuses inconsistent data (an unknown product, an add-on also included,
    an add-on without a price)."""
    products = {name: Product(name, p["title"], p["description"]) for name, p in data["products"].items()}
    add_ons = {name: AddOn(name, int(a["price_brl"]), a["stripe_price_env"]) for name, a in data["add_ons"].items()}
    plans: dict[str, Plan] = {}
    for name, p in data["plans"].items():
        included, offered = frozenset(p["included"]), frozenset(p["add_ons"])
        if not included | offered <= set(products) or included & offered or not offered <= set(add_ons):
            raise ValueError(f"catalogue: plan {name!r} names unknown, doubled or unpriced products")
        plans[name] = Plan(name, p["title"], int(p["price_brl"]), p["stripe_price_env"], _limits(p["limits"]),
                           included, offered, Rate(**p["api_rate"]))
    signup = data["signup"]
    if signup["plan"] not in plans or signup["status"] not in STATUSES:
        raise ValueError("catalogue: sign-up plan/status unknown")
    if not set(data["upgrade_path"]) <= set(plans) or not set(data["legacy_plans"].values()) <= set(plans):
        raise ValueError("catalogue: upgrade path or legacy mapping names an unknown plan")
    return Catalogue(currency=data["currency"], products=products, add_ons=add_ons, plans=plans,
                     limit_titles=dict(data["limits"]), upgrade_path=tuple(data["upgrade_path"]),
                     legacy_plans=dict(data["legacy_plans"]), signup_plan=signup["plan"],
                     signup_status=signup["status"], trial_days=int(signup["trial_days"]), raw=data)


@cache
def catalogue() -> Catalogue:
    return parse(json.loads(CATALOGUE_FILE.read_text(encoding="utf-8")))


PLANS: dict[str, Plan] = catalogue().plans
PRODUCTS: tuple[str, ...] = tuple(catalogue().products)
SIGNUP = PLANS[catalogue().signup_plan]


def plan(name: str) -> Plan:
    try:
        return PLANS[name]
    except KeyError:
        raise KeyError(f"unknown plan {name!r}; plans are defined in alrea/domain/catalogue.json") from None


@dataclass(frozen=True)
class Start:
    """The plan a new sign-up gets: the catalogue's sign-up plan (Professional), trialing for ``trial_days``."""

    plan: Plan
    status: str
    trial_ends_at: datetime | None


def signup_start(now: datetime) -> Start:
    c = catalogue()
    ends = now + timedelta(days=c.trial_days) if c.signup_status == TRIALING else None
    return Start(SIGNUP, c.signup_status, ends)


def api_rate(plan_name: str | None) -> Rate:
    """Sustained requests per minute and burst of one partner API key on ``plan_name``'s plan."""
    return PLANS.get(plan_name or "", SIGNUP).api_rate


def check_add_ons(plan_name: str, add_ons: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """The add-ons, sorted and once each; ValueError naming those ``plan_name`` does not offer."""
    wanted = tuple(sorted(set(add_ons)))
    refused = [a for a in wanted if a not in plan(plan_name).add_ons]
    if refused:
        raise ValueError(f"add-ons not offered by {plan_name}: {refused}")
    return wanted


# ---------------------------------------------------------------- real-time events of a product
# WebSocket events (``type``, or ``type:kind``) that belong to a product: a tenant without it gets none of them.
# Anything else (numbers' states and QR codes, echo) is everyone's.
EVENT_PRODUCTS: dict[str, str] = {
    **dict.fromkeys(("message_received", "message_updated", "message_status", "conversation_updated",
                     "conversation_removed", "conversation_read", "activity", "presence", "notification:assigned",
                     "campaign_progress", "campaign_alert", "import_progress"), FLOW),
    "notification_created": NOTIFICATIONS,
}


def event_product(event: dict[str, Any]) -> str | None:
    kind = event.get("type")
    return EVENT_PRODUCTS.get(f"{kind}:{event.get('kind')}") or EVENT_PRODUCTS.get(str(kind))


# ---------------------------------------------------------------- legacy plan names
def migrated(legacy_name: str, stored: Limits) -> tuple[Plan, Limits, str]:
    """A tenant of the old catalogue (trial/starter "Essencial"/pro/business) → its new plan, its limits
    and its billing status. Limits are grandfathered: each is the larger of the stored one and the new plan's
    (None, unlimited, is the largest), so no customer loses room they had. The old trial keeps trialing."""
    entry = catalogue().upgrade_path[0]  # a name nobody knows: the entry plan (its limits grandfathered anyway)
    new = PLANS[catalogue().legacy_plans.get(legacy_name, entry)]
    limits = Limits(**{name: _larger(stored.get(name), new.limits.get(name)) for name in LIMIT_NAMES})
    status = TRIALING if legacy_name == "trial" else ACTIVE
    return new, limits, status


def _larger(a: int | None, b: int | None) -> int | None:
    if a is None or b is None:
        return None
    return max(a, b)


# ---------------------------------------------------------------- what a customer reads (pt-BR)
def _count(limit_name: str, n: int) -> str:
    nouns = {"max_users": ("usuário ativo", "usuários ativos"),
             "max_numbers": ("número de WhatsApp", "números de WhatsApp"),
             "max_contacts": ("contato", "contatos"),
             "max_campaigns_per_month": ("campanha por mês", "campanhas por mês")}[limit_name]
    return f"{n:,}".replace(",", ".") + " " + (nouns[0] if n == 1 else nouns[1])


def upgrade_for(limit_name: str, current: int | None, plan_name: str | None = None) -> Plan | None:
    """The first plan after ``plan_name`` on the upgrade path (all of it for a plan off the path, api_only)
    whose ``limit_name`` is larger than ``current``; None when none."""
    path = catalogue().upgrade_path
    later = path[path.index(plan_name) + 1:] if plan_name in path else path
    for name in later:
        value = PLANS[name].limits.get(limit_name)
        if current is not None and (value is None or value > current):
            return PLANS[name]
    return None


def upgrade_for_product(plan_name: str, product: str) -> Plan | None:
    """The first plan of the upgrade path that includes ``product`` (or the plan itself when it sells it as
    an add-on); None when no plan has it."""
    if product in PLANS.get(plan_name, SIGNUP).add_ons:
        return PLANS[plan_name]
    for name in catalogue().upgrade_path:
        if product in PLANS[name].included:
            return PLANS[name]
    return None


_ADVICE = {"max_users": "desative um usuário", "max_numbers": "remova um número",
           "max_contacts": "exclua contatos", "max_campaigns_per_month": "aguarde o próximo mês"}


def limit_message(plan_name: str, limit_name: str, current: int) -> str:
    """"Seu plano Starter permite até 1 usuário ativo; o plano Professional permite até 5 usuários ativos.
    Desative um usuário ou faça upgrade." — names the limit and the plan that lifts it."""
    own = PLANS.get(plan_name)
    title = f"Seu plano {own.title}" if own else "Seu plano"
    text = f"{title} permite até {_count(limit_name, current)}"
    better = upgrade_for(limit_name, current, plan_name)
    if better is not None:
        value = better.limits.get(limit_name)
        lifted = ("não tem limite" if value is None else f"permite até {_count(limit_name, value)}")
        text += f"; o plano {better.title} {lifted}"
    advice = _ADVICE[limit_name]
    return f"{text}. {advice[0].upper()}{advice[1:]} ou faça upgrade."


def product_message(plan_name: str, product: str) -> str:
    """Why a route of a product the tenant lacks is refused, and what gives it."""
    name = catalogue().products[product].title
    better = upgrade_for_product(plan_name, product)
    if better is None:
        return f"O recurso {name} não está disponível no seu plano."
    if better.name == plan_name:
        return f"O recurso {name} é um adicional do seu plano: contrate-o em Configurações → Plano e cobrança."
    return f"O recurso {name} não faz parte do seu plano; está incluído no plano {better.title}."


def limit_reached(plan_name: str, limit_name: str, current: int) -> LimitReached:
    """The 402 of a limit: its pt-BR message, and (in the answer's body) the limit's name and the plan that
    lifts it (``upgrade_to``), so the SPA can offer that plan."""
    better = upgrade_for(limit_name, current, plan_name)
    return LimitReached(limit_message(plan_name, limit_name, current), limit=limit_name,
                        upgrade_to=better.name if better else None, **{limit_name: current})


# ---------------------------------------------------------------- the public catalogue (GET /api/plans)
def public_catalogue() -> dict[str, Any]:
    """What the SPA's plan comparison reads: plans (limits, products included / add-on, price), add-ons'
    prices, products and limit titles. No Stripe ids (they are configuration)."""
    c = catalogue()
    return {
        "currency": c.currency,
        "products": [{"name": p.name, "title": p.title, "description": p.description} for p in c.products.values()],
        "limits": [{"name": k, "title": v} for k, v in c.limit_titles.items()],
        "add_ons": [{"product": a.product, "price_brl": a.price_brl} for a in c.add_ons.values()],
        "plans": [{"name": p.name, "title": p.title, "price_brl": p.price_brl, "limits": p.limits.as_dict(),
                   "included": sorted(p.included), "add_ons": sorted(p.add_ons),
                   "api_rate": {"per_minute": p.api_rate.per_minute, "burst": p.api_rate.burst}}
                  for p in c.plans.values()],
        "trial_days": c.trial_days,
    }
