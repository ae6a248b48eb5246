"""Campaign recipients: ``pk=T#<tid>#CAMP#<cid>  sk=R#<e164>``.

Indexes (all sparse, set only when they mean something):
- gsi3 by status: ``gsi3pk=T#<tid>#CAMP#<cid>#<status>  gsi3sk=<instance_id>#<e164>`` — the planner reads the
  pending ones of one number, the API lists by status, a pause finds the queued ones.
- gsi1 by WhatsApp id once sent: ``gsi1pk=T#<tid>#RCPTWA#<instance_id>#<wamid>  gsi1sk=R`` — receipts find
  their recipient.
- gsi2 by phone once a send was attempted: ``gsi2pk=T#<tid>#RCPTPH#<e164>  gsi2sk=<attempted_at>#<cid>`` —
  replies and the fromMe echo of an unknown send find the latest campaign message to that phone.

Every status move is a conditional update on the expected current status, so it happens once.
"""
from __future__ import annotations

from typing import Any, Iterable

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.update import Action

from alrea.core.clock import iso, utcnow
from alrea.domain import campaigns as dom
from alrea.store.base import Gsi1, Gsi2, Gsi3, Item, Transaction, condition_failed, update_if
from alrea.store.campaigns import CampaignItem, campaign_pk, campaign_sk, counter_attr
from alrea.store.keys import child_pk, tenant_pk



def recipient_sk(phone: str) -> str:
    return f"R#{phone}"


def status_pk(tenant_id: str, cid: str, status: str) -> str:
    return f"{campaign_pk(tenant_id, cid)}#{status}"


def wamid_pk(tenant_id: str, instance_id: str, wamid: str) -> str:
    return child_pk(tenant_id, "RCPTWA", f"{instance_id}#{wamid}")


def phone_pk(tenant_id: str, phone: str) -> str:
    return child_pk(tenant_id, "RCPTPH", phone)


class RecipientItem(Item):
    gsi1 = Gsi1()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2 = Gsi2()
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    gsi3 = Gsi3()
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)

    tenant_id = UnicodeAttribute()
    campaign_id = UnicodeAttribute()
    phone = UnicodeAttribute()
    contact = JSONAttribute(default=dict)  # {id, name, email, fields, tags} snapshot for rendering
    instance_id = UnicodeAttribute()
    sticky_known = NumberAttribute(default=0)
    status = UnicodeAttribute(default=dom.R_PENDING)
    token = UnicodeAttribute(null=True)  # the plan that queued it; a send message must carry it
    slot = NumberAttribute(null=True)
    variant = NumberAttribute(null=True)
    wamid = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)
    attempted_at = UnicodeAttribute(null=True)
    sent_at = UnicodeAttribute(null=True)
    delivered_at = UnicodeAttribute(null=True)
    read_at = UnicodeAttribute(null=True)
    replied_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)

    def view(self) -> dict[str, Any]:
        return {"phone": self.phone, "name": (self.contact or {}).get("name"),
                "contact_id": (self.contact or {}).get("id"), "instance_id": self.instance_id,
                "status": self.status, "wamid": self.wamid, "error": self.error,
                "planned_at": iso_of(self.slot), "sent_at": self.sent_at, "delivered_at": self.delivered_at,
                "read_at": self.read_at, "replied_at": self.replied_at, "updated_at": self.updated_at}


def iso_of(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    from datetime import UTC, datetime

    return iso(datetime.fromtimestamp(float(epoch), UTC))


def key_item(tenant_id: str, cid: str, phone: str) -> RecipientItem:
    return RecipientItem(campaign_pk(tenant_id, cid), recipient_sk(phone))


def new(tenant_id: str, cid: str, phone: str, instance_id: str, contact: dict[str, Any], sticky_known: bool
        ) -> RecipientItem:
    now = iso(utcnow())
    return RecipientItem(campaign_pk(tenant_id, cid), recipient_sk(phone), entity="campaign_recipient",
                         tenant_id=tenant_id, campaign_id=cid, phone=phone, contact=contact,
                         instance_id=instance_id, sticky_known=1 if sticky_known else 0, status=dom.R_PENDING,
                         gsi3pk=status_pk(tenant_id, cid, dom.R_PENDING), gsi3sk=f"{instance_id}#{phone}",
                         updated_at=now)


def put_many(items: Iterable[RecipientItem]) -> int:
    n = 0
    with RecipientItem.batch_write() as batch:
        for item in items:
            batch.save(item)
            n += 1
    return n


def get(tenant_id: str, cid: str, phone: str) -> RecipientItem | None:
    try:
        return RecipientItem.get(campaign_pk(tenant_id, cid), recipient_sk(phone), consistent_read=True)
    except DoesNotExist:
        return None


def status_actions(tenant_id: str, cid: str, instance_id: str, phone: str, status: str) -> list[Action]:
    R = RecipientItem
    return [R.status.set(status), R.gsi3pk.set(status_pk(tenant_id, cid, status)),
            R.gsi3sk.set(f"{instance_id}#{phone}"), R.updated_at.set(iso(utcnow()))]


def move(item: RecipientItem, old: str | tuple[str, ...], new_status: str, extra: list[Action] | None = None,
         *, token: str | None = None) -> bool:
    """old → new only if the recipient is still in ``old`` (and carries ``token`` when given)."""
    R = RecipientItem
    olds = (old,) if isinstance(old, str) else old
    cond = R.status.is_in(*olds)
    if token is not None:
        cond = cond & (R.token == token)
    target = key_item(item.tenant_id, item.campaign_id, item.phone)
    actions = [*status_actions(item.tenant_id, item.campaign_id, item.instance_id, item.phone, new_status),
               *(extra or [])]
    if not update_if(target, actions, cond):
        return False
    item.status = new_status
    return True


def claim(tenant_id: str, cid: str, phone: str, token: str, run_id: str | None = None) -> str:
    """queued → sending, only while the campaign runs: "ok", "recipient" (not queued with this token — a
    duplicate or stale message) or "campaign" (not running). The campaign's counters move in the same
    transaction, so they never disagree with the recipients."""
    R, C = RecipientItem, CampaignItem
    tx = Transaction()
    running = C.pk.exists() & (C.status == dom.RUNNING)
    tx.update("campaign", C(tenant_pk(tenant_id), campaign_sk(cid)),
              [counter_attr(k).add(v) for k, v in dom.counter_deltas(dom.R_QUEUED, dom.R_SENDING).items()],
              condition=running)
    item = key_item(tenant_id, cid, phone)
    now = iso(utcnow())
    tx.update("recipient", item, [R.status.set(dom.R_SENDING), R.gsi3pk.set(status_pk(tenant_id, cid,
                                                                                     dom.R_SENDING)),
                                  R.attempted_at.set(now), R.updated_at.set(now),
                                  R.gsi2pk.set(phone_pk(tenant_id, phone)), R.gsi2sk.set(f"{now}#{cid}")],
              condition=(R.status == dom.R_QUEUED) & (R.token == token))
    try:
        with tx:
            pass
    except TransactWriteError as exc:
        codes = tx.codes(exc)
        if codes.get("recipient") == "ConditionalCheckFailed":
            return "recipient"
        if codes.get("campaign") == "ConditionalCheckFailed":
            return "campaign"
        raise
    return "ok"


def by_status(tenant_id: str, cid: str, status: str, *, instance_id: str | None = None, limit: int = 100,
              start: dict | None = None) -> tuple[list[RecipientItem], dict | None]:
    R = RecipientItem
    cond = R.gsi3sk.startswith(f"{instance_id}#") if instance_id else None
    results = R.gsi3.query(status_pk(tenant_id, cid, status), cond, limit=limit, last_evaluated_key=start)
    items = list(results)
    return items, (results.last_evaluated_key if len(items) == limit else None)


def any_in(tenant_id: str, cid: str, status: str) -> bool:
    items, _ = by_status(tenant_id, cid, status, limit=1)
    return bool(items)


def all_of(tenant_id: str, cid: str, *, limit: int = 100, start: dict | None = None
           ) -> tuple[list[RecipientItem], dict | None]:
    R = RecipientItem
    results = R.query(campaign_pk(tenant_id, cid), R.sk.startswith("R#"), limit=limit, last_evaluated_key=start)
    items = list(results)
    return items, (results.last_evaluated_key if len(items) == limit else None)


def find_by_wamid(tenant_id: str, instance_id: str, wamid: str) -> RecipientItem | None:
    return next(iter(RecipientItem.gsi1.query(wamid_pk(tenant_id, instance_id, wamid), limit=1)), None)


def latest_by_phone(tenant_id: str, phone: str, *, since_iso: str = "0", limit: int = 5) -> list[RecipientItem]:
    """The campaigns that tried to reach ``phone`` (newest first), from the time a send was attempted."""
    R = RecipientItem
    return list(R.gsi2.query(phone_pk(tenant_id, phone), R.gsi2sk >= since_iso, scan_index_forward=False,
                             limit=limit))


# ---------------------------------------------------------------- sticky numbers
class StickyItem(Item):
    """``pk=T#<tid>  sk=STICKY#<e164>``: the number that first reached a contact (any campaign)."""

    instance_id = UnicodeAttribute()


def sticky_of(tenant_id: str, phones: list[str]) -> dict[str, str]:
    if not phones:
        return {}
    keys = [(tenant_pk(tenant_id), f"STICKY#{p}") for p in dict.fromkeys(phones)]
    return {item.sk.removeprefix("STICKY#"): item.instance_id for item in StickyItem.batch_get(keys)}


def set_sticky(tenant_id: str, phone: str, instance_id: str) -> None:
    """First number wins: written once per contact, never moved."""
    try:
        StickyItem(tenant_pk(tenant_id), f"STICKY#{phone}", entity="contact_sticky",
                   instance_id=instance_id).save(condition=StickyItem.pk.does_not_exist())
    except Exception as exc:  # noqa: BLE001 - PutError with the condition's cause: already sticky
        if not condition_failed(exc):
            raise


def tag_conversation(tenant_id: str, conversation_id: str, tag: str) -> bool:
    """Add ``tag`` to the conversation's tags list once (conditional: not already there)."""
    from alrea.store.conversations import ConversationItem as C
    from alrea.store.conversations import key_item as conversation_item

    return update_if(conversation_item(tenant_id, conversation_id), [C.tags.set((C.tags | []).append([tag]))],
                     C.pk.exists() & ~C.tags.contains(tag))
