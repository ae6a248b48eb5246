"""Billing plans and their limits.

A tenant's limits are copied from its plan when the plan is set, and stored on the tenant item, so a plan
change (billing) or a per-tenant exception is one write, and every limit check reads one item.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from alrea.domain.api_keys import Rate

DEFAULT_TIMEZONE = "America/Sao_Paulo"
DEFAULT_COUNTRY = "BR"


@dataclass(frozen=True)
class Limits:
    max_users: int
    max_numbers: int
    max_contacts: int
    max_campaigns_per_month: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class Plan:
    name: str
    title: str  # shown to customers (pt-BR)
    limits: Limits


PLANS: dict[str, Plan] = {
    p.name: p
    for p in (
        Plan("trial", "Teste grátis", Limits(max_users=3, max_numbers=1, max_contacts=500,
                                              max_campaigns_per_month=5)),
        Plan("starter", "Essencial", Limits(max_users=5, max_numbers=2, max_contacts=5_000,
                                            max_campaigns_per_month=30)),
        Plan("pro", "Profissional", Limits(max_users=20, max_numbers=5, max_contacts=50_000,
                                           max_campaigns_per_month=200)),
        Plan("business", "Empresarial", Limits(max_users=100, max_numbers=20, max_contacts=500_000,
                                               max_campaigns_per_month=2_000)),
    )
}

TRIAL = PLANS["trial"]


def plan(name: str) -> Plan:
    try:
        return PLANS[name]
    except KeyError:
        raise KeyError(f"unknown plan {name!r}; plans are defined in alrea.domain.plans.PLANS") from None


def users_limit_message(max_users: int) -> str:
    """What a customer reads when the active-user limit stops them (pt-BR)."""
    noun = "usuário ativo" if max_users == 1 else "usuários ativos"
    return f"Seu plano permite até {max_users} {noun}; desative um usuário ou faça upgrade."



# ---------------------------------------------------------------- partner API rate per key (plan data)
API_RATES: dict[str, Rate] = {
    "trial": Rate(per_minute=60, burst=10),
    "starter": Rate(per_minute=120, burst=20),
    "pro": Rate(per_minute=300, burst=50),
    "business": Rate(per_minute=600, burst=100),
}


def api_rate(plan_name: str | None) -> Rate:
    """Sustained requests per minute and burst of one partner API key on ``plan_name``'s plan."""
    return API_RATES.get(plan_name or "", API_RATES[TRIAL.name])
