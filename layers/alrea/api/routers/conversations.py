"""/api/conversations: the shared inbox's reads (newest activity first) and a conversation's messages."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from alrea.api.deps import CurrentUser
from alrea.services import conversations

router = APIRouter(prefix="/api/conversations", tags=["conversations"])

Limit = Query(50, ge=1, le=conversations.MAX_LIMIT, description="page size (1..100)")
Cursor = Query(None, max_length=2048, description="next_cursor of the previous page")


@router.get("")
def list_conversations(caller: CurrentUser, limit: int = Limit, cursor: str | None = Cursor) -> dict[str, Any]:
    return conversations.list_conversations(caller, limit=limit, cursor=cursor)


@router.get("/{conversation_id}")
def get_conversation(conversation_id: str, caller: CurrentUser) -> dict[str, Any]:
    return conversations.get_conversation(caller, conversation_id)


@router.get("/{conversation_id}/messages")
def list_messages(conversation_id: str, caller: CurrentUser, limit: int = Limit,
                  cursor: str | None = Cursor) -> dict[str, Any]:
    return conversations.list_messages(caller, conversation_id, limit=limit, cursor=cursor)
