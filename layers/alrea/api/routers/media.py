"""/api/media: short-lived presigned URLs of stored message files, for users who may see the conversation, and
a new download of a received file whose download failed."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path

from alrea.api.deps import CurrentUser
from alrea.services import media

router = APIRouter(prefix="/api/media", tags=["media"])

ConversationId = Path(max_length=200)
MessageId = Path(max_length=200, pattern=r"^[A-Za-z0-9_.:@-]+$")


@router.get("/{conversation_id}/{message_id}")
def media_url(caller: CurrentUser, conversation_id: str = ConversationId,
              message_id: str = MessageId) -> dict[str, Any]:
    """``{url, expires_in, mimetype, file_name}``; 404 for another tenant's or an unknown message."""
    return media.media_url(caller, conversation_id, message_id)


@router.post("/{conversation_id}/{message_id}/retry", status_code=202)
def retry_download(caller: CurrentUser, conversation_id: str = ConversationId,
                   message_id: str = MessageId) -> dict[str, Any]:
    """Queue the download again (the message's ``media_error`` is cleared); 409 when there is nothing to retry."""
    return media.retry_download(caller, conversation_id, message_id)
