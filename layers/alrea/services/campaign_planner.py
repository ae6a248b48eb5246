"""The planner: one round of a campaign's plan loop (Step Functions' Plan task, or a queue pacer message).

A round: check the run is current; take the round (a short lease, so a duplicated plan message cannot fork
the loop while a crashed round is retried after the lease); read each number's state and its pending
recipients; give them slots (alrea.domain.campaigns.plan_window); mark each queued (conditional
pending → queued with a fresh token) and publish its send message delayed to the slot; save the numbers'
state; answer ``{done, wait_s}``. With nothing pending and nothing in flight the campaign completes.
"""
from __future__ import annotations

import math
import random
import time
import uuid
from datetime import datetime, timedelta
from typing import Any

from alrea.campaign_run import plan_task_from_message
from alrea.core.clock import iso, utcnow
from alrea.core import metrics as app_metrics
from alrea.core.log import logger
from alrea.domain import campaigns as dom
from alrea.ports.bus import MAX_DELAY_S
from alrea.ports.pacer import PlanAnswer, PlanTask
from alrea.services import campaigns as svc
from alrea.store import campaigns as store
from alrea.store import recipients as rstore
from alrea.store.campaigns import CampaignItem
from alrea.wiring import runtime

SEND_QUEUE = "campaign_send_message"
MAX_SENDS = 100
HORIZON_S = 900
LEAD_S = 30
LEASE_S = 100  # < the plan queue's visibility timeout (120 s): a redelivered (crashed) round takes over
STALE_SENDING_S = 300  # a claim this old never finished (the sender died): outcome unknown, never resent
STALE_QUEUED_S = 300  # a queued recipient this far past its slot lost its message: publish it again
MAX_ATTEMPTS = 3


def handle_message(body: dict[str, Any], receive_count: int = 1) -> PlanAnswer | None:
    task = plan_task_from_message(body)
    try:
        answer = plan(task)
    except Exception as exc:
        if receive_count >= MAX_ATTEMPTS:
            logger.exception("campaign planning failed for good", extra={"campaign_id": task.campaign_id})
            runtime().pacer.fail(task, f"planner failed: {exc!r}")
            return None
        raise
    if answer is None:  # a duplicate of a round being planned elsewhere: that one answers
        return None
    runtime().pacer.answer(task, answer)
    app_metrics.count(app_metrics.CAMPAIGN_ROUNDS, tenant_id=task.tenant_id)
    return answer


def plan(task: PlanTask, *, now: datetime | None = None, rng: random.Random | None = None
         ) -> PlanAnswer | None:
    """Plan one round; None for a duplicate of a round another worker holds (that one answers)."""
    now = now or utcnow()
    rng = rng or random.Random()
    c = store.get(task.tenant_id, task.campaign_id)
    if c is None or c.run_id != task.run_id or c.status != dom.RUNNING or int(c.plan_round or 0) > task.round:
        logger.info("plan round for a stopped or replaced run", extra={"campaign_id": task.campaign_id,
                                                                     "round": task.round})
        return PlanAnswer(done=True)
    if not store.take_round(task.tenant_id, task.campaign_id, task.run_id, task.round,
                            now=now.timestamp(), lease_s=LEASE_S):
        logger.info("plan round held elsewhere", extra={"campaign_id": task.campaign_id, "round": task.round})
        return None
    return _plan(c, task, now, rng)


def _plan(c: CampaignItem, task: PlanTask, now: datetime, rng: random.Random) -> PlanAnswer:
    started = time.monotonic()  # slots are relative to `now`; a message's delay counts the planning since
    tid, cid = c.tenant_id, c.id
    pacing = dom.Pacing.parse(c.pacing)
    tz = dom.zone(c.timezone)
    numbers = list(c.instance_ids or [])
    _republish_stale(c, now)
    states = store.number_states(tid, cid)
    per_number = max(1, math.ceil(MAX_SENDS / max(1, len(numbers))))
    pending: dict[str, list[str]] = {}
    for iid in numbers:
        items, _ = rstore.by_status(tid, cid, dom.R_PENDING, instance_id=iid, limit=per_number)
        pending[iid] = [r.phone for r in items]
    window = dom.plan_window(pending, states, pacing, tz, now, rng, max_sends=MAX_SENDS, horizon_s=HORIZON_S,
                             lead_s=LEAD_S)
    variants = len(c.variants or []) or 1
    moved: list[tuple[Any, str]] = []
    for slot in window.slots:
        token = uuid.uuid4().hex[:16]
        rec = rstore.key_item(tid, cid, slot.key)
        rec.tenant_id, rec.campaign_id, rec.phone, rec.instance_id = tid, cid, slot.key, slot.instance_id
        rec.status = dom.R_PENDING
        R = rstore.RecipientItem
        if not rstore.move(rec, dom.R_PENDING, dom.R_QUEUED,
                           [R.token.set(token), R.slot.set(slot.at), R.variant.set(rng.randrange(variants))]):
            continue  # opted out or otherwise moved meanwhile
        moved.append((slot, token))
    queued = len(moved)
    # counters before the messages: a sender's claim (queued → sending) never finds the counter behind it.
    # A crash before publishing leaves recipients queued with no message: _republish_stale finds them.
    after = store.add_counters(tid, cid, {"pending": -queued, "queued": queued}) if queued else None
    for slot, token in moved:
        _publish(tid, cid, slot.key, token, slot.at, now.timestamp() + time.monotonic() - started)
    for state in window.numbers.values():
        store.save_number_state(tid, cid, state)
    svc.push_progress(after)
    more_pending = any(pending.values()) and (queued < sum(len(v) for v in pending.values()) or
                                              any(len(v) >= per_number for v in pending.values()))
    logger.info("campaign window planned", extra={"campaign_id": cid, "round": task.round, "queued": queued,
                                                  "more_pending": more_pending})
    if window.next_at is not None or more_pending:
        next_at = window.next_at if window.next_at is not None else max(s.at for s in window.slots)
        return PlanAnswer(done=False, wait_s=dom.wait_seconds(next_at, now))
    if window.slots:  # everything planned: come back when the last slot has gone, to complete
        return PlanAnswer(done=False, wait_s=dom.wait_seconds(max(s.at for s in window.slots) + 2, now))
    if svc.complete_if_done(tid, cid) is not None:
        return PlanAnswer(done=True)
    return PlanAnswer(done=False, wait_s=_in_flight_wait(c, now))


def _in_flight_wait(c: CampaignItem, now: datetime) -> int:
    _expire_sending(c, now)
    items, _ = rstore.by_status(c.tenant_id, c.id, dom.R_QUEUED, limit=100)
    slots = [float(i.slot) for i in items if i.slot is not None]
    return max(2, dom.wait_seconds(max(slots) + 2, now)) if slots else 2


def _publish(tid: str, cid: str, phone: str, token: str, slot: float, at: float) -> None:
    """Publish a send message due at ``slot``; ``at`` is the time of publishing (epoch s, on the planner's clock)."""
    delay = int(min(MAX_DELAY_S, max(0.0, slot - at)))
    runtime().bus.publish(SEND_QUEUE, {"tenant_id": tid, "campaign_id": cid, "phone": phone, "token": token,
                                       "slot": slot}, delay_s=delay)


def _republish_stale(c: CampaignItem, now: datetime) -> None:
    """A queued recipient whose slot passed long ago lost its message (a crash between queue and publish):
    publish it again with the same token — if the first one still comes, the claim lets only one send."""
    items, _ = rstore.by_status(c.tenant_id, c.id, dom.R_QUEUED, limit=100)
    for rec in items:
        if rec.slot is not None and rec.token and float(rec.slot) < now.timestamp() - STALE_QUEUED_S:
            logger.warning("republishing a stale queued recipient", extra={"campaign_id": c.id})
            _publish(c.tenant_id, c.id, rec.phone, rec.token, now.timestamp(), now.timestamp())


def _expire_sending(c: CampaignItem, now: datetime) -> None:
    """A recipient left in "sending" by a sender that died may or may not have gone out: mark it unknown
    (its echo, if any, reconciles it as sent) so the campaign can complete — never send it again."""
    items, _ = rstore.by_status(c.tenant_id, c.id, dom.R_SENDING, limit=100)
    limit = iso(now - timedelta(seconds=STALE_SENDING_S))
    for rec in items:
        if (rec.attempted_at or "") < limit:
            logger.warning("stale sending recipient marked unknown", extra={"campaign_id": c.id})
            svc.advance(rec, dom.R_SENDING, dom.R_UNKNOWN,
                        [rstore.RecipientItem.error.set("O envio foi interrompido; resultado desconhecido.")])
