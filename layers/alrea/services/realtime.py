"""Real-time connections: who may open a WebSocket, which groups it joins, and its small message protocol.

$connect: the access token (query string ``token``, since browsers cannot set headers on a WebSocket) is
verified; the connection joins ``tenant:<tid>``, ``user:<tid>:<uid>`` and its role groups (alrea.services.audience:
``admins:<tid>``; ``dept:<tid>:<did>`` for agents and managers; ``deptmgr:<tid>:<did>`` for managers), with the
role and department of the STORED user. $default messages (JSON): ``{"action": "ping"}`` → ``{"type": "pong"}``;
``{"action": "echo", "nonce": …}`` → ``{"type": "echo_sent"}``, then ``{"type": "echo", "nonce": …}`` pushed to the
caller's ``user:`` group through the Push port (what ``alrea smoke`` uses to prove the push path end to end);
``{"action": "subscribe" | "unsubscribe", "conversation_id": …}`` joins or leaves ``conv:<tid>:<cid>`` — a
subscribe only for a conversation the user may see (the inbox's visibility rule), always in their own tenant;
``{"action": "viewing" | "typing" | "left", "conversation_id": …}`` pushes the user's activity on a conversation
they may see to its audience (alrea.services.presence). The first connection of a user and the close of their
last one announce their presence.
"""
from __future__ import annotations

import json
import uuid
from typing import Any

from alrea.core.errors import DomainError, NotFound, Unauthorized
from alrea.core.log import logger
from alrea.domain.roles import Principal
from alrea.ports.push import conversation_group, user_group
from alrea.services import audience, presence, tokens
from alrea.store import connections, conversations
from alrea.wiring import runtime

MAX_MESSAGE_CHARS = 4096
MAX_NONCE_CHARS = 64


def connect(connection_id: str, token: str | None) -> tokens.Claims:
    """Raises Unauthorized for a missing, expired or forged token."""
    if not token:
        raise Unauthorized("Token ausente.")
    claims = tokens.verify_access(token)
    caller = _principal(claims.tenant_id, claims.user_id, claims.issued_at_ms)
    if caller is None:
        raise Unauthorized(tokens.INVALID)
    groups = audience.connection_groups(caller.tenant_id, caller.user_id, caller.role, caller.department_id)
    connections.connect(connection_id, claims.tenant_id, claims.user_id, groups)
    _best_effort(presence.connected, claims.tenant_id, claims.user_id)
    return claims


def _best_effort(call, *args: Any) -> None:
    """Presence announcements never fail a connect/disconnect."""
    try:
        call(*args)
    except Exception:  # noqa: BLE001
        logger.exception("presence announcement failed")


def _principal(tenant_id: str, user_id: str, issued_at_ms: int | None = None) -> Principal | None:
    """The stored user (a role or department change applies at the next connect); None when gone/inactive,
    or when the connecting token (``issued_at_ms``) predates the user's last password reset or change."""
    from alrea.services.auth import token_still_valid
    from alrea.store import users

    try:
        user = users.get_user(tenant_id, user_id)
    except NotFound:
        return None
    if not user.active or (issued_at_ms is not None and not token_still_valid(user, issued_at_ms)):
        return None
    return Principal(tenant_id=user.tenant_id, user_id=user.user_id, role=user.role,
                     department_id=user.department_id, name=user.name, email=user.email)


def drop_user(tenant_id: str, user_id: str) -> int:
    """Close every open WebSocket of a user at once: on deactivation, and on a role or department change (its
    groups were chosen at $connect for the old role; the SPA reconnects and resyncs, and $connect grants the
    groups of the stored user, or refuses an inactive one). Answers how many were closed."""
    open_ids = connections.members(user_group(tenant_id, user_id))
    if not open_ids:
        return 0
    closed = runtime().push.close(open_ids)
    logger.info("user connections dropped", extra={"tenant_id": tenant_id, "user_id": user_id,
                                                   "connections": closed})
    return closed


def disconnect(connection_id: str) -> None:
    connection = connections.get(connection_id)
    connections.disconnect(connection_id)
    if connection is not None:
        _best_effort(presence.disconnected, connection.tenant_id, connection.user_id)


def error(message: str) -> dict[str, Any]:
    return {"type": "error", "message": message}


def handle_message(connection_id: str, body: str | None) -> dict[str, Any]:
    """One client message → the answer sent back on the same socket."""
    if not body or len(body) > MAX_MESSAGE_CHARS:
        return error("Mensagem vazia ou grande demais.")
    try:
        message = json.loads(body)
    except ValueError:
        return error("A mensagem deve ser JSON.")
    if not isinstance(message, dict):
        return error("A mensagem deve ser um objeto JSON.")
    try:
        return _act(connection_id, message)
    except _Refused as exc:
        return error(str(exc))


def _act(connection_id: str, message: dict[str, Any]) -> dict[str, Any]:
    action = message.get("action")
    if action == "ping":
        return {"type": "pong"}
    if action in ("subscribe", "unsubscribe"):
        return _subscription(connection_id, action, message.get("conversation_id"))
    if action == "echo":
        return _echo(connection_id, message.get("nonce"))
    if action in presence.ACTIVITIES:
        return _activity(connection_id, action, message.get("conversation_id"))
    return error("Ação desconhecida; use ping, echo, subscribe, unsubscribe, viewing, typing ou left.")


class _Refused(Exception):
    """A client message this socket cannot act on; its text is the answer."""


def _conversation_id(value: Any) -> str:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise _Refused("conversation_id inválido.") from None


def _connection(connection_id: str) -> connections.Connection:
    connection = connections.get(connection_id)
    if connection is None:
        raise _Refused("Conexão desconhecida; reconecte.")
    return connection


def _caller(connection: connections.Connection) -> Principal:
    caller = _principal(connection.tenant_id, connection.user_id)
    if caller is None:
        raise _Refused("Sessão inválida; entre novamente.")
    return caller


def _visible(caller: Principal, conversation_id: str):
    """The conversation if the caller may see it (the inbox's visibility rule)."""
    item = conversations.find(caller.tenant_id, conversation_id)
    if item is None or not audience.can_see_item(caller, item):
        raise _Refused("Conversa não encontrada.")
    return item


def _activity(connection_id: str, what: str, conversation_id: Any) -> dict[str, Any]:
    """viewing / typing / left on a conversation the user may see → pushed to its audience."""
    conversation_id = _conversation_id(conversation_id)
    caller = _caller(_connection(connection_id))
    presence.push_activity(caller, _visible(caller, conversation_id), what)
    return {"type": "activity_sent", "conversation_id": conversation_id, "what": what}


def _echo(connection_id: str, nonce: Any) -> dict[str, Any]:
    """Push ``{"type": "echo", "nonce"}`` to the caller's own user group, as any server-side event travels."""
    if not isinstance(nonce, str) or not 0 < len(nonce) <= MAX_NONCE_CHARS:
        return error(f"nonce deve ser um texto de 1 a {MAX_NONCE_CHARS} caracteres.")
    connection = _connection(connection_id)
    runtime().push.to_group(user_group(connection.tenant_id, connection.user_id),
                            {"type": "echo", "nonce": nonce})
    return {"type": "echo_sent"}


def _subscription(connection_id: str, action: str, conversation_id: Any) -> dict[str, Any]:
    conversation_id = _conversation_id(conversation_id)
    connection = _connection(connection_id)
    group = conversation_group(connection.tenant_id, conversation_id)
    if action == "subscribe":
        caller = _caller(connection)
        if not caller.is_admin:  # an admin sees the whole tenant: no lookup needed
            _visible(caller, conversation_id)
    try:
        if action == "subscribe":
            connections.join(connection_id, group)
        else:
            connections.leave(connection_id, group)
    except DomainError as exc:
        return error(exc.message)
    return {"type": f"{action}d", "conversation_id": conversation_id}
