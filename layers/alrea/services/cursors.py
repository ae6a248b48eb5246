"""Opaque "continue below this sort key" cursors: base64url of ``{field: key}``, checked against the key's shape.

A cursor never carries a partition value (the partition is always the caller's), so it cannot page into another
tenant's data; a malformed or foreign-shaped cursor answers 400.
"""
from __future__ import annotations

import base64
import binascii
import json
import re

from alrea.core.errors import Invalid

BAD_CURSOR = "Cursor de paginação inválido."


def encode(field: str, key: str | None) -> str | None:
    if not key:
        return None
    return base64.urlsafe_b64encode(json.dumps({field: key}).encode()).decode().rstrip("=")


def decode(cursor: str | None, field: str, shape: re.Pattern[str]) -> str | None:
    if not cursor:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise Invalid(BAD_CURSOR, field="cursor") from None
    key = data.get(field) if isinstance(data, dict) else None
    if not isinstance(key, str) or not shape.match(key):
        raise Invalid(BAD_CURSOR, field="cursor")
    return key
