"""/api/tenant (admins): the company's settings — name, time zone, country. Read them in GET /api/me."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import StringConstraints

from alrea.api.deps import AdminUser
from alrea.api.routers.schemas import Body, Name, TenantOut, tenant_json
from alrea.services import account

router = APIRouter(prefix="/api/tenant", tags=["account"])


class TenantIn(Body):
    name: Name
    timezone: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
    country: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=2)]


@router.patch("", response_model=TenantOut)
def update_tenant(body: TenantIn, caller: AdminUser) -> dict:
    return tenant_json(account.update_tenant(caller, name=body.name, timezone=body.timezone,
                                             country=body.country))
