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


class ConnectionPush(Push):
    def __init__(self, sender: Sender) -> None:
        self.sender = sender

    def to_group(self, group: str, event: dict[str, Any]) -> int:
        connections.group_tenant(group)  # refuses a malformed group before any lookup
        data = json.dumps(event, separators=(",", ":"), default=str).encode()
        sent = 0
        for connection_id in connections.members(group):
            if self.sender.send(connection_id, data):
                sent += 1
                continue
            logger.info("websocket connection gone", extra={"connection_id": connection_id, "group": group})
            connections.disconnect(connection_id)
            connections.leave(connection_id, group)  # a membership whose connection item already vanished
        return sent
