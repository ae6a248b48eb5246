"""Failover between a campaign's numbers, and their warm-up.

A number that disconnects, or that fails too often (the sender's ring of recent outcomes), leaves the
campaign (``halt_number``): its pending recipients move to the campaign's other healthy numbers — at the end
of their queues, sticky number updated — and the planner gives it nothing more. The daily caps (and warm-up
ramps) of the numbers that take them over still hold: the planner applies them. Only when no healthy number is
left does the campaign pause. Either way the managers are told (a push and a stored notification).
A resume brings every number back.

Warm-up: a number connected in the last ``Pacing.warmup_days`` days sends at most ``warmup_first_day`` on
the day it was connected, doubling each day, up to the campaign's daily cap (domain ``Pacing.cap_on``).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from alrea.core.log import logger
from alrea.domain import campaigns as dom
from alrea.services import hooks
from alrea.services.campaign_progress import alert, push_progress
from alrea.store import campaigns as store
from alrea.store import instances as instance_store
from alrea.store import recipients as rstore

WHY = {"disconnected": "desconectou do WhatsApp", "failures": "teve muitas falhas de envio seguidas"}


def _instance(tenant_id: str, instance_id: str) -> Any:
    try:
        return instance_store.get(tenant_id, instance_id)
    except Exception:  # noqa: BLE001 - NotFound: the number was deleted
        return None


def healthy_numbers(c: dom.Campaign, states: dict[str, dom.NumberState], *, but: str | None = None) -> list[str]:
    """The campaign's numbers still sending: not halted, connected (as far as we know)."""
    out = []
    for iid in c.instance_ids or []:
        if iid == but or (states.get(iid) is not None and states[iid].halted):
            continue
        inst = _instance(c.tenant_id, iid)
        if inst is not None and getattr(inst, "state", "open") == "open":
            out.append(iid)
    return out


def fail_over(tenant_id: str, cid: str, instance_id: str, reason: str) -> str:
    """The number leaves the running campaign; answers "moved", "paused" (no number left) or "ignored"."""
    from alrea.services.campaign_runs import pause_campaign

    c = store.get(tenant_id, cid)
    if c is None or c.status != dom.RUNNING or instance_id not in (c.instance_ids or []):
        return "ignored"
    halted = store.halt_number(tenant_id, cid, instance_id, reason)
    states = store.number_states(tenant_id, cid)
    healthy = healthy_numbers(c, states, but=instance_id)
    if not halted:  # it had already left: recipients back to pending on it since (sends it had in hand) follow
        if healthy:
            move_pending(c, instance_id, healthy)
        return "ignored"
    label = _label(tenant_id, instance_id)
    why = WHY.get(reason, reason)
    if not healthy:
        try:
            pause_campaign(tenant_id, cid, reason=f"Pausada automaticamente: o número {label} {why} e não há "
                                                  "outro número saudável na campanha.")
        except Exception:  # noqa: BLE001 - paused or finished meanwhile
            return "ignored"
        alert(tenant_id, cid, reason, f"Campanha pausada: o número {label} {why}. Reconecte o número e retome.")
        logger.warning("campaign paused: no healthy number left", extra={"campaign_id": cid, "reason": reason})
        return "paused"
    moved = move_pending(c, instance_id, healthy)
    message = (f"O número {label} {why}: {moved} destinatário(s) passaram para os outros números da campanha, "
               "que continua.")
    alert_failover(c, instance_id, reason, message, moved)
    logger.warning("campaign number failed over", extra={"campaign_id": cid, "reason": reason, "moved": moved})
    return "moved"


def move_pending(c: dom.Campaign, instance_id: str, healthy: list[str]) -> int:
    """Every pending recipient of ``instance_id`` to the healthy numbers, in turn; their sticky number follows."""
    moved = 0
    turn = 0
    while healthy:
        batch = rstore.pending_after(c.tenant_id, c.id, instance_id, None, limit=100)
        if not batch:
            break
        sticky: list[tuple[str, str]] = []
        for rec in batch:
            target = healthy[turn % len(healthy)]
            turn += 1
            if rstore.reassign(rec, target):
                moved += 1
                sticky.append((rec.phone, target))
        rstore.set_sticky_many(c.tenant_id, sticky)
        if len(batch) < 100:
            break
    return moved


def alert_failover(c: dom.Campaign, instance_id: str, reason: str, message: str, moved: int) -> None:
    alert(c.tenant_id, c.id, "failover", message, paused=False)
    hooks.campaign_failed_over(hooks.CampaignFailedOver(c.tenant_id, c.id, instance_id, reason, moved, message,
                                                        name=c.name))
    push_progress(store.get(c.tenant_id, c.id, consistent=False))


def _label(tenant_id: str, instance_id: str) -> str:
    inst = _instance(tenant_id, instance_id)
    return f"“{inst.name}”" if inst is not None and getattr(inst, "name", None) else "da campanha"


def warm_since(tenant_id: str, instance_id: str, tz: Any) -> str | None:
    """The local day the number was first connected (None: unknown, or long ago — no warm-up)."""
    inst = _instance(tenant_id, instance_id)
    connected = getattr(inst, "connected_at", None) if inst is not None else None
    if not connected:
        return None
    return datetime.fromisoformat(connected.replace("Z", "+00:00")).astimezone(tz).date().isoformat()
