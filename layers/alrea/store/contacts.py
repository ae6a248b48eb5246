"""Contacts of a tenant: ``pk=T#<tid>  sk=CONTACT#<key>``.

``key`` is the E.164 number (``+5511912345678``); when WhatsApp hides the number (an unresolved LID) it is the
LID JID (``25151362101280@lid``), kept as the contact's alias until the number is known. ``lid`` stores the
alias of a contact whose number is known, so a later LID-addressed message maps back to it.
"""
from __future__ import annotations

from typing import Any

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.update import Action

from alrea.core.clock import iso, utcnow
from alrea.store.base import Item
from alrea.store.keys import tenant_pk


def contact_sk(key: str) -> str:
    return f"CONTACT#{key}"


class ContactItem(Item):
    tenant_id = UnicodeAttribute()
    key = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)
    lid = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    profile_pic_url = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)

    def view(self) -> dict[str, Any]:
        return {"key": self.key, "phone": self.phone, "lid": self.lid, "name": self.name,
                "profile_pic_url": self.profile_pic_url, "created_at": self.created_at,
                "updated_at": self.updated_at}


def key_item(tenant_id: str, key: str) -> ContactItem:
    return ContactItem(tenant_pk(tenant_id), contact_sk(key))


def upsert_actions(tenant_id: str, key: str, *, phone: str | None = None, lid: str | None = None,
                   name: str | None = None, profile_pic_url: str | None = None) -> list[Action]:
    """Create-or-update actions; only given, non-empty values are written, so a name is never blanked."""
    now = iso(utcnow())
    actions = [
        ContactItem.entity.set("contact"),
        ContactItem.tenant_id.set(tenant_id),
        ContactItem.key.set(key),
        ContactItem.created_at.set(ContactItem.created_at | now),
        ContactItem.updated_at.set(now),
    ]
    for attr, value in ((ContactItem.phone, phone), (ContactItem.lid, lid), (ContactItem.name, name),
                        (ContactItem.profile_pic_url, profile_pic_url)):
        if value:
            actions.append(attr.set(value))
    return actions


def upsert(tenant_id: str, key: str, **fields: str | None) -> ContactItem:
    item = key_item(tenant_id, key)
    item.update(actions=upsert_actions(tenant_id, key, **fields))
    return item


def get(tenant_id: str, key: str) -> ContactItem | None:
    try:
        return ContactItem.get(tenant_pk(tenant_id), contact_sk(key))
    except DoesNotExist:
        return None
