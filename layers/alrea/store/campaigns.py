"""Campaigns: ``pk=T#<tid>  sk=CAMP#<cid>`` and their side items.

- counters are top-level numbers (``c_<name>``) moved by atomic ADDs; an ADD returns the new values, which
  feed the progress push without another read.
- scheduled campaigns carry a sparse due index: ``gsi5pk=DUE#CAMPAIGN  gsi5sk=<schedule_at>#<tid>#<cid>``
  (removed when they start), read by the scheduler with one Query (no Scan).
- per number of a campaign: ``pk=T#<tid>#CAMP#<cid>  sk=NUM#<instance_id>`` (last planned slot, today's count,
  the ring of recent outcomes that drives auto-pause).
- live chart: ``pk=T#<tid>#CAMP#<cid>  sk=TL#<minute>`` with one ADD per event.
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
from alrea.store.base import Gsi5, Item, condition_failed, update_if
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

    def state(self) -> dom.NumberState:
        return dom.NumberState(self.instance_id, float(self.last_slot) if self.last_slot is not None else None,
                               self.day, int(self.day_count or 0), [int(x) for x in (self.recent or [])])


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
def key_item(tenant_id: str, cid: str) -> CampaignItem:
    return CampaignItem(tenant_pk(tenant_id), campaign_sk(cid))


def create(item: CampaignItem) -> CampaignItem:
    item.save(condition=CampaignItem.pk.does_not_exist())
    return item


def get(tenant_id: str, cid: str, *, consistent: bool = True) -> CampaignItem | None:
    try:
        return CampaignItem.get(tenant_pk(tenant_id), campaign_sk(cid), consistent_read=consistent)
    except DoesNotExist:
        return None


def get_many(tenant_id: str, cids: list[str]) -> dict[str, CampaignItem]:
    """campaign id -> item, one BatchGetItem (eventually consistent) for up to 100 ids."""
    keys = [(tenant_pk(tenant_id), campaign_sk(c)) for c in dict.fromkeys(cids)]
    return {item.id: item for item in CampaignItem.batch_get(keys)} if keys else {}


def list_all(tenant_id: str) -> list[CampaignItem]:
    items = list(CampaignItem.query(tenant_pk(tenant_id), CampaignItem.sk.startswith("CAMP#")))
    return sorted(items, key=lambda c: c.created_at, reverse=True)


def update(tenant_id: str, cid: str, actions: list[Action], condition: Condition | None = None
           ) -> CampaignItem | None:
    """Conditional update; None when the campaign does not exist or the condition failed."""
    item = key_item(tenant_id, cid)
    cond = CampaignItem.pk.exists()
    if condition is not None:
        cond = cond & condition
    return item if update_if(item, [*actions, CampaignItem.updated_at.set(iso(utcnow()))], cond) else None


def take_round(tenant_id: str, cid: str, run_id: str, round_: int, *, now: float, lease_s: float) -> bool:
    """The planner takes a round of the current run: a newer round, or the same round whose lease lapsed
    (its planner crashed). A duplicate plan message within the lease gets False."""
    C = CampaignItem
    cond = (C.run_id == run_id) & (C.status == dom.RUNNING) & (
        (C.plan_round < round_) | ((C.plan_round == round_) & (C.plan_lease.does_not_exist() | (C.plan_lease < now))))
    return update(tenant_id, cid, [C.plan_round.set(round_), C.plan_lease.set(now + lease_s)], cond) is not None


def add_counters(tenant_id: str, cid: str, deltas: dict[str, int]) -> CampaignItem | None:
    if not deltas:
        return None
    return update(tenant_id, cid, [counter_attr(k).add(v) for k, v in deltas.items()])


def delete(tenant_id: str, cid: str, condition: Condition) -> bool:
    try:
        key_item(tenant_id, cid).delete(condition=CampaignItem.pk.exists() & condition)
    except Exception as exc:  # noqa: BLE001 - DeleteError carries the cause code
        if condition_failed(exc):
            return False
        raise
    return True


def due(now_iso: str, *, limit: int = 50) -> list[CampaignItem]:
    """Scheduled campaigns whose time has come, oldest first (sparse index: only scheduled ones are in it)."""
    return list(CampaignItem.gsi5.query(DUE_PK, CampaignItem.gsi5sk <= now_iso + "#~", limit=limit))


# ---------------------------------------------------------------- numbers
def number_states(tenant_id: str, cid: str) -> dict[str, dom.NumberState]:
    items = NumberStateItem.query(campaign_pk(tenant_id, cid), NumberStateItem.sk.startswith("NUM#"),
                                  consistent_read=True)
    return {i.instance_id: i.state() for i in items}


def save_number_state(tenant_id: str, cid: str, state: dom.NumberState) -> None:
    N = NumberStateItem
    item = N(campaign_pk(tenant_id, cid), f"NUM#{state.instance_id}")
    actions = [N.entity.set("campaign_number"), N.instance_id.set(state.instance_id),
               N.day.set(state.day or ""), N.day_count.set(state.day_count)]
    if state.last_slot is not None:
        actions.append(N.last_slot.set(state.last_slot))
    item.update(actions=actions)


def record_outcome(tenant_id: str, cid: str, instance_id: str, failed: bool) -> list[int]:
    """Append one outcome to the number's ring (list_append, trimmed by the reader); answers the ring."""
    N = NumberStateItem
    item = N(campaign_pk(tenant_id, cid), f"NUM#{instance_id}")
    item.update(actions=[N.entity.set("campaign_number"), N.instance_id.set(instance_id),
                         N.recent.set((N.recent | []).append([1 if failed else 0]))])
    recent = [int(x) for x in (item.recent or [])]
    if len(recent) > 4 * dom.AUTO_PAUSE_WINDOW:  # keep it small: rewrite the tail now and then
        item.update(actions=[N.recent.set(recent[-dom.AUTO_PAUSE_WINDOW:])])
    return recent[-dom.AUTO_PAUSE_WINDOW:]


def reset_outcomes(tenant_id: str, cid: str, instance_ids: list[str]) -> None:
    N = NumberStateItem
    for iid in instance_ids:
        N(campaign_pk(tenant_id, cid), f"NUM#{iid}").update(actions=[N.recent.set([]),
                                                                     N.instance_id.set(iid)])


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
def settings(tenant_id: str) -> tuple[list[str], str]:
    try:
        item = SettingsItem.get(tenant_pk(tenant_id), "CAMPCFG")
    except DoesNotExist:
        return list(dom.DEFAULT_OPT_OUT_KEYWORDS), dom.DEFAULT_OPT_OUT_CONFIRMATION
    return (list(item.opt_out_keywords or dom.DEFAULT_OPT_OUT_KEYWORDS),
            item.opt_out_confirmation or dom.DEFAULT_OPT_OUT_CONFIRMATION)


def save_settings(tenant_id: str, keywords: list[str], confirmation: str) -> None:
    SettingsItem(tenant_pk(tenant_id), "CAMPCFG", entity="campaign_settings", opt_out_keywords=keywords,
                 opt_out_confirmation=confirmation).save()
