"""Per-tenant inbox settings: ``pk=T#<tid> sk=SETTINGS#INBOX`` — ``auto_assign`` and the waiting thresholds
(minutes after which a waiting customer's timer turns amber, then red)."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from alrea.core.clock import iso, utcnow
from alrea.domain.conversations import WAIT_ALERT_MINUTES, WAIT_WARN_MINUTES, InboxSettings
from alrea.store.base import Item
from alrea.store.keys import tenant_pk

INBOX_SK = "SETTINGS#INBOX"


class InboxSettingsItem(Item):
    auto_assign = BooleanAttribute(default=False)
    wait_warn_minutes = NumberAttribute(null=True)
    wait_alert_minutes = NumberAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


def _domain(item: InboxSettingsItem) -> InboxSettings:
    return InboxSettings(auto_assign=bool(item.auto_assign),
                         wait_warn_minutes=int(item.wait_warn_minutes or WAIT_WARN_MINUTES),
                         wait_alert_minutes=int(item.wait_alert_minutes or WAIT_ALERT_MINUTES),
                         updated_at=item.updated_at)


def get_inbox(tenant_id: str) -> InboxSettings:
    try:
        return _domain(InboxSettingsItem.get(tenant_pk(tenant_id), INBOX_SK))
    except DoesNotExist:
        return InboxSettings()


def put_inbox(tenant_id: str, *, auto_assign: bool, wait_warn_minutes: int = WAIT_WARN_MINUTES,
              wait_alert_minutes: int = WAIT_ALERT_MINUTES) -> InboxSettings:
    item = InboxSettingsItem(tenant_pk(tenant_id), INBOX_SK, entity="inbox_settings", auto_assign=auto_assign,
                             wait_warn_minutes=wait_warn_minutes, wait_alert_minutes=wait_alert_minutes,
                             updated_at=iso(utcnow()))
    item.save()
    return _domain(item)
