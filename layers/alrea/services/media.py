"""Inbound media: fetch a message's file through Evolution into the tenant's S3 prefix, then tell the inbox.

Jobs come from services/inbound.py on ``chat_download_attachment``: ``{tenant_id, instance_id, conversation_id,
message_sk, wamid}``. Idempotent: a message that already has its ``media_key`` is skipped. A passing failure
(Evolution unreachable, storage) raises, so the queue retries it; on the queue's last receive, or when Evolution
says the media is gone (a 4xx), the message gets ``media_error`` (pushed as ``message_updated``) and
:func:`retry_download` (POST /api/media/{cid}/{mid}/retry) queues the job again.
"""
from __future__ import annotations

import mimetypes
import re
from datetime import timedelta
from typing import Any

from pydantic import BaseModel

from alrea.core.clock import iso, utcnow
from alrea.core.config import get_settings
from alrea.core.errors import Conflict, NotFound
from alrea.core.log import logger
from alrea.domain.messages import Message, message_view
from alrea.domain.roles import Principal
from alrea.ports import whatsapp as wa
from alrea.resources import QUEUES, tenant_key
from alrea.services import audience, retention
from alrea.store import conversations, instances, messages
from alrea.wiring import runtime

MEDIA_NOT_FOUND = "Mídia não encontrada."
DOWNLOAD_FAILED = "Não foi possível baixar a mídia do WhatsApp."
DOWNLOAD_QUEUE = "chat_download_attachment"
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


def download_attachment(body: dict, *, attempt: int = 1, max_attempts: int | None = None) -> str | None:
    """Store the media of one message; answers its S3 key (None when there is nothing to do or it failed)."""
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
    max_attempts = max_attempts or QUEUES[DOWNLOAD_QUEUE].max_receive_count
    try:
        media = runtime().whatsapp.get_media_base64(instance.evolution_name, job.wamid)
        mimetype = media.mimetype or ((item.media or {}).get("mimetype") if item.media else None)
        key = media_key(job.tenant_id, job.conversation_id, job.wamid, mimetype)
        runtime().storage.put(key, media.data, mimetype or "application/octet-stream",
                              tags=retention.media_tags(job.tenant_id))
    except (wa.BadRequest, wa.InstanceNotFound) as exc:  # Evolution has no such media: retrying won't help
        _failed(job, item, exc)
        return None
    except Exception as exc:
        if attempt < max_attempts:
            raise
        _failed(job, item, exc)
        return None
    item = messages.set_media_key(item, key) or item
    _push_updated(job.tenant_id, job.conversation_id, item)
    logger.info("media stored", extra={"wamid": job.wamid, "key": key, "bytes": len(media.data)})
    return key


def _push_updated(tenant_id: str, conversation_id: str, item: Message) -> None:
    """``message_updated`` to the people who may see the conversation only (never the tenant-wide group: it
    carries the text and the media key)."""
    audience.push_to_conversation(tenant_id, conversation_id, {"type": "message_updated", "message": message_view(item)})


def _failed(job: DownloadJob, item: Message, exc: Exception) -> None:
    logger.warning("media download failed", extra={"wamid": job.wamid, "error": f"{type(exc).__name__}: {exc}"})
    marked = messages.set_media_error(item, DOWNLOAD_FAILED)
    if marked is not None:
        _push_updated(job.tenant_id, job.conversation_id, marked)


def retry_download(caller: Principal, conversation_id: str, message_id: str) -> dict[str, Any]:
    """Queue the download of a received file again (after it failed); answers the message's view."""
    item = _visible_message(caller, conversation_id, message_id)
    if item.media_key:
        raise Conflict("A mídia desta mensagem já está disponível.")
    if not item.media_error:
        raise Conflict("Só uma mídia que não pôde ser baixada pode ser baixada de novo.")
    cleared = messages.set_media_error(item, None)
    if cleared is None:
        raise Conflict("A mídia desta mensagem já está disponível.")
    item = cleared
    runtime().bus.publish(DOWNLOAD_QUEUE, DownloadJob(
        tenant_id=item.tenant_id, instance_id=item.instance_id, conversation_id=item.conversation_id,
        message_sk=item.sk, wamid=item.id).model_dump())
    _push_updated(item.tenant_id, item.conversation_id, item)
    logger.info("media download queued again", extra={"wamid": item.id})
    return with_url(message_view(item))


def _visible_message(caller: Principal, conversation_id: str, message_id: str) -> Message:
    """A message with a file, in a conversation the caller may see; NotFound otherwise (never says which)."""
    from alrea.services import inbox  # the inbox's visibility rules

    conversation = inbox.get_conversation(caller, conversation_id)
    item = messages.find(caller.tenant_id, conversation["instance_id"], message_id)
    if item is None or item.conversation_id != conversation["id"]:
        item = messages.find_by_id(caller.tenant_id, conversation["id"], message_id)
    if item is None or item.conversation_id != conversation["id"] or item.deleted or not item.media:
        raise NotFound(MEDIA_NOT_FOUND)
    return item


def with_url(view: dict[str, Any]) -> dict[str, Any]:
    """A message view with ``media.url``: a short-lived presigned GET of its stored file (``media_key``).

    Presigning is local computation (no AWS call), so lists can carry it for every message. Messages whose
    file is not stored yet (the download job is running) or that were deleted are left as they are.
    """
    media, key = view.get("media"), view.get("media_key")
    if not key or not isinstance(media, dict) or view.get("deleted"):
        return view
    ttl = get_settings().media_url_ttl_s
    url = runtime().storage.presign_get(key, ttl, media.get("file_name"))
    return {**view, "media": {**media, "url": url, "url_expires_at": iso(utcnow() + timedelta(seconds=ttl))}}


def media_url(caller: Principal, conversation_id: str, message_id: str) -> dict:
    """A short-lived presigned GET of a message's stored file, for a user who may see the conversation.

    ``message_id`` is the message's ``id``: WhatsApp's id for received messages (found through its pointer),
    our UUID for inbox sends. Another tenant's (or a hidden) conversation, an unknown message and a message
    without a file are all 404.
    """
    item = _visible_message(caller, conversation_id, message_id)
    if not item.media_key:
        raise NotFound(NOT_DOWNLOADED)
    media = dict(item.media or {})
    ttl = get_settings().media_url_ttl_s
    return {"url": runtime().storage.presign_get(item.media_key, ttl, media.get("file_name")),
            "expires_in": ttl, "expires_at": iso(utcnow() + timedelta(seconds=ttl)),
            "mimetype": media.get("mimetype"), "file_name": media.get("file_name")}
