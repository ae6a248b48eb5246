"""Hook points other product modules listen on, without the inbound pipeline knowing them.

The inbound processor emits facts after it stored them: a message was stored (or deleted), a sent message's
status moved, an instance's connection changed. Modules register a listener by adding its dotted path to a list below
(one line each), so every listener is visible here. A failing listener raises: the queued webhook is retried
(all store writes are idempotent), and after the queue's max receive count it lands in the DLQ.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import Any, Callable

from alrea.core.log import logger


@dataclass(frozen=True)
class MessageStored:
    tenant_id: str
    instance_id: str
    conversation_id: str
    wamid: str
    direction: str  # "in" | "out"
    kind: str
    text: str | None
    at: str  # ISO time of the message (messageTimestamp)
    contact_key: str | None  # E.164 phone of the 1:1 peer (or the LID when unresolved)
    is_group: bool
    message: dict[str, Any] = field(default_factory=dict)  # the stored message's view
    # the 1:1 peer as the pipeline read it before storing (domain.conversations.ContactSeen; None: not read)
    contact: Any = None
    # the pipeline already moved the peer's last interaction and their search terms match their name
    contact_synced: bool = False


@dataclass(frozen=True)
class MessageDeleted:
    tenant_id: str
    instance_id: str
    conversation_id: str
    wamid: str
    message: dict[str, Any] = field(default_factory=dict)  # the message's view (text still in it)


@dataclass(frozen=True)
class StatusChanged:
    tenant_id: str
    instance_id: str
    wamid: str
    status: str  # sent | delivered | read | played | failed
    rank: int
    at: str
    known_message: bool  # False when no inbox message exists for the id (e.g. a campaign send)


@dataclass(frozen=True)
class ConnectionChanged:
    tenant_id: str
    instance_id: str
    state: str
    dropped: bool
    status_reason: int | None = None


# "package.module:function" — one line per listener
ON_MESSAGE_STORED: list[str] = [
    "alrea.services.profile_pics:request_fetch",
    "alrea.services.contacts:on_message_stored",
    "alrea.services.campaign_events:on_message_stored",
]
ON_MESSAGE_DELETED: list[str] = [
    "alrea.services.search:on_message_deleted",
]
ON_STATUS_CHANGED: list[str] = [
    "alrea.services.campaign_events:on_status_changed",
]
ON_CONNECTION_CHANGED: list[str] = [
    "alrea.services.campaign_events:on_connection_changed",
]


@cache
def _resolve(path: str) -> Callable[[Any], None]:
    module, _, name = path.partition(":")
    return getattr(import_module(module), name)


def _emit(listeners: list[str], fact: Any) -> None:
    for path in listeners:
        logger.debug("hook", extra={"listener": path, "fact": type(fact).__name__})
        _resolve(path)(fact)


def message_stored(fact: MessageStored) -> None:
    _emit(ON_MESSAGE_STORED, fact)


def message_deleted(fact: MessageDeleted) -> None:
    _emit(ON_MESSAGE_DELETED, fact)


def status_changed(fact: StatusChanged) -> None:
    _emit(ON_STATUS_CHANGED, fact)


def connection_changed(fact: ConnectionChanged) -> None:
    _emit(ON_CONNECTION_CHANGED, fact)
