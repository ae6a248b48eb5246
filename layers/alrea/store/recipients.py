"""Campaign recipients: ``pk=T#<tid>#CAMP#<cid>  sk=R#<e164>``.

Indexes (all sparse, set only when they mean something):
- gsi3 by status: ``gsi3pk=T#<tid>#CAMP#<cid>#<status>  gsi3sk=<instance_id>#<e164>`` — the planner reads the
  pending ones of one number, the API lists by status, a pause finds the queued ones.
- gsi1 by WhatsApp id once sent: ``gsi1pk=T#<tid>#RCPTWA#<instance_id>#<wamid>  gsi1sk=R`` — receipts find
  their recipient.
- gsi2 by phone once a send was attempted: ``gsi2pk=T#<tid>#RCPTPH#<e164>  gsi2sk=<attempted_at>#<cid>`` —
  replies and the fromMe echo of an unknown send find the latest campaign message to that phone.

Every status move is a conditional update on the expected current status, so it happens once. There is no
"queued" status any more: a planned recipient stays pending until a send message claims it (the planner's
cursor per number, in the campaign's NUM# items, says where the next round continues).

Operations answer domain types (alrea.domain.campaigns.Recipient); no item class leaves this module.
"""
from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.update import Action

from alrea.core.clock import iso, utcnow
from alrea.domain import campaigns as dom
from alrea.store import paging
from alrea.store.base import Gsi1, Gsi2, Gsi3, Item, Transaction, condition_failed, update_if
from alrea.store.paging import Page
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
    requeued = NumberAttribute(null=True)


_FIELDS = ("tenant_id", "campaign_id", "phone", "instance_id", "status", "wamid", "error", "attempted_at",
           "sent_at", "delivered_at", "read_at", "replied_at", "updated_at")
# a recipient move may set these (anything else is the store's own business)
_SETTABLE = frozenset({"wamid", "error", "sent_at", "delivered_at", "read_at", "replied_at", "requeued"})


def _domain(item: RecipientItem) -> dom.Recipient:
    return dom.Recipient(**{f: getattr(item, f) for f in _FIELDS}, contact=dict(item.contact or {}),
                         sticky_known=bool(item.sticky_known),
                         slot=float(item.slot) if item.slot is not None else None,
                         variant=int(item.variant) if item.variant is not None else None,
                         requeued=int(item.requeued or 0),
                         queue_key=item.gsi3sk.split("#", 1)[1] if item.gsi3sk and "#" in item.gsi3sk else None)


def key_item(tenant_id: str, cid: str, phone: str) -> RecipientItem:
    return RecipientItem(campaign_pk(tenant_id, cid), recipient_sk(phone))


def materialise(recipients: Iterable[dom.Recipient]) -> int:
    """Write new pending recipients (BatchWriteItem, 25 a call); answers how many."""
    now = iso(utcnow())
    n = 0
    with RecipientItem.batch_write() as batch:
        for r in recipients:
            batch.save(RecipientItem(
                campaign_pk(r.tenant_id, r.campaign_id), recipient_sk(r.phone), entity="campaign_recipient",
                tenant_id=r.tenant_id, campaign_id=r.campaign_id, phone=r.phone, contact=r.contact,
                instance_id=r.instance_id, sticky_known=1 if r.sticky_known else 0, status=dom.R_PENDING,
                gsi3pk=status_pk(r.tenant_id, r.campaign_id, dom.R_PENDING), gsi3sk=f"{r.instance_id}#{r.phone}",
                updated_at=now))
            n += 1
    return n


def get(tenant_id: str, cid: str, phone: str) -> dom.Recipient | None:
    try:
        return _domain(RecipientItem.get(campaign_pk(tenant_id, cid), recipient_sk(phone), consistent_read=True))
    except DoesNotExist:
        return None


def last_in_queue(phone: str) -> str:
    """A queue key that sorts after every phone (and after earlier moves) in a number's pending queue: a
    recipient queued again or moved to another number is planned after the ones already there, so no planner
    cursor has passed it (nanoseconds: two moves of one recipient never share a key)."""
    return f"~{time.time_ns():020d}#{phone}"


def _status_actions(r: dom.Recipient, status: str, now: str, queue_key: str | None = None) -> list[Action]:
    R = RecipientItem
    return [R.status.set(status), R.gsi3pk.set(status_pk(r.tenant_id, r.campaign_id, status)),
            R.gsi3sk.set(f"{r.instance_id}#{queue_key or r.phone}"), R.updated_at.set(now)]


def _field_actions(r: dom.Recipient, new_status: str, fields: dict[str, Any], now: str) -> list[Action]:
    """The recipient's own fields, and the pointers its new status needs (the WhatsApp id for receipts, the
    phone for replies and echoes)."""
    R = RecipientItem
    actions: list[Action] = []
    for name, value in fields.items():
        if name not in _SETTABLE:
            raise ValueError(f"not a recipient field a move may set: {name}")
        attr = getattr(R, name)
        actions.append(attr.remove() if value is None else attr.set(value))
    if fields.get("wamid"):
        actions += [R.gsi1pk.set(wamid_pk(r.tenant_id, r.instance_id, fields["wamid"])), R.gsi1sk.set("R")]
    if new_status in (dom.R_SENT, dom.R_UNKNOWN):
        at = fields.get("sent_at") or now
        actions += [R.gsi2pk.set(phone_pk(r.tenant_id, r.phone)), R.gsi2sk.set(f"{at}#{r.campaign_id}")]
    return actions


def mark(r: dom.Recipient, old: str, new_status: str, **fields: Any) -> bool:
    """old → new on the recipient alone (its campaign's counters move in the sender's batch flush)."""
    now = iso(utcnow())
    return update_if(key_item(r.tenant_id, r.campaign_id, r.phone),
                     [*_status_actions(r, new_status, now), *_field_actions(r, new_status, fields, now)],
                     RecipientItem.status == old)


def advance(r: dom.Recipient, olds: tuple[str, ...], new_status: str, *, to_end: bool = False,
            **fields: Any) -> str | None:
    """A move and its counters in one transaction: the first of ``olds`` the recipient is really in (its last
    known status tried first) → ``new_status``. Answers the status it left, or None when it was in none.
    ``to_end``: back to pending at the end of its number's queue (queued again after a reconciliation)."""
    R, C = RecipientItem, CampaignItem
    for previous in sorted(olds, key=lambda s: s != r.status):
        deltas = dom.counter_deltas(previous, new_status)
        now = iso(utcnow())
        tx = Transaction()
        tail = last_in_queue(r.phone) if to_end else None
        tx.update("recipient", key_item(r.tenant_id, r.campaign_id, r.phone),
                  [*_status_actions(r, new_status, now, tail), *_field_actions(r, new_status, fields, now)],
                  condition=R.status == previous)
        tx.update("campaign", C(tenant_pk(r.tenant_id), campaign_sk(r.campaign_id)),
                  [*(counter_attr(k).add(v) for k, v in deltas.items()), C.updated_at.set(now)],
                  condition=C.pk.exists())
        try:
            with tx:
                pass
        except TransactWriteError as exc:
            if tx.codes(exc).get("recipient") == "ConditionalCheckFailed":
                continue
            raise
        return previous
    return None


def claim_for_send(order: dom.SendOrder) -> str:
    """pending → sending, only while the run that planned it is the campaign's running one: "ok", "recipient"
    (not pending: a duplicate message, already sent, opted out, erased) or "campaign" (stopped, or a stale
    message of an earlier run). The campaign's counters move in the same transaction. The claim records the
    slot and variant the planner chose and the phone pointer (an echo may reconcile the send from now on)."""
    R, C = RecipientItem, CampaignItem
    tid, cid, phone = order.tenant_id, order.campaign_id, order.phone
    now = iso(utcnow())
    tx = Transaction()
    tx.update("campaign", C(tenant_pk(tid), campaign_sk(cid)),
              [counter_attr(k).add(v) for k, v in dom.counter_deltas(dom.R_PENDING, dom.R_SENDING).items()],
              condition=C.pk.exists() & (C.status == dom.RUNNING) & (C.run_id == order.run_id))
    tx.update("recipient", key_item(tid, cid, phone),
              [R.status.set(dom.R_SENDING), R.gsi3pk.set(status_pk(tid, cid, dom.R_SENDING)),
               R.slot.set(order.slot), R.variant.set(order.variant), R.attempted_at.set(now), R.updated_at.set(now),
               R.gsi2pk.set(phone_pk(tid, phone)), R.gsi2sk.set(f"{now}#{cid}")],
              condition=(R.status == dom.R_PENDING) & (R.instance_id == order.instance_id))
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


def claim_many(orders: list[dom.SendOrder]) -> list[str]:
    """claim_for_send for the messages of one sender invocation that belong to one campaign run, in one
    transaction (one more item: the campaign, its counters and its running-run condition). Answers per order,
    in order. A recipient whose condition fails is left out and the rest retried; a second message for the
    same recipient in the batch claims nothing."""
    results = ["recipient"] * len(orders)
    first: dict[str, int] = {}
    for i, o in enumerate(orders):
        first.setdefault(o.phone, i)
    left = sorted(first.values())
    R, C = RecipientItem, CampaignItem
    while left:
        head = orders[left[0]]
        now = iso(utcnow())
        tx = Transaction()
        tx.update("campaign", C(tenant_pk(head.tenant_id), campaign_sk(head.campaign_id)),
                  [counter_attr(k).add(v * len(left))
                   for k, v in dom.counter_deltas(dom.R_PENDING, dom.R_SENDING).items()],
                  condition=C.pk.exists() & (C.status == dom.RUNNING) & (C.run_id == head.run_id))
        for i in left:
            o = orders[i]
            tx.update(o.phone, key_item(o.tenant_id, o.campaign_id, o.phone),
                      [R.status.set(dom.R_SENDING), R.gsi3pk.set(status_pk(o.tenant_id, o.campaign_id, dom.R_SENDING)),
                       R.slot.set(o.slot), R.variant.set(o.variant), R.attempted_at.set(now), R.updated_at.set(now),
                       R.gsi2pk.set(phone_pk(o.tenant_id, o.phone)), R.gsi2sk.set(f"{now}#{o.campaign_id}")],
                      condition=(R.status == dom.R_PENDING) & (R.instance_id == o.instance_id))
        try:
            with tx:
                pass
        except TransactWriteError as exc:
            codes = tx.codes(exc)
            refused = [i for i in left if codes.get(orders[i].phone) == "ConditionalCheckFailed"]
            if refused:
                left = [i for i in left if i not in refused]
                continue
            if codes.get("campaign") == "ConditionalCheckFailed":
                for i in left:
                    results[i] = "campaign"
                return results
            raise
        for i in left:
            results[i] = "ok"
        return results
    return results


def reassign(r: dom.Recipient, instance_id: str) -> bool:
    """A pending recipient moves to another number of its campaign (failover), at the end of that number's
    queue; a send message planned on the old number claims nothing from now on. False if it was no longer
    pending on the old number."""
    R = RecipientItem
    now = iso(utcnow())
    return update_if(key_item(r.tenant_id, r.campaign_id, r.phone),
                     [R.instance_id.set(instance_id), R.gsi3sk.set(f"{instance_id}#{last_in_queue(r.phone)}"),
                      R.updated_at.set(now)],
                     (R.status == dom.R_PENDING) & (R.instance_id == r.instance_id))


def settle_many(moves: list[tuple[dom.Recipient, str, str, dict[str, Any]]]) -> list[bool]:
    """Several recipients of ONE campaign move (each ``old → new`` with its fields) in one transaction with
    the campaign's counters. A recipient no longer in ``old`` (an echo reconciled it first) is left out and the
    rest retried. Answers, per move, whether it was applied."""
    applied = [False] * len(moves)
    left = list(range(len(moves)))
    R, C = RecipientItem, CampaignItem
    while left:
        head = moves[left[0]][0]
        now = iso(utcnow())
        deltas: dict[str, int] = {}
        for i in left:
            for k, v in dom.counter_deltas(moves[i][1], moves[i][2]).items():
                deltas[k] = deltas.get(k, 0) + v
        tx = Transaction()
        tx.update("campaign", C(tenant_pk(head.tenant_id), campaign_sk(head.campaign_id)),
                  [*(counter_attr(k).add(v) for k, v in deltas.items() if v), C.updated_at.set(now)],
                  condition=C.pk.exists())
        for i in left:
            r, old, new, fields = moves[i]
            tx.update(f"r{i}", key_item(r.tenant_id, r.campaign_id, r.phone),
                      [*_status_actions(r, new, now), *_field_actions(r, new, fields, now)],
                      condition=R.status == old)
        try:
            with tx:
                pass
        except TransactWriteError as exc:
            codes = tx.codes(exc)
            refused = [i for i in left if codes.get(f"r{i}") == "ConditionalCheckFailed"]
            if not refused:
                raise
            left = [i for i in left if i not in refused]
            continue
        for i in left:
            applied[i] = True
        return applied
    return applied


def _page(results, limit: int) -> tuple[list[dom.Recipient], dict | None]:
    items = [_domain(i) for i in results]
    return items, (results.last_evaluated_key if len(items) == limit else None)


def by_status(tenant_id: str, cid: str, status: str, *, limit: int = 100) -> list[dom.Recipient]:
    """The first ``limit`` recipients in ``status`` (by number, then phone)."""
    results = RecipientItem.gsi3.query(status_pk(tenant_id, cid, status), limit=limit)
    return [_domain(i) for i in results]


def pending_after(tenant_id: str, cid: str, instance_id: str, after: str | None, *, limit: int
                  ) -> list[dom.Recipient]:
    """A number's pending recipients after the last one planned in this run (``after``: its phone)."""
    R = RecipientItem
    cond = (R.gsi3sk.between(f"{instance_id}#{after}\x00", f"{instance_id}#\U0010ffff") if after
            else R.gsi3sk.startswith(f"{instance_id}#"))
    return [_domain(i) for i in R.gsi3.query(status_pk(tenant_id, cid, dom.R_PENDING), cond, limit=limit)]


def any_in(tenant_id: str, cid: str, status: str) -> bool:
    return bool(by_status(tenant_id, cid, status, limit=1))


def page(tenant_id: str, cid: str, *, status: str | None, cursor: str | None, limit: int
         ) -> Page[dom.Recipient]:
    """A page of a campaign's recipients (all, or those in ``status``), through the one paging codec."""
    R = RecipientItem
    query = paging.Query(tenant_id, "campaign_recipients", {"campaign_id": cid, "status": status or ""})
    start = paging.decode(query, cursor)
    if status:
        results = R.gsi3.query(status_pk(tenant_id, cid, status), limit=limit, last_evaluated_key=start)
    else:
        results = R.query(campaign_pk(tenant_id, cid), R.sk.startswith("R#"), limit=limit, last_evaluated_key=start)
    items, last = _page(results, limit)
    return Page(items, paging.encode(query, last))


def iter_all(tenant_id: str, cid: str, *, page_size: int = 500) -> Iterator[dom.Recipient]:
    """Every recipient of a campaign (exports, recounts), page by page."""
    R = RecipientItem
    start = None
    while True:
        results = R.query(campaign_pk(tenant_id, cid), R.sk.startswith("R#"), limit=page_size,
                          last_evaluated_key=start)
        items, start = _page(results, page_size)
        yield from items
        if start is None:
            return


def find_by_wamid(tenant_id: str, instance_id: str, wamid: str) -> dom.Recipient | None:
    item = next(iter(RecipientItem.gsi1.query(wamid_pk(tenant_id, instance_id, wamid), limit=1)), None)
    return _domain(item) if item is not None else None


def latest_by_phone(tenant_id: str, phone: str, *, since_iso: str = "0", limit: int = 5) -> list[dom.Recipient]:
    """The campaigns that tried to reach ``phone`` (newest first), from the time a send was attempted."""
    R = RecipientItem
    return [_domain(i) for i in R.gsi2.query(phone_pk(tenant_id, phone), R.gsi2sk >= since_iso,
                                             scan_index_forward=False, limit=limit)]


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


def set_sticky_many(tenant_id: str, pairs: list[tuple[str, str]]) -> None:
    """The sticky numbers of contacts that had none (BatchWriteItem, 25 a call). Unconditional: two campaigns
    materialised at the same moment for a new contact may both write; the last one stays."""
    if not pairs:
        return
    with StickyItem.batch_write() as batch:
        for phone, instance_id in dict(pairs).items():
            batch.save(StickyItem(tenant_pk(tenant_id), f"STICKY#{phone}", entity="contact_sticky",
                                  instance_id=instance_id))


def tag_conversation(tenant_id: str, conversation_id: str, tag: str) -> bool:
    """Add ``tag`` to the conversation's tags list once (conditional: not already there)."""
    from alrea.store.conversations import ConversationItem as C
    from alrea.store.conversations import key_item as conversation_item

    return update_if(conversation_item(tenant_id, conversation_id), [C.tags.set((C.tags | []).append([tag]))],
                     C.pk.exists() & ~C.tags.contains(tag))
