"""Single-use links sent by e-mail: password reset, invitation, e-mail verification.

A link carries a random secret (256 bits, URL-safe); the table keeps only its SHA-256, so a read of the table
does not yield a usable link, and the secret's entropy makes a fast hash safe (as for API keys). Each kind
has its own lifetime. Pure rules: no storage here.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

RESET = "reset"
INVITE = "invite"
VERIFY = "verify"


@dataclass(frozen=True)
class LinkKind:
    name: str
    ttl_s: int
    path: str  # the SPA page the e-mailed link opens (…?token=<secret>)


KINDS: dict[str, LinkKind] = {
    RESET: LinkKind(RESET, 30 * 60, "/redefinir-senha"),
    INVITE: LinkKind(INVITE, 7 * 24 * 3600, "/aceitar-convite"),
    VERIFY: LinkKind(VERIFY, 3 * 24 * 3600, "/verificar-email"),
}
MAX_TOKEN_LEN = 128  # what a request may carry as a token (new_token() makes 43 characters)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def link(site_url: str, kind: str, token: str) -> str:
    return f"{site_url.rstrip('/')}{KINDS[kind].path}?token={token}"


def expired(expires_at: int, now_s: float) -> bool:
    return now_s >= expires_at
