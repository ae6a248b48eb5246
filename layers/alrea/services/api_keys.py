"""Partner API keys: an admin creates (secret shown once), lists and revokes them; ``/v1`` requests authenticate
with one and spend its rate limit.

The tenant of a ``/v1`` request comes only from its key. A key without the route's scope answers 403 naming
it; past the key's rate (the tenant's plan, ``domain.plans.API_RATES``) 429 with ``Retry-After`` and
``RateLimit-*``. DynamoDB per authenticated request: one conditional UpdateItem once the container has seen
the key (nothing is trusted from memory: the condition re-checks existence, scope and rate); the first
request of a key in a container, or one whose condition failed, reads the pointer (GetItem) and
compare-and-sets the limiter (a retry only when two requests of the same key race).
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from alrea.core.clock import iso, new_id, utcnow
from alrea.core.errors import Forbidden, Invalid, TooManyRequests, Unauthorized
from alrea.core.log import logger
from alrea.domain import api_keys as dom
from alrea.domain.plans import api_rate
from alrea.domain.roles import Principal
from alrea.store import api_keys as store
from alrea.store.cache import TtlCache
from alrea.store.tenants import get_tenant

NEEDS_KEY = "Chave de API ausente ou inválida: envie Authorization: Bearer alr_live_… (ou X-Api-Key)."
RATE_LIMITED = "Limite de requisições da chave de API atingido; tente de novo em {s} s."
CAS_ATTEMPTS = 3
# keys this container has seen: their rate and the limiter's last ``tat``, so the next request is one
# conditional UpdateItem (store.spend) whose condition re-checks all of it (revoked, scope, rate) in DynamoDB
_seen = TtlCache(ttl_s=600, max_items=4096)


@dataclass(frozen=True)
class RateState:
    limit: int
    remaining: int
    reset_s: int

    def headers(self) -> dict[str, str]:
        return {"RateLimit-Limit": str(self.limit), "RateLimit-Remaining": str(self.remaining),
                "RateLimit-Reset": str(self.reset_s)}


def create(caller: Principal, name: str, scopes: list[str]) -> tuple[dom.ApiKey, str]:
    """A new key of the caller's tenant and its secret (the only time the secret is seen)."""
    name = name.strip()
    if not name:
        raise Invalid("Dê um nome à chave.", field="name")
    unknown = sorted(set(scopes) - set(dom.SCOPES))
    if unknown:
        raise Invalid(f"Escopos desconhecidos: {', '.join(unknown)}.", field="scopes")
    if not scopes:
        raise Invalid("Escolha ao menos um escopo.", field="scopes")
    secret = dom.new_secret()
    key = dom.ApiKey(id=new_id(), tenant_id=caller.tenant_id, name=name, scopes=tuple(sorted(set(scopes))),
                     prefix=dom.shown_prefix(secret), created_by=caller.user_id, created_at=iso(utcnow()))
    key = store.create(key, dom.secret_hash(secret), api_rate(get_tenant(caller.tenant_id).plan))
    logger.info("api key created", extra={"api_key_id": key.id, "scopes": list(key.scopes)})
    return key, secret


def list_keys(caller: Principal) -> list[dom.ApiKey]:
    return store.list_keys(caller.tenant_id)


def revoke(caller: Principal, key_id: str) -> dom.ApiKey:
    key = store.revoke(caller.tenant_id, key_id, iso(utcnow()))
    logger.info("api key revoked", extra={"api_key_id": key_id})
    return key


def authenticate(secret: str | None, scope: str) -> tuple[dom.KeyPrincipal, RateState]:
    """The key ``secret`` belongs to, if it holds ``scope`` and has rate left: 401 / 403 / 429 otherwise."""
    if not secret or not dom.looks_like_secret(secret):
        raise Unauthorized(NEEDS_KEY)
    digest = dom.secret_hash(secret)
    now_ms = int(time.time() * 1000)
    seen = _seen.peek(digest)
    if seen is not None:  # one conditional UpdateItem authenticates and spends (store.spend)
        rate, tat = seen
        spent = store.spend(digest, scope, rate, now_ms, iso(utcnow()), busy=tat > now_ms)
        if spent is not None:
            principal, new_tat = spent
            _seen.put(digest, (rate, new_tat))
            decision = dom.allowed(new_tat, now_ms, rate)
            return principal, RateState(rate.burst, decision.remaining, decision.reset_s)
    for _ in range(CAS_ATTEMPTS):  # first sight of the key here, or a condition failed: read it, tell why
        found = store.find(digest)
        if found is None:
            _seen.forget(digest)
            raise Unauthorized(NEEDS_KEY)
        principal, rate, tat = found
        if not principal.allows(scope):
            raise Forbidden(f"Esta chave de API não tem o escopo {scope}.", scope=scope)
        decision = dom.decide(tat, int(time.time() * 1000), rate)
        state = RateState(rate.burst, decision.remaining, decision.reset_s)
        if not decision.allowed:
            _seen.put(digest, (rate, tat or 0))
            raise TooManyRequests(RATE_LIMITED.format(s=decision.retry_after_s), decision.retry_after_s,
                                  headers=RateState(rate.burst, 0, decision.reset_s).headers())
        if store.advance(digest, tat, decision.tat_ms, iso(utcnow())):
            _seen.put(digest, (rate, decision.tat_ms))
            return principal, state
    # the key is hammered by concurrent requests faster than a compare-and-set round trip: that is over its rate
    raise TooManyRequests(RATE_LIMITED.format(s=1), 1)
