"""EvolutionClient: the WhatsApp port over Evolution API 2.x (httpx, sync).

Retry policy (why it differs for sends):

* Every call gets connect/read timeouts and up to ``attempts`` tries (default 3) with exponential backoff and
  jitter. 4xx answers are never retried: they are typed errors (see errors.py).
* Reads and instance operations are retried on 5xx, timeouts and transport errors: repeating them is harmless.
* Sends (``send_text``, ``send_media``, ``send_audio``) are NOT idempotent: WhatsApp would deliver a repeat
  twice. They are retried only when the message surely did not go out:
    - the connection was never made (connect error / connect timeout / no pooled connection), or
    - a 5xx whose body says the socket is closed (``Connection Closed``): Evolution raises it while checking
      the number, before it hands the message to Baileys.
  A read timeout, a dropped answer or any other 5xx after the request reached Evolution raises
  SendOutcomeUnknown: the caller reconciles through the ``send.message`` / ``messages.update`` webhooks.
"""
from __future__ import annotations

import base64 as b64
import random
import time
from collections.abc import Callable
from typing import Any

import httpx

from alrea.adapters.evolution.errors import (
    ConnectionClosed,
    EvolutionUnavailable,
    SendOutcomeUnknown,
    WhatsAppError,
    error_for,
    is_connection_closed,
    messages_of,
)
from alrea.core.log import logger
from alrea.ports.whatsapp import (
    WEBHOOK_EVENTS,
    ConnectResult,
    CreatedInstance,
    MediaFile,
    NumberCheck,
    QrCode,
    Quote,
    SentMessage,
    WhatsApp,
)

# the request never reached the server: safe to repeat even a send
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class EvolutionClient(WhatsApp):
    def __init__(self, base_url: str, api_key: str | Callable[[], str], timeout: float = 15.0, *,
                 connect_timeout: float = 3.0,
                 attempts: int = 3, backoff_s: float = 0.25, max_backoff_s: float = 4.0,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.attempts = max(1, attempts)
        self.backoff_s = backoff_s
        self.max_backoff_s = max_backoff_s
        # a callable is asked on every request (a cached Secrets Manager read: rotation needs no cold start)
        self._api_key = api_key if callable(api_key) else (lambda: api_key)
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> EvolutionClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---------------------------------------------------------------- transport
    def _sleep(self, attempt: int) -> None:
        delay = min(self.max_backoff_s, self.backoff_s * (2 ** attempt))
        time.sleep(delay * random.uniform(0.8, 1.2))

    def _request(self, method: str, path: str, *, instance: str = "", json: Any = None,
                 params: dict[str, Any] | None = None, send: bool = False) -> Any:
        last: WhatsAppError | None = None
        for attempt in range(self.attempts):
            if attempt:
                self._sleep(attempt - 1)
            try:
                response = self._http.request(method, path, json=json, params=params,
                                              headers={"apikey": self._api_key()})
            except _NOT_SENT as exc:
                last = EvolutionUnavailable(f"Evolution unreachable: {exc.__class__.__name__}: {exc}")
                logger.warning("evolution unreachable", extra={"path": path, "attempt": attempt + 1,
                                                                 "error": repr(exc)})
                continue
            except httpx.TransportError as exc:  # read/write timeout, dropped connection: it may have run
                if send:
                    raise SendOutcomeUnknown(f"no answer to the send ({exc.__class__.__name__}); "
                                             "the message may have gone out") from exc
                last = EvolutionUnavailable(f"Evolution did not answer: {exc.__class__.__name__}: {exc}")
                logger.warning("evolution transport error", extra={"path": path, "attempt": attempt + 1,
                                                                     "error": repr(exc)})
                continue
            if response.status_code < 400:
                if not response.content:
                    return None
                try:
                    return response.json()
                except ValueError:
                    return response.text
            body = _body(response)
            if response.status_code < 500:
                raise error_for(response.status_code, body, instance=instance)
            closed = is_connection_closed(messages_of(body))
            if send and not closed:
                raise SendOutcomeUnknown(
                    f"Evolution answered {response.status_code} to a send; the message may have gone out",
                    status=response.status_code, messages=messages_of(body))
            last = error_for(response.status_code, body, instance=instance)
            logger.warning("evolution 5xx", extra={"path": path, "status": response.status_code,
                                                   "attempt": attempt + 1})
        assert last is not None
        if not isinstance(last, EvolutionUnavailable):  # pragma: no cover - 5xx always map to it
            last = EvolutionUnavailable(last.message, status=last.status, messages=last.messages)
        if isinstance(last, ConnectionClosed):
            raise last
        raise EvolutionUnavailable(f"Evolution unavailable after {self.attempts} tries: {last.message}",
                                   status=last.status, messages=last.messages)

    # ---------------------------------------------------------------- instances
    def create_instance(self, name: str, webhook_url: str, webhook_headers: dict[str, str],
                        events: list[str] | tuple[str, ...] = WEBHOOK_EVENTS, *, by_events: bool = False,
                        base64: bool = False) -> CreatedInstance:
        body = {
            "instanceName": name,
            "integration": "WHATSAPP-BAILEYS",
            "qrcode": True,
            "webhook": {"url": webhook_url, "byEvents": by_events, "base64": base64,
                        "headers": dict(webhook_headers), "events": list(events)},
        }
        data = self._request("POST", "/instance/create", instance=name, json=body) or {}
        info = data.get("instance") or {}
        return CreatedInstance(name=info.get("instanceName", name), instance_id=info.get("instanceId"),
                               token=data.get("hash") if isinstance(data.get("hash"), str) else None,
                               status=info.get("status"), qr=_qr(data.get("qrcode")))

    def set_webhook(self, name: str, url: str, headers: dict[str, str],
                    events: list[str] | tuple[str, ...] = WEBHOOK_EVENTS, *, by_events: bool = False,
                    base64: bool = False, enabled: bool = True) -> dict[str, Any]:
        # the body MUST be wrapped in "webhook" (a flat body gets 400 'instance requires property "webhook"')
        body = {"webhook": {"enabled": enabled, "url": url, "headers": dict(headers), "byEvents": by_events,
                            "base64": base64, "events": list(events)}}
        return self._request("POST", f"/webhook/set/{name}", instance=name, json=body) or {}

    def connect(self, name: str, number: str | None = None) -> ConnectResult:
        params = {"number": number} if number else None
        data = self._request("GET", f"/instance/connect/{name}", instance=name, params=params) or {}
        if isinstance(data.get("instance"), dict):
            return ConnectResult(state=data["instance"].get("state") or "open")
        return ConnectResult(state="connecting", qr=_qr(data))

    def connection_state(self, name: str) -> str:
        data = self._request("GET", f"/instance/connectionState/{name}", instance=name) or {}
        instance = data.get("instance") or {}
        return str(instance.get("state") or data.get("state") or "close")

    def logout(self, name: str) -> None:
        self._request("DELETE", f"/instance/logout/{name}", instance=name)

    def delete_instance(self, name: str) -> None:
        self._request("DELETE", f"/instance/delete/{name}", instance=name)

    # ---------------------------------------------------------------- messages
    def send_text(self, name: str, number: str, text: str, *, delay_ms: int | None = None,
                  quoted_id: str | None = None, link_preview: bool | None = None,
                  quoted: Quote | None = None) -> SentMessage:
        body: dict[str, Any] = {"number": number, "text": text}
        if delay_ms:
            body["delay"] = int(delay_ms)
        if quoted:
            body["quoted"] = {"key": {"id": quoted.id, "remoteJid": quoted.remote_jid, "fromMe": quoted.from_me},
                              "message": {"conversation": quoted.text}}
        elif quoted_id:
            body["quoted"] = {"key": {"id": quoted_id}}
        if link_preview is not None:
            body["linkPreview"] = link_preview
        return _sent(self._request("POST", f"/message/sendText/{name}", instance=name, json=body, send=True))

    def send_media(self, name: str, number: str, mediatype: str, media: str, *, mimetype: str | None = None,
                   caption: str | None = None, file_name: str | None = None,
                   delay_ms: int | None = None) -> SentMessage:
        body: dict[str, Any] = {"number": number, "mediatype": mediatype, "media": media}
        for key, value in (("mimetype", mimetype), ("caption", caption), ("fileName", file_name)):
            if value:
                body[key] = value
        if delay_ms:
            body["delay"] = int(delay_ms)
        return _sent(self._request("POST", f"/message/sendMedia/{name}", instance=name, json=body, send=True))

    def send_reaction(self, name: str, remote_jid: str, message_id: str, from_me: bool, emoji: str
                      ) -> SentMessage:
        body = {"key": {"remoteJid": remote_jid, "fromMe": from_me, "id": message_id}, "reaction": emoji}
        return _sent(self._request("POST", f"/message/sendReaction/{name}", instance=name, json=body, send=True))

    def send_audio(self, name: str, number: str, audio: str, *, delay_ms: int | None = None) -> SentMessage:
        body: dict[str, Any] = {"number": number, "audio": audio, "encoding": True}
        if delay_ms:
            body["delay"] = int(delay_ms)
        return _sent(self._request("POST", f"/message/sendWhatsAppAudio/{name}", instance=name, json=body,
                                   send=True))

    # ---------------------------------------------------------------- chat helpers
    def fetch_profile_picture(self, name: str, number: str) -> str | None:
        data = self._request("POST", f"/chat/fetchProfilePictureUrl/{name}", instance=name,
                             json={"number": number}) or {}
        url = data.get("profilePictureUrl") if isinstance(data, dict) else None
        return url or None

    def get_media_base64(self, name: str, message: str | dict[str, Any]) -> MediaFile:
        payload = {"key": {"id": message}} if isinstance(message, str) else message
        data = self._request("POST", f"/chat/getBase64FromMediaMessage/{name}", instance=name,
                             json={"message": payload, "convertToMp4": False}) or {}
        raw = data.get("base64") or ""
        if isinstance(raw, str) and raw.startswith("data:"):
            raw = raw.split(",", 1)[-1]
        try:
            content = b64.b64decode(raw, validate=False)
        except ValueError as exc:
            raise EvolutionUnavailable("Evolution returned media that is not base64") from exc
        return MediaFile(data=content, mimetype=data.get("mimetype"), file_name=data.get("fileName"),
                         caption=data.get("caption"))

    def check_numbers(self, name: str, numbers: list[str]) -> list[NumberCheck]:
        data = self._request("POST", f"/chat/whatsappNumbers/{name}", instance=name,
                             json={"numbers": list(numbers)}) or []
        return [NumberCheck(number=str(row.get("number", "")), exists=bool(row.get("exists")),
                            jid=row.get("jid"), name=row.get("name"))
                for row in data if isinstance(row, dict)]

    def find_sent(self, name: str, number: str, *, since: float, until: float) -> list[SentMessage]:
        """``POST /chat/findMessages``: the chat's fromMe messages in the window (Evolution filters by
        ``messageTimestamp`` gte/lte; older servers ignore it, so the window is applied here too)."""
        jid = number if "@" in number else f"{''.join(ch for ch in number if ch.isdigit())}@s.whatsapp.net"
        body = {"where": {"key": {"remoteJid": jid, "fromMe": True},
                          "messageTimestamp": {"gte": _iso_utc(since), "lte": _iso_utc(until)}},
                "page": 1, "offset": 50}
        data = self._request("POST", f"/chat/findMessages/{name}", instance=name, json=body)
        records = data.get("messages", {}).get("records", []) if isinstance(data, dict) else data or []
        found = []
        for row in records if isinstance(records, list) else []:
            if not isinstance(row, dict) or not isinstance(row.get("key"), dict) or not row["key"].get("fromMe"):
                continue
            try:
                sent = _sent(row)
            except SendOutcomeUnknown:
                continue
            if sent.timestamp is None or since <= sent.timestamp <= until:
                found.append(sent)
        return found

    def health(self) -> str:
        try:
            response = self._http.get("/", timeout=3.0)
        except httpx.HTTPError as exc:
            return f"unreachable: {exc.__class__.__name__}"
        return "ok" if response.status_code < 500 else f"status {response.status_code}"


def _iso_utc(epoch: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _body(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {"response": {"message": response.text or response.reason_phrase}}


def _qr(data: Any) -> QrCode | None:
    if not isinstance(data, dict) or not (data.get("code") or data.get("base64") or data.get("pairingCode")):
        return None
    return QrCode(code=data.get("code"), base64=data.get("base64"), pairing_code=data.get("pairingCode"),
                  count=data.get("count"))


def _sent(data: Any) -> SentMessage:
    if not isinstance(data, dict) or not isinstance(data.get("key"), dict) or not data["key"].get("id"):
        # it answered 2xx, so WhatsApp took it, but we cannot correlate it: the caller must reconcile
        raise SendOutcomeUnknown("Evolution accepted the send but returned no message id")
    key = data["key"]
    timestamp = data.get("messageTimestamp")
    if isinstance(timestamp, dict):  # {low, high, unsigned}
        timestamp = (int(timestamp.get("high", 0)) << 32) + (int(timestamp.get("low", 0)) & 0xFFFFFFFF)
    elif isinstance(timestamp, str) and timestamp.isdigit():
        timestamp = int(timestamp)
    return SentMessage(id=str(key["id"]), remote_jid=str(key.get("remoteJid", "")),
                       timestamp=timestamp if isinstance(timestamp, int) else None,
                       status=data.get("status"), raw=data)
