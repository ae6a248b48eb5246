"""Teamwork: who is on duty (presence), whom the caller may assign to, and who is looking at a conversation.

Presence of a user: ``offline`` with no live WebSocket connection in their user group
(``user:<tid>:<uid>``); ``away`` when connected but their manual switch (``User.away``, ``PUT /api/me/presence``)
is on; ``online`` otherwise. Auto-assignment (services/inbox.py pick_agent) picks online users only.
A change (first connection opened, last one closed, the switch) is pushed as
``{"type": "presence", "user_id", "name", "department_id", "presence"}`` to the user groups of the tenant's
admins and of the managers of the user's department (never to the user themselves).

Activity on a conversation (``viewing`` / ``typing`` / ``left``, sent over the WebSocket, services/realtime.py)
is pushed as ``{"type": "activity", "conversation_id", "user_id", "name", "what", "ttl_s"}`` to the
conversation's audience (services/audience.py) and its subscribers, only when the sender may see it. The SPA
forgets an activity after ``ttl_s`` unless it is repeated, so nothing has to be stored.
"""
from __future__ import annotations

from typing import Any

from alrea.core.errors import Forbidden
from alrea.core.log import logger
from alrea.domain.conversations import Conversation
from alrea.domain.roles import Principal
from alrea.ports.push import conversation_group, user_group
from alrea.services import audience
from alrea.store import connections, conversations, users

ONLINE, AWAY, OFFLINE = "online", "away", "offline"
ACTIVITIES = ("viewing", "typing", "left")
ACTIVITY_TTL_S = {"viewing": 12, "typing": 6, "left": 0}


def is_connected(tenant_id: str, user_id: str) -> bool:
    return bool(connections.members(user_group(tenant_id, user_id)))


def presence_of(user: Any, connected: bool) -> str:
    if not connected:
        return OFFLINE
    return AWAY if user.away else ONLINE


def _agent_view(user: Any, loads: dict[str, int]) -> dict[str, Any]:
    state = presence_of(user, is_connected(user.tenant_id, user.user_id))
    return {"id": user.user_id, "name": user.name, "role": user.role, "department_id": user.department_id,
            "presence": state, "online": state == ONLINE, "load": loads.get(user.user_id, 0)}


def list_agents(caller: Principal) -> dict[str, Any]:
    """The active users the caller may assign conversations to, with presence and open load.

    admin → every active user; manager → the active users of their department (and themselves); agent → 403
    (agents take conversations for themselves and transfer to a department's queue)."""
    if caller.role == "agent":
        raise Forbidden("Somente administradores e gerentes atribuem conversas a outras pessoas.")
    people = [u for u in users.list_users(caller.tenant_id) if u.active]
    if not caller.is_admin:
        people = [u for u in people if u.user_id == caller.user_id
                  or (caller.department_id and u.department_id == caller.department_id)]
    loads = conversations.agent_loads(caller.tenant_id)
    return {"items": [_agent_view(u, loads) for u in people]}


def _announce(user: Any, state: str) -> None:
    """To the user groups of the tenant's admins and of their department's managers — never to the user
    themselves (their own screens know)."""
    watchers = [u for u in users.list_users(user.tenant_id) if u.active and u.user_id != user.user_id and (
        u.role == "admin" or (u.role == "manager" and user.department_id and u.department_id == user.department_id))]
    if not watchers:
        return
    audience.push_groups([user_group(user.tenant_id, u.user_id) for u in watchers], {
        "type": "presence", "user_id": user.user_id, "name": user.name, "department_id": user.department_id,
        "presence": state})
    logger.info("presence changed", extra={"user_id": user.user_id, "presence": state})


def set_away(caller: Principal, away: bool) -> dict[str, Any]:
    user = users.set_away(caller.tenant_id, caller.user_id, away)
    state = presence_of(user, is_connected(caller.tenant_id, caller.user_id))
    _announce(user, state)
    return {"away": bool(user.away), "presence": state}


def connected(tenant_id: str, user_id: str) -> None:
    """After a connection was stored: the user's FIRST live connection makes them online (or away)."""
    if len(connections.members(user_group(tenant_id, user_id))) != 1:
        return
    user = _user(tenant_id, user_id)
    if user is not None:
        _announce(user, presence_of(user, True))


def disconnected(tenant_id: str, user_id: str) -> None:
    """After a connection was forgotten: no live connection left makes the user offline."""
    if is_connected(tenant_id, user_id):
        return
    user = _user(tenant_id, user_id)
    if user is not None:
        _announce(user, OFFLINE)


def _user(tenant_id: str, user_id: str) -> Any:
    try:
        return users.get_user(tenant_id, user_id)
    except Exception:  # noqa: BLE001 - a deleted user has no presence to announce
        return None


def push_activity(caller: Principal, item: Conversation, what: str) -> None:
    """``caller`` (who may see ``item``) is viewing / typing on / has left the conversation."""
    audience.push_groups([*audience.audience(item), conversation_group(item.tenant_id, item.id)], {
        "type": "activity", "conversation_id": item.id, "user_id": caller.user_id, "name": caller.name,
        "what": what, "ttl_s": ACTIVITY_TTL_S[what]})


CUSTOMER_TYPING = ("composing", "recording")


def push_customer_activity(tenant_id: str, conversation_id: str, state: str) -> None:
    """The customer's WhatsApp presence (Evolution presence.update) on an open conversation's subscribers."""
    what = "customer_typing" if state in CUSTOMER_TYPING else "customer_idle"
    audience.push_groups([conversation_group(tenant_id, conversation_id)], {
        "type": "activity", "conversation_id": conversation_id, "what": what,
        "recording": state == "recording", "ttl_s": 10 if what == "customer_typing" else 0})
