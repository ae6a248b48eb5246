"""The caller's profile (PATCH /api/me/profile), a number's display name (PUT /api/instances/{id}/name, admins)
and the onboarding checklist (GET /api/onboarding)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import Field

from alrea.api.deps import AdminUser, CurrentUser
from alrea.api.routers.instances import public
from alrea.api.routers.schemas import Body, tenant_json, user_json
from alrea.services import account, onboarding

router = APIRouter(prefix="/api", tags=["account"])


class ProfileIn(Body):
    name: str = Field(max_length=account.MAX_PROFILE_NAME + 40)


@router.patch("/me/profile")
def update_profile(body: ProfileIn, caller: CurrentUser) -> dict[str, Any]:
    user, tenant = account.rename_me(caller, body.name)
    return {"user": user_json(user), "tenant": tenant_json(tenant)}


class NumberName(Body):
    name: str = Field(max_length=200)


@router.put("/instances/{instance_id}/name")
def rename_number(instance_id: str, body: NumberName, caller: AdminUser) -> dict[str, Any]:
    return public(account.rename_number(caller, instance_id, body.name), caller)


@router.get("/onboarding")
def get_onboarding(caller: CurrentUser) -> dict[str, Any]:
    return onboarding.view(onboarding.checklist(caller))


class AutoAssignIn(Body):
    enabled: bool | None  # None: follow the tenant's setting again


@router.get("/number-settings")
def list_number_settings(caller: AdminUser) -> dict[str, Any]:
    return {"items": account.number_auto_assign(caller), "next_cursor": None}


@router.put("/instances/{instance_id}/auto-assign")
def set_auto_assign(instance_id: str, body: AutoAssignIn, caller: AdminUser) -> dict[str, Any]:
    return account.set_number_auto_assign(caller, instance_id, body.enabled)
