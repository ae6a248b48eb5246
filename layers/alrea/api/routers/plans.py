"""GET /api/plans (public): the catalogue of plans, products and add-ons (domain/catalogue.json), which the SPA's
plan comparison reads."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from alrea.domain.plans import public_catalogue

router = APIRouter(prefix="/api", tags=["plans"])


@router.get("/plans")
def list_plans() -> dict[str, Any]:
    return public_catalogue()
