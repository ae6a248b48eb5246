"""/api/privacy: LGPD tools for admins — tenant export, retention, tenant deletion (contact erasure lives in
/api/contacts/{id}/erase)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from alrea.api.deps import AdminUser
from alrea.api.routers.schemas import Body, Id
from alrea.domain import privacy as dom
from alrea.services import privacy

router = APIRouter(prefix="/api/privacy", tags=["privacy"])


class RetentionIn(Body):
    messages_days: int | None = None
    media_days: int | None = None


class DeletionIn(Body):
    confirm: str = ""


def export_json(item: dom.Export, url: str | None = None) -> dict[str, Any]:
    return {"id": item.id, "status": item.status, "counts": item.counts or None, "created_at": item.created_at,
            "finished_at": item.finished_at, "error": item.error, "url": url,
            "url_expires_in_s": dom.EXPORT_URL_TTL_S if url else None}


def retention_json(s: dom.PrivacySettings) -> dict[str, Any]:
    return {"messages_days": s.messages_days, "media_days": s.media_days,
            "allowed_days": list(dom.RETENTION_DAYS)}


def deletion_json(s: dom.PrivacySettings) -> dict[str, Any]:
    return {"scheduled_for": s.deletion_due_at, "requested_at": s.deletion_requested_at,
            "message": privacy.deletion_message(s.deletion_due_at)}


@router.post("/exports", status_code=202)
def request_export(caller: AdminUser) -> dict[str, Any]:
    return export_json(privacy.request_export(caller))


@router.get("/exports/{export_id}")
def get_export(export_id: Id, caller: AdminUser) -> dict[str, Any]:
    item = privacy.get_export(caller, export_id)
    return export_json(item, privacy.export_url(item))


@router.get("/retention")
def get_retention(caller: AdminUser) -> dict[str, Any]:
    return retention_json(privacy.get_retention(caller))


@router.put("/retention")
def put_retention(body: RetentionIn, caller: AdminUser) -> dict[str, Any]:
    return retention_json(privacy.put_retention(caller, body.messages_days, body.media_days))


@router.get("/tenant-deletion")
def get_deletion(caller: AdminUser) -> dict[str, Any]:
    return deletion_json(privacy.deletion(caller.tenant_id))


@router.post("/tenant-deletion", status_code=202)
def schedule_deletion(body: DeletionIn, caller: AdminUser) -> dict[str, Any]:
    return deletion_json(privacy.schedule_tenant_deletion(caller, body.confirm[:300]))


@router.delete("/tenant-deletion")
def cancel_deletion(caller: AdminUser) -> dict[str, Any]:
    return deletion_json(privacy.cancel_tenant_deletion(caller))



