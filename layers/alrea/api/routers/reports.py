"""/api/reports: the home dashboard and the numbers' health (admins and managers)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from alrea.api.deps import ManagerOrAdmin
from alrea.services import reports

router = APIRouter(prefix="/api/reports", tags=["reports"])


@router.get("/dashboard")
def dashboard(caller: ManagerOrAdmin) -> dict[str, Any]:
    return reports.dashboard(caller)


@router.get("/campaigns/{campaign_id}")
def campaign(campaign_id: str, caller: ManagerOrAdmin) -> dict[str, Any]:
    return reports.campaign_analytics(caller, campaign_id)


@router.get("/numbers")
def numbers(caller: ManagerOrAdmin) -> dict[str, Any]:
    return {"items": reports.numbers_health(caller)}


@router.get("/numbers/{instance_id}")
def number(instance_id: str, caller: ManagerOrAdmin) -> dict[str, Any]:
    return reports.number_health(caller, instance_id)
