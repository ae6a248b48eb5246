"""Report counters (domain/reports.py): daily buckets and gauges, written with atomic ADDs as events happen.

- bucket ``pk=T#<tid>#STATS  sk=D#<yyyy-mm-dd>#<scope>`` — counters (ADD) and the day's first samples of
  first-response and resolution times (list_append while under the cap). A week of every scope is ONE Query
  (``sk BETWEEN D#<first day> AND D#<last day>~``): 7 × (1 + departments + attendants + numbers) items, never
  the conversations or messages.
- gauge ``pk=T#<tid>#STATS  sk=G#<scope>`` — ``waiting`` (conversations waiting for an answer now: +1 when a
  customer starts waiting, -1 when answered).
- connection log ``pk=T#<tid>#STATS  sk=C#<instance>`` — a number's last connection changes (capped list).
Items expire (TTL) 400 days after their day.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from pynamodb.attributes import ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.expressions.condition import size

from alrea.domain.reports import COUNTERS, SAMPLES_CAP, Bucket, Gauge
from alrea.store.base import Item, update_if
from alrea.store.keys import child_pk

KEEP_DAYS = 400
CONNECTION_LOG_CAP = 30


def stats_pk(tenant_id: str) -> str:
    return child_pk(tenant_id, "STATS", "ALL")


class StatsItem(Item):
    day = UnicodeAttribute(null=True)
    scope = UnicodeAttribute(null=True)
    frt_samples = ListAttribute(of=NumberAttribute, null=True)
    res_samples = ListAttribute(of=NumberAttribute, null=True)
    waiting = NumberAttribute(null=True)
    connections = ListAttribute(of=MapAttribute, null=True)
    # the counters of domain.reports.COUNTERS
    conv_opened = NumberAttribute(null=True)
    conv_closed = NumberAttribute(null=True)
    msgs_in = NumberAttribute(null=True)
    msgs_out = NumberAttribute(null=True)
    mood_pos = NumberAttribute(null=True)
    mood_neu = NumberAttribute(null=True)
    mood_neg = NumberAttribute(null=True)
    frt_sum = NumberAttribute(null=True)
    frt_n = NumberAttribute(null=True)
    res_sum = NumberAttribute(null=True)
    res_n = NumberAttribute(null=True)
    sent = NumberAttribute(null=True)
    delivered = NumberAttribute(null=True)
    read = NumberAttribute(null=True)
    failed = NumberAttribute(null=True)
    replied = NumberAttribute(null=True)


def _ttl(day: str) -> int:
    d = datetime.fromisoformat(day).replace(tzinfo=timezone.utc)
    return int((d + timedelta(days=KEEP_DAYS)).timestamp())


def add(tenant_id: str, day: str, scopes: list[str], counts: dict[str, int],
        samples: dict[str, int] | None = None) -> dict[str, int]:
    """ADD ``counts`` to the day's bucket of each scope (one UpdateItem each); ``samples`` (``frt`` / ``res``
    seconds) are appended while the bucket holds fewer than the cap, their sum and count always ADDed.
    Answers the last scope's counters after the update (the UpdateItem returns them: no read)."""
    counts = {k: v for k, v in counts.items() if v}
    for kind, seconds in (samples or {}).items():
        counts[f"{kind}_sum"] = counts.get(f"{kind}_sum", 0) + int(seconds)
        counts[f"{kind}_n"] = counts.get(f"{kind}_n", 0) + 1
    for scope in dict.fromkeys(scopes):
        item = StatsItem(stats_pk(tenant_id), f"D#{day}#{scope}")
        S = StatsItem
        base = [S.day.set(day), S.scope.set(scope), S.ttl.set(_ttl(day))]
        base += [getattr(S, name).add(value) for name, value in counts.items()]
        appended = []
        condition = None
        for kind, seconds in (samples or {}).items():
            attr = getattr(S, f"{kind}_samples")
            appended.append(attr.set((attr | []).append([int(seconds)])))  # if_not_exists(…, []) + [s]
            under = attr.does_not_exist() | (size(attr) < SAMPLES_CAP)
            condition = under if condition is None else condition & under
        if not (appended and update_if(item, base + appended, condition)):
            item.update(actions=base)
    return {name: int(getattr(item, name) or 0) for name in COUNTERS} if scopes else {}


def add_gauge(tenant_id: str, scopes: list[str], delta: int) -> None:
    for scope in dict.fromkeys(scopes):
        item = StatsItem(stats_pk(tenant_id), f"G#{scope}")
        item.update(actions=[StatsItem.scope.set(scope), StatsItem.waiting.add(delta)])


def week(tenant_id: str, first_day: str, last_day: str) -> list[Bucket]:
    """Every scope's buckets from ``first_day`` to ``last_day`` (one Query)."""
    S = StatsItem
    found = []
    for item in S.query(stats_pk(tenant_id), S.sk.between(f"D#{first_day}", f"D#{last_day}~")):
        counters = {name: int(getattr(item, name) or 0) for name in COUNTERS if getattr(item, name, None)}
        found.append(Bucket(day=item.day or item.sk[2:12], scope=item.scope or "", counters=counters,
                            frt_samples=tuple(int(x) for x in item.frt_samples or ()),
                            res_samples=tuple(int(x) for x in item.res_samples or ())))
    return found


def gauges(tenant_id: str) -> list[Gauge]:
    S = StatsItem
    return [Gauge(scope=i.scope or i.sk[2:], waiting=int(i.waiting or 0))
            for i in S.query(stats_pk(tenant_id), S.sk.startswith("G#"))]


def log_connection(tenant_id: str, instance_id: str, entry: dict[str, Any]) -> None:
    S = StatsItem
    item = StatsItem(stats_pk(tenant_id), f"C#{instance_id}")
    item.update(actions=[S.scope.set(f"num:{instance_id}"), S.connections.set((S.connections | []).append([entry]))])
    fresh = S.get(stats_pk(tenant_id), f"C#{instance_id}")
    if len(fresh.connections or []) > CONNECTION_LOG_CAP:  # keep the newest: drop the oldest ones
        update_if(item, [S.connections.remove_indexes(*range(len(fresh.connections) - CONNECTION_LOG_CAP))])


def connections(tenant_id: str, instance_id: str) -> list[dict[str, Any]]:
    try:
        item = StatsItem.get(stats_pk(tenant_id), f"C#{instance_id}")
    except StatsItem.DoesNotExist:
        return []
    return [dict(e.as_dict() if hasattr(e, "as_dict") else e) for e in item.connections or []]


def today_utc() -> date:
    return datetime.now(timezone.utc).date()


# ---------------------------------------------------------------- campaign breakdowns (per variant, per number)
BREAKDOWN_COUNTERS = ("sent", "delivered", "read", "replied", "failed", "opted_out")


class CampaignBreakdownItem(Item):
    """``pk=T#<tid>#CAMP#<cid>  sk=BRK#V#<variant>`` / ``BRK#N#<instance>``: a campaign's funnel counters per
    variant and per number, ADDed as its recipients move (services/reports.py)."""
    kind = UnicodeAttribute(null=True)  # "variant" | "number"
    key = UnicodeAttribute(null=True)
    sent = NumberAttribute(null=True)
    delivered = NumberAttribute(null=True)
    read = NumberAttribute(null=True)
    replied = NumberAttribute(null=True)
    failed = NumberAttribute(null=True)
    opted_out = NumberAttribute(null=True)


def _campaign_pk(tenant_id: str, campaign_id: str) -> str:
    return child_pk(tenant_id, "CAMP", campaign_id)


def add_breakdown(tenant_id: str, campaign_id: str, kind: str, key: str, counts: dict[str, int]) -> None:
    B = CampaignBreakdownItem
    counts = {k: v for k, v in counts.items() if v and k in BREAKDOWN_COUNTERS}
    if not counts:
        return
    item = B(_campaign_pk(tenant_id, campaign_id), f"BRK#{'V' if kind == 'variant' else 'N'}#{key}")
    item.update(actions=[B.kind.set(kind), B.key.set(key), *(getattr(B, k).add(v) for k, v in counts.items())])


def breakdown(tenant_id: str, campaign_id: str) -> list[tuple[str, str, dict[str, int]]]:
    """``(kind, key, counters)`` of every variant and number of the campaign (one Query)."""
    B = CampaignBreakdownItem
    return [(i.kind or "", i.key or "", {k: int(getattr(i, k) or 0) for k in BREAKDOWN_COUNTERS})
            for i in B.query(_campaign_pk(tenant_id, campaign_id), B.sk.startswith("BRK#"))]
