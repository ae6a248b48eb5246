"""LGPD items and the key-by-key purges of contact erasure and tenant deletion.

- settings ``pk=T#<tid>  sk=PRIVACY``: retention (``messages_days``, ``media_days``) and a scheduled tenant
  deletion (``deletion_due_at``) with the sparse due index ``gsi5pk=DUE#TENANTDEL  gsi5sk=<due>#<tid>``
  (the scheduled function reads it with one Query, no Scan).
- export ``pk=T#<tid>  sk=EXPORT#<id>``: status, archive key, counts.
- suppression ``pk=T#<tid>  sk=SUPPRESS#<sha256>``: an erased phone, as a tenant-salted hash only.

Purges read partitions with Query (keys only) and delete with BatchWriteItem.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from alrea.core.clock import iso, utcnow
from alrea.domain import privacy as dom
from alrea.store.base import Gsi5, Item, as_domain, update_if
from alrea.store.keys import tenant_pk

SETTINGS_SK = "PRIVACY"
EXPORT_PREFIX = "EXPORT#"
SUPPRESS_PREFIX = "SUPPRESS#"
DUE_PK = "DUE#TENANTDEL"


class PrivacySettingsItem(Item):
    gsi5 = Gsi5()
    gsi5pk = UnicodeAttribute(null=True)
    gsi5sk = UnicodeAttribute(null=True)

    tenant_id = UnicodeAttribute()
    messages_days = NumberAttribute(null=True)
    media_days = NumberAttribute(null=True)
    deletion_due_at = UnicodeAttribute(null=True)
    deletion_requested_by = UnicodeAttribute(null=True)
    deletion_requested_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)

    def domain(self) -> dom.PrivacySettings:
        return as_domain(dom.PrivacySettings, self,
                         messages_days=int(self.messages_days) if self.messages_days else None,
                         media_days=int(self.media_days) if self.media_days else None)


class ExportItem(Item):
    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    status = UnicodeAttribute()  # pending | running | ready | failed
    key = UnicodeAttribute(null=True)
    counts = JSONAttribute(null=True)
    requested_by = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    finished_at = UnicodeAttribute(null=True)

    def domain(self) -> dom.Export:
        return as_domain(dom.Export, self, counts=dict(self.counts) if self.counts else None)


class SuppressionItem(Item):
    tenant_id = UnicodeAttribute()
    created_at = UnicodeAttribute(null=True)


class AnyItem(Item):
    """Any item, by key only (purges). Not ``Item`` itself: a connection set on the base class would be
    inherited by models that never got their own, with the base's schema (no indexes)."""


# ---------------------------------------------------------------- settings
def settings(tenant_id: str) -> dom.PrivacySettings:
    try:
        return PrivacySettingsItem.get(tenant_pk(tenant_id), SETTINGS_SK, consistent_read=True).domain()
    except DoesNotExist:
        return dom.PrivacySettings(tenant_id=tenant_id)


def _ref(tenant_id: str) -> PrivacySettingsItem:
    return PrivacySettingsItem(tenant_pk(tenant_id), SETTINGS_SK)


def _base(tenant_id: str) -> list:
    P = PrivacySettingsItem
    return [P.entity.set("privacy"), P.tenant_id.set(tenant_id), P.updated_at.set(iso(utcnow()))]


def save_retention(tenant_id: str, messages_days: int | None, media_days: int | None) -> None:
    P = PrivacySettingsItem
    actions = _base(tenant_id)
    actions.append(P.messages_days.set(messages_days) if messages_days else P.messages_days.remove())
    actions.append(P.media_days.set(media_days) if media_days else P.media_days.remove())
    _ref(tenant_id).update(actions=actions)


def schedule_deletion(tenant_id: str, due_at: str, user_id: str) -> bool:
    """Schedule once: False when a deletion is already scheduled."""
    P = PrivacySettingsItem
    return update_if(_ref(tenant_id), [*_base(tenant_id), P.deletion_due_at.set(due_at),
                                       P.deletion_requested_by.set(user_id),
                                       P.deletion_requested_at.set(iso(utcnow())),
                                       P.gsi5pk.set(DUE_PK), P.gsi5sk.set(f"{due_at}#{tenant_id}")],
                     P.deletion_due_at.does_not_exist())


def cancel_deletion(tenant_id: str) -> bool:
    P = PrivacySettingsItem
    return update_if(_ref(tenant_id), [*_base(tenant_id), P.deletion_due_at.remove(),
                                       P.deletion_requested_by.remove(), P.deletion_requested_at.remove(),
                                       P.gsi5pk.remove(), P.gsi5sk.remove()],
                     P.deletion_due_at.exists())


def due_deletions(now_iso: str, *, limit: int = 20) -> list[dom.PrivacySettings]:
    """Tenants whose deletion is due (the sparse due index; oldest first)."""
    P = PrivacySettingsItem
    return [i.domain() for i in P.gsi5.query(DUE_PK, P.gsi5sk <= f"{now_iso}#~", limit=limit)]


# ---------------------------------------------------------------- exports
def new_export(tenant_id: str, export_id: str, user_id: str) -> dom.Export:
    item = ExportItem(tenant_pk(tenant_id), EXPORT_PREFIX + export_id, entity="privacy_export", id=export_id,
                      tenant_id=tenant_id, status="pending", requested_by=user_id, created_at=iso(utcnow()))
    item.save(condition=ExportItem.pk.does_not_exist())
    return item.domain()


def get_export(tenant_id: str, export_id: str) -> dom.Export | None:
    try:
        return ExportItem.get(tenant_pk(tenant_id), EXPORT_PREFIX + export_id, consistent_read=True).domain()
    except DoesNotExist:
        return None


def set_export(tenant_id: str, export_id: str, status: str, *, key: str | None = None,
               counts: dict[str, int] | None = None, error: str | None = None) -> bool:
    E = ExportItem
    actions = [E.status.set(status)]
    if status in ("ready", "failed"):
        actions.append(E.finished_at.set(iso(utcnow())))
    if key:
        actions.append(E.key.set(key))
    if counts is not None:
        actions.append(E.counts.set(counts))
    if error:
        actions.append(E.error.set(error[:500]))
    return update_if(ExportItem(tenant_pk(tenant_id), EXPORT_PREFIX + export_id), actions, E.pk.exists())


# ---------------------------------------------------------------- suppression (erased phones)
def suppress(tenant_id: str, digest: str) -> None:
    SuppressionItem(tenant_pk(tenant_id), SUPPRESS_PREFIX + digest, entity="suppression", tenant_id=tenant_id,
                    created_at=iso(utcnow())).save()


def suppressed(tenant_id: str, digests: Iterable[str]) -> set[str]:
    """The digests that have a suppression entry (BatchGetItem, 100 keys a call)."""
    pk = tenant_pk(tenant_id)
    wanted = [(pk, SUPPRESS_PREFIX + d) for d in dict.fromkeys(digests)]
    found: set[str] = set()
    for start in range(0, len(wanted), 100):
        for item in SuppressionItem.batch_get(wanted[start:start + 100], attributes_to_get=["pk", "sk"]):
            found.add(item.sk.removeprefix(SUPPRESS_PREFIX))
    return found


# ---------------------------------------------------------------- purges (key by key)
def partition_keys(pk: str, sk_prefix: str | None = None) -> Iterator[tuple[str, str]]:
    """Every (pk, sk) of one partition (Query, keys only)."""
    cond = AnyItem.sk.startswith(sk_prefix) if sk_prefix else None
    for item in AnyItem.query(pk, cond, attributes_to_get=["pk", "sk"], page_size=500):
        yield item.pk, item.sk


def raw_partition(pk: str, sk_prefix: str | None = None) -> Iterator[dict[str, Any]]:
    """Every item of one partition as plain attributes (Query through the low-level client)."""
    conn = AnyItem._get_connection()
    start: dict | None = None
    while True:
        kwargs: dict[str, Any] = {"exclusive_start_key": start} if start else {}
        if sk_prefix:
            kwargs["range_key_condition"] = AnyItem.sk.startswith(sk_prefix)
        page = conn.query(pk, **kwargs)
        for raw in page.get("Items", []):
            yield {name: next(iter(value.values())) for name, value in raw.items()}
        start = page.get("LastEvaluatedKey")
        if not start:
            return


def delete_keys(keys: Iterable[tuple[str, str]]) -> int:
    """Delete items by key (BatchWriteItem; absent keys are fine). Answers how many keys were sent."""
    n = 0
    with AnyItem.batch_write() as batch:
        for pk, sk in keys:
            batch.delete(AnyItem(pk, sk))
            n += 1
    return n


def exists(pk: str, sk: str) -> bool:
    try:
        AnyItem.get(pk, sk, attributes_to_get=["pk"], consistent_read=True)
    except DoesNotExist:
        return False
    return True


# ---------------------------------------------------------------- tenant deletion and contact erasure
def _message_keys(tenant_id: str, cid: str, objects: list[str] | None = None) -> list[tuple[str, str]]:
    """A conversation's messages and their WhatsApp id pointers (the conversation item itself is not here);
    the messages' media object keys are appended to ``objects``."""
    from alrea.store import messages

    keys: list[tuple[str, str]] = []
    for raw in raw_partition(messages.messages_pk(tenant_id, cid)):
        keys.append((raw["pk"], raw["sk"]))
        instance_id = raw.get("instance_id")
        if instance_id:
            ids = {raw.get("id"), raw.get("wamid")} - {None}
            keys += [(messages.pointer_pk(tenant_id, instance_id, wamid), messages.POINTER_SK) for wamid in ids]
        if objects is not None and raw.get("media_key"):
            objects.append(raw["media_key"])
    return keys


def purge_tenant_children(tenant_id: str) -> int:
    """A tenant purge's first step: every child partition (messages, read markers, tag members, campaign
    items) and global pointer (``EMAIL#``, ``HOOK#``, ``EVO#``, ``WAMSG``, ``APIKEY#``, invitations' ``LINK#``)
    of the tenant, and its ``Idempotency-Key`` records (reset and verification links expire by TTL within
    4 days and open nothing once the users are gone). Answers the number
    of keys deleted; the tenant's own partition stays (``purge_tenant_partition``, last)."""
    from alrea.store import (account_links, api_keys, campaigns, idempotency, instances, notifications, seen, tags,
                             users, webhooks)

    keys: list[tuple[str, str]] = list(partition_keys(idempotency.partition(tenant_id)))
    for raw in raw_partition(tenant_pk(tenant_id)):
        kind, _, rest = raw["sk"].partition("#")
        if kind == "USER":
            keys += partition_keys(seen.seen_pk(tenant_id, rest))
            keys += partition_keys(notifications.user_pk(tenant_id, rest))
            if raw.get("email"):
                keys.append(users.EmailPointer.key(raw["email"]))
        elif kind == "INST":
            if raw.get("webhook_token"):
                keys.append(instances.InstancePointer.hook_key(raw["webhook_token"]))
            if raw.get("evolution_name"):
                keys.append(instances.InstancePointer.evo_key(raw["evolution_name"]))
        elif kind == "CONV":
            keys += _message_keys(tenant_id, rest)
        elif kind == "TAG":
            keys += partition_keys(tags.members_pk(tenant_id, rest))
        elif kind == "CAMP":
            keys += partition_keys(campaigns.campaign_pk(tenant_id, rest))
        elif kind == "WEBHOOK":  # outbound webhook deliveries (payloads hold message texts and phones)
            keys += partition_keys(webhooks.deliveries_pk(tenant_id, rest))
        elif kind == "APIKEY" and raw.get("secret_hash"):
            keys.append(api_keys.pointer_key(raw["secret_hash"]))
        elif kind == "INVITE" and raw.get("token_hash"):
            keys.append(account_links.LinkItem.key(raw["token_hash"]))
    return delete_keys(keys)


def purge_tenant_partition(tenant_id: str) -> int:
    """A tenant purge's last step: the tenant's own partition, its PRIVACY item last (it keeps the deletion
    due until then, so a purge that crashed is retried on the next run)."""
    root = [key for key in partition_keys(tenant_pk(tenant_id)) if key[1] != SETTINGS_SK]
    return delete_keys(root) + delete_keys([(tenant_pk(tenant_id), SETTINGS_SK)])


def erasure_plan(tenant_id: str, *, phone: str | None, avatar_key: str | None, conversation_ids: Iterable[str],
                 user_ids: Iterable[str], campaign_ids: Iterable[str]) -> dom.ErasurePlan:
    """What erasing a contact deletes besides the contact and its conversations: their messages and WhatsApp
    pointers, every user's read markers of them, the contact's campaign recipient rows and sticky number;
    objects: the messages' media and the cached avatar."""
    from alrea.store import campaigns, recipients, seen

    objects: list[str] = [avatar_key] if avatar_key else []
    users = list(user_ids)
    keys: list[tuple[str, str]] = []
    for cid in conversation_ids:
        keys += _message_keys(tenant_id, cid, objects)
        keys += [(seen.seen_pk(tenant_id, uid), seen.seen_sk(cid)) for uid in users]
    found = 0
    if phone:
        for camp_id in campaign_ids:
            rk = (campaigns.campaign_pk(tenant_id, camp_id), recipients.recipient_sk(phone))
            if exists(*rk):
                keys.append(rk)
                found += 1
        keys.append((tenant_pk(tenant_id), f"STICKY#{phone}"))
    return dom.ErasurePlan(items=tuple(keys), objects=tuple(objects), recipients=found)


def delete_planned(plan: dom.ErasurePlan) -> int:
    return delete_keys(plan.items)


def drop_conversation(tenant_id: str, cid: str, *, assigned_user_id: str | None, status: str | None) -> None:
    """Delete a conversation item, releasing its assignee's open load when it was not closed."""
    from alrea.store.conversations import AgentLoad, conversation_sk

    delete_keys([(tenant_pk(tenant_id), conversation_sk(cid))])
    if assigned_user_id and (status or "pending") != "closed":
        AgentLoad.ref(tenant_id, assigned_user_id).update(
            actions=[AgentLoad.open_count.add(-1), AgentLoad.entity.set("agent_load")])
