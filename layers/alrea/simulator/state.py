"""The simulator's world: instances, messages, faults, timing, and the webhook dispatcher.

Everything here is plain Python, guarded by one lock, so tests and the local runtime can also drive it
in-process (``server.state.inject_inbound(...)``) besides the ``/_sim/`` HTTP control endpoints.
"""
from __future__ import annotations

import base64
import binascii
import heapq
import itertools
import random
import re
import secrets
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

import httpx
import jwt

from alrea.core.log import logger
from alrea.simulator import payloads as p

NON_RETRYABLE = frozenset({400, 401, 403, 404, 422})
DEFAULT_REPLIES = ("Obrigado! 🙂", "Quero saber mais", "Qual o preço?", "Pode me ligar amanhã?", "PARAR")


class SimError(Exception):
    """An Evolution-shaped error answer."""

    def __init__(self, status: int, message: Any) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.body = p.error(status, message)


@dataclass
class WebhookConfig:
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    by_events: bool = False
    base64: bool = False
    events: list[str] = field(default_factory=list)  # empty = every event
    enabled: bool = True
    id: str = field(default_factory=p.cuid)

    def wants(self, event: str) -> bool:
        return self.enabled and (not self.events or p.event_config_name(event) in self.events)


@dataclass
class SimInstance:
    name: str
    instance_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    token: str = field(default_factory=lambda: str(uuid.uuid4()).upper())
    state: str = "close"  # close | connecting | open
    wuid: str | None = None  # set on first login; the envelope's ``sender``
    profile_name: str | None = None
    webhook: WebhookConfig | None = None
    qr_count: int = 0
    last_qr: dict[str, Any] | None = None
    contacts: set[str] = field(default_factory=set)

    def public(self) -> dict[str, Any]:
        return {"name": self.name, "instanceId": self.instance_id, "token": self.token, "state": self.state,
                "wuid": self.wuid, "profileName": self.profile_name,
                "webhook": asdict(self.webhook) if self.webhook else None}


@dataclass
class StoredMessage:
    id: str
    instance: str
    remote_jid: str
    from_me: bool
    message_type: str
    data: dict[str, Any]
    db_id: str = field(default_factory=p.cuid)
    media: bytes | None = None
    mimetype: str | None = None
    file_name: str | None = None
    caption: str | None = None


@dataclass
class Faults:
    unknown_numbers: set[str] = field(default_factory=set)  # digits; -> 400 number-not-on-WhatsApp
    error_rate: float = 0.0  # probability of a 5xx on Evolution routes
    fail_next: int = 0  # the next N Evolution requests answer 5xx
    # "closed" (500 "Connection Closed", nothing done) | "generic" (500 Internal Server Error, nothing done) |
    # "sent" (the work is done — a send goes out and is echoed — then 500 Internal Server Error) | "mix" (one
    # of the three, at random)
    error_kind: str = "closed"
    latency_ms: int = 0  # added to every Evolution request
    hang_s: float = 0.0  # answer this late (the work is done first: a send really goes out)
    hang_rate: float = 1.0  # the share of requests that hang (when hang_s is set)
    echo_delay_s: float = 0.0  # the send.message echo of a send comes this late (e.g. after a hang)

    def public(self) -> dict[str, Any]:
        data = asdict(self)
        data["unknown_numbers"] = sorted(self.unknown_numbers)
        return data


@dataclass
class Timing:
    delivery_delay_s: float = 0.4  # send -> messages.update DELIVERY_ACK
    read_delay_s: float = 1.5  # send -> messages.update READ
    read_probability: float = 1.0
    reply_probability: float = 0.0  # send -> an inbound reply (messages.upsert)
    reply_delay_s: float = 3.0
    replies: tuple[str, ...] = DEFAULT_REPLIES
    auto_connect_s: float | None = None  # after a QR is shown, "scan" it by itself after this long
    webhook_timeout_s: float = 10.0
    webhook_attempts: int = 5
    webhook_retry_initial_s: float = 0.5
    webhook_retry_max_s: float = 30.0
    timezone: str = p.SERVER_TZ


class Dispatcher:
    """A single thread running scheduled jobs in due order (webhook posts, their retries, timed events)."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._stopped = False
        self._generation = 0
        self._thread = threading.Thread(target=self._run, name="evolution-sim-dispatcher", daemon=True)
        self._thread.start()

    def schedule(self, delay_s: float, job: Callable[[], None]) -> None:
        with self._cond:
            generation = self._generation

            def guarded() -> None:
                if generation == self._generation:
                    job()

            heapq.heappush(self._heap, (time.monotonic() + max(0.0, delay_s), next(self._seq), guarded))
            self._cond.notify()

    def clear(self) -> None:
        with self._cond:
            self._generation += 1
            self._heap.clear()

    def pending(self) -> int:
        with self._cond:
            return len(self._heap)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopped and (not self._heap or self._heap[0][0] > time.monotonic()):
                    timeout = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cond.wait(timeout)
                if self._stopped:
                    return
                _, _, job = heapq.heappop(self._heap)
            try:
                job()
            except Exception:  # noqa: BLE001 - a failing job must not kill the dispatcher
                logger.exception("simulator job failed")


class SimState:
    def __init__(self, api_key: str = "sim-api-key", server_url: str = "http://127.0.0.1:8081",
                 timing: Timing | None = None, faults: Faults | None = None, seed: int | None = None) -> None:
        self.api_key = api_key
        self.server_url = server_url
        self.timing = timing or Timing()
        self.faults = faults or Faults()
        self.random = random.Random(seed)
        self.lock = threading.RLock()
        self.instances: dict[str, SimInstance] = {}
        self.messages: dict[str, StoredMessage] = {}
        self.sent: list[dict[str, Any]] = []
        self.deliveries: list[dict[str, Any]] = []  # webhook attempts, newest last
        self.requests = 0  # Evolution requests seen (after guards)
        self.dispatcher = Dispatcher()
        self._http = httpx.Client()

    # ---------------------------------------------------------------- lifecycle
    def reset(self) -> None:
        with self.lock:
            self.dispatcher.clear()
            self.instances.clear()
            self.messages.clear()
            self.sent.clear()
            self.deliveries.clear()
            self.requests = 0
            self.faults = Faults()

    def close(self) -> None:
        self.dispatcher.stop()
        self._http.close()

    # ---------------------------------------------------------------- guards
    def instance(self, name: str) -> SimInstance:
        with self.lock:
            inst = self.instances.get(name)
        if inst is None:
            raise SimError(404, [f'The "{name}" instance does not exist'])
        return inst

    def authorize(self, apikey: str | None, inst: SimInstance | None = None) -> None:
        if apikey and (secrets.compare_digest(apikey, self.api_key)
                       or (inst is not None and secrets.compare_digest(apikey, inst.token))):
            return
        raise SimError(401, "Unauthorized")

    def take_fault(self) -> tuple[float, bool]:
        """Count the request, raise a 5xx if a fault says so; returns how long the answer must hang and
        whether it must answer 500 after doing the work (error kind "sent")."""
        with self.lock:
            self.requests += 1
            f = self.faults
            fail = f.fail_next > 0 or (f.error_rate > 0 and self.random.random() < f.error_rate)
            if f.fail_next > 0:
                f.fail_next -= 1
            kind, hang = f.error_kind, f.hang_s
            if kind == "mix":
                kind = self.random.choice(("closed", "generic", "sent"))
            if hang and f.hang_rate < 1.0 and self.random.random() >= f.hang_rate:
                hang = 0.0
        if fail and kind != "sent":
            raise SimError(500, "Connection Closed" if kind == "closed" else "Internal Server Error")
        return hang, fail

    # ---------------------------------------------------------------- instances
    def create_instance(self, name: str, *, token: str | None = None, webhook: WebhookConfig | None = None,
                        connected: bool = False, wuid: str | None = None,
                        profile_name: str | None = None) -> SimInstance:
        if not name or not re.fullmatch(r"[^/\s]{1,100}", name):
            raise SimError(400, [['instance requires property "instanceName"']])
        with self.lock:
            if name in self.instances:
                raise SimError(403, [f'This name "{name}" is already in use.'])
            inst = SimInstance(name=name, webhook=webhook, state="connecting")
            if token:
                inst.token = token
            self.instances[name] = inst
        if connected:
            self.scan(name, number=wuid, profile_name=profile_name)
        else:
            self._show_qr(inst)
        return inst

    def set_webhook(self, name: str, config: WebhookConfig) -> WebhookConfig:
        inst = self.instance(name)
        with self.lock:
            if inst.webhook:
                config.id = inst.webhook.id
            inst.webhook = config
        return config

    def connect(self, name: str, number: str | None = None) -> dict[str, Any]:
        inst = self.instance(name)
        if inst.state == "open":
            return {"instance": {"instanceName": name, "state": "open"}}
        with self.lock:
            inst.state = "connecting"
        qr = self._show_qr(inst, pairing=bool(number))
        return qr

    def _show_qr(self, inst: SimInstance, pairing: bool = False) -> dict[str, Any]:
        with self.lock:
            inst.qr_count += 1
            pairing_code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(8))
            qr = p.qr_payload(inst.name, inst.qr_count, pairing_code if pairing else None)
            inst.last_qr = qr
        self.emit(inst, "qrcode.updated", {"qrcode": {"instance": inst.name, **{k: qr[k] for k in (
            "pairingCode", "code", "base64")}}})
        if self.timing.auto_connect_s is not None:
            name = inst.name
            self.dispatcher.schedule(self.timing.auto_connect_s,
                                     lambda: self._auto_scan(name))
        return qr

    def _auto_scan(self, name: str) -> None:
        inst = self.instances.get(name)
        if inst is not None and inst.state == "connecting":
            self.scan(name)

    def scan(self, name: str, number: str | None = None, profile_name: str | None = None) -> SimInstance:
        """The phone scanned the QR: the instance opens (connection.update open with wuid)."""
        inst = self.instance(name)
        with self.lock:
            digits = p.digits_of(number) if number else None
            if digits:
                inst.wuid = f"{digits}@s.whatsapp.net"
            elif not inst.wuid:
                inst.wuid = f"55119{self.random.randrange(10**7, 10**8)}@s.whatsapp.net"
            inst.profile_name = profile_name or inst.profile_name or f"Empresa {name}"
            inst.state = "open"
        self.emit(inst, "connection.update",
                  p.connection_open(name, inst.wuid, inst.profile_name,
                                    p.profile_picture_url(inst.wuid, self.server_url)))
        return inst

    def disconnect(self, name: str, reason: int = 401) -> SimInstance:
        inst = self.instance(name)
        with self.lock:
            inst.state = "close"
        self.emit(inst, "connection.update", p.connection_state_change(name, "close", reason))
        return inst

    def logout(self, name: str) -> None:
        inst = self.instance(name)
        if inst.state == "close":
            raise SimError(400, [f'The "{name}" instance is not connected'])
        self.disconnect(name, 401)

    def delete(self, name: str) -> None:
        self.instance(name)
        with self.lock:
            self.instances.pop(name, None)

    # ---------------------------------------------------------------- numbers
    def exists(self, number: str) -> bool:
        digits = p.digits_of(number)
        if number.endswith("@lid") or number.endswith("@g.us"):
            return True
        return bool(digits) and digits not in self.faults.unknown_numbers and 10 <= len(digits) <= 15

    def check(self, numbers: list[str]) -> list[dict[str, Any]]:
        out = []
        for number in numbers:
            row: dict[str, Any] = {"jid": p.jid_of(number), "exists": self.exists(number),
                                   "number": p.digits_of(number) or number}
            out.append(row)
        return out

    def _require_number(self, number: str) -> str:
        if not self.exists(number):
            raise SimError(400, [{"jid": p.jid_of(number), "exists": False, "number": number}])
        return p.jid_of(number)

    def _require_open(self, inst: SimInstance) -> None:
        if inst.state != "open":
            raise SimError(400, ["Error: Connection Closed"])

    # ---------------------------------------------------------------- sends
    def send_text(self, name: str, number: str, text: str, quoted: dict[str, Any] | None = None
                  ) -> dict[str, Any]:
        inst = self.instance(name)
        self._require_open(inst)
        jid = self._require_number(number)
        data = p.sent_message(inst.instance_id, jid, p.text_content(text), "conversation")
        if quoted:  # a reply: WhatsApp carries the quoted message's id and content in contextInfo
            data["contextInfo"].update(p.quote_context(quoted, jid))
        self._record_send(inst, number, data, text=text, quoted=quoted)
        return data

    def send_reaction(self, name: str, key: dict[str, Any], emoji: str) -> dict[str, Any]:
        """A reaction goes out as a reactionMessage (echoed by send.message); no receipts, no replies."""
        inst = self.instance(name)
        self._require_open(inst)
        remote_jid = str(key["remoteJid"])
        target = {"remoteJid": remote_jid, "fromMe": bool(key.get("fromMe")), "id": str(key["id"])}
        now = int(time.time())
        content = {"reactionMessage": {"key": target, "text": emoji, "senderTimestampMs": now * 1000}}
        data = p.sent_message(inst.instance_id, remote_jid, content, "reactionMessage", now)
        stored = StoredMessage(id=data["key"]["id"], instance=inst.name, remote_jid=remote_jid, from_me=True,
                               message_type="reactionMessage", data=data)
        with self.lock:
            self.messages[stored.id] = stored
            self.sent.append({"instance": inst.name, "id": stored.id, "number": p.digits_of(remote_jid),
                              "remote_jid": remote_jid, "type": "reactionMessage", "text": None,
                              "caption": None, "mediatype": None, "reaction": emoji, "key": target,
                              "timestamp": now})
        self.emit(inst, "send.message", data)
        return data

    def send_media(self, name: str, number: str, mediatype: str, media: str, mimetype: str | None,
                   caption: str | None, file_name: str | None) -> dict[str, Any]:
        inst = self.instance(name)
        self._require_open(inst)
        content_bytes = self._media_bytes(media)
        jid = self._require_number(number)
        if mediatype == "image":
            mimetype = "image/png" if content_bytes.startswith(b"\x89PNG") else (mimetype or "image/jpeg")
        mimetype = mimetype or {"video": "video/mp4", "audio": "audio/mpeg"}.get(mediatype,
                                                                               "application/octet-stream")
        now = int(time.time())
        content, message_type = p.media_content(mediatype, content_bytes, mimetype, now, caption, file_name)
        data = p.sent_message(inst.instance_id, jid, content, message_type, now)
        self._record_send(inst, number, data, caption=caption, media=content_bytes, mimetype=mimetype,
                          file_name=file_name, mediatype=mediatype)
        return data

    def send_audio(self, name: str, number: str, audio: str) -> dict[str, Any]:
        """sendWhatsAppAudio: a voice note (PTT); Evolution converts whatever it gets to ogg/opus."""
        inst = self.instance(name)
        self._require_open(inst)
        content_bytes = self._media_bytes(audio)
        jid = self._require_number(number)
        now = int(time.time())
        mimetype = "audio/ogg; codecs=opus"
        content, message_type = p.media_content("ptt", content_bytes, mimetype, now)
        data = p.sent_message(inst.instance_id, jid, content, message_type, now)
        self._record_send(inst, number, data, media=content_bytes, mimetype=mimetype, mediatype="audio",
                          ptt=True)
        return data

    def _media_bytes(self, media: str) -> bytes:
        if re.match(r"^https?://", media):
            try:
                response = self._http.get(media, timeout=5.0, follow_redirects=True)
                if response.status_code == 200 and response.content:
                    return response.content
            except httpx.HTTPError:
                pass
            return p.png()
        try:
            return base64.b64decode(media, validate=True)
        except (binascii.Error, ValueError):
            raise SimError(400, ["Owned media must be a url or base64"]) from None

    def _record_send(self, inst: SimInstance, number: str, data: dict[str, Any], **extra: Any) -> None:
        key = data["key"]
        stored = StoredMessage(id=key["id"], instance=inst.name, remote_jid=key["remoteJid"], from_me=True,
                               message_type=data["messageType"], data=data, media=extra.get("media"),
                               mimetype=extra.get("mimetype"), file_name=extra.get("file_name"),
                               caption=extra.get("caption"))
        with self.lock:
            self.messages[stored.id] = stored
            self.sent.append({"instance": inst.name, "id": stored.id, "number": number,
                              "remote_jid": stored.remote_jid, "type": stored.message_type,
                              "text": extra.get("text"), "caption": extra.get("caption"),
                              "mediatype": extra.get("mediatype"), "quoted": extra.get("quoted"),
                              "timestamp": data["messageTimestamp"],
                              "file_name": extra.get("file_name"), "ptt": bool(extra.get("ptt")),
                              "bytes": len(extra["media"]) if extra.get("media") is not None else None})
        self.emit(inst, "send.message", data, delay_s=self.faults.echo_delay_s)
        t = self.timing
        update = lambda status: (lambda: self.emit(  # noqa: E731
            inst, "messages.update",
            p.message_update(stored.id, stored.remote_jid, status, inst.instance_id, stored.db_id)))
        self.dispatcher.schedule(t.delivery_delay_s, update("DELIVERY_ACK"))
        if self.random.random() < t.read_probability:
            self.dispatcher.schedule(max(t.read_delay_s, t.delivery_delay_s), update("READ"))
        if self.random.random() < t.reply_probability:
            text = self.random.choice(t.replies)
            phone = p.digits_of(stored.remote_jid)
            self.dispatcher.schedule(t.reply_delay_s, lambda: self._safe_inbound(inst.name, phone, text))

    def _safe_inbound(self, name: str, phone: str, text: str) -> None:
        try:
            self.inject_inbound(name, phone, text=text)
        except SimError:
            pass  # the instance was deleted meanwhile

    # ---------------------------------------------------------------- inbound
    def inject_inbound(self, name: str, phone: str, *, text: str | None = None, image: bool = False,
                       caption: str | None = None, push_name: str | None = None,
                       lid: str | bool | None = None, image_bytes: bytes | None = None,
                       media_spec: dict[str, Any] | None = None, media_expired: bool = False,
                       quoted_id: str | None = None, ago_s: int = 0) -> dict[str, Any]:
        """A contact writes to the instance: posts messages.upsert, then contacts.upsert/contacts.update.

        ``media_spec``: a file of any kind, ``{"type": image|video|audio|ptt|document, "base64", "mimetype",
        "file_name"}`` (``ptt``: a voice note); ``image`` alone sends a small PNG (or ``image_bytes``).
        ``media_expired``: WhatsApp no longer has the file, so getBase64FromMediaMessage answers 400.

        ``lid``: True (a random LID) or a LID (digits or ``…@lid``) to address the chat by LID the way 2.3.6
        does (``remoteJid`` @lid, ``remoteJidAlt`` the phone, ``addressingMode`` "lid").
        ``quoted_id``: the text replies to that message (an extendedTextMessage whose contextInfo quotes it).
        ``ago_s``: the message was written that many seconds ago (its ``messageTimestamp``), e.g. delivered late
        after the phone was offline.
        """
        inst = self.instance(name)
        digits = p.digits_of(phone)
        if not digits:
            raise SimError(400, [["instance requires property \"phone\""]])
        pn_jid = f"{digits}@s.whatsapp.net"
        lid_jid = None
        if lid:
            lid_jid = lid if isinstance(lid, str) and lid.endswith("@lid") else (
                f"{p.digits_of(lid)}@lid" if isinstance(lid, str) else
                f"{self.random.randrange(10**14, 10**15)}@lid")
        now = int(time.time()) - max(0, ago_s)
        media, mimetype, file_name = None, None, None
        if media_spec:
            kind = str(media_spec.get("type") or "document")
            if kind not in ("image", "video", "audio", "ptt", "document"):
                raise SimError(400, [["media.type is not one of enum values: image,video,audio,ptt,document"]])
            try:
                media = base64.b64decode(str(media_spec.get("base64") or ""), validate=True)
            except (binascii.Error, ValueError):
                raise SimError(400, ["media.base64 must be base64"]) from None
            mimetype = str(media_spec.get("mimetype") or {
                "image": "image/png", "video": "video/mp4", "audio": "audio/mpeg",
                "ptt": "audio/ogg; codecs=opus"}.get(kind, "application/octet-stream"))
            file_name = media_spec.get("file_name")
            content, message_type = p.media_content(kind, media, mimetype, now, caption or text, file_name)
        elif image:
            media, mimetype = image_bytes or p.png(), "image/png"
            content, message_type = p.media_content("image", media, mimetype, now, caption or text)
        elif quoted_id:
            with self.lock:
                quoted = self.messages.get(quoted_id)
            if quoted is None:
                raise SimError(400, [f"quoted message {quoted_id} not found"])
            quoted_content = {k: v for k, v in quoted.data["message"].items() if k != "messageContextInfo"}
            context = {"stanzaId": quoted_id, "quotedMessage": quoted_content,
                       "participant": inst.wuid if quoted.from_me and inst.wuid else pn_jid}
            content = {"extendedTextMessage": {"text": text or "", "contextInfo": context}}
            message_type = "extendedTextMessage"
        else:
            content, message_type = p.text_content(text or ""), "conversation"
        name_shown = push_name if push_name is not None else f"Contato {digits[-4:]}"
        if lid_jid:
            data = p.inbound_message(inst.instance_id, lid_jid, content, message_type, name_shown,
                                     remote_jid_alt=pn_jid, addressing_mode="lid", now=now)
        else:
            data = p.inbound_message(inst.instance_id, pn_jid, content, message_type, name_shown, now=now)
        stored = StoredMessage(id=data["key"]["id"], instance=name, remote_jid=data["key"]["remoteJid"],
                               from_me=False, message_type=message_type, data=data,
                               media=None if media_expired else media,
                               mimetype=mimetype,
                               file_name=file_name or (f"{data['key']['id']}.png" if image and media else None),
                               caption=(caption or text) if media else None)
        with self.lock:
            self.messages[stored.id] = stored
            known = pn_jid in inst.contacts
            inst.contacts.add(pn_jid)
        self.emit(inst, "messages.upsert", data)
        contact_jid = data["key"]["remoteJid"]
        if known:
            self.emit(inst, "contacts.update",
                      p.contact(contact_jid, name_shown, p.profile_picture_url(pn_jid, self.server_url),
                                inst.instance_id))
        else:
            self.emit(inst, "contacts.upsert", p.contact(contact_jid, name_shown, None, inst.instance_id))
        return data

    PRESENCES = ("composing", "recording", "paused", "available", "unavailable")

    def inject_presence(self, name: str, phone: str, presence: str = "composing") -> dict[str, Any]:
        """A contact's presence in their chat with the instance (typing, recording, stopped): presence.update."""
        inst = self.instance(name)
        digits = p.digits_of(phone)
        if not digits:
            raise SimError(400, [["instance requires property \"from\""]])
        if presence not in self.PRESENCES:
            raise SimError(400, [[f"presence must be one of {', '.join(self.PRESENCES)}"]])
        jid = f"{digits}@s.whatsapp.net"
        data = {"id": jid, "presences": {jid: {"lastKnownPresence": presence}}}
        self.emit(inst, "presence.update", data)
        return data

    def find_messages(self, name: str, where: dict[str, Any]) -> dict[str, Any]:
        """``/chat/findMessages``: the instance's stored messages matching ``where.key`` (remoteJid, fromMe, id)
        and ``where.messageTimestamp`` {gte, lte} (ISO dates), newest first, in Evolution's paged shape."""
        self.instance(name)
        key = where.get("key") if isinstance(where.get("key"), dict) else {}
        window = where.get("messageTimestamp") if isinstance(where.get("messageTimestamp"), dict) else {}
        bounds = [_epoch(window.get(k)) for k in ("gte", "lte")]
        with self.lock:
            rows = [m for m in self.messages.values() if m.instance == name]
        out = []
        for m in rows:
            ts = int(m.data.get("messageTimestamp") or 0)
            if key.get("remoteJid") and m.remote_jid != key["remoteJid"]:
                continue
            if "fromMe" in key and bool(key["fromMe"]) != m.from_me:
                continue
            if key.get("id") and m.id != key["id"]:
                continue
            if (bounds[0] is not None and ts < bounds[0]) or (bounds[1] is not None and ts > bounds[1]):
                continue
            out.append({"id": m.db_id, **m.data, "status": "SERVER_ACK" if m.from_me else "DELIVERY_ACK"})
        out.sort(key=lambda r: -int(r.get("messageTimestamp") or 0))
        return {"messages": {"total": len(out), "pages": 1, "currentPage": 1, "records": out}}

    # ---------------------------------------------------------------- media
    def media_of(self, name: str, message: dict[str, Any]) -> dict[str, Any]:
        self.instance(name)
        key = message.get("key") if isinstance(message, dict) else None
        message_id = key.get("id") if isinstance(key, dict) else None
        if not message_id:
            raise SimError(400, [['instance requires property "message"']])
        with self.lock:
            stored = self.messages.get(message_id)
        if stored is None or stored.instance != name or stored.media is None:
            raise SimError(400, [f"Message {message_id} not found or has no media"])
        content = next(iter(v for k, v in stored.data["message"].items() if k != "messageContextInfo"))
        return {"mediaType": stored.message_type, "fileName": stored.file_name or f"{stored.id}.bin",
                "caption": stored.caption,
                "size": {"fileLength": p.long(len(stored.media)), "height": content.get("height"),
                         "width": content.get("width")},
                "mimetype": stored.mimetype, "base64": base64.b64encode(stored.media).decode(),
                "buffer": None}

    # ---------------------------------------------------------------- webhooks
    def emit(self, inst: SimInstance, event: str, data: Any, delay_s: float = 0.0) -> None:
        """Post one event to the instance's webhook (if subscribed), like Evolution's WebhookController."""
        hook = inst.webhook
        if hook is None or not hook.wants(event):
            return
        body = p.envelope(event, inst.name, data, hook.url, self.server_url, inst.wuid, None,
                          tz=self.timing.timezone)
        url = f"{hook.url.rstrip('/')}/{p.event_suffix(event)}" if hook.by_events else hook.url
        headers = {"Content-Type": "application/json", "User-Agent": "axios/1.7.9"}
        for key, value in hook.headers.items():
            if key == "jwt_key":
                now = int(time.time())
                claims = {"iat": now, "exp": now + 600, "app": "evolution", "action": "webhook"}
                headers["Authorization"] = "Bearer " + jwt.encode(claims, value, algorithm="HS256")
            else:
                headers[key] = str(value)
        self.dispatcher.schedule(delay_s, lambda: self._post(event, url, headers, body, 1))

    def _post(self, event: str, url: str, headers: dict[str, str], body: dict[str, Any], attempt: int) -> None:
        t = self.timing
        record: dict[str, Any] = {"event": event, "url": url, "attempt": attempt,
                                  "key_id": _key_id(body.get("data")), "status": None, "error": None}
        try:
            response = self._http.post(url, json=body, headers=headers, timeout=t.webhook_timeout_s)
            record["status"] = response.status_code
            retry = response.status_code >= 300 and response.status_code not in NON_RETRYABLE
        except httpx.HTTPError as exc:
            record["error"] = f"{exc.__class__.__name__}: {exc}"
            retry = True
        with self.lock:
            self.deliveries.append(record)
            del self.deliveries[:-2000]
        if retry and attempt < t.webhook_attempts:
            delay = min(t.webhook_retry_max_s, t.webhook_retry_initial_s * 2 ** (attempt - 1))
            delay *= self.random.uniform(0.8, 1.2)
            self.dispatcher.schedule(delay, lambda: self._post(event, url, headers, body, attempt + 1))


def _epoch(value: Any) -> int | None:
    """An Evolution date filter (ISO string or epoch) as epoch seconds, like ``new Date(x).getTime() / 1000``."""
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        return int(value)
    from datetime import datetime

    try:
        return int(datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp())
    except ValueError:
        raise SimError(400, ["Invalid date in where.messageTimestamp"]) from None


def _key_id(data: Any) -> str | None:
    if isinstance(data, dict):
        if isinstance(data.get("key"), dict):
            return data["key"].get("id")
        return data.get("keyId")
    return None
