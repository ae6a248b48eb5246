"""In-memory Push: records every event per group and keeps an in-process connection registry.

Unit tests read ``events(group)``; the registry (connect/join/leave/disconnect, ``received(conn)``,
``mark_gone(conn)``) follows the same tenant-scope rules as alrea.store.connections, so the Push contract
suite runs on it unchanged.
"""
from __future__ import annotations

import copy
import threading
from collections import defaultdict
from typing import Any

from alrea.ports.push import Push
from alrea.store.connections import check_scope, group_tenant


class MemoryPush(Push):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._connections: dict[str, tuple[str, set[str]]] = {}  # conn -> (tenant, groups)
        self._received: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self._gone: set[str] = set()

    # ------------------------------------------------------------ Push
    def to_group(self, group: str, event: dict[str, Any]) -> int:
        return self.to_groups([group], [event])

    def to_groups(self, groups: list[str], events: list[dict[str, Any]]) -> int:
        groups = list(dict.fromkeys(groups))
        for group in groups:
            group_tenant(group)
        with self._lock:
            for group in groups:
                self._events[group].extend(copy.deepcopy(events))
            targets = dict.fromkeys(c for group in groups for c in self._members(group))
            sent = 0
            for connection_id in targets:
                if connection_id in self._gone:
                    self._connections.pop(connection_id, None)
                    continue
                self._received[connection_id].extend(copy.deepcopy(events))
                sent += len(events)
            return sent

    # ------------------------------------------------------------ what tests read
    def events(self, group: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._events.get(group, ()))

    def received(self, connection_id: str) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._received.get(connection_id, ()))

    def clear(self) -> None:
        with self._lock:
            self._events.clear()
            self._received.clear()

    # ------------------------------------------------------------ connection registry
    def connect(self, connection_id: str, tenant_id: str, user_id: str, groups: list[str]) -> None:
        for group in groups:
            check_scope(tenant_id, group)
        with self._lock:
            self._connections[connection_id] = (tenant_id, set(groups))
            self._gone.discard(connection_id)

    def join(self, connection_id: str, group: str) -> None:
        with self._lock:
            tenant_id, groups = self._connections[connection_id]
            check_scope(tenant_id, group)
            groups.add(group)

    def leave(self, connection_id: str, group: str) -> None:
        with self._lock:
            if connection_id in self._connections:
                self._connections[connection_id][1].discard(group)

    def disconnect(self, connection_id: str) -> None:
        with self._lock:
            self._connections.pop(connection_id, None)

    def close(self, connection_ids: list[str]) -> int:
        with self._lock:
            return sum(self._connections.pop(c, None) is not None for c in connection_ids)

    def mark_gone(self, connection_id: str) -> None:
        """The client vanished without a disconnect: the next push finds out and forgets it."""
        with self._lock:
            self._gone.add(connection_id)

    def members(self, group: str) -> list[str]:
        with self._lock:
            return self._members(group)

    def _members(self, group: str) -> list[str]:
        return [c for c, (_, groups) in self._connections.items() if group in groups]
