"""Reports (issue 17): figures kept as counters and daily buckets written as events happen, read back in a
bounded number of items; the pure side — scopes, the counters' names, medians, rates, the dashboard's shape.

A bucket is one day of one scope: the tenant (``tenant``), a department (``dept:<id>``), an attendant
(``user:<id>``) or a WhatsApp number (``num:<id>``). Times (first response, resolution) are kept as a sum, a
count and the day's first ``SAMPLES_CAP`` samples (the median comes from the samples; past the cap it is the
median of the day's first ones, and the mean stays exact).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

COUNTERS = ("conv_opened", "conv_closed", "msgs_in", "msgs_out", "mood_pos", "mood_neu", "mood_neg",
            "frt_sum", "frt_n", "res_sum", "res_n", "sent", "delivered", "read", "failed", "replied")
SAMPLES_CAP = 500
TENANT = "tenant"
WEEK_DAYS = 7


def dept(department_id: str) -> str:
    return f"dept:{department_id}"


def user(user_id: str) -> str:
    return f"user:{user_id}"


def number(instance_id: str) -> str:
    return f"num:{instance_id}"


@dataclass(frozen=True)
class Bucket:
    day: str  # yyyy-mm-dd (UTC)
    scope: str
    counters: dict[str, int] = field(default_factory=dict)
    frt_samples: tuple[int, ...] = ()
    res_samples: tuple[int, ...] = ()

    def get(self, name: str) -> int:
        return int(self.counters.get(name, 0) or 0)


@dataclass(frozen=True)
class Gauge:
    scope: str
    waiting: int = 0


def days_back(today: date, n: int) -> list[str]:
    return [(today - timedelta(days=i)).isoformat() for i in range(n - 1, -1, -1)]


def median(values: list[int] | tuple[int, ...]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _sum(buckets: list[Bucket], name: str) -> int:
    return sum(b.get(name) for b in buckets)


def summary(buckets: list[Bucket]) -> dict[str, Any]:
    """One scope's figures over the given buckets."""
    frt = [s for b in buckets for s in b.frt_samples]
    res = [s for b in buckets for s in b.res_samples]
    return {
        "opened": _sum(buckets, "conv_opened"), "closed": _sum(buckets, "conv_closed"),
        "messages_in": _sum(buckets, "msgs_in"), "messages_out": _sum(buckets, "msgs_out"),
        "first_response_median_s": median(frt), "resolution_median_s": median(res),
        "first_responses": _sum(buckets, "frt_n"), "resolutions": _sum(buckets, "res_n"),
        "mood": {label: _sum(buckets, f"mood_{label}") for label in ("pos", "neu", "neg")},
    }


def number_summary(buckets: list[Bucket]) -> dict[str, Any]:
    """A number's sends (statuses its messages reached: cumulative, a read one was delivered) and the customer
    messages it received; rates over the sends (failures over sends + failures)."""
    sent, failed = _sum(buckets, "sent"), _sum(buckets, "failed")
    received = _sum(buckets, "msgs_in")
    return {"sent": sent, "delivered": _sum(buckets, "delivered"), "read": _sum(buckets, "read"),
            "failed": failed, "received": received,
            "delivery_rate": rate(_sum(buckets, "delivered"), sent), "read_rate": rate(_sum(buckets, "read"), sent),
            "reply_rate": rate(received, sent), "failure_rate": rate(failed, sent + failed)}


def dashboard(buckets: list[Bucket], gauges: list[Gauge], days: list[str], *, names: dict[str, str]
              ) -> dict[str, Any]:
    """The home dashboard from a week of buckets (every scope) and the waiting gauges; ``days``: the week, oldest
    first (the last is today); ``names``: scope → name."""
    today = days[-1]
    by_scope: dict[str, list[Bucket]] = {}
    for b in buckets:
        by_scope.setdefault(b.scope, []).append(b)
    tenant = by_scope.get(TENANT, [])
    waiting = {g.scope: g.waiting for g in gauges}

    def rows(prefix: str) -> list[dict[str, Any]]:
        out = []
        for scope, items in sorted(by_scope.items()):
            if scope.startswith(prefix):
                week = summary(items)
                out.append({"id": scope.split(":", 1)[1], "name": names.get(scope) or "—",
                            "today": summary([b for b in items if b.day == today]), "week": week,
                            "waiting": max(0, waiting.get(scope, 0))})
        return sorted(out, key=lambda r: r["name"].lower())

    return {
        "today": summary([b for b in tenant if b.day == today]),
        "week": summary(tenant),
        "waiting_now": max(0, waiting.get(TENANT, 0)),
        "per_day": [{"day": d, "messages_in": _sum([b for b in tenant if b.day == d], "msgs_in"),
                     "messages_out": _sum([b for b in tenant if b.day == d], "msgs_out")} for d in days],
        "departments": rows("dept:"),
        "attendants": rows("user:"),
    }


# ---------------------------------------------------------------- numbers and campaigns
DELIVERY_DROP = 0.15  # the last 24 h's delivery rate this far below the week's: an alert
FAILURE_SPIKE = 0.10  # more than this share of the last 24 h's sends failed: an alert
MIN_SENDS_FOR_ALERTS = 20


def number_alerts(day: dict[str, Any], week: dict[str, Any]) -> list[dict[str, str]]:
    """pt-BR alerts for a number whose delivery fell or whose failures spiked in the last 24 h."""
    alerts = []
    if day["sent"] < MIN_SENDS_FOR_ALERTS:
        return alerts
    if day["failure_rate"] is not None and day["failure_rate"] > FAILURE_SPIKE:
        alerts.append({"kind": "failures", "message": f"{round(day['failure_rate'] * 100)}% dos envios das "
                       "últimas 24 h falharam. Verifique a lista e a conexão do número."})
    if (day["delivery_rate"] is not None and week["delivery_rate"] is not None
            and week["delivery_rate"] - day["delivery_rate"] > DELIVERY_DROP):
        alerts.append({"kind": "delivery", "message": "A taxa de entrega caiu para "
                       f"{round(day['delivery_rate'] * 100)}% (média da semana: {round(week['delivery_rate'] * 100)}%). "
                       "Reduza o ritmo para evitar bloqueio."})
    return alerts


MIN_SENT_FOR_WINNER = 10


def winner(variants: list[tuple[int, dict[str, int]]]) -> int | None:
    """The A/B winner: the best reply rate (then read rate) among variants with at least MIN_SENT_FOR_WINNER
    sends each; None with fewer than two such variants or a tie."""
    ready = [(v, c) for v, c in variants if c.get("sent", 0) >= MIN_SENT_FOR_WINNER]
    if len(ready) < 2:
        return None
    score = {v: (c.get("replied", 0) / c["sent"], c.get("read", 0) / c["sent"]) for v, c in ready}
    best = max(score.values())
    leaders = [v for v, s in score.items() if s == best]
    return leaders[0] if len(leaders) == 1 else None


def number_alert_crossed(today: dict[str, int], counts: dict[str, int]) -> str | None:
    """"failures" when this update took the day's failure rate over FAILURE_SPIKE (with enough sends) — once:
    only the update that crosses the line answers it (the notification is deduplicated per day too)."""
    sent, failed = today.get("sent", 0), today.get("failed", 0)
    if "failed" not in counts or sent + failed < MIN_SENDS_FOR_ALERTS:
        return None
    before = failed - counts["failed"]
    crossed = failed / (sent + failed) > FAILURE_SPIKE and (sent + failed - counts["failed"] < MIN_SENDS_FOR_ALERTS
                                                            or before / (sent + failed - counts["failed"]) <= FAILURE_SPIKE)
    return "failures" if crossed else None


def campaign_rates(counters: dict[str, int]) -> dict[str, float | None]:
    """Rates of a campaign's cumulative funnel counters (a read message counts as sent and delivered)."""
    sent, failed = counters.get("sent", 0), counters.get("failed", 0)
    attempted = sent + failed
    return {"delivered": rate(counters.get("delivered", 0), sent), "read": rate(counters.get("read", 0), sent),
            "replied": rate(counters.get("replied", 0), sent), "failed": rate(failed, attempted),
            "opted_out": rate(counters.get("opted_out", 0), sent)}
