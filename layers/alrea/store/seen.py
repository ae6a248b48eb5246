"""Per-user read markers: ``pk=T#<tid>#SEEN#<uid>  sk=CONV#<cid>`` — ``seen_count``, ``seen_at``.

A user's unread in a conversation is the conversation's ``inbound_count`` minus their ``seen_count``, so what
one person read never changes another's badge. A page of conversations reads its markers with one
BatchGetItem; the marker only moves forward (a conditional update), so an older read arriving late cannot
bring back a badge.
"""
from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from alrea.core.clock import iso, utcnow
from alrea.store.base import Item, update_if
from alrea.store.keys import child_pk


class SeenMarker(Item):
    seen_count = NumberAttribute(default=0)
    seen_at = UnicodeAttribute(null=True)


def seen_pk(tenant_id: str, user_id: str) -> str:
    return child_pk(tenant_id, "SEEN", user_id)


def seen_sk(cid: str) -> str:
    return f"CONV#{cid}"


def mark_seen(tenant_id: str, user_id: str, cid: str, count: int) -> None:
    """The user has seen the conversation's first ``count`` customer messages."""
    M = SeenMarker
    item = M(seen_pk(tenant_id, user_id), seen_sk(cid))
    update_if(item, [M.entity.set("seen"), M.seen_count.set(count), M.seen_at.set(iso(utcnow()))],
              M.seen_count.does_not_exist() | (M.seen_count <= count))


def seen_counts(tenant_id: str, user_id: str, cids: list[str]) -> dict[str, int]:
    """conversation id -> seen_count for the ones this user has a marker of (BatchGetItem, 100 keys a call)."""
    if not cids:
        return {}
    pk = seen_pk(tenant_id, user_id)
    keys = [(pk, seen_sk(cid)) for cid in dict.fromkeys(cids)]
    return {m.sk.removeprefix("CONV#"): int(m.seen_count or 0) for m in SeenMarker.batch_get(keys)}
