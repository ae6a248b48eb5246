"""Refresh-token sessions: ``pk=T#<tid> sk=SESSION#<family>`` — one item per login (a token family).

Only the sha256 of the family's CURRENT refresh-token id (jti) is stored. Rotation is a conditional update
from the presented hash to the next one; presenting any other jti of the family is reuse, and revokes it.
The item expires (TTL) with the family's last refresh token.
"""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist

from alrea.core.clock import iso, utcnow
from alrea.domain.accounts import Session as SessionData
from alrea.store.base import Item, as_domain, update_if
from alrea.store.keys import tenant_pk

SK_PREFIX = "SESSION#"


class Session(Item):
    family = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    jti_hash = UnicodeAttribute()
    revoked = BooleanAttribute(default=False)
    created_at = UnicodeAttribute()
    rotated_at = UnicodeAttribute(null=True)

    @classmethod
    def key(cls, tenant_id: str, family: str) -> tuple[str, str]:
        return tenant_pk(tenant_id), SK_PREFIX + family


def create_session(tenant_id: str, user_id: str, family: str, jti_hash: str, expires_at: int) -> None:
    Session(*Session.key(tenant_id, family), entity="session", family=family, tenant_id=tenant_id,
            user_id=user_id, jti_hash=jti_hash, revoked=False, created_at=iso(utcnow()),
            ttl=expires_at).save(condition=Session.pk.does_not_exist())


def get_session(tenant_id: str, family: str) -> SessionData | None:
    try:
        item = Session.get(*Session.key(tenant_id, family), consistent_read=True)
    except DoesNotExist:
        return None
    return as_domain(SessionData, item, revoked=bool(item.revoked))


def rotate(tenant_id: str, family: str, current_hash: str, next_hash: str, expires_at: int) -> bool:
    """Move the family from ``current_hash`` to ``next_hash``; False when another rotation or a revoke won."""
    return update_if(
        Session(*Session.key(tenant_id, family)),
        [Session.jti_hash.set(next_hash), Session.rotated_at.set(iso(utcnow())), Session.ttl.set(expires_at)],
        Session.pk.exists() & (Session.jti_hash == current_hash) & (Session.revoked == False),  # noqa: E712
    )


def revoke(tenant_id: str, family: str) -> None:
    # an unknown family (condition failed): nothing to revoke
    update_if(Session(*Session.key(tenant_id, family)), [Session.revoked.set(True)], Session.pk.exists())
