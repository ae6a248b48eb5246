"""Sending from the inbox: compose (API) → ``chat_send_message`` (FIFO, grouped per conversation) → send
through the WhatsApp port (functions/chat_send) → receipts move the status (services/inbound.py).

A composed message is stored at once with OUR id (a UUID), status "pending", and pushed; the queue carries
only its key. The sender:

- sets ``sending`` before calling Evolution (conditional on "pending"), so a redelivery that finds it set
  knows a previous attempt died mid-call and marks the message "unknown" instead of resending blindly;
- on success stores WhatsApp's id (``wamid``) on the message and the ``WAMSG`` pointer to it, status "sent";
- NumberNotOnWhatsApp / BadRequest / a missing number → "failed" with a pt-BR reason, no retry;
- EvolutionUnavailable / ConnectionClosed (nothing went out) → raises so the queue redelivers; on the last
  receive (the queue's max receive count) the message is marked "failed" instead;
- SendOutcomeUnknown → "unknown": the echo (``send.message``) reconciles it if it did go out.

Echo reconciliation (the echo of our own send can be processed BEFORE the sender stored the wamid — Evolution
posts ``send.message`` before it answers the HTTP call): inbound calls :func:`claim_echo` for an outbound
message whose wamid has no pointer yet. It looks for the OLDEST inbox message of the same conversation still
without a wamid, status pending/unknown, same text (or caption), created in the last ``ECHO_WINDOW_S``, and
claims it (pointer + wamid, conditional) instead of storing a duplicate. The sender's own pointer write then
finds the pointer already there, pointing at this message, and only moves the status. FIFO per conversation
makes "oldest unclaimed with the same text" the right one.
"""
from __future__ import annotations

import re
from datetime import timedelta
from collections.abc import Callable
from typing import Any

from alrea.core.clock import iso, new_id, utcnow
from alrea.core.errors import Conflict, Invalid, NotFound
from alrea.core import metrics as app_metrics
from alrea.core.log import logger
from alrea.domain.conversations import InboundTouch, conversation_view
from alrea.domain.messages import OUR_SENDS, Kind, Message, message_view, preview, rank
from alrea.domain.object_keys import tenant_object_key
from alrea.domain.roles import Principal
from alrea.ports import whatsapp as wa
from alrea.resources import QUEUES, tenant_key
from alrea.services import audience, billing, hooks, message_actions, retention, search
from alrea.services.inbox import load_visible
from alrea.store import conversations, instances, messages
from alrea.wiring import runtime

QUEUE = "chat_send_message"
MAX_TEXT = 4096
MAX_UPLOAD = 16 * 1024 * 1024
UPLOAD_TTL_S = 900
MEDIA_URL_TTL_S = 3600
ECHO_WINDOW_S = 300
ATTEMPTS = 4
UNKNOWN, UNKNOWN_RANK = "unknown", 12
REASONS = {
    "not_on_whatsapp": "Este número não tem WhatsApp.",
    "bad_request": "O WhatsApp recusou a mensagem.",
    "unavailable": "O WhatsApp do número está indisponível; tente reenviar.",
    "instance_gone": "O número de WhatsApp desta conversa foi removido.",
    "unauthorized": "Falha de configuração com o Evolution API.",
}


def _push_message(conv: Any, item: Message, kind: str = "message_received") -> None:
    audience.push_conversation_event(conv, {"type": kind, "message": message_view(item)})


def _push_status(conv: Any, item: Message) -> None:
    audience.push_conversation_event(conv, {
        "type": "message_status", "conversation_id": item.conversation_id, "message_id": item.id,
        "message_sk": item.sk, "status": item.status, "status_at": item.status_at, "wamid": item.wamid,
        "failure_reason": item.failure_reason})


# ---------------------------------------------------------------- compose (API)
def _media_kind(mimetype: str) -> str:
    major = mimetype.split("/", 1)[0]
    return {"image": "image", "video": "video", "audio": "audio"}.get(major, "document")


def safe_file_name(file_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", file_name).strip("._")[:80] or "arquivo"


def create_upload(caller: Principal, conversation_id: str, *, file_name: str, mimetype: str, size: int
                  ) -> dict[str, Any]:
    conv = load_visible(caller, conversation_id)
    if size <= 0 or size > MAX_UPLOAD:
        raise Invalid(f"O arquivo deve ter até {MAX_UPLOAD // (1024 * 1024)} MB.", field="size")
    key = tenant_key(caller.tenant_id, "outbox", conv.id, f"{new_id()}-{safe_file_name(file_name)}")
    url = runtime().storage.presign_put(key, UPLOAD_TTL_S, mimetype)
    return {"key": key, "upload_url": url, "headers": {"Content-Type": mimetype}, "expires_in": UPLOAD_TTL_S}


def compose(caller: Principal, conversation_id: str, *, text: str | None = None,
            media: dict[str, Any] | None = None, reply_to: str | None = None) -> dict[str, Any]:
    conv = load_visible(caller, conversation_id)
    billing.ensure_writable(caller.tenant_id)  # read-only when past due beyond the grace period, or suspended
    text = (text or "").strip() or None
    fields: dict[str, Any] = {}
    if reply_to and media:
        raise Invalid("Responder com um arquivo ainda não é possível; responda com texto.", field="reply_to")
    quote = message_actions.quote_fields(caller, conv.id, reply_to) if reply_to else {}
    if media:
        key = tenant_object_key(media.get("key"), caller.tenant_id, ("outbox", conv.id), field="media.key",
                                message="Arquivo inválido: envie-o primeiro por /uploads desta conversa.")
        if not runtime().storage.exists(key):
            raise Invalid("O arquivo ainda não foi enviado.", field="media.key")
        mimetype = str(media.get("mimetype") or "application/octet-stream")
        kind = _media_kind(mimetype)
        text = (str(media.get("caption") or "").strip() or None) if kind != "audio" else None
        fields = {"media": {"mimetype": mimetype, "file_name": media.get("file_name") or key.rsplit("/", 1)[-1]},
                  "media_key": key}
        if media.get("ptt"):
            if kind != "audio":
                raise Invalid("Só um áudio pode ser enviado como mensagem de voz.", field="media.ptt")
            fields["media"]["ptt"] = True
    elif not text:
        raise Invalid("Escreva a mensagem ou anexe um arquivo.", field="text")
    else:
        kind = Kind.TEXT.value
    if text and len(text) > MAX_TEXT:
        raise Invalid(f"A mensagem pode ter até {MAX_TEXT} caracteres.", field="text")
    item = outgoing(tenant_id=caller.tenant_id, conversation_id=conv.id, instance_id=conv.instance_id,
                    message_id=new_id(), at=iso(utcnow()), kind=kind, text=text, fields={**fields, **quote},
                    source="inbox", sent_by=caller.user_id, sent_by_name=caller.name)
    store_outgoing(item, conv, lambda: load_visible(caller, conversation_id), chat_jid=conv.chat_jid,
                   is_group=conv.is_group)
    _publish(item, item.id)
    return message_view(item)


def outgoing(*, tenant_id: str, conversation_id: str, instance_id: str, message_id: str, at: str, kind: str,
             text: str | None, fields: dict[str, Any], source: str, sent_by: str, sent_by_name: str) -> Message:
    """A message we send (the inbox's or a partner's), as stored before it is handed to WhatsApp."""
    return Message(
        sk=messages.message_sk(at, message_id), ttl=retention.message_ttl(tenant_id), id=message_id,
        tenant_id=tenant_id, conversation_id=conversation_id, instance_id=instance_id, direction="out", kind=kind,
        text=text, status="pending", status_rank=rank("pending"), from_me=True, reactions={}, source=source,
        sent_by=sent_by, sent_by_name=sent_by_name, sent_at=at, created_at=at, **fields)


def store_outgoing(item: Message, conv: Any, reread: Callable[[], Any], *, chat_jid: str, is_group: bool = False,
                   phone: str | None = None, contact_name: str | None = None,
                   route: Callable[[Any], Any] | None = None) -> Any:
    """Store ``item`` in its conversation (``conv`` as read; None: a new one, created) in ONE transaction —
    the message, its search words, the conversation's activity (and ``route(conv)`` when given) — then push
    both to the open screens. Re-reads with ``reread()`` when the conversation changed meanwhile."""
    touch = InboundTouch(instance_id=item.instance_id, chat_jid=chat_jid, is_group=is_group, at=item.sent_at,
                         preview=preview(item.kind, item.text, file_name=(item.media or {}).get("file_name")),
                         direction="out", wamid=item.id, inbound=False, answered=True, phone=phone,
                         contact_key=phone, contact_name=contact_name)
    index = search.entry_of(message_view(item))
    for _ in range(ATTEMPTS):
        chosen = route(conv) if route else None
        outcome, fresh, _ = messages.record_message(item, conv, touch, route=chosen, contact=None,
                                                    contact_before=None, index=index, pointer=False)
        if outcome == "stored":
            break
        conv = reread()  # it changed since it was read: read it again
    else:
        raise Conflict("A conversa foi alterada ao mesmo tempo; tente novamente.")
    assert fresh is not None
    if chosen is not None:
        from alrea.services.inbox import after_routed

        after_routed(conv, fresh)
    _push_message(fresh, item)
    hooks.conversation_changed(hooks.ConversationChanged(item.tenant_id, conv, fresh, item.sent_at, message="out",
                                                         by_user=item.sent_by))
    audience.push_conversation_event(fresh, {"type": "conversation_updated",
                                             "conversation": conversation_view(fresh)})
    return fresh


def _publish(item: Message, dedupe_id: str) -> None:
    runtime().bus.publish(QUEUE, {"tenant_id": item.tenant_id, "conversation_id": item.conversation_id,
                                  "message_sk": item.sk}, group=item.conversation_id, dedupe_id=dedupe_id)


def _find_message(caller: Principal, conversation_id: str, message_id: str) -> tuple[Any, Message]:
    conv = load_visible(caller, conversation_id)
    item = messages.find_by_id(caller.tenant_id, conv.id, message_id)
    if item is None:
        raise NotFound("Mensagem não encontrada.")
    return conv, item


def retry(caller: Principal, conversation_id: str, message_id: str) -> dict[str, Any]:
    conv, item = _find_message(caller, conversation_id, message_id)
    billing.ensure_writable(caller.tenant_id)  # read-only when past due beyond the grace period, or suspended
    if item.source not in OUR_SENDS or item.status != "failed":
        raise Conflict("Só uma mensagem com falha pode ser reenviada.")
    attempt = new_id()
    requeued = messages.requeue_failed(item, iso(utcnow()))
    if requeued is None:
        raise Conflict("A mensagem já está sendo reenviada.")
    _publish(requeued, f"{requeued.id}-{attempt}")
    _push_status(conv, requeued)
    return message_view(requeued)


# ---------------------------------------------------------------- send (queue worker)
def _fail(conv: Any, item: Message, reason: str) -> None:
    failed = messages.settle(item, "failed", rank("failed"), iso(utcnow()), reason=reason)
    if failed is not None:
        logger.info("send failed", extra={"message_id": item.id, "reason": reason})
        app_metrics.send_outcome("chat", "failed", tenant_id=item.tenant_id)
        _push_status(conv, failed)


def _unknown(conv: Any, item: Message) -> None:
    unknown = messages.settle(item, UNKNOWN, UNKNOWN_RANK, iso(utcnow()))
    if unknown is not None:
        logger.warning("send outcome unknown", extra={"message_id": item.id})
        app_metrics.send_outcome("chat", "unknown", tenant_id=item.tenant_id)
        _push_status(conv, unknown)


def _number(conv: Any) -> str:
    if conv.phone and not conv.is_group:
        return conv.phone.lstrip("+")
    return conv.chat_jid


def send(body: dict[str, Any], *, attempt: int = 1, max_attempts: int | None = None) -> None:
    """Send one composed message (the queue's body); raises only when the queue should redeliver."""
    max_attempts = max_attempts or QUEUES[QUEUE].max_receive_count
    tid, cid = str(body["tenant_id"]), str(body["conversation_id"])
    item = messages.get(tid, cid, str(body["message_sk"]))
    if item is None and body.get("api"):  # a partner's message (services/api_messages.py): store it first
        from alrea.services import api_messages

        item = api_messages.materialize(body)
    conv = conversations.find(tid, cid)
    if item is None or conv is None:
        logger.warning("queued send for a message that is gone", extra={"conversation_id": cid})
        return
    if item.status != "pending" or item.wamid:
        logger.info("send already settled", extra={"message_id": item.id, "status": item.status})
        return
    if item.sending:  # a previous attempt died between calling Evolution and recording the answer
        _unknown(conv, item)
        return
    try:
        instance = instances.get(tid, conv.instance_id)
    except NotFound:
        _fail(conv, item, REASONS["instance_gone"])
        return
    if not messages.claim_for_send(item):
        return
    whatsapp = runtime().whatsapp
    try:
        media = dict(item.media or {})
        if item.media_key or media.get("url"):  # our copy, or a partner's https URL (/v1/messages)
            url = (runtime().storage.presign_get(item.media_key, MEDIA_URL_TTL_S, media.get("file_name"))
                   if item.media_key else str(media["url"]))
            if item.kind == "audio" and media.get("ptt"):  # a voice note: sendWhatsAppAudio
                sent = whatsapp.send_audio(instance.evolution_name, _number(conv), url)
            else:
                sent = whatsapp.send_media(instance.evolution_name, _number(conv), item.kind if item.kind in (
                    "image", "video", "audio") else "document", url, mimetype=media.get("mimetype"),
                    caption=item.text, file_name=media.get("file_name"))
        else:
            sent = whatsapp.send_text(instance.evolution_name, _number(conv), item.text or "",
                                      quoted=message_actions.quote_of(conv, item))
    except wa.NumberNotOnWhatsApp:
        _fail(conv, item, REASONS["not_on_whatsapp"])
        return
    except wa.SendOutcomeUnknown:
        _unknown(conv, item)
        return
    except wa.EvolutionUnavailable:
        messages.release_send(item)
        if attempt >= max_attempts:
            _fail(conv, item, REASONS["unavailable"])
            return
        raise
    except wa.BadRequest as exc:
        _fail(conv, item, f"{REASONS['bad_request']} ({exc})"[:300])
        return
    except wa.WhatsAppError:
        _fail(conv, item, REASONS["unauthorized"])
        return
    record_sent(conv, item, sent.id)
    app_metrics.send_outcome("chat", "ok", tenant_id=tid)


def record_sent(conv: Any, item: Message, wamid: str) -> None:
    """Store the wamid and its pointer; if the echo already claimed this message, only the status moves."""
    messages.record_wamid(item, wamid)
    sent = messages.settle(item, "sent", rank("sent"), iso(utcnow()), clear_reason=True)
    if sent is not None:
        logger.info("message sent", extra={"message_id": item.id, "wamid": wamid})
    _push_status(conv, sent or messages.get(item.tenant_id, item.conversation_id, item.sk) or item)


def claim_echo(tenant_id: str, instance_id: str, conversation_id: str, wamid: str, text: str | None) -> bool:
    """An outbound message we have no pointer for: attach it to the inbox message it echoes, if any."""
    cutoff = iso(utcnow() - timedelta(seconds=ECHO_WINDOW_S))
    candidates = [m for m in messages.recent_unclaimed_sends(tenant_id, conversation_id, cutoff)
                  if m.status in ("pending", UNKNOWN) and (m.text or None) == (text or None)]
    if not candidates:
        return False
    item = min(candidates, key=lambda m: m.sk)  # the oldest unclaimed one: FIFO per conversation
    if not messages.claim_echo(item, wamid):
        return messages.find(tenant_id, instance_id, wamid) is not None  # someone else stored it meanwhile
    sent = messages.settle(item, "sent", rank("sent"), iso(utcnow()))
    logger.info("echo matched an inbox send", extra={"message_id": item.id, "wamid": wamid})
    conv = conversations.find(tenant_id, conversation_id)
    if conv is not None:
        _push_status(conv, sent or messages.get(tenant_id, conversation_id, item.sk) or item)
    return True
