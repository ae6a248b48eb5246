"""Sends accepted from partners (``POST /v1/messages``): ``pk=T#<tid>  sk=APIMSG#<id>``.

An item records where the accepted message goes (number, conversation, the inbox message's sort key) so
``GET /v1/messages/{id}`` finds it, with a ``ttl`` (the tenant's message retention, at most 30 days).
Accepting is ONE TransactWriteItems: two condition checks — the phone's contact has no opt-out, the phone has
no LGPD suppression entry (both hold for a phone never seen) — and the put of this item.
"""
from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError

from alrea.domain.api_messages import FAILED, ApiSend
from alrea.store.base import Item, Transaction, as_domain, update_if
from alrea.store.contacts import ContactItem, contact_sk
from alrea.store.keys import tenant_pk
from alrea.store.privacy import SUPPRESS_PREFIX, SuppressionItem

SK_PREFIX = "APIMSG#"


class ApiSendItem(Item):
    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    instance_id = UnicodeAttribute()
    conversation_id = UnicodeAttribute()
    message_sk = UnicodeAttribute()
    key_id = UnicodeAttribute()
    created_at = UnicodeAttribute()
    status = UnicodeAttribute()
    failure_reason = UnicodeAttribute(null=True)


def _key(tenant_id: str, send_id: str) -> tuple[str, str]:
    return tenant_pk(tenant_id), SK_PREFIX + send_id


def accept(send: ApiSend, *, phone: str, phone_digest: str) -> bool:
    """Store the accepted send unless ``phone`` opted out or was erased (then nothing is written: False)."""
    tid = send.tenant_id
    item = ApiSendItem(*_key(tid, send.id), entity="api_send", id=send.id, tenant_id=tid,
                       instance_id=send.instance_id, conversation_id=send.conversation_id,
                       message_sk=send.message_sk, key_id=send.key_id, created_at=send.created_at,
                       status=send.status, ttl=send.ttl)
    tx = Transaction()
    try:
        with tx:
            tx.check("contact", ContactItem, tenant_pk(tid), contact_sk(phone), ContactItem.opted_out.does_not_exist())
            tx.check("suppression", SuppressionItem, tenant_pk(tid), SUPPRESS_PREFIX + phone_digest,
                     SuppressionItem.pk.does_not_exist())
            tx.put("send", item, condition=ApiSendItem.pk.does_not_exist())
    except TransactWriteError as exc:
        codes = tx.codes(exc)
        if "ConditionalCheckFailed" in (codes.get("contact"), codes.get("suppression")):
            return False
        raise
    return True


def get(tenant_id: str, send_id: str) -> ApiSend | None:
    try:
        return as_domain(ApiSend, ApiSendItem.get(*_key(tenant_id, send_id), consistent_read=True))
    except DoesNotExist:
        return None


def fail(tenant_id: str, send_id: str, reason: str) -> None:
    """The worker could not store the inbox message (its number is gone, the phone opted out meanwhile)."""
    update_if(ApiSendItem(*_key(tenant_id, send_id)),
              [ApiSendItem.status.set(FAILED), ApiSendItem.failure_reason.set(reason)],
              condition=ApiSendItem.pk.exists())
