"""Retention per tenant: the DynamoDB ``ttl`` of new messages and the S3 tags of new media objects.

Kept apart from services/privacy.py so the message writers (inbound, inbox sends, notes, media) import only
this small module. The setting is read once a minute per process (a short cache: a change applies to
messages written from then on, within a minute in other functions, at once in the one that saved it).
"""
from __future__ import annotations

import threading
import time
from datetime import datetime

from alrea.core.clock import utcnow
from alrea.domain import privacy as dom
from alrea.store import privacy as store

CACHE_S = 60.0
_cache: dict[str, tuple[float, int | None, int | None]] = {}
_lock = threading.Lock()


def days(tenant_id: str) -> tuple[int | None, int | None]:
    """(messages_days, media_days) of the tenant; None = kept until erased."""
    now = time.monotonic()
    with _lock:
        hit = _cache.get(tenant_id)
    if hit and now - hit[0] < CACHE_S:
        return hit[1], hit[2]
    s = store.settings(tenant_id)
    value = (s.messages_days, s.media_days)
    with _lock:
        _cache[tenant_id] = (now, *value)
    return value


def forget(tenant_id: str) -> None:
    with _lock:
        _cache.pop(tenant_id, None)


def message_ttl(tenant_id: str, now: datetime | None = None) -> int | None:
    """The ``ttl`` attribute (epoch seconds) a message written now gets; None when messages are kept."""
    return dom.expires_at(now or utcnow(), days(tenant_id)[0])


def media_tags(tenant_id: str) -> dict[str, str]:
    """Object tags of a media object stored now (``retention=<days>``; none when media is kept)."""
    return dom.media_tags(days(tenant_id)[1])
