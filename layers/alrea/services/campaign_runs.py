"""Campaign run control: start (now or scheduled), materialise the audience, pause, resume, cancel, complete,
and the scheduler's start of due campaigns.

Starting materialises the audience as recipients (one item each, pending, each sticky to a number) and hands
the run to the Pacer; the planner (campaign_planner) and the sender (campaign_sender) do the rest. A run is
named by ``run_id``: pause and cancel stop it (a send message of a stopped run claims nothing), resume starts a
new one that plans every still-pending recipient again.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from alrea.core.clock import iso, new_id, parse_iso, utcnow
from alrea.core.errors import Conflict, Invalid, LimitReached
from alrea.core.log import logger
from alrea.domain import campaigns as dom
from alrea.domain.roles import Principal
from alrea.services import billing, hooks
from alrea.services.campaign_progress import push_progress
from alrea.services.campaign_reads import load
from alrea.store import campaigns as store
from alrea.store import recipients as rstore
from alrea.store.tenants import get_tenant
from alrea.wiring import runtime

CHANGED = "A campanha mudou de estado; recarregue a página."
NO_AUDIENCE = "Nenhum contato no público escolhido (contatos descadastrados não contam)."


def start(caller: Principal, cid: str, *, now: datetime | None = None) -> dom.Campaign:
    tid = caller.tenant_id
    c = load(tid, cid)
    billing.ensure_writable(tid)  # read-only when past due beyond the grace period, or suspended
    now = now or utcnow()
    if c.status not in (dom.DRAFT, dom.SCHEDULED):
        dom.check_transition(c.status, dom.RUNNING)
    if c.status == dom.DRAFT and c.schedule_at and parse_iso(c.schedule_at) > now + timedelta(seconds=30):
        _count_month(c, now)
        count = audience_size(tid, c.audience)
        item = store.schedule(tid, cid, c.schedule_at, {**(c.audience or {}), "count": count})
        if item is None:
            raise Conflict(CHANGED)
        push_progress(item)
        return item
    return start_now(tid, cid, now=now)


def audience_size(tenant_id: str, audience: dict[str, Any]) -> int:
    from alrea.services import contacts

    count = contacts.count_audience(tenant_id, audience.get("tags"), audience.get("contact_ids"))
    if count == 0:
        raise Invalid(NO_AUDIENCE, field="audience")
    return count


def _has_audience(tenant_id: str, audience: dict[str, Any]) -> None:
    """Fails unless the audience has someone (reads its first page only, not the whole audience)."""
    from alrea.services import contacts

    if next(contacts.iter_audience(tenant_id, audience.get("tags"), audience.get("contact_ids")), None) is None:
        raise Invalid(NO_AUDIENCE, field="audience")


def _count_month(c: dom.Campaign, now: datetime) -> None:
    """One campaign of the month's plan, counted once per campaign (at its first start or schedule)."""
    if c.counted_month:
        return
    month = now.strftime("%Y-%m")
    limit = int(get_tenant(c.tenant_id).limits.max_campaigns_per_month or 0)
    if not store.count_start(c.tenant_id, month, limit):
        raise LimitReached(f"Seu plano permite até {limit} campanhas por mês; faça upgrade para iniciar "
                           "mais campanhas este mês.", limit=limit)
    store.mark_counted(c.tenant_id, c.id, month)


def start_now(tenant_id: str, cid: str, *, now: datetime | None = None) -> dom.Campaign:
    """draft/scheduled → running: count the month, materialise recipients, start the pacer."""
    from alrea.services import contacts

    now = now or utcnow()
    c = load(tenant_id, cid)
    if c.status not in (dom.DRAFT, dom.SCHEDULED):
        dom.check_transition(c.status, dom.RUNNING)
    audience = c.audience or {}
    _has_audience(tenant_id, audience)
    _count_month(c, now)
    run_id = new_id()
    started = store.start_run(tenant_id, cid, run_id, iso(now))
    if started is None:
        raise Conflict("A campanha já foi iniciada.")
    try:
        total = materialise(started, contacts.iter_audience(tenant_id, audience.get("tags"),
                                                            audience.get("contact_ids")))
    except Exception as exc:
        logger.exception("campaign materialisation failed", extra={"campaign_id": cid})
        store.fail(tenant_id, cid, "Falha ao preparar os destinatários; tente novamente.")
        raise Conflict("Falha ao preparar os destinatários; tente novamente.") from exc
    item = store.add_counters(tenant_id, cid, {"total": total, "pending": total}) or started
    logger.info("campaign started", extra={"campaign_id": cid, "recipients": total, "run_id": run_id})
    runtime().pacer.start(tenant_id, cid, run_id)
    push_progress(item)
    hooks.campaign_started(hooks.CampaignStarted(tenant_id, cid, run_id, name=item.name, total=total,
                                                 at=iso(now)))
    return item


def materialise(c: dom.Campaign, audience: Iterable[dict[str, Any]]) -> int:
    """Recipients from the audience, each on its sticky number; a contact without one gets the least loaded of
    the campaign's numbers, and that number becomes its sticky one (written here, in batches, rather than
    once per send)."""
    load_of = {iid: 0 for iid in c.instance_ids}
    total = 0
    batch: list[dict[str, Any]] = []

    def flush() -> int:
        sticky = rstore.sticky_of(c.tenant_id, [r["phone"] for r in batch])
        recipients, new_sticky = [], []
        for contact in batch:
            known = sticky.get(contact["phone"])
            iid = known if known in load_of else min(load_of, key=load_of.__getitem__)
            load_of[iid] += 1
            if known is None:
                new_sticky.append((contact["phone"], iid))
            recipients.append(dom.Recipient(
                tenant_id=c.tenant_id, campaign_id=c.id, phone=contact["phone"], instance_id=iid,
                contact={k: contact.get(k) for k in ("id", "name", "email", "fields", "tags")},
                sticky_known=known is not None))
        batch.clear()
        written = rstore.materialise(recipients)
        rstore.set_sticky_many(c.tenant_id, new_sticky)
        return written

    seen: set[str] = set()
    for contact in audience:
        phone = contact.get("phone")
        if not phone or phone in seen:
            continue
        seen.add(phone)
        batch.append(contact)
        if len(batch) == 100:
            total += flush()
    if batch:
        total += flush()
    return total


def pause(caller: Principal, cid: str) -> dom.Campaign:
    """A pause someone asked for (the app or a partner key): emits ``CampaignPaused``."""
    item = pause_campaign(caller.tenant_id, cid)
    hooks.campaign_paused(hooks.CampaignPaused(caller.tenant_id, cid, item.run_id or "", name=item.name,
                                               by=caller.name or caller.user_id, at=item.paused_at))
    return item


def pause_campaign(tenant_id: str, cid: str, *, reason: str | None = None) -> dom.Campaign:
    """running → paused: the run's send messages still in the queues find it stopped and claim nothing; its
    planned recipients stay pending and the next run plans them again."""
    c = load(tenant_id, cid)
    if c.status != dom.RUNNING:
        dom.check_transition(c.status, dom.PAUSED)
    item = store.pause(tenant_id, cid, reason, iso(utcnow()))
    if item is None:
        raise Conflict("A campanha não está em andamento.")
    push_progress(item)
    return item


def resume(caller: Principal, cid: str) -> dom.Campaign:
    tid = caller.tenant_id
    c = load(tid, cid)
    billing.ensure_writable(tid)  # read-only when past due beyond the grace period, or suspended
    if c.status != dom.PAUSED:
        dom.check_transition(c.status, dom.RUNNING)
    run_id = new_id()
    store.reset_numbers(tid, cid, list(c.instance_ids))
    item = store.resume(tid, cid, run_id)
    if item is None:
        raise Conflict("A campanha não está pausada.")
    runtime().pacer.start(tid, cid, run_id)
    push_progress(item)
    hooks.campaign_started(hooks.CampaignStarted(tid, cid, run_id, name=item.name,
                                                 total=item.counters()["total"], resumed=True, at=iso(utcnow())))
    return item


def cancel(caller: Principal, cid: str) -> dom.Campaign:
    tid = caller.tenant_id
    c = load(tid, cid)
    dom.check_transition(c.status, dom.CANCELLED)
    item = store.cancel(tid, cid, iso(utcnow()))
    if item is None:
        raise Conflict(CHANGED)
    push_progress(item)
    return item


def rerun(tenant_id: str, cid: str) -> dom.Campaign:
    """completed → running again with a new run, for recipients a person queued again (the uncertain ones)."""
    run_id = new_id()
    c = load(tenant_id, cid)
    store.reset_numbers(tenant_id, cid, list(c.instance_ids))
    item = store.rerun(tenant_id, cid, run_id)
    if item is None:
        raise Conflict(CHANGED)
    runtime().pacer.start(tenant_id, cid, run_id)
    push_progress(item)
    return item


def complete_if_done(tenant_id: str, cid: str, *, quiet: bool = False) -> dom.Campaign | None:
    """running → completed when no recipient is pending or sending and the counters agree. With ``quiet``
    (nothing was planned for minutes), counters that still disagree — a sender died between an outcome and
    its batch's counter flush — are recounted from the recipients first."""
    if any(rstore.any_in(tenant_id, cid, s) for s in dom.UNSETTLED):
        return None
    now = iso(utcnow())
    item = store.complete_if_running(tenant_id, cid, now)
    if item is None and quiet:
        c = store.get(tenant_id, cid)
        if c is not None and c.status == dom.RUNNING:
            counts = dom.recount(r.status for r in rstore.iter_all(tenant_id, cid))
            logger.warning("campaign counters recounted", extra={"campaign_id": cid, "before": c.counters(),
                                                                 "after": counts})
            store.set_counters(tenant_id, cid, counts)
            item = store.complete_if_running(tenant_id, cid, now)
    if item is not None:
        logger.info("campaign completed", extra={"campaign_id": cid})
        push_progress(item)
        hooks.campaign_finished(hooks.CampaignFinished(tenant_id, cid, "completed", name=item.name))
    return item


def start_due(now: datetime | None = None) -> int:
    """The scheduler: start every scheduled campaign whose time has come (sparse index, no Scan)."""
    now = now or utcnow()
    started = 0
    for c in store.due(iso(now)):
        try:
            start_now(c.tenant_id, c.id, now=now)
            started += 1
        except (Conflict, Invalid, LimitReached) as exc:
            logger.warning("scheduled campaign not started", extra={"campaign_id": c.id, "reason": exc.message})
            store.fail(c.tenant_id, c.id, exc.message, only_from=dom.SCHEDULED)
    return started
