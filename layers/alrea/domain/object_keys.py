"""S3 object keys that come from a client (or an event): validated by parsing, never by a prefix test.

``t/<tid>/../<other tid>/x`` starts with the caller's prefix, yet S3 (and any proxy normalising paths) may
resolve it elsewhere; a backslash or a percent-encoding can hide the same trick. A key is accepted only when,
split on ``/``: every segment is non-empty and neither ``.`` nor ``..``, nothing is percent-encoded, no
backslash or control character appears, the tenant segment equals the caller's tenant, the next segments
equal the expected sub-prefix (``outbox/<conversation id>``, ``imports``, …), and a file name follows.
Every place that accepts a key from a client uses :func:`tenant_object_key` (campaign media, chat media sends,
the import notifications).
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from alrea.core.errors import Invalid
from alrea.resources import BUCKET

MAX_KEY_CHARS = 1024  # S3's limit (bytes of UTF-8); characters are a looser bound checked first
_FORBIDDEN = re.compile(r"[\\%\x00-\x1f\x7f]")
ANY_SEGMENT = "*"  # in a sub-prefix: any one (well-formed) segment, e.g. ("outbox", "*")
INVALID_KEY = "Arquivo inválido: envie o arquivo antes de usá-lo."


def key_parts(key: object) -> list[str] | None:
    """The segments of a well-formed key, or None (no empty, ``.``/``..`` segment, backslash, ``%``, control)."""
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_CHARS or len(key.encode()) > MAX_KEY_CHARS:
        return None
    if _FORBIDDEN.search(key):
        return None
    parts = key.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return parts


def parse_tenant_key(key: object, sub_prefix: Sequence[str]) -> tuple[str, str] | None:
    """(tenant id, file name) of ``t/<tid>/<sub_prefix…>/<file>``; None for anything else. A ``*`` segment of
    ``sub_prefix`` matches any one segment."""
    parts = key_parts(key)
    prefix = BUCKET.tenant_prefix.strip("/")
    if parts is None or len(parts) != len(sub_prefix) + 3 or parts[0] != prefix:
        return None
    if any(want != ANY_SEGMENT and got != want for got, want in zip(parts[2:-1], sub_prefix, strict=True)):
        return None
    return parts[1], parts[-1]


def tenant_object_key(key: object, tenant_id: str, *sub_prefixes: Sequence[str],
                      field: str = "key", message: str = INVALID_KEY) -> str:
    """The key, when it names a file under one of ``t/<tenant_id>/<sub_prefix>/``; Invalid otherwise."""
    for sub_prefix in sub_prefixes:
        parsed = parse_tenant_key(key, sub_prefix)
        if parsed is not None and parsed[0] == tenant_id:
            return str(key)
    raise Invalid(message, field=field)
