"""Push over stored WebSocket connections: look up a group's members, send the event to each.

The transport is a :class:`Sender`: API Gateway's management API in AWS (alrea.adapters.aws.push), the local
runtime's in-process WebSocket server locally. A connection the transport reports gone is forgotten.
"""
from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from alrea.core.log import logger
from alrea.ports.push import Push
from alrea.store import connections


class Sender(ABC):
    @abstractmethod
    def send(self, connection_id: str, data: bytes) -> bool:
        """Deliver ``data`` to one connection; False when the connection is gone."""

    def close(self, connection_id: str) -> None:  # noqa: B027 - optional for transports that cannot close
        """Close one connection from the server side (API Gateway: delete_connection)."""


# A connection is stored by $connect before the transport can deliver to it (API Gateway answers GoneException
# until $connect returned; locally the socket is registered after it): a push in that window must not forget it.
CONNECT_GRACE_S = 30.0  # above API Gateway's 29 s integration timeout for $connect


class ConnectionPush(Push):
    def __init__(self, sender: Sender, *, connect_grace_s: float = CONNECT_GRACE_S) -> None:
        self.sender = sender
        self.connect_grace_s = connect_grace_s

    def to_group(self, group: str, event: dict[str, Any]) -> int:
        return self.to_groups([group], [event])

    def to_groups(self, groups: list[str], events: list[dict[str, Any]]) -> int:
        """One membership Query per group; a connection in several groups (a manager is in its department's
        queue and managers groups) gets each event once."""
        return self._to_groups(groups, events, connections.members)

    def session(self, members: Callable[[str], list[str]] | None = None) -> Push:
        return _SessionPush(self, members) if members is not None else self

    def _to_groups(self, groups: list[str], events: list[dict[str, Any]],
                   members: Callable[[str], list[str]], gone: set[str] | None = None) -> int:
        targets: dict[str, str] = {}  # connection id -> the group it was found in
        for group in dict.fromkeys(groups):
            connections.group_tenant(group)  # refuses a malformed group before any lookup
            for connection_id in members(group):
                targets.setdefault(connection_id, group)
        payloads = [json.dumps(event, separators=(",", ":"), default=str).encode() for event in events]
        sent = 0
        for connection_id, group in targets.items():
            for data in payloads:
                if not self.sender.send(connection_id, data):
                    if gone is not None:
                        gone.add(connection_id)
                    self._undelivered(connection_id, group)
                    break
                sent += 1
        return sent

    def _undelivered(self, connection_id: str, group: str) -> None:
        """Forget a connection the transport reports gone, unless it is still inside its $connect (its
        $disconnect or TTL cleans up one that really went away then)."""
        age = connections.age_s(connection_id)
        if age is not None and age < self.connect_grace_s:
            logger.info("websocket connection not ready yet", extra={"connection_id": connection_id,
                                                                     "group": group})
            return
        logger.info("websocket connection gone", extra={"connection_id": connection_id, "group": group})
        connections.disconnect(connection_id)
        connections.leave(connection_id, group)  # a membership whose connection item vanished

    def close(self, connection_ids: list[str]) -> int:
        """Forget each connection's memberships first (no push reaches it from now on), then close it."""
        for connection_id in connection_ids:
            connections.disconnect(connection_id)
            try:
                self.sender.close(connection_id)
            except Exception:  # noqa: BLE001 - its memberships are gone already: it receives nothing more
                logger.exception("websocket close failed", extra={"connection_id": connection_id})
        return len(connection_ids)


class _SessionPush(Push):
    """ConnectionPush for one batch: group members come from the batch's memo (one Query per group per batch,
    not per push). A connection that joins meanwhile gets the events of the next batch; one the transport
    reports gone is dropped from the memo too."""

    def __init__(self, parent: ConnectionPush, members: Callable[[str], list[str]]) -> None:
        self.parent = parent
        self.members = members
        self.gone: set[str] = set()

    def to_group(self, group: str, event: dict[str, Any]) -> int:
        return self.to_groups([group], [event])

    def to_groups(self, groups: list[str], events: list[dict[str, Any]]) -> int:
        def live(group: str) -> list[str]:
            return [c for c in self.members(group) if c not in self.gone]

        return self.parent._to_groups(groups, events, live, self.gone)

    def close(self, connection_ids: list[str]) -> int:
        return self.parent.close(connection_ids)
