"""Sense settings per tenant: ``pk=T#<tid> sk=SETTINGS#SENSE`` — on/off, adapter, endpoint URL and model, the
endpoint's secret SEALED (core/secrets.seal: AES-GCM; the store never sees it in clear)."""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from alrea.core.clock import iso, utcnow
from alrea.domain.sense import SenseSettings
from alrea.store.base import Item
from alrea.store.keys import tenant_pk

SENSE_SK = "SETTINGS#SENSE"


class SenseSettingsItem(Item):
    enabled = BooleanAttribute(default=False)
    adapter = UnicodeAttribute(default="builtin")
    url = UnicodeAttribute(null=True)
    model = UnicodeAttribute(null=True)
    sealed_secret = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


def _domain(item: SenseSettingsItem) -> SenseSettings:
    return SenseSettings(enabled=bool(item.enabled), adapter=item.adapter or "builtin", url=item.url,
                         model=item.model, sealed_secret=item.sealed_secret, updated_at=item.updated_at)


def get(tenant_id: str) -> SenseSettings:
    try:
        return _domain(SenseSettingsItem.get(tenant_pk(tenant_id), SENSE_SK))
    except DoesNotExist:
        return SenseSettings()


def put(tenant_id: str, s: SenseSettings) -> SenseSettings:
    item = SenseSettingsItem(tenant_pk(tenant_id), SENSE_SK, entity="sense_settings", enabled=s.enabled,
                             adapter=s.adapter, url=s.url, model=s.model, sealed_secret=s.sealed_secret,
                             updated_at=iso(utcnow()))
    item.save()
    return _domain(item)
