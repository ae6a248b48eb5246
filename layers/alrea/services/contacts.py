"""Contacts: create/read/change/delete, search, tags in bulk, opt-out, custom fields, the campaign audience.

Phones are normalised to E.164 in the tenant's region (tenant.country, BR by default). Contacts created here
count against the plan's ``max_contacts`` through an atomic conditional ADD on the contacts counter; contacts
the inbound pipeline creates (people who wrote to the tenant) do not. Tag counts move by atomic ADDs only by
the number of contacts that really gained or lost the tag (conditional updates), never by reading contacts.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import islice
from typing import Any

from alrea.core.clock import iso, utcnow
from alrea.core.errors import Conflict, Invalid, NotFound
from alrea.core.log import logger
from alrea.domain import contacts as dom
from alrea.domain import privacy as privacy_dom
from alrea.domain.phones import DEFAULT_REGION
from alrea.domain.plans import limit_reached
from alrea.domain.contacts import Contact, CustomField, Tag
from alrea.domain.roles import Principal
from alrea.services import hooks, profile_pics
from alrea.store import contacts as store
from alrea.store import paging
from alrea.store import privacy as privacy_store
from alrea.store import tags as tag_store
from alrea.store.tenants import get_tenant

MAX_PAGE = 200
MAX_BULK = 50_000
_UNSET: Any = ...


# ---------------------------------------------------------------- tenant facts
def region(tenant_id: str) -> str:
    try:
        return get_tenant(tenant_id).country or DEFAULT_REGION
    except NotFound:
        return DEFAULT_REGION


def contacts_limit(tenant_id: str) -> tuple[str, int | None]:
    """The tenant's plan and its ``max_contacts`` (None: unlimited)."""
    tenant = get_tenant(tenant_id)
    return tenant.plan, tenant.limits.max_contacts


def _key_of(tenant_id: str, phone: str, region_: str | None = None) -> str | None:
    if phone.endswith("@lid"):
        return phone
    return e164(tenant_id, phone, region_)


def e164(tenant_id: str, phone: str, region_: str | None = None) -> str | None:
    """``phone`` in E.164 as the app keys contacts (a national number in the tenant's country); None when it
    is not a phone. A number already in international form (``+…``) needs no read of the tenant."""
    try:
        return dom.normalize_phone(phone, region_ or (DEFAULT_REGION if phone.strip().startswith("+")
                                                      else region(tenant_id)))
    except dom.ContactValueError:
        return None


# ---------------------------------------------------------------- JSON shapes
def public(c: Contact) -> dict[str, Any]:
    """The whole contact, as /api/contacts (and the inbox's contact panel, the search, the LGPD export)
    answer it."""
    return {"id": c.id, "key": c.key, "phone": c.phone, "lid": c.lid, "name": c.name, "email": c.email,
            "tags": sorted(c.tags), "fields": c.field_values(), "notes": c.notes, "source": c.source,
            "profile_pic_url": c.profile_pic_url, "last_interaction_at": c.last_interaction_at,
            "opted_out": c.opt_out_view(), "created_at": c.created_at, "updated_at": c.updated_at}


def with_avatar(c: Contact) -> dict[str, Any]:
    """``public`` plus a short-lived URL of the cached profile picture (None: there is none)."""
    return {**public(c), "avatar_url": profile_pics.presigned(c)}


def field_json(f: CustomField) -> dict[str, Any]:
    return {"name": f.name, "type": f.type, "label": f.label, "created_at": f.created_at}


def tag_json(t: Tag) -> dict[str, Any]:
    return {"tag": t.name, "count": t.count}


# ---------------------------------------------------------------- public helpers (campaigns, pipeline)
def audience_record(item: Contact) -> dict[str, Any]:
    return {"id": item.id, "phone": item.phone, "name": item.name, "email": item.email,
            "fields": item.field_values(), "tags": sorted(item.tags)}


def get_by_phone(tenant_id: str, phone: str) -> dict[str, Any] | None:
    key = _key_of(tenant_id, phone)
    item = store.get(tenant_id, key, consistent=True) if key else None
    return public(item) if item else None


def set_opt_out(tenant_id: str, phone: str, *, reason: str, source: str) -> bool:
    """Opt a contact out of campaigns (creating the contact when the phone is new); True if it changed."""
    key = _key_of(tenant_id, phone)
    if key is None:
        return False
    value = {"at": iso(utcnow()), "reason": (reason or "")[:200], "source": source}
    contact = store.get(tenant_id, key, consistent=True)
    if contact is None:
        contact = store.upsert(tenant_id, key, phone=key if key.startswith("+") else None, source=source)
    return _opt_out(contact, value)


def _opt_out(contact: Contact, value: dict[str, str]) -> bool:
    """Store the opt-out; when it changed, emit the fact (the ``contact.opted_out`` webhook listens). The event
    id derives from the contact and the opt-out's time, so a re-emitted fact is the same event."""
    changed = store.set_opt_out(contact.tenant_id, contact.key, value)
    if changed:
        hooks.contact_opted_out(hooks.ContactOptedOut(
            contact.tenant_id, contact.id, contact.key, contact.phone, at=value["at"], reason=value["reason"],
            source=value["source"], by=value.get("by")))
    return changed


def clear_opt_out(tenant_id: str, phone: str) -> bool:
    key = _key_of(tenant_id, phone)
    return bool(key) and store.set_opt_out(tenant_id, key, None)


def touch_interaction(tenant_id: str, phone: str, at: str) -> None:
    key = _key_of(tenant_id, phone)
    if key:
        store.touch_interaction(tenant_id, key, at)


def on_message_stored(fact: Any) -> None:
    """Hook (services/hooks.py ON_MESSAGE_STORED): a 1:1 message moves the contact's last interaction."""
    if getattr(fact, "contact_synced", False):  # done in the message's own transaction (services/inbound.py)
        return
    if not fact.is_group and fact.contact_key:
        store.touch_interaction(fact.tenant_id, fact.contact_key, fact.at)
        if fact.direction == "in":  # the pipeline may have (re)named the contact: keep its search terms in step
            store.sync_terms(fact.tenant_id, fact.contact_key)


def iter_audience(tenant_id: str, tags: list[str] | None,
                  contact_ids: list[str] | None) -> Iterator[dict[str, Any]]:
    """Every contact with a phone, NOT opted out, that has any of ``tags`` or is in ``contact_ids``; once each.

    Tag membership queries + batch gets (100 keys a call); ids through the id index.
    """
    seen: set[str] = set()
    for tag in dict.fromkeys(t.strip().lower() for t in tags or () if t and t.strip()):
        keys: list[str] = []
        for key in tag_store.iter_member_keys(tenant_id, tag):
            if key not in seen:
                seen.add(key)
                keys.append(key)
            if len(keys) == 100:
                yield from _eligible(store.batch_get(tenant_id, keys), keys)
                keys = []
        if keys:
            yield from _eligible(store.batch_get(tenant_id, keys), keys)
    for contact_id in dict.fromkeys(contact_ids or ()):
        item = store.get_by_id(tenant_id, contact_id)
        if item is not None and item.key not in seen:
            seen.add(item.key)
            yield from _eligible({item.key: item}, [item.key])


def _eligible(found: dict[str, Contact], order: list[str]) -> Iterator[dict[str, Any]]:
    suppressed = _suppressed(found.values())
    for key in order:
        item = found.get(key)
        if item is not None and item.phone and item.opted_out is None and item.phone not in suppressed:
            yield audience_record(item)


def _suppressed(items: Iterable[Contact]) -> set[str]:
    """Phones of these contacts that were erased (LGPD): a suppression hash stays, campaigns skip them."""
    with_phone = [i for i in items if i.phone]
    if not with_phone:
        return set()
    by_hash = {privacy_dom.phone_hash(i.tenant_id, i.phone): i.phone for i in with_phone}
    return {by_hash[h] for h in privacy_store.suppressed(with_phone[0].tenant_id, by_hash)}


def count_audience(tenant_id: str, tags: list[str] | None, contact_ids: list[str] | None) -> int:
    return sum(1 for _ in iter_audience(tenant_id, tags, contact_ids))


# ---------------------------------------------------------------- custom fields
def list_fields(caller: Principal) -> list[CustomField]:
    return store.list_fields(caller.tenant_id)


def add_field(caller: Principal, name: str, type_: str, label: str | None) -> CustomField:
    try:
        dom.check_field_name(name)
    except dom.ContactValueError as exc:
        raise Invalid(str(exc).capitalize() + ".", field="name") from None
    if type_ not in dom.FIELD_TYPES:
        raise Invalid(f"Tipo inválido; use um de: {', '.join(dom.FIELD_TYPES)}.", field="type")
    item = store.add_field(caller.tenant_id, name, type_, (label or name).strip() or name)
    if item is None:
        raise Conflict(f"Já existe um campo chamado {name!r}.")
    return item


def change_field(caller: Principal, name: str, label: str) -> CustomField:
    item = store.change_field(caller.tenant_id, name, label)
    if item is None:
        raise NotFound("Campo não encontrado.")
    return item


def delete_field(caller: Principal, name: str) -> None:
    if not store.delete_field(caller.tenant_id, name):
        raise NotFound("Campo não encontrado.")


def _typed_fields(tenant_id: str, values: dict[str, Any], current: dict[str, Any] | None = None) -> dict[str, Any]:
    defs = store.field_defs(tenant_id)
    merged = dict(current or {})
    for name, raw in values.items():
        definition = defs.get(name)
        if definition is None:
            raise Invalid(f"Campo personalizado {name!r} não existe; crie-o em Campos.", field=f"fields.{name}")
        try:
            value = dom.coerce_field(definition, raw)
        except dom.ContactValueError as exc:
            raise Invalid(str(exc) + ".", field=f"fields.{name}") from None
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    return merged


# ---------------------------------------------------------------- CRUD
def _clean(fn: Callable[[Any], Any], value: Any, field: str) -> Any:
    try:
        return fn(value)
    except dom.ContactValueError as exc:
        raise Invalid(str(exc).capitalize() + ".", field=field) from None


def create(caller: Principal, *, phone: str, name: str | None = None, email: str | None = None,
           tags: list[str] | None = None, fields: dict[str, Any] | None = None, notes: str | None = None,
           source: str = "manual") -> Contact:
    tid = caller.tenant_id
    key = _clean(lambda v: dom.normalize_phone(v, region(tid)), phone, "phone")
    item = store.new_item(tid, key, source=source, name=_clean(dom.clean_name, name, "name"),
                          email=_clean(dom.clean_email, email, "email"), tags=_clean(dom.clean_tags, tags, "tags"),
                          fields=_typed_fields(tid, fields or {}), notes=(notes or "").strip() or None)
    if store.exists(tid, key):
        raise Conflict("Já existe um contato com este telefone.", field="phone")
    plan, limit = contacts_limit(tid)
    if not store.reserve(tid, 1, limit):
        raise limit_reached(plan, "max_contacts", limit)
    if not store.create(item):
        store.release(tid, 1)
        raise Conflict("Já existe um contato com este telefone.", field="phone")
    if item.tags:
        tag_store.add_members(tid, ((t, key) for t in item.tags))
        tag_store.adjust(tid, {t: 1 for t in item.tags})
    return item


def for_phones(caller: Principal, phones: list[str], *, field: str = "phones", source: str = "api"
               ) -> list[Contact]:
    """The contacts of ``phones`` (E.164-normalised as everywhere; each phone once, in the order given): those
    that exist are referenced as they are, the others created bare — counted against the plan's
    ``max_contacts`` all together (none created when they do not all fit). Opted-out contacts are answered
    too: whoever uses them decides (a campaign's audience skips them). 422 names the first invalid phone."""
    tid = caller.tenant_id
    region_ = region(tid)
    keys = list(dict.fromkeys(_clean(lambda v: dom.normalize_phone(v, region_), phone, f"{field}[{i}]")
                              for i, phone in enumerate(phones)))
    found = store.batch_get(tid, keys)
    new = [store.new_item(tid, key, source=source) for key in keys if key not in found]
    if new:
        plan, limit = contacts_limit(tid)
        if not store.reserve(tid, len(new), limit):
            raise limit_reached(plan, "max_contacts", limit or 0)
        with ThreadPoolExecutor(max_workers=8, thread_name_prefix="phones") as pool:
            created = list(pool.map(store.create, new))
        found.update((c.key, c) for c, ok in zip(new, created, strict=True) if ok)
        raced = [c.key for c, ok in zip(new, created, strict=True) if not ok]  # created meanwhile elsewhere
        if raced:
            store.release(tid, len(raced))
            found.update((key, store.get(tid, key, consistent=True)) for key in raced)
    return [found[key] for key in keys if found.get(key) is not None]


def upsert(caller: Principal, *, phone: str, name: Any = _UNSET, email: Any = _UNSET, notes: Any = _UNSET,
           fields: dict[str, Any] | None = None, tags: list[str] | None = None, source: str = "api"
           ) -> tuple[Contact, bool]:
    """The contact of ``phone`` (E.164-normalised as everywhere) created, or updated with what is given;
    answers it and whether it was created. The partner API's "upsert by phone"."""
    tid = caller.tenant_id
    key = _clean(lambda v: dom.normalize_phone(v, region(tid)), phone, "phone")
    existing = store.get(tid, key, consistent=True)
    if existing is None:
        given = {"name": name, "email": email, "notes": notes}
        try:
            return create(caller, phone=phone, tags=tags, fields=fields, source=source,
                          **{k: (None if v is _UNSET else v) for k, v in given.items()}), True
        except Conflict:  # created meanwhile by another request: update it instead
            existing = store.get(tid, key, consistent=True)
            if existing is None:
                raise
    return update(caller, existing.id, name=name, email=email, notes=notes, fields=fields, tags=tags), False


def _by_id(caller: Principal, contact_id: str) -> Contact:
    item = store.get_by_id(caller.tenant_id, contact_id)
    if item is None:
        raise NotFound("Contato não encontrado.")
    return item


def get(caller: Principal, contact_id: str) -> Contact:
    return _by_id(caller, contact_id)


def update(caller: Principal, contact_id: str, *, name: Any = _UNSET, email: Any = _UNSET, notes: Any = _UNSET,
           fields: dict[str, Any] | None = None, tags: list[str] | None = None) -> Contact:
    tid = caller.tenant_id
    item = _by_id(caller, contact_id)
    changes: dict[str, Any] = {}
    if name is not _UNSET:
        changes["name"] = _clean(dom.clean_name, name, "name")
    if email is not _UNSET:
        changes["email"] = _clean(dom.clean_email, email, "email")
    if notes is not _UNSET:
        changes["notes"] = (notes or "").strip() or None
    if fields is not None:
        changes["fields"] = _typed_fields(tid, fields, item.field_values())
    if store.change(tid, item.key, **changes) is None:
        raise NotFound("Contato não encontrado.")
    if tags is not None:
        wanted = set(_clean(dom.clean_tags, tags, "tags"))
        current = set(item.tags)
        _apply_tags(tid, [item.key], sorted(wanted - current), sorted(current - wanted))
    return _by_id(caller, contact_id)


def delete(caller: Principal, contact_id: str) -> None:
    tid = caller.tenant_id
    item = _by_id(caller, contact_id)
    if not store.delete(item):
        raise NotFound("Contato não encontrado.")
    if item.tags:
        tag_store.remove_members(tid, ((t, item.key) for t in item.tags))
        tag_store.adjust(tid, {t: -1 for t in item.tags})
    if item.counted:
        store.release(tid, 1)


def opt_out(caller: Principal, contact_id: str, reason: str | None, *, source: str = "agent") -> Contact:
    """Opt the contact out (``source`` "agent": the app; "api": a partner key); already out: unchanged."""
    item = _by_id(caller, contact_id)
    value = {"at": iso(utcnow()), "reason": (reason or "").strip()[:200] or "pedido do contato",
             "source": source, "by": caller.user_id}
    _opt_out(item, value)
    return _by_id(caller, contact_id)


def opt_in(caller: Principal, contact_id: str) -> Contact:
    item = _by_id(caller, contact_id)
    store.set_opt_out(caller.tenant_id, item.key, None)
    return _by_id(caller, contact_id)


# ---------------------------------------------------------------- listing, search, filters
@dataclass(frozen=True)
class Filter:
    q: str | None = None
    tag: str | None = None
    opted_out: bool | None = None


def _predicate(f: Filter) -> Callable[[Contact], bool]:
    prefixes = dom.search_prefixes(f.q or "")

    def keep(item: Contact) -> bool:
        if f.opted_out is not None and (item.opted_out is not None) != f.opted_out:
            return False
        if f.tag and f.tag not in item.tags:
            return False
        if prefixes:
            return any(t.startswith(p) for t in dom.terms_of(item.name, item.key) for p in prefixes)
        return True

    return keep


def _query(tenant_id: str, f: Filter) -> paging.Query:
    """What a contacts cursor is bound to: the tenant and every filter."""
    return paging.Query(tenant_id, "contacts", {"q": f.q or "", "tag": f.tag or "", "opted_out": f.opted_out})


def iter_filtered(tenant_id: str, f: Filter, start: Any = None) -> Iterator[tuple[Contact, Any]]:
    """(contact, resume key) of the contacts the filter keeps, from the narrowest access path: the tag's
    members, the search terms of ``q``, or everyone A→Z."""
    keep = _predicate(f)
    prefixes = dom.search_prefixes(f.q or "")
    if f.tag:
        source = store.iter_tagged(tenant_id, f.tag, start)
    elif prefixes:
        source = store.iter_matching(tenant_id, prefixes, start)
    else:
        source = store.iter_all(tenant_id, start)
    try:
        for item, resume in source:
            if keep(item):
                yield item, resume
    except ValueError:  # a resume key of another search (cannot pass the signed cursor; defence in depth)
        raise Invalid(paging.BAD_CURSOR, field="cursor") from None


def list_page(caller: Principal, f: Filter, *, cursor: str | None = None, limit: int = 50) -> paging.Page[Contact]:
    limit = paging.clamp(limit, 50, MAX_PAGE)
    query = _query(caller.tenant_id, f)
    found = iter_filtered(caller.tenant_id, f, paging.decode(query, cursor))
    items: list[Contact] = []
    last: Any = None
    for item, resume in found:
        if len(items) == limit:  # one more exists: the page ends at the previous item
            return paging.Page(items, paging.encode(query, last))
        items.append(item)
        last = resume
    return paging.Page(items, None)


def search_any(tenant_id: str, q: str, limit: int) -> list[dict[str, Any]]:
    """Contacts matching ``q`` by any part of the name or phone (the inbox search's contacts section)."""
    return [public(item) for item, _ in islice(iter_filtered(tenant_id, Filter(q=q)), limit)]


# ---------------------------------------------------------------- tags
def list_tags(caller: Principal) -> list[Tag]:
    return [t for t in tag_store.list_tags(caller.tenant_id) if t.count > 0]


def _apply_tags(tenant_id: str, keys: list[str], add: list[str], remove: list[str]) -> dict[str, dict[str, int]]:
    """Exact per-contact tag changes (conditional updates), then memberships and counters for what changed."""
    jobs = [("add", t, k) for t in add for k in keys] + [("remove", t, k) for t in remove for k in keys]

    def run(job: tuple[str, str, str]) -> bool:
        op, tag, key = job
        return (store.add_tag_if_missing if op == "add" else store.remove_tag_if_present)(tenant_id, key, tag)

    with ThreadPoolExecutor(max_workers=8, thread_name_prefix="tags") as pool:
        results = list(pool.map(run, jobs))
    changed = [job for job, ok in zip(jobs, results, strict=True) if ok]
    added = [(t, k) for op, t, k in changed if op == "add"]
    removed = [(t, k) for op, t, k in changed if op == "remove"]
    if added:
        tag_store.add_members(tenant_id, added)
    if removed:
        tag_store.remove_members(tenant_id, removed)
    counts: dict[str, int] = {}
    for tag, _ in added:
        counts[tag] = counts.get(tag, 0) + 1
    for tag, _ in removed:
        counts[tag] = counts.get(tag, 0) - 1
    tag_store.adjust(tenant_id, counts)
    return {"added": {t: sum(1 for x, _ in added if x == t) for t in add},
            "removed": {t: sum(1 for x, _ in removed if x == t) for t in remove}}


def bulk_tags(caller: Principal, *, add: list[str], remove: list[str], ids: list[str] | None,
              f: Filter | None) -> dict[str, Any]:
    tid = caller.tenant_id
    add_tags = _clean(dom.clean_tags, add, "add")
    remove_tags = _clean(dom.clean_tags, remove, "remove")
    if not add_tags and not remove_tags:
        raise Invalid("Informe etiquetas para adicionar ou remover.", field="add")
    if (ids is None) == (f is None):
        raise Invalid("Informe os contatos: ids (seleção) ou filter (filtro atual).", field="ids")
    keys: list[str] = []
    if ids is not None:
        for contact_id in dict.fromkeys(ids):
            item = store.get_by_id(tid, contact_id)
            if item is None:
                raise NotFound(f"Contato {contact_id} não encontrado.")
            keys.append(item.key)
    else:
        for item, _ in iter_filtered(tid, f):  # type: ignore[arg-type]
            keys.append(item.key)
            if len(keys) > MAX_BULK:
                raise Invalid(f"O filtro seleciona mais de {MAX_BULK} contatos; refine-o.", field="filter")
    result = _apply_tags(tid, keys, add_tags, [t for t in remove_tags if t not in add_tags])
    logger.info("bulk tags", extra={"contacts": len(keys), "add": add_tags, "remove": remove_tags})
    return {"matched": len(keys), **result}


# ---------------------------------------------------------------- export
EXPORT_COLUMNS = ("telefone", "nome", "email", "etiquetas", "notas", "origem", "criado_em", "ultima_interacao",
                  "descadastrado_em", "motivo_descadastro")


def export_rows(caller: Principal, f: Filter) -> Iterator[list[str]]:
    defs = list(store.field_defs(caller.tenant_id).values())
    yield [*EXPORT_COLUMNS, *(d.name for d in defs)]
    for item, _ in iter_filtered(caller.tenant_id, f):
        out = item.opt_out_view() or {}
        values = item.field_values()
        yield [item.phone or item.key, item.name or "", item.email or "", ", ".join(sorted(item.tags)),
               item.notes or "", item.source or "", item.created_at or "", item.last_interaction_at or "",
               out.get("at", ""), out.get("reason", ""), *(_text(values.get(d.name)) for d in defs)]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def keys_exist(tenant_id: str, keys: Iterable[str]) -> set[str]:
    return set(store.batch_get(tenant_id, keys))
