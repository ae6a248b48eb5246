"""Push over stored WebSocket connections: look up a group's members, send the event to each.

The transport is a :class:`Sender`: API Gateway's management API in AWS (alrea.adapters.aws.push), the local
runtime's in-process WebSocket server locally. A connection the transport reports gone is forgotten.
"""
from __future__ import annotations

import json
from abc import ABC, abstractmethod
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


class ConnectionPush(Push):
    def __init__(self, sender: Sender) -> None:
        self.sender = sender

    def to_group(self, group: str, event: dict[str, Any]) -> int:
        return self.to_groups([group], [event])

    def to_groups(self, groups: list[str], events: list[dict[str, Any]]) -> int:
        """One membership Query per group; a connection in several groups (a manager is in its department's
        queue and managers groups) gets each event once."""
        targets: dict[str, str] = {}  # connection id -> the group it was found in
        for group in dict.fromkeys(groups):
            connections.group_tenant(group)  # refuses a malformed group before any lookup
            for connection_id in connections.members(group):
                targets.setdefault(connection_id, group)
        payloads = [json.dumps(event, separators=(",", ":"), default=str).encode() for event in events]
        sent = 0
        for connection_id, group in targets.items():
            for data in payloads:
                if not self.sender.send(connection_id, data):
                    logger.info("websocket connection gone", extra={"connection_id": connection_id,
                                                                    "group": group})
                    connections.disconnect(connection_id)
                    connections.leave(connection_id, group)  # a membership whose connection item vanished
                    break
                sent += 1
        return sent

    def close(self, connection_ids: list[str]) -> int:
        """Forget each connection's memberships first (no push reaches it from now on), then close it."""
        for connection_id in connection_ids:
            connections.disconnect(connection_id)
            try:
                self.sender.close(connection_id)
            except Exception:  # noqa: BLE001 - its memberships are gone already: it receives nothing more
                logger.exception("websocket close failed", extra={"connection_id": connection_id})
        return len(connection_ids)
