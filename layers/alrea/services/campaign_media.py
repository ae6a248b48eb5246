"""What the campaign wizard needs besides the draft itself: media files for a variant (a presigned PUT under the
tenant's campaign prefix, size and type checked by kind, a short-lived GET for the preview) and each number's
warm-up today.

A media variant is sent through Evolution's media route (``sendMedia``) with its caption rendered per contact;
every send of a campaign hands Evolution the same object (the sender presigns it once per invocation).
Evolution's Baileys channel uploads a file to WhatsApp on each send and has no API to reuse an upload, so
"uploaded once per campaign" holds for our storage, not for WhatsApp's.
"""
from __future__ import annotations

import re
from typing import Any

from alrea.core.clock import new_id, utcnow
from alrea.core.errors import Invalid
from alrea.domain import campaigns as dom
from alrea.domain.object_keys import tenant_object_key
from alrea.domain.roles import Principal
from alrea.services.campaign_failover import warm_since
from alrea.resources import tenant_key
from alrea.store import instances as instance_store
from alrea.wiring import runtime

UPLOAD_TTL_S = 900
PREVIEW_TTL_S = 3600
MB = 1024 * 1024
# WhatsApp's limits by kind, and the types it plays
KINDS: dict[str, tuple[int, tuple[str, ...]]] = {
    "image": (5 * MB, ("image/jpeg", "image/png", "image/webp")),
    "video": (16 * MB, ("video/mp4", "video/3gpp")),
    "audio": (16 * MB, ("audio/mpeg", "audio/ogg", "audio/mp4", "audio/aac", "audio/amr")),
    "document": (100 * MB, ("application/pdf", "application/msword", "application/vnd.ms-excel",
                            "application/vnd.ms-powerpoint", "text/plain", "text/csv", "application/zip",
                            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            "application/vnd.openxmlformats-officedocument.presentationml.presentation")),
}
LABELS = {"image": "imagem", "video": "vídeo", "audio": "áudio", "document": "documento"}


def create_upload(caller: Principal, *, file_name: str, mimetype: str, size: int) -> dict[str, Any]:
    mimetype = (mimetype or "").split(";")[0].strip().lower()
    kind = dom.mediatype_of(mimetype)
    limit, types = KINDS[kind]
    if mimetype not in types:
        raise Invalid("Tipo de arquivo não aceito pelo WhatsApp. Use imagem (JPG, PNG, WebP), vídeo (MP4), "
                      "áudio (MP3, OGG, M4A) ou documento (PDF, Word, Excel, PowerPoint, TXT, CSV, ZIP).",
                      field="mimetype")
    if size <= 0 or size > limit:
        raise Invalid(f"Um arquivo de {LABELS[kind]} deve ter até {limit // MB} MB.", field="size")
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", file_name or "").strip("._")[:80] or "arquivo"
    key = tenant_key(caller.tenant_id, "campaigns", f"{new_id()}-{safe}")
    storage = runtime().storage
    return {"key": key, "upload_url": storage.presign_put(key, UPLOAD_TTL_S, mimetype),
            "headers": {"Content-Type": mimetype}, "expires_in": UPLOAD_TTL_S, "mimetype": mimetype,
            "file_name": file_name or safe, "mediatype": kind,
            "preview_url": storage.presign_get(key, PREVIEW_TTL_S)}


def preview_url(caller: Principal, key: str) -> dict[str, Any]:
    """A fresh GET for a variant's file (the wizard's preview of a saved draft)."""
    from alrea.services.campaigns import MEDIA_PREFIXES

    key = tenant_object_key(key, caller.tenant_id, *MEDIA_PREFIXES, field="key", message="Arquivo inválido.")
    return {"key": key, "url": runtime().storage.presign_get(key, PREVIEW_TTL_S), "expires_in": PREVIEW_TTL_S}


def warmup(caller: Principal, instance_ids: list[str], pacing: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Per number: is it warming up, and how many sends it may make today under ``pacing`` (the tenant's
    zone)."""
    from alrea.store.tenants import get_tenant

    plan = dom.Pacing.parse(pacing)
    tz = dom.zone(get_tenant(caller.tenant_id).timezone)
    today = utcnow().astimezone(tz).date().isoformat()
    out = []
    for iid in dict.fromkeys(instance_ids):
        try:
            instance_store.get(caller.tenant_id, iid)
        except Exception:  # noqa: BLE001 - NotFound: not the tenant's number
            continue
        since = warm_since(caller.tenant_id, iid, tz) if plan.warmup else None
        cap = plan.cap_on(today, since)
        out.append({"instance_id": iid, "warming": cap < plan.daily_cap_per_number, "limit_today": cap,
                    "connected_on": since, "daily_cap": plan.daily_cap_per_number})
    return out
