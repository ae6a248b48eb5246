"""Reconciling campaign sends whose outcome is unknown (the request left, no answer came back), never by
sending blindly again.

1. The gateway's own echo (``send.message`` / a fromMe ``messages.upsert`` to that phone, from that number,
   in the send's time window) settles it as sent as soon as it arrives: campaign_events._reconcile_echo.
2. Otherwise, once the echo had time to come (``RECONCILE_AFTER_S`` after the attempt), the planner's round
   asks the gateway for the chat's own messages in the send's window (Evolution ``/chat/findMessages``):
   - found → sent (with its WhatsApp id: the receipts that follow move it on);
   - certainly not there → pending again, at the end of its number's queue (``requeued``; each time follows
     a confirmed absence, so it is as safe as the first; at most ``MAX_REQUEUES`` times, then failed
     "resultado incerto");
   - the gateway cannot answer (number disconnected, gateway down) → asked again later; after
     ``GIVE_UP_S`` → failed "resultado incerto".
   A person may send the uncertain ones again explicitly (``retry_uncertain``), warned that a duplicate is
   possible.
The campaign completes only when no recipient is left unknown.
"""
from __future__ import annotations

import os
from datetime import datetime, timedelta

from alrea.core.clock import iso, parse_iso, utcnow
from alrea.core.errors import Conflict, NotFound
from alrea.core.log import logger
from alrea.domain import campaigns as dom
from alrea.ports.whatsapp import WhatsAppError
from alrea.store import campaigns as store
from alrea.store import instances as instance_store
from alrea.store import recipients as rstore
from alrea.wiring import runtime

BEFORE_S = 5  # the gateway's timestamp may be a little before our attempt's (clocks, whole seconds)
WINDOW_S = 180  # a send answered this late is not looked for further on
RETRY_ASK_S = 30  # the gateway could not answer: ask again this much later
MAX_REQUEUES = 3


def reconcile_after_s() -> float:
    """How long an echo gets before the gateway is asked (``ALREA_CAMPAIGN_RECONCILE_AFTER_S``, 90 s)."""
    return float(os.environ.get("ALREA_CAMPAIGN_RECONCILE_AFTER_S", "90"))


def give_up_s() -> float:
    """How long the gateway may stay unable to answer before the outcome is declared uncertain (30 min)."""
    return float(os.environ.get("ALREA_CAMPAIGN_RECONCILE_GIVE_UP_S", "1800"))


def reconcile_unknown(c: dom.Campaign, now: datetime, *, limit: int = 50) -> tuple[float | None, int]:
    """Settle the campaign's unknown recipients that are due; answers when the next one is due (epoch s, or
    None when none is left waiting) and how many were queued again (to plan)."""
    wait_s, give_up = reconcile_after_s(), give_up_s()
    next_due: float | None = None
    queued = 0
    names: dict[str, str | None] = {}
    for rec in rstore.by_status(c.tenant_id, c.id, dom.R_UNKNOWN, limit=limit):
        at = parse_iso(rec.attempted_at or rec.updated_at or iso(now))
        due = at + timedelta(seconds=wait_s)
        if due > now:
            next_due = min(next_due or due.timestamp(), due.timestamp())
            continue
        found = _ask(c.tenant_id, rec, at, names)
        if found is None:  # the gateway could not answer
            if now - at > timedelta(seconds=give_up):
                _settle(rec, dom.R_FAILED, error=dom.UNCERTAIN)
            else:
                retry = now.timestamp() + RETRY_ASK_S
                next_due = min(next_due or retry, retry)
            continue
        if found:
            sent = found[0]
            sent_at = iso(datetime.fromtimestamp(sent.timestamp, at.tzinfo)) if sent.timestamp else iso(at)
            _settle(rec, dom.R_SENT, wamid=sent.id, sent_at=sent_at, error=None)
        elif rec.requeued < MAX_REQUEUES:
            queued += _settle(rec, dom.R_PENDING, to_end=True, requeued=rec.requeued + 1, error=None)
        else:
            _settle(rec, dom.R_FAILED, error=dom.UNCERTAIN)
    return next_due, queued


def _ask(tenant_id: str, rec: dom.Recipient, at: datetime, names: dict[str, str | None]) -> list | None:
    if rec.instance_id not in names:
        try:
            names[rec.instance_id] = instance_store.get(tenant_id, rec.instance_id).evolution_name
        except Exception:  # noqa: BLE001 - the number was deleted: nobody can tell any more
            names[rec.instance_id] = None
    name = names[rec.instance_id]
    if name is None:
        return None
    try:
        return runtime().whatsapp.find_sent(name, rec.phone.lstrip("+"), since=at.timestamp() - BEFORE_S,
                                            until=at.timestamp() + WINDOW_S)
    except (WhatsAppError, NotImplementedError) as exc:
        logger.info("gateway could not say whether a send went out", extra={"campaign_id": rec.campaign_id,
                                                                             "error": repr(exc)})
        return None


def _settle(rec: dom.Recipient, new: str, *, to_end: bool = False, **fields: object) -> bool:
    previous = rstore.advance(rec, (dom.R_UNKNOWN,), new, to_end=to_end, **fields)
    if previous is None:
        return False
    logger.info("unknown campaign send reconciled", extra={"campaign_id": rec.campaign_id, "outcome": new})
    if new != dom.R_PENDING:
        store.timeline_add(rec.tenant_id, rec.campaign_id, iso(utcnow()), dom.counter_deltas(previous, new))
    return True


def retry_uncertain(tenant_id: str, cid: str) -> int:
    """A person asks to send the uncertain ones again (a duplicate is possible: the SPA warns): each failed
    "resultado incerto" recipient goes back to pending at the end of its number's queue, and a finished
    campaign runs again for them. Answers how many."""
    from alrea.services.campaign_runs import rerun

    c = store.get(tenant_id, cid)
    if c is None:
        raise NotFound("Campanha não encontrada.")
    if c.status not in (dom.RUNNING, dom.PAUSED, dom.COMPLETED):
        raise Conflict("Só é possível reenviar em campanhas em andamento, pausadas ou concluídas.")
    moved = 0
    for rec in list(rstore.iter_all(tenant_id, cid)):
        if rec.status == dom.R_FAILED and rec.error == dom.UNCERTAIN:
            if rstore.advance(rec, (dom.R_FAILED,), dom.R_PENDING, to_end=True, error=None) is not None:
                moved += 1
    if moved and c.status == dom.COMPLETED:
        rerun(tenant_id, cid)
    logger.info("uncertain recipients queued again by a person", extra={"campaign_id": cid, "count": moved})
    return moved
