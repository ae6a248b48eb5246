"""The planner: one round of a campaign's plan loop (Step Functions' Plan task, or a queue pacer message).

A round: check the run is current; take the round (a short lease, so a duplicated plan message cannot fork
the loop while a crashed round is retried after the lease); read each number's state and its pending
recipients after the last one planned in this run (the number's cursor); give them slots
(alrea.domain.campaigns.plan_window); render each message and publish it delayed to its slot as a SendOrder
carrying everything the sender needs; save the numbers' state with their new cursor; answer
``{done, wait_s}``. A planned recipient stays pending (no write per recipient): the sender's claim moves it.
Numbers that left the campaign (failover) get nothing; a pending recipient still on one moves to a healthy
number. A number warming up gets at most its ramp's sends per local day (``Pacing.cap_on``). Unknown outcomes
are reconciled (services/campaign_reconcile.py). With nothing pending, in flight or unknown the campaign
completes.
"""
from __future__ import annotations

import math
import random
import time
from datetime import datetime, timedelta
from typing import Any

from alrea.campaign_run import plan_task_from_message
from alrea.core.clock import iso, utcnow
from alrea.core import metrics as app_metrics
from alrea.core.log import logger
from alrea.domain import campaigns as dom
from alrea.ports.bus import MAX_DELAY_S
from alrea.ports.pacer import PlanAnswer, PlanTask
from alrea.services.campaign_failover import healthy_numbers, move_pending, warm_since
from alrea.services.campaign_reconcile import reconcile_unknown
from alrea.services.campaign_runs import complete_if_done
from alrea.store import campaigns as store
from alrea.store import recipients as rstore
from alrea.wiring import runtime

SEND_QUEUE = "campaign_send_message"
MAX_SENDS = 100
HORIZON_S = 900
LEAD_S = 30
LEASE_S = 100  # < the plan queue's visibility timeout (120 s): a redelivered (crashed) round takes over
STALE_SENDING_S = 300  # a claim this old never finished (the sender died): outcome unknown, never resent
STALE_QUEUED_S = 300  # pending ones this long after their number's last slot lost their message: plan again
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
    if c is None or c.run_id != task.run_id or c.status != dom.RUNNING or c.plan_round > task.round:
        logger.info("plan round for a stopped or replaced run", extra={"campaign_id": task.campaign_id,
                                                                     "round": task.round})
        return PlanAnswer(done=True)
    if not store.take_round(task.tenant_id, task.campaign_id, task.run_id, task.round,
                            now=now.timestamp(), lease_s=LEASE_S):
        logger.info("plan round held elsewhere", extra={"campaign_id": task.campaign_id, "round": task.round})
        return None
    return _plan(c, task, now, rng)


def _plan(c: dom.Campaign, task: PlanTask, now: datetime, rng: random.Random) -> PlanAnswer:
    started = time.monotonic()  # slots are relative to `now`; a message's delay counts the planning since
    tid, cid = c.tenant_id, c.id
    pacing = dom.Pacing.parse(c.pacing)
    tz = dom.zone(c.timezone)
    states = store.number_states(tid, cid)
    numbers = [iid for iid in c.instance_ids if states.get(iid) is None or not states[iid].halted]
    _follow_failover(c, states)
    for iid in numbers:
        states.setdefault(iid, dom.NumberState(iid)).warm_since = warm_since(tid, iid, tz) if pacing.warmup \
            else None
    per_number = max(1, math.ceil(MAX_SENDS / max(1, len(numbers))))
    pending: dict[str, list[dom.Recipient]] = {}
    for iid in numbers:
        state = states.get(iid)
        after = state.after if state is not None and state.after_run == c.run_id else None  # a run's own cursor
        pending[iid] = rstore.pending_after(tid, cid, iid, after, limit=per_number)
    by_phone = {r.phone: r for recs in pending.values() for r in recs}
    window = dom.plan_window({iid: [r.phone for r in recs] for iid, recs in pending.items()}, states, pacing, tz,
                             now, rng, max_sends=MAX_SENDS, horizon_s=HORIZON_S, lead_s=LEAD_S)
    variants = list(c.variants) or [{"text": ""}]
    orders: list[dom.SendOrder] = []
    for slot in window.slots:
        rec = by_phone[slot.key]
        index = rng.randrange(len(variants))
        variant = variants[index]
        text, _ = dom.render(variant.get("text") or "", {**rec.contact, "phone": rec.phone}, rng)
        order = dom.SendOrder(tenant_id=tid, campaign_id=cid, run_id=c.run_id or task.run_id, phone=rec.phone,
                              instance_id=slot.instance_id, slot=slot.at, variant=index, text=text,
                              media=variant.get("media") or None)
        orders.append(order)
        window.numbers[slot.instance_id].after = rec.queue_key or rec.phone
        window.numbers[slot.instance_id].after_run = order.run_id
    _publish(orders, now.timestamp() + time.monotonic() - started)
    # the cursors after the messages: a crash before this write plans them again (the claim sends once). A
    # number with nothing planned keeps its cursor only if it is this run's.
    for state in window.numbers.values():
        if state.after_run != c.run_id:
            state.after = state.after_run = None
    store.save_number_states(tid, cid, list(window.numbers.values()))
    queued = len(window.slots)
    more_pending = any(len(v) >= per_number for v in pending.values()) or queued < len(by_phone)
    logger.info("campaign window planned", extra={"campaign_id": cid, "round": task.round, "planned": queued,
                                                  "more_pending": more_pending})
    if window.next_at is not None or more_pending:
        next_at = window.next_at if window.next_at is not None else max(s.at for s in window.slots)
        return PlanAnswer(done=False, wait_s=dom.wait_seconds(next_at, now))
    if window.slots:  # everything planned: come back when the last slot has gone, to complete
        return PlanAnswer(done=False, wait_s=dom.wait_seconds(max(s.at for s in window.slots) + 2, now))
    last_slot = max((s.last_slot for s in states.values() if s.last_slot is not None), default=0.0)
    quiet = last_slot < now.timestamp() - STALE_SENDING_S
    if complete_if_done(tid, cid, quiet=quiet) is not None:
        return PlanAnswer(done=True)
    return PlanAnswer(done=False, wait_s=_in_flight_wait(c, states, now))


def _follow_failover(c: dom.Campaign, states: dict[str, dom.NumberState]) -> None:
    """Recipients that came back to pending on a number that left (a send it had in hand, retried) move on."""
    for iid, state in states.items():
        if state.halted and rstore.pending_after(c.tenant_id, c.id, iid, None, limit=1):
            healthy = healthy_numbers(c, states)
            if healthy:
                move_pending(c, iid, healthy)


def _in_flight_wait(c: dom.Campaign, states: dict[str, dom.NumberState], now: datetime) -> int:
    """Everything is planned but some recipients are still pending (their messages are on the way) or
    sending. A sending one whose sender died turns unknown; pending ones whose number's last slot is long
    gone lost their message (a crash between publishing and the cursor, a message dropped): that number's
    cursor goes back to the start so the next round plans them again — a late first message and the new one
    race for the claim, which lets one send."""
    _expire_sending(c, now)
    reconcile_at, requeued = reconcile_unknown(c, now)
    stale = [iid for iid, s in states.items()
             if s.last_slot is not None and s.last_slot < now.timestamp() - STALE_QUEUED_S and s.after
             and s.after_run == c.run_id]
    if stale and rstore.any_in(c.tenant_id, c.id, dom.R_PENDING):
        logger.warning("replanning pending recipients whose messages were lost", extra={"campaign_id": c.id})
        store.reset_numbers(c.tenant_id, c.id, stale, outcomes=False)
        return 1
    if requeued:  # queued again by the reconciliation: plan them
        return 1
    last = max((s.last_slot for s in states.values() if s.last_slot is not None), default=None)
    wait = max(2, dom.wait_seconds(last + 2, now)) if last is not None else 2
    if reconcile_at is not None and not rstore.any_in(c.tenant_id, c.id, dom.R_SENDING):
        wait = max(wait, dom.wait_seconds(reconcile_at, now))  # only unknown ones left: come back when due
    return wait


def _publish(orders: list[dom.SendOrder], at: float) -> None:
    """Publish the send messages, each delayed to its slot; ``at`` is the time of publishing (epoch s, on the
    planner's clock). SQS takes them 10 per request."""
    if orders:
        runtime().bus.publish_many(SEND_QUEUE, [(o.as_message(), int(min(MAX_DELAY_S, max(0.0, o.slot - at))))
                                                for o in orders])


def _expire_sending(c: dom.Campaign, now: datetime) -> None:
    """A recipient left in "sending" by a sender that died may or may not have gone out: mark it unknown
    (its echo, if any, reconciles it as sent) so the campaign can complete — never send it again."""
    limit = iso(now - timedelta(seconds=STALE_SENDING_S))
    for rec in rstore.by_status(c.tenant_id, c.id, dom.R_SENDING, limit=100):
        if (rec.attempted_at or "") < limit:
            logger.warning("stale sending recipient marked unknown", extra={"campaign_id": c.id})
            rstore.advance(rec, (dom.R_SENDING,), dom.R_UNKNOWN,
                           error="O envio foi interrompido; resultado desconhecido.")
