"""WebSocket connections and their group memberships (Push port, AWS side).

Items (single table):
- connection  ``pk=WS#<conn_id>  sk=WS``         tenant_id, user_id, groups (set), connected_at, ttl
- membership  ``pk=WSG#<group>   sk=<conn_id>``  tenant_id, user_id, ttl

``members(group)`` is one Query on the membership partition, never a Scan. A conversation's subscribers
(``conv:<tid>:<cid>``) live in ONE partition per tenant, ``pk=WSG#conv:<tid>  sk=<cid>#<conn_id>``, so a batch of
messages reads every subscription of its tenant with one Query (:func:`subscriptions`). Both items expire after
``TTL_S`` (API Gateway closes a WebSocket after 2 h anyway); ``members`` also drops expired ones, since
DynamoDB deletes expired items lazily.

Groups are ``tenant:<tid>``, ``user:<tid>:<uid>`` and ``conv:<tid>:<cid>`` (alrea.ports.push), plus the inbox's
role groups ``admins:<tid>``, ``managers:<tid>``, ``dept:<tid>:<did>``, ``deptmgr:<tid>:<did>``
(alrea.services.audience); a connection may only be in groups of its own tenant.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from pynamodb.attributes import UnicodeAttribute, UnicodeSetAttribute
from pynamodb.exceptions import DoesNotExist

from alrea.core.clock import iso, parse_iso, utcnow
from alrea.core.errors import Forbidden, Invalid
from alrea.store.base import Item

TTL_S = 3 * 3600
CONNECTION_SK = "WS"


def connection_pk(connection_id: str) -> str:
    return f"WS#{connection_id}"


def group_pk(group: str) -> str:
    return f"WSG#{group}"


def _key(group: str, connection_id: str) -> tuple[str, str]:
    """A membership's key: conversation groups share their tenant's subscription partition."""
    kind, _, rest = group.partition(":")
    if kind == "conv":
        tenant_id, _, cid = rest.partition(":")
        return group_pk(f"conv:{tenant_id}"), f"{cid}#{connection_id}"
    return group_pk(group), connection_id


@dataclass(frozen=True)
class Connection:
    """A WebSocket connection as the services see it."""
    connection_id: str
    tenant_id: str
    user_id: str
    groups: frozenset[str]
    connected_at: str


class WsConnection(Item):
    tenant_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    groups = UnicodeSetAttribute(default=set)
    connected_at = UnicodeAttribute()

    @property
    def connection_id(self) -> str:
        return self.pk.removeprefix("WS#")


class WsMembership(Item):
    tenant_id = UnicodeAttribute()
    user_id = UnicodeAttribute(null=True)


def group_tenant(group: str) -> str:
    """The tenant a group belongs to; Invalid for a malformed group name."""
    kind, _, rest = group.partition(":")
    parts = rest.split(":")
    if kind in ("tenant", "admins", "managers") and len(parts) == 1 and parts[0]:
        return parts[0]
    if kind in ("user", "conv", "dept", "deptmgr") and len(parts) == 2 and all(parts):
        return parts[0]
    raise Invalid(f"bad group {group!r}: expected tenant:<tid>, admins:<tid>, managers:<tid>, user:<tid>:<uid>, "
                  "conv:<tid>:<cid>, dept:<tid>:<did> or deptmgr:<tid>:<did>")


def check_scope(tenant_id: str, group: str) -> None:
    if group_tenant(group) != tenant_id:
        raise Forbidden(f"group {group!r} is outside the connection's tenant")


def _expires() -> int:
    return int(time.time()) + TTL_S


def _membership(connection: WsConnection, group: str) -> WsMembership:
    return WsMembership(*_key(group, connection.connection_id), entity="ws_membership",
                        tenant_id=connection.tenant_id, user_id=connection.user_id, ttl=connection.ttl)


def connect(connection_id: str, tenant_id: str, user_id: str, groups: list[str]) -> None:
    for group in groups:
        check_scope(tenant_id, group)
    connection = WsConnection(connection_pk(connection_id), CONNECTION_SK, entity="ws_connection",
                              tenant_id=tenant_id, user_id=user_id, groups=set(groups),
                              connected_at=iso(utcnow()), ttl=_expires())
    with WsMembership.batch_write() as batch:
        for group in set(groups):
            batch.save(_membership(connection, group))
    connection.save()


def get(connection_id: str) -> Connection | None:
    """A live connection (None when unknown or expired)."""
    item = _get_item(connection_id)
    if item is None:
        return None
    return Connection(connection_id=item.connection_id, tenant_id=item.tenant_id, user_id=item.user_id,
                      groups=frozenset(item.groups or ()), connected_at=item.connected_at)


def _get_item(connection_id: str) -> WsConnection | None:
    try:
        connection = WsConnection.get(connection_pk(connection_id), CONNECTION_SK)
    except DoesNotExist:
        return None
    if connection.ttl is not None and connection.ttl <= time.time():
        return None
    return connection


def join(connection_id: str, group: str) -> None:
    connection = _get_item(connection_id)
    if connection is None:
        raise Invalid(f"unknown connection {connection_id!r}")
    check_scope(connection.tenant_id, group)
    _membership(connection, group).save()
    connection.update(actions=[WsConnection.groups.add({group})])


def leave(connection_id: str, group: str) -> None:
    WsMembership(*_key(group, connection_id)).delete()
    connection = _get_item(connection_id)
    if connection is not None:
        connection.update(actions=[WsConnection.groups.delete({group})])


def age_s(connection_id: str) -> float | None:
    """Seconds since the connection's $connect stored it; None when it is unknown (or expired)."""
    connection = _get_item(connection_id)
    if connection is None:
        return None
    return (utcnow() - parse_iso(connection.connected_at)).total_seconds()


def disconnect(connection_id: str) -> None:
    """Delete the connection and every membership; idempotent (API Gateway may call $disconnect late)."""
    connection = _get_item(connection_id)
    if connection is None:
        return
    with WsMembership.batch_write() as batch:
        for group in connection.groups or ():
            batch.delete(WsMembership(*_key(group, connection_id)))
    connection.delete()


def members(group: str) -> list[str]:
    now = time.time()
    pk, sk = _key(group, "")
    if sk:  # a conversation's subscribers: its slice of the tenant's subscription partition
        return [m.sk.removeprefix(sk) for m in WsMembership.query(pk, WsMembership.sk.startswith(sk))
                if m.ttl is None or m.ttl > now]
    return [m.sk for m in WsMembership.query(pk) if m.ttl is None or m.ttl > now]


def subscriptions(tenant_id: str) -> dict[str, list[str]]:
    """Every conversation subscription of a tenant (one Query): conversation id -> connection ids."""
    now = time.time()
    found: dict[str, list[str]] = {}
    for m in WsMembership.query(group_pk(f"conv:{tenant_id}")):
        if m.ttl is None or m.ttl > now:
            cid, _, connection_id = m.sk.partition("#")
            found.setdefault(cid, []).append(connection_id)
    return found
