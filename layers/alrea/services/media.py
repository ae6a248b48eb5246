"""Inbound media: fetch a message's file through Evolution into the tenant's S3 prefix, then tell the inbox.

Jobs come from services/inbound.py on ``chat_download_attachment``: ``{tenant_id, instance_id, conversation_id,
message_sk, wamid}``. Idempotent: a message that already has its ``media_key`` is skipped. A failure raises, so
the queue retries it and, past its max receive count, dead-letters it.
"""
from __future__ import annotations

import mimetypes
import re

from pydantic import BaseModel

from alrea.core.config import get_settings
from alrea.core.errors import NotFound
from alrea.core.log import logger
from alrea.domain.roles import Principal
from alrea.resources import tenant_key
from alrea.services import audience
from alrea.store import instances, messages
from alrea.wiring import runtime

MEDIA_NOT_FOUND = "Mídia não encontrada."
NOT_DOWNLOADED = "A mídia desta mensagem ainda não está disponível."


class DownloadJob(BaseModel):
    tenant_id: str
    instance_id: str
    conversation_id: str
    message_sk: str
    wamid: str


def media_key(tenant_id: str, conversation_id: str, wamid: str, mimetype: str | None) -> str:
    base = (mimetype or "").split(";")[0].strip()
    ext = {"audio/ogg": ".ogg", "image/webp": ".webp"}.get(base) or mimetypes.guess_extension(base) or ".bin"
    safe_id = re.sub(r"[^A-Za-z0-9_-]", "_", wamid)
    return tenant_key(tenant_id, "media", conversation_id, safe_id + ext)


def download_attachment(body: dict) -> str | None:
    """Store the media of one message; answers its S3 key (None when there is nothing to do)."""
    job = DownloadJob.model_validate(body)
    item = messages.get(job.tenant_id, job.conversation_id, job.message_sk)
    if item is None or item.id != job.wamid:
        logger.warning("media job for a message we do not have", extra={"wamid": job.wamid})
        return None
    if item.media_key:
        return item.media_key
    try:
        instance = instances.get(job.tenant_id, job.instance_id)
    except NotFound:
        logger.info("media job for a deleted instance", extra={"instance_id": job.instance_id})
        return None
    media = runtime().whatsapp.get_media_base64(instance.evolution_name, job.wamid)
    mimetype = media.mimetype or (item.media.as_dict().get("mimetype") if item.media else None)
    key = media_key(job.tenant_id, job.conversation_id, job.wamid, mimetype)
    runtime().storage.put(key, media.data, mimetype or "application/octet-stream")
    messages.set_media_key(item, key)
    # only the people who may see the conversation (never the tenant-wide group): it carries text and key
    audience.push_to_conversation(job.tenant_id, job.conversation_id, {"type": "message_updated",
                                                                       "message": item.view()})
    logger.info("media stored", extra={"wamid": job.wamid, "key": key, "bytes": len(media.data)})
    return key


def media_url(caller: Principal, conversation_id: str, message_id: str) -> dict:
    """A short-lived presigned GET of a message's stored file, for a user who may see the conversation.

    Another tenant's (or a hidden) conversation, an unknown message and a message without a file are all 404.
    """
    from alrea.services import conversations as conversation_service  # the inbox's visibility rules

    conversation = conversation_service.get_conversation(caller, conversation_id)
    item = messages.find(caller.tenant_id, conversation["instance_id"], message_id)
    if item is None or item.conversation_id != conversation_id or item.deleted or not item.media:
        raise NotFound(MEDIA_NOT_FOUND)
    if not item.media_key:
        raise NotFound(NOT_DOWNLOADED)
    media = item.media.as_dict()
    ttl = get_settings().media_url_ttl_s
    return {"url": runtime().storage.presign_get(item.media_key, ttl, media.get("file_name")),
            "expires_in": ttl, "mimetype": media.get("mimetype"), "file_name": media.get("file_name")}
