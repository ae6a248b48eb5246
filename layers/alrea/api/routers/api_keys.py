"""/api/api-keys: an admin's partner API keys — create (the secret shown once), list, revoke."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import Field

from alrea.api.deps import AdminUser
from alrea.api.routers.schemas import Body
from alrea.domain import api_keys as dom
from alrea.services import api_keys as service

router = APIRouter(prefix="/api/api-keys", tags=["api-keys"])


class ApiKeyIn(Body):
    name: str = Field(min_length=1, max_length=80)
    scopes: list[str] = Field(min_length=1, max_length=len(dom.SCOPES))


def shape(key: dom.ApiKey) -> dict[str, Any]:
    return {"id": key.id, "name": key.name, "scopes": list(key.scopes), "prefix": key.prefix,
            "created_by": key.created_by, "created_at": key.created_at, "last_used_at": key.last_used_at,
            "revoked": key.revoked, "revoked_at": key.revoked_at}


@router.get("/scopes")
def list_scopes(caller: AdminUser) -> dict[str, Any]:
    return {"items": [{"scope": s, "label": label} for s, label in dom.SCOPES.items()], "next_cursor": None}


@router.get("")
def list_api_keys(caller: AdminUser) -> dict[str, Any]:
    return {"items": [shape(k) for k in service.list_keys(caller)], "next_cursor": None}


@router.post("", status_code=201)
def create_api_key(body: ApiKeyIn, caller: AdminUser) -> dict[str, Any]:
    key, secret = service.create(caller, body.name, body.scopes)
    return {**shape(key), "secret": secret}


@router.delete("/{key_id}", status_code=204)
def revoke_api_key(key_id: str, caller: AdminUser) -> Response:
    service.revoke(caller, key_id)
    return Response(status_code=204)
