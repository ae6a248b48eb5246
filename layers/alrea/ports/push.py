"""Push: real-time events to WebSocket clients, addressed by group.

Groups: ``tenant:<tid>`` (every user of a tenant), ``user:<tid>:<uid>``, ``conv:<tid>:<cid>``.
Group names always start with the tenant's scope, so a push can never cross tenants.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any


def tenant_group(tenant_id: str) -> str:
    return f"tenant:{tenant_id}"


def user_group(tenant_id: str, user_id: str) -> str:
    return f"user:{tenant_id}:{user_id}"


def conversation_group(tenant_id: str, conversation_id: str) -> str:
    return f"conv:{tenant_id}:{conversation_id}"


class Push(ABC):
    @abstractmethod
    def to_group(self, group: str, event: dict[str, Any]) -> int:
        """Send ``event`` (``{"type": ..., ...}``) to every connection of the group; returns how many got it."""

    def to_groups(self, groups: list[str], events: list[dict[str, Any]]) -> int:
        """Send each event, in order, to the connections of any of the groups. Adapters that can should look
        each group up once and reach a connection in several of the groups only once."""
        return sum(self.to_group(group, event) for event in events for group in dict.fromkeys(groups))

    def session(self, members: Callable[[str], list[str]] | None = None) -> Push:
        """A push for one unit of work (a queue batch): adapters with a connection registry look each group's
        members up through ``members`` (a per-batch memo) instead of once per push. Others answer themselves."""
        return self

    def close(self, connection_ids: list[str]) -> int:
        """Close these connections at once and forget their groups (a deactivated user, or one whose role or
        department changed: the client reconnects, if it still may, with the groups it is entitled to).
        Answers how many were closed. Adapters without a connection registry close nothing."""
        return 0

    def health(self) -> str:
        return "ok"
