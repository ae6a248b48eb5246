"""Teamwork: GET /api/inbox/agents (whom the caller may assign to, with presence and load) and
PUT /api/me/presence (the caller's "Ausente" switch)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from alrea.api.deps import CurrentUser
from alrea.api.routers.schemas import Body
from alrea.services import presence

router = APIRouter(prefix="/api", tags=["inbox"])


class PresenceIn(Body):
    away: bool


@router.get("/inbox/agents")
def agents(caller: CurrentUser) -> dict[str, Any]:
    return presence.list_agents(caller)


@router.put("/me/presence")
def set_presence(body: PresenceIn, caller: CurrentUser) -> dict[str, Any]:
    return presence.set_away(caller, body.away)
