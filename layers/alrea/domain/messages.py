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
