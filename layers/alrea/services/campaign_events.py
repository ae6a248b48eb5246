"""Campaign listeners on the inbound pipeline's hook points (registered in services/hooks.py).

- receipts (StatusChanged): the recipient found by its WhatsApp id moves forward to delivered / read;
- inbound messages (MessageStored, in): an opt-out keyword opts the contact out everywhere and answers with
  the tenant's confirmation; any other message within a campaign's reply window marks that recipient replied
  and tags the conversation with the campaign;
- our own echo (MessageStored, out): a send whose outcome was unknown is reconciled as sent (never resent);
- a number that drops (ConnectionChanged): it leaves its running campaigns, whose pending recipients move to
  their other healthy numbers (campaign_failover); a campaign with none left pauses. The staff is told.
"""
from __future__ import annotations

from datetime import timedelta

from alrea.core.clock import iso, parse_iso, utcnow
from alrea.core.log import logger
from alrea.domain import campaigns as dom
from alrea.services import hooks
from alrea.services.campaign_progress import push_progress
from alrea.services.hooks import ConnectionChanged, MessageStored, StatusChanged
from alrea.store import campaigns as store
from alrea.store import instances as instance_store
from alrea.store import recipients as rstore
from alrea.wiring import runtime

ECHO_WINDOW = timedelta(minutes=10)
MAX_REPLY_WINDOW = timedelta(days=30)
_RECEIPT = {"delivered": dom.R_DELIVERED, "read": dom.R_READ, "played": dom.R_READ}


def on_status_changed(fact: StatusChanged) -> None:
    target = _RECEIPT.get(fact.status)
    if target is None:
        return
    rec = rstore.find_by_wamid(fact.tenant_id, fact.instance_id, fact.wamid)
    if rec is None:
        return
    olds = tuple(s for s in (dom.R_UNKNOWN, dom.R_SENT, dom.R_DELIVERED) if dom.RANK[s] < dom.RANK[target])
    stamp = "delivered_at" if target == dom.R_DELIVERED else "read_at"
    if _advance(rec, olds, target, fact.at, **{stamp: fact.at}):
        logger.info("campaign receipt", extra={"campaign_id": rec.campaign_id, "status": target})


def _advance(rec: dom.Recipient, olds: tuple[str, ...], new: str, at: str, **fields: object) -> bool:
    """One event's move with its counters (one transaction), its chart minute, and a progress push."""
    previous = rstore.advance(rec, olds, new, **fields)
    if previous is None:
        return False
    hooks.campaign_recipients_moved(hooks.CampaignRecipientsMoved(
        rec.tenant_id, rec.campaign_id, ((rec.variant, rec.instance_id, previous, new),)))
    deltas = dom.counter_deltas(previous, new)
    store.timeline_add(rec.tenant_id, rec.campaign_id, at, deltas)
    push_progress(store.get(rec.tenant_id, rec.campaign_id, consistent=False))
    return True


def on_message_stored(fact: MessageStored) -> None:
    if fact.is_group or not fact.contact_key or not fact.contact_key.startswith("+"):
        return
    if fact.direction == "out":
        _reconcile_echo(fact)
        return
    keywords, confirmation = store.settings(fact.tenant_id)
    if dom.is_opt_out(fact.text, keywords):
        _opt_out(fact, confirmation)
        return
    _attribute_reply(fact)


def _reconcile_echo(fact: MessageStored) -> None:
    since = iso(utcnow() - ECHO_WINDOW)
    for rec in rstore.latest_by_phone(fact.tenant_id, fact.contact_key, since_iso=since):
        if rec.status in (dom.R_SENDING, dom.R_UNKNOWN) and rec.instance_id == fact.instance_id:
            # the echo may even beat the sender's own "sent" (or replace a sender that died after sending)
            if _advance(rec, (dom.R_SENDING, dom.R_UNKNOWN), dom.R_SENT, fact.at, wamid=fact.wamid,
                        sent_at=fact.at, error=None):
                logger.info("unknown campaign send reconciled by its echo", extra={"campaign_id": rec.campaign_id})
            return


def _attribute_reply(fact: MessageStored) -> None:
    now = utcnow()
    since = iso(now - MAX_REPLY_WINDOW)
    for rec in rstore.latest_by_phone(fact.tenant_id, fact.contact_key, since_iso=since):
        if rec.status not in (dom.R_SENT, dom.R_DELIVERED, dom.R_READ) or not rec.sent_at:
            continue
        c = store.get(fact.tenant_id, rec.campaign_id, consistent=False)
        if c is None or parse_iso(rec.sent_at) < now - timedelta(hours=int(c.reply_window_h or 0)):
            continue
        if _advance(rec, (dom.R_SENT, dom.R_DELIVERED, dom.R_READ), dom.R_REPLIED, iso(now),
                    replied_at=fact.at):
            rstore.tag_conversation(fact.tenant_id, fact.conversation_id, f"campanha:{c.id}")
            logger.info("campaign reply attributed", extra={"campaign_id": c.id})
        return


def _opt_out(fact: MessageStored, confirmation: str) -> None:
    from alrea.services import contacts

    tid, phone = fact.tenant_id, fact.contact_key
    changed = contacts.set_opt_out(tid, phone, reason=f"palavra-chave: {(fact.text or '').strip()[:40]}",
                                   source="whatsapp")
    removed = 0
    for c in store.list_all(tid):
        if c.status not in (dom.RUNNING, dom.PAUSED, dom.SCHEDULED):
            continue
        rec = rstore.get(tid, c.id, phone)
        if rec is not None and _advance(rec, (dom.R_PENDING, dom.R_QUEUED), dom.R_OPTED_OUT, iso(utcnow()),
                                        error="Descadastrado pelo contato."):
            removed += 1
    logger.info("contact opted out by keyword", extra={"changed": changed, "removed_from_campaigns": removed})
    if changed and confirmation:
        try:
            instance = instance_store.get(tid, fact.instance_id)
            runtime().whatsapp.send_text(instance.evolution_name, phone.lstrip("+"), confirmation)
        except Exception:  # noqa: BLE001 - the opt-out holds even if the confirmation does not go out
            logger.exception("opt-out confirmation not sent")


def on_connection_changed(fact: ConnectionChanged) -> None:
    from alrea.services.campaign_failover import fail_over

    if not fact.dropped:
        return
    for c in store.list_all(fact.tenant_id):
        if c.status != dom.RUNNING or fact.instance_id not in (c.instance_ids or []):
            continue
        fail_over(fact.tenant_id, c.id, fact.instance_id, "disconnected")
