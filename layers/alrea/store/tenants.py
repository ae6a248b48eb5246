"""Tenants: ``pk=T#<tid> sk=TENANT`` — name, plan, add-ons, billing status, limits, usage counters, time zone,
country.

``users_count`` counts ACTIVE users; it moves only inside the same transaction that creates, activates or
deactivates a user, conditioned on ``users_count < limits.max_users`` — so the limit holds under concurrency.
An unlimited limit (None) is stored as no attribute at all, and the conditions let it pass.

Legacy plans: an item without ``catalogue`` (written before the plans of ``domain/catalogue.json``) holds an
old plan name (trial/starter/pro/business). Reading it answers the migrated tenant (``domain.plans.migrated``)
and writes the migration back once, conditioned on the item still being legacy (DECISIONS 32B).
"""
from __future__ import annotations

from typing import Any

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import DoesNotExist

from alrea.core.errors import NotFound
from alrea.core.log import logger
from alrea.domain import accounts as dom
from alrea.domain import plans
from alrea.domain.plans import LIMIT_NAMES, Limits
from alrea.store.base import Item, as_domain, update_if
from alrea.store.keys import tenant_pk

TENANT_SK = "TENANT"


class LimitsAttribute(MapAttribute):
    """Each limit a number; absent = unlimited."""

    max_users = NumberAttribute(null=True)
    max_numbers = NumberAttribute(null=True)
    max_contacts = NumberAttribute(null=True)
    max_campaigns_per_month = NumberAttribute(null=True)


class Tenant(Item):
    tenant_id = UnicodeAttribute()
    name = UnicodeAttribute()
    plan = UnicodeAttribute(default=plans.SIGNUP.name)
    catalogue = NumberAttribute(null=True)  # plans.CATALOGUE_VERSION; absent: a legacy plan name
    add_ons = UnicodeSetAttribute(null=True)
    billing_status = UnicodeAttribute(null=True)
    trial_ends_at = UnicodeAttribute(null=True)
    limits = LimitsAttribute(default=dict)
    users_count = NumberAttribute(default=0)
    timezone = UnicodeAttribute(default="America/Sao_Paulo")
    country = UnicodeAttribute(default="BR")
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str) -> tuple[str, str]:
        return tenant_pk(tenant_id), TENANT_SK

    @classmethod
    def new(cls, tenant_id: str, **attrs: Any) -> Tenant:
        pk, sk = cls.key(tenant_id)
        attrs.setdefault("catalogue", plans.CATALOGUE_VERSION)
        return cls(pk, sk, entity="tenant", tenant_id=tenant_id, **attrs)

    def stored_limits(self) -> Limits:
        values = {name: getattr(self.limits, name, None) for name in LIMIT_NAMES}
        return Limits(**{name: (None if v is None else int(v)) for name, v in values.items()})

    @property
    def legacy(self) -> bool:
        return self.catalogue is None

    def domain(self) -> dom.Tenant:
        plan, limits, status = self.plan, self.stored_limits(), self.billing_status or plans.ACTIVE
        if self.legacy:
            new, limits, status = plans.migrated(self.plan, limits)
            plan = new.name
        return as_domain(dom.Tenant, self, plan=plan, limits=limits, billing_status=status,
                         add_ons=tuple(sorted(self.add_ons or ())), users_count=int(self.users_count or 0))


def _limits_map(limits: Limits) -> dict[str, int]:
    return {k: int(v) for k, v in limits.as_dict().items() if v is not None}


def item_of(tenant: dom.Tenant) -> Tenant:
    return Tenant.new(tenant.tenant_id, name=tenant.name, plan=tenant.plan, limits=_limits_map(tenant.limits),
                      add_ons=set(tenant.add_ons) or None, billing_status=tenant.billing_status,
                      trial_ends_at=tenant.trial_ends_at, users_count=tenant.users_count,
                      timezone=tenant.timezone, country=tenant.country, created_at=tenant.created_at,
                      updated_at=tenant.updated_at)


def _migrate(item: Tenant, tenant: dom.Tenant) -> None:
    """Write a legacy item's migration once (another reader may have done it first: then nothing)."""
    done = update_if(item, _plan_actions(tenant.plan, tenant.add_ons, tenant.billing_status, tenant.limits),
                     condition=Tenant.pk.exists() & Tenant.catalogue.does_not_exist())
    if done:
        logger.info("tenant plan migrated", extra={"tenant_id": tenant.tenant_id, "plan": tenant.plan})


def get_tenant(tenant_id: str) -> dom.Tenant:
    try:
        item = Tenant.get(*Tenant.key(tenant_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound("Empresa não encontrada.") from None
    tenant = item.domain()
    if item.legacy:
        _migrate(item, tenant)
    return tenant


def _limit_actions(limits: dict[str, int | None]) -> list:
    return [getattr(Tenant.limits, name).remove() if value is None else getattr(Tenant.limits, name).set(int(value))
            for name, value in limits.items()]


def set_limits(tenant_id: str, **limits: int | None) -> None:
    """Per-tenant limit exceptions (an enterprise deal, a test): one update of the named limits; None lifts a
    limit (unlimited)."""
    unknown = set(limits) - set(LIMIT_NAMES)
    if unknown:
        raise ValueError(f"unknown limits: {sorted(unknown)}")
    get_tenant(tenant_id)  # a legacy item is migrated first, so these limits are not overwritten by it
    Tenant(*Tenant.key(tenant_id)).update(actions=_limit_actions(limits), condition=Tenant.pk.exists())


def _plan_actions(plan: str, add_ons: tuple[str, ...], status: str, limits: Limits) -> list:
    actions = [Tenant.plan.set(plan), Tenant.catalogue.set(plans.CATALOGUE_VERSION),
               Tenant.billing_status.set(status), *_limit_actions(limits.as_dict())]
    actions.append(Tenant.add_ons.set(set(add_ons)) if add_ons else Tenant.add_ons.remove())
    return actions


def set_plan(tenant_id: str, *, plan: str, add_ons: tuple[str, ...], status: str, limits: Limits,
             trial_ends_at: str | None, at: str) -> dom.Tenant:
    """Plan, add-ons, billing status and every limit in one update (a subscription change applies at once:
    the next request reads the new limits). NotFound when the tenant is gone."""
    actions = [*_plan_actions(plan, add_ons, status, limits), Tenant.updated_at.set(at),
               Tenant.trial_ends_at.set(trial_ends_at) if trial_ends_at else Tenant.trial_ends_at.remove()]
    if not update_if(Tenant(*Tenant.key(tenant_id)), actions, condition=Tenant.pk.exists()):
        raise NotFound("Empresa não encontrada.")
    return get_tenant(tenant_id)


def change_settings(tenant_id: str, *, name: str, timezone: str, country: str, updated_at: str) -> dom.Tenant:
    """The company's name, time zone (campaign windows) and country; NotFound when the tenant is gone."""
    if not update_if(Tenant(*Tenant.key(tenant_id)),
                     [Tenant.name.set(name), Tenant.timezone.set(timezone), Tenant.country.set(country),
                      Tenant.updated_at.set(updated_at)], Tenant.pk.exists()):
        raise NotFound("Empresa não encontrada.")
    return get_tenant(tenant_id)


def ping() -> str:
    """Store health: the table answers DescribeTable (and is ACTIVE)."""
    status = Tenant.describe_table().get("TableStatus", "UNKNOWN")
    return "ok" if status == "ACTIVE" else f"table {status.lower()}"
