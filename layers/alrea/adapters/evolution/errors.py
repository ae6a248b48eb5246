"""The one place Evolution's error bodies are normalised into the WhatsApp port's typed errors.

Evolution answers errors as ``{"status", "error", "response": {"message": X}}`` where X is a string, a list of
strings, a list of objects (number not on WhatsApp) or a list of lists (schema validation). ``messages_of``
flattens all of them; ``error_for`` turns a status + body into one of the port's error classes
(alrea.ports.whatsapp), which the adapter raises: services catch the port's errors and never see Evolution.
"""
from __future__ import annotations

from typing import Any

from alrea.ports.whatsapp import (  # noqa: F401 - the port's errors, raised by this adapter
    BadRequest,
    ConnectionClosed,
    EvolutionUnavailable,
    InstanceNameTaken,
    InstanceNotFound,
    NumberNotOnWhatsApp,
    SendOutcomeUnknown,
    Unauthorized,
    WhatsAppError,
)


def messages_of(body: Any) -> list[Any]:
    """Flatten ``response.message`` (string | string[] | object[] | string[][]) into a flat list."""
    if isinstance(body, dict):
        response = body.get("response")
        if isinstance(response, dict) and "message" in response:
            raw: Any = response["message"]
        elif "message" in body:
            raw = body["message"]
        elif "error" in body:
            raw = body["error"]
        else:
            raw = body
    else:
        raw = body
    out: list[Any] = []

    def walk(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                walk(item)
        elif value is not None and value != "":
            out.append(value)

    walk(raw)
    return out


def text_of(messages: list[Any]) -> str:
    parts = [m if isinstance(m, str) else str(m) for m in messages]
    return "; ".join(parts) if parts else "no message"


def is_connection_closed(messages: list[Any]) -> bool:
    return any(isinstance(m, str) and "connection closed" in m.lower() for m in messages)


def not_on_whatsapp(messages: list[Any]) -> dict[str, Any] | None:
    for m in messages:
        if isinstance(m, dict) and m.get("exists") is False:
            return m
    return None


def error_for(status: int, body: Any, *, instance: str = "") -> WhatsAppError:
    """The typed error for a non-2xx Evolution answer (5xx are classified here too; retrying is the caller's)."""
    messages = messages_of(body)
    text = text_of(messages)
    if status == 401:
        return Unauthorized(f"Evolution rejected the apikey: {text}", status=401, messages=messages)
    if status == 404 and any(isinstance(m, str) and "instance does not exist" in m for m in messages):
        return InstanceNotFound(instance, messages=messages)
    if status == 403 and any(isinstance(m, str) and "already in use" in m for m in messages):
        return InstanceNameTaken(instance, messages=messages)
    missing = not_on_whatsapp(messages) if status == 400 else None
    if missing is not None:
        number = str(missing.get("number") or str(missing.get("jid") or "").split("@")[0])
        return NumberNotOnWhatsApp(number, missing.get("jid"))
    if is_connection_closed(messages):
        return ConnectionClosed(f"WhatsApp connection of {instance!r} is closed: {text}", status=status,
                                messages=messages)
    if status >= 500:
        return EvolutionUnavailable(f"Evolution answered {status}: {text}", status=status, messages=messages)
    return BadRequest(f"Evolution answered {status}: {text}", status=status, messages=messages)
