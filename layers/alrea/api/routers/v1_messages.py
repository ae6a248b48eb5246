"""/v1/messages: partners send WhatsApp messages (``messages:send``) and read their status
(``messages:read``); /v1/media: a presigned upload for a file to send (services/api_messages.py)."""
from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import Field

from alrea.api.partner import RESPONSES, IdempotencyKey, PartnerKey, idempotent
from alrea.api.routers.schemas import Body, examples
from alrea.services import api_messages
from alrea.services.chat_send import MAX_TEXT

router = APIRouter(tags=["messages"], responses=RESPONSES)
Sender = PartnerKey("messages:send")
Reader = PartnerKey("messages:read")
SEND_ERRORS: dict[int | str, dict[str, Any]] = {
    409: {"description": "`opted_out`: the phone asked not to be messaged (nothing is sent); `no_number`: no "
                         "WhatsApp number is connected; `conflict`: this Idempotency-Key is still running."}}


class MediaIn(Body):
    kind: Literal["image", "video", "audio", "document"]
    key: str | None = Field(default=None, max_length=512, description="from POST /v1/media")
    url: str | None = Field(default=None, max_length=2000, description="an https URL WhatsApp downloads")
    caption: str | None = Field(default=None, max_length=MAX_TEXT, description="shown under an image, video "
                                                                                "or document")
    mimetype: str | None = Field(default=None, max_length=120, pattern=r"^[\w.+-]+/[\w.+-]+$")
    file_name: str | None = Field(default=None, max_length=200)


class MessageIn(Body):
    model_config = examples({"to": "+5511912345678", "text": "Olá, Maria! Seu pedido 1234 saiu para entrega."},
                            {"to": "+5511912345678", "media": {"kind": "image", "url": "https://example.com/promo.jpg",
                                                               "caption": "Nossa oferta da semana"}})

    to: str = Field(min_length=3, max_length=40, description="the phone, E.164 (national numbers: the "
                                                             "tenant's country)")
    text: str | None = Field(default=None, max_length=MAX_TEXT)
    media: MediaIn | None = None
    number_id: str | None = Field(default=None, max_length=64, description="the WhatsApp number to send from "
                                                                           "(default: the oldest connected)")


class UploadIn(Body):
    model_config = examples({"file_name": "catalogo.pdf", "mimetype": "application/pdf", "size": 482113})

    file_name: str = Field(min_length=1, max_length=200)
    mimetype: str = Field(min_length=3, max_length=120, pattern=r"^[\w.+-]+/[\w.+-]+$")
    size: int = Field(gt=0, le=2**31)


@router.post("/v1/messages", status_code=202, responses=SEND_ERRORS)
def send_message(body: MessageIn, key: Sender, idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    """Queues a message to ``to`` (text, or media with an optional caption); it appears in the inbox as sent
    by the API key, in order with the agents' messages of the same chat. Answers 202 with its id."""
    def work() -> dict[str, Any]:
        return api_messages.accept(key, to=body.to, text=body.text, number_id=body.number_id,
                                   media=body.media.model_dump() if body.media else None)

    return idempotent(key, idempotency_key, "POST /v1/messages", body.model_dump(), work)


@router.get("/v1/messages/{message_id}")
def get_message(message_id: str, key: Reader) -> dict[str, Any]:
    """The message's status: queued, sent, delivered, read, failed (with ``failure_reason``) or unknown (the
    gateway did not answer; it is reconciled when WhatsApp echoes it)."""
    return api_messages.status(key, message_id)


@router.post("/v1/media", status_code=201)
def upload_media(body: UploadIn, key: Sender) -> dict[str, Any]:
    """A presigned URL to PUT a file to (15 minutes, with the given Content-Type), then send it with
    ``media.key``."""
    return api_messages.create_upload(key, file_name=body.file_name, mimetype=body.mimetype, size=body.size)
