"""A small bounded TTL cache for reads a warm Lambda repeats on every invocation (documented per use).

Thread-safe; at most ``max_items`` entries (the oldest goes first), each answered for ``ttl_s`` seconds after
it was read. Only found values are kept (a miss is read again), so unknown keys cannot fill it.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any


class TtlCache:
    def __init__(self, ttl_s: float, max_items: int) -> None:
        self.ttl_s = ttl_s
        self.max_items = max_items
        self._items: OrderedDict[Any, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any, load: Callable[[], Any], ttl_s: float | None = None) -> Any:
        """The value kept for ``key``, else ``load()``'s (kept ``ttl_s`` seconds, the cache's own by default:
        a caller whose lifetime is a setting passes it on each call)."""
        now = time.monotonic()
        with self._lock:
            hit = self._items.get(key)
            if hit is not None and hit[0] > now:
                return hit[1]
        value = load()
        if value is not None:
            self.put(key, value, ttl_s)
        return value

    def peek(self, key: Any) -> Any:
        """The value kept for ``key`` (None when absent or stale), without loading."""
        with self._lock:
            hit = self._items.get(key)
        return hit[1] if hit is not None and hit[0] > time.monotonic() else None

    def put(self, key: Any, value: Any, ttl_s: float | None = None) -> None:
        with self._lock:
            self._items[key] = (time.monotonic() + (self.ttl_s if ttl_s is None else ttl_s), value)
            self._items.move_to_end(key)
            while len(self._items) > self.max_items:
                self._items.popitem(last=False)

    def forget(self, key: Any) -> None:
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
