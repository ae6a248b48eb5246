"""Real-time connections: who may open a WebSocket, which groups it joins, and its small message protocol.

$connect: the access token (query string ``token``, since browsers cannot set headers on a WebSocket) is
verified; the connection joins ``tenant:<tid>`` and ``user:<tid>:<uid>``. $default messages (JSON):
``{"action": "ping"}`` → ``{"type": "pong"}``; ``{"action": "subscribe" | "unsubscribe",
"conversation_id": …}`` joins or leaves ``conv:<tid>:<cid>`` — always within the connection's own tenant.
"""
from __future__ import annotations

import json
import uuid
from typing import Any

from alrea.core.errors import DomainError, Unauthorized
from alrea.ports.push import conversation_group, tenant_group, user_group
from alrea.services import tokens
from alrea.store import connections

MAX_MESSAGE_CHARS = 4096


def connect(connection_id: str, token: str | None) -> tokens.Claims:
    """Raises Unauthorized for a missing, expired or forged token."""
    if not token:
        raise Unauthorized("Token ausente.")
    claims = tokens.verify_access(token)
    groups = [tenant_group(claims.tenant_id), user_group(claims.tenant_id, claims.user_id)]
    connections.connect(connection_id, claims.tenant_id, claims.user_id, groups)
    return claims


def disconnect(connection_id: str) -> None:
    connections.disconnect(connection_id)


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
    action = message.get("action")
    if action == "ping":
        return {"type": "pong"}
    if action in ("subscribe", "unsubscribe"):
        return _subscription(connection_id, action, message.get("conversation_id"))
    return error("Ação desconhecida; use ping, subscribe ou unsubscribe.")


def _subscription(connection_id: str, action: str, conversation_id: Any) -> dict[str, Any]:
    try:
        conversation_id = str(uuid.UUID(str(conversation_id)))
    except ValueError:
        return error("conversation_id inválido.")
    connection = connections.get(connection_id)
    if connection is None:
        return error("Conexão desconhecida; reconecte.")
    # TODO(inbox): check the caller may see this conversation (role / department / assignment)
    group = conversation_group(connection.tenant_id, conversation_id)
    try:
        if action == "subscribe":
            connections.join(connection_id, group)
        else:
            connections.leave(connection_id, group)
    except DomainError as exc:
        return error(exc.message)
    return {"type": f"{action}d", "conversation_id": conversation_id}
