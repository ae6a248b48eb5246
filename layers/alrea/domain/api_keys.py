"""Partner API keys: scopes, the secret's shape, and the per-key rate limit (GCRA, a token bucket kept as one
timestamp).

A key belongs to its tenant, not to a user. Its secret (``alr_live_`` + 32 random bytes, URL-safe) is shown
once; only its SHA-256 is stored (the secret carries 256 bits of entropy, so a plain hash cannot be reversed
by guessing, and one hash lets the store find the key with one GetItem).
"""
from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass

SECRET_PREFIX = "alr_live_"
SECRET_BYTES = 32
SHOWN_PREFIX_CHARS = 6  # of the random part, kept to tell keys apart in lists ("alr_live_Ab3dE9…")

SCOPES: dict[str, str] = {
    "messages:send": "Enviar mensagens",
    "messages:read": "Ler mensagens e status",
    "contacts:read": "Ler contatos",
    "contacts:write": "Criar e alterar contatos",
    "campaigns:read": "Ler campanhas",
    "campaigns:write": "Criar e controlar campanhas",
    "numbers:read": "Ler números de WhatsApp",
    "webhooks:manage": "Gerenciar webhooks",
}


@dataclass(frozen=True)
class ApiKey:
    id: str
    tenant_id: str
    name: str
    scopes: tuple[str, ...]
    prefix: str
    created_by: str
    created_at: str
    last_used_at: str | None = None
    revoked_at: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True)
class KeyPrincipal:
    """Who calls ``/v1``: the tenant and the key, from the verified secret only."""

    tenant_id: str
    key_id: str
    name: str
    scopes: frozenset[str]

    def allows(self, scope: str) -> bool:
        return scope in self.scopes


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)


def looks_like_secret(value: str) -> bool:
    return value.startswith(SECRET_PREFIX) and 40 <= len(value) <= 100


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def shown_prefix(secret: str) -> str:
    return secret[: len(SECRET_PREFIX) + SHOWN_PREFIX_CHARS]


# ---------------------------------------------------------------- rate limit (GCRA)
@dataclass(frozen=True)
class Rate:
    """``per_minute`` requests sustained, ``burst`` of them at once after a quiet spell."""

    per_minute: int
    burst: int

    @property
    def interval_ms(self) -> int:
        return max(1, 60_000 // self.per_minute)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    tat_ms: int  # the new theoretical arrival time to store (unchanged when refused)
    remaining: int  # requests left in the burst right now
    retry_after_s: int  # when refused: seconds until one request is allowed
    reset_s: int  # seconds until the bucket is full again


def decide(tat_ms: int | None, now_ms: int, rate: Rate) -> Decision:
    """The Generic Cell Rate Algorithm: a request is allowed if, after it, the bucket's "theoretical arrival
    time" is at most ``burst`` intervals ahead of now. Equivalent to a token bucket of ``burst`` tokens
    refilled at ``per_minute``, kept as one number."""
    t = rate.interval_ms
    capacity = rate.burst * t
    base = max(tat_ms or 0, now_ms)
    new_tat = base + t
    if new_tat - now_ms <= capacity:
        return allowed(new_tat, now_ms, rate)
    wait_ms = new_tat - now_ms - capacity
    return Decision(False, tat_ms or 0, 0, max(1, math.ceil(wait_ms / 1000)), math.ceil((base - now_ms) / 1000))


def allowed(new_tat_ms: int, now_ms: int, rate: Rate) -> Decision:
    """The decision for a request that moved the bucket to ``new_tat_ms``: what is left of the burst, and
    when the bucket is full again."""
    ahead = new_tat_ms - now_ms
    return Decision(True, new_tat_ms, max(0, (rate.burst * rate.interval_ms - ahead) // rate.interval_ms), 0,
                    max(0, math.ceil(ahead / 1000)))
