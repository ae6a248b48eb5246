"""/api/inbox/settings: the tenant's inbox settings (auto-assignment, waiting thresholds in minutes). Everyone
reads; admins change (a PUT changes only the fields it carries)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from alrea.api.deps import AdminUser, CurrentUser
from alrea.api.routers.schemas import Body
from alrea.services import inbox

router = APIRouter(prefix="/api/inbox", tags=["inbox"])


class InboxSettingsIn(Body):
    auto_assign: bool | None = None
    wait_warn_minutes: int | None = None
    wait_alert_minutes: int | None = None


@router.get("/settings")
def get_settings(caller: CurrentUser) -> dict[str, Any]:
    return inbox.get_settings(caller)


@router.put("/settings")
def put_settings(body: InboxSettingsIn, caller: AdminUser) -> dict[str, Any]:
    return inbox.put_settings(caller, auto_assign=body.auto_assign, wait_warn_minutes=body.wait_warn_minutes,
                              wait_alert_minutes=body.wait_alert_minutes)
