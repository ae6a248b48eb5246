"""JWTs (pyjwt, HS256): short access tokens and rotating refresh tokens.

The signing secret comes from the one secrets accessor (alrea.core.secrets.jwt_secret: Secrets Manager
through Powertools parameters when ALREA_JWT_SECRET_ARN is set, cached for five minutes). Verification
accepts HS256 only (so ``alg=none`` and
algorithm confusion fail), requires exp/iat/sub/tid, and checks ``typ`` so a refresh token is never an
access token and vice versa.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import jwt
from alrea.core.clock import new_id, utcnow
from alrea.core.config import get_settings
from alrea.core.errors import Unauthorized
from alrea.core.secrets import jwt_secret

ALGORITHM = "HS256"
ACCESS = "access"
REFRESH = "refresh"
INVALID = "Sessão inválida ou expirada; entre novamente."


@dataclass(frozen=True)
class Claims:
    tenant_id: str
    user_id: str
    role: str
    department_id: str | None = None
    # epoch milliseconds (``ims``, else ``iat``): a password reset/change ends tokens issued before it; not part
    # of the identity
    issued_at_ms: int = field(default=0, compare=False)


@dataclass(frozen=True)
class RefreshClaims:
    tenant_id: str
    user_id: str
    family: str
    jti: str
    expires_at: int


@dataclass(frozen=True)
class IssuedRefresh:
    token: str
    jti: str
    expires_at: int


def secret() -> str:
    return jwt_secret()


def jti_hash(jti: str) -> str:
    """What the store keeps of a refresh token: the sha256 of its id."""
    return hashlib.sha256(jti.encode()).hexdigest()


def _encode(claims: dict[str, Any], ttl_s: int) -> tuple[str, int]:
    now = utcnow()
    exp = now + timedelta(seconds=ttl_s)
    # iat is whole seconds; ims (milliseconds) orders a token against a password change in the same second
    payload = {**claims, "iat": now, "ims": int(now.timestamp() * 1000), "exp": exp}
    return jwt.encode(payload, secret(), algorithm=ALGORITHM), int(exp.timestamp())


def issue_access(tenant_id: str, user_id: str, role: str, department_id: str | None) -> str:
    token, _ = _encode({"sub": user_id, "tid": tenant_id, "role": role, "dept": department_id, "typ": ACCESS,
                        "jti": new_id()}, get_settings().access_ttl_s)
    return token


def issue_refresh(tenant_id: str, user_id: str, family: str) -> IssuedRefresh:
    jti = new_id()
    token, exp = _encode({"sub": user_id, "tid": tenant_id, "typ": REFRESH, "fam": family, "jti": jti},
                         get_settings().refresh_ttl_s)
    return IssuedRefresh(token=token, jti=jti, expires_at=exp)


def _decode(token: str, typ: str, required: list[str]) -> dict[str, Any]:
    if not token or not isinstance(token, str):
        raise Unauthorized(INVALID)
    try:
        payload = jwt.decode(token, secret(), algorithms=[ALGORITHM],
                             options={"require": ["exp", "iat", "sub", "tid", *required]})
    except jwt.PyJWTError:
        raise Unauthorized(INVALID) from None
    if payload.get("typ") != typ:
        raise Unauthorized(INVALID)
    for name in ("sub", "tid", *required):
        if not isinstance(payload.get(name), str) or not payload[name]:
            raise Unauthorized(INVALID)
    return payload


def verify_access(token: str) -> Claims:
    payload = _decode(token, ACCESS, ["role"])
    dept = payload.get("dept")
    ims, iat = payload.get("ims"), payload.get("iat")
    issued_ms = int(ims) if isinstance(ims, int) else int(iat) * 1000 if isinstance(iat, (int, float)) else 0
    return Claims(tenant_id=payload["tid"], user_id=payload["sub"], role=payload["role"],
                  department_id=dept if isinstance(dept, str) else None, issued_at_ms=issued_ms)


def verify_refresh(token: str) -> RefreshClaims:
    payload = _decode(token, REFRESH, ["fam", "jti"])
    return RefreshClaims(tenant_id=payload["tid"], user_id=payload["sub"], family=payload["fam"],
                         jti=payload["jti"], expires_at=int(payload["exp"]))
