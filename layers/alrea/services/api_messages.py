"""``POST /v1/messages``: a partner's message, accepted at once and sent by the inbox's ordered path.

Accepting (the API request) decides everything a later failure could not report to the caller and writes
one thing: the phone in E.164, the number (``number_id``, or the tenant's oldest connected number), the
conversation (number + phone), and ONE transaction that refuses an opted-out or erased phone (409
``opted_out``) and stores the accepted send. Then the send is published to ``chat_send_message`` in its
conversation's FIFO group — the queue the inbox's sends use, so a partner's message and an agent's reply in
the same chat keep their order. With the key's one conditional update (services/api_keys.py) and, when the
request carries an ``Idempotency-Key``, Powertools' two writes, an accepted message costs at most four
DynamoDB operations (bench/partner_api.py measures it). The tenant's numbers are read once a minute per warm
container (a number named but not cached is read again at once).

The chat-send worker (services/chat_send.send) stores the inbox message (``source="api"``, shown as sent by
"API: <key name>") in the conversation — created if new, routed to its department like a chat started from
the phone — and sends it. ``GET /v1/messages/{id}`` answers from the accepted send until the inbox message
exists, then from its status.
"""
from __future__ import annotations

import mimetypes
from typing import Any
from urllib.parse import urlsplit

from alrea.core.clock import iso, new_id, utcnow
from alrea.core.errors import Invalid, NoNumber, NotFound, OptedOut
from alrea.core.log import logger
from alrea.domain import api_messages as dom
from alrea.domain.api_keys import KeyPrincipal
from alrea.domain.messages import Message
from alrea.domain.object_keys import tenant_object_key
from alrea.domain.phones import to_jid
from alrea.domain.privacy import phone_hash
from alrea.resources import tenant_key
from alrea.services import billing, chat_send, contacts, public_urls, retention
from alrea.services.chat_send import MAX_UPLOAD, QUEUE, UPLOAD_TTL_S, safe_file_name
from alrea.store import api_messages as store
from alrea.store import contacts as contact_store
from alrea.store import conversations, instances, messages
from alrea.store.cache import TtlCache
from alrea.wiring import runtime

KEEP_S = 30 * 24 * 3600  # how long an accepted send can be read by id (less when the tenant's retention is shorter)
MEDIA_KINDS = ("image", "video", "audio", "document")
DEFAULT_TYPES = {"image": "image/jpeg", "video": "video/mp4", "audio": "audio/ogg", "document": "application/pdf"}
UPLOAD_PREFIX = "api"
CONNECTED = "open"
NUMBERS_TTL_S = 60.0
_numbers = TtlCache(ttl_s=NUMBERS_TTL_S, max_items=2048)  # tenant -> its numbers, read once a minute


def _tenant_numbers(tenant_id: str, *, fresh: bool = False) -> list[Any]:
    if fresh:
        _numbers.forget(tenant_id)
    return _numbers.get(tenant_id, lambda: instances.list_instances(tenant_id))


def _number(tenant_id: str, number_id: str | None) -> Any:
    if number_id:
        for fresh in (False, True):
            found = [i for i in _tenant_numbers(tenant_id, fresh=fresh) if i.instance_id == number_id]
            if found:
                return found[0]
        raise NotFound("Número de WhatsApp não encontrado.", field="number_id")
    for fresh in (False, True):
        connected = sorted((i for i in _tenant_numbers(tenant_id, fresh=fresh) if i.state == CONNECTED),
                           key=lambda i: (i.created_at, i.instance_id))
        if connected:
            return connected[0]
    raise NoNumber(dom.NO_NUMBER, field="number_id")


def _mimetype(given: str | None, file_name: str, kind: str) -> str:
    """The media's type: as given, else guessed from the file name, else the kind's most common one."""
    return given or mimetypes.guess_type(file_name)[0] or DEFAULT_TYPES[kind]


def _media(tenant_id: str, media: dict[str, Any] | None) -> dict[str, Any]:
    """The inbox message's media fields of a request's ``media`` ({key | url, kind, caption, mimetype,
    file_name}); {} without media."""
    if not media:
        return {}
    kind = media.get("kind")
    if kind not in MEDIA_KINDS:
        raise Invalid(f"media.kind deve ser um de: {', '.join(MEDIA_KINDS)}.", field="media.kind")
    file_name = media.get("file_name")
    if media.get("key"):
        key = tenant_object_key(media["key"], tenant_id, (UPLOAD_PREFIX,), field="media.key",
                                message="Arquivo inválido: envie-o primeiro por POST /v1/media.")
        if not runtime().storage.exists(key):
            raise Invalid("O arquivo ainda não foi enviado para upload_url.", field="media.key")
        name = file_name or key.rsplit("/", 1)[-1].split("-", 5)[-1]  # the upload's name, without its UUID
        return {"kind": kind, "media": {"mimetype": _mimetype(media.get("mimetype"), name, kind), "file_name": name},
                "media_key": key}
    url = str(media.get("url") or "").strip()
    if not url.startswith("https://"):
        raise Invalid("Informe media.key (de POST /v1/media) ou uma media.url https.", field="media.url")
    problem = public_urls.problem(url)  # Evolution downloads it: never an address inside our network
    if problem:
        raise Invalid(problem, field="media.url")
    name = file_name or urlsplit(url).path.rsplit("/", 1)[-1][:200] or kind
    return {"kind": kind, "media": {"mimetype": _mimetype(media.get("mimetype"), name, kind), "url": url,
                                    "file_name": name}}


def accept(key: KeyPrincipal, *, to: str, text: str | None, media: dict[str, Any] | None,
           number_id: str | None) -> dict[str, Any]:
    """Accept one message for sending (202): validated, opt-out checked, stored as queued, published."""
    tid = key.tenant_id
    billing.ensure_writable(tid)  # read-only when past due beyond the grace period, or suspended
    phone = contacts.e164(tid, to)
    if phone is None:
        raise Invalid("Telefone inválido: use o formato internacional, por exemplo +5511912345678.", field="to")
    text = (text or (media or {}).get("caption") or "").strip() or None  # with media: its caption
    fields = _media(tid, media)
    if not text and not fields:
        raise Invalid("Envie text ou media.", field="text")
    if fields.get("kind") == "audio":
        text = None  # WhatsApp shows no caption under an audio
    number = _number(tid, number_id)
    now = utcnow()
    at, send_id = iso(now), new_id()
    cid = conversations.conversation_id(tid, number.instance_id, to_jid(phone))
    ttl = retention.message_ttl(tid, now)
    keep = int(now.timestamp()) + KEEP_S
    send = dom.ApiSend(id=send_id, tenant_id=tid, instance_id=number.instance_id, conversation_id=cid,
                       message_sk=messages.message_sk(at, send_id), key_id=key.key_id, created_at=at,
                       ttl=min(ttl, keep) if ttl else keep)
    if not store.accept(send, phone=phone, phone_digest=phone_hash(tid, phone)):
        raise OptedOut(dom.OPTED_OUT, field="to")
    body = {"tenant_id": tid, "conversation_id": cid, "message_sk": send.message_sk,
            "api": {"id": send_id, "to": phone, "text": text, **fields, "key_id": key.key_id,
                    "key_name": key.name, "created_at": at}}
    try:
        runtime().bus.publish(QUEUE, body, group=cid, dedupe_id=send_id)
    except Exception:
        store.fail(tid, send_id, "Não foi possível enfileirar a mensagem; envie de novo.")
        raise
    logger.info("api message accepted", extra={"message_id": send_id, "conversation_id": cid,
                                               "api_key_id": key.key_id})
    return {"id": send_id, "status": dom.QUEUED, "number_id": number.instance_id, "conversation_id": cid,
            "to": phone, "created_at": at}


def status(key: KeyPrincipal, send_id: str) -> dict[str, Any]:
    send = store.get(key.tenant_id, send_id)
    if send is None:
        raise NotFound("Mensagem não encontrada.")
    message = messages.get(send.tenant_id, send.conversation_id, send.message_sk)
    conv = conversations.find(send.tenant_id, send.conversation_id) if message is not None else None
    return dom.view(send, message, conv.phone if conv else None)


def create_upload(key: KeyPrincipal, *, file_name: str, mimetype: str, size: int) -> dict[str, Any]:
    """A presigned PUT for a file a later ``POST /v1/messages`` sends as ``media.key``."""
    if size <= 0 or size > MAX_UPLOAD:
        raise Invalid(f"O arquivo deve ter até {MAX_UPLOAD // (1024 * 1024)} MB.", field="size")
    object_key = tenant_key(key.tenant_id, UPLOAD_PREFIX, f"{new_id()}-{safe_file_name(file_name)}")
    url = runtime().storage.presign_put(object_key, UPLOAD_TTL_S, mimetype)
    return {"key": object_key, "upload_url": url, "headers": {"Content-Type": mimetype},
            "expires_in": UPLOAD_TTL_S}


# ---------------------------------------------------------------- the worker's side
def materialize(body: dict[str, Any]) -> Message | None:
    """Store the inbox message of an accepted send (the chat-send worker calls this when the queued body's
    message is not stored yet); None when it cannot be (the accepted send is then marked failed)."""
    from alrea.services import inbound, inbox

    api = body["api"]
    tid, cid = str(body["tenant_id"]), str(body["conversation_id"])
    send = store.get(tid, str(api["id"]))
    if send is None or send.status == dom.FAILED:
        return None
    try:
        instances.get(tid, send.instance_id)
    except NotFound:
        store.fail(tid, send.id, chat_send.REASONS["instance_gone"])
        return None
    contact = contact_store.get(tid, api["to"])
    if contact is not None and contact.opted_out:  # it opted out after the send was accepted
        store.fail(tid, send.id, dom.OPTED_OUT)
        return None
    item = chat_send.outgoing(
        tenant_id=tid, conversation_id=cid, instance_id=send.instance_id, message_id=send.id, at=send.created_at,
        kind=api.get("kind") or "text", text=api.get("text"),
        fields={k: api[k] for k in ("media", "media_key") if api.get(k)}, source="api",
        sent_by=f"apikey:{send.key_id}", sent_by_name=f"API: {api.get('key_name') or ''}".strip())
    batch = inbound.Batch()
    chat_send.store_outgoing(item, conversations.find(tid, cid), lambda: conversations.find(tid, cid),
                             chat_jid=to_jid(api["to"]), phone=api["to"],
                             contact_name=contact.name if contact else None,
                             route=lambda before: inbox.route_for_message(batch, tid, before, send.instance_id,
                                                                          inbound=False))
    return item

