"""Builders of Evolution 2.3.6 bodies (HTTP answers and webhook envelopes), shaped like the real ones.

Conventions kept from the real server (see docs in events/evolution/):
* ``date_time`` is the server's local wall-clock time with a false ``Z`` (America/Sao_Paulo by default);
  the true time is ``messageTimestamp`` (epoch seconds).
* protobuf bytes are objects of indices ``{"0": 12, ...}``, 64-bit ints ``{"low", "high", "unsigned"}``.
* ids follow Baileys' ``getDevice`` rules: API sends ``3EB0`` + 18 upper hex ("web"), phones 32 upper hex
  ("android").
"""
from __future__ import annotations

import base64
import hashlib
import secrets
import string
import struct
import time
import zlib
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

SERVER_TZ = "America/Sao_Paulo"


# ---------------------------------------------------------------- primitives
def api_message_id() -> str:
    return "3EB0" + secrets.token_hex(9).upper()


def phone_message_id() -> str:
    return secrets.token_hex(16).upper()


def cuid() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "cm" + "".join(secrets.choice(alphabet) for _ in range(23))


def source_of(message_id: str) -> str:
    if len(message_id) == 22 and message_id.startswith("3E"):
        return "web"
    if len(message_id) == 20 and message_id.startswith("3A"):
        return "ios"
    if len(message_id) in (21, 32):
        return "android"
    return "unknown"


def index_bytes(data: bytes) -> dict[str, int]:
    return {str(i): b for i, b in enumerate(data)}


def long(value: int, unsigned: bool = True) -> dict[str, Any]:
    """A long.js value as Evolution 2.3.6 serialises it (low/high are signed 32-bit halves)."""

    def signed32(v: int) -> int:
        v &= 0xFFFFFFFF
        return v - (1 << 32) if v >= 1 << 31 else v

    return {"low": signed32(value), "high": signed32(value >> 32), "unsigned": unsigned}


def date_time(now: float | None = None, tz: str = SERVER_TZ) -> str:
    """Local wall-clock time formatted as if it were UTC (what Evolution puts in ``date_time``)."""
    moment = datetime.fromtimestamp(now if now is not None else time.time(), ZoneInfo(tz))
    naive = moment.replace(tzinfo=None)
    return naive.isoformat(timespec="milliseconds") + "Z"


def jid_of(number: str) -> str:
    if "@" in number:
        return number
    digits = "".join(ch for ch in number if ch.isdigit())
    return f"{digits}@g.us" if len(digits) >= 18 else f"{digits}@s.whatsapp.net"


def digits_of(number_or_jid: str) -> str:
    return "".join(ch for ch in number_or_jid.split("@")[0].split(":")[0] if ch.isdigit())


# ---------------------------------------------------------------- media
def png(width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (37, 211, 102)) -> bytes:
    """A small, valid PNG (solid colour), built without any imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width
    raw = row * height
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def media_fields(data: bytes, mimetype: str, now: int) -> dict[str, Any]:
    digest = hashlib.sha256(data).digest()
    path = f"/v/t62.7118-24/{secrets.randbelow(10**8)}_{secrets.randbelow(10**15)}_n.enc?ccb=11-4"
    return {
        "url": "https://mmg.whatsapp.net" + path + "&mms3=true",
        "mimetype": mimetype,
        "fileSha256": index_bytes(digest),
        "fileLength": long(len(data), True),
        "mediaKey": index_bytes(secrets.token_bytes(32)),
        "fileEncSha256": index_bytes(hashlib.sha256(digest).digest()),
        "directPath": path,
        "mediaKeyTimestamp": long(now, False),
    }


def context_info(now: int) -> dict[str, Any]:
    return {"mentionedJid": [], "groupMentions": [],
            "ephemeralSettingTimestamp": long(now - 172800, False), "disappearingMode": {"initiator": 0}}


def quote_context(quoted: dict[str, Any], chat_jid: str) -> dict[str, Any]:
    """contextInfo fields of a reply: the quoted message's id, author and content."""
    key = quoted.get("key") or {}
    message = quoted.get("message") if isinstance(quoted.get("message"), dict) else {}
    participant = chat_jid if not key.get("fromMe") else ""
    return {"stanzaId": str(key.get("id")), "participant": participant,
            "quotedMessage": message or {"conversation": ""}}


def message_context_info(now: int) -> dict[str, Any]:
    return {
        "deviceListMetadata": {
            "senderKeyIndexes": [], "recipientKeyIndexes": [],
            "senderKeyHash": index_bytes(secrets.token_bytes(10)),
            "senderTimestamp": long(now - 259200, True),
            "recipientKeyHash": index_bytes(secrets.token_bytes(10)),
            "recipientTimestamp": long(now - 18000, True),
        },
        "deviceListMetadataVersion": 2,
        "messageSecret": index_bytes(secrets.token_bytes(32)),
    }


# ---------------------------------------------------------------- messages (send answers == send.message data)
def sent_message(instance_id: str, remote_jid: str, content: dict[str, Any], message_type: str,
                 now: int | None = None, message_id: str | None = None) -> dict[str, Any]:
    now = now or int(time.time())
    message_id = message_id or api_message_id()
    return {
        "key": {"remoteJid": remote_jid, "fromMe": True, "id": message_id},
        "pushName": "Você",
        "status": "PENDING",
        "message": content,
        "contextInfo": context_info(now),
        "messageType": message_type,
        "messageTimestamp": now,
        "instanceId": instance_id,
        "source": source_of(message_id),
    }


def text_content(text: str) -> dict[str, Any]:
    return {"conversation": text}


def media_content(mediatype: str, data: bytes, mimetype: str, now: int, caption: str | None = None,
                  file_name: str | None = None) -> tuple[dict[str, Any], str]:
    fields = media_fields(data, mimetype, now)
    if mediatype == "image":
        body = {"interactiveAnnotations": [], "scanLengths": [], "annotations": [], **fields,
                "height": 8, "width": 8}
        if caption:
            body["caption"] = caption
        return {"imageMessage": body}, "imageMessage"
    if mediatype == "video":
        body = {**fields, "seconds": 1, "height": 8, "width": 8}
        if caption:
            body["caption"] = caption
        return {"videoMessage": body}, "videoMessage"
    if mediatype in ("audio", "ptt"):  # "ptt": a voice note (sendWhatsAppAudio)
        return {"audioMessage": {**fields, "seconds": 1, "ptt": mediatype == "ptt"}}, "audioMessage"
    name = file_name or "file"
    body = {**fields, "title": name, "fileName": name}
    if caption:
        body["caption"] = caption
    return {"documentMessage": body}, "documentMessage"


def inbound_message(instance_id: str, remote_jid: str, content: dict[str, Any], message_type: str,
                    push_name: str | None, *, remote_jid_alt: str | None = None, addressing_mode: str = "pn",
                    now: int | None = None, message_id: str | None = None) -> dict[str, Any]:
    now = now or int(time.time())
    message_id = message_id or phone_message_id()
    key: dict[str, Any] = {"remoteJid": remote_jid}
    if remote_jid_alt:
        key["remoteJidAlt"] = remote_jid_alt
    key.update({"fromMe": False, "id": message_id, "participant": "", "addressingMode": addressing_mode})
    return {
        "key": key,
        "pushName": push_name if push_name is not None else "",
        "status": "DELIVERY_ACK",
        "message": {**content, "messageContextInfo": message_context_info(now)},
        "messageType": message_type,
        "messageTimestamp": now,
        "instanceId": instance_id,
        "source": source_of(message_id),
    }


def message_update(key_id: str, remote_jid: str, status: str, instance_id: str, db_id: str,
                   from_me: bool = True) -> dict[str, Any]:
    return {"keyId": key_id, "remoteJid": remote_jid, "fromMe": from_me, "status": status,
            "instanceId": instance_id, "messageId": db_id}


def contact(remote_jid: str, push_name: str, profile_pic_url: str | None, instance_id: str) -> dict[str, Any]:
    return {"remoteJid": remote_jid, "pushName": push_name, "profilePicUrl": profile_pic_url,
            "instanceId": instance_id}


def profile_picture_url(jid: str, base: str | None = None) -> str:
    """WhatsApp's CDN URL shape; with ``base`` (the simulator's own URL) one the simulator really serves."""
    seed = hashlib.sha256(jid.encode()).hexdigest()
    query = f"?ccb=11-4&oh=01_{seed[20:44]}&oe=69C03CBC&_nc_sid=5e03e0&_nc_cat=101"
    if base:
        return f"{base.rstrip('/')}/_sim/pictures/{digits_of(jid) or seed[:16]}.png{query}"
    return f"https://pps.whatsapp.net/v/t61.24694-24/{int(seed[:8], 16)}_{int(seed[8:20], 16)}_n.jpg{query}"


def profile_picture(name: str) -> bytes:
    """The picture behind a simulator picture URL: a 64x64 PNG whose colour depends on the number."""
    seed = hashlib.sha256(name.encode()).digest()
    return png(64, 64, (seed[0], seed[1], seed[2]))


# ---------------------------------------------------------------- connection
def qr_payload(instance: str, count: int = 1, pairing_code: str | None = None) -> dict[str, Any]:
    refs = [base64.b64encode(secrets.token_bytes(30)).decode() for _ in range(4)]
    return {"pairingCode": pairing_code, "code": "2@" + ",".join(refs),
            "base64": "data:image/png;base64," + base64.b64encode(png(29, 29, (0, 0, 0))).decode(),
            "count": count}


def connection_open(instance: str, wuid: str, profile_name: str, picture: str | None) -> dict[str, Any]:
    return {"instance": instance, "wuid": wuid, "profileName": profile_name, "profilePictureUrl": picture,
            "state": "open", "statusReason": 200}


def connection_state_change(instance: str, state: str, reason: int) -> dict[str, Any]:
    return {"instance": instance, "state": state, "statusReason": reason}


# ---------------------------------------------------------------- envelope and errors
def envelope(event: str, instance: str, data: Any, destination: str, server_url: str,
             sender: str | None, apikey: str | None = None, now: float | None = None,
             tz: str = SERVER_TZ) -> dict[str, Any]:
    body: dict[str, Any] = {"event": event, "instance": instance, "data": data, "destination": destination,
                            "date_time": date_time(now, tz)}
    if sender:  # absent until the account logged in once
        body["sender"] = sender
    body["server_url"] = server_url
    body["apikey"] = apikey
    return body


def event_config_name(event: str) -> str:
    """"messages.upsert" -> "MESSAGES_UPSERT" (Evolution's subscription name)."""
    return event.replace(".", "_").replace("-", "_").upper()


def event_suffix(event: str) -> str:
    """"messages.upsert" -> "messages-upsert" (the by-events URL suffix)."""
    return event_config_name(event).replace("_", "-").lower()


REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           500: "Internal Server Error"}


def error(status: int, message: Any) -> dict[str, Any]:
    return {"status": status, "error": REASONS.get(status, "Error"), "response": {"message": message}}
