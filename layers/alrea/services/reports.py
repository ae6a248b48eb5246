"""Reports (issue 17): counters written as events happen (hook listeners), read back bounded.

Listeners (services/hooks.py): a conversation written by a message or a person (``ConversationChanged``: opened,
closed, messages in/out, first response, resolution, waiting gauge), a message analysed (mood split), a sent
message's status (per number: sent, delivered, read, failed), a customer's reply (per number: replied), a
number's connection (its log). Each is a handful of UpdateItem ADDs on the day's buckets (store/stats.py) — no
scan, no read of messages. A failing report write is logged and never fails the pipeline that emitted the fact
(the figures are reports, not the product's state).

``dashboard(caller)``: one Query for a week of every scope's buckets + one for the gauges + the names
(departments, users, numbers) — bounded by the tenant's staff, not by its conversations.
"""
from __future__ import annotations

from typing import Any

from alrea.core.clock import iso, parse_iso, utcnow
from alrea.core.log import logger
from alrea.domain import reports as dom
from alrea.domain.roles import Principal
from alrea.services import hooks
from alrea.store import stats


def _best_effort(what: str, call, *args: Any, **kwargs: Any) -> None:
    try:
        call(*args, **kwargs)
    except Exception:  # noqa: BLE001 - a lost report figure never fails its producer
        logger.exception("report counter failed", extra={"what": what})


def _seconds(start: str | None, end: str) -> int | None:
    if not start:
        return None
    try:
        return max(0, int((parse_iso(end) - parse_iso(start)).total_seconds()))
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- listeners
def on_conversation_changed(fact: hooks.ConversationChanged) -> None:
    _best_effort("conversation", _conversation_changed, fact)


def _conversation_changed(fact: hooks.ConversationChanged) -> None:
    b, a, at = fact.before, fact.after, fact.at
    if a is None or getattr(a, "is_group", False):
        return
    day = at[:10]
    counts: dict[str, int] = {}
    samples: dict[str, int] = {}
    attendant = fact.by_user if fact.message == "out" and fact.by_user else a.assigned_user_id
    if fact.message == "in":
        counts["msgs_in"] = 1
    elif fact.message == "out":
        counts["msgs_out"] = 1
    was_closed = b is None or b.status == "closed"
    if a.status != "closed" and was_closed and (b is None or fact.message == "in"):
        counts["conv_opened"] = 1
        from alrea.store import conversations

        conversations.set_opened_at(a.tenant_id, a.id, at)
    if a.status == "closed" and b is not None and b.status != "closed":
        counts["conv_closed"] = 1
        resolution = _seconds(getattr(b, "opened_at", None) or b.created_at, at)
        if resolution is not None:
            samples["res"] = resolution
    if fact.message == "out" and b is not None and b.waiting_since and not a.waiting_since:
        first = _seconds(b.waiting_since, at)
        if first is not None:
            samples["frt"] = first
    scopes = [dom.TENANT]
    if a.department_id:
        scopes.append(dom.dept(a.department_id))
    if attendant:
        scopes.append(dom.user(attendant))
    if counts or samples:
        stats.add(fact.tenant_id, day, scopes, counts, samples)
    if fact.message in ("in", "out"):  # the number's traffic: what it received, what it sent (inbox, phone)
        stats.add(fact.tenant_id, day, [dom.number(a.instance_id)], {"msgs_in" if fact.message == "in" else "sent": 1})
    _move_waiting(fact.tenant_id, b, a)


def _move_waiting(tenant_id: str, b: Any, a: Any) -> None:
    was = bool(b is not None and b.waiting_since and b.status != "closed")
    now = bool(a.waiting_since and a.status != "closed")
    old_dept = b.department_id if b is not None else None
    if was == now and (not now or old_dept == a.department_id):
        return
    if was:
        stats.add_gauge(tenant_id, [dom.TENANT] + ([dom.dept(old_dept)] if old_dept else []), -1)
    if now:
        stats.add_gauge(tenant_id, [dom.TENANT] + ([dom.dept(a.department_id)] if a.department_id else []), 1)


def on_message_analyzed(fact: hooks.MessageAnalyzed) -> None:
    def run() -> None:
        from alrea.store import conversations

        conv = conversations.find(fact.tenant_id, fact.conversation_id)
        scopes = [dom.TENANT]
        if conv is not None and conv.department_id:
            scopes.append(dom.dept(conv.department_id))
        if conv is not None and conv.assigned_user_id:
            scopes.append(dom.user(conv.assigned_user_id))
        stats.add(fact.tenant_id, fact.at[:10], scopes, {f"mood_{fact.label}": 1})

    _best_effort("mood", run)


_FUNNEL = (("sent", 20), ("delivered", 30), ("read", 40))  # domain.messages.STATUS_RANK of each step


def on_status_changed(fact: hooks.StatusChanged) -> None:
    """A number's sends: counted once per status a message reaches (statuses only move forward). ``played`` is
    a read. "sent" counts here only for messages the inbox does not know (campaign sends): the inbox's and the
    phone's own sends were counted when stored."""
    if fact.status == "failed":
        counts = {"failed": 1} if not fact.previous_rank or fact.previous_rank < fact.rank else {}
    else:
        # the funnel steps this update reaches that the message had not reached (a "read" straight after
        # "sent" is a delivery too; a repeated or late receipt counts nothing)
        floor = fact.previous_rank if fact.previous_rank is not None else (
            _FUNNEL[0][1] - 1 if fact.status == "sent" else _FUNNEL[0][1])
        counts = {name: 1 for name, step in _FUNNEL if floor < step <= fact.rank}
        if fact.known_message:
            counts.pop("sent", None)  # the inbox's and the phone's sends were counted when stored
    if counts:
        _best_effort("status", _count_status, fact, counts)


def _count_status(fact: hooks.StatusChanged, counts: dict[str, int]) -> None:
    day = (fact.at or iso(utcnow()))[:10]
    today = stats.add(fact.tenant_id, day, [dom.number(fact.instance_id)], counts)
    if "failed" in counts or "delivered" in counts:
        alert = dom.number_alert_crossed(today, counts)
        if alert:
            from alrea.services import notifications

            notifications.notify_number_health(fact.tenant_id, fact.instance_id, alert, day)


def on_campaign_recipients_moved(fact: hooks.CampaignRecipientsMoved) -> None:
    """Per-variant and per-number funnel counters of a campaign (cumulative, as the campaign's own)."""
    def run() -> None:
        from collections import Counter

        from alrea.domain.campaigns import counter_deltas

        sums: dict[tuple[str, str], Counter[str]] = {}
        for variant, instance_id, old, new in fact.moves:
            deltas = counter_deltas(old, new)
            keys = [("number", instance_id)] + ([("variant", str(variant))] if variant is not None else [])
            for key in keys:
                sums.setdefault(key, Counter()).update({k: v for k, v in deltas.items() if v > 0})
        for (kind, key), counts in sums.items():
            stats.add_breakdown(fact.tenant_id, fact.campaign_id, kind, key, dict(counts))

    _best_effort("campaign breakdown", run)


def campaign_analytics(caller: Principal, campaign_id: str) -> dict[str, Any]:
    """A campaign's rates overall, per variant (the winner marked) and per number: one GetItem + one Query."""
    from alrea.services import campaign_reads
    from alrea.store import instances

    campaign = campaign_reads.get(caller, campaign_id)  # NotFound for another tenant's
    rows = stats.breakdown(caller.tenant_id, campaign_id)
    names = {i.instance_id: i.name for i in instances.list_instances(caller.tenant_id)}
    variants = sorted(((int(k), c) for kind, k, c in rows if kind == "variant"), key=lambda r: r[0])
    texts = [v.get("text", "") for v in campaign.variants or []]
    variant_rows = [{"variant": i, "label": chr(65 + i), "text": texts[i] if i < len(texts) else "",
                     "counters": c, "rates": dom.campaign_rates(c)} for i, c in variants]
    winner = dom.winner([(r["variant"], r["counters"]) for r in variant_rows])
    for r in variant_rows:
        r["winner"] = r["variant"] == winner
    return {"id": campaign.id, "counters": campaign.counters(), "rates": dom.campaign_rates(campaign.counters()),
            "variants": variant_rows,
            "numbers": sorted(({"id": k, "name": names.get(k, "—"), "counters": c, "rates": dom.campaign_rates(c)}
                               for kind, k, c in rows if kind == "number"), key=lambda r: r["name"].lower())}


def on_connection_changed(fact: hooks.ConnectionChanged) -> None:
    _best_effort("connection", stats.log_connection, fact.tenant_id, fact.instance_id,
                 {"at": iso(utcnow()), "state": fact.state, "dropped": bool(fact.dropped),
                  "reason": fact.status_reason})


# ---------------------------------------------------------------- reads
def _names(tenant_id: str) -> dict[str, str]:
    from alrea.store import departments, instances, users

    names = {dom.user(u.user_id): u.name for u in users.list_users(tenant_id)}
    names.update({dom.dept(d.department_id): d.name for d in departments.list_departments(tenant_id)})
    names.update({dom.number(i.instance_id): i.name for i in instances.list_instances(tenant_id)})
    return names


def dashboard(caller: Principal) -> dict[str, Any]:
    days = dom.days_back(stats.today_utc(), dom.WEEK_DAYS)
    buckets = [b for b in stats.week(caller.tenant_id, days[0], days[-1]) if not b.scope.startswith("num:")]
    if not caller.is_admin:  # a manager sees the tenant's totals, their department and its people
        buckets = [b for b in buckets if not b.scope.startswith("dept:") or b.scope == dom.dept(caller.department_id or "")]
    board = dom.dashboard(buckets, stats.gauges(caller.tenant_id), days, names=_names(caller.tenant_id))
    board["campaigns"] = _running_campaigns(caller)
    board["days"] = days
    return board


RECENT_CAMPAIGNS = 20


def _running_campaigns(caller: Principal) -> list[dict[str, Any]]:
    """The running (and scheduled) campaigns among the newest ones, with their rates: one page read."""
    from alrea.services import campaign_reads

    page = campaign_reads.list_page(caller, limit=RECENT_CAMPAIGNS)
    return [{"id": c.id, "name": c.name, "status": c.status, "counters": c.counters(),
             "rates": dom.campaign_rates(c.counters())}
            for c in page.items if c.status in ("running", "scheduled")]


def _number_view(inst: Any, buckets: list[dom.Bucket], days: list[str], cap: int) -> dict[str, Any]:
    scope = dom.number(inst.instance_id)
    mine = [b for b in buckets if b.scope == scope]
    last_24h = dom.number_summary([b for b in mine if b.day in days[-2:]])  # ≈ the last 24 h (two UTC days)
    week = dom.number_summary(mine)
    today = dom.number_summary([b for b in mine if b.day == days[-1]])
    return {"id": inst.instance_id, "name": inst.name, "phone": inst.phone, "state": inst.state,
            "today": today, "daily_cap": cap, "last_24h": last_24h, "last_7d": week,
            "per_day": [{"day": d, **dom.number_summary([b for b in mine if b.day == d])} for d in days],
            "alerts": dom.number_alerts(last_24h, week)}


def _caps(caller: Principal) -> dict[str, int]:
    """Each number's daily cap: the highest of the running campaigns that use it (default pacing otherwise)."""
    from alrea.domain.campaigns import Pacing
    from alrea.services import campaign_reads

    caps: dict[str, int] = {}
    for c in campaign_reads.list_page(caller, limit=RECENT_CAMPAIGNS).items:
        if c.status == "running":
            cap = Pacing.parse(c.pacing).daily_cap_per_number
            for iid in c.instance_ids or []:
                caps[iid] = max(caps.get(iid, 0), cap)
    return caps


def numbers_health(caller: Principal) -> list[dict[str, Any]]:
    """Every number's health from ONE Query of the week's buckets."""
    from alrea.domain.campaigns import Pacing
    from alrea.store import instances

    days = dom.days_back(stats.today_utc(), dom.WEEK_DAYS)
    buckets = stats.week(caller.tenant_id, days[0], days[-1])
    caps, default = _caps(caller), Pacing().daily_cap_per_number
    return [_number_view(i, buckets, days, caps.get(i.instance_id, default))
            for i in instances.list_instances(caller.tenant_id)]


def number_health(caller: Principal, instance_id: str) -> dict[str, Any]:
    from alrea.domain.campaigns import Pacing
    from alrea.store import instances

    inst = instances.get(caller.tenant_id, instance_id)  # NotFound: another tenant's or no such number
    days = dom.days_back(stats.today_utc(), dom.WEEK_DAYS)
    buckets = stats.week(caller.tenant_id, days[0], days[-1])
    view = _number_view(inst, buckets, days, _caps(caller).get(instance_id, Pacing().daily_cap_per_number))
    view["connections"] = list(reversed(stats.connections(caller.tenant_id, instance_id)))
    return view
