"""The shared inbox: scoped conversation lists, assignment (manual and automatic), transfer, close/reopen,
read, internal notes, the inbox settings and the routing of new messages (one module: it was split in two that
imported each other).

Scoping (alrea.services.audience.can_see) is applied to every read and action: a conversation the caller may
not see answers 404, exactly like another tenant's.

Lists never Scan: ``store/conversations.list_visible_to(principal, filters, ...)`` owns which index partitions a
role reads and how they merge (admin: the tenant, a department or an owner; manager: their department + their
own assignments elsewhere; agent: themselves + their department's queue). ``q`` (name/phone) is matched here as
a domain predicate; ``unread`` is the CALLER's unread (the conversation's ``inbound_count`` minus the caller's
read marker, store/seen.py), read for a page with one BatchGetItem and filtered after it. A filtered page reads
at most ``READ_BUDGET`` items and may come back short, with a ``next_cursor`` to continue.

``view="inbox"`` is the default "Atender" view — what needs the caller now: the pending chats of their queue
plus their own open chats. ``sort="oldest"`` reads the same partitions forward (longest idle first). Counts
(:func:`counts`) are ``Select=COUNT`` queries of the same partitions, capped (see docs/DECISIONS.md).

The cursor (store/paging.py, bound to the tenant, the caller and the filters) carries the activity key
(``<time>#<cid>``) below which the next page starts: the same key orders every partition, so one value
continues a merged list of two partitions too.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any

from alrea.core.clock import iso, new_id, utcnow
from alrea.core.errors import Conflict, Forbidden, Invalid, NotFound
from alrea.core.log import logger
from alrea.domain.conversations import Conversation, ListFilters, conversation_view, settings_view
from alrea.domain.messages import Message, message_view
from alrea.domain.roles import Principal
from alrea.ports.push import user_group
from alrea.services import account, audience, hooks, retention
from alrea.store import conversations, messages, paging, seen, settings

MAX_LIMIT = 100
READ_BUDGET = 1000
NOT_FOUND = "Conversa não encontrada."
_CURSOR = re.compile(r"^\d{4}-\d{2}-\d{2}T[0-9:.]+Z#[0-9a-f-]{36}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ATTEMPTS = 4


# ---------------------------------------------------------------- helpers
def _uuid(value: str | None, field: str) -> str | None:
    if value is None or value == "":
        return None
    value = value.strip().lower()
    if not _UUID.match(value):
        raise Invalid(f"{field} inválido.", field=field)
    return value


def _list_query(caller: Principal, f: Any) -> paging.Query:
    """A conversations cursor is bound to the tenant, the caller and every filter of the list."""
    filters = {k: v for k, v in f.__dict__.items() if v not in (None, False)}
    return paging.Query(caller.tenant_id, "conversations", {"user": caller.user_id, **filters})


def encode_cursor(caller: Principal, f: Any, before: str | None) -> str | None:
    return paging.encode(_list_query(caller, f), before)


def decode_cursor(caller: Principal, f: Any, cursor: str | None) -> str | None:
    before = paging.decode(_list_query(caller, f), cursor)
    if before is not None and not (isinstance(before, str) and _CURSOR.match(before)):
        raise Invalid(paging.BAD_CURSOR, field="cursor")
    return before


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


def load_visible(caller: Principal, conversation_id: str) -> Conversation:
    """The conversation if the caller may see it; NotFound otherwise (never says which)."""
    if not conversation_id or not _UUID.match(conversation_id.lower()):
        raise NotFound(NOT_FOUND)
    item = conversations.find(caller.tenant_id, conversation_id.lower())
    if item is None or not audience.can_see_item(caller, item):
        raise NotFound(NOT_FOUND)
    return item


# ---------------------------------------------------------------- lists
Filters = ListFilters  # the list's filters (domain/conversations.py)


def _matcher(q: str | None):
    if not q:
        return None
    needle, digits = _fold(q.strip()), re.sub(r"\D", "", q)

    def accept(item: Conversation) -> bool:
        if needle and _fold(item.display_name or item.contact_name or "").find(needle) >= 0:
            return True
        return bool(digits) and len(digits) >= 3 and digits in (item.phone or "")
    return accept


def list_conversations(caller: Principal, filters: Filters | None = None, *, limit: int = 50,
                       cursor: str | None = None) -> dict[str, Any]:
    """A page of the caller's conversations (their own unread, the contact id and avatar URL of each row)."""
    from alrea.services.conversation_contact import with_contacts

    f = filters or Filters()
    page, next_before = _page(caller, f, limit=limit, cursor=cursor)
    return {"items": with_contacts(caller.tenant_id, page), "next_cursor": encode_cursor(caller, f, next_before)}


def _page(caller: Principal, filters: Filters | None = None, *, limit: int = 50,
          cursor: str | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """Role-scoped, filtered views with the caller's unread, and the activity key the next page starts below."""
    f = filters or Filters()
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit deve estar entre 1 e {MAX_LIMIT}.")
    if f.status and f.status not in conversations.STATUSES:
        raise Invalid("status deve ser open, pending ou closed.", field="status")
    if f.view not in (None, "inbox"):
        raise Invalid('view deve ser "inbox".', field="view")
    if f.sort not in ("newest", "oldest"):
        raise Invalid("sort deve ser newest ou oldest.", field="sort")
    if f.assigned_user_id not in (None, "me", "none"):
        f = Filters(**{**f.__dict__, "assigned_user_id": _uuid(f.assigned_user_id, "assigned_user_id")})
    f = Filters(**{**f.__dict__, "department_id": _uuid(f.department_id, "department_id"),
                   "instance_id": _uuid(f.instance_id, "instance_id")})
    before = decode_cursor(caller, filters or Filters(), cursor)
    ready, threshold = conversations.list_visible_to(caller, f, before=before, want=limit, read_budget=READ_BUDGET,
                                                     accept=_matcher(f.q))
    if f.unread:  # the caller's own unread: their read markers for what was read, filtered after
        views = [v for v in with_unread(caller, ready) if v["unread"] > 0]
        page, more = views[:limit], len(views) > limit
    else:  # one BatchGetItem of the caller's read markers for the page
        page, more = with_unread(caller, ready[:limit]), len(ready) > limit
    next_before = page[-1]["_key"] if more else threshold
    for v in page:
        v.pop("_key", None)
    return page, next_before


def with_unread(caller: Principal, items: list[Conversation]) -> list[dict[str, Any]]:
    """Views carrying the CALLER's unread (one BatchGetItem of their read markers for these items)."""
    seen_by = seen.seen_counts(caller.tenant_id, caller.user_id, [i.id for i in items])
    views = []
    for item in items:
        view = conversation_view(item)
        view["unread"] = max(0, int(item.inbound_count or 0) - seen_by.get(item.id, 0))
        view["_key"] = item.activity_key
        views.append(view)
    return views


def get_conversation(caller: Principal, conversation_id: str) -> dict[str, Any]:
    from alrea.services.conversation_contact import with_contacts

    [view] = with_unread(caller, [load_visible(caller, conversation_id)])
    view.pop("_key", None)
    with_contacts(caller.tenant_id, [view])
    return view


COUNT_CAP = 100  # the SPA shows "99+" from here
COUNT_BUDGET = 5000  # items a single count may read before it answers a lower bound


def counts(caller: Principal) -> dict[str, Any]:
    """What the tabs show, role-scoped exactly like the lists: the default view, the queue (pending), my open
    chats, the open ones I may see, and the conversations of the default view with something unread for me.
    Each value is capped at ``COUNT_CAP`` (shown "99+"). The streams of each count never overlap (disjoint
    partitions or statuses), so a sum of Select=COUNT queries is exact."""
    unread, _ = _page(caller, Filters(view="inbox", unread=True), limit=MAX_LIMIT)
    return {**conversations.count_visible(caller, cap=COUNT_CAP, budget=COUNT_BUDGET),
            "unread": min(len(unread), COUNT_CAP), "cap": COUNT_CAP}


# ---------------------------------------------------------------- ownership changes
def _active_user(tenant_id: str, user_id: str):
    from alrea.store import users

    try:
        user = users.get_user(tenant_id, user_id)
    except NotFound:
        raise Invalid("Usuário não encontrado.", field="user_id") from None
    if not user.active:
        raise Invalid("Usuário desativado.", field="user_id")
    return user


def _department(tenant_id: str, department_id: str):
    from alrea.store import departments

    try:
        return departments.get_department(tenant_id, department_id)
    except NotFound:
        raise Invalid("Departamento não encontrado.", field="department_id") from None


def _change(caller: Principal, conversation_id: str, decide) -> dict[str, Any]:
    """Read, decide the new (department, assignee, name, closed), write conditioned on what was read."""
    for _ in range(ATTEMPTS):
        current = load_visible(caller, conversation_id)
        target = decide(current)
        if target is None:
            return conversation_view(current)
        department_id, assignee, name, closed = target
        if (department_id, assignee, closed) == (current.department_id, current.assigned_user_id,
                                                 current.status == "closed"):
            return conversation_view(current)
        if conversations.change_owner(current, department_id=department_id, assigned_user_id=assignee,
                                      assigned_user_name=name, closed=closed):
            after = conversations.find(caller.tenant_id, current.id)
            assert after is not None
            audience.push_changed(current, after)
            hooks.conversation_changed(hooks.ConversationChanged(caller.tenant_id, current, after, iso(utcnow()),
                                                                 by_user=caller.user_id))
            if assignee and assignee != current.assigned_user_id and assignee != caller.user_id:
                notify_assigned(after, by=caller.name or None)
            logger.info("conversation changed", extra={"conversation_id": current.id, "department_id": department_id,
                                                       "assigned_user_id": assignee, "closed": closed})
            return conversation_view(after)
    raise Conflict("A conversa foi alterada ao mesmo tempo; tente novamente.")


def notify_assigned(conversation: Conversation, by: str | None = None) -> None:
    who = conversation.display_name or conversation.contact_name or conversation.phone or "um contato"
    audience.push_groups([user_group(conversation.tenant_id, conversation.assigned_user_id)], {
        "type": "notification", "kind": "assigned", "conversation_id": conversation.id,
        "conversation": conversation_view(conversation), "by": by, "at": iso(utcnow()),
        "message": f"A conversa com {who} foi atribuída a você."})
    hooks.conversation_assigned(hooks.ConversationAssigned(
        conversation.tenant_id, conversation.id, conversation.assigned_user_id, who, by))


def assign(caller: Principal, conversation_id: str, user_id: str | None) -> dict[str, Any]:
    user_id = _uuid(user_id, "user_id")
    target = _active_user(caller.tenant_id, user_id) if user_id else None

    def decide(current: Conversation):
        if caller.role == "agent":
            if user_id not in (caller.user_id, None):
                raise Forbidden("Atendentes só podem assumir conversas para si mesmos; use a transferência.")
            if user_id is None and current.assigned_user_id != caller.user_id:
                raise Forbidden("Você só pode devolver à fila uma conversa sua.")
        elif caller.is_manager and target is not None and target.department_id != caller.department_id \
                and target.user_id != caller.user_id:
            raise Forbidden("Gerentes só atribuem conversas a pessoas do seu departamento.")
        department = current.department_id or (target.department_id if target else None)
        return department, user_id, target.name if target else None, current.status == "closed"

    return _change(caller, conversation_id, decide)


def transfer(caller: Principal, conversation_id: str, department_id: str, user_id: str | None = None
             ) -> dict[str, Any]:
    department_id = _uuid(department_id, "department_id")
    if not department_id:
        raise Invalid("Informe o departamento.", field="department_id")
    _department(caller.tenant_id, department_id)
    user_id = _uuid(user_id, "user_id")
    target = _active_user(caller.tenant_id, user_id) if user_id else None
    if target is not None and target.department_id != department_id:
        raise Invalid("A pessoa escolhida não é deste departamento.", field="user_id")

    def decide(current: Conversation):
        return department_id, user_id, target.name if target else None, current.status == "closed"

    return _change(caller, conversation_id, decide)


def close(caller: Principal, conversation_id: str) -> dict[str, Any]:
    return _change(caller, conversation_id, lambda c: (c.department_id, c.assigned_user_id,
                                                       c.assigned_user_name, True))


def reopen(caller: Principal, conversation_id: str) -> dict[str, Any]:
    return _change(caller, conversation_id, lambda c: (c.department_id, c.assigned_user_id,
                                                       c.assigned_user_name, False))


def mark_read(caller: Principal, conversation_id: str) -> dict[str, Any]:
    """The caller has seen every customer message so far: their own read marker moves; nobody else's badge
    changes. Only the caller's other screens are told (``conversation_read`` to their user group)."""
    current = load_visible(caller, conversation_id)
    count = int(current.inbound_count or 0)
    seen.mark_seen(caller.tenant_id, caller.user_id, current.id, count)
    audience.push_groups([user_group(caller.tenant_id, caller.user_id)],
                         {"type": "conversation_read", "conversation_id": current.id, "seen_count": count})
    return {**conversation_view(current), "unread": 0}


# ---------------------------------------------------------------- messages and notes
def list_messages(caller: Principal, conversation_id: str, *, limit: int = 50, cursor: str | None = None
                  ) -> dict[str, Any]:
    from alrea.services import media  # stored files get a presigned url

    item = load_visible(caller, conversation_id)
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit deve estar entre 1 e {MAX_LIMIT}.")
    page = messages.page(caller.tenant_id, item.id, limit=limit, cursor=cursor)
    return page.as_json(lambda m: media.with_url(message_view(m)))


MAX_NOTE = 4096


def add_note(caller: Principal, conversation_id: str, text: str) -> dict[str, Any]:
    text = (text or "").strip()
    if not text:
        raise Invalid("A nota não pode ser vazia.", field="text")
    if len(text) > MAX_NOTE:
        raise Invalid(f"A nota pode ter até {MAX_NOTE} caracteres.", field="text")
    conv = load_visible(caller, conversation_id)
    now = iso(utcnow())
    note_id = new_id()
    item = Message(
        sk=messages.message_sk(now, note_id), ttl=retention.message_ttl(caller.tenant_id), id=note_id,
        tenant_id=caller.tenant_id, conversation_id=conv.id, instance_id=conv.instance_id,
        direction="internal", kind="note", text=text, status="note", status_rank=0, from_me=True,
        author_name=caller.name, sent_by=caller.user_id, sent_by_name=caller.name, reactions={},
        source="note", sent_at=now, created_at=now)
    messages.add(item)
    view = message_view(item)
    audience.push_conversation_event(conv, {"type": "message_received", "message": view})
    hooks.note_added(hooks.NoteAdded(caller.tenant_id, conv.id, note_id, text, caller.user_id, caller.name,
                                     conv.department_id, conv.assigned_user_id))
    return view


# ---------------------------------------------------------------- settings and routing
def get_settings(caller: Principal) -> dict[str, Any]:
    return settings_view(settings.get_inbox(caller.tenant_id))


MAX_WAIT_MINUTES = 24 * 60


def _minutes(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Invalid("Informe um número inteiro de minutos.", field=field)
    if not 1 <= value <= MAX_WAIT_MINUTES:
        raise Invalid(f"Use de 1 a {MAX_WAIT_MINUTES} minutos.", field=field)
    return value


def put_settings(caller: Principal, *, auto_assign: bool | None = None, wait_warn_minutes: int | None = None,
                 wait_alert_minutes: int | None = None) -> dict[str, Any]:
    """Change what was given; the waiting thresholds (minutes) must keep warn < alert."""
    current = settings.get_inbox(caller.tenant_id)
    warn = current.wait_warn_minutes if wait_warn_minutes is None else _minutes(wait_warn_minutes, "wait_warn_minutes")
    alert = current.wait_alert_minutes if wait_alert_minutes is None else \
        _minutes(wait_alert_minutes, "wait_alert_minutes")
    if warn >= alert:
        raise Invalid("O tempo de alerta (vermelho) deve ser maior que o de atenção (amarelo).",
                      field="wait_alert_minutes")
    return settings_view(settings.put_inbox(
        caller.tenant_id, auto_assign=bool(current.auto_assign) if auto_assign is None else auto_assign,
        wait_warn_minutes=warn, wait_alert_minutes=alert))


def set_instance_department(caller: Principal, instance_id: str, department_id: str | None):
    from alrea.store import instances

    instances.get(caller.tenant_id, instance_id)  # NotFound first
    department_id = _uuid(department_id, "department_id")
    if department_id:
        _department(caller.tenant_id, department_id)
    return instances.set_default_department(caller.tenant_id, instance_id, department_id)


def _default_department(tenant_id: str, instance_id: str) -> str | None:
    from alrea.store import departments, instances

    try:
        chosen = instances.get(tenant_id, instance_id).default_department_id
    except NotFound:
        chosen = None
    if chosen:
        return chosen
    depts = departments.list_departments(tenant_id)
    return min(depts, key=lambda d: (d.created_at, d.name.lower(), d.department_id)).department_id if depts else None


def pick_agent(tenant_id: str, department_id: str):
    """The least busy ONLINE agent of the department (online: a live WebSocket in their user group, and not
    switched to away)."""
    from alrea.store import connections, users

    candidates = [u for u in users.list_users(tenant_id)
                  if u.active and u.role == "agent" and u.department_id == department_id and not u.away]
    online = [u for u in candidates if connections.members(user_group(tenant_id, u.user_id))]
    if not online:
        return None
    loads = conversations.agent_loads(tenant_id)
    return min(online, key=lambda u: (loads.get(u.user_id, 0), u.name.lower(), u.user_id))


def route_for_message(batch: Any, tenant_id: str, before: Any, instance_id: str, *, inbound: bool) -> Any:
    """Where a new message puts its conversation (decided before the message's transaction, which applies it):
    a NEW (or never routed) conversation goes to its department — and, with auto-assignment on and an inbound
    message, to the least busy online agent; a closed one that gets an inbound message reopens. None: nothing
    changes. ``batch`` (services/inbound.Batch) caches the instance, departments, settings, users and loads
    read for this: one read each per batch, and only when a conversation needs routing."""
    from alrea.domain.conversations import Route

    if before is not None:
        if before.status == "closed" and inbound:
            return Route(before.department_id, before.assigned_user_id, before.assigned_user_name, False)
        if before.department_id or before.assigned_user_id:
            return None
    department = batch.once(("default_department", tenant_id, instance_id),
                            lambda: _default_department(tenant_id, instance_id))
    if department is None:
        return None
    agent = None
    if inbound and batch.once(("auto_assign", tenant_id, instance_id), lambda: account.auto_assign_for(
            tenant_id, instance_id, batch.once(("inbox_settings", tenant_id),
                                               lambda: settings.get_inbox(tenant_id)).auto_assign)):
        agent = _pick_agent_cached(batch, tenant_id, department)
    return Route(department, agent.user_id if agent else None, agent.name if agent else None, False)


def _pick_agent_cached(batch: Any, tenant_id: str, department_id: str):
    """pick_agent with the batch's reads: the users, their connections and the loads (moved here as the batch
    assigns, so two new chats of one batch are spread like two batches would)."""
    from alrea.store import users

    people = batch.once(("users", tenant_id), lambda: users.list_users(tenant_id))
    candidates = [u for u in people
                  if u.active and u.role == "agent" and u.department_id == department_id and not u.away]
    online = [u for u in candidates if batch.members(user_group(tenant_id, u.user_id))]
    if not online:
        return None
    loads = batch.once(("agent_loads", tenant_id), lambda: conversations.agent_loads(tenant_id))
    agent = min(online, key=lambda u: (loads.get(u.user_id, 0), u.name.lower(), u.user_id))
    loads[agent.user_id] = loads.get(agent.user_id, 0) + 1
    return agent


def after_routed(before: Any, after: Any) -> None:
    """After a message's transaction applied a route: tell a new assignee; log a department change."""
    if after.assigned_user_id and after.assigned_user_id != (before.assigned_user_id if before else None):
        notify_assigned(after, by=None)
    if (before.department_id if before else None) != after.department_id:
        logger.info("conversation routed", extra={"conversation_id": after.id, "department_id": after.department_id,
                                                  "assigned_user_id": after.assigned_user_id})


# ---------------------------------------------------------------- the router's entry points (was services/conversations.py)
def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(f"limit deve estar entre 1 e {MAX_LIMIT}.")
    return limit


def list_page(caller: Principal, *, limit: int = 50, cursor: str | None = None, **filters: Any) -> dict[str, Any]:
    """``GET /api/conversations``: role-scoped, filtered, newest activity first."""
    return list_conversations(caller, Filters(**filters), limit=_limit(limit), cursor=cursor)


def messages_page(caller: Principal, conversation_id: str, *, limit: int = 50, cursor: str | None = None
                  ) -> dict[str, Any]:
    return list_messages(caller, conversation_id, limit=_limit(limit), cursor=cursor)
