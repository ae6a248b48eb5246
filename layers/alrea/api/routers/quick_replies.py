"""/api/quick-replies: the tenant's canned answers; ``?prefix=/abc`` for the composer's lookup."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response
from pydantic import Field

from alrea.api.deps import CurrentUser, ManagerOrAdmin
from alrea.api.routers.schemas import Body, items_json, quick_reply_json
from alrea.services import quick_replies as service

router = APIRouter(prefix="/api/quick-replies", tags=["quick-replies"])


class QuickReplyIn(Body):
    shortcut: str = Field(min_length=1, max_length=41)
    text: str = Field(min_length=1, max_length=service.MAX_TEXT)


@router.get("")
def list_quick_replies(caller: CurrentUser, prefix: str | None = Query(None, max_length=41)) -> dict[str, Any]:
    return items_json(service.list_all(caller, prefix), quick_reply_json)


@router.post("", status_code=201)
def create_quick_reply(body: QuickReplyIn, caller: ManagerOrAdmin) -> dict[str, Any]:
    return quick_reply_json(service.create(caller, body.shortcut, body.text))


@router.get("/{reply_id}")
def get_quick_reply(reply_id: str, caller: CurrentUser) -> dict[str, Any]:
    return quick_reply_json(service.get(caller, reply_id))


@router.put("/{reply_id}")
def update_quick_reply(reply_id: str, body: QuickReplyIn, caller: ManagerOrAdmin) -> dict[str, Any]:
    return quick_reply_json(service.update(caller, reply_id, body.shortcut, body.text))


@router.delete("/{reply_id}", status_code=204)
def delete_quick_reply(reply_id: str, caller: ManagerOrAdmin) -> Response:
    service.delete(caller, reply_id)
    return Response(status_code=204)
