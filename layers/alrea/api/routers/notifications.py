"""/api/notifications: the caller's notifications centre (list, unread count, mark read, preferences)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import Field

from alrea.api.deps import CurrentUser
from alrea.api.routers.schemas import Body
from alrea.domain.notifications import KINDS
from alrea.services import notifications as service

router = APIRouter(prefix="/api/notifications", tags=["notifications"])


@router.get("")
def list_notifications(caller: CurrentUser, cursor: str | None = Query(None, max_length=2048),
                       limit: int = Query(20, ge=1, le=100), unread: bool = False) -> dict[str, Any]:
    page = service.list_mine(caller, cursor=cursor, limit=limit, unread_only=unread)
    return {**page.as_json(service.view), "unread": service.unread(caller)}


@router.get("/unread-count")
def unread_count(caller: CurrentUser) -> dict[str, Any]:
    return {"unread": service.unread(caller)}


@router.post("/read-all")
def read_all(caller: CurrentUser) -> dict[str, Any]:
    return {"changed": service.mark_all_read(caller), "unread": service.unread(caller)}


class PreferencesIn(Body):
    muted: list[str] = Field(default_factory=list, max_length=len(KINDS))


@router.get("/preferences")
def get_preferences(caller: CurrentUser) -> dict[str, Any]:
    return service.preferences_view(service.preferences(caller))


@router.put("/preferences")
def put_preferences(body: PreferencesIn, caller: CurrentUser) -> dict[str, Any]:
    return service.preferences_view(service.save_preferences(caller, body.muted))


@router.post("/{notification_id}/read")
def read_one(notification_id: str, caller: CurrentUser) -> dict[str, Any]:
    return {"notification": service.view(service.mark_read(caller, notification_id)),
            "unread": service.unread(caller)}
