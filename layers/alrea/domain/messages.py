"""Messages of the inbox: delivery status (with the order it may only move along), content kinds, previews."""
from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    PENDING = "pending"
    FAILED = "failed"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    PLAYED = "played"


# A status only moves forward: a late DELIVERY_ACK never downgrades READ. "failed" outranks only "pending"
# (an ERROR after a receipt is stale news); "played" (voice note listened) outranks "read".
STATUS_RANK: dict[Status, int] = {
    Status.PENDING: 10,
    Status.FAILED: 15,
    Status.SENT: 20,
    Status.DELIVERED: 30,
    Status.READ: 40,
    Status.PLAYED: 50,
}


def rank(status: Status | str) -> int:
    return STATUS_RANK[Status(status)]


class Kind(StrEnum):
    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    DOCUMENT = "document"
    STICKER = "sticker"
    LOCATION = "location"
    CONTACT = "contact"
    REACTION = "reaction"
    UNKNOWN = "unknown"


MEDIA_KINDS = frozenset({Kind.IMAGE, Kind.AUDIO, Kind.VIDEO, Kind.DOCUMENT, Kind.STICKER})


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


PREVIEW_MAX = 120

# pt-BR: previews are shown as-is in the inbox list
_LABELS: dict[Kind, str] = {
    Kind.IMAGE: "📷 Foto",
    Kind.AUDIO: "🎤 Áudio",
    Kind.VIDEO: "🎥 Vídeo",
    Kind.DOCUMENT: "📄 Documento",
    Kind.STICKER: "Figurinha",
    Kind.LOCATION: "📍 Localização",
    Kind.CONTACT: "👤 Contato",
    Kind.REACTION: "Reação",
    Kind.UNKNOWN: "Mensagem",
    Kind.TEXT: "",
}


def preview(kind: Kind | str, text: str | None = None, *, file_name: str | None = None,
            emoji: str | None = None) -> str:
    """A one-line summary of a message for the conversation list."""
    kind = Kind(kind)
    if kind is Kind.REACTION:
        body = f"Reagiu {emoji} a uma mensagem" if emoji else "Removeu uma reação"
    elif kind is Kind.TEXT:
        body = text or ""
    else:
        label = _LABELS[kind]
        detail = text or (file_name if kind is Kind.DOCUMENT else None)
        body = f"{label}: {detail}" if detail else label
    body = " ".join(body.split())
    return body if len(body) <= PREVIEW_MAX else body[: PREVIEW_MAX - 1] + "…"


# ---------------------------------------------------------------- the stored message, as services see it
from dataclasses import dataclass, field  # noqa: E402
from typing import Any  # noqa: E402


@dataclass(frozen=True)
class Message:
    """One message of a conversation (store/messages.py returns these); field names are the stored ones.
    ``sk`` is the message's place in its conversation (time order), opaque to the services."""
    id: str  # the WhatsApp message id (inbox sends: our UUID, with ``wamid`` once sent)
    tenant_id: str
    conversation_id: str
    instance_id: str
    sk: str
    direction: str
    kind: str
    status: str
    status_rank: int
    sent_at: str
    created_at: str
    message_type: str | None = None
    text: str | None = None
    media: dict[str, Any] | None = None
    media_key: str | None = None
    media_error: str | None = None
    location: dict[str, Any] | None = None
    contacts: list[Any] | None = None
    status_at: str | None = None
    from_me: bool = False
    author_jid: str | None = None
    author_phone: str | None = None
    author_name: str | None = None
    quoted_id: str | None = None
    quoted_text: str | None = None
    quoted_from_me: bool | None = None
    reaction_target: str | None = None
    reaction_emoji: str | None = None
    reactions: dict[str, str] = field(default_factory=dict)
    deleted: bool = False
    deleted_at: str | None = None
    source: str | None = None
    wamid: str | None = None
    sent_by: str | None = None
    sent_by_name: str | None = None
    failure_reason: str | None = None
    sending: bool | None = None
    ttl: int | None = None
    sentiment: str | None = None  # Sense: "pos" | "neu" | "neg" (inbound texts of tenants with Sense)
    sentiment_score: float | None = None


OUR_SENDS = ("inbox", "api")  # sources of the messages we send: the inbox's agents and partners (/v1/messages)


def _number(value: Any) -> float | None:
    return float(value) if value is not None else None


def message_view(m: Any) -> dict[str, Any]:
    """The wire shape of a message (API answers and pushed events alike)."""
    base = {
        "id": m.id, "conversation_id": m.conversation_id, "instance_id": m.instance_id,
        "sk": m.sk, "direction": m.direction, "kind": m.kind, "text": m.text,
        "media": m.media, "media_key": m.media_key, "media_error": m.media_error,
        "location": m.location,
        "contacts": m.contacts, "status": m.status, "from_me": m.from_me,
        "author_jid": m.author_jid, "author_phone": m.author_phone, "author_name": m.author_name,
        "quoted_id": m.quoted_id,
        "quoted": {"id": m.quoted_id, "text": m.quoted_text, "from_me": m.quoted_from_me}
        if m.quoted_id else None,
        "reaction_target": m.reaction_target,
        "reaction_emoji": m.reaction_emoji, "reactions": dict(m.reactions or {}),
        "deleted": bool(m.deleted), "deleted_at": m.deleted_at, "sent_at": m.sent_at,
        "created_at": m.created_at, "status_at": m.status_at,
    }
    if getattr(m, "sentiment", None):  # Sense labelled it
        base.update(sentiment=m.sentiment, sentiment_score=_number(getattr(m, "sentiment_score", None)))
    if m.source in OUR_SENDS or m.kind == "note":  # written by us (inbox, partner API), not by WhatsApp
        base.update(wamid=m.wamid, sent_by=m.sent_by, sent_by_name=m.sent_by_name, failure_reason=m.failure_reason)
    return base
