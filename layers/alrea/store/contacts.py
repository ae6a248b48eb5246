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
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.expressions.update import Action

from alrea.core.clock import iso, new_id, utcnow
from alrea.domain.contacts import (NO_TERMS, FieldDef, fold, name_sort_key, name_terms, phone_digits, phone_terms,
                                   plain_value)
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

    def field_values(self) -> dict[str, Any]:
        raw = self.fields.as_dict() if self.fields is not None else {}
        return {k: plain_value(v) for k, v in raw.items()}

    def opt_out_view(self) -> dict[str, Any] | None:
        return dict(self.opted_out.as_dict()) if self.opted_out is not None else None

    def view(self) -> dict[str, Any]:
        """What the inbox shows of the person behind a chat."""
        return {"key": self.key, "phone": self.phone, "lid": self.lid, "name": self.name,
                "profile_pic_url": self.profile_pic_url, "created_at": self.created_at,
                "updated_at": self.updated_at}

    def public(self) -> dict[str, Any]:
        """The whole contact, as /api/contacts answers it."""
        return {"id": self.id, "key": self.key, "phone": self.phone, "lid": self.lid, "name": self.name,
                "email": self.email, "tags": sorted(self.tags or ()), "fields": self.field_values(),
                "notes": self.notes, "source": self.source, "profile_pic_url": self.profile_pic_url,
                "last_interaction_at": self.last_interaction_at, "opted_out": self.opt_out_view(),
                "created_at": self.created_at, "updated_at": self.updated_at}


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


def upsert(tenant_id: str, key: str, **fields: str | None) -> ContactItem:
    item = key_item(tenant_id, key)
    item.update(actions=upsert_actions(tenant_id, key, **fields))
    sync_terms(item)
    return item


def get(tenant_id: str, key: str, *, consistent: bool = False) -> ContactItem | None:
    try:
        return ContactItem.get(tenant_pk(tenant_id), contact_sk(key), consistent_read=consistent)
    except DoesNotExist:
        return None


def get_by_id(tenant_id: str, contact_id: str) -> ContactItem | None:
    for item in ContactItem.gsi1.query(id_pk(tenant_id, contact_id), ContactItem.gsi1sk == "CONTACT", limit=1):
        return get(tenant_id, item.key, consistent=True) or None
    return None


DIGEST_ATTRIBUTES = ["pk", "sk", "entity", "key", "import_digest"]


def batch_get(tenant_id: str, keys: Iterable[str], attributes: list[str] | None = None) -> dict[str, ContactItem]:
    """key -> item for the keys that exist (BatchGetItem, 100 keys a call, unprocessed keys retried);
    ``attributes`` projects (e.g. DIGEST_ATTRIBUTES: is this row already applied?)."""
    pk = tenant_pk(tenant_id)
    wanted = [(pk, contact_sk(k)) for k in dict.fromkeys(keys)]
    found: dict[str, ContactItem] = {}
    for start in range(0, len(wanted), 100):
        for item in ContactItem.batch_get(wanted[start:start + 100], attributes_to_get=attributes):
            if item.entity == "contact":
                found[item.key] = item
    return found


def new_item(tenant_id: str, key: str, *, source: str, name: str | None = None, email: str | None = None,
             tags: Iterable[str] = (), fields: dict[str, Any] | None = None, notes: str | None = None,
             counted: bool = True, now: str | None = None, import_digest: str | None = None) -> ContactItem:
    now = now or iso(utcnow())
    cid = new_id()
    phone = key if key.startswith("+") else None
    item = ContactItem(
        tenant_pk(tenant_id), contact_sk(key), entity="contact", id=cid, tenant_id=tenant_id, key=key,
        phone=phone, name=name, email=email, tags=set(tags) or None, fields=_map(fields), notes=notes,
        source=source, counted=counted, created_at=now, updated_at=now, import_digest=import_digest,
        gsi1pk=id_pk(tenant_id, cid), gsi1sk="CONTACT", gsi2pk=name_pk(tenant_id), gsi2sk=name_sort_key(name, key),
        terms_name=_marker(name),
    )
    if phone:
        item.gsi3pk, item.gsi3sk = phone_pk(tenant_id), phone_digits(phone)
    return item


def _map(values: dict[str, Any] | None) -> MapAttribute | None:
    clean = {k: plain_value(v) for k, v in (values or {}).items() if v is not None}
    return MapAttribute(**clean) if clean else None


def create(item: ContactItem) -> bool:
    """Conditional put: False when the phone already has a contact (never two records per phone)."""
    try:
        item.save(condition=ContactItem.pk.does_not_exist())
    except PutError as exc:
        if condition_failed(exc):
            return False
        raise
    _write_terms([item])
    return True


def put_many(items: list[ContactItem]) -> None:
    with ContactItem.batch_write() as batch:
        for item in items:
            batch.save(item)
    _write_terms(items)


def change(tenant_id: str, key: str, *, name: Any = ..., email: Any = ..., notes: Any = ...,
           fields: dict[str, Any] | None = None, add_tags: Iterable[str] = (), remove_tags: Iterable[str] = (),
           opted_out: Any = ..., extra: list[Action] | None = None) -> ContactItem | None:
    """Update an existing contact (None when it does not exist). ``...`` leaves a value as it is; None clears."""
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
    actions += extra or []
    try:
        item.update(actions=actions, condition=ContactItem.pk.exists())
    except UpdateError as exc:
        if condition_failed(exc):
            return None
        raise
    if name is not ...:
        sync_terms(item)
    return item


def add_tag_if_missing(tenant_id: str, key: str, tag: str) -> bool:
    """ADD one tag; True only when the contact exists and did not have it (exact tag counts)."""
    item = key_item(tenant_id, key)
    try:
        item.update(actions=[ContactItem.tags.add({tag}), ContactItem.updated_at.set(iso(utcnow()))],
                    condition=ContactItem.pk.exists() & ~ContactItem.tags.contains(tag))
    except UpdateError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


def remove_tag_if_present(tenant_id: str, key: str, tag: str) -> bool:
    item = key_item(tenant_id, key)
    try:
        item.update(actions=[ContactItem.tags.delete({tag}), ContactItem.updated_at.set(iso(utcnow()))],
                    condition=ContactItem.pk.exists() & ContactItem.tags.contains(tag))
    except UpdateError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


def set_opt_out(tenant_id: str, key: str, value: dict[str, str] | None) -> bool:
    """Set (value) or clear (None) the opt-out; True when it changed."""
    item = key_item(tenant_id, key)
    now = iso(utcnow())
    if value is not None:
        actions = [ContactItem.opted_out.set(MapAttribute(**value)), ContactItem.updated_at.set(now)]
        condition = ContactItem.pk.exists() & ContactItem.opted_out.does_not_exist()
    else:
        actions = [ContactItem.opted_out.remove(), ContactItem.updated_at.set(now)]
        condition = ContactItem.pk.exists() & ContactItem.opted_out.exists()
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


def touch_interaction(tenant_id: str, key: str, at: str) -> None:
    """last_interaction_at only moves forward; a missing contact is not created here."""
    item = key_item(tenant_id, key)
    try:
        item.update(actions=[ContactItem.last_interaction_at.set(at)],
                    condition=ContactItem.pk.exists() & (ContactItem.last_interaction_at.does_not_exist()
                                                         | (ContactItem.last_interaction_at < at)))
    except UpdateError as exc:
        if not condition_failed(exc):
            raise


def delete(item: ContactItem) -> bool:
    try:
        item.delete(condition=ContactItem.pk.exists())
    except Exception as exc:  # noqa: BLE001 - DeleteError
        if condition_failed(exc):
            return False
        raise
    if item.terms_name is not None:
        _term_batch(item.tenant_id, item.key, put=[], delete=_terms(item.key, item.terms_name))
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


def sync_terms(item: ContactItem) -> bool:
    """Make the contact's term items match its current name (``item`` as stored: ALL_NEW of an update or a
    read). Answers True when something was written."""
    marker = _marker(item.name)
    if item.terms_name == marker:
        return False
    old = set(_terms(item.key, item.terms_name)) if item.terms_name is not None else set()
    new = set(_terms(item.key, marker))
    _term_batch(item.tenant_id, item.key, put=sorted(new - old), delete=sorted(old - new))
    update_if(item, [ContactItem.terms_name.set(marker)], ContactItem.pk.exists())
    return True


def query_terms(tenant_id: str, term: str, start: dict | None = None, page_size: int = 100
                ) -> Iterator[ContactTerm]:
    """Term items whose term starts with ``term``, in term order, from an optional exclusive start key."""
    return iter(ContactTerm.query(terms_pk(tenant_id, term), ContactTerm.sk.startswith(term),
                                  last_evaluated_key=start, page_size=page_size))


# ---------------------------------------------------------------- listing
def query_all(tenant_id: str, start: dict | None = None, page_size: int = 100) -> Iterator[ContactItem]:
    """A tenant's contacts A→Z by name (unnamed last), from an optional exclusive start key."""
    return iter(ContactItem.gsi2.query(name_pk(tenant_id), last_evaluated_key=start, page_size=page_size))


def query_name_prefix(tenant_id: str, prefix: str, start: dict | None = None,
                      page_size: int = 100) -> Iterator[ContactItem]:
    return iter(ContactItem.gsi2.query(name_pk(tenant_id), ContactItem.gsi2sk.startswith(prefix),
                                       last_evaluated_key=start, page_size=page_size))


def query_phone_prefix(tenant_id: str, digits: str, start: dict | None = None,
                       page_size: int = 100) -> Iterator[ContactItem]:
    return iter(ContactItem.gsi3.query(phone_pk(tenant_id), ContactItem.gsi3sk.startswith(digits),
                                       last_evaluated_key=start, page_size=page_size))


def index_key(item: ContactItem, index: str) -> dict[str, dict[str, str]]:
    """The exclusive start key that resumes a query of ``index`` ("table", "gsi2", "gsi3") after ``item``."""
    key = {"pk": {"S": item.pk}, "sk": {"S": item.sk}}
    if index != "table":
        key[f"{index}pk"] = {"S": getattr(item, f"{index}pk")}
        key[f"{index}sk"] = {"S": getattr(item, f"{index}sk")}
    return key


# ---------------------------------------------------------------- the contacts counter (plan limit)
class ContactCounter(Item):
    count = NumberAttribute(default=0)


def counter_item(tenant_id: str) -> ContactCounter:
    return ContactCounter(tenant_pk(tenant_id), COUNTER_SK)


def reserve(tenant_id: str, n: int, limit: int) -> bool:
    """Atomically add ``n`` to the counter if it stays within ``limit``."""
    if n <= 0:
        return True
    if n > limit:
        return False
    item = counter_item(tenant_id)
    try:
        item.update(actions=[ContactCounter.count.add(n), ContactCounter.entity.set("counter")],
                    condition=ContactCounter.count.does_not_exist() | (ContactCounter.count <= limit - n))
    except UpdateError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


def release(tenant_id: str, n: int) -> None:
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

    def definition(self) -> FieldDef:
        return FieldDef(self.name, self.type, self.label)

    def view(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type, "label": self.label, "created_at": self.created_at}


def field_defs(tenant_id: str) -> dict[str, FieldDef]:
    return {i.name: i.definition() for i in FieldDefItem.query(tenant_pk(tenant_id),
                                                               FieldDefItem.sk.startswith(FIELD_PREFIX))}


def field_items(tenant_id: str) -> list[FieldDefItem]:
    return list(FieldDefItem.query(tenant_pk(tenant_id), FieldDefItem.sk.startswith(FIELD_PREFIX)))


def add_field(tenant_id: str, name: str, type_: str, label: str) -> FieldDefItem | None:
    item = FieldDefItem(tenant_pk(tenant_id), FIELD_PREFIX + name, entity="contact_field", tenant_id=tenant_id,
                        name=name, type=type_, label=label, created_at=iso(utcnow()))
    try:
        item.save(condition=FieldDefItem.pk.does_not_exist())
    except PutError as exc:
        if condition_failed(exc):
            return None
        raise
    return item


def change_field(tenant_id: str, name: str, label: str) -> FieldDefItem | None:
    item = FieldDefItem(tenant_pk(tenant_id), FIELD_PREFIX + name)
    try:
        item.update(actions=[FieldDefItem.label.set(label)], condition=FieldDefItem.pk.exists())
    except UpdateError as exc:
        if condition_failed(exc):
            return None
        raise
    return item


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
