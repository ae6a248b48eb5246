"""What an attendant does to one message of a conversation: reply to it (a WhatsApp quoted reply) and react.

- Reply: ``POST /api/conversations/{cid}/messages {text, reply_to}`` — :func:`quote_fields` checks that the
  quoted message belongs to the same conversation and already has a WhatsApp id, and answers the fields the
  composed message keeps (``quoted_id`` = WhatsApp's id, ``quoted_text``, ``quoted_from_me``); the sender
  (services/chat_send.py) turns them into Evolution's ``quoted`` with :func:`quote_of`.
- React: ``POST /api/conversations/{cid}/messages/{mid}/reaction {emoji}`` — sent at once through Evolution's
  ``sendReaction`` (a reaction is not a message of the thread: no queue, no status), then stored on the message
  as the reactor ``"me"`` (the same key the echo of the reaction writes, so the echo changes nothing) and pushed.
"""
from __future__ import annotations

from typing import Any

from alrea.core.errors import Conflict, Invalid, NotFound
from alrea.core.log import logger
from alrea.domain.evolution import QUOTE_MAX
from alrea.domain.roles import Principal
from alrea.ports import whatsapp as wa
from alrea.services import audience
from alrea.store import instances, messages
from alrea.domain.messages import OUR_SENDS, Message, message_view
from alrea.wiring import runtime

MAX_EMOJI = 16
KIND_LABELS = {"image": "Imagem", "audio": "Áudio", "video": "Vídeo", "document": "Documento",
               "sticker": "Figurinha", "location": "Localização", "contact": "Contato"}
NOT_HERE = "A mensagem escolhida não é desta conversa."
NOT_SENT = "Esta mensagem ainda não foi enviada ao WhatsApp; aguarde um instante."


def _find(caller: Principal, conversation_id: str, message_id: str) -> tuple[Any, Message]:
    from alrea.services.chat_send import _find_message  # one way to find a message of a visible conversation

    return _find_message(caller, conversation_id, message_id)


def whatsapp_id(item: Message) -> str:
    """The WhatsApp id of a stored message (ours once sent: ``wamid``); Conflict while it has none."""
    if item.kind in ("note", "reaction") or item.deleted:
        raise Invalid("Não é possível usar esta mensagem.", field="message_id")
    wamid = item.wamid if item.source in OUR_SENDS else item.id
    if not wamid:
        raise Conflict(NOT_SENT)
    return wamid


def short_text(item: Message) -> str:
    media = dict(item.media or {})
    text = item.text or media.get("caption") or KIND_LABELS.get(item.kind) or ""
    return text[:QUOTE_MAX]


def quote_fields(caller: Principal, conversation_id: str, reply_to: str) -> dict[str, Any]:
    """Fields of a composed reply; Invalid when ``reply_to`` is not a message of this conversation."""
    try:
        _, item = _find(caller, conversation_id, reply_to)
    except NotFound:
        raise Invalid(NOT_HERE, field="reply_to") from None
    return {"quoted_id": whatsapp_id(item), "quoted_text": short_text(item), "quoted_from_me": bool(item.from_me)}


def quote_of(conv: Any, item: Message) -> wa.Quote | None:
    """Evolution's ``quoted`` for a stored reply (None for a plain message)."""
    if not item.quoted_id:
        return None
    return wa.Quote(id=item.quoted_id, remote_jid=conv.chat_jid, from_me=bool(item.quoted_from_me),
                    text=item.quoted_text or "")


def _clean_emoji(emoji: str) -> str:
    emoji = (emoji or "").strip()
    if len(emoji) > MAX_EMOJI or any(ch.isascii() and (ch.isalnum() or ch.isspace()) for ch in emoji):
        raise Invalid("Reação inválida: escolha um emoji.", field="emoji")
    return emoji


def react(caller: Principal, conversation_id: str, message_id: str, emoji: str) -> dict[str, Any]:
    """React (``emoji`` "" removes the reaction) through Evolution, store it and push the message."""
    emoji = _clean_emoji(emoji)
    conv, item = _find(caller, conversation_id, message_id)
    target = whatsapp_id(item)
    try:
        instance = instances.get(caller.tenant_id, conv.instance_id)
    except NotFound:
        raise Conflict("O número de WhatsApp desta conversa foi removido.") from None
    from alrea.services.instances import _gateway_error  # the one mapping of Evolution failures to answers

    try:
        runtime().whatsapp.send_reaction(instance.evolution_name, conv.chat_jid, target, bool(item.from_me), emoji)
    except wa.WhatsAppError as exc:
        raise _gateway_error(exc, "reação") from exc
    item = messages.set_reaction(item, "me", emoji) or messages.get(item.tenant_id, item.conversation_id, item.sk) or item
    logger.info("reaction sent", extra={"message_id": item.id, "conversation_id": conv.id})
    audience.push_conversation_event(conv, {"type": "message_updated", "message": message_view(item)})
    return message_view(item)
