"""Quick replies: ``pk=T#<tid> sk=QR#<shortcut>`` — the shortcut is the key, so it is unique per tenant and
``/abc`` lookups are one Query with ``begins_with(sk, "QR#abc")``. A tenant has few of them (tens to
hundreds), so finding one by id reads the tenant's QR# range."""
from __future__ import annotations

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import PutError, TransactWriteError

from alrea.core.clock import iso, utcnow
from alrea.core.errors import Conflict, NotFound
from alrea.domain.accounts import QuickReply as QuickReplyData
from alrea.store.base import Item, as_domain, transaction
from alrea.store.keys import tenant_pk

PREFIX = "QR#"
NOT_FOUND = "Resposta rápida não encontrada."
TAKEN = "Já existe uma resposta rápida com este atalho."
MAX_ITEMS = 1000


class QuickReply(Item):
    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    shortcut = UnicodeAttribute()
    text = UnicodeAttribute()
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)

    def domain(self) -> QuickReplyData:
        return as_domain(QuickReplyData, self)


def _new(tenant_id: str, reply_id: str, shortcut: str, text: str, created_at: str | None = None) -> QuickReply:
    return QuickReply(tenant_pk(tenant_id), PREFIX + shortcut, entity="quick_reply", id=reply_id,
                      tenant_id=tenant_id, shortcut=shortcut, text=text, created_at=created_at or iso(utcnow()))


def create(tenant_id: str, reply_id: str, shortcut: str, text: str) -> QuickReplyData:
    item = _new(tenant_id, reply_id, shortcut, text)
    try:
        item.save(condition=QuickReply.pk.does_not_exist())
    except PutError as exc:
        raise Conflict(TAKEN, field="shortcut") from exc
    return item.domain()


def _items(tenant_id: str, prefix: str = "", limit: int = MAX_ITEMS) -> list[QuickReply]:
    return list(QuickReply.query(tenant_pk(tenant_id), QuickReply.sk.startswith(PREFIX + prefix), limit=limit))


def _item(tenant_id: str, reply_id: str) -> QuickReply:
    for item in _items(tenant_id):
        if item.id == reply_id:
            return item
    raise NotFound(NOT_FOUND)


def list_prefix(tenant_id: str, prefix: str = "", limit: int = MAX_ITEMS) -> list[QuickReplyData]:
    """The tenant's quick replies whose shortcut starts with ``prefix``, by shortcut (one Query)."""
    return [item.domain() for item in _items(tenant_id, prefix, limit)]


def get(tenant_id: str, reply_id: str) -> QuickReplyData:
    return _item(tenant_id, reply_id).domain()


def update(tenant_id: str, reply_id: str, shortcut: str, text: str) -> QuickReplyData:
    current = _item(tenant_id, reply_id)
    if current.shortcut == shortcut:
        current.update(actions=[QuickReply.text.set(text), QuickReply.updated_at.set(iso(utcnow()))],
                       condition=QuickReply.id == reply_id)
        return current.domain()
    moved = _new(tenant_id, reply_id, shortcut, text, current.created_at)
    moved.updated_at = iso(utcnow())
    try:
        with transaction() as tx:
            tx.delete(current, condition=QuickReply.id == reply_id)
            tx.save(moved, condition=QuickReply.pk.does_not_exist())
    except TransactWriteError as exc:
        raise Conflict(TAKEN, field="shortcut") from exc
    return moved.domain()


def delete(tenant_id: str, reply_id: str) -> None:
    _item(tenant_id, reply_id).delete()
