"""GET /api/health: no auth; 200 when every component is ok, 503 otherwise."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from alrea.services import health

router = APIRouter(prefix="/api", tags=["health"])


class HealthOut(BaseModel):
    status: Literal["ok", "degraded"]
    components: dict[str, str]


@router.get("/health", response_model=HealthOut, responses={503: {"model": HealthOut}})
def get_health() -> JSONResponse:
    report = health.check()
    return JSONResponse(report, 200 if report["status"] == "ok" else 503)
