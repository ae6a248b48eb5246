"""An in-memory implementation of the campaign run's store operations (alrea.store.campaigns and
alrea.store.recipients, the names the run control, planner, sender and events use), for service unit tests.

tests/contract/test_campaign_store_contract.py runs one behaviour suite against this and DynamoDB-on-moto, so
a service test on this store tests the same state machine: conditional moves, the claim bound to the running
run, counters moving with the moves, the planner's cursor, the numbers' rings.
"""
from __future__ import annotations

import threading
import time
from collections import defaultdict
from dataclasses import replace
from typing import Any

from alrea.core.clock import iso, utcnow
from alrea.domain import campaigns as dom

TIMELINE_FIELDS = ("sent", "delivered", "read", "replied", "failed")
_SETTABLE = frozenset({"wamid", "error", "sent_at", "delivered_at", "read_at", "replied_at", "requeued"})


def minute_of(at_iso: str) -> str:
    return at_iso[:16]


class MemoryCampaignStore:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self.campaigns: dict[tuple[str, str], dom.Campaign] = {}
        self.recipients: dict[tuple[str, str], dict[str, dom.Recipient]] = defaultdict(dict)
        self.numbers: dict[tuple[str, str], dict[str, dom.NumberState]] = defaultdict(dict)
        self.minutes: dict[tuple[str, str], dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
        self.sticky: dict[tuple[str, str], str] = {}
        self.plan_leases: dict[tuple[str, str], float] = {}
        self.TIMELINE_FIELDS = TIMELINE_FIELDS
        self.minute_of = minute_of

    # ---------------------------------------------------------------- campaigns
    def create(self, c: dom.Campaign) -> dom.Campaign:
        with self._lock:
            if (c.tenant_id, c.id) in self.campaigns:
                raise ValueError("exists")
            self.campaigns[(c.tenant_id, c.id)] = c
            return c

    def get(self, tenant_id: str, cid: str, *, consistent: bool = True) -> dom.Campaign | None:
        return self.campaigns.get((tenant_id, cid))

    def _set(self, tenant_id: str, cid: str, when, **changes: Any) -> dom.Campaign | None:
        with self._lock:
            c = self.campaigns.get((tenant_id, cid))
            if c is None or not when(c):
                return None
            c = replace(c, **changes, updated_at=iso(utcnow()))
            self.campaigns[(tenant_id, cid)] = c
            return c

    def start_run(self, tenant_id: str, cid: str, run_id: str, started_at: str) -> dom.Campaign | None:
        return self._set(tenant_id, cid, lambda c: c.status in (dom.DRAFT, dom.SCHEDULED), status=dom.RUNNING,
                         run_id=run_id, plan_round=0, started_at=started_at)

    def pause(self, tenant_id: str, cid: str, reason: str | None, at: str) -> dom.Campaign | None:
        return self._set(tenant_id, cid, lambda c: c.status == dom.RUNNING, status=dom.PAUSED, paused_at=at,
                         failure_reason=reason)

    def resume(self, tenant_id: str, cid: str, run_id: str) -> dom.Campaign | None:
        return self._set(tenant_id, cid, lambda c: c.status == dom.PAUSED, status=dom.RUNNING, run_id=run_id,
                         plan_round=0, failure_reason=None)

    def rerun(self, tenant_id: str, cid: str, run_id: str) -> dom.Campaign | None:
        return self._set(tenant_id, cid, lambda c: c.status == dom.COMPLETED, status=dom.RUNNING, run_id=run_id,
                         plan_round=0, completed_at=None, failure_reason=None)

    def cancel(self, tenant_id: str, cid: str, at: str) -> dom.Campaign | None:
        return self._set(tenant_id, cid, lambda c: c.status in (dom.DRAFT, dom.SCHEDULED, dom.RUNNING, dom.PAUSED),
                         status=dom.CANCELLED, completed_at=at)

    def fail(self, tenant_id: str, cid: str, reason: str, *, only_from: str | None = None) -> dom.Campaign | None:
        return self._set(tenant_id, cid, lambda c: only_from is None or c.status == only_from, status=dom.FAILED,
                         failure_reason=reason)

    def complete_if_running(self, tenant_id: str, cid: str, at: str, *, settled: bool = True
                            ) -> dom.Campaign | None:
        def ok(c: dom.Campaign) -> bool:
            return c.status == dom.RUNNING and (not settled or all(
                int(c.counts.get(k) or 0) <= 0 for k in ("pending", "queued", "sending", "unknown")))

        return self._set(tenant_id, cid, ok, status=dom.COMPLETED, completed_at=at)

    def take_round(self, tenant_id: str, cid: str, run_id: str, round_: int, *, now: float, lease_s: float) -> bool:
        with self._lock:
            c = self.campaigns.get((tenant_id, cid))
            lease = self.plan_leases.get((tenant_id, cid))
            if c is None or c.run_id != run_id or c.status != dom.RUNNING:
                return False
            if not (c.plan_round < round_ or (c.plan_round == round_ and (lease is None or lease < now))):
                return False
            self.plan_leases[(tenant_id, cid)] = now + lease_s
            self._set(tenant_id, cid, lambda _c: True, plan_round=round_)
            return True

    def add_counters(self, tenant_id: str, cid: str, deltas: dict[str, int]) -> dom.Campaign | None:
        deltas = {k: v for k, v in deltas.items() if v}
        if not deltas:
            return None
        with self._lock:
            c = self.campaigns.get((tenant_id, cid))
            if c is None:
                return None
            counts = dict(c.counts)
            for k, v in deltas.items():
                counts[k] = int(counts.get(k) or 0) + v
            return self._set(tenant_id, cid, lambda _c: True, counts=counts)

    def set_counters(self, tenant_id: str, cid: str, counters: dict[str, int]) -> dom.Campaign | None:
        with self._lock:
            c = self.campaigns.get((tenant_id, cid))
            if c is None:
                return None
            counts = {**c.counts, **{k: v for k, v in counters.items() if k != "total"}}
            return self._set(tenant_id, cid, lambda _c: True, counts=counts)

    # ---------------------------------------------------------------- numbers, chart
    def number_states(self, tenant_id: str, cid: str) -> dict[str, dom.NumberState]:
        return {k: replace(v, recent=list(v.recent)) for k, v in self.numbers[(tenant_id, cid)].items()}

    def save_number_states(self, tenant_id: str, cid: str, states: list[dom.NumberState]) -> None:
        with self._lock:
            for s in states:
                old = self.numbers[(tenant_id, cid)].get(s.instance_id)
                keep = dict(after=s.after, after_run=s.after_run) if s.after and s.after_run else \
                    dict(after=None, after_run=None)
                self.numbers[(tenant_id, cid)][s.instance_id] = dom.NumberState(
                    s.instance_id, s.last_slot if s.last_slot is not None else (old.last_slot if old else None),
                    s.day or "", s.day_count, list(old.recent) if old else [], **keep,
                    halted=old.halted if old else None)

    def record_outcomes(self, tenant_id: str, cid: str, instance_id: str, outcomes: list[int]) -> list[int]:
        with self._lock:
            state = self.numbers[(tenant_id, cid)].setdefault(instance_id, dom.NumberState(instance_id))
            state.recent = (state.recent + [int(x) for x in outcomes])
            if len(state.recent) > 4 * dom.AUTO_PAUSE_WINDOW:
                state.recent = state.recent[-dom.AUTO_PAUSE_WINDOW:]
            return state.recent[-dom.AUTO_PAUSE_WINDOW:]

    def reset_numbers(self, tenant_id: str, cid: str, instance_ids: list[str], *, outcomes: bool = True) -> None:
        with self._lock:
            for iid in instance_ids:
                state = self.numbers[(tenant_id, cid)].setdefault(iid, dom.NumberState(iid))
                state.after = state.after_run = None
                if outcomes:
                    state.recent = []
                    state.halted = None

    def halt_number(self, tenant_id: str, cid: str, instance_id: str, reason: str) -> bool:
        with self._lock:
            state = self.numbers[(tenant_id, cid)].setdefault(instance_id, dom.NumberState(instance_id))
            if state.halted:
                return False
            state.halted = reason
            return True

    def timeline_add(self, tenant_id: str, cid: str, at_iso: str, deltas: dict[str, int]) -> None:
        with self._lock:
            bucket = self.minutes[(tenant_id, cid)][minute_of(at_iso)]
            for k, v in deltas.items():
                if k in TIMELINE_FIELDS and v > 0:
                    bucket[k] = bucket.get(k, 0) + v

    def timeline_add_many(self, tenant_id: str, cid: str, buckets: dict[str, dict[str, int]]) -> None:
        for minute, deltas in buckets.items():
            self.timeline_add(tenant_id, cid, minute, deltas)

    def timeline(self, tenant_id: str, cid: str) -> list[dict[str, Any]]:
        return [{"minute": m, **{k: int(b.get(k, 0)) for k in TIMELINE_FIELDS}}
                for m, b in sorted(self.minutes[(tenant_id, cid)].items()) if b]

    # ---------------------------------------------------------------- recipients
    def materialise(self, recipients) -> int:
        n = 0
        with self._lock:
            for r in recipients:
                self.recipients[(r.tenant_id, r.campaign_id)][r.phone] = replace(
                    r, status=dom.R_PENDING, updated_at=iso(utcnow()))
                n += 1
        return n

    def get_recipient(self, tenant_id: str, cid: str, phone: str) -> dom.Recipient | None:
        return self.recipients[(tenant_id, cid)].get(phone)

    def _move(self, r: dom.Recipient, old: str, new: str, fields: dict[str, Any], to_end: bool = False) -> bool:
        current = self.recipients[(r.tenant_id, r.campaign_id)].get(r.phone)
        if current is None or current.status != old:
            return False
        for name in fields:
            if name not in _SETTABLE:
                raise ValueError(f"not a recipient field a move may set: {name}")
        now = iso(utcnow())
        key = f"~{time.time_ns():020d}#{r.phone}" if to_end else None
        self.recipients[(r.tenant_id, r.campaign_id)][r.phone] = replace(current, status=new, updated_at=now,
                                                                          queue_key=key, **fields)
        return True

    def reassign(self, r: dom.Recipient, instance_id: str) -> bool:
        with self._lock:
            current = self.recipients[(r.tenant_id, r.campaign_id)].get(r.phone)
            if current is None or current.status != dom.R_PENDING or current.instance_id != r.instance_id:
                return False
            now = iso(utcnow())
            self.recipients[(r.tenant_id, r.campaign_id)][r.phone] = replace(
                current, instance_id=instance_id, queue_key=f"~{time.time_ns():020d}#{r.phone}", updated_at=now)
            return True

    def mark(self, r: dom.Recipient, old: str, new_status: str, **fields: Any) -> bool:
        with self._lock:
            return self._move(r, old, new_status, fields)

    def advance(self, r: dom.Recipient, olds: tuple[str, ...], new_status: str, *, to_end: bool = False,
                **fields: Any) -> str | None:
        with self._lock:
            if (r.tenant_id, r.campaign_id) not in self.campaigns:
                raise ValueError("no campaign")
            for previous in sorted(olds, key=lambda s: s != r.status):
                if self._move(r, previous, new_status, fields, to_end):
                    self.add_counters(r.tenant_id, r.campaign_id, dom.counter_deltas(previous, new_status))
                    return previous
            return None

    def claim_for_send(self, order: dom.SendOrder) -> str:
        with self._lock:
            current = self.recipients[(order.tenant_id, order.campaign_id)].get(order.phone)
            c = self.campaigns.get((order.tenant_id, order.campaign_id))
            # DynamoDB reports the recipient's failed condition first when both fail
            if current is None or current.status != dom.R_PENDING or current.instance_id != order.instance_id:
                return "recipient"
            if c is None or c.status != dom.RUNNING or c.run_id != order.run_id:
                return "campaign"
            now = iso(utcnow())
            self.recipients[(order.tenant_id, order.campaign_id)][order.phone] = replace(
                current, status=dom.R_SENDING, slot=order.slot, variant=order.variant, attempted_at=now,
                updated_at=now)
            self.add_counters(order.tenant_id, order.campaign_id, dom.counter_deltas(dom.R_PENDING, dom.R_SENDING))
            return "ok"

    def claim_many(self, orders: list[dom.SendOrder]) -> list[str]:
        with self._lock:
            results = ["recipient"] * len(orders)
            seen: set[str] = set()
            fresh = []
            for i, o in enumerate(orders):
                if o.phone not in seen:
                    seen.add(o.phone)
                    current = self.recipients[(o.tenant_id, o.campaign_id)].get(o.phone)
                    if current is not None and current.status == dom.R_PENDING \
                            and current.instance_id == o.instance_id:
                        fresh.append(i)
            if not fresh:
                return results
            head = orders[fresh[0]]
            c = self.campaigns.get((head.tenant_id, head.campaign_id))
            if c is None or c.status != dom.RUNNING or c.run_id != head.run_id:
                for i in fresh:
                    results[i] = "campaign"
                return results
            for i in fresh:
                results[i] = self.claim_for_send(orders[i])
            return results

    def settle_many(self, moves: list[tuple[dom.Recipient, str, str, dict[str, Any]]]) -> list[bool]:
        with self._lock:
            applied = []
            for r, old, new, fields in moves:
                ok = self._move(r, old, new, fields)
                if ok:
                    self.add_counters(r.tenant_id, r.campaign_id, dom.counter_deltas(old, new))
                applied.append(ok)
            return applied

    def by_status(self, tenant_id: str, cid: str, status: str, *, limit: int = 100) -> list[dom.Recipient]:
        found = [r for r in self.recipients[(tenant_id, cid)].values() if r.status == status]
        return sorted(found, key=lambda r: (r.instance_id, r.queue_key or r.phone))[:limit]

    def pending_after(self, tenant_id: str, cid: str, instance_id: str, after: str | None, *, limit: int
                      ) -> list[dom.Recipient]:
        found = [r for r in self.by_status(tenant_id, cid, dom.R_PENDING, limit=10**9)
                 if r.instance_id == instance_id and (after is None or (r.queue_key or r.phone) > after)]
        return found[:limit]

    def any_in(self, tenant_id: str, cid: str, status: str) -> bool:
        return bool(self.by_status(tenant_id, cid, status, limit=1))

    def iter_all(self, tenant_id: str, cid: str, *, page_size: int = 500):
        return iter(sorted(self.recipients[(tenant_id, cid)].values(), key=lambda r: r.phone))

    def set_sticky(self, tenant_id: str, phone: str, instance_id: str) -> None:
        self.sticky.setdefault((tenant_id, phone), instance_id)

    def set_sticky_many(self, tenant_id: str, pairs: list[tuple[str, str]]) -> None:
        for phone, instance_id in pairs:
            self.sticky[(tenant_id, phone)] = instance_id

    def sticky_of(self, tenant_id: str, phones: list[str]) -> dict[str, str]:
        return {p: self.sticky[(tenant_id, p)] for p in phones if (tenant_id, p) in self.sticky}


def recipients_view(memory: MemoryCampaignStore) -> Any:
    """The recipients module's names over the same memory (``get`` there is a recipient's)."""
    from types import SimpleNamespace

    names = ("materialise", "mark", "advance", "claim_for_send", "claim_many", "settle_many", "by_status",
             "pending_after", "any_in", "reassign",
             "iter_all", "set_sticky", "set_sticky_many", "sticky_of")
    return SimpleNamespace(**{n: getattr(memory, n) for n in names}, get=memory.get_recipient)
