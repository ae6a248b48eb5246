"""Tenants: ``pk=T#<tid> sk=TENANT`` — name, plan, limits, usage counters, time zone, country.

``users_count`` counts ACTIVE users; it moves only inside the same transaction that creates, activates or
deactivates a user, conditioned on ``users_count < limits.max_users`` — so the limit holds under concurrency.
"""
from __future__ import annotations

from typing import Any

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from alrea.core.errors import NotFound
from alrea.domain import accounts as dom
from alrea.domain.plans import Limits
from alrea.store.base import Item, as_domain, update_if
from alrea.store.keys import tenant_pk

TENANT_SK = "TENANT"


class LimitsAttribute(MapAttribute):
    max_users = NumberAttribute(default=0)
    max_numbers = NumberAttribute(default=0)
    max_contacts = NumberAttribute(default=0)
    max_campaigns_per_month = NumberAttribute(default=0)


class Tenant(Item):
    tenant_id = UnicodeAttribute()
    name = UnicodeAttribute()
    plan = UnicodeAttribute(default="trial")
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
        return cls(pk, sk, entity="tenant", tenant_id=tenant_id, **attrs)

    def domain(self) -> dom.Tenant:
        limits = Limits(**{name: int(getattr(self.limits, name) or 0)
                           for name in LimitsAttribute.get_attributes()})
        return as_domain(dom.Tenant, self, limits=limits, users_count=int(self.users_count or 0))


def item_of(tenant: dom.Tenant) -> Tenant:
    return Tenant.new(tenant.tenant_id, name=tenant.name, plan=tenant.plan, limits=tenant.limits.as_dict(),
                      users_count=tenant.users_count, timezone=tenant.timezone, country=tenant.country,
                      created_at=tenant.created_at, updated_at=tenant.updated_at)


def get_tenant(tenant_id: str) -> dom.Tenant:
    try:
        return Tenant.get(*Tenant.key(tenant_id), consistent_read=True).domain()
    except DoesNotExist:
        raise NotFound("Empresa não encontrada.") from None


def set_limits(tenant_id: str, **limits: int) -> None:
    """Per-tenant limit exceptions (and a plan change): one update of the named limits."""
    unknown = set(limits) - set(LimitsAttribute.get_attributes())
    if unknown:
        raise ValueError(f"unknown limits: {sorted(unknown)}")
    Tenant(*Tenant.key(tenant_id)).update(
        actions=[getattr(Tenant.limits, name).set(int(value)) for name, value in limits.items()],
        condition=Tenant.pk.exists())


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
