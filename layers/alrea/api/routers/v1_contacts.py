"""/v1/contacts: partners read (``contacts:read``) and write (``contacts:write``) the tenant's contacts —
list and search, get, upsert by phone, patch, tag/untag, opt-out/opt-in. The JSON is /api/contacts's."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from alrea.api.partner import RESPONSES, IdempotencyKey, PartnerKey, as_principal, idempotent
from alrea.api.routers.contacts import ContactIn, ContactPatch, Cursor, Limit, OptedOut, OptOutIn, Search, Tag, TagQ, \
    filter_of
from alrea.api.routers.schemas import Body, examples
from alrea.services import contacts

router = APIRouter(prefix="/v1/contacts", tags=["contacts"], responses=RESPONSES)
Reader = PartnerKey("contacts:read")
Writer = PartnerKey("contacts:write")
CONFLICT = {409: {"description": "A request with this Idempotency-Key is still running."}}


class TagsIn(Body):
    model_config = examples({"add": ["vip"], "remove": ["lead"]})

    add: list[Tag] = []
    remove: list[Tag] = []


@router.get("")
def list_contacts(key: Reader, q: str | None = Search, tag: str | None = TagQ, opted_out: bool | None = OptedOut,
                  limit: int = Limit, cursor: str | None = Cursor) -> dict[str, Any]:
    return contacts.list_page(as_principal(key), filter_of(q, tag, opted_out), cursor=cursor,
                              limit=limit).as_json(contacts.public)


@router.post("", responses={200: {"description": "The phone's contact existed and was updated."}, **CONFLICT},
             status_code=201)
def upsert_contact(body: ContactIn, key: Writer, response: Response,
                   idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    """Creates the contact of ``phone`` (201) or updates it with the fields given (200)."""
    def work() -> dict[str, Any]:
        given = {k: getattr(body, k) for k in ("name", "email", "notes") if k in body.model_fields_set}
        contact, created = contacts.upsert(as_principal(key), phone=body.phone, fields=body.fields or None,
                                           tags=body.tags if "tags" in body.model_fields_set else None, **given)
        return {**contacts.public(contact), "created": created}

    answer = idempotent(key, idempotency_key, "POST /v1/contacts", body.model_dump(mode="json"), work)
    response.status_code = 201 if answer["created"] else 200
    return answer


@router.get("/{contact_id}")
def get_contact(contact_id: str, key: Reader) -> dict[str, Any]:
    return contacts.public(contacts.get(as_principal(key), contact_id))


@router.patch("/{contact_id}")
def update_contact(contact_id: str, body: ContactPatch, key: Writer) -> dict[str, Any]:
    changes = {k: getattr(body, k) for k in ("name", "email", "notes") if k in body.model_fields_set}
    return contacts.public(contacts.update(as_principal(key), contact_id, fields=body.fields, tags=body.tags,
                                           **changes))


@router.post("/{contact_id}/tags", responses=CONFLICT)
def tag_contact(contact_id: str, body: TagsIn, key: Writer, idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        caller = as_principal(key)
        contacts.get(caller, contact_id)  # 404 for another tenant's contact
        contacts.bulk_tags(caller, add=body.add, remove=body.remove, ids=[contact_id], f=None)
        return contacts.public(contacts.get(caller, contact_id))

    return idempotent(key, idempotency_key, f"POST /v1/contacts/{contact_id}/tags", body.model_dump(), work)


@router.post("/{contact_id}/opt-out", responses=CONFLICT)
def opt_out(contact_id: str, body: OptOutIn, key: Writer, idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    return idempotent(key, idempotency_key, f"POST /v1/contacts/{contact_id}/opt-out", body.model_dump(),
                      lambda: contacts.public(contacts.opt_out(as_principal(key), contact_id, body.reason,
                                                               source="api")))


@router.post("/{contact_id}/opt-in", responses=CONFLICT)
def opt_in(contact_id: str, key: Writer, idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    return idempotent(key, idempotency_key, f"POST /v1/contacts/{contact_id}/opt-in", {},
                      lambda: contacts.public(contacts.opt_in(as_principal(key), contact_id)))
