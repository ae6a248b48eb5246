"""/api/sense: Sense's settings (admins) — on/off, adapter, endpoint URL, model and secret (write-only) — and the
"testar" button. One router, so one product gate covers every Sense route (DECISIONS 32E)."""
from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import Field

from alrea.api.deps import AdminUser
from alrea.api.routers.schemas import Body
from alrea.services import sense

router = APIRouter(prefix="/api/sense", tags=["sense"])


class SenseSettingsIn(Body):
    enabled: bool = False
    adapter: Literal["builtin", "http"] = "builtin"
    url: str | None = Field(None, max_length=500)
    model: str | None = Field(None, max_length=80)
    secret: str | None = Field(None, max_length=500, description="write-only; never returned")
    clear_secret: bool = False


class SenseTestIn(SenseSettingsIn):
    text: str | None = Field(None, max_length=500)


@router.get("/settings")
def get_settings(caller: AdminUser) -> dict[str, Any]:
    return sense.get_settings_view(caller)


@router.put("/settings")
def put_settings(body: SenseSettingsIn, caller: AdminUser) -> dict[str, Any]:
    return sense.save_settings(caller, **body.model_dump())


@router.post("/test")
def test(body: SenseTestIn, caller: AdminUser) -> dict[str, Any]:
    fields = body.model_dump()
    return sense.test(caller, text=fields.pop("text"), **fields)
