"""Notifications of one user: ``pk=T#<tid>#NOTIF#<uid>``.

- notification ``sk=N#<id>``: the id is a UUID v7, so the sort key is the creation order (newest first is one
  Query backwards); ``ttl`` = created + 30 days (DynamoDB TTL removes it). While unread it carries gsi1
  ``T#<tid>#NOTIFNEW#<uid>`` / ``N#<id>`` (sparse): the unread count is a capped ``Select=COUNT`` of that index
  partition and "mark all read" reads only the unread ones. Reading removes the index keys.
- dedupe pointer ``sk=KEY#<producer key>`` (same TTL), written in the same transaction as the notification on
  the condition that it does not exist: a producer that runs twice (a retried queue message) stores it once.
- preferences ``sk=PREFS``: the kinds the user turned off.
"""
from __future__ import annotations

from pynamodb.attributes import JSONAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError

from alrea.core.clock import iso, parse_iso, utcnow
from alrea.core.errors import NotFound
from alrea.domain.notifications import KEEP_FOR, UNREAD_CAP, Draft, Notification, Preferences
from alrea.store import paging
from alrea.store.base import Gsi1, Item, Transaction, update_if
from alrea.store.keys import child_pk
from alrea.store.paging import Page

NOT_FOUND = "Notificação não encontrada."
PREFIX = "N#"
PREFS_SK = "PREFS"
READ_ALL_BATCH = 100


def user_pk(tenant_id: str, user_id: str) -> str:
    """The partition of one user's notifications (the tenant purge deletes it with the user)."""
    return child_pk(tenant_id, "NOTIF", user_id)


def _unread_pk(tenant_id: str, user_id: str) -> str:
    return child_pk(tenant_id, "NOTIFNEW", user_id)


class NotificationItem(Item):
    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)

    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    link = UnicodeAttribute(null=True)
    data = JSONAttribute(null=True)
    created_at = UnicodeAttribute()
    read_at = UnicodeAttribute(null=True)

    def record(self) -> Notification:
        return Notification(id=self.id, tenant_id=self.tenant_id, user_id=self.user_id, kind=self.kind,
                            title=self.title, body=self.body, link=self.link, created_at=self.created_at,
                            read_at=self.read_at, data=dict(self.data or {}))


class DedupePointer(Item):
    pass


class PreferencesItem(Item):
    muted = UnicodeSetAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)


def _ttl(created_at: str) -> int:
    return int((parse_iso(created_at) + KEEP_FOR).timestamp())


def add(tenant_id: str, user_id: str, notification_id: str, draft: Draft) -> Notification | None:
    """Store ``draft`` for the user; None (nothing written) when its dedupe key was already used."""
    now = iso(utcnow())
    pk = user_pk(tenant_id, user_id)
    item = NotificationItem(pk, PREFIX + notification_id, entity="notification", ttl=_ttl(now), id=notification_id,
                            tenant_id=tenant_id, user_id=user_id, kind=draft.kind, title=draft.title, body=draft.body,
                            link=draft.link, data=dict(draft.data), created_at=now,
                            gsi1pk=_unread_pk(tenant_id, user_id), gsi1sk=PREFIX + notification_id)
    if not draft.dedupe:
        item.save(condition=NotificationItem.pk.does_not_exist())
        return item.record()
    pointer = DedupePointer(pk, "KEY#" + draft.dedupe, entity="notification_key", ttl=_ttl(now))
    tx = Transaction()
    try:
        with tx:
            tx.put("key", pointer, condition=DedupePointer.pk.does_not_exist())
            tx.put("notification", item, condition=NotificationItem.pk.does_not_exist())
    except TransactWriteError as exc:
        if tx.codes(exc).get("key") == "ConditionalCheckFailed":
            return None
        raise
    return item.record()


def get(tenant_id: str, user_id: str, notification_id: str) -> Notification:
    try:
        return NotificationItem.get(user_pk(tenant_id, user_id), PREFIX + notification_id).record()
    except DoesNotExist:
        raise NotFound(NOT_FOUND) from None


def list_for(tenant_id: str, user_id: str, *, cursor: str | None, limit: int,
             unread_only: bool = False) -> Page[Notification]:
    """Newest first; ``unread_only`` reads the sparse unread index instead of the whole partition."""
    query = paging.Query(tenant_id, "notifications", {"user": user_id, "unread": unread_only})
    start = paging.decode(query, cursor)
    limit = paging.clamp(limit, default=20)
    if unread_only:
        results = NotificationItem.gsi1.query(_unread_pk(tenant_id, user_id), scan_index_forward=False,
                                              limit=limit, last_evaluated_key=start)
    else:
        results = NotificationItem.query(user_pk(tenant_id, user_id), NotificationItem.sk.startswith(PREFIX),
                                         scan_index_forward=False, limit=limit, last_evaluated_key=start)
    items = [i.record() for i in results]
    return paging.page_of(query, items, results.last_evaluated_key if len(items) == limit else None)


def unread_count(tenant_id: str, user_id: str, cap: int = UNREAD_CAP) -> int:
    """How many are unread, counting at most ``cap + 1`` (the bell shows "99+")."""
    return NotificationItem.gsi1.count(_unread_pk(tenant_id, user_id), limit=cap + 1)


def mark_read(tenant_id: str, user_id: str, notification_id: str) -> Notification:
    """Idempotent: an already read notification keeps its first ``read_at``."""
    item = NotificationItem(user_pk(tenant_id, user_id), PREFIX + notification_id)
    N = NotificationItem
    update_if(item, [N.read_at.set(iso(utcnow())), N.gsi1pk.remove(), N.gsi1sk.remove()],
              N.pk.exists() & N.read_at.does_not_exist())
    return get(tenant_id, user_id, notification_id)


def mark_all_read(tenant_id: str, user_id: str) -> int:
    """Every unread notification of the user becomes read; answers how many changed. Up to 100 per
    TransactWriteItems (one round trip); if one of them was read meanwhile the batch is cancelled and that
    batch goes item by item."""
    N = NotificationItem
    now = iso(utcnow())
    actions = [N.read_at.set(now), N.gsi1pk.remove(), N.gsi1sk.remove()]
    changed = 0
    while True:
        batch = [N(u.pk, u.sk) for u in N.gsi1.query(_unread_pk(tenant_id, user_id), limit=READ_ALL_BATCH)]
        if not batch:
            return changed
        try:
            with Transaction() as tx:
                for i, item in enumerate(batch):
                    tx.update(f"n{i}", item, actions, N.pk.exists() & N.read_at.does_not_exist())
            changed += len(batch)
        except TransactWriteError:
            changed += sum(update_if(item, actions, N.pk.exists() & N.read_at.does_not_exist()) for item in batch)


def preferences(tenant_id: str, user_id: str) -> Preferences:
    try:
        item = PreferencesItem.get(user_pk(tenant_id, user_id), PREFS_SK)
    except DoesNotExist:
        return Preferences()
    return Preferences(muted=frozenset(item.muted or ()))


def save_preferences(tenant_id: str, user_id: str, prefs: Preferences) -> Preferences:
    PreferencesItem(user_pk(tenant_id, user_id), PREFS_SK, entity="notification_prefs", muted=set(prefs.muted) or None,
                    updated_at=iso(utcnow())).save()
    return prefs


def stored_ttl(tenant_id: str, user_id: str, notification_id: str) -> int | None:
    """The TTL attribute as stored (for checks and the privacy purge)."""
    try:
        return NotificationItem.get(user_pk(tenant_id, user_id), PREFIX + notification_id).ttl
    except DoesNotExist:
        return None
