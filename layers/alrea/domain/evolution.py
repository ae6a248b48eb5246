"""Evolution API webhooks: parsing and normalisation into the inbox's own terms. Pure: no I/O.

What Evolution sends differs between versions (see docs/ARCHITECTURE.md, "Evolution webhooks"): protobuf bytes as
base64 strings, index objects or lists; 64-bit ints as decimal strings, numbers or ``{low, high, unsigned}``;
LID addressing with or without the phone number; ``data`` as an object, an array or ``null``. Everything here
accepts all of them and answers with small pydantic models. ``date_time`` of the envelope is never used as a
time (it is the server's local wall clock with a ``Z``): message time is ``messageTimestamp``.
"""
from __future__ import annotations

import base64
import re
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, field_validator

from alrea.domain.messages import Kind, Status
from alrea.domain.phones import from_jid, to_jid


class InvalidPayload(ValueError):
    """The webhook cannot be understood; retrying will not help."""


# ---------------------------------------------------------------- event names
EVENTS: tuple[str, ...] = (
    "messages.upsert", "messages.update", "messages.delete", "messages.edited", "messages.set",
    "send.message", "send.message.update", "contacts.upsert", "contacts.update", "contacts.set",
    "chats.set", "chats.upsert", "chats.update", "chats.delete", "presence.update", "connection.update",
    "qrcode.updated", "groups.upsert", "groups.update", "group-participants.update", "labels.edit",
    "labels.association", "call", "status.instance", "instance.create", "instance.delete", "remove.instance",
    "logout.instance", "typebot.start", "typebot.change-status", "application.startup",
)
MESSAGE_EVENTS = frozenset({"messages.upsert", "send.message"})
# events the processor acts on; every other event is acknowledged (202) and dropped at the edge
HANDLED_EVENTS = frozenset({
    "messages.upsert", "send.message", "messages.update", "messages.delete", "contacts.update",
    "contacts.upsert", "chats.update", "chats.upsert", "connection.update", "qrcode.updated", "presence.update",
})
INSTANCE_CHAT = "_instance"


def _config_name(event: str) -> str:
    return re.sub(r"[.\-\s]", "_", event.strip()).upper()


_BY_CONFIG_NAME = {_config_name(e): e for e in EVENTS}


def normalise_event(name: str) -> str:
    """``messages.upsert`` from itself, ``MESSAGES_UPSERT`` or the by-events URL suffix ``messages-upsert``."""
    return _BY_CONFIG_NAME.get(_config_name(name), name.strip().lower())


class Envelope(BaseModel):
    """``{event, instance, data, destination, date_time, sender, server_url, apikey}``; only the first three count."""

    model_config = ConfigDict(extra="allow")

    event: str
    instance: str | None = None
    data: Any = None

    @field_validator("event")
    @classmethod
    def _event(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("event is empty")
        return normalise_event(value)


# ---------------------------------------------------------------- protobuf scalars
def decode_bytes(value: Any) -> bytes | None:
    """Protobuf ``bytes`` in any of Evolution's encodings: base64 string, ``{"0": b0, ...}``, list, Node Buffer."""
    if value is None:
        return None
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    if isinstance(value, str):
        try:
            return base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_" if "-" in value or "_" in value
                                    else None)
        except ValueError as exc:
            raise InvalidPayload(f"not base64: {value[:16]!r}") from exc
    if isinstance(value, list):
        return bytes(value)
    if isinstance(value, dict):
        if value.get("type") == "Buffer" and isinstance(value.get("data"), list):
            return bytes(value["data"])
        if all(isinstance(k, str) and k.isdigit() for k in value):
            return bytes(value[k] for k in sorted(value, key=int))
    raise InvalidPayload(f"not a bytes value: {type(value).__name__}")


def decode_long(value: Any) -> int | None:
    """A 64-bit int as a number, a decimal string or a protobufjs Long ``{low, high, unsigned}``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        raise InvalidPayload(f"not an integer: {value[:32]!r}")
    if isinstance(value, dict) and "low" in value and "high" in value:
        unsigned_value = ((int(value["high"]) & 0xFFFFFFFF) << 32) | (int(value["low"]) & 0xFFFFFFFF)
        if not value.get("unsigned") and unsigned_value >= 1 << 63:
            return unsigned_value - (1 << 64)
        return unsigned_value
    raise InvalidPayload(f"not an integer: {type(value).__name__}")


def epoch_to_datetime(value: Any) -> datetime | None:
    """``messageTimestamp`` (epoch seconds; milliseconds tolerated) as an aware UTC datetime."""
    seconds = decode_long(value)
    if seconds is None:
        return None
    if seconds > 10**11:  # milliseconds
        seconds //= 1000
    if seconds <= 0:
        raise InvalidPayload(f"bad timestamp {seconds}")
    return datetime.fromtimestamp(seconds, UTC)


# ---------------------------------------------------------------- JIDs and chats
def clean_jid(jid: str | None) -> str | None:
    """Drop the ``:device`` part of a JID (``5511…:12@s.whatsapp.net``); ``""`` → None."""
    if not jid or "@" not in jid:
        return jid or None
    user, server = jid.split("@", 1)
    return f"{user.split(':', 1)[0]}@{server}"


class Chat(BaseModel):
    """Who a conversation is with. ``jid`` is the conversation's stable key for an instance."""

    jid: str
    is_group: bool = False
    phone: str | None = None  # E.164 of a 1:1 peer, when known
    lid: str | None = None  # the peer's LID alias, when known
    name: str | None = None

    @property
    def contact_key(self) -> str | None:
        """The contact's key: its E.164 number, or its LID when WhatsApp did not reveal the number."""
        if self.is_group:
            return None
        return self.phone or self.lid or self.jid

    @property
    def is_broadcast(self) -> bool:
        return self.jid.endswith("@broadcast") or self.jid.endswith("@newsletter")


def resolve_chat(remote_jid: str | None, remote_jid_alt: str | None = None) -> Chat:
    """One chat whatever the addressing: PN, LID with its PN alternative, unresolved LID, or group.

    1:1 chats are keyed by the phone JID whenever the phone is known, so LID- and PN-addressed messages of the
    same person land in one conversation; an unresolved LID keys the chat by the LID itself.
    """
    jid, alt = clean_jid(remote_jid), clean_jid(remote_jid_alt)
    if not jid:
        raise InvalidPayload("the message has no remoteJid")
    if jid.endswith("@g.us"):
        return Chat(jid=jid, is_group=True)
    if jid.endswith("@lid"):
        phone = from_jid(alt)
        return Chat(jid=to_jid(phone) if phone else jid, phone=phone, lid=jid)
    if jid.endswith("@s.whatsapp.net"):
        phone = from_jid(jid)
        lid = alt if alt and alt.endswith("@lid") else None
        return Chat(jid=to_jid(phone) if phone else jid, phone=phone, lid=lid)
    return Chat(jid=jid)


# ---------------------------------------------------------------- message content
class Media(BaseModel):
    mimetype: str | None = None
    file_name: str | None = None
    size: int | None = None
    seconds: int | None = None
    ptt: bool | None = None
    width: int | None = None
    height: int | None = None
    page_count: int | None = None


class Location(BaseModel):
    latitude: float | None = None
    longitude: float | None = None
    name: str | None = None
    address: str | None = None


class ContactCard(BaseModel):
    display_name: str | None = None
    vcard: str | None = None
    phones: list[str] = []


class Reaction(BaseModel):
    target_id: str
    emoji: str  # "" = the reaction was removed


class InboundMessage(BaseModel):
    """A ``messages.upsert`` / ``send.message`` in the inbox's terms."""

    wamid: str
    chat: Chat
    from_me: bool
    kind: Kind
    message_type: str | None = None  # Evolution's content key, kept for diagnostics
    text: str | None = None  # body of a text, or caption of media
    media: Media | None = None
    location: Location | None = None
    contacts: list[ContactCard] = []
    reaction: Reaction | None = None
    quoted_id: str | None = None
    quoted_text: str | None = None  # a short text of the quoted message (its body, caption or kind)
    author_jid: str | None = None  # groups: who wrote it
    author_phone: str | None = None
    push_name: str | None = None
    timestamp: datetime | None = None  # None when Evolution sent none; never taken from date_time
    status: Status
    source: str | None = None

    @property
    def direction(self) -> str:
        return "out" if self.from_me else "in"


_SKIP_KEYS = frozenset({"messageContextInfo", "senderKeyDistributionMessage", "base64", "mediaUrl",
                        "speechToText"})
_WRAPPERS = frozenset({"ephemeralMessage", "viewOnceMessage", "viewOnceMessageV2", "viewOnceMessageV2Extension",
                       "documentWithCaptionMessage", "editedMessage"})
_KINDS: dict[str, Kind] = {
    "conversation": Kind.TEXT, "extendedTextMessage": Kind.TEXT,
    "imageMessage": Kind.IMAGE, "audioMessage": Kind.AUDIO, "videoMessage": Kind.VIDEO, "ptvMessage": Kind.VIDEO,
    "documentMessage": Kind.DOCUMENT, "stickerMessage": Kind.STICKER,
    "locationMessage": Kind.LOCATION, "liveLocationMessage": Kind.LOCATION,
    "contactMessage": Kind.CONTACT, "contactsArrayMessage": Kind.CONTACT,
    "reactionMessage": Kind.REACTION,
}


def content_key(message: dict[str, Any], message_type: str | None = None) -> str | None:
    """The key holding the real content, skipping ``messageContextInfo`` & co. (``messageType`` wins)."""
    if message_type and message_type in message and message_type not in _SKIP_KEYS:
        return message_type
    for key, value in message.items():
        if key not in _SKIP_KEYS and value not in (None, "", {}):
            return key
    return None


def _unwrap(message: dict[str, Any], message_type: str | None) -> tuple[str | None, Any]:
    for _ in range(3):  # wrappers nest at most a couple of levels
        key = content_key(message, message_type)
        if key in _WRAPPERS and isinstance(message[key], dict) and isinstance(message[key].get("message"), dict):
            message, message_type = message[key]["message"], None
            continue
        return key, message.get(key) if key else None
    return None, None


def _int(value: Any) -> int | None:
    try:
        return decode_long(value)
    except InvalidPayload:
        return None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) and value != "" else None


def _media(content: dict[str, Any]) -> Media:
    return Media(
        mimetype=_text(content.get("mimetype")),
        file_name=_text(content.get("fileName")),
        size=_int(content.get("fileLength")),
        seconds=_int(content.get("seconds")),
        ptt=content.get("ptt") if isinstance(content.get("ptt"), bool) else None,
        width=_int(content.get("width")),
        height=_int(content.get("height")),
        page_count=_int(content.get("pageCount")),
    )


def _card(content: dict[str, Any]) -> ContactCard:
    vcard = _text(content.get("vcard"))
    phones = [f"+{d}" for d in re.findall(r"waid=(\d+)", vcard or "")]
    return ContactCard(display_name=_text(content.get("displayName")), vcard=vcard, phones=phones)


QUOTE_MAX = 200
_QUOTE_LABELS = {Kind.IMAGE: "Imagem", Kind.AUDIO: "Áudio", Kind.VIDEO: "Vídeo", Kind.DOCUMENT: "Documento",
                 Kind.STICKER: "Figurinha", Kind.LOCATION: "Localização", Kind.CONTACT: "Contato"}


def quote_text(quoted_message: Any) -> str | None:
    """A short text for a quoted message (``contextInfo.quotedMessage``): its body, caption or kind label."""
    if not isinstance(quoted_message, dict):
        return None
    key, content = _unwrap(quoted_message, None)
    if key == "conversation":
        text = _text(content)
    elif isinstance(content, dict):
        text = _text(content.get("text")) or _text(content.get("caption"))
        kind = _KINDS.get(key or "")
        text = text or (_QUOTE_LABELS.get(kind) if kind else None)
    else:
        text = None
    return text[:QUOTE_MAX] if text else None


def _fill_content(fields: dict[str, Any], key: str | None, content: Any) -> None:
    kind = _KINDS.get(key or "", Kind.UNKNOWN)
    fields["kind"] = kind
    if kind is Kind.TEXT:
        fields["text"] = _text(content) if isinstance(content, str) else _text((content or {}).get("text"))
        return
    if not isinstance(content, dict):
        fields["kind"] = Kind.UNKNOWN
        return
    if kind in (Kind.IMAGE, Kind.AUDIO, Kind.VIDEO, Kind.DOCUMENT, Kind.STICKER):
        fields["media"] = _media(content)
        fields["text"] = _text(content.get("caption"))
    elif kind is Kind.LOCATION:
        fields["location"] = Location(latitude=content.get("degreesLatitude"),
                                      longitude=content.get("degreesLongitude"),
                                      name=_text(content.get("name")), address=_text(content.get("address")))
    elif kind is Kind.CONTACT:
        cards = content.get("contacts") if key == "contactsArrayMessage" else [content]
        fields["contacts"] = [_card(c) for c in cards or [] if isinstance(c, dict)]
        fields["text"] = _text(content.get("displayName"))
    elif kind is Kind.REACTION:
        target = (content.get("key") or {}).get("id")
        if not target:
            raise InvalidPayload("reaction without the reacted message id")
        fields["reaction"] = Reaction(target_id=target, emoji=content.get("text") or "")


STATUS_NAMES: dict[str, Status] = {
    "ERROR": Status.FAILED, "PENDING": Status.PENDING, "SERVER_ACK": Status.SENT,
    "DELIVERY_ACK": Status.DELIVERED, "READ": Status.READ, "PLAYED": Status.PLAYED,
}
_STATUS_NUMBERS = ("ERROR", "PENDING", "SERVER_ACK", "DELIVERY_ACK", "READ", "PLAYED")


def map_status(value: Any) -> Status | None:
    """Evolution's status (name or 0..5) → ours; None for what is not a delivery status (e.g. ``DELETED``)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return STATUS_NAMES[_STATUS_NUMBERS[value]] if 0 <= value < len(_STATUS_NUMBERS) else None
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return map_status(int(text))
        if text.upper() in STATUS_NAMES:
            return STATUS_NAMES[text.upper()]
        try:
            return Status(text.lower())
        except ValueError:
            return None
    return None


def parse_message(data: Any, *, event: str = "messages.upsert") -> InboundMessage:
    if not isinstance(data, dict):
        raise InvalidPayload(f"{event}: data must be an object")
    key = data.get("key")
    if not isinstance(key, dict) or not key.get("id"):
        raise InvalidPayload(f"{event}: data.key.id is missing")
    chat = resolve_chat(key.get("remoteJid"), key.get("remoteJidAlt"))
    from_me = bool(key.get("fromMe")) or event == "send.message"
    message = data.get("message")
    if not isinstance(message, dict):
        raise InvalidPayload(f"{event}: data.message must be an object")
    fields: dict[str, Any] = {}
    content_name, content = _unwrap(message, data.get("messageType"))
    _fill_content(fields, content_name, content)
    context = data.get("contextInfo") or (content.get("contextInfo") if isinstance(content, dict) else None)
    quoted = _text(context.get("stanzaId")) if isinstance(context, dict) else None
    quoted_text = quote_text(context.get("quotedMessage")) if quoted and isinstance(context, dict) else None
    author_jid = author_phone = None
    if chat.is_group and not from_me:
        author_jid = clean_jid(key.get("participant")) or None
        alt = clean_jid(key.get("participantAlt"))
        author_phone = from_jid(alt) or from_jid(author_jid)
    status = map_status(data.get("status"))
    if event == "send.message":
        status = Status.PENDING
    elif status is None:
        status = Status.SENT if from_me else Status.DELIVERED
    return InboundMessage(
        wamid=key["id"], chat=chat, from_me=from_me, message_type=content_name, quoted_id=quoted,
        quoted_text=quoted_text,
        author_jid=author_jid, author_phone=author_phone, push_name=_text(data.get("pushName")),
        timestamp=epoch_to_datetime(data.get("messageTimestamp")), status=status,
        source=_text(data.get("source")), **fields,
    )


# ---------------------------------------------------------------- other events
class StatusUpdate(BaseModel):
    wamid: str
    remote_jid: str | None = None
    from_me: bool = False
    status: Status


class Deletion(BaseModel):
    wamid: str
    remote_jid: str | None = None
    from_me: bool = False


class ContactUpdate(BaseModel):
    chat: Chat
    name: str | None = None  # None = unknown: never overwrite a stored name with nothing
    profile_pic_url: str | None = None


class ChatUpdate(BaseModel):
    chat: Chat
    unread: int | None = None
    name: str | None = None


class Connection(BaseModel):
    state: Literal["open", "connecting", "close", "refused", "unknown"]
    status_reason: int | None = None
    wuid: str | None = None
    phone: str | None = None
    profile_name: str | None = None
    profile_picture_url: str | None = None

    @property
    def dropped(self) -> bool:
        return self.state in ("close", "refused")


class QrCode(BaseModel):
    code: str | None = None
    base64: str | None = None
    pairing_code: str | None = None
    error: str | None = None


class Presence(BaseModel):
    chat: Chat
    presence: str


def _objects(data: Any) -> list[dict[str, Any]]:
    """``data`` as a list of objects: contacts.* and chats.* come as an object or an array."""
    if data is None:
        return []
    items = data if isinstance(data, list) else [data]
    return [item for item in items if isinstance(item, dict)]


def parse_status_updates(data: Any) -> list[StatusUpdate]:
    updates = []
    for item in _objects(data):
        key = item.get("key") if isinstance(item.get("key"), dict) else {}
        wamid = item.get("keyId") or key.get("id")
        status = map_status(item.get("status") if "status" in item else (item.get("update") or {}).get("status"))
        if not wamid:
            raise InvalidPayload("messages.update without keyId")
        if status is not None:
            updates.append(StatusUpdate(wamid=wamid, remote_jid=item.get("remoteJid") or key.get("remoteJid"),
                                        from_me=bool(item.get("fromMe", key.get("fromMe"))), status=status))
    return updates


def parse_deletion(data: Any) -> Deletion:
    """Both forms: the revoked key ``{remoteJid, fromMe, id}`` or a stored message ``{id, key: {...}, ...}``."""
    if not isinstance(data, dict):
        raise InvalidPayload("messages.delete: data must be an object")
    key = data["key"] if isinstance(data.get("key"), dict) else data
    if not key.get("id"):
        raise InvalidPayload("messages.delete without the message id")
    return Deletion(wamid=key["id"], remote_jid=key.get("remoteJid"), from_me=bool(key.get("fromMe")))


def parse_contacts(data: Any) -> list[ContactUpdate]:
    updates = []
    for item in _objects(data):
        jid = item.get("remoteJid") or item.get("id")
        if not jid or jid.endswith("@g.us"):  # after a group message remoteJid is the group, pushName the author
            continue
        chat = resolve_chat(jid, item.get("remoteJidAlt") or item.get("lid") or item.get("phoneNumber"))
        if chat.is_broadcast:
            continue
        updates.append(ContactUpdate(chat=chat, name=_text(item.get("pushName") or item.get("name")),
                                     profile_pic_url=_text(item.get("profilePicUrl"))))
    return updates


def parse_chats(data: Any) -> list[ChatUpdate]:
    updates = []
    for item in _objects(data):
        jid = item.get("remoteJid") or item.get("id")
        if not jid:
            continue
        unread = _int(item.get("unreadMessages")) if "unreadMessages" in item else None
        updates.append(ChatUpdate(chat=resolve_chat(jid), unread=unread, name=_text(item.get("name"))))
    return updates


def parse_connection(data: Any) -> Connection:
    if not isinstance(data, dict):
        raise InvalidPayload("connection.update: data must be an object")
    state = str(data.get("state") or "").lower()
    wuid = clean_jid(data.get("wuid"))
    return Connection(
        state=state if state in ("open", "connecting", "close", "refused") else "unknown",
        status_reason=_int(data.get("statusReason")), wuid=wuid, phone=from_jid(wuid),
        profile_name=_text(data.get("profileName")), profile_picture_url=_text(data.get("profilePictureUrl")),
    )


def parse_qrcode(data: Any) -> QrCode:
    if not isinstance(data, dict):
        raise InvalidPayload("qrcode.updated: data must be an object")
    qr = data.get("qrcode") if isinstance(data.get("qrcode"), dict) else data
    return QrCode(code=_text(qr.get("code")), base64=_text(qr.get("base64")),
                  pairing_code=_text(qr.get("pairingCode")), error=_text(qr.get("message")))


def parse_presence(data: Any) -> Presence | None:
    if not isinstance(data, dict) or not data.get("id"):
        return None
    presences = data.get("presences") or {}
    state = next((p.get("lastKnownPresence") for p in presences.values() if isinstance(p, dict)), None)
    return Presence(chat=resolve_chat(data["id"]), presence=state or "unavailable")


# ---------------------------------------------------------------- routing keys used at the edge
def chat_key(event: str, data: Any) -> str:
    """The chat a webhook belongs to, for FIFO ordering per instance+chat; ``_instance`` for the rest.

    Tolerant by design: the edge never rejects a body for its content; the processor does the strict parse.
    """
    try:
        if event in MESSAGE_EVENTS and isinstance(data, dict) and isinstance(data.get("key"), dict):
            return resolve_chat(data["key"].get("remoteJid"), data["key"].get("remoteJidAlt")).jid
        if isinstance(data, dict):
            key = data.get("key") if isinstance(data.get("key"), dict) else data
            jid = key.get("remoteJid") or (data.get("id") if event == "presence.update" else None)
            if jid and event not in ("connection.update", "qrcode.updated"):
                return resolve_chat(jid, key.get("remoteJidAlt")).jid
    except (InvalidPayload, ValueError, AttributeError, TypeError):
        pass
    return INSTANCE_CHAT


def message_key(event: str, data: Any) -> str | None:
    """What makes a delivery unique: the WhatsApp id (``keyId:status`` for receipts); None when there is none."""
    if not isinstance(data, dict):
        return None
    if event in MESSAGE_EVENTS and isinstance(data.get("key"), dict):
        return data["key"].get("id") or None
    if event == "messages.update" and data.get("keyId"):
        return f"{data['keyId']}:{data.get('status')}"
    if event == "messages.delete":
        key = data["key"] if isinstance(data.get("key"), dict) else data
        return key.get("id") or None
    return None
