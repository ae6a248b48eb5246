"""GET /api/me: the caller and their tenant: plan, products, limits and the usage of every limit."""
from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from alrea.api.deps import CurrentUser
from alrea.api.routers.schemas import TenantOut, UserOut, tenant_json, user_json
from alrea.services import billing, subscriptions, users

router = APIRouter(prefix="/api", tags=["me"])


class PlanOut(BaseModel):
    name: str
    title: str
    status: str  # trialing | active | past_due | canceled
    trial_ends_at: str | None = None
    add_ons: list[str]


class UsageOut(BaseModel):
    used: int
    limit: int | None  # None: unlimited


class MeOut(BaseModel):
    user: UserOut
    tenant: TenantOut
    plan: PlanOut
    products: list[str]
    usage: dict[str, UsageOut]  # per limit (max_users, max_numbers, max_contacts, max_campaigns_per_month)
    billing: dict | None = None  # services.billing.me_block: status, read-only, the past-due banner


@router.get("/me", response_model=MeOut)
def me(caller: CurrentUser) -> dict:
    user, tenant = users.me(caller)
    return {"user": user_json(user), "tenant": tenant_json(tenant), "plan": subscriptions.plan_view(tenant),
            "products": sorted(tenant.products), "usage": subscriptions.usage(tenant),
            "billing": billing.me_block(caller.tenant_id)}
