"""Inbox reads: a tenant's conversations by latest activity, and a conversation's messages newest first.

The tenant comes from the caller's verified token only. Cursors are opaque (base64url of the store's key) and
checked against the caller's own partition, so a cursor can never page into another tenant's data.
Role scoping and filters live in alrea.services.inbox (a conversation out of scope answers 404).
"""
from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from alrea.core.errors import Invalid
from alrea.domain.roles import Principal
from alrea.services.cursors import BAD_CURSOR

MAX_LIMIT = 100
NOT_FOUND = "Conversa não encontrada."


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, expected: dict[str, str], allowed: set[str]) -> dict[str, Any] | None:
    """The store key inside a cursor, if its partition values are exactly the caller's; else Invalid."""
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise Invalid(BAD_CURSOR) from None
    if (not isinstance(key, dict) or set(key) != allowed
            or not all(isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str) for v in key.values())
            or any(key[name]["S"] != value for name, value in expected.items())):
        raise Invalid(BAD_CURSOR)
    return key


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit deve estar entre 1 e {MAX_LIMIT}.")
    return limit


def list_conversations(caller: Principal, *, limit: int = 50, cursor: str | None = None, **filters: Any
                       ) -> dict[str, Any]:
    """Role-scoped, filtered, newest activity first (see alrea.services.inbox)."""
    from alrea.services import inbox

    return inbox.list_conversations(caller, inbox.Filters(**filters), limit=_limit(limit), cursor=cursor)


def get_conversation(caller: Principal, conversation_id: str) -> dict[str, Any]:
    from alrea.services import inbox

    return inbox.get_conversation(caller, conversation_id)


def list_messages(caller: Principal, conversation_id: str, *, limit: int = 50, cursor: str | None = None
                  ) -> dict[str, Any]:
    from alrea.services import inbox

    return inbox.list_messages(caller, conversation_id, limit=_limit(limit), cursor=cursor)
