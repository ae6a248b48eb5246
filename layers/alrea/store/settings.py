"""Per-tenant inbox settings: ``pk=T#<tid> sk=SETTINGS#INBOX`` — ``auto_assign`` and the waiting thresholds
(minutes after which a waiting customer's timer turns amber, then red)."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from alrea.core.clock import iso, utcnow
from alrea.store.base import Item
from alrea.store.keys import tenant_pk

INBOX_SK = "SETTINGS#INBOX"
WAIT_WARN_MINUTES = 5
WAIT_ALERT_MINUTES = 15


class InboxSettings(Item):
    auto_assign = BooleanAttribute(default=False)
    wait_warn_minutes = NumberAttribute(null=True)
    wait_alert_minutes = NumberAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)

    def warn_minutes(self) -> int:
        return int(self.wait_warn_minutes or WAIT_WARN_MINUTES)

    def alert_minutes(self) -> int:
        return int(self.wait_alert_minutes or WAIT_ALERT_MINUTES)

    def public(self) -> dict:
        return {"auto_assign": bool(self.auto_assign), "wait_warn_minutes": self.warn_minutes(),
                "wait_alert_minutes": self.alert_minutes(), "updated_at": self.updated_at}


def get_inbox(tenant_id: str) -> InboxSettings:
    try:
        return InboxSettings.get(tenant_pk(tenant_id), INBOX_SK)
    except DoesNotExist:
        return InboxSettings(tenant_pk(tenant_id), INBOX_SK, entity="inbox_settings", auto_assign=False)


def put_inbox(tenant_id: str, *, auto_assign: bool, wait_warn_minutes: int = WAIT_WARN_MINUTES,
              wait_alert_minutes: int = WAIT_ALERT_MINUTES) -> InboxSettings:
    item = InboxSettings(tenant_pk(tenant_id), INBOX_SK, entity="inbox_settings", auto_assign=auto_assign,
                         wait_warn_minutes=wait_warn_minutes, wait_alert_minutes=wait_alert_minutes,
                         updated_at=iso(utcnow()))
    item.save()
    return item
