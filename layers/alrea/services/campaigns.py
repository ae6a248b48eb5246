"""Campaign authoring: create, change and delete drafts (validated), preview a message, the audience count,
the opt-out settings.

The campaign code is split by concern: this module (authoring), campaign_runs (start/pause/resume/cancel/
complete), campaign_planner and campaign_sender (the run's rounds and sends), campaign_events (receipts,
replies, opt-outs, dropped numbers) and campaign_reads (read models). The names other modules call are
re-exported at the end of this one.
"""
from __future__ import annotations

import random
from typing import Any

from alrea.core.clock import iso, new_id, parse_iso, utcnow
from alrea.core.errors import Conflict, Invalid, NotFound
from alrea.domain import campaigns as dom
from alrea.domain.object_keys import tenant_object_key
from alrea.domain.roles import Principal
from alrea.services.campaign_progress import alert, push_progress  # noqa: F401 - re-exported
from alrea.services.campaign_reads import (  # noqa: F401 - re-exported
    export_csv, get, list_page, load, received_by, recipients, timeline, view,
)
from alrea.services.campaign_runs import (  # noqa: F401 - re-exported
    CHANGED, cancel, complete_if_done, pause, pause_campaign, resume, start, start_due, start_now,
)
from alrea.store import campaigns as store
from alrea.store import instances as instance_store
from alrea.store.tenants import get_tenant

MAX_VARIANTS = 10
MAX_PHONES = 1000  # explicit phones in one audience (partner API); larger audiences go by tags
MAX_TEXT = 4096
# where a campaign's media may live: the tenant's campaign files, or a file already sent or received in the inbox
MEDIA_PREFIXES = (("campaigns",), ("outbox", "*"), ("media", "*"))


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


def _audience_of(caller: Principal, raw: Any) -> dict[str, Any]:
    """``_audience`` plus explicit ``phones`` (the partner API): each phone's contact — created when the tenant
    has none — joins ``contact_ids``, so the run treats it as any chosen contact (opted-out ones skipped)."""
    from alrea.services import contacts

    audience = _audience(raw)
    phones = raw.get("phones") if isinstance(raw, dict) else None
    if phones:
        if not isinstance(phones, list) or len(phones) > MAX_PHONES:
            raise Invalid(f"No máximo {MAX_PHONES} telefones por campanha: use etiquetas.", field="audience.phones")
        found = contacts.for_phones(caller, [str(p) for p in phones], field="audience.phones")
        audience["contact_ids"] = list(dict.fromkeys([*audience["contact_ids"], *(c.id for c in found)]))
    return audience


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


# ---------------------------------------------------------------- drafts
def create(caller: Principal, data: dict[str, Any]) -> dom.Campaign:
    tid = caller.tenant_id
    pacing = dom.Pacing.parse(data.get("pacing"))
    now = iso(utcnow())
    checked = {"name": _name(data.get("name")), "variants": _variants(data.get("variants"), tid),
               "instance_ids": _instances(tid, data.get("instance_ids")), "pacing": pacing.as_dict(),
               "schedule_at": _schedule(data.get("schedule_at")),
               "reply_window_h": _reply_window(data.get("reply_window_h"))}
    audience = _audience_of(caller, data.get("audience"))  # last: explicit phones may create contacts
    return store.create(dom.Campaign(
        id=new_id(), tenant_id=tid, status=dom.DRAFT, audience=audience, timezone=get_tenant(tid).timezone,
        created_by=caller.user_id, created_at=now, updated_at=now, **checked))


def update(caller: Principal, cid: str, data: dict[str, Any]) -> dom.Campaign:
    tid = caller.tenant_id
    current = load(tid, cid)
    if current.status not in dom.EDITABLE:
        raise Conflict("Só campanhas em rascunho ou agendadas podem ser alteradas.")
    changes: dict[str, Any] = {}
    if "name" in data:
        changes["name"] = _name(data["name"])
    if "variants" in data:
        changes["variants"] = _variants(data["variants"], tid)
    if "audience" in data:
        changes["audience"] = _audience_of(caller, data["audience"])
    if "instance_ids" in data:
        changes["instance_ids"] = _instances(tid, data["instance_ids"])
    if "pacing" in data:
        changes["pacing"] = dom.Pacing.parse({**(current.pacing or {}), **(data["pacing"] or {})}).as_dict()
    if "reply_window_h" in data:
        changes["reply_window_h"] = _reply_window(data["reply_window_h"])
    schedule = (_schedule(data["schedule_at"]),) if "schedule_at" in data else None
    if not changes and schedule is None:
        return current
    item = store.edit(tid, cid, changes, schedule=schedule)
    if item is None:
        raise Conflict(CHANGED)
    return item


def delete(caller: Principal, cid: str) -> None:
    current = load(caller.tenant_id, cid)
    if current.status != dom.DRAFT:
        raise Conflict("Só campanhas em rascunho podem ser excluídas; cancele-a antes.")
    if not store.delete_draft(caller.tenant_id, cid):
        raise Conflict(CHANGED)


MAX_KEYWORDS = 20


# ---------------------------------------------------------------- opt-out settings
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


def audience_count(caller: Principal, tags: list[str], contact_ids: list[str]) -> int:
    from alrea.services import contacts

    audience = _audience({"tags": tags, "contact_ids": contact_ids})
    return contacts.count_audience(caller.tenant_id, audience["tags"], audience["contact_ids"])


def preview(caller: Principal, *, variants: list[dict[str, Any]] | None, text: str | None,
            contact_id: str | None, contact: dict[str, Any] | None) -> dict[str, Any]:
    from alrea.store import contacts as contact_store

    texts = [str(v.get("text") or "") for v in (variants or []) if isinstance(v, dict)] or [text or ""]
    with_media = any(isinstance(v, dict) and v.get("media") for v in (variants or []))
    if not any(t.strip() for t in texts) and not with_media:  # a file alone needs no caption
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

