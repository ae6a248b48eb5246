"""Per-tenant inbox settings: ``pk=T#<tid> sk=SETTINGS#INBOX`` — ``auto_assign``."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from alrea.core.clock import iso, utcnow
from alrea.store.base import Item
from alrea.store.keys import tenant_pk

INBOX_SK = "SETTINGS#INBOX"


class InboxSettings(Item):
    auto_assign = BooleanAttribute(default=False)
    updated_at = UnicodeAttribute(null=True)

    def public(self) -> dict:
        return {"auto_assign": bool(self.auto_assign), "updated_at": self.updated_at}


def get_inbox(tenant_id: str) -> InboxSettings:
    try:
        return InboxSettings.get(tenant_pk(tenant_id), INBOX_SK)
    except DoesNotExist:
        return InboxSettings(tenant_pk(tenant_id), INBOX_SK, entity="inbox_settings", auto_assign=False)


def put_inbox(tenant_id: str, *, auto_assign: bool) -> InboxSettings:
    item = InboxSettings(tenant_pk(tenant_id), INBOX_SK, entity="inbox_settings", auto_assign=auto_assign,
                         updated_at=iso(utcnow()))
    item.save()
    return item
