"""Outbound webhooks: the events partners subscribe to, the payload, the signature, the retry schedule and the
rules for a target URL — pure functions, no I/O.

A delivery POSTs ``{id, type, created_at, tenant_id, data}`` (compact JSON) with
``Alrea-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`` and ``Alrea-Event-Id``. Deliveries
are at least once: a receiver dedupes on the event id (the same fact always yields the same event id).
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import random
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

EVENTS: dict[str, str] = {
    "message.received": "Mensagem recebida",
    "message.status": "Status de mensagem enviada",
    "conversation.assigned": "Conversa atribuída",
    "contact.opted_out": "Contato pediu para sair",
    "campaign.started": "Campanha iniciada",
    "campaign.paused": "Campanha pausada",
    "campaign.completed": "Campanha concluída",
    "import.completed": "Importação de contatos concluída",
}
SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32
SIGNATURE_HEADER = "Alrea-Signature"
EVENT_ID_HEADER = "Alrea-Event-Id"
MAX_ENDPOINTS = 20
RESPONSE_KEEP_BYTES = 1024  # the first KB of a receiver's answer is kept in the log
SIGNATURE_TOLERANCE_S = 300  # what docs/API.md tells receivers to accept
# Seconds to wait after each failed attempt (attempt 1 is immediate): 10 attempts over ≈ 23.7 h, ±20 % jitter.
RETRY_SCHEDULE_S: tuple[int, ...] = (30, 120, 600, 1800, 3600, 7200, 14400, 28800, 28800)
MAX_ATTEMPTS = len(RETRY_SCHEDULE_S) + 1
JITTER = 0.2
DISABLE_AFTER_S = 24 * 3600  # an endpoint failing for a whole day is disabled

PENDING, SUCCEEDED, FAILED = "pending", "succeeded", "failed"
STATUSES = (PENDING, SUCCEEDED, FAILED)

_EVENT_NAMESPACE = uuid.UUID("6f0c1a52-8d0e-4d7e-9a55-2b1b6c7a3e10")


@dataclass(frozen=True)
class Endpoint:
    id: str
    tenant_id: str
    url: str
    events: tuple[str, ...]
    secret: str  # never shaped into an API answer except at creation
    enabled: bool
    created_at: str
    created_by: str
    failing_since: str | None = None
    disabled_reason: str | None = None
    disabled_at: str | None = None
    description: str = ""

    def wants(self, event_type: str) -> bool:
        return self.enabled and event_type in self.events


@dataclass(frozen=True)
class Attempt:
    at: str
    status_code: int | None
    latency_ms: int
    response: str  # first KB of the answer
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class Delivery:
    id: str
    tenant_id: str
    endpoint_id: str
    event_id: str
    type: str
    created_at: str
    status: str
    payload: str  # the raw JSON body, kept for replay (≈ 30 days)
    attempts: tuple[Attempt, ...] = field(default_factory=tuple)
    next_attempt_at: str | None = None
    replay_of: str | None = None


@dataclass(frozen=True)
class PostResult:
    """What one HTTP POST answered (or why it did not)."""

    status_code: int | None
    response: str
    latency_ms: int
    error: str | None = None


# ---------------------------------------------------------------- secrets, events, payloads
def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)


def event_id(tenant_id: str, event_type: str, *parts: str) -> str:
    """The same fact always makes the same event id (a retried fact is not a new event)."""
    return str(uuid.uuid5(_EVENT_NAMESPACE, "|".join((tenant_id, event_type, *parts))))


def delivery_id(endpoint_id: str, event: str) -> str:
    return str(uuid.uuid5(_EVENT_NAMESPACE, f"delivery|{endpoint_id}|{event}"))


def payload(event: str, event_type: str, created_at: str, tenant_id: str, data: dict[str, Any]) -> str:
    """The body every receiver gets, as the exact string that is signed and sent."""
    return json.dumps({"id": event, "type": event_type, "created_at": created_at, "tenant_id": tenant_id,
                       "data": data}, separators=(",", ":"), ensure_ascii=False, default=str)


def unknown_events(events: Iterable[str]) -> list[str]:
    return sorted(set(events) - set(EVENTS))


# ---------------------------------------------------------------- signature
def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance_s: int = SIGNATURE_TOLERANCE_S) -> bool:
    """The recipe docs/API.md gives receivers, for our own tests."""
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        t = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - t) > tolerance_s:
        return False
    expected = signature(secret, t, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def headers(secret: str, timestamp: int, body: bytes, event: str, event_type: str, delivery: str) -> dict[str, str]:
    return {"Content-Type": "application/json", "User-Agent": "Alrea-Webhooks/1",
            SIGNATURE_HEADER: signature(secret, timestamp, body), EVENT_ID_HEADER: event,
            "Alrea-Event-Type": event_type, "Alrea-Delivery-Id": delivery}


# ---------------------------------------------------------------- retries
def retry_delay_s(attempts_made: int, scale: float = 1.0, rand: Callable[[], float] = random.random) -> float | None:
    """Seconds before the next attempt after ``attempts_made`` failed ones; None when none is left.

    Exponential steps (30 s → 8 h) with ±20 % jitter so a receiver's recovery is not met by a synchronised
    wave; ``scale`` shrinks the schedule (tests)."""
    if attempts_made < 1 or attempts_made >= MAX_ATTEMPTS:
        return None
    base = RETRY_SCHEDULE_S[attempts_made - 1]
    return max(0.0, base * scale * (1 + JITTER * (2 * rand() - 1)))


def should_disable(failing_since_epoch: float, now_epoch: float, after_s: float = DISABLE_AFTER_S) -> bool:
    return now_epoch - failing_since_epoch >= after_s


# ---------------------------------------------------------------- targets
def url_problem(url: str, allow_private: bool) -> str | None:
    """Why ``url`` cannot be a webhook target (pt-BR), or None. Addresses are checked again after DNS."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError:
        return "URL inválida."
    if parts.scheme not in (("https", "http") if allow_private else ("https",)):
        return "A URL precisa começar com https://."
    if not host:
        return "URL inválida."
    if parts.username or parts.password:
        return "A URL não pode conter usuário e senha."
    if allow_private:
        return None
    if host == "localhost" or host.endswith(".localhost") or host.endswith(".local"):
        return "Endereços locais não são permitidos."
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # a name: checked once resolved
    return None if address_allowed(str(address)) else "Endereços locais ou privados não são permitidos."


def address_allowed(address: str) -> bool:
    """A public unicast address: not loopback, private, link-local, multicast, reserved or unspecified."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_reserved
                or ip.is_unspecified or not ip.is_global)
