"""The sender: one campaign send message → at most one WhatsApp message.

1. Early (SQS delays are whole seconds): wait the fraction, or publish again for the rest.
2. Claim: queued → sending in a transaction that also checks the campaign is running, and only with the token
   the planner gave this queueing — a duplicate, a stale message from before a pause, or a second worker
   finds nothing to claim. A stopped campaign's recipient goes back to pending.
3. Send through Evolution on the recipient's sticky number; then exactly one outcome:
   sent (+ wamid pointer for receipts) · skipped (not on WhatsApp) · failed (Evolution's reason) ·
   queued again + retry (Evolution unavailable / connection closed; nothing went out) ·
   unknown (the request left, no answer: reconciled with the fromMe echo, never resent).
4. The number's ring of recent outcomes; too many failures pause the campaign.
"""
from __future__ import annotations

import random
import time
from typing import Any

from alrea.core.clock import iso, utcnow
from alrea.core import metrics as app_metrics
from alrea.core.log import logger
from alrea.domain import campaigns as dom
from alrea.ports.whatsapp import (
    ConnectionClosed,
    EvolutionUnavailable,
    NumberNotOnWhatsApp,
    SendOutcomeUnknown,
    WhatsAppError,
)
from alrea.services import campaigns as svc
from alrea.store import campaigns as store
from alrea.store import instances as instance_store
from alrea.store import recipients as rstore
from alrea.store.recipients import RecipientItem
from alrea.wiring import runtime

SEND_QUEUE = "campaign_send_message"
MAX_EARLY_SLEEP_S = 2.0
MAX_ATTEMPTS = 4  # then a recipient Evolution never took is failed instead of retried
_cache: dict[tuple[str, str], Any] = {}


class RetryLater(Exception):
    """Nothing went out (Evolution unavailable / number disconnected): the message is redelivered."""


def _campaign(tid: str, cid: str) -> Any:
    key = (tid, cid)  # variants and numbers never change once a campaign runs
    if key not in _cache:
        _cache[key] = store.get(tid, cid, consistent=False)
    return _cache[key]


def _instance(tid: str, iid: str) -> Any:
    key = (tid, "inst:" + iid)
    if key not in _cache:
        _cache[key] = instance_store.get(tid, iid)
    return _cache[key]


def handle_message(body: dict[str, Any], receive_count: int = 1) -> str:
    tid, cid, phone = str(body["tenant_id"]), str(body["campaign_id"]), str(body["phone"])
    token, slot = str(body["token"]), float(body.get("slot") or 0)
    early = slot - time.time()
    if early > MAX_EARLY_SLEEP_S:
        runtime().bus.publish(SEND_QUEUE, body, delay_s=int(min(900, early)))
        return "early"
    if early > 0:
        time.sleep(early)
    claimed = rstore.claim(tid, cid, phone, token)
    if claimed == "recipient":
        logger.info("send message with nothing to claim (duplicate or stale)", extra={"campaign_id": cid})
        return "duplicate"
    rec = rstore.get(tid, cid, phone)
    if rec is None:
        return "missing"
    if claimed == "campaign":
        svc.advance(rec, dom.R_QUEUED, dom.R_PENDING, token=token)
        return "stopped"
    return _send(rec, token, receive_count)


def _send(rec: RecipientItem, token: str, receive_count: int) -> str:
    tid, cid = rec.tenant_id, rec.campaign_id
    R = RecipientItem
    c = _campaign(tid, cid)
    variants = list(c.variants or []) or [{"text": ""}]
    variant = variants[int(rec.variant or 0) % len(variants)]
    text, _ = dom.render(variant.get("text") or "", {**(rec.contact or {}), "phone": rec.phone}, random.Random())
    number = rec.phone.lstrip("+")
    try:
        instance = _instance(tid, rec.instance_id)
        wa = runtime().whatsapp
        media = variant.get("media")
        if media:
            url = runtime().storage.presign_get(media["key"], 3600)
            sent = wa.send_media(instance.evolution_name, number, dom.mediatype_of(media.get("mimetype", "")),
                                 url, mimetype=media.get("mimetype"), caption=text or None,
                                 file_name=media.get("file_name"))
        else:
            sent = wa.send_text(instance.evolution_name, number, text)
    except NumberNotOnWhatsApp:
        svc.advance(rec, dom.R_SENDING, dom.R_SKIPPED, [R.error.set("Número sem WhatsApp.")])
        return _outcome(rec, failed=False, result="skipped")
    except SendOutcomeUnknown as exc:
        now = iso(utcnow())
        svc.advance(rec, dom.R_SENDING, dom.R_UNKNOWN,
                    [R.error.set(f"Sem resposta do Evolution: {exc.message}"[:500]),
                     R.gsi2pk.set(rstore.phone_pk(tid, rec.phone)), R.gsi2sk.set(f"{now}#{cid}")])
        app_metrics.send_outcome("campaign", "unknown", tenant_id=tid)
        return "unknown"
    except (ConnectionClosed, EvolutionUnavailable) as exc:
        if receive_count >= MAX_ATTEMPTS:
            svc.advance(rec, dom.R_SENDING, dom.R_FAILED, [R.error.set(f"Evolution indisponível: {exc.message}"[:500])])
            return _outcome(rec, failed=True, result="failed")
        rstore.move(rec, dom.R_SENDING, dom.R_QUEUED)  # counters: still in flight, no move worth pushing
        store.add_counters(tid, cid, {"sending": -1, "queued": 1})
        raise RetryLater(f"nothing sent, retry later: {exc.message}") from exc
    except WhatsAppError as exc:
        svc.advance(rec, dom.R_SENDING, dom.R_FAILED, [R.error.set((exc.message or "Falha no envio")[:500])])
        return _outcome(rec, failed=True, result="failed")
    now = iso(utcnow())
    svc.advance(rec, dom.R_SENDING, dom.R_SENT,
                [R.wamid.set(sent.id), R.sent_at.set(now), R.error.remove(),
                 R.gsi1pk.set(rstore.wamid_pk(tid, rec.instance_id, sent.id)), R.gsi1sk.set("R"),
                 R.gsi2pk.set(rstore.phone_pk(tid, rec.phone)), R.gsi2sk.set(f"{now}#{cid}")], at=now)
    if not rec.sticky_known:
        rstore.set_sticky(tid, rec.phone, rec.instance_id)
    return _outcome(rec, failed=False, result="sent")


def _outcome(rec: RecipientItem, *, failed: bool, result: str) -> str:
    if result in ("sent", "failed"):
        app_metrics.send_outcome("campaign", "ok" if result == "sent" else "failed", tenant_id=rec.tenant_id)
    recent = store.record_outcome(rec.tenant_id, rec.campaign_id, rec.instance_id, failed)
    if failed and dom.should_auto_pause(recent):
        try:
            svc.pause_campaign(rec.tenant_id, rec.campaign_id, reason=(
                f"Pausada automaticamente: {sum(recent)} falhas nos últimos {len(recent)} envios de um número."))
            svc.alert(rec.tenant_id, rec.campaign_id, "failures",
                      "Campanha pausada: muitas falhas de envio em um número. Verifique o número e retome.")
            logger.warning("campaign auto-paused on failures", extra={"campaign_id": rec.campaign_id})
        except Exception:  # noqa: BLE001 - already paused/stopped by someone else
            logger.info("auto-pause skipped", extra={"campaign_id": rec.campaign_id})
    return result
