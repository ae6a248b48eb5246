"""/api/contacts: contacts, search and filters, tags in bulk, opt-out, custom fields, CSV import and export."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field, StringConstraints

from alrea.api import downloads
from alrea.api.deps import AdminUser, CurrentUser, ManagerOrAdmin
from alrea.api.routers.schemas import Body, Id, examples, items_json
from alrea.services import campaigns, contacts, contacts_export, contacts_import, privacy

router = APIRouter(prefix="/api/contacts", tags=["contacts"])

Text = Annotated[str, StringConstraints(max_length=1000)]
Short = Annotated[str, StringConstraints(max_length=200)]
Tag = Annotated[str, StringConstraints(max_length=60)]
Limit = Query(50, ge=1, le=contacts.MAX_PAGE, description="page size")
Cursor = Query(None, max_length=4096, description="next_cursor of the previous page")
Search = Query(None, max_length=120, description="name prefix or phone prefix")
TagQ = Query(None, max_length=60, description="only contacts with this tag")
OptedOut = Query(None, description="true: only opted-out contacts; false: only reachable ones")
FieldValue = str | int | float | None


class ContactIn(Body):
    model_config = examples({"phone": "+5511912345678", "name": "Maria Souza", "email": "maria@example.com",
                             "tags": ["cliente", "sp"], "fields": {"cidade": "São Paulo"}})

    phone: Short
    name: Short | None = None
    email: Short | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=50)
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    notes: Text | None = None


class ContactPatch(Body):
    model_config = examples({"name": "Maria S. Souza", "fields": {"plano": "ouro"}})

    name: Short | None = None
    email: Short | None = None
    tags: list[Tag] | None = Field(default=None, max_length=50)
    fields: dict[str, FieldValue] | None = None
    notes: Text | None = None


class FilterIn(Body):
    q: Annotated[str, StringConstraints(max_length=120)] | None = None
    tag: Tag | None = None
    opted_out: bool | None = None


class BulkTagsIn(Body):
    add: list[Tag] = Field(default_factory=list, max_length=20)
    remove: list[Tag] = Field(default_factory=list, max_length=20)
    ids: list[Id] | None = Field(default=None, max_length=5000)
    filter: FilterIn | None = None


class OptOutIn(Body):
    model_config = examples({"reason": "pediu para sair pelo SAC"})

    reason: Short | None = None


class FieldIn(Body):
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)]
    type: Literal["text", "number", "date"]
    label: Short | None = None


class FieldPatch(Body):
    label: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]


Target = Annotated[str, StringConstraints(max_length=60)]


class ImportIn(Body):
    file_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    size: int = Field(ge=0)
    mapping: dict[Annotated[str, StringConstraints(max_length=200)], Target] | None = Field(default=None,
                                                                                               max_length=200)


class Page(BaseModel):
    items: list[dict[str, Any]]
    next_cursor: str | None = None


def filter_of(q: str | None, tag: str | None, opted_out: bool | None) -> contacts.Filter:
    return contacts.Filter(q=q or None, tag=(tag or "").strip().lower() or None, opted_out=opted_out)


# -------------------------------------------------------------------- fixed paths first (before /{contact_id})
@router.get("/fields")
def list_fields(caller: CurrentUser) -> dict[str, Any]:
    return items_json(contacts.list_fields(caller), contacts.field_json)


@router.post("/fields", status_code=201)
def add_field(body: FieldIn, caller: ManagerOrAdmin) -> dict[str, Any]:
    return contacts.field_json(contacts.add_field(caller, body.name, body.type, body.label))


@router.patch("/fields/{name}")
def change_field(name: str, body: FieldPatch, caller: ManagerOrAdmin) -> dict[str, Any]:
    return contacts.field_json(contacts.change_field(caller, name, body.label))


@router.delete("/fields/{name}", status_code=204)
def delete_field(name: str, caller: ManagerOrAdmin) -> Response:
    contacts.delete_field(caller, name)
    return Response(status_code=204)


@router.get("/tags")
def list_tags(caller: CurrentUser) -> dict[str, Any]:
    return items_json(contacts.list_tags(caller), contacts.tag_json)


@router.post("/tags")
def bulk_tags(body: BulkTagsIn, caller: CurrentUser) -> dict[str, Any]:
    f = filter_of(body.filter.q, body.filter.tag, body.filter.opted_out) if body.filter else None
    return contacts.bulk_tags(caller, add=body.add, remove=body.remove, ids=body.ids, f=f)


@router.get("/export.csv")
def export_csv(caller: CurrentUser, q: str | None = Search, tag: str | None = TagQ,
               opted_out: bool | None = OptedOut) -> StreamingResponse:
    return StreamingResponse(contacts_export.csv_chunks(caller, filter_of(q, tag, opted_out)),
                             media_type="text/csv; charset=utf-8",
                             headers=downloads.attachment("contatos.csv"))


@router.post("/imports", status_code=201)
def create_import(body: ImportIn, caller: ManagerOrAdmin) -> dict[str, Any]:
    return contacts_import.create(caller, file_name=body.file_name, size=body.size, mapping=body.mapping)


@router.get("/imports/{import_id}")
def get_import(import_id: str, caller: ManagerOrAdmin) -> dict[str, Any]:
    job = contacts_import.get(caller, import_id)
    return {"id": job.id, "file_name": job.file_name, "size": job.size, "status": job.status,
            "mapping": job.mapping, "counts": job.counts, "reasons": job.reasons, "bytes_read": job.bytes_read,
            "message": job.message, "created_at": job.created_at, "started_at": job.started_at,
            "finished_at": job.finished_at, "error_report_url": contacts_import.error_report_url(job)}


# -------------------------------------------------------------------- contacts
@router.get("", response_model=Page)
def list_contacts(caller: CurrentUser, q: str | None = Search, tag: str | None = TagQ,
                  opted_out: bool | None = OptedOut, limit: int = Limit, cursor: str | None = Cursor) -> dict:
    return contacts.list_page(caller, filter_of(q, tag, opted_out), cursor=cursor, limit=limit).as_json(
        contacts.with_avatar)


@router.post("", status_code=201)
def create_contact(body: ContactIn, caller: CurrentUser) -> dict[str, Any]:
    return contacts.public(contacts.create(caller, phone=body.phone, name=body.name, email=body.email,
                                           tags=body.tags, fields=body.fields, notes=body.notes, source="manual"))


@router.get("/{contact_id}")
def get_contact(contact_id: str, caller: CurrentUser) -> dict[str, Any]:
    return contacts.with_avatar(contacts.get(caller, contact_id))


@router.get("/{contact_id}/campaigns")
def contact_campaigns(contact_id: str, caller: CurrentUser) -> dict[str, Any]:
    return items_json(campaigns.received_by(caller, contacts.get(caller, contact_id).phone), lambda i: i)


@router.patch("/{contact_id}")
def update_contact(contact_id: str, body: ContactPatch, caller: CurrentUser) -> dict[str, Any]:
    changes = {k: getattr(body, k) for k in ("name", "email", "notes") if k in body.model_fields_set}
    return contacts.public(contacts.update(caller, contact_id, fields=body.fields, tags=body.tags, **changes))


@router.delete("/{contact_id}", status_code=204)
def delete_contact(contact_id: str, caller: ManagerOrAdmin) -> Response:
    contacts.delete(caller, contact_id)
    return Response(status_code=204)


@router.post("/{contact_id}/opt-out")
def opt_out(contact_id: str, body: OptOutIn, caller: CurrentUser) -> dict[str, Any]:
    return contacts.public(contacts.opt_out(caller, contact_id, body.reason))


@router.post("/{contact_id}/opt-in")
def opt_in(contact_id: str, caller: CurrentUser) -> dict[str, Any]:
    return contacts.public(contacts.opt_in(caller, contact_id))


@router.post("/{contact_id}/erase")
def erase(contact_id: Id, caller: AdminUser) -> dict[str, Any]:
    """LGPD erasure: the contact, their conversations, messages, files and campaign rows (services/privacy)."""
    return privacy.erase_contact(caller, contact_id)
