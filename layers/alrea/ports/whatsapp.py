"""WhatsApp: what the product needs from a WhatsApp gateway (Evolution API in every environment).

The only adapter is alrea.adapters.evolution.client.EvolutionClient; locally and in tests it talks to the
Evolution simulator (alrea.simulator) over real HTTP. Errors are typed and defined here (the adapter
raises them) so services can react: a number that is not on WhatsApp is a recipient failure, a closed
connection or an unavailable gateway means "try later", and SendOutcomeUnknown means "do not resend blindly".
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any


# ---------------------------------------------------------------- errors

class WhatsAppError(Exception):
    """Base of every error the WhatsApp port raises."""

    def __init__(self, message: str, *, status: int | None = None, messages: list[Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.messages: list[Any] = list(messages or [])


class NumberNotOnWhatsApp(WhatsAppError):
    """The number has no WhatsApp account (Evolution 400 ``[{"jid","exists":false,"number"}]``)."""

    def __init__(self, number: str, jid: str | None = None, *, status: int | None = 400) -> None:
        super().__init__(f"number {number} is not on WhatsApp", status=status,
                         messages=[{"jid": jid, "exists": False, "number": number}])
        self.number = number
        self.jid = jid


class InstanceNotFound(WhatsAppError):
    """Evolution does not know the instance name (404, checked before auth)."""

    def __init__(self, instance: str, *, messages: list[Any] | None = None) -> None:
        super().__init__(f"instance {instance!r} does not exist at Evolution", status=404, messages=messages)
        self.instance = instance


class InstanceNameTaken(WhatsAppError):
    """``/instance/create`` with a name already in use (403)."""

    def __init__(self, instance: str, *, messages: list[Any] | None = None) -> None:
        super().__init__(f"instance name {instance!r} is already in use", status=403, messages=messages)
        self.instance = instance


class Unauthorized(WhatsAppError):
    """Missing or wrong ``apikey`` (401): a configuration problem, never retried."""


class BadRequest(WhatsAppError):
    """Evolution rejected the request (4xx other than the cases above): not retried."""


class EvolutionUnavailable(WhatsAppError):
    """Evolution could not be reached or kept failing (5xx, timeouts, connection errors) after the retries.

    Nothing was sent when this is raised by a send: retrying later is safe.
    """


class ConnectionClosed(EvolutionUnavailable):
    """The instance's WhatsApp socket is down (``Connection Closed``): reconnect the number, then retry.

    A subclass of EvolutionUnavailable because the consequence is the same (nothing went out, try later).
    """


class SendOutcomeUnknown(WhatsAppError):
    """A send left this process but no answer came back (read timeout, 5xx that may have sent, dropped reply).

    WhatsApp may or may not have delivered it. Never resend blindly: reconcile through the ``send.message`` /
    ``messages.update`` webhooks (or mark the recipient for review).
    """


# The events our webhook subscribes to (Evolution config names).
WEBHOOK_EVENTS: tuple[str, ...] = (
    "MESSAGES_UPSERT",
    "MESSAGES_UPDATE",
    "MESSAGES_DELETE",
    "SEND_MESSAGE",
    "CONTACTS_UPSERT",
    "CONTACTS_UPDATE",
    "CHATS_UPDATE",
    "CONNECTION_UPDATE",
    "QRCODE_UPDATED",
    "PRESENCE_UPDATE",  # the customer's "digitando…" in the inbox
)


@dataclass(frozen=True)
class QrCode:
    code: str | None
    base64: str | None  # "data:image/png;base64,..."
    pairing_code: str | None = None
    count: int | None = None


@dataclass(frozen=True)
class ConnectResult:
    """``state`` is "open" when already connected (no QR), else "connecting" with a QR to scan."""

    state: str
    qr: QrCode | None = None


@dataclass(frozen=True)
class CreatedInstance:
    name: str
    instance_id: str | None
    token: str | None  # Evolution's per-instance apikey ("hash")
    status: str | None
    qr: QrCode | None = None


@dataclass(frozen=True)
class SentMessage:
    id: str  # WhatsApp message id (key.id): matches send.message / messages.update keyId
    remote_jid: str
    timestamp: int | None  # epoch seconds
    status: str | None  # "PENDING" right after a send
    raw: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)


@dataclass(frozen=True)
class Quote:
    """The message a send replies to (Evolution's ``quoted``): its WhatsApp id, chat, side and text."""

    id: str
    remote_jid: str
    from_me: bool
    text: str = ""


@dataclass(frozen=True)
class NumberCheck:
    number: str
    exists: bool
    jid: str | None
    name: str | None = None


@dataclass(frozen=True)
class MediaFile:
    data: bytes
    mimetype: str | None
    file_name: str | None
    caption: str | None = None


class WhatsApp(ABC):
    # ---------------------------------------------------------------- instances
    @abstractmethod
    def create_instance(self, name: str, webhook_url: str, webhook_headers: dict[str, str],
                        events: list[str] | tuple[str, ...] = WEBHOOK_EVENTS, *, by_events: bool = False,
                        base64: bool = False) -> CreatedInstance:
        """Create the instance with its webhook (``webhook_headers`` may hold ``jwt_key``)."""

    @abstractmethod
    def set_webhook(self, name: str, url: str, headers: dict[str, str],
                    events: list[str] | tuple[str, ...] = WEBHOOK_EVENTS, *, by_events: bool = False,
                    base64: bool = False, enabled: bool = True) -> dict[str, Any]:
        """(Re)configure the instance's webhook; returns Evolution's stored row."""

    @abstractmethod
    def connect(self, name: str, number: str | None = None) -> ConnectResult:
        """Start (or continue) the login: a QR code (or pairing code when ``number`` is given)."""

    @abstractmethod
    def connection_state(self, name: str) -> str:
        """"open", "connecting" or "close"."""

    @abstractmethod
    def logout(self, name: str) -> None: ...

    @abstractmethod
    def delete_instance(self, name: str) -> None: ...

    # ---------------------------------------------------------------- messages
    @abstractmethod
    def send_text(self, name: str, number: str, text: str, *, delay_ms: int | None = None,
                  quoted_id: str | None = None, link_preview: bool | None = None,
                  quoted: Quote | None = None) -> SentMessage:
        """``quoted`` makes it a WhatsApp reply to that message (``quoted_id``: the bare id only)."""

    def send_reaction(self, name: str, remote_jid: str, message_id: str, from_me: bool, emoji: str
                      ) -> SentMessage:
        """React to a message of the chat (``emoji`` "" removes the reaction)."""
        raise NotImplementedError

    @abstractmethod
    def send_media(self, name: str, number: str, mediatype: str, media: str, *, mimetype: str | None = None,
                   caption: str | None = None, file_name: str | None = None,
                   delay_ms: int | None = None) -> SentMessage:
        """``mediatype`` image|video|document|audio; ``media`` an https URL or raw base64 (no data: prefix)."""

    @abstractmethod
    def send_audio(self, name: str, number: str, audio: str, *, delay_ms: int | None = None) -> SentMessage:
        """A voice note (PTT): ``audio`` an https URL or raw base64, any format (Evolution converts to opus)."""

    # ---------------------------------------------------------------- chat helpers
    @abstractmethod
    def fetch_profile_picture(self, name: str, number: str) -> str | None: ...

    @abstractmethod
    def get_media_base64(self, name: str, message: str | dict[str, Any]) -> MediaFile:
        """Download a message's media; ``message`` is its id or the full webhook message (``data``)."""

    @abstractmethod
    def check_numbers(self, name: str, numbers: list[str]) -> list[NumberCheck]: ...

    def find_sent(self, name: str, number: str, *, since: float, until: float) -> list[SentMessage]:
        """Our own messages (fromMe) to ``number`` that the gateway stored between ``since`` and ``until``
        (epoch seconds): how a send whose answer was lost is found to have gone out, or not."""
        raise NotImplementedError

    def health(self) -> str:
        return "ok"
