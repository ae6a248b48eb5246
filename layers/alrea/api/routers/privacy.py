"""/api/privacy: LGPD tools for admins — tenant export, retention, tenant deletion (contact erasure lives in
/api/contacts/{id}/erase)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from alrea.api.deps import AdminUser
from alrea.api.routers.schemas import Body, Id
from alrea.services import privacy

router = APIRouter(prefix="/api/privacy", tags=["privacy"])


class RetentionIn(Body):
    messages_days: int | None = None
    media_days: int | None = None


class DeletionIn(Body):
    confirm: str = ""


@router.post("/exports", status_code=202)
def request_export(caller: AdminUser) -> dict[str, Any]:
    return privacy.request_export(caller)


@router.get("/exports/{export_id}")
def get_export(export_id: Id, caller: AdminUser) -> dict[str, Any]:
    return privacy.get_export(caller, export_id)


@router.get("/retention")
def get_retention(caller: AdminUser) -> dict[str, Any]:
    return privacy.get_retention(caller)


@router.put("/retention")
def put_retention(body: RetentionIn, caller: AdminUser) -> dict[str, Any]:
    return privacy.put_retention(caller, body.messages_days, body.media_days)


@router.get("/tenant-deletion")
def get_deletion(caller: AdminUser) -> dict[str, Any]:
    return privacy.deletion_view(caller.tenant_id)


@router.post("/tenant-deletion", status_code=202)
def schedule_deletion(body: DeletionIn, caller: AdminUser) -> dict[str, Any]:
    return privacy.schedule_tenant_deletion(caller, body.confirm[:300])


@router.delete("/tenant-deletion")
def cancel_deletion(caller: AdminUser) -> dict[str, Any]:
    return privacy.cancel_tenant_deletion(caller)



