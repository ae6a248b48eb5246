"""Campaigns: create/change/delete drafts, start (now or scheduled), pause, resume, cancel, read progress.

Starting materialises the audience as recipients (one item each, pending, each sticky to a number) and hands
the run to the Pacer; the planner (campaign_planner) and the sender (campaign_sender) do the rest. Every
recipient status move goes through :func:`advance`: a conditional update on the recipient, then atomic ADDs
on the campaign counters and the per-minute timeline bucket, then a throttled progress push.
"""
from __future__ import annotations

import base64
import io
import json
import random
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from alrea.core.clock import iso, new_id, parse_iso, utcnow
from alrea.core.errors import Conflict, Invalid, LimitReached, NotFound
from alrea.core.log import logger
from alrea.domain import campaigns as dom
from alrea.domain.csv_cells import SafeWriter
from alrea.domain.object_keys import tenant_object_key
from alrea.domain.roles import Principal
from alrea.store import campaigns as store
from alrea.store import instances as instance_store
from alrea.store import recipients as rstore
from alrea.store.campaigns import CampaignItem
from alrea.store.keys import tenant_pk
from alrea.store.recipients import RecipientItem
from alrea.services import hooks
from alrea.services.audience import staff_groups
from alrea.store.tenants import get_tenant
from alrea.wiring import runtime

NOT_FOUND = "Campanha não encontrada."
PUSH_EVERY_S = 1.0
MAX_VARIANTS = 10
MAX_TEXT = 4096
_last_push: dict[str, float] = {}
_push_lock = threading.Lock()


# ---------------------------------------------------------------- views
def view(c: CampaignItem) -> dict[str, Any]:
    counters = c.counters()
    return {
        "id": c.id, "name": c.name, "status": c.status, "failure_reason": c.failure_reason,
        "variants": list(c.variants or []), "audience": dict(c.audience or {}),
        "instance_ids": list(c.instance_ids or []), "pacing": dict(c.pacing or {}),
        "schedule_at": c.schedule_at, "reply_window_h": int(c.reply_window_h or 0), "counters": counters,
        "eta": eta_of(c, counters), "created_at": c.created_at, "started_at": c.started_at,
        "completed_at": c.completed_at, "updated_at": c.updated_at,
    }


def eta_of(c: CampaignItem, counters: dict[str, int] | None = None) -> str | None:
    if c.status not in (dom.RUNNING, dom.SCHEDULED):
        return None
    counters = counters or c.counters()
    remaining = counters["pending"] + counters["queued"] + counters["sending"]
    if c.status == dom.SCHEDULED:
        remaining = max(remaining, int((c.audience or {}).get("count") or 0))
    start = utcnow()
    if c.status == dom.SCHEDULED and c.schedule_at:
        start = max(start, parse_iso(c.schedule_at))
    at = dom.estimate_eta(remaining, len(c.instance_ids or []), dom.Pacing.parse(c.pacing), dom.zone(c.timezone),
                          start)
    return iso(at) if at else None


def push_progress(c: CampaignItem | None, *, force: bool = False) -> None:
    if c is None:
        return
    now = time.monotonic()
    with _push_lock:
        if not force and now - _last_push.get(c.id, 0.0) < PUSH_EVERY_S:
            return
        _last_push[c.id] = now
    counters = c.counters()
    event = {"type": "campaign_progress", "campaign_id": c.id, "counters": counters, "status": c.status,
             "eta": eta_of(c, counters)}
    try:
        runtime().push.to_groups(staff_groups(c.tenant_id), [event])
    except Exception:  # noqa: BLE001 - a lost push is repaired by the next one or a read
        logger.exception("campaign push failed", extra={"campaign_id": c.id})


def alert(tenant_id: str, campaign_id: str, reason: str, message: str) -> None:
    try:
        runtime().push.to_groups(staff_groups(tenant_id), [{"type": "campaign_alert", "campaign_id": campaign_id,
                                                            "reason": reason, "message": message}])
    except Exception:  # noqa: BLE001
        logger.exception("campaign alert push failed", extra={"campaign_id": campaign_id})
    hooks.campaign_finished(hooks.CampaignFinished(tenant_id, campaign_id, "auto_paused", reason=reason,
                                                   message=message))


# ---------------------------------------------------------------- recipient moves
def advance(rec: RecipientItem, old: str | tuple[str, ...], new: str, extra: list | None = None, *,
            token: str | None = None, at: str | None = None) -> bool:
    """Move a recipient (conditional), then counters + timeline + push. False when it was in none of ``old``.

    With several possible old statuses each is tried on its own condition (the recipient's last known
    status first), so the counters always move from the status it really left.
    """
    olds = (old,) if isinstance(old, str) else tuple(old)
    ordered = sorted(olds, key=lambda s: s != rec.status)
    for previous in ordered:
        if rstore.move(rec, previous, new, extra, token=token):
            break
    else:
        return False
    deltas = dom.counter_deltas(previous, new)
    after = store.add_counters(rec.tenant_id, rec.campaign_id, deltas)
    store.timeline_add(rec.tenant_id, rec.campaign_id, at or iso(utcnow()),
                       {k: v for k, v in deltas.items() if k in store.TIMELINE_FIELDS})
    push_progress(after)
    return True


# ---------------------------------------------------------------- input
def _variants(raw: Any, tenant_id: str) -> list[dict[str, Any]]:
    if not isinstance(raw, list) or not raw:
        raise Invalid("Informe ao menos uma mensagem.", field="variants")
    if len(raw) > MAX_VARIANTS:
        raise Invalid(f"No máximo {MAX_VARIANTS} variações de mensagem.", field="variants")
    out = []
    for v in raw:
        v = v if isinstance(v, dict) else {}
        text = str(v.get("text") or "").strip()
        media = v.get("media")
        if not text and not media:
            raise Invalid("Cada variação precisa de texto ou mídia.", field="variants")
        if len(text) > MAX_TEXT:
            raise Invalid(f"A mensagem pode ter até {MAX_TEXT} caracteres.", field="variants")
        dom.check_template(text)
        item: dict[str, Any] = {"text": text}
        if media:
            if not isinstance(media, dict):
                raise Invalid("Mídia inválida: envie o arquivo antes de usá-lo.", field="variants")
            tenant_object_key(media.get("key"), tenant_id, *MEDIA_PREFIXES, field="variants",
                              message="Mídia inválida: envie o arquivo antes de usá-lo.")
            item["media"] = {"key": str(media["key"]), "mimetype": str(media.get("mimetype") or
                                                                        "application/octet-stream"),
                             "file_name": str(media.get("file_name") or media["key"].rsplit("/", 1)[-1])}
        out.append(item)
    return out


def _audience(raw: Any) -> dict[str, Any]:
    raw = raw if isinstance(raw, dict) else {}
    tags = [str(t).strip() for t in raw.get("tags") or [] if str(t).strip()]
    ids = [str(i).strip() for i in raw.get("contact_ids") or [] if str(i).strip()]
    if len(ids) > 50_000 or len(tags) > 50:
        raise Invalid("Público grande demais: use etiquetas.", field="audience")
    return {"tags": tags, "contact_ids": ids}


def _instances(tenant_id: str, ids: Any) -> list[str]:
    if not isinstance(ids, list) or not ids:
        raise Invalid("Escolha ao menos um número de WhatsApp.", field="instance_ids")
    out = []
    for iid in dict.fromkeys(str(i) for i in ids):
        try:
            instance_store.get(tenant_id, iid)
        except NotFound:
            raise Invalid("Número de WhatsApp não encontrado.", field="instance_ids") from None
        out.append(iid)
    return out


def _schedule(value: Any) -> str | None:
    if value in (None, ""):
        return None
    try:
        return iso(parse_iso(str(value)))
    except ValueError:
        raise Invalid("Data de agendamento inválida (use ISO-8601).", field="schedule_at") from None


def _reply_window(value: Any) -> int:
    try:
        hours = int(72 if value is None else value)
    except (TypeError, ValueError):
        raise Invalid("Janela de resposta inválida.", field="reply_window_h") from None
    if not 1 <= hours <= 24 * 30:
        raise Invalid("A janela de resposta deve ficar entre 1 e 720 horas.", field="reply_window_h")
    return hours


def _name(value: Any) -> str:
    name = str(value or "").strip()
    if not 1 <= len(name) <= 120:
        raise Invalid("Dê um nome à campanha (até 120 caracteres).", field="name")
    return name


# ---------------------------------------------------------------- CRUD
def _get(tenant_id: str, cid: str) -> CampaignItem:
    item = store.get(tenant_id, cid)
    if item is None:
        raise NotFound(NOT_FOUND)
    return item


def create(caller: Principal, data: dict[str, Any]) -> dict[str, Any]:
    tid = caller.tenant_id
    pacing = dom.Pacing.parse(data.get("pacing"))
    now = iso(utcnow())
    item = CampaignItem(
        tenant_pk(tid), store.campaign_sk(cid := new_id()),
        entity="campaign", id=cid, tenant_id=tid, name=_name(data.get("name")), status=dom.DRAFT,
        variants=_variants(data.get("variants"), tid), audience=_audience(data.get("audience")),
        instance_ids=_instances(tid, data.get("instance_ids")), pacing=pacing.as_dict(),
        schedule_at=_schedule(data.get("schedule_at")), reply_window_h=_reply_window(data.get("reply_window_h")),
        timezone=get_tenant(tid).timezone, created_by=caller.user_id, created_at=now, updated_at=now)
    return view(store.create(item))


def list_all(caller: Principal) -> list[dict[str, Any]]:
    return [view(c) for c in store.list_all(caller.tenant_id)]


def get(caller: Principal, cid: str) -> dict[str, Any]:
    return view(_get(caller.tenant_id, cid))


def update(caller: Principal, cid: str, data: dict[str, Any]) -> dict[str, Any]:
    tid = caller.tenant_id
    current = _get(tid, cid)
    if current.status not in dom.EDITABLE:
        raise Conflict("Só campanhas em rascunho ou agendadas podem ser alteradas.")
    C = CampaignItem
    actions: list = []
    if "name" in data:
        actions.append(C.name.set(_name(data["name"])))
    if "variants" in data:
        actions.append(C.variants.set(_variants(data["variants"], tid)))
    if "audience" in data:
        actions.append(C.audience.set(_audience(data["audience"])))
    if "instance_ids" in data:
        actions.append(C.instance_ids.set(_instances(tid, data["instance_ids"])))
    if "pacing" in data:
        actions.append(C.pacing.set(dom.Pacing.parse({**(current.pacing or {}), **(data["pacing"] or {})})
                                    .as_dict()))
    if "reply_window_h" in data:
        actions.append(C.reply_window_h.set(_reply_window(data["reply_window_h"])))
    if "schedule_at" in data:
        at = _schedule(data["schedule_at"])
        actions.append(C.schedule_at.set(at) if at else C.schedule_at.remove())
        if current.status == dom.SCHEDULED:
            if at is None:
                actions += [C.status.set(dom.DRAFT), C.gsi5pk.remove(), C.gsi5sk.remove()]
            else:
                actions += [C.gsi5sk.set(store.due_sk(at, tid, cid))]
    if not actions:
        return view(current)
    item = store.update(tid, cid, actions, C.status.is_in(*dom.EDITABLE))
    if item is None:
        raise Conflict("A campanha mudou de estado; recarregue a página.")
    return view(item)


def delete(caller: Principal, cid: str) -> None:
    current = _get(caller.tenant_id, cid)
    if current.status != dom.DRAFT:
        raise Conflict("Só campanhas em rascunho podem ser excluídas; cancele-a antes.")
    if not store.delete(caller.tenant_id, cid, CampaignItem.status == dom.DRAFT):
        raise Conflict("A campanha mudou de estado; recarregue a página.")


# ---------------------------------------------------------------- lifecycle
def start(caller: Principal, cid: str, *, now: datetime | None = None) -> dict[str, Any]:
    tid = caller.tenant_id
    c = _get(tid, cid)
    now = now or utcnow()
    if c.status not in (dom.DRAFT, dom.SCHEDULED):
        dom.check_transition(c.status, dom.RUNNING)
    if c.status == dom.DRAFT and c.schedule_at and parse_iso(c.schedule_at) > now + timedelta(seconds=30):
        _count_month(c, now)
        count = _audience_count(tid, c.audience)
        C = CampaignItem
        item = store.update(tid, cid, [C.status.set(dom.SCHEDULED), C.gsi5pk.set(store.DUE_PK),
                                       C.gsi5sk.set(store.due_sk(c.schedule_at, tid, cid)),
                                       C.audience.set({**(c.audience or {}), "count": count})],
                            C.status == dom.DRAFT)
        if item is None:
            raise Conflict("A campanha mudou de estado; recarregue a página.")
        push_progress(item, force=True)
        return view(item)
    return view(start_now(tid, cid, now=now))


def _audience_count(tenant_id: str, audience: dict[str, Any]) -> int:
    from alrea.services import contacts

    count = contacts.count_audience(tenant_id, audience.get("tags"), audience.get("contact_ids"))
    if count == 0:
        raise Invalid("Nenhum contato no público escolhido (contatos descadastrados não contam).",
                      field="audience")
    return count


def _count_month(c: CampaignItem, now: datetime) -> None:
    """One campaign of the month's plan, counted once per campaign (at its first start or schedule)."""
    if c.counted_month:
        return
    month = now.strftime("%Y-%m")
    limit = int(get_tenant(c.tenant_id).limits.max_campaigns_per_month or 0)
    if not store.count_start(c.tenant_id, month, limit):
        raise LimitReached(f"Seu plano permite até {limit} campanhas por mês; faça upgrade para iniciar "
                           "mais campanhas este mês.", limit=limit)
    store.update(c.tenant_id, c.id, [CampaignItem.counted_month.set(month)])


def start_now(tenant_id: str, cid: str, *, now: datetime | None = None) -> CampaignItem:
    """draft/scheduled → running: count the month, materialise recipients, start the pacer."""
    from alrea.services import contacts

    now = now or utcnow()
    c = _get(tenant_id, cid)
    if c.status not in (dom.DRAFT, dom.SCHEDULED):
        dom.check_transition(c.status, dom.RUNNING)
    _audience_count(tenant_id, c.audience or {})
    _count_month(c, now)
    C = CampaignItem
    run_id = new_id()
    started = store.update(tenant_id, cid, [C.status.set(dom.RUNNING), C.run_id.set(run_id),
                                            C.plan_round.set(0), C.started_at.set(iso(now)),
                                            C.gsi5pk.remove(), C.gsi5sk.remove()],
                           C.status.is_in(dom.DRAFT, dom.SCHEDULED))
    if started is None:
        raise Conflict("A campanha já foi iniciada.")
    try:
        total = materialise(started, contacts.iter_audience(tenant_id, (c.audience or {}).get("tags"),
                                                            (c.audience or {}).get("contact_ids")))
    except Exception as exc:
        logger.exception("campaign materialisation failed", extra={"campaign_id": cid})
        store.update(tenant_id, cid, [C.status.set(dom.FAILED), C.failure_reason.set(
            "Falha ao preparar os destinatários; tente novamente.")])
        raise Conflict("Falha ao preparar os destinatários; tente novamente.") from exc
    item = store.add_counters(tenant_id, cid, {"total": total, "pending": total}) or started
    logger.info("campaign started", extra={"campaign_id": cid, "recipients": total, "run_id": run_id})
    runtime().pacer.start(tenant_id, cid, run_id)
    push_progress(item, force=True)
    return item


def materialise(c: CampaignItem, audience: Any) -> int:
    """Recipients from the audience, each on its sticky number (or the least loaded of the campaign's)."""
    numbers = list(c.instance_ids or [])
    load = {iid: 0 for iid in numbers}
    total = 0
    batch: list[dict[str, Any]] = []

    def flush() -> int:
        sticky = rstore.sticky_of(c.tenant_id, [r["phone"] for r in batch])
        items = []
        for contact in batch:
            known = sticky.get(contact["phone"])
            iid = known if known in load else min(load, key=load.__getitem__)
            load[iid] += 1
            items.append(rstore.new(c.tenant_id, c.id, contact["phone"], iid,
                                    {k: contact.get(k) for k in ("id", "name", "email", "fields", "tags")},
                                    sticky_known=known is not None))
        batch.clear()
        return rstore.put_many(items)

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


def _requeue_queued(c: CampaignItem) -> int:
    """Queued recipients of a stopped campaign go back to pending (their send messages will find them so)."""
    moved = 0
    start = None
    while True:
        items, start = rstore.by_status(c.tenant_id, c.id, dom.R_QUEUED, limit=100, start=start)
        for rec in items:
            if advance(rec, dom.R_QUEUED, dom.R_PENDING):
                moved += 1
        if start is None:
            break
    return moved


def pause(caller: Principal, cid: str) -> dict[str, Any]:
    return view(pause_campaign(caller.tenant_id, cid))


def pause_campaign(tenant_id: str, cid: str, *, reason: str | None = None) -> CampaignItem:
    C = CampaignItem
    c = _get(tenant_id, cid)
    if c.status != dom.RUNNING:
        dom.check_transition(c.status, dom.PAUSED)
    actions = [C.status.set(dom.PAUSED), C.paused_at.set(iso(utcnow()))]
    actions.append(C.failure_reason.set(reason) if reason else C.failure_reason.remove())
    item = store.update(tenant_id, cid, actions, C.status == dom.RUNNING)
    if item is None:
        raise Conflict("A campanha não está em andamento.")
    _requeue_queued(item)
    item = store.get(tenant_id, cid) or item
    push_progress(item, force=True)
    return item


def resume(caller: Principal, cid: str) -> dict[str, Any]:
    tid = caller.tenant_id
    c = _get(tid, cid)
    if c.status != dom.PAUSED:
        dom.check_transition(c.status, dom.RUNNING)
    C = CampaignItem
    run_id = new_id()
    store.reset_outcomes(tid, cid, list(c.instance_ids or []))
    item = store.update(tid, cid, [C.status.set(dom.RUNNING), C.run_id.set(run_id), C.plan_round.set(0),
                                   C.failure_reason.remove()], C.status == dom.PAUSED)
    if item is None:
        raise Conflict("A campanha não está pausada.")
    runtime().pacer.start(tid, cid, run_id)
    push_progress(item, force=True)
    return view(item)


def cancel(caller: Principal, cid: str) -> dict[str, Any]:
    tid = caller.tenant_id
    c = _get(tid, cid)
    dom.check_transition(c.status, dom.CANCELLED)
    C = CampaignItem
    item = store.update(tid, cid, [C.status.set(dom.CANCELLED), C.completed_at.set(iso(utcnow())),
                                   C.gsi5pk.remove(), C.gsi5sk.remove()],
                        C.status.is_in(dom.DRAFT, dom.SCHEDULED, dom.RUNNING, dom.PAUSED))
    if item is None:
        raise Conflict("A campanha mudou de estado; recarregue a página.")
    _requeue_queued(item)
    item = store.get(tid, cid) or item
    push_progress(item, force=True)
    return view(item)


def complete_if_done(tenant_id: str, cid: str) -> CampaignItem | None:
    """running → completed when no recipient is pending, queued or sending."""
    if any(rstore.any_in(tenant_id, cid, s) for s in dom.IN_FLIGHT):
        return None
    C = CampaignItem
    item = store.update(tenant_id, cid, [C.status.set(dom.COMPLETED), C.completed_at.set(iso(utcnow()))],
                        C.status == dom.RUNNING)
    if item is not None:
        logger.info("campaign completed", extra={"campaign_id": cid})
        push_progress(item, force=True)
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
            C = CampaignItem
            store.update(c.tenant_id, c.id, [C.status.set(dom.FAILED), C.failure_reason.set(exc.message),
                                             C.gsi5pk.remove(), C.gsi5sk.remove()], C.status == dom.SCHEDULED)
    return started


# ---------------------------------------------------------------- reads
def _cursor(raw: str | None) -> dict | None:
    if not raw:
        return None
    try:
        return json.loads(base64.urlsafe_b64decode(raw.encode()).decode())
    except ValueError:
        raise Invalid("Cursor inválido.", field="cursor") from None


def _encode(key: dict | None) -> str | None:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode() if key else None


MAX_KEYWORDS = 20


def opt_out_settings(caller: Principal) -> dict[str, Any]:
    keywords, confirmation = store.settings(caller.tenant_id)
    return {"keywords": keywords, "confirmation": confirmation,
            "defaults": {"keywords": list(dom.DEFAULT_OPT_OUT_KEYWORDS),
                         "confirmation": dom.DEFAULT_OPT_OUT_CONFIRMATION}}


def save_opt_out_settings(caller: Principal, keywords: list[str], confirmation: str) -> dict[str, Any]:
    """Keywords are matched as a whole message, without accents or punctuation, in any case."""
    cleaned = list(dict.fromkeys(k for k in (dom.normalise_keyword(k) for k in keywords) if k))
    if not cleaned:
        raise Invalid("Informe ao menos uma palavra de descadastro.", field="keywords")
    if len(cleaned) > MAX_KEYWORDS:
        raise Invalid(f"No máximo {MAX_KEYWORDS} palavras de descadastro.", field="keywords")
    if any(len(k) > 30 for k in cleaned):
        raise Invalid("Cada palavra de descadastro pode ter até 30 caracteres.", field="keywords")
    text = (confirmation or "").strip()
    if not text or len(text) > MAX_TEXT:
        raise Invalid(f"A confirmação precisa ter de 1 a {MAX_TEXT} caracteres.", field="confirmation")
    store.save_settings(caller.tenant_id, cleaned, text)
    return opt_out_settings(caller)


def received_by(caller: Principal, phone: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """The campaigns a contact received (a send was attempted), newest first, with its status in each."""
    recs = rstore.latest_by_phone(caller.tenant_id, phone, limit=max(1, min(int(limit), 100)))
    found = store.get_many(caller.tenant_id, [r.campaign_id for r in recs])
    return [{**r.view(), "campaign_id": r.campaign_id, "campaign_name": found[r.campaign_id].name,
             "campaign_status": found[r.campaign_id].status}
            for r in recs if r.campaign_id in found]


def recipients(caller: Principal, cid: str, *, status: str | None, cursor: str | None, limit: int = 50
               ) -> dict[str, Any]:
    _get(caller.tenant_id, cid)
    if status and status not in dom.RECIPIENT_STATUSES:
        raise Invalid("Status de destinatário inválido.", field="status")
    start = _cursor(cursor)
    limit = max(1, min(int(limit), 200))
    if status:
        items, last = rstore.by_status(caller.tenant_id, cid, status, limit=limit, start=start)
    else:
        items, last = rstore.all_of(caller.tenant_id, cid, limit=limit, start=start)
    return {"items": [i.view() for i in items], "cursor": _encode(last)}


# where a campaign's media may live: the tenant's campaign files, or a file already sent or received in the inbox
MEDIA_PREFIXES = (("campaigns",), ("outbox", "*"), ("media", "*"))


CSV_COLUMNS = ("phone", "name", "status", "instance_id", "planned_at", "sent_at", "delivered_at", "read_at",
               "replied_at", "error", "wamid")


def export_csv(caller: Principal, cid: str) -> tuple[str, str]:
    c = _get(caller.tenant_id, cid)
    out = io.StringIO()
    writer = SafeWriter(out)  # a recipient's name (or an error text) is never a live formula
    writer.writerow(CSV_COLUMNS)
    start = None
    while True:
        items, start = rstore.all_of(caller.tenant_id, cid, limit=500, start=start)
        for item in items:
            view = item.view()
            writer.writerow(view.get(column) for column in CSV_COLUMNS)
        if start is None:
            break
    safe = "-".join(c.name.split())[:60] or "campanha"
    return out.getvalue(), f"campanha-{safe}.csv"


def timeline(caller: Principal, cid: str) -> dict[str, Any]:
    _get(caller.tenant_id, cid)
    return {"buckets": store.timeline(caller.tenant_id, cid), "bucket_s": 60}


def audience_count(caller: Principal, tags: list[str], contact_ids: list[str]) -> int:
    from alrea.services import contacts

    audience = _audience({"tags": tags, "contact_ids": contact_ids})
    return contacts.count_audience(caller.tenant_id, audience["tags"], audience["contact_ids"])


def preview(caller: Principal, *, variants: list[dict[str, Any]] | None, text: str | None,
            contact_id: str | None, contact: dict[str, Any] | None) -> dict[str, Any]:
    from alrea.store import contacts as contact_store

    texts = [str(v.get("text") or "") for v in (variants or []) if isinstance(v, dict)] or [text or ""]
    if not any(t.strip() for t in texts):
        raise Invalid("Informe o texto da mensagem.", field="text")
    for t in texts:
        dom.check_template(t)
    record: dict[str, Any] = {}
    if contact_id:
        item = contact_store.get_by_id(caller.tenant_id, contact_id)
        if item is None or item.tenant_id != caller.tenant_id:
            raise NotFound("Contato não encontrado.")
        record = {"id": item.id, "phone": item.phone, "name": item.name, "email": item.email,
                  "fields": item.field_values(), "tags": sorted(item.tags or ())}
    elif isinstance(contact, dict):
        record = {k: contact.get(k) for k in ("id", "phone", "name", "email", "fields", "tags")}
        if record.get("fields") is not None and not isinstance(record["fields"], dict):
            raise Invalid("Campos do contato inválidos.", field="contact")
    rng = random.Random()
    rendered, missing = [], []
    for t in texts:
        r, m = dom.render(t, record, rng)
        rendered.append(r)
        missing += [x for x in m if x not in missing]
    return {"rendered": rendered[0], "variants": rendered, "missing_variables": missing}
