"""Tenants: ``pk=T#<tid> sk=TENANT`` — name, plan, limits, usage counters, time zone, country.

``users_count`` counts ACTIVE users; it moves only inside the same transaction that creates, activates or
deactivates a user, conditioned on ``users_count < limits.max_users`` — so the limit holds under concurrency.
"""
from __future__ import annotations

from typing import Any

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from alrea.core.errors import NotFound
from alrea.store.base import Item
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

    def limits_dict(self) -> dict[str, int]:
        return {name: int(getattr(self.limits, name) or 0) for name in LimitsAttribute.get_attributes()}

    def public(self) -> dict[str, Any]:
        return {
            "id": self.tenant_id,
            "name": self.name,
            "plan": self.plan,
            "limits": self.limits_dict(),
            "usage": {"users": int(self.users_count or 0)},
            "timezone": self.timezone,
            "country": self.country,
            "created_at": self.created_at,
        }


def get_tenant(tenant_id: str) -> Tenant:
    try:
        return Tenant.get(*Tenant.key(tenant_id), consistent_read=True)
    except DoesNotExist:
        raise NotFound("Empresa não encontrada.") from None


def ping() -> str:
    """Store health: the table answers DescribeTable (and is ACTIVE)."""
    status = Tenant.describe_table().get("TableStatus", "UNKNOWN")
    return "ok" if status == "ACTIVE" else f"table {status.lower()}"
