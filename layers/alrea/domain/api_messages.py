"""Messages partners send through ``POST /v1/messages``: accepted at once (202), sent by the inbox's ordered
chat-send path, read back by id.

A partner's message is first an *accepted send* (``ApiSend``): what the request asked for, the conversation it
goes to (decided at acceptance from the number and the phone) and where its inbox message will be stored. The
chat-send worker writes the inbox message (``source="api"``) and sends it; from then on the message's own status
answers ``GET /v1/messages/{id}``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

QUEUED = "queued"
FAILED = "failed"
# an inbox message's status as partners read it: "pending" (stored, not yet handed to WhatsApp) is still queued
PUBLIC_STATUS = {"pending": QUEUED}
STATUSES = ("queued", "sent", "delivered", "read", "failed", "unknown")
OPTED_OUT = "Este contato pediu para não receber mensagens (opt-out); nada foi enviado."
NO_NUMBER = "Nenhum número de WhatsApp conectado; conecte um número ou informe number_id."
NUMBER_OFFLINE = "Este número de WhatsApp não está conectado."


@dataclass(frozen=True)
class ApiSend:
    id: str  # the inbox message's id too
    tenant_id: str
    instance_id: str
    conversation_id: str
    message_sk: str
    key_id: str
    created_at: str
    status: str = QUEUED  # queued until the worker stores the inbox message; failed if it never could
    failure_reason: str | None = None
    ttl: int | None = None


def public_status(status: str) -> str:
    return PUBLIC_STATUS.get(status, status)


def view(send: ApiSend, message: Any = None, phone: str | None = None) -> dict[str, Any]:
    """The ``/v1/messages/{id}`` answer: the accepted send, and once stored, its inbox message's status."""
    answer: dict[str, Any] = {"id": send.id, "status": send.status, "number_id": send.instance_id,
                              "conversation_id": send.conversation_id, "created_at": send.created_at,
                              "status_at": None, "failure_reason": send.failure_reason, "to": phone}
    if message is not None:
        answer.update(status=public_status(message.status), status_at=message.status_at,
                      failure_reason=message.failure_reason, kind=message.kind, text=message.text)
    return answer
