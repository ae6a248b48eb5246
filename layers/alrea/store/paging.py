"""The one paging codec of every list: opaque, bound to the tenant and the query, tamper-evident.

A list operation of the store reads one page and answers ``Page(items, next_cursor)``. The cursor is the store
key to continue after (``LastEvaluatedKey`` or an index sort key), serialised and signed with ``itsdangerous``
under a key derived from the JWT secret, salted with the tenant and the query that produced it: a cursor
altered by hand, replayed by another tenant or handed to another list (or the same list with other filters)
fails its signature and answers 422 — it can never page into data the caller's query would not reach.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from itsdangerous import BadData, URLSafeSerializer

from alrea.core import secrets
from alrea.core.errors import Invalid

T = TypeVar("T")
U = TypeVar("U")

BAD_CURSOR = "Cursor de paginação inválido."
MAX_LIMIT = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None = None

    def map(self, fn: Callable[[T], U]) -> Page[U]:
        return Page([fn(i) for i in self.items], self.next_cursor)

    def as_json(self, shape: Callable[[T], Any] = lambda i: i) -> dict[str, Any]:
        """The one response shape of every list: ``{"items": [...], "next_cursor": str | null}``."""
        return {"items": [shape(i) for i in self.items], "next_cursor": self.next_cursor}


@dataclass(frozen=True)
class Query:
    """What a cursor is bound to: the tenant, the list's name and every filter that shapes it."""

    tenant_id: str
    name: str
    filters: Mapping[str, Any] = field(default_factory=dict)

    def salt(self) -> str:
        parts = [self.tenant_id, self.name, *(f"{k}={self.filters[k]}" for k in sorted(self.filters))]
        return "|".join(str(p) for p in parts)


def _serializer(query: Query) -> URLSafeSerializer:
    key = hmac.new(secrets.jwt_secret().encode(), b"alrea-paging-v1", hashlib.sha256).digest()
    return URLSafeSerializer(key, salt=query.salt())


def encode(query: Query, key: Any) -> str | None:
    """The cursor that continues ``query`` after ``key`` (None: the list ended)."""
    if not key:
        return None
    return _serializer(query).dumps(key)


def decode(query: Query, cursor: str | None) -> Any:
    """The key inside ``cursor`` if it was issued for exactly ``query``; else Invalid (422)."""
    if not cursor:
        return None
    try:
        return _serializer(query).loads(cursor)
    except (BadData, ValueError, UnicodeError):
        raise Invalid(BAD_CURSOR, field="cursor") from None


def clamp(limit: int | None, default: int = 50, maximum: int = MAX_LIMIT) -> int:
    """A page size between 1 and ``maximum``."""
    if limit is None:
        return default
    return max(1, min(int(limit), maximum))


def page_of(query: Query, items: Iterable[T], last_key: Any) -> Page[T]:
    return Page(list(items), encode(query, last_key))
