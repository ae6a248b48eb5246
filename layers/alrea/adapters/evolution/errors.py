"""Typed errors of the WhatsApp port, and the one place Evolution's error bodies are normalised.

Evolution answers errors as ``{"status", "error", "response": {"message": X}}`` where X is a string, a list of
strings, a list of objects (number not on WhatsApp) or a list of lists (schema validation). ``messages_of``
flattens all of them; ``error_for`` turns a status + body into one of the classes below.

Pure Python on purpose: the port (alrea.ports.whatsapp) re-exports these, so services catch them without
knowing about httpx or Evolution.
"""
from __future__ import annotations

from typing import Any


class WhatsAppError(Exception):
    """Base of every error the WhatsApp port raises."""

    def __init__(self, message: str, *, status: int | None = None, messages: list[Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.messages: list[Any] = list(messages or [])


class NumberNotOnWhatsApp(WhatsAppError):
    """The number has no WhatsApp account (Evolution 400 ``[{"jid","exists":false,"number"}]``)."""

    def __init__(self, number: str, jid: str | None = None, *, status: int | None = 400) -> None:
        super().__init__(f"number {number} is not on WhatsApp", status=status,
                         messages=[{"jid": jid, "exists": False, "number": number}])
        self.number = number
        self.jid = jid


class InstanceNotFound(WhatsAppError):
    """Evolution does not know the instance name (404, checked before auth)."""

    def __init__(self, instance: str, *, messages: list[Any] | None = None) -> None:
        super().__init__(f"instance {instance!r} does not exist at Evolution", status=404, messages=messages)
        self.instance = instance


class InstanceNameTaken(WhatsAppError):
    """``/instance/create`` with a name already in use (403)."""

    def __init__(self, instance: str, *, messages: list[Any] | None = None) -> None:
        super().__init__(f"instance name {instance!r} is already in use", status=403, messages=messages)
        self.instance = instance


class Unauthorized(WhatsAppError):
    """Missing or wrong ``apikey`` (401): a configuration problem, never retried."""


class BadRequest(WhatsAppError):
    """Evolution rejected the request (4xx other than the cases above): not retried."""


class EvolutionUnavailable(WhatsAppError):
    """Evolution could not be reached or kept failing (5xx, timeouts, connection errors) after the retries.

    Nothing was sent when this is raised by a send: retrying later is safe.
    """


class ConnectionClosed(EvolutionUnavailable):
    """The instance's WhatsApp socket is down (``Connection Closed``): reconnect the number, then retry.

    A subclass of EvolutionUnavailable because the consequence is the same (nothing went out, try later).
    """


class SendOutcomeUnknown(WhatsAppError):
    """A send left this process but no answer came back (read timeout, 5xx that may have sent, dropped reply).

    WhatsApp may or may not have delivered it. Never resend blindly: reconcile through the ``send.message`` /
    ``messages.update`` webhooks (or mark the recipient for review).
    """


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
