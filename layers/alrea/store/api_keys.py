"""Partner API keys.

- key      ``pk=T#<tid>             sk=APIKEY#<id>``  name, scopes, shown prefix, created_by/at, revoked_at,
  secret_hash (so a revocation and a tenant purge find the pointer)
- pointer  ``pk=APIKEY#<sha256>     sk=APIKEY``       tenant_id, key_id, name, scopes, last_used_at, the rate
  (copied from the tenant's plan when the key is made) and the limiter's ``tat`` (ms). A container that has
  seen the key authenticates a request AND spends its rate in one conditional UpdateItem (``spend``, which
  also stamps ``last_used_at``); otherwise one consistent GetItem (``find``) and a compare-and-set on ``tat``
  (``advance``).

Revoking marks the key and deletes the pointer in one transaction: the next request with the secret finds
nothing (401) at once.
"""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError

from alrea.core.errors import Conflict, LimitReached, NotFound
from alrea.domain.api_keys import ApiKey, KeyPrincipal, Rate
from alrea.store.base import Item, Transaction, update_if
from alrea.store.keys import tenant_pk

SK_PREFIX = "APIKEY#"
POINTER_SK = "APIKEY"
MAX_KEYS = 50
NOT_FOUND = "Chave de API não encontrada."
TOO_MANY = f"Limite de {MAX_KEYS} chaves de API ativas atingido; revogue uma chave que não usa mais."


def pointer_key(secret_hash: str) -> tuple[str, str]:
    return f"APIKEY#{secret_hash}", POINTER_SK


class ApiKeyItem(Item):
    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    name = UnicodeAttribute()
    scopes = UnicodeSetAttribute()
    prefix = UnicodeAttribute()
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    revoked_at = UnicodeAttribute(null=True)
    last_used_at = UnicodeAttribute(null=True)  # kept here when the key is revoked (its pointer is gone)
    secret_hash = UnicodeAttribute()

    def record(self, last_used_at: str | None = None) -> ApiKey:
        return ApiKey(id=self.id, tenant_id=self.tenant_id, name=self.name, scopes=tuple(sorted(self.scopes)),
                      prefix=self.prefix, created_by=self.created_by, created_at=self.created_at,
                      last_used_at=last_used_at or self.last_used_at, revoked_at=self.revoked_at)


class ApiKeyPointer(Item):
    tenant_id = UnicodeAttribute()
    key_id = UnicodeAttribute()
    name = UnicodeAttribute()
    scopes = UnicodeSetAttribute()
    last_used_at = UnicodeAttribute(null=True)
    tat = NumberAttribute(null=True)
    rate_per_minute = NumberAttribute()
    rate_burst = NumberAttribute()


def _keys(tenant_id: str) -> list[ApiKeyItem]:
    return list(ApiKeyItem.query(tenant_pk(tenant_id), ApiKeyItem.sk.startswith(SK_PREFIX), consistent_read=True))


def create(key: ApiKey, secret_hash: str, rate: Rate) -> ApiKey:
    """Store a new key and its pointer (all or nothing); at most MAX_KEYS active keys per tenant."""
    if sum(1 for k in _keys(key.tenant_id) if not k.revoked_at) >= MAX_KEYS:
        raise LimitReached(TOO_MANY)
    item = ApiKeyItem(tenant_pk(key.tenant_id), SK_PREFIX + key.id, entity="api_key", id=key.id,
                      tenant_id=key.tenant_id, name=key.name, scopes=set(key.scopes), prefix=key.prefix,
                      created_by=key.created_by, created_at=key.created_at, secret_hash=secret_hash)
    pointer = ApiKeyPointer(*pointer_key(secret_hash), entity="api_key_pointer", tenant_id=key.tenant_id,
                            key_id=key.id, name=key.name, scopes=set(key.scopes),
                            rate_per_minute=rate.per_minute, rate_burst=rate.burst)
    tx = Transaction()
    try:
        with tx:
            tx.put("key", item, condition=ApiKeyItem.pk.does_not_exist())
            tx.put("pointer", pointer, condition=ApiKeyPointer.pk.does_not_exist())
    except TransactWriteError as exc:  # a UUID or a 256-bit secret colliding: astronomically unlikely
        raise Conflict("Não foi possível criar a chave; tente de novo.") from exc
    return item.record()


def list_keys(tenant_id: str) -> list[ApiKey]:
    """The tenant's keys, newest first, with when each was last used (read from the pointers)."""
    items = sorted(_keys(tenant_id), key=lambda k: k.created_at, reverse=True)
    live = [k for k in items if not k.revoked_at]
    used = {p.key_id: p.last_used_at for p in ApiKeyPointer.batch_get([pointer_key(k.secret_hash) for k in live])}
    return [k.record(used.get(k.id)) for k in items]


def revoke(tenant_id: str, key_id: str, at: str) -> ApiKey:
    """Mark the key revoked and delete its pointer in one transaction; revoking twice is a no-op."""
    try:
        item = ApiKeyItem.get(tenant_pk(tenant_id), SK_PREFIX + key_id, consistent_read=True)
    except DoesNotExist:
        raise NotFound(NOT_FOUND) from None
    if item.revoked_at:
        return item.record()
    try:
        used = ApiKeyPointer.get(*pointer_key(item.secret_hash), consistent_read=True).last_used_at
    except DoesNotExist:
        used = None
    actions = [ApiKeyItem.revoked_at.set(at)] + ([ApiKeyItem.last_used_at.set(used)] if used else [])
    tx = Transaction()
    with tx:
        tx.update("key", item, actions=actions)
        tx.delete("pointer", ApiKeyPointer(*pointer_key(item.secret_hash)))
    item.revoked_at, item.last_used_at = at, used
    return item.record()


def set_tenant_rate(tenant_id: str, rate: Rate) -> int:
    """Rewrite the rate on every live key pointer of the tenant (a plan change); answers how many. A key
    revoked meanwhile (its pointer gone) is skipped."""
    done = 0
    for key in _keys(tenant_id):
        if key.revoked_at:
            continue
        done += update_if(ApiKeyPointer(*pointer_key(key.secret_hash)),
                          [ApiKeyPointer.rate_per_minute.set(rate.per_minute),
                           ApiKeyPointer.rate_burst.set(rate.burst)],
                          condition=ApiKeyPointer.pk.exists())
    return done


def find(secret_hash: str) -> tuple[KeyPrincipal, Rate, int | None] | None:
    """The key a secret belongs to, its rate and its limiter state, or None (unknown or revoked)."""
    try:
        p = ApiKeyPointer.get(*pointer_key(secret_hash), consistent_read=True)
    except DoesNotExist:
        return None
    principal = KeyPrincipal(tenant_id=p.tenant_id, key_id=p.key_id, name=p.name, scopes=frozenset(p.scopes))
    rate = Rate(per_minute=int(p.rate_per_minute), burst=int(p.rate_burst))
    return principal, rate, (int(p.tat) if p.tat is not None else None)


def spend(secret_hash: str, scope: str, rate: Rate, now_ms: int, used_at: str, *, busy: bool
          ) -> tuple[KeyPrincipal, int] | None:
    """Authenticate and spend one request in ONE conditional UpdateItem, when the caller knows the key's rate
    (its container saw the key before): the pointer exists (not revoked), holds ``scope`` and ``rate``, and
    the limiter allows the request. ``busy``: the bucket is expected mid-use (``tat`` ahead of now: add one
    interval) rather than idle (``tat`` behind now: restart from now). Answers the key and the new ``tat``;
    None when any condition failed — the caller then reads the pointer to tell which (find / advance)."""
    P = ApiKeyPointer
    interval = rate.interval_ms
    same = (P.pk.exists() & P.scopes.contains(scope) & (P.rate_per_minute == rate.per_minute)
            & (P.rate_burst == rate.burst))
    if busy:  # GCRA with tat >= now: allowed while tat + interval - now <= burst * interval
        condition = same & P.tat.between(now_ms, now_ms + (rate.burst - 1) * interval)
        new_tat = P.tat.set(P.tat + interval)
    else:
        condition = same & (P.tat.does_not_exist() | (P.tat < now_ms))
        new_tat = P.tat.set(now_ms + interval)
    pointer = ApiKeyPointer(*pointer_key(secret_hash))
    if not update_if(pointer, [new_tat, P.last_used_at.set(used_at)], condition=condition):
        return None
    principal = KeyPrincipal(tenant_id=pointer.tenant_id, key_id=pointer.key_id, name=pointer.name,
                             scopes=frozenset(pointer.scopes))
    return principal, int(pointer.tat)


def advance(secret_hash: str, seen_tat: int | None, new_tat: int, used_at: str) -> bool:
    """Compare-and-set the limiter: store ``new_tat`` if ``tat`` is still ``seen_tat`` (and the key still
    exists). False when another request moved it first, or the key was revoked meanwhile."""
    pointer = ApiKeyPointer(*pointer_key(secret_hash))
    same = ApiKeyPointer.tat.does_not_exist() if seen_tat is None else ApiKeyPointer.tat == seen_tat
    return update_if(pointer, [ApiKeyPointer.tat.set(new_tat), ApiKeyPointer.last_used_at.set(used_at)],
                     condition=ApiKeyPointer.pk.exists() & same)
