"""Campaigns: ``pk=T#<tid>  sk=CAMP#<cid>`` and their side items.

- counters are top-level numbers (``c_<name>``) moved by atomic ADDs; an ADD returns the new values, which
  feed the progress push without another read.
- scheduled campaigns carry a sparse due index: ``gsi5pk=DUE#CAMPAIGN  gsi5sk=<schedule_at>#<tid>#<cid>``
  (removed when they start), read by the scheduler with one Query (no Scan).
- per number of a campaign: ``pk=T#<tid>#CAMP#<cid>  sk=NUM#<instance_id>`` (last planned slot, today's count,
  the last recipient planned in this run — the planner's cursor —, the ring of recent outcomes that drives
  auto-pause, appended once per sender batch).
- live chart: ``pk=T#<tid>#CAMP#<cid>  sk=TL#<minute>`` with one ADD per minute touched by a sender batch or
  an event.

Operations answer domain types (alrea.domain.campaigns.Campaign); no item class leaves this module.
- monthly usage: ``pk=T#<tid>  sk=CAMPMONTH#<yyyy-mm>``, a conditional ADD at a campaign's first start.
- opt-out settings: ``pk=T#<tid>  sk=CAMPCFG``.
"""
from __future__ import annotations

from typing import Any

from pynamodb.attributes import JSONAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from alrea.core.clock import iso, utcnow
from alrea.domain import campaigns as dom
from alrea.store import paging
from alrea.store.cache import TtlCache
from alrea.store.base import Gsi5, Item, condition_failed, update_if
from alrea.store.paging import Page
from alrea.store.keys import child_pk, tenant_pk

DUE_PK = "DUE#CAMPAIGN"


def campaign_sk(cid: str) -> str:
    return f"CAMP#{cid}"


def campaign_pk(tenant_id: str, cid: str) -> str:
    """The partition of a campaign's own items: recipients, numbers, timeline."""
    return child_pk(tenant_id, "CAMP", cid)


def due_sk(schedule_at: str, tenant_id: str, cid: str) -> str:
    return f"{schedule_at}#{tenant_id}#{cid}"


class CampaignItem(Item):
    gsi5 = Gsi5()
    gsi5pk = UnicodeAttribute(null=True)
    gsi5sk = UnicodeAttribute(null=True)

    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    name = UnicodeAttribute()
    status = UnicodeAttribute(default=dom.DRAFT)
    failure_reason = UnicodeAttribute(null=True)
    variants = JSONAttribute(default=list)
    audience = JSONAttribute(default=dict)
    instance_ids = ListAttribute(default=list)
    pacing = JSONAttribute(default=dict)
    schedule_at = UnicodeAttribute(null=True)
    reply_window_h = NumberAttribute(default=72)
    run_id = UnicodeAttribute(null=True)
    plan_round = NumberAttribute(default=0)
    plan_lease = NumberAttribute(null=True)  # epoch s: the round's planner holds it until then
    timezone = UnicodeAttribute(null=True)
    counted_month = UnicodeAttribute(null=True)
    created_by = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)
    started_at = UnicodeAttribute(null=True)
    completed_at = UnicodeAttribute(null=True)
    paused_at = UnicodeAttribute(null=True)
    c_total = NumberAttribute(default=0)
    c_pending = NumberAttribute(default=0)
    c_queued = NumberAttribute(default=0)
    c_sending = NumberAttribute(default=0)
    c_unknown = NumberAttribute(default=0)
    c_sent = NumberAttribute(default=0)
    c_delivered = NumberAttribute(default=0)
    c_read = NumberAttribute(default=0)
    c_replied = NumberAttribute(default=0)
    c_failed = NumberAttribute(default=0)
    c_skipped = NumberAttribute(default=0)
    c_opted_out = NumberAttribute(default=0)

    def counters(self) -> dict[str, int]:
        return {name: max(0, int(getattr(self, f"c_{name}") or 0)) for name in dom.COUNTERS}


def counter_attr(name: str) -> NumberAttribute:
    return getattr(CampaignItem, f"c_{name}")


class NumberStateItem(Item):
    instance_id = UnicodeAttribute()
    last_slot = NumberAttribute(null=True)
    day = UnicodeAttribute(null=True)
    day_count = NumberAttribute(default=0)
    recent = ListAttribute(of=NumberAttribute, default=list)
    after = UnicodeAttribute(null=True)
    after_run = UnicodeAttribute(null=True)
    halted = UnicodeAttribute(null=True)

    def state(self) -> dom.NumberState:
        return dom.NumberState(self.instance_id, float(self.last_slot) if self.last_slot is not None else None,
                               self.day, int(self.day_count or 0), [int(x) for x in (self.recent or [])],
                               self.after, self.after_run, self.halted)


class TimelineItem(Item):
    minute = UnicodeAttribute()
    sent = NumberAttribute(default=0)
    delivered = NumberAttribute(default=0)
    read = NumberAttribute(default=0)
    replied = NumberAttribute(default=0)
    failed = NumberAttribute(default=0)


TIMELINE_FIELDS = ("sent", "delivered", "read", "replied", "failed")


class MonthCounterItem(Item):
    count = NumberAttribute(default=0)


class SettingsItem(Item):
    opt_out_keywords = ListAttribute(default=list)
    opt_out_confirmation = UnicodeAttribute(null=True)


# ---------------------------------------------------------------- campaign
_FIELDS = ("id", "tenant_id", "name", "status", "created_at", "failure_reason", "variants", "audience",
           "instance_ids", "pacing", "schedule_at", "reply_window_h", "run_id", "plan_round", "timezone",
           "counted_month", "created_by", "updated_at", "started_at", "completed_at", "paused_at")


def _domain(item: CampaignItem) -> dom.Campaign:
    values = {f: getattr(item, f) for f in _FIELDS}
    values.update(variants=list(item.variants or []), audience=dict(item.audience or {}),
                  instance_ids=list(item.instance_ids or []), pacing=dict(item.pacing or {}),
                  reply_window_h=int(item.reply_window_h or 0), plan_round=int(item.plan_round or 0),
                  counts=item.counters())
    return dom.Campaign(**values)


def key_item(tenant_id: str, cid: str) -> CampaignItem:
    return CampaignItem(tenant_pk(tenant_id), campaign_sk(cid))


def create(c: dom.Campaign) -> dom.Campaign:
    item = CampaignItem(tenant_pk(c.tenant_id), campaign_sk(c.id), entity="campaign",
                        **{f: getattr(c, f) for f in _FIELDS})
    item.save(condition=CampaignItem.pk.does_not_exist())
    return _domain(item)


def get(tenant_id: str, cid: str, *, consistent: bool = True) -> dom.Campaign | None:
    try:
        return _domain(CampaignItem.get(tenant_pk(tenant_id), campaign_sk(cid), consistent_read=consistent))
    except DoesNotExist:
        return None


def get_many(tenant_id: str, cids: list[str]) -> dict[str, dom.Campaign]:
    """campaign id -> campaign, one BatchGetItem (eventually consistent) for up to 100 ids."""
    keys = [(tenant_pk(tenant_id), campaign_sk(c)) for c in dict.fromkeys(cids)]
    return {item.id: _domain(item) for item in CampaignItem.batch_get(keys)} if keys else {}


def list_all(tenant_id: str) -> list[dom.Campaign]:
    """Every campaign of the tenant, newest first (a tenant's campaigns are bounded by its monthly plan)."""
    items = [_domain(i) for i in CampaignItem.query(tenant_pk(tenant_id), CampaignItem.sk.startswith("CAMP#"))]
    return sorted(items, key=lambda c: (c.created_at, c.id), reverse=True)


def list_page(tenant_id: str, cursor: str | None, limit: int) -> Page[dom.Campaign]:
    """A page of the tenant's campaigns, newest first. The partition is read whole and sorted (campaigns are
    few: the plan caps them per month); the cursor is the (created_at, id) the page ended at."""
    query = paging.Query(tenant_id, "campaigns")
    after = paging.decode(query, cursor)
    items = list_all(tenant_id)
    if after:
        bound = (str(after[0]), str(after[1]))
        items = [c for c in items if (c.created_at, c.id) < bound]
    page = items[:limit]
    last = [page[-1].created_at, page[-1].id] if len(items) > limit else None
    return Page(page, paging.encode(query, last))


def _update(tenant_id: str, cid: str, actions: list[Action], condition: Condition | None = None
            ) -> dom.Campaign | None:
    """Conditional update; the campaign after it, or None when it does not exist or the condition failed."""
    item = key_item(tenant_id, cid)
    cond = CampaignItem.pk.exists()
    if condition is not None:
        cond = cond & condition
    return _domain(item) if update_if(item, [*actions, CampaignItem.updated_at.set(iso(utcnow()))], cond) else None


_EDITABLE_FIELDS = ("name", "variants", "audience", "instance_ids", "pacing", "reply_window_h")


def edit(tenant_id: str, cid: str, changes: dict[str, Any], *, schedule: tuple[str | None] | None = None
         ) -> dom.Campaign | None:
    """Change a draft or scheduled campaign. ``schedule=(at,)`` sets (or with None clears) the schedule: a
    scheduled campaign moves on the due index, or back to draft when cleared. None if no longer editable."""
    C = CampaignItem
    actions: list[Action] = [getattr(C, k).set(v) for k, v in changes.items() if k in _EDITABLE_FIELDS]
    if schedule is not None:
        at = schedule[0]
        actions.append(C.schedule_at.set(at) if at else C.schedule_at.remove())
        current = get(tenant_id, cid)
        if current is not None and current.status == dom.SCHEDULED:
            actions += ([C.status.set(dom.DRAFT), C.gsi5pk.remove(), C.gsi5sk.remove()] if at is None
                        else [C.gsi5sk.set(due_sk(at, tenant_id, cid))])
    return _update(tenant_id, cid, actions, C.status.is_in(*dom.EDITABLE))


def schedule(tenant_id: str, cid: str, at: str, audience: dict[str, Any]) -> dom.Campaign | None:
    """draft → scheduled, on the due index at ``at``."""
    C = CampaignItem
    return _update(tenant_id, cid, [C.status.set(dom.SCHEDULED), C.gsi5pk.set(DUE_PK),
                                    C.gsi5sk.set(due_sk(at, tenant_id, cid)), C.audience.set(audience)],
                   C.status == dom.DRAFT)


def mark_counted(tenant_id: str, cid: str, month: str) -> None:
    _update(tenant_id, cid, [CampaignItem.counted_month.set(month)])


def start_run(tenant_id: str, cid: str, run_id: str, started_at: str) -> dom.Campaign | None:
    """draft/scheduled → running with a new run (off the due index). None if it was not startable."""
    C = CampaignItem
    return _update(tenant_id, cid, [C.status.set(dom.RUNNING), C.run_id.set(run_id), C.plan_round.set(0),
                                    C.started_at.set(started_at), C.gsi5pk.remove(), C.gsi5sk.remove()],
                   C.status.is_in(dom.DRAFT, dom.SCHEDULED))


def fail(tenant_id: str, cid: str, reason: str, *, only_from: str | None = None) -> dom.Campaign | None:
    C = CampaignItem
    return _update(tenant_id, cid, [C.status.set(dom.FAILED), C.failure_reason.set(reason), C.gsi5pk.remove(),
                                    C.gsi5sk.remove()], (C.status == only_from) if only_from else None)


def pause(tenant_id: str, cid: str, reason: str | None, at: str) -> dom.Campaign | None:
    """running → paused (with the reason shown to the user). None if it was not running."""
    C = CampaignItem
    return _update(tenant_id, cid, [C.status.set(dom.PAUSED), C.paused_at.set(at),
                                    C.failure_reason.set(reason) if reason else C.failure_reason.remove()],
                   C.status == dom.RUNNING)


def resume(tenant_id: str, cid: str, run_id: str) -> dom.Campaign | None:
    """paused → running with a new run: every send message of the old run is stale from here on."""
    C = CampaignItem
    return _update(tenant_id, cid, [C.status.set(dom.RUNNING), C.run_id.set(run_id), C.plan_round.set(0),
                                    C.failure_reason.remove()], C.status == dom.PAUSED)


def rerun(tenant_id: str, cid: str, run_id: str) -> dom.Campaign | None:
    """completed → running with a new run (a person sends the uncertain recipients again)."""
    C = CampaignItem
    return _update(tenant_id, cid, [C.status.set(dom.RUNNING), C.run_id.set(run_id), C.plan_round.set(0),
                                    C.completed_at.remove(), C.failure_reason.remove()], C.status == dom.COMPLETED)


def cancel(tenant_id: str, cid: str, at: str) -> dom.Campaign | None:
    C = CampaignItem
    return _update(tenant_id, cid, [C.status.set(dom.CANCELLED), C.completed_at.set(at), C.gsi5pk.remove(),
                                    C.gsi5sk.remove()],
                   C.status.is_in(dom.DRAFT, dom.SCHEDULED, dom.RUNNING, dom.PAUSED))


def complete_if_running(tenant_id: str, cid: str, at: str, *, settled: bool = True) -> dom.Campaign | None:
    """running → completed. With ``settled`` only when the counters agree nothing is in flight (the senders
    flush their outcome counters per batch, a moment after the recipients moved)."""
    C = CampaignItem
    cond = C.status == dom.RUNNING
    if settled:
        for name in ("pending", "queued", "sending", "unknown"):
            attr = counter_attr(name)
            cond = cond & (attr.does_not_exist() | (attr <= 0))
    return _update(tenant_id, cid, [C.status.set(dom.COMPLETED), C.completed_at.set(at)], cond)


def set_counters(tenant_id: str, cid: str, counters: dict[str, int]) -> dom.Campaign | None:
    """Overwrite the counters (a recount from the recipients, after a sender died between an outcome and its
    batch's counter flush)."""
    return _update(tenant_id, cid, [counter_attr(k).set(v) for k, v in counters.items() if k != "total"])


def take_round(tenant_id: str, cid: str, run_id: str, round_: int, *, now: float, lease_s: float) -> bool:
    """The planner takes a round of the current run: a newer round, or the same round whose lease lapsed
    (its planner crashed). A duplicate plan message within the lease gets False."""
    C = CampaignItem
    cond = (C.run_id == run_id) & (C.status == dom.RUNNING) & (
        (C.plan_round < round_) | ((C.plan_round == round_) & (C.plan_lease.does_not_exist() | (C.plan_lease < now))))
    return _update(tenant_id, cid, [C.plan_round.set(round_), C.plan_lease.set(now + lease_s)], cond) is not None


def add_counters(tenant_id: str, cid: str, deltas: dict[str, int]) -> dom.Campaign | None:
    deltas = {k: v for k, v in deltas.items() if v}
    if not deltas:
        return None
    return _update(tenant_id, cid, [counter_attr(k).add(v) for k, v in deltas.items()])


def delete_draft(tenant_id: str, cid: str) -> bool:
    try:
        key_item(tenant_id, cid).delete(condition=CampaignItem.pk.exists() & (CampaignItem.status == dom.DRAFT))
    except Exception as exc:  # noqa: BLE001 - DeleteError carries the cause code
        if condition_failed(exc):
            return False
        raise
    return True


def due(now_iso: str, *, limit: int = 50) -> list[dom.Campaign]:
    """Scheduled campaigns whose time has come, oldest first (sparse index: only scheduled ones are in it)."""
    return [_domain(i) for i in CampaignItem.gsi5.query(DUE_PK, CampaignItem.gsi5sk <= now_iso + "#~", limit=limit)]


# ---------------------------------------------------------------- numbers
def number_states(tenant_id: str, cid: str) -> dict[str, dom.NumberState]:
    items = NumberStateItem.query(campaign_pk(tenant_id, cid), NumberStateItem.sk.startswith("NUM#"),
                                  consistent_read=True)
    return {i.instance_id: i.state() for i in items}


def save_number_states(tenant_id: str, cid: str, states: list[dom.NumberState]) -> None:
    """The planner's per-number state after a round: last slot, today's count, the last recipient planned."""
    N = NumberStateItem
    for state in states:
        item = N(campaign_pk(tenant_id, cid), f"NUM#{state.instance_id}")
        actions = [N.entity.set("campaign_number"), N.instance_id.set(state.instance_id),
                   N.day.set(state.day or ""), N.day_count.set(state.day_count)]
        if state.last_slot is not None:
            actions.append(N.last_slot.set(state.last_slot))
        if state.after and state.after_run:
            actions += [N.after.set(state.after), N.after_run.set(state.after_run)]
        else:
            actions += [N.after.remove(), N.after_run.remove()]
        item.update(actions=actions)


def record_outcomes(tenant_id: str, cid: str, instance_id: str, outcomes: list[int]) -> list[int]:
    """Append a batch of outcomes (1 = failure) to the number's ring in one write; answers the recent window."""
    N = NumberStateItem
    item = N(campaign_pk(tenant_id, cid), f"NUM#{instance_id}")
    item.update(actions=[N.entity.set("campaign_number"), N.instance_id.set(instance_id),
                         N.recent.set((N.recent | []).append(list(outcomes)))])
    recent = [int(x) for x in (item.recent or [])]
    if len(recent) > 4 * dom.AUTO_PAUSE_WINDOW:  # keep it small: rewrite the tail now and then
        item.update(actions=[N.recent.set(recent[-dom.AUTO_PAUSE_WINDOW:])])
    return recent[-dom.AUTO_PAUSE_WINDOW:]


def halt_number(tenant_id: str, cid: str, instance_id: str, reason: str) -> bool:
    """The number leaves the campaign (disconnected, too many failures): the planner gives it nothing more.
    False when it had already left."""
    N = NumberStateItem
    return update_if(N(campaign_pk(tenant_id, cid), f"NUM#{instance_id}"),
                     [N.entity.set("campaign_number"), N.instance_id.set(instance_id), N.halted.set(reason)],
                     N.halted.does_not_exist())


def reset_numbers(tenant_id: str, cid: str, instance_ids: list[str], *, outcomes: bool = True) -> None:
    """Plan the numbers' pending recipients again from the start (and, with ``outcomes``, forget the numbers'
    recent failures and bring back the numbers that left: a resume). A new run ignores an older run's cursor
    on its own (it is bound to its run)."""
    N = NumberStateItem
    for iid in instance_ids:
        actions = [N.instance_id.set(iid), N.after.remove(), N.after_run.remove()]
        if outcomes:
            actions += [N.recent.set([]), N.halted.remove()]
        N(campaign_pk(tenant_id, cid), f"NUM#{iid}").update(actions=actions)


# ---------------------------------------------------------------- timeline
def minute_of(at_iso: str) -> str:
    return at_iso[:16]  # 2026-11-28T22:31


def timeline_add(tenant_id: str, cid: str, at_iso: str, deltas: dict[str, int]) -> None:
    fields = {k: v for k, v in deltas.items() if k in TIMELINE_FIELDS and v > 0}
    if not fields:
        return
    minute = minute_of(at_iso)
    item = TimelineItem(campaign_pk(tenant_id, cid), f"TL#{minute}")
    item.update(actions=[TimelineItem.entity.set("campaign_minute"), TimelineItem.minute.set(minute),
                         *[getattr(TimelineItem, k).add(v) for k, v in fields.items()]])


def timeline_add_many(tenant_id: str, cid: str, buckets: dict[str, dict[str, int]]) -> None:
    """Several minutes' deltas (minute → field → delta): one write per minute touched."""
    for minute, deltas in buckets.items():
        timeline_add(tenant_id, cid, minute, deltas)


def timeline(tenant_id: str, cid: str) -> list[dict[str, Any]]:
    items = TimelineItem.query(campaign_pk(tenant_id, cid), TimelineItem.sk.startswith("TL#"))
    return [{"minute": i.minute, **{k: int(getattr(i, k) or 0) for k in TIMELINE_FIELDS}} for i in items]


# ---------------------------------------------------------------- monthly usage
def count_start(tenant_id: str, month: str, limit: int) -> bool:
    """One more campaign this month, unless the plan's limit is reached (atomic)."""
    M = MonthCounterItem
    item = M(tenant_pk(tenant_id), f"CAMPMONTH#{month}")
    return update_if(item, [M.entity.set("campaign_month"), M.count.add(1)],
                     M.count.does_not_exist() | (M.count < limit))


def month_count(tenant_id: str, month: str) -> int:
    try:
        return int(MonthCounterItem.get(tenant_pk(tenant_id), f"CAMPMONTH#{month}").count or 0)
    except DoesNotExist:
        return 0


# ---------------------------------------------------------------- settings
# Every inbound 1:1 message checks the tenant's opt-out keywords: a warm container keeps them for
# SETTINGS_TTL_S (at most 4,096 tenants). A change applies at once in the process that saved it and within
# that time elsewhere.
SETTINGS_TTL_S = 60.0
_SETTINGS = TtlCache(ttl_s=SETTINGS_TTL_S, max_items=4096)


def _read_settings(tenant_id: str) -> tuple[list[str], str]:
    try:
        item = SettingsItem.get(tenant_pk(tenant_id), "CAMPCFG")
    except DoesNotExist:
        return list(dom.DEFAULT_OPT_OUT_KEYWORDS), dom.DEFAULT_OPT_OUT_CONFIRMATION
    return (list(item.opt_out_keywords or dom.DEFAULT_OPT_OUT_KEYWORDS),
            item.opt_out_confirmation or dom.DEFAULT_OPT_OUT_CONFIRMATION)


def settings(tenant_id: str) -> tuple[list[str], str]:
    """The tenant's opt-out keywords and confirmation text (cached, see SETTINGS_TTL_S)."""
    keywords, confirmation = _SETTINGS.get(tenant_id, lambda: _read_settings(tenant_id))
    return list(keywords), confirmation


def save_settings(tenant_id: str, keywords: list[str], confirmation: str) -> None:
    SettingsItem(tenant_pk(tenant_id), "CAMPCFG", entity="campaign_settings", opt_out_keywords=keywords,
                 opt_out_confirmation=confirmation).save()
    _SETTINGS.forget(tenant_id)
