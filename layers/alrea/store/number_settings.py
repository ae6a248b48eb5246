"""Per-number inbox options: ``pk=T#<tid> sk=NUMOPT#<iid>`` — ``auto_assign`` overrides the tenant's automatic
distribution for conversations arriving on that number (absent: the tenant's setting applies)."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute

from alrea.core.clock import iso, utcnow
from alrea.store.base import Item
from alrea.store.keys import tenant_pk

PREFIX = "NUMOPT#"


class NumberOptions(Item):
    instance_id = UnicodeAttribute()
    auto_assign = BooleanAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


def auto_assign(tenant_id: str, instance_id: str) -> bool | None:
    """The number's override, or None when it follows the tenant."""
    item = _get(tenant_id, instance_id)
    return None if item is None else item.auto_assign


def _get(tenant_id: str, instance_id: str) -> NumberOptions | None:
    from pynamodb.exceptions import DoesNotExist

    try:
        return NumberOptions.get(tenant_pk(tenant_id), PREFIX + instance_id)
    except DoesNotExist:
        return None


def overrides(tenant_id: str) -> dict[str, bool]:
    """instance id -> its override, for the numbers that have one (one Query of the tenant's NUMOPT# range)."""
    return {i.instance_id: bool(i.auto_assign) for i in
            NumberOptions.query(tenant_pk(tenant_id), NumberOptions.sk.startswith(PREFIX))
            if i.auto_assign is not None}


def set_auto_assign(tenant_id: str, instance_id: str, value: bool | None) -> None:
    """Override (True/False) or follow the tenant again (None: the item is removed)."""
    item = NumberOptions(tenant_pk(tenant_id), PREFIX + instance_id, entity="number_options",
                         instance_id=instance_id, auto_assign=value, updated_at=iso(utcnow()))
    if value is None:
        item.delete()
    else:
        item.save()
