"""Who may see a conversation, and the WebSocket groups its pushes go to.

Visibility (lists, reads, actions and subscriptions all use :func:`can_see`):
- admin: every conversation of the tenant;
- manager: the conversations of their department (and any assigned to them);
- agent: the conversations assigned to them, and the unassigned queue of their department.

Role groups joined on $connect: ``admins:<tid>`` (admins), ``managers:<tid>`` (every manager: campaign events),
``dept:<tid>:<did>`` (agents and managers of the department) and ``deptmgr:<tid>:<did>`` (its managers).
A conversation's audience is ``admins:<tid>``, plus ``deptmgr:<tid>:<did>`` when it has a department, plus ``dept:<tid>:<did>`` while unassigned or
``user:<tid>:<assignee>`` once assigned — exactly the people :func:`can_see` lets in.

When a change narrows the audience, the groups that lost the conversation get ``conversation_removed`` FIRST
and the new audience ``conversation_updated`` after it: a member of both (a manager is in ``dept`` and
``deptmgr``) removes it and adds it back, ending right.
"""
from __future__ import annotations

from typing import Any

from alrea.core.log import logger
from alrea.domain.roles import Principal
from alrea.ports.push import conversation_group, tenant_group, user_group
from alrea.wiring import runtime


def admins_group(tenant_id: str) -> str:
    return f"admins:{tenant_id}"


def managers_group(tenant_id: str) -> str:
    return f"managers:{tenant_id}"


def staff_groups(tenant_id: str) -> list[str]:
    """Who may see campaigns (admins and managers): their events go nowhere else."""
    return [admins_group(tenant_id), managers_group(tenant_id)]


def dept_group(tenant_id: str, department_id: str) -> str:
    return f"dept:{tenant_id}:{department_id}"


def deptmgr_group(tenant_id: str, department_id: str) -> str:
    return f"deptmgr:{tenant_id}:{department_id}"


def role_groups(tenant_id: str, role: str, department_id: str | None) -> list[str]:
    """The groups a connection joins for its user's role (besides tenant and user)."""
    if role == "admin":
        return [admins_group(tenant_id)]
    if role == "manager":
        if not department_id:
            return [managers_group(tenant_id)]
        return [managers_group(tenant_id), dept_group(tenant_id, department_id),
                deptmgr_group(tenant_id, department_id)]
    if not department_id:
        return []
    return [dept_group(tenant_id, department_id)]


def connection_groups(tenant_id: str, user_id: str, role: str, department_id: str | None) -> list[str]:
    return [tenant_group(tenant_id), user_group(tenant_id, user_id), *role_groups(tenant_id, role, department_id)]


def groups_of(tenant_id: str, department_id: str | None, assigned_user_id: str | None) -> list[str]:
    groups = [admins_group(tenant_id)]
    if department_id:
        groups.append(deptmgr_group(tenant_id, department_id))
    if assigned_user_id:
        groups.append(user_group(tenant_id, assigned_user_id))
    elif department_id:
        groups.append(dept_group(tenant_id, department_id))
    return groups


def audience(conversation: Any) -> list[str]:
    """Groups of a conversation (a Conversation or its view dict)."""
    get = conversation.get if isinstance(conversation, dict) else lambda k: getattr(conversation, k, None)
    tid = get("tenant_id")
    return groups_of(tid, get("department_id"), get("assigned_user_id"))


def can_see(caller: Principal, department_id: str | None, assigned_user_id: str | None) -> bool:
    if caller.is_admin:
        return True
    if assigned_user_id and assigned_user_id == caller.user_id:
        return True
    if caller.is_manager:
        return department_id is not None and department_id == caller.department_id
    return assigned_user_id is None and department_id is not None and department_id == caller.department_id


def can_see_item(caller: Principal, item: Any) -> bool:
    return item.tenant_id == caller.tenant_id and can_see(caller, item.department_id, item.assigned_user_id)


def tenant_of(group: str) -> str:
    """The tenant of a group name (``<kind>:<tid>[:<more>]``, alrea.ports.push)."""
    return group.split(":", 2)[1]


def push_groups(groups: list[str], *events: dict[str, Any], push: Any = None) -> None:
    """THE push funnel of the services. Best effort: the store change is done; a lost push is repaired by the
    next read (or resync). ``push``: a batch's push session (Push.session), else the runtime's push. A
    product's events reach only tenants that have the product (services.subscriptions.may_push)."""
    from alrea.services.subscriptions import may_push

    try:
        by_tenant: dict[str, list[str]] = {}
        for group in dict.fromkeys(groups):
            by_tenant.setdefault(tenant_of(group), []).append(group)
        for tenant_id, tenant_groups in by_tenant.items():
            allowed = [e for e in events if may_push(tenant_id, e)]
            if allowed:
                (push or runtime().push).to_groups(tenant_groups, allowed)
    except Exception:  # noqa: BLE001 - a push never undoes a stored change
        logger.exception("push failed", extra={"groups": groups, "types": [e.get("type") for e in events]})


def push_conversation_event(conversation: Any, *events: dict[str, Any], push: Any = None) -> None:
    """Message/conversation events: the conversation's audience + its subscribers (conv:<tid>:<cid>)."""
    push_groups([*audience(conversation), conversation_group(conversation.tenant_id, conversation.id)], *events,
                push=push)


def push_to_conversation(tenant_id: str, conversation_id: str, *events: dict[str, Any], conv: Any = None,
                         push: Any = None) -> None:
    """Events of a conversation known by id: its audience and subscribers; the admins and subscribers only
    when the conversation item is gone (never the whole tenant)."""
    if conv is None:
        from alrea.store import conversations

        conv = conversations.get(tenant_id, conversation_id)
    if conv is None:
        push_groups([admins_group(tenant_id), conversation_group(tenant_id, conversation_id)], *events, push=push)
    else:
        push_conversation_event(conv, *events, push=push)


def push_changed(before: Any | None, after: Any) -> None:
    """After an ownership change: ``conversation_removed`` to the groups that lost it, then
    ``conversation_updated`` to the new audience and the subscribers still allowed."""
    new = audience(after)
    if before is not None:
        lost = [g for g in audience(before) if g not in new]
        if lost:
            push_groups(lost, {"type": "conversation_removed", "conversation_id": after.id})
        prune_subscribers(after)
    from alrea.domain.conversations import conversation_view

    push_conversation_event(after, {"type": "conversation_updated", "conversation": conversation_view(after)})


def prune_subscribers(conversation: Any) -> None:
    """Subscribers of ``conv:<tid>:<cid>`` who may no longer see the conversation leave the group."""
    from alrea.store import connections, users

    group = conversation_group(conversation.tenant_id, conversation.id)
    try:
        members = connections.members(group)
    except Exception:  # noqa: BLE001
        logger.exception("subscriber lookup failed")
        return
    for connection_id in members:
        connection = connections.get(connection_id)
        if connection is None:
            continue
        try:
            user = users.get_user(connection.tenant_id, connection.user_id)
        except Exception:  # noqa: BLE001 - a deleted user loses the subscription too
            user = None
        allowed = user is not None and can_see(
            Principal(tenant_id=user.tenant_id, user_id=user.user_id, role=user.role,
                      department_id=user.department_id), conversation.department_id,
            conversation.assigned_user_id)
        if not allowed:
            connections.leave(connection_id, group)
            push_groups([user_group(connection.tenant_id, connection.user_id)],
                        {"type": "conversation_removed", "conversation_id": conversation.id})
