"""GET /api/me: the caller and their tenant (plan, limits, usage)."""
from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from alrea.api.deps import CurrentUser
from alrea.api.routers.schemas import TenantOut, UserOut, tenant_json, user_json
from alrea.services import billing, users

router = APIRouter(prefix="/api", tags=["me"])


class MeOut(BaseModel):
    user: UserOut
    tenant: TenantOut
    billing: dict | None = None  # services.billing.me_block: status, read-only, the past-due banner


@router.get("/me", response_model=MeOut)
def me(caller: CurrentUser) -> dict:
    user, tenant = users.me(caller)
    return {"user": user_json(user), "tenant": tenant_json(tenant), "billing": billing.me_block(caller.tenant_id)}
