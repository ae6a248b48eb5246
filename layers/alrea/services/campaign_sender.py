"""The sender: one campaign send message (a SendOrder) → at most one WhatsApp message.

1. Early (SQS delays are whole seconds): wait the fraction, or publish again for the rest.
2. Claim: pending → sending in a transaction that also checks the run that planned the message is the
   campaign's running one — a duplicate, a stale message from before a pause, or a second worker finds
   nothing to claim. An invocation claims all its due messages of one run in ONE transaction
   (SendBatch.prepare, store.recipients.claim_many) before sending any of them.
3. Send through Evolution on the recipient's sticky number, with the text the planner rendered; then exactly
   one outcome: sent (+ wamid pointer for receipts) · skipped (not on WhatsApp) · failed (Evolution's reason)
   · pending again + the same order published again with a growing delay (Evolution unavailable / connection
   closed: nothing went out, so retrying is safe) · unknown (the request left, no answer: reconciled by the
   fromMe echo or by asking the gateway — services/campaign_reconcile.py — never resent blindly).
4. The outcomes of an invocation are written together at its end (SendBatch.flush): the recipients and the
   campaign's counters in one transaction (store.recipients.settle_many), the chart minutes and the numbers'
   rings of recent outcomes once each (too many failures on a number take it out of the campaign: its
   recipients fail over to the other numbers, services/campaign_failover.py), one progress push.
   If the invocation dies before its flush, its claimed recipients stay "sending": the planner turns them
   unknown after a while (never resent) and their echoes reconcile them as sent.
"""
from __future__ import annotations

import json
import random
import time
from collections import Counter, defaultdict
from typing import Any

from alrea.core import metrics as app_metrics
from alrea.core.clock import iso, utcnow
from alrea.core.log import logger
from alrea.domain import campaigns as dom
from alrea.ports.whatsapp import (
    ConnectionClosed,
    EvolutionUnavailable,
    NumberNotOnWhatsApp,
    SendOutcomeUnknown,
    WhatsAppError,
)
from alrea.services import hooks
from alrea.services.campaign_failover import fail_over
from alrea.services.campaign_progress import push_progress
from alrea.store import campaigns as store
from alrea.store import instances as instance_store
from alrea.store import recipients as rstore
from alrea.wiring import runtime

SEND_QUEUE = "campaign_send_message"
MAX_EARLY_SLEEP_S = 2.0
MAX_ATTEMPTS = 6  # then a recipient Evolution never took is failed instead of retried
RETRY_BASE_S = 5  # certainly-not-sent retries wait 5, 10, 20, 40, 80 s (±20 %)
MEDIA_URL_S = 3600


class SendBatch:
    """One sender invocation's shared reads, its claims, and its outcomes (written once, at its end)."""

    def __init__(self) -> None:
        self._instances: dict[tuple[str, str], Any] = {}
        self._media: dict[str, str] = {}
        self._claims: dict[str, str] = {}  # message id -> claim result (prepare)
        self._moves: dict[tuple[str, str], list[tuple[dom.SendOrder, dom.Recipient, str, dict[str, Any]]]] = \
            defaultdict(list)
        self._rings: dict[tuple[str, str, str], list[int]] = defaultdict(list)
        self._dropped: set[tuple[str, str, str]] = set()

    def dropped(self, order: dom.SendOrder) -> None:
        self._dropped.add((order.tenant_id, order.campaign_id, order.instance_id))

    def instance(self, tenant_id: str, instance_id: str) -> Any:
        key = (tenant_id, instance_id)
        if key not in self._instances:
            self._instances[key] = instance_store.get(tenant_id, instance_id)
        return self._instances[key]

    def media_url(self, key: str) -> str:
        if key not in self._media:
            self._media[key] = runtime().storage.presign_get(key, MEDIA_URL_S)
        return self._media[key]

    def prepare(self, messages: dict[str, dict[str, Any]]) -> None:
        """Claim, per campaign run, every message already due in one transaction; handle_message then finds
        its claim here (a message whose slot is still ahead claims on its own after waiting for it)."""
        groups: dict[tuple[str, str, str], list[tuple[str, dom.SendOrder]]] = defaultdict(list)
        for message_id, body in messages.items():
            try:
                order = dom.SendOrder.from_message(body)
            except (KeyError, TypeError, ValueError):
                continue  # handle_message reports it
            if order.slot <= time.time():  # an early one claims on its own once its slot comes
                groups[(order.tenant_id, order.campaign_id, order.run_id)].append((message_id, order))
        for (_, cid, _), items in groups.items():
            results = _safely("claims", cid, rstore.claim_many, [o for _, o in items])
            for (message_id, _), result in zip(items, results or [], strict=False):
                self._claims[message_id] = result  # without an answer each message claims on its own

    def claimed(self, message_id: str | None, order: dom.SendOrder) -> str:
        if message_id is not None and message_id in self._claims:
            return self._claims.pop(message_id)
        return rstore.claim_many([order])[0]

    def settle(self, order: dom.SendOrder, rec: dom.Recipient, new: str, fields: dict[str, Any]) -> None:
        self._moves[(order.tenant_id, order.campaign_id)].append((order, rec, new, fields))

    def outcome(self, order: dom.SendOrder, failed: bool) -> None:
        self._rings[(order.tenant_id, order.campaign_id, order.instance_id)].append(1 if failed else 0)

    def flush(self) -> None:
        """Per campaign: the outcomes with the counters (one transaction), the chart minutes, the numbers'
        rings (one write each); then auto-pause and one progress push."""
        moves, rings, dropped = self._moves, self._rings, self._dropped
        self._moves, self._rings, self._dropped = defaultdict(list), defaultdict(list), set()
        moved: set[tuple[str, str]] = set()
        for (tid, cid), items in moves.items():
            applied = _safely("outcomes", cid, rstore.settle_many,
                              [(rec, dom.R_SENDING, new, fields) for _, rec, new, fields in items]) or []
            minutes: dict[str, Counter[str]] = defaultdict(Counter)
            for (_, _, new, fields), ok in zip(items, applied, strict=False):
                if ok:
                    deltas = dom.counter_deltas(dom.R_SENDING, new)
                    minutes[store.minute_of(fields.get("sent_at") or iso(utcnow()))].update(
                        {k: v for k, v in deltas.items() if k in store.TIMELINE_FIELDS and v > 0})
            if any(applied):
                moved.add((tid, cid))
                hooks.campaign_recipients_moved(hooks.CampaignRecipientsMoved(tid, cid, tuple(
                    (o.variant, o.instance_id, dom.R_SENDING, new) for (o, _, new, _), ok in zip(items, applied) if ok)))
                _safely("chart", cid, store.timeline_add_many, tid, cid, {m: dict(d) for m, d in minutes.items() if d})
        for tid, cid, iid in dropped:  # after the settle: the recipients it had in hand are pending again
            _safely("failover", cid, fail_over, tid, cid, iid, "disconnected")
        for (tid, cid, iid), outcomes in rings.items():
            recent = _safely("ring", cid, store.record_outcomes, tid, cid, iid, outcomes) or []
            if any(outcomes) and dom.should_auto_pause(recent):
                _safely("failover", cid, fail_over, tid, cid, iid, "failures")
                moved.discard((tid, cid))
        for tid, cid in moved:
            push_progress(_safely("read", cid, store.get, tid, cid))


def parse_bodies(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """message id -> body of the SQS records that parse (one that does not fails on its own later)."""
    bodies = {}
    for record in records:
        try:
            bodies[record["messageId"]] = json.loads(record["body"])
        except (KeyError, TypeError, ValueError):
            continue
    return bodies


def _safely(what: str, cid: str, fn: Any, *args: Any) -> Any:
    """A flush step that fails is logged, not raised: the sends are done (raising would only redeliver
    messages that claim nothing); recipients left "sending" turn unknown and are reconciled by their echo."""
    try:
        return fn(*args)
    except Exception:  # noqa: BLE001
        logger.exception("campaign batch flush failed", extra={"campaign_id": cid, "step": what})
        return None


def retry_delay_s(attempt: int) -> int:
    """The delay before the ``attempt``-th try of a send Evolution certainly did not take (1 = the first)."""
    return int(RETRY_BASE_S * 2 ** max(0, attempt - 1) * random.uniform(0.8, 1.2)) + 1


def handle_message(body: dict[str, Any], receive_count: int = 1, batch: SendBatch | None = None,
                   message_id: str | None = None) -> str:
    """One send message. Given a ``batch`` the caller flushes it; without one, this message's own is."""
    if batch is None:
        batch = SendBatch()
        try:
            return handle_message(body, receive_count, batch)
        finally:
            batch.flush()
    order = dom.SendOrder.from_message(body)
    early = order.slot - time.time()
    if early > MAX_EARLY_SLEEP_S:
        runtime().bus.publish(SEND_QUEUE, body, delay_s=int(min(900, early)))
        return "early"
    if early > 0:
        time.sleep(early)
    claimed = batch.claimed(message_id, order)
    if claimed == "recipient":
        logger.info("send message with nothing to claim (duplicate or stale)", extra={"campaign_id": order.campaign_id})
        return "duplicate"
    if claimed == "campaign":
        return "stopped"  # the recipient stays pending: the campaign's next run plans it
    return _send(order, receive_count, batch)


def _send(order: dom.SendOrder, receive_count: int, batch: SendBatch) -> str:
    rec = order.claimed(iso(utcnow()))
    number = order.phone.lstrip("+")
    try:
        instance = batch.instance(order.tenant_id, order.instance_id)
        wa = runtime().whatsapp
        media = order.media
        if media:
            sent = wa.send_media(instance.evolution_name, number, dom.mediatype_of(media.get("mimetype", "")),
                                 batch.media_url(media["key"]), mimetype=media.get("mimetype"),
                                 caption=order.text or None, file_name=media.get("file_name"))
        else:
            sent = wa.send_text(instance.evolution_name, number, order.text)
    except NumberNotOnWhatsApp:
        _finish(order, rec, batch, dom.R_SKIPPED, error="Número sem WhatsApp.")
        batch.outcome(order, failed=False)
        return "skipped"
    except SendOutcomeUnknown as exc:
        _finish(order, rec, batch, dom.R_UNKNOWN, error=f"Sem resposta do Evolution: {exc.message}"[:500])
        app_metrics.send_outcome("campaign", "unknown", tenant_id=order.tenant_id)
        return "unknown"
    except (ConnectionClosed, EvolutionUnavailable) as exc:
        attempt = max(order.attempt, receive_count)
        if attempt >= MAX_ATTEMPTS:
            _finish(order, rec, batch, dom.R_FAILED, error=f"Evolution indisponível: {exc.message}"[:500])
            return _failed(order, batch)
        # nothing went out: pending again, and the same order comes back later (its claim sends it once)
        _finish(order, rec, batch, dom.R_PENDING)
        if isinstance(exc, ConnectionClosed) and not _still_open(order):
            batch.dropped(order)  # the number dropped: at the flush, its recipients move to the other numbers
            return "retry"
        runtime().bus.publish(SEND_QUEUE, {**order.as_message(), "slot": time.time(), "attempt": attempt + 1},
                              delay_s=retry_delay_s(attempt))
        return "retry"
    except WhatsAppError as exc:
        _finish(order, rec, batch, dom.R_FAILED, error=(exc.message or "Falha no envio")[:500])
        return _failed(order, batch)
    now = iso(utcnow())
    _finish(order, rec, batch, dom.R_SENT, wamid=sent.id, sent_at=now, error=None)
    app_metrics.send_outcome("campaign", "ok", tenant_id=order.tenant_id)
    batch.outcome(order, failed=False)
    return "sent"


def _still_open(order: dom.SendOrder) -> bool:
    """The number's connection as the webhooks last told it (read again: it may have dropped meanwhile)."""
    try:
        return instance_store.get(order.tenant_id, order.instance_id).state == "open"
    except Exception:  # noqa: BLE001 - the number was deleted
        return False


def _failed(order: dom.SendOrder, batch: SendBatch) -> str:
    app_metrics.send_outcome("campaign", "failed", tenant_id=order.tenant_id)
    batch.outcome(order, failed=True)
    return "failed"


def _finish(order: dom.SendOrder, rec: dom.Recipient, batch: SendBatch, new: str, **fields: Any) -> None:
    """sending → ``new``, written with the batch (an echo that reconciled the send first wins: it is left out)."""
    batch.settle(order, rec, new, fields)
