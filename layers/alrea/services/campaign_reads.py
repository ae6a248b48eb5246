"""Campaign read models: one campaign, the tenant's list, progress (counters + ETA), the recipients page,
the CSV export, the live chart's buckets and the campaigns a contact received."""
from __future__ import annotations

import io
from typing import Any

from alrea.core.clock import iso, parse_iso, utcnow
from alrea.core.errors import Invalid, NotFound
from alrea.domain import campaigns as dom
from alrea.domain.csv_cells import SafeWriter
from alrea.domain.roles import Principal
from alrea.store import campaigns as store
from alrea.store import paging
from alrea.store import recipients as rstore
from alrea.store.paging import Page

NOT_FOUND = "Campanha não encontrada."
CSV_COLUMNS = ("phone", "name", "status", "instance_id", "planned_at", "sent_at", "delivered_at", "read_at",
               "replied_at", "error", "wamid")


def eta_of(c: dom.Campaign) -> str | None:
    if c.status not in (dom.RUNNING, dom.SCHEDULED):
        return None
    counters = c.counters()
    remaining = counters["pending"] + counters["queued"] + counters["sending"]
    if c.status == dom.SCHEDULED:
        remaining = max(remaining, int((c.audience or {}).get("count") or 0))
    start = utcnow()
    if c.status == dom.SCHEDULED and c.schedule_at:
        start = max(start, parse_iso(c.schedule_at))
    at = dom.estimate_eta(remaining, len(c.instance_ids or []), dom.Pacing.parse(c.pacing), dom.zone(c.timezone),
                          start)
    return iso(at) if at else None


def view(c: dom.Campaign) -> dict[str, Any]:
    """The campaign as the API shows it (also the LGPD export's line)."""
    return dom.campaign_json(c, eta_of(c))


def load(tenant_id: str, cid: str) -> dom.Campaign:
    c = store.get(tenant_id, cid)
    if c is None:
        raise NotFound(NOT_FOUND)
    return c


def get(caller: Principal, cid: str) -> dom.Campaign:
    return load(caller.tenant_id, cid)


def list_page(caller: Principal, *, cursor: str | None = None, limit: int | None = None) -> Page[dom.Campaign]:
    return store.list_page(caller.tenant_id, cursor, paging.clamp(limit, default=paging.MAX_LIMIT))


def recipients(caller: Principal, cid: str, *, status: str | None, cursor: str | None, limit: int = 50
               ) -> Page[dom.Recipient]:
    load(caller.tenant_id, cid)
    if status and status not in dom.RECIPIENT_STATUSES:
        raise Invalid("Status de destinatário inválido.", field="status")
    return rstore.page(caller.tenant_id, cid, status=status, cursor=cursor,
                       limit=paging.clamp(limit, maximum=200))


def export_csv(caller: Principal, cid: str) -> tuple[str, str]:
    c = load(caller.tenant_id, cid)
    out = io.StringIO()
    writer = SafeWriter(out)  # a recipient's name (or an error text) is never a live formula
    writer.writerow(CSV_COLUMNS)
    for r in rstore.iter_all(caller.tenant_id, cid):
        row = dom.recipient_json(r)
        writer.writerow(row.get(column) for column in CSV_COLUMNS)
    safe = "-".join(c.name.split())[:60] or "campanha"
    return out.getvalue(), f"campanha-{safe}.csv"


def timeline(caller: Principal, cid: str) -> dict[str, Any]:
    load(caller.tenant_id, cid)
    return {"buckets": store.timeline(caller.tenant_id, cid), "bucket_s": 60}


def received_by(caller: Principal, phone: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """The campaigns a contact received (a send was attempted), newest first, with its status in each."""
    recs = rstore.latest_by_phone(caller.tenant_id, phone, limit=max(1, min(int(limit), 100)))
    found = store.get_many(caller.tenant_id, [r.campaign_id for r in recs])
    return [{**dom.recipient_json(r), "campaign_id": r.campaign_id, "campaign_name": found[r.campaign_id].name,
             "campaign_status": found[r.campaign_id].status}
            for r in recs if r.campaign_id in found]
