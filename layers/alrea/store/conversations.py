"""Conversations: ``pk=T#<tid>  sk=CONV#<cid>``, one per (instance, chat).

- ``cid`` is a UUIDv5 of tenant + instance + chat JID, so two first messages processed at once converge on one
  conversation instead of racing to create two.
- gsi2 lists a tenant's conversations by last activity: ``gsi2pk=T#<tid>#CONV  gsi2sk=<last activity>#<cid>``.
- ``last_message_*`` only moves forward in time (a conditional update), so an old message processed late does
  not take over the preview.
"""
from __future__ import annotations

import uuid
from typing import Any

from pynamodb.attributes import BooleanAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.update import Action

from alrea.core.clock import iso, utcnow
from alrea.store.base import Gsi2, Item
from alrea.store.keys import tenant_pk

_NAMESPACE = uuid.UUID("6f1d3c2e-8a4b-5c6d-9e0f-a1b2c3d4e5f6")


def conversation_id(tenant_id: str, instance_id: str, chat_jid: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{tenant_id}|{instance_id}|{chat_jid}"))


def conversation_sk(cid: str) -> str:
    return f"CONV#{cid}"


def activity_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}#CONV"


def activity_sk(at: str, cid: str) -> str:
    return f"{at}#{cid}"


class ConversationItem(Item):
    gsi2 = Gsi2()
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)

    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    instance_id = UnicodeAttribute()
    chat_jid = UnicodeAttribute()
    is_group = BooleanAttribute(default=False)
    contact_key = UnicodeAttribute(null=True)
    contact_name = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    lid = UnicodeAttribute(null=True)
    last_message_at = UnicodeAttribute(null=True)
    last_message_preview = UnicodeAttribute(null=True)
    last_message_direction = UnicodeAttribute(null=True)
    last_message_id = UnicodeAttribute(null=True)
    unread = NumberAttribute(default=0)
    created_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id, "instance_id": self.instance_id, "chat_jid": self.chat_jid, "is_group": self.is_group,
            "contact_key": self.contact_key, "contact_name": self.contact_name, "phone": self.phone,
            "lid": self.lid, "last_message_at": self.last_message_at,
            "last_message_preview": self.last_message_preview,
            "last_message_direction": self.last_message_direction, "last_message_id": self.last_message_id,
            "unread": int(self.unread or 0), "created_at": self.created_at, "updated_at": self.updated_at,
        }


def key_item(tenant_id: str, cid: str) -> ConversationItem:
    return ConversationItem(tenant_pk(tenant_id), conversation_sk(cid))


def touch_actions(tenant_id: str, cid: str, *, instance_id: str, chat_jid: str, is_group: bool, at: str,
                  contact_key: str | None = None, contact_name: str | None = None, phone: str | None = None,
                  lid: str | None = None, unread_increment: int = 0) -> list[Action]:
    """Create-or-update actions for a conversation touched by a message (used inside the message transaction).

    The activity index key is only set when absent, so a conversation is listed from its first message even if
    the later :func:`bump_activity` never runs.
    """
    C = ConversationItem
    now = iso(utcnow())
    actions: list[Action] = [
        C.entity.set("conversation"), C.id.set(cid), C.tenant_id.set(tenant_id), C.instance_id.set(instance_id),
        C.chat_jid.set(chat_jid), C.is_group.set(is_group), C.gsi2pk.set(activity_pk(tenant_id)),
        C.gsi2sk.set(C.gsi2sk | activity_sk(at, cid)), C.last_message_at.set(C.last_message_at | at),
        C.created_at.set(C.created_at | now), C.updated_at.set(now),
        C.unread.add(unread_increment) if unread_increment else C.unread.set(C.unread | 0),
    ]
    for attr, value in ((C.contact_key, contact_key), (C.contact_name, contact_name), (C.phone, phone),
                        (C.lid, lid)):
        if value:
            actions.append(attr.set(value))
    return actions


def bump_activity(tenant_id: str, cid: str, *, at: str, preview: str, direction: str, wamid: str) -> bool:
    """Move the conversation's last activity to this message unless a newer one is already there."""
    C = ConversationItem
    item = key_item(tenant_id, cid)
    try:
        item.update(
            actions=[C.last_message_at.set(at), C.last_message_preview.set(preview),
                     C.last_message_direction.set(direction), C.last_message_id.set(wamid),
                     C.gsi2sk.set(activity_sk(at, cid))],
            condition=C.pk.exists() & (C.last_message_at.does_not_exist() | (C.last_message_at <= at)),
        )
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


def update_existing(tenant_id: str, cid: str, actions: list[Action]) -> ConversationItem | None:
    """Apply actions to a conversation that exists; None (and nothing written) when it does not."""
    C = ConversationItem
    item = key_item(tenant_id, cid)
    try:
        item.update(actions=[*actions, C.updated_at.set(iso(utcnow()))], condition=C.pk.exists())
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return item


def get(tenant_id: str, cid: str) -> ConversationItem | None:
    try:
        return ConversationItem.get(tenant_pk(tenant_id), conversation_sk(cid))
    except DoesNotExist:
        return None


def list_by_activity(tenant_id: str, *, limit: int, start: dict | None = None
                     ) -> tuple[list[ConversationItem], dict | None]:
    """Newest activity first (gsi2); answers the page and the key to continue from (None at the end)."""
    results = ConversationItem.gsi2.query(activity_pk(tenant_id), scan_index_forward=False, limit=limit,
                                          last_evaluated_key=start)
    items = list(results)
    return items, (results.last_evaluated_key if len(items) == limit else None)
