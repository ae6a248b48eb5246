"""Tags of contacts.

- tag item ``T#<tid>`` / ``TAG#<tag>``: the tag and its contact count, moved only by atomic ADDs (never counted
  by reading contacts).
- membership item ``T#<tid>#TAG#<tag>`` / ``CONTACT#<key>``: one per (tag, contact) — a campaign audience or a
  tag filter is a Query of the tag's partition.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from alrea.core.clock import iso, utcnow
from alrea.domain.contacts import Tag
from alrea.store.base import Item
from alrea.store.keys import tenant_pk

TAG_PREFIX = "TAG#"
MEMBER_PREFIX = "CONTACT#"


def members_pk(tenant_id: str, tag: str) -> str:
    return f"T#{tenant_id}#TAG#{tag}"


class TagItem(Item):
    tenant_id = UnicodeAttribute()
    name = UnicodeAttribute()
    count = NumberAttribute(default=0)
    created_at = UnicodeAttribute(null=True)

    def domain(self) -> Tag:
        return Tag(self.name, max(0, int(self.count or 0)))


class TagMember(Item):
    tenant_id = UnicodeAttribute()
    tag = UnicodeAttribute()
    key = UnicodeAttribute()


def member(tenant_id: str, tag: str, key: str) -> TagMember:
    return TagMember(members_pk(tenant_id, tag), MEMBER_PREFIX + key, entity="tag_member", tenant_id=tenant_id,
                     tag=tag, key=key)


def add_members(tenant_id: str, pairs: Iterable[tuple[str, str]]) -> None:
    """Membership items for (tag, key) pairs (BatchWriteItem; idempotent puts)."""
    with TagMember.batch_write() as batch:
        for tag, key in pairs:
            batch.save(member(tenant_id, tag, key))


def remove_members(tenant_id: str, pairs: Iterable[tuple[str, str]]) -> None:
    with TagMember.batch_write() as batch:
        for tag, key in pairs:
            batch.delete(TagMember(members_pk(tenant_id, tag), MEMBER_PREFIX + key))


def adjust(tenant_id: str, counts: dict[str, int]) -> None:
    """ADD each tag's delta to its counter (creates the tag item on first use)."""
    now = iso(utcnow())
    for tag, delta in counts.items():
        if delta == 0:
            continue
        TagItem(tenant_pk(tenant_id), TAG_PREFIX + tag).update(actions=[
            TagItem.count.add(delta), TagItem.entity.set("tag"), TagItem.tenant_id.set(tenant_id),
            TagItem.name.set(tag), TagItem.created_at.set(TagItem.created_at | now)])


def list_tags(tenant_id: str) -> list[Tag]:
    """The tenant's tags with their contact counts, by name."""
    return [t.domain() for t in TagItem.query(tenant_pk(tenant_id), TagItem.sk.startswith(TAG_PREFIX))]


def iter_members(tenant_id: str, tag: str, start: dict | None = None, page_size: int = 100) -> Iterator[TagMember]:
    """Membership items of a tag, in contact key order (store-internal: alrea.store.contacts.iter_tagged)."""
    return iter(TagMember.query(members_pk(tenant_id, tag), TagMember.sk.startswith(MEMBER_PREFIX),
                                last_evaluated_key=start, page_size=page_size))


def iter_member_keys(tenant_id: str, tag: str) -> Iterator[str]:
    """The contact keys of every member of a tag, in key order."""
    for item in iter_members(tenant_id, tag):
        yield item.key
