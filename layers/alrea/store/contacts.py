"""Contacts of a tenant: ``pk=T#<tid>  sk=CONTACT#<key>``.

``key`` is the E.164 number (``+5511912345678``); when WhatsApp hides the number (an unresolved LID) it is the
LID JID (``25151362101280@lid``), kept as the contact's alias until the number is known. ``lid`` stores the
alias of a contact whose number is known, so a later LID-addressed message maps back to it.

Access paths (no Scan):
- by key (phone): the item itself; a page of the tenant's contacts by phone: Query ``pk``, ``sk`` begins_with.
- by id: gsi1 ``T#<tid>#CONTACT#<id>`` / ``CONTACT`` (the id is a UUID, set once with if_not_exists).
- by name prefix (and the default list, A→Z): gsi2 ``T#<tid>#CNAME`` / ``<folded name>#<key>``.
- by phone prefix: gsi3 ``T#<tid>#CPHONE`` / ``<E.164 digits>``.
- by any part (search): term items ``T#<tid>#CT#<first character>`` / ``<term>#<key>``, one per term of
  domain.contacts.name_terms (the folded name from each word on) and phone_terms (E.164 digits and the national
  number's suffixes); a query is one ``begins_with`` Query. ``terms_name`` on the contact records the folded
  name whose terms are written, so a rename replaces exactly the old ones (``sync_terms``).
- by tag: membership items in store/tags.py.
Custom field definitions: ``T#<tid>`` / ``CFIELD#<name>``. Contacts counter (plan limit): ``COUNTER#CONTACTS``.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from pynamodb.attributes import (BooleanAttribute, MapAttribute, NumberAttribute, UnicodeAttribute,
                                 UnicodeSetAttribute)
from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.expressions.update import Action

from alrea.core.clock import iso, new_id, utcnow
from alrea.domain.contacts import (NO_TERMS, Contact, CustomField, FieldDef, fold, name_sort_key, name_terms,
                                   phone_digits, phone_terms, plain_value, terms_of)
from alrea.store import tags as tag_items
from alrea.store.base import Gsi1, Gsi2, Gsi3, Item, condition_failed, update_if
from alrea.store.keys import tenant_pk

CONTACT_PREFIX = "CONTACT#"
COUNTER_SK = "COUNTER#CONTACTS"
FIELD_PREFIX = "CFIELD#"


def contact_sk(key: str) -> str:
    return f"{CONTACT_PREFIX}{key}"


def id_pk(tenant_id: str, contact_id: str) -> str:
    return f"T#{tenant_id}#CONTACT#{contact_id}"


def name_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}#CNAME"


def phone_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}#CPHONE"


class ContactItem(Item):
    gsi1 = Gsi1()
    gsi2 = Gsi2()
    gsi3 = Gsi3()
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)

    id = UnicodeAttribute(null=True)
    tenant_id = UnicodeAttribute()
    key = UnicodeAttribute()
    phone = UnicodeAttribute(null=True)
    lid = UnicodeAttribute(null=True)
    name = UnicodeAttribute(null=True)
    email = UnicodeAttribute(null=True)
    tags = UnicodeSetAttribute(null=True)
    fields = MapAttribute(null=True)  # custom fields: name -> str | Decimal | ISO date
    notes = UnicodeAttribute(null=True)
    source = UnicodeAttribute(null=True)
    counted = BooleanAttribute(null=True)  # counts against max_contacts (created by import / API / manual)
    profile_pic_url = UnicodeAttribute(null=True)
    avatar_key = UnicodeAttribute(null=True)  # S3 key of the cached profile picture (services/profile_pics)
    avatar_fetched_at = UnicodeAttribute(null=True)  # last profile picture fetch, found or not
    last_interaction_at = UnicodeAttribute(null=True)
    opted_out = MapAttribute(null=True)  # {at, reason, source}
    import_digest = UnicodeAttribute(null=True)  # digest of the last imported row applied to this contact
    terms_name = UnicodeAttribute(null=True)  # the folded name whose search terms are written ("~": none)
    created_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)

    def domain(self) -> Contact:
        return Contact(
            tenant_id=self.tenant_id, key=self.key, id=self.id, phone=self.phone, lid=self.lid, name=self.name,
            email=self.email, tags=frozenset(self.tags or ()),
            fields=dict(self.fields.as_dict()) if self.fields is not None else {}, notes=self.notes,
            source=self.source, counted=bool(self.counted), profile_pic_url=self.profile_pic_url,
            avatar_key=self.avatar_key, avatar_fetched_at=self.avatar_fetched_at,
            last_interaction_at=self.last_interaction_at,
            opted_out=dict(self.opted_out.as_dict()) if self.opted_out is not None else None,
            import_digest=self.import_digest, terms_name=self.terms_name, created_at=self.created_at,
            updated_at=self.updated_at)

    @classmethod
    def of(cls, c: Contact) -> ContactItem:
        """The item of a NEW contact (``new_item``), with its index keys."""
        item = cls(tenant_pk(c.tenant_id), contact_sk(c.key), entity="contact", id=c.id, tenant_id=c.tenant_id,
                   key=c.key, phone=c.phone, lid=c.lid, name=c.name, email=c.email, tags=set(c.tags) or None,
                   fields=_map(c.fields), notes=c.notes, source=c.source, counted=c.counted,
                   profile_pic_url=c.profile_pic_url, opted_out=MapAttribute(**c.opted_out) if c.opted_out else None,
                   import_digest=c.import_digest, terms_name=c.terms_name, created_at=c.created_at,
                   updated_at=c.updated_at,
                   gsi1pk=id_pk(c.tenant_id, c.id or ""), gsi1sk="CONTACT", gsi2pk=name_pk(c.tenant_id),
                   gsi2sk=name_sort_key(c.name, c.key))
        if c.phone:
            item.gsi3pk, item.gsi3sk = phone_pk(c.tenant_id), phone_digits(c.phone)
        return item


def key_item(tenant_id: str, key: str) -> ContactItem:
    return ContactItem(tenant_pk(tenant_id), contact_sk(key))


def upsert_actions(tenant_id: str, key: str, *, phone: str | None = None, lid: str | None = None,
                   name: str | None = None, profile_pic_url: str | None = None,
                   source: str = "inbound") -> list[Action]:
    """Create-or-update actions; only given, non-empty values are written, so a name is never blanked.

    A contact created here gets its id, index keys, ``created_at`` and ``source`` once (if_not_exists), so the
    inbound pipeline and the contacts API converge on one record per phone.
    """
    now = iso(utcnow())
    cid = new_id()
    actions = [
        ContactItem.entity.set("contact"),
        ContactItem.tenant_id.set(tenant_id),
        ContactItem.key.set(key),
        ContactItem.id.set(ContactItem.id | cid),
        ContactItem.gsi1pk.set(ContactItem.gsi1pk | id_pk(tenant_id, cid)),
        ContactItem.gsi1sk.set("CONTACT"),
        ContactItem.gsi2pk.set(name_pk(tenant_id)),
        ContactItem.source.set(ContactItem.source | source),
        ContactItem.created_at.set(ContactItem.created_at | now),
        ContactItem.updated_at.set(now),
    ]
    if name:
        actions.append(ContactItem.gsi2sk.set(name_sort_key(name, key)))
    else:
        actions.append(ContactItem.gsi2sk.set(ContactItem.gsi2sk | name_sort_key(None, key)))
    if phone:
        actions += [ContactItem.gsi3pk.set(phone_pk(tenant_id)), ContactItem.gsi3sk.set(phone_digits(phone))]
    for attr, value in ((ContactItem.phone, phone), (ContactItem.lid, lid), (ContactItem.name, name),
                        (ContactItem.profile_pic_url, profile_pic_url)):
        if value:
            actions.append(attr.set(value))
    return actions


def upsert(tenant_id: str, key: str, **fields: str | None) -> Contact:
    """Create-or-update (``upsert_actions``), then the search terms of the name it now has."""
    item = key_item(tenant_id, key)
    item.update(actions=upsert_actions(tenant_id, key, **fields))
    _sync_item_terms(item)
    return item.domain()


def _get_item(tenant_id: str, key: str, *, consistent: bool = False) -> ContactItem | None:
    try:
        return ContactItem.get(tenant_pk(tenant_id), contact_sk(key), consistent_read=consistent)
    except DoesNotExist:
        return None


def get(tenant_id: str, key: str, *, consistent: bool = False) -> Contact | None:
    item = _get_item(tenant_id, key, consistent=consistent)
    return item.domain() if item is not None else None


def exists(tenant_id: str, key: str) -> bool:
    """Whether the key has a contact (consistent read of the key only)."""
    try:
        ContactItem.get(tenant_pk(tenant_id), contact_sk(key), consistent_read=True, attributes_to_get=["pk"])
    except DoesNotExist:
        return False
    return True


def get_by_id(tenant_id: str, contact_id: str) -> Contact | None:
    for item in ContactItem.gsi1.query(id_pk(tenant_id, contact_id), ContactItem.gsi1sk == "CONTACT", limit=1):
        return get(tenant_id, item.key, consistent=True)
    return None


def _batch_items(tenant_id: str, keys: Iterable[str], attributes: list[str] | None = None
                 ) -> dict[str, ContactItem]:
    pk = tenant_pk(tenant_id)
    wanted = [(pk, contact_sk(k)) for k in dict.fromkeys(keys)]
    found: dict[str, ContactItem] = {}
    for start in range(0, len(wanted), 100):
        for item in ContactItem.batch_get(wanted[start:start + 100], attributes_to_get=attributes):
            if item.entity == "contact":
                found[item.key] = item
    return found


def batch_get(tenant_id: str, keys: Iterable[str]) -> dict[str, Contact]:
    """key -> contact for the keys that exist (BatchGetItem, 100 keys a call, unprocessed keys retried)."""
    return {key: item.domain() for key, item in _batch_items(tenant_id, keys).items()}


def import_digests(tenant_id: str, keys: Iterable[str]) -> dict[str, str | None]:
    """key -> digest of the last imported row applied (None: never imported) for the keys that have a
    contact; a projected BatchGetItem (cheap: is this row already applied?)."""
    found = _batch_items(tenant_id, keys, ["pk", "sk", "entity", "key", "import_digest"])
    return {key: item.import_digest for key, item in found.items()}


def new_item(tenant_id: str, key: str, *, source: str, name: str | None = None, email: str | None = None,
             tags: Iterable[str] = (), fields: dict[str, Any] | None = None, notes: str | None = None,
             counted: bool = True, now: str | None = None, import_digest: str | None = None) -> Contact:
    """A new contact, not stored yet (``create`` / ``put_many`` store it with its search terms)."""
    now = now or iso(utcnow())
    return Contact(tenant_id=tenant_id, key=key, id=new_id(), phone=key if key.startswith("+") else None,
                   name=name, email=email, tags=frozenset(tags),
                   fields={k: v for k, v in (fields or {}).items() if v is not None}, notes=notes, source=source,
                   counted=counted, created_at=now, updated_at=now, import_digest=import_digest,
                   terms_name=_marker(name))


def _map(values: dict[str, Any] | None) -> MapAttribute | None:
    clean = {k: plain_value(v) for k, v in (values or {}).items() if v is not None}
    return MapAttribute(**clean) if clean else None


def create(contact: Contact) -> bool:
    """Conditional put: False when the phone already has a contact (never two records per phone)."""
    item = ContactItem.of(contact)
    try:
        item.save(condition=ContactItem.pk.does_not_exist())
    except PutError as exc:
        if condition_failed(exc):
            return False
        raise
    _write_terms([item])
    return True


def put_many(contacts: list[Contact]) -> None:
    """New contacts (BatchWriteItem), with their search terms."""
    items = [ContactItem.of(c) for c in contacts]
    with ContactItem.batch_write() as batch:
        for item in items:
            batch.save(item)
    _write_terms(items)


def change(tenant_id: str, key: str, *, name: Any = ..., email: Any = ..., notes: Any = ...,
           fields: dict[str, Any] | None = None, add_tags: Iterable[str] = (), remove_tags: Iterable[str] = (),
           opted_out: Any = ..., import_digest: str | None = None) -> Contact | None:
    """Update an existing contact (None when it does not exist). ``...`` leaves a value as it is; None clears.
    ``import_digest``: the imported row now applied to it."""
    item = key_item(tenant_id, key)
    actions: list[Action] = [ContactItem.updated_at.set(iso(utcnow()))]
    if name is not ...:
        actions.append(ContactItem.name.set(name) if name else ContactItem.name.remove())
        actions.append(ContactItem.gsi2sk.set(name_sort_key(name, key)))
    if email is not ...:
        actions.append(ContactItem.email.set(email) if email else ContactItem.email.remove())
    if notes is not ...:
        actions.append(ContactItem.notes.set(notes) if notes else ContactItem.notes.remove())
    if fields is not None:
        mapped = _map(fields)
        actions.append(ContactItem.fields.set(mapped) if mapped else ContactItem.fields.remove())
    if add_tags := set(add_tags):
        actions.append(ContactItem.tags.add(add_tags))
    if remove_tags := set(remove_tags):
        actions.append(ContactItem.tags.delete(remove_tags))
    if opted_out is not ...:
        actions.append(ContactItem.opted_out.set(MapAttribute(**opted_out)) if opted_out
                       else ContactItem.opted_out.remove())
    if import_digest is not None:
        actions.append(ContactItem.import_digest.set(import_digest))
    if not update_if(item, actions, ContactItem.pk.exists()):
        return None
    if name is not ...:
        _sync_item_terms(item)
    return item.domain()


def add_tag_if_missing(tenant_id: str, key: str, tag: str) -> bool:
    """ADD one tag; True only when the contact exists and did not have it (exact tag counts)."""
    return update_if(key_item(tenant_id, key),
                     [ContactItem.tags.add({tag}), ContactItem.updated_at.set(iso(utcnow()))],
                     ContactItem.pk.exists() & ~ContactItem.tags.contains(tag))


def remove_tag_if_present(tenant_id: str, key: str, tag: str) -> bool:
    return update_if(key_item(tenant_id, key),
                     [ContactItem.tags.delete({tag}), ContactItem.updated_at.set(iso(utcnow()))],
                     ContactItem.pk.exists() & ContactItem.tags.contains(tag))


def set_opt_out(tenant_id: str, key: str, value: dict[str, str] | None) -> bool:
    """Set (value) or clear (None) the opt-out; True when it changed."""
    now = iso(utcnow())
    if value is not None:
        actions = [ContactItem.opted_out.set(MapAttribute(**value)), ContactItem.updated_at.set(now)]
        condition = ContactItem.pk.exists() & ContactItem.opted_out.does_not_exist()
    else:
        actions = [ContactItem.opted_out.remove(), ContactItem.updated_at.set(now)]
        condition = ContactItem.pk.exists() & ContactItem.opted_out.exists()
    return update_if(key_item(tenant_id, key), actions, condition)


def touch_interaction(tenant_id: str, key: str, at: str) -> None:
    """last_interaction_at only moves forward; a missing contact is not created here."""
    update_if(key_item(tenant_id, key), [ContactItem.last_interaction_at.set(at)],
              ContactItem.pk.exists() & (ContactItem.last_interaction_at.does_not_exist()
                                         | (ContactItem.last_interaction_at < at)))


def delete(contact: Contact) -> bool:
    """Delete the contact and its search terms; False when it was already gone."""
    item = key_item(contact.tenant_id, contact.key)
    try:
        item.delete(condition=ContactItem.pk.exists())
    except Exception as exc:  # noqa: BLE001 - DeleteError
        if condition_failed(exc):
            return False
        raise
    if contact.terms_name is not None:
        _term_batch(contact.tenant_id, contact.key, put=[], delete=_terms(contact.key, contact.terms_name))
    return True


# ---------------------------------------------------------------- any-part search terms
def terms_pk(tenant_id: str, term: str) -> str:
    return f"T#{tenant_id}#CT#{term[:1]}"


class ContactTerm(Item):
    tenant_id = UnicodeAttribute()
    key = UnicodeAttribute()
    term = UnicodeAttribute()


def _terms(key: str, folded_name: str) -> list[str]:
    return list(dict.fromkeys(name_terms(folded_name) + phone_terms(key)))


def _marker(name: str | None) -> str:
    return fold(name) if name else NO_TERMS


def _term_batch(tenant_id: str, key: str, *, put: list[str], delete: list[str]) -> None:
    with ContactTerm.batch_write() as batch:
        for term in delete:
            batch.delete(ContactTerm(terms_pk(tenant_id, term), f"{term}#{key}"))
        for term in put:
            batch.save(ContactTerm(terms_pk(tenant_id, term), f"{term}#{key}", entity="contact_term",
                                   tenant_id=tenant_id, key=key, term=term))


def _write_terms(items: list[ContactItem]) -> None:
    """Terms of NEW contacts (saved with terms_name set by new_item)."""
    written: set[str] = set()
    with ContactTerm.batch_write() as batch:
        for item in items:
            for term in _terms(item.key, item.terms_name or _marker(item.name)):
                if f"{term}#{item.key}" in written:  # one BatchWriteItem must not name a key twice
                    continue
                written.add(f"{term}#{item.key}")
                batch.save(ContactTerm(terms_pk(item.tenant_id, term), f"{term}#{item.key}", entity="contact_term",
                                       tenant_id=item.tenant_id, key=item.key, term=term))


def sync_terms(tenant_id: str, key: str) -> bool:
    """Make the contact's term items match the name it has now (a consistent read); True when something was
    written, False when they already match or the contact is gone."""
    item = _get_item(tenant_id, key, consistent=True)
    return item is not None and _sync_item_terms(item)


def _sync_item_terms(item: ContactItem) -> bool:
    """``item`` as stored (ALL_NEW of an update, or a read)."""
    marker = _marker(item.name)
    if item.terms_name == marker:
        return False
    old = set(_terms(item.key, item.terms_name)) if item.terms_name is not None else set()
    new = set(_terms(item.key, marker))
    _term_batch(item.tenant_id, item.key, put=sorted(new - old), delete=sorted(old - new))
    update_if(item, [ContactItem.terms_name.set(marker)], ContactItem.pk.exists())
    return True


# ---------------------------------------------------------------- listing
# A listing yields (contact, resume): ``resume`` is the store key to continue AFTER that contact — opaque to
# the services, which hand it to alrea.store.paging (signed, bound to the tenant and the filters) as the cursor.
Resume = dict[str, Any]


def _query_terms(tenant_id: str, term: str, start: dict | None = None, page_size: int = 100
                 ) -> Iterator[ContactTerm]:
    """Term items whose term starts with ``term``, in term order, from an optional exclusive start key."""
    return iter(ContactTerm.query(terms_pk(tenant_id, term), ContactTerm.sk.startswith(term),
                                  last_evaluated_key=start, page_size=page_size))


def _name_key(item: ContactItem) -> Resume:
    """The exclusive start key that resumes the A→Z (name index) listing after ``item``."""
    return {"pk": {"S": item.pk}, "sk": {"S": item.sk}, "gsi2pk": {"S": item.gsi2pk}, "gsi2sk": {"S": item.gsi2sk}}


def iter_all(tenant_id: str, start: Resume | None = None) -> Iterator[tuple[Contact, Resume]]:
    """The tenant's contacts A→Z by name (unnamed last)."""
    for item in ContactItem.gsi2.query(name_pk(tenant_id), last_evaluated_key=start, page_size=100):
        if item.entity == "contact":
            yield item.domain(), _name_key(item)


def iter_tagged(tenant_id: str, tag: str, start: Resume | None = None) -> Iterator[tuple[Contact, Resume]]:
    """The contacts with ``tag``, in key order: its membership partition, then batch gets (100 keys)."""
    members = tag_items.iter_members(tenant_id, tag, start)
    while True:
        chunk = [m for _, m in zip(range(100), members, strict=False)]
        if not chunk:
            return
        found = _batch_items(tenant_id, [m.key for m in chunk])
        for m in chunk:
            if m.key in found:
                yield found[m.key].domain(), {"pk": {"S": m.pk}, "sk": {"S": m.sk}}


def iter_matching(tenant_id: str, prefixes: list[str], start: Resume | None = None
                  ) -> Iterator[tuple[Contact, Resume]]:
    """Contacts with a search term starting with one of ``prefixes`` (domain.contacts.search_prefixes: any
    word of the name; the phone's number, with or without country and area code, or its last digits), each
    once: a contact is yielded at its smallest matching term (domain.contacts.terms_of), so pages never repeat
    it. One Query per prefix, one after the other; the resume key's partition says which one to
    resume (a key from elsewhere: ValueError)."""
    partitions = [terms_pk(tenant_id, p) for p in prefixes]
    first = 0
    if start is not None:
        if start.get("pk", {}).get("S") not in partitions:
            raise ValueError("resume key of another search")
        first = partitions.index(start["pk"]["S"])
    for n, prefix in enumerate(prefixes[first:], start=first):
        found_terms = _query_terms(tenant_id, prefix, start if n == first else None)
        while True:
            chunk = [t for _, t in zip(range(100), found_terms, strict=False)]
            if not chunk:
                break
            found = _batch_items(tenant_id, [t.key for t in chunk])
            for hit in chunk:
                item = found.get(hit.key)
                if item is None:
                    continue
                contact = item.domain()
                smallest = min((t for t in terms_of(contact.name, contact.key) if any(t.startswith(p) for p in prefixes)),
                               default=None)
                if smallest == hit.term:
                    yield contact, {"pk": {"S": hit.pk}, "sk": {"S": hit.sk}}


# ---------------------------------------------------------------- the contacts counter (plan limit)
class ContactCounter(Item):
    count = NumberAttribute(default=0)


def counter_item(tenant_id: str) -> ContactCounter:
    return ContactCounter(tenant_pk(tenant_id), COUNTER_SK)


def reserve(tenant_id: str, n: int, limit: int | None) -> bool:
    """Atomically add ``n`` to the counter if it stays within ``limit`` (None: unlimited, always counted)."""
    if n <= 0:
        return True
    if limit is not None and n > limit:
        return False
    room = None if limit is None else ContactCounter.count.does_not_exist() | (ContactCounter.count <= limit - n)
    return update_if(counter_item(tenant_id), [ContactCounter.count.add(n), ContactCounter.entity.set("counter")],
                     room)


def release(tenant_id: str, n: int) -> None:
    """Give ``n`` back to the counter (contacts deleted, or a reservation not used)."""
    if n > 0:
        counter_item(tenant_id).update(actions=[ContactCounter.count.add(-n)])


def counted(tenant_id: str) -> int:
    try:
        return int(ContactCounter.get(tenant_pk(tenant_id), COUNTER_SK, consistent_read=True).count or 0)
    except DoesNotExist:
        return 0


# ---------------------------------------------------------------- custom field definitions
class FieldDefItem(Item):
    tenant_id = UnicodeAttribute()
    name = UnicodeAttribute()
    type = UnicodeAttribute()
    label = UnicodeAttribute()
    created_at = UnicodeAttribute(null=True)

    def domain(self) -> CustomField:
        return CustomField(self.name, self.type, self.label, self.created_at)


def field_defs(tenant_id: str) -> dict[str, FieldDef]:
    return {f.name: f.definition() for f in list_fields(tenant_id)}


def list_fields(tenant_id: str) -> list[CustomField]:
    """The tenant's custom field definitions, by name."""
    return [i.domain() for i in FieldDefItem.query(tenant_pk(tenant_id), FieldDefItem.sk.startswith(FIELD_PREFIX))]


def add_field(tenant_id: str, name: str, type_: str, label: str) -> CustomField | None:
    """A new definition; None when the name is taken."""
    item = FieldDefItem(tenant_pk(tenant_id), FIELD_PREFIX + name, entity="contact_field", tenant_id=tenant_id,
                        name=name, type=type_, label=label, created_at=iso(utcnow()))
    try:
        item.save(condition=FieldDefItem.pk.does_not_exist())
    except PutError as exc:
        if condition_failed(exc):
            return None
        raise
    return item.domain()


def change_field(tenant_id: str, name: str, label: str) -> CustomField | None:
    """A new label (None when the field does not exist); answers the definition as stored."""
    item = FieldDefItem(tenant_pk(tenant_id), FIELD_PREFIX + name)
    if not update_if(item, [FieldDefItem.label.set(label)], FieldDefItem.pk.exists()):
        return None
    return item.domain()


def delete_field(tenant_id: str, name: str) -> bool:
    item = FieldDefItem(tenant_pk(tenant_id), FIELD_PREFIX + name)
    try:
        item.delete(condition=FieldDefItem.pk.exists())
    except Exception as exc:  # noqa: BLE001 - DeleteError
        if condition_failed(exc):
            return False
        raise
    return True


def set_avatar(tenant_id: str, key: str, avatar_key: str | None, at: str) -> None:
    """Record a profile picture fetch: the cached picture's S3 key (None: the contact shows none) and when."""
    avatar = ContactItem.avatar_key.set(avatar_key) if avatar_key else ContactItem.avatar_key.remove()
    key_item(tenant_id, key).update(actions=[avatar, ContactItem.avatar_fetched_at.set(at)],
                                    condition=ContactItem.pk.exists())
