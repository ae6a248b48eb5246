"""LGPD: tenant export, tenant deletion (after a grace period), contact erasure, retention settings.

Everything is read with Query by the tenant's partitions (never Scan) and deleted key by key:

- export: a queued job writes ONE zip to ``t/<tid>/exports/<id>.zip`` with JSON Lines files (contacts,
  conversations, messages, campaigns, campaign_recipients) and ``manifest.json`` (counts); the API hands out
  a short-lived presigned URL once it is ready.
- tenant deletion: scheduled ``DELETION_GRACE`` ahead (admins can still sign in and cancel); the scheduled
  function purges every partition of the tenant, its pointer items (e-mail, webhook token, Evolution name,
  WhatsApp ids) and every S3 object under ``t/<tid>/``.
- contact erasure: the contact, their conversations with messages, media and read markers, their campaign
  recipient rows, sticky number, tag memberships (and counters); a tenant-salted hash of the phone stays as a
  suppression entry the campaign audience honours.
"""
from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime
from typing import Any

from alrea.core.clock import iso, new_id, parse_iso, utcnow
from alrea.core.errors import Conflict, Invalid, NotFound
from alrea.core.log import logger
from alrea.domain import privacy as dom
from alrea.domain.roles import Principal
from alrea.resources import tenant_key
from alrea.domain import campaigns as campaign_dom
from alrea.services import campaigns as campaign_svc
from alrea.services import contacts as contact_svc
from alrea.services import retention
from alrea.store import campaigns as campaign_store
from alrea.store import contacts as contact_store
from alrea.store import conversations as conv_store
from alrea.store import messages as message_store
from alrea.store import privacy as store
from alrea.store import recipients as recipient_store
from alrea.store import tags as tag_store
from alrea.store import users as user_store
from alrea.store.tenants import get_tenant
from alrea.wiring import runtime

EXPORT_QUEUE = "privacy_export"
PAGE = 200


# ---------------------------------------------------------------- export
def export_url(item: dom.Export) -> str | None:
    """A short-lived download of a ready export's archive (None until it is ready)."""
    if item.status != "ready" or not item.key:
        return None
    name = f"alrea-export-{(item.created_at or '')[:10]}.zip"
    return runtime().storage.presign_get(item.key, dom.EXPORT_URL_TTL_S, filename=name)


def request_export(caller: Principal) -> dom.Export:
    item = store.new_export(caller.tenant_id, new_id(), caller.user_id)
    runtime().bus.publish(EXPORT_QUEUE, {"tenant_id": caller.tenant_id, "export_id": item.id})
    logger.info("tenant export requested", extra={"export_id": item.id})
    return item


def get_export(caller: Principal, export_id: str) -> dom.Export:
    item = store.get_export(caller.tenant_id, export_id)
    if item is None:
        raise NotFound("Exportação não encontrada.")
    return item


def export_key(tenant_id: str, export_id: str) -> str:
    return tenant_key(tenant_id, "exports", f"{export_id}.zip")


class _Jsonl:
    """One JSON Lines file inside the zip, written as it goes, with its line count."""

    def __init__(self, zf: zipfile.ZipFile, name: str) -> None:
        self.name, self.count = name, 0
        self._f = zf.open(name, "w")

    def write(self, record: dict[str, Any]) -> None:
        self._f.write(json.dumps(record, ensure_ascii=False, default=str).encode("utf-8") + b"\n")
        self.count += 1

    def close(self) -> None:
        self._f.close()


def build_archive(tenant_id: str, export_id: str) -> tuple[bytes, dict[str, int]]:
    from alrea.domain.conversations import conversation_view
    from alrea.domain.messages import message_view

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        contacts = _Jsonl(zf, "contacts.jsonl")
        for item, _ in contact_store.iter_all(tenant_id):
            contacts.write(contact_svc.public(item))
        contacts.close()
        conversations = _Jsonl(zf, "conversations.jsonl")
        cids: list[str] = []
        for conv in conv_store.iter_all(tenant_id, page_size=PAGE):
            conversations.write(conversation_view(conv))
            cids.append(conv.id)
        conversations.close()
        messages = _Jsonl(zf, "messages.jsonl")
        for cid in cids:
            for msg in message_store.iter_all(tenant_id, cid, page_size=PAGE):
                messages.write(message_view(msg))
        messages.close()
        campaigns = _Jsonl(zf, "campaigns.jsonl")  # a zip takes one writer at a time: campaigns, then rows
        camp_ids: list[str] = []
        for camp in campaign_store.list_all(tenant_id):
            campaigns.write(campaign_svc.view(camp))
            camp_ids.append(camp.id)
        campaigns.close()
        recipients = _Jsonl(zf, "campaign_recipients.jsonl")
        for camp_id in camp_ids:
            for rec in recipient_store.iter_all(tenant_id, camp_id, page_size=PAGE):
                recipients.write({"campaign_id": camp_id, **campaign_dom.recipient_json(rec)})
        recipients.close()
        counts = {f.name.removesuffix(".jsonl"): f.count
                  for f in (contacts, conversations, messages, campaigns, recipients)}
        manifest = {"format": "alrea-export/1 (JSON Lines, UTF-8)", "tenant_id": tenant_id,
                    "export_id": export_id, "created_at": iso(utcnow()),
                    "files": {f"{name}.jsonl": n for name, n in counts.items()}, "counts": counts}
        zf.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
    return buffer.getvalue(), counts


def run_export(tenant_id: str, export_id: str) -> str:
    """The queued job: build the archive, store it, mark the export ready (or failed, then raise: retried)."""
    item = store.get_export(tenant_id, export_id)
    if item is None or item.status == "ready":
        return "skipped"
    store.set_export(tenant_id, export_id, "running")
    try:
        data, counts = build_archive(tenant_id, export_id)
        key = export_key(tenant_id, export_id)
        runtime().storage.put(key, data, "application/zip", tags=dict([dom.EXPORT_TAG]))
    except Exception as exc:
        store.set_export(tenant_id, export_id, "failed", error="Falha ao gerar a exportação; tente de novo.")
        logger.exception("tenant export failed", extra={"export_id": export_id, "error": repr(exc)})
        raise
    store.set_export(tenant_id, export_id, "ready", key=key, counts=counts)
    logger.info("tenant export ready", extra={"export_id": export_id, "bytes": len(data), "counts": counts})
    return "ready"


# ---------------------------------------------------------------- retention
def get_retention(caller: Principal) -> dom.PrivacySettings:
    return store.settings(caller.tenant_id)


def put_retention(caller: Principal, messages_days: Any, media_days: Any) -> dom.PrivacySettings:
    try:
        m = dom.check_retention(messages_days, "messages_days")
        d = dom.check_retention(media_days, "media_days")
    except dom.RetentionError as exc:
        raise Invalid(str(exc).capitalize() + ".") from None
    store.save_retention(caller.tenant_id, m, d)
    retention.forget(caller.tenant_id)
    return get_retention(caller)


# ---------------------------------------------------------------- tenant deletion
PENDING_NOTE = ("Até lá, os administradores continuam podendo entrar e cancelar a exclusão em "
                "Configurações → Privacidade.")


def deletion(tenant_id: str) -> dom.PrivacySettings:
    """The tenant's privacy settings, whose ``deletion_due_at`` is the scheduled deletion (None: none)."""
    return store.settings(tenant_id)


def deletion_message(due: str | None) -> str:
    return (f"A exclusão de todos os dados da empresa está agendada para {due}. {PENDING_NOTE}"
            if due else "Nenhuma exclusão agendada.")


def schedule_tenant_deletion(caller: Principal, confirm: str, now: datetime | None = None
                             ) -> dom.PrivacySettings:
    tenant = get_tenant(caller.tenant_id)
    if not confirm or not dom.names_match(confirm, tenant.name):
        raise Invalid("Para confirmar, digite exatamente o nome da empresa.", field="confirm")
    due = iso((now or utcnow()) + dom.DELETION_GRACE)
    if not store.schedule_deletion(caller.tenant_id, due, caller.user_id):
        raise Conflict("A exclusão da empresa já está agendada. " + PENDING_NOTE)
    logger.warning("tenant deletion scheduled", extra={"due_at": due})
    return deletion(caller.tenant_id)


def cancel_tenant_deletion(caller: Principal) -> dom.PrivacySettings:
    if not store.cancel_deletion(caller.tenant_id):
        raise NotFound("Nenhuma exclusão agendada.")
    logger.warning("tenant deletion cancelled")
    return deletion(caller.tenant_id)


def run_due_deletions(now: datetime | None = None) -> int:
    """The scheduled function: purge every tenant whose grace period is over."""
    done = 0
    for s in store.due_deletions(iso(now or utcnow())):
        if s.deletion_due_at and parse_iso(s.deletion_due_at) <= (now or utcnow()):
            purge_tenant(s.tenant_id)
            done += 1
    return done


def purge_tenant(tenant_id: str) -> dict[str, int]:
    """Delete every item and object of a tenant. Child partitions and pointers first, then the objects, the
    tenant's own partition last (its PRIVACY item keeps the deletion due until then, so a crash is retried
    next run)."""
    deleted_items = store.purge_tenant_children(tenant_id)
    storage = runtime().storage
    objects = list(storage.list_keys(tenant_key(tenant_id, "")))
    storage.delete_many(objects)
    deleted_items += store.purge_tenant_partition(tenant_id)
    logger.warning("tenant purged", extra={"purged_tenant": tenant_id, "items": deleted_items,
                                           "objects": len(objects)})
    return {"items": deleted_items, "objects": len(objects)}


# ---------------------------------------------------------------- contact erasure
def erase_contact(caller: Principal, contact_id: str) -> dict[str, Any]:
    tid = caller.tenant_id
    item = contact_store.get_by_id(tid, contact_id)
    if item is None:
        raise NotFound("Contato não encontrado.")
    phone, key = item.phone, item.key
    conversations = _contact_conversations(tid, key, phone, item.lid)
    plan = store.erasure_plan(tid, phone=phone, avatar_key=item.avatar_key,
                              conversation_ids=[conv.id for conv in conversations],
                              user_ids=[u.user_id for u in user_store.list_users(tid)],
                              campaign_ids=[camp.id for camp in campaign_store.list_all(tid)] if phone else [])
    runtime().storage.delete_many(list(plan.objects))
    store.delete_planned(plan)
    for conv in conversations:
        store.drop_conversation(tid, conv.id, assigned_user_id=conv.assigned_user_id, status=conv.status)
    if contact_store.delete(item):
        if item.tags:
            tag_store.remove_members(tid, ((t, key) for t in item.tags))
            tag_store.adjust(tid, {t: -1 for t in item.tags})
        if item.counted:
            contact_store.release(tid, 1)
    if phone:
        store.suppress(tid, dom.phone_hash(tid, phone))
    logger.warning("contact erased", extra={"contact_id": contact_id, "conversations": len(conversations),
                                            "objects": len(plan.objects), "recipients": plan.recipients})
    return {"erased": True, "conversations": len(conversations), "messages_and_pointers": len(plan.items),
            "files": len(plan.objects), "campaign_recipients": plan.recipients}


def _contact_conversations(tenant_id: str, key: str, phone: str | None, lid: str | None) -> list[Any]:
    """The contact's conversations on every number: the tenant's conversation partition (Query) by contact."""
    wanted = {v for v in (key, phone, lid) if v}
    found = []
    for conv in conv_store.iter_all(tenant_id, page_size=PAGE):
        if not conv.is_group and ({conv.contact_key, conv.phone, conv.lid} & wanted):
            found.append(conv)
    return found


def is_suppressed(tenant_id: str, phone: str) -> bool:
    return bool(store.suppressed(tenant_id, [dom.phone_hash(tenant_id, phone)]))

