"""/api/conversations: the shared inbox — scoped lists, a conversation's messages, assignment, transfer,
close/reopen, read, sending (text, media by presigned upload), retry of a failed send and internal notes."""
from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from alrea.api.deps import CurrentUser
from alrea.api.routers.schemas import Body
from alrea.services import chat_send, conversation_contact, inbox, message_actions
from alrea.services.conversation_contact import MAX_TAGS

router = APIRouter(prefix="/api/conversations", tags=["conversations"])

Limit = Query(50, ge=1, le=inbox.MAX_LIMIT, description="page size (1..100)")
Cursor = Query(None, max_length=2048, description="next_cursor of the previous page")


@router.get("")
def list_conversations(caller: CurrentUser, limit: int = Limit, cursor: str | None = Cursor,
                       status: Literal["open", "pending", "closed"] | None = Query(None),
                       department_id: str | None = Query(None, max_length=64),
                       assigned_user_id: str | None = Query(None, max_length=64, description='uuid, "me" or "none"'),
                       unread: bool = Query(False), instance_id: str | None = Query(None, max_length=64),
                       q: str | None = Query(None, max_length=80),
                       view: Literal["inbox"] | None = Query(None, description='"inbox": queue + my open chats'),
                       sort: Literal["newest", "oldest"] = Query("newest"),
                       mood: Literal["neg", "neu", "pos"] | None = Query(
                           None, description='Sense: "neg" = clientes insatisfeitos')) -> dict[str, Any]:
    return inbox.list_page(caller, limit=limit, cursor=cursor, status=status, department_id=department_id,
                           assigned_user_id=assigned_user_id, unread=unread, instance_id=instance_id, q=q,
                           view=view, sort=sort, mood=mood)


@router.get("/counts")
def counts(caller: CurrentUser) -> dict[str, Any]:
    return inbox.counts(caller)


@router.get("/{conversation_id}")
def get_conversation(conversation_id: str, caller: CurrentUser) -> dict[str, Any]:
    return inbox.get_conversation(caller, conversation_id)


@router.get("/{conversation_id}/messages")
def list_messages(conversation_id: str, caller: CurrentUser, limit: int = Limit,
                  cursor: str | None = Cursor) -> dict[str, Any]:
    return inbox.messages_page(caller, conversation_id, limit=limit, cursor=cursor)


class AssignIn(Body):
    user_id: str | None = Field(default=None, max_length=64)


class TransferIn(Body):
    department_id: str = Field(min_length=1, max_length=64)
    user_id: str | None = Field(default=None, max_length=64)


class MediaIn(Body):
    key: str = Field(min_length=1, max_length=512)
    mimetype: str = Field(min_length=3, max_length=120, pattern=r"^[\w.+-]+/[\w.+-]+")
    file_name: str | None = Field(default=None, max_length=200)
    caption: str | None = Field(default=None, max_length=chat_send.MAX_TEXT)
    ptt: bool = Field(default=False, description="an audio recorded in the browser: sent as a voice note")


class SendIn(Body):
    text: str | None = Field(default=None, max_length=chat_send.MAX_TEXT)
    media: MediaIn | None = None
    reply_to: str | None = Field(default=None, min_length=1, max_length=64)


class ReactionIn(Body):
    emoji: str = Field(max_length=message_actions.MAX_EMOJI)


class TagsIn(Body):
    tags: list[str] = Field(max_length=MAX_TAGS)


class ContactEditIn(Body):
    name: str | None = Field(default=None, max_length=200)
    notes: str | None = Field(default=None, max_length=1000)
    fields: dict[str, str | int | float | None] | None = None
    tags: list[str] | None = Field(default=None, max_length=MAX_TAGS)


class UploadIn(Body):
    file_name: str = Field(min_length=1, max_length=200)
    mimetype: str = Field(min_length=3, max_length=120, pattern=r"^[\w.+-]+/[\w.+-]+")
    size: int = Field(gt=0)


class NoteIn(Body):
    text: str = Field(min_length=1, max_length=inbox.MAX_NOTE)


@router.post("/{conversation_id}/read")
def read(conversation_id: str, caller: CurrentUser) -> dict[str, Any]:
    return inbox.mark_read(caller, conversation_id)


@router.post("/{conversation_id}/assign")
def assign(conversation_id: str, body: AssignIn, caller: CurrentUser) -> dict[str, Any]:
    return inbox.assign(caller, conversation_id, body.user_id)


@router.post("/{conversation_id}/transfer")
def transfer(conversation_id: str, body: TransferIn, caller: CurrentUser) -> dict[str, Any]:
    return inbox.transfer(caller, conversation_id, body.department_id, body.user_id)


@router.post("/{conversation_id}/close")
def close(conversation_id: str, caller: CurrentUser) -> dict[str, Any]:
    return inbox.close(caller, conversation_id)


@router.post("/{conversation_id}/reopen")
def reopen(conversation_id: str, caller: CurrentUser) -> dict[str, Any]:
    return inbox.reopen(caller, conversation_id)


@router.post("/{conversation_id}/uploads", status_code=201)
def upload(conversation_id: str, body: UploadIn, caller: CurrentUser) -> dict[str, Any]:
    return chat_send.create_upload(caller, conversation_id, file_name=body.file_name, mimetype=body.mimetype,
                                   size=body.size)


@router.post("/{conversation_id}/messages", status_code=202)
def send(conversation_id: str, body: SendIn, caller: CurrentUser) -> dict[str, Any]:
    return chat_send.compose(caller, conversation_id, text=body.text,
                             media=body.media.model_dump() if body.media else None, reply_to=body.reply_to)


@router.post("/{conversation_id}/messages/{message_id}/reaction")
def react(conversation_id: str, message_id: str, body: ReactionIn, caller: CurrentUser) -> dict[str, Any]:
    return message_actions.react(caller, conversation_id, message_id, body.emoji)


@router.put("/{conversation_id}/tags")
def set_tags(conversation_id: str, body: TagsIn, caller: CurrentUser) -> dict[str, Any]:
    return conversation_contact.set_tags(caller, conversation_id, body.tags)


@router.get("/{conversation_id}/contact")
def get_contact(conversation_id: str, caller: CurrentUser) -> dict[str, Any]:
    return conversation_contact.get_contact(caller, conversation_id)


@router.patch("/{conversation_id}/contact")
def edit_contact(conversation_id: str, body: ContactEditIn, caller: CurrentUser) -> dict[str, Any]:
    changes = {k: getattr(body, k) for k in ("name", "notes", "fields", "tags") if k in body.model_fields_set}
    return conversation_contact.edit_contact(caller, conversation_id, **changes)


@router.post("/{conversation_id}/messages/{message_id}/retry", status_code=202)
def retry(conversation_id: str, message_id: str, caller: CurrentUser) -> dict[str, Any]:
    return chat_send.retry(caller, conversation_id, message_id)


@router.post("/{conversation_id}/notes", status_code=201)
def note(conversation_id: str, body: NoteIn, caller: CurrentUser) -> dict[str, Any]:
    return inbox.add_note(caller, conversation_id, body.text)
