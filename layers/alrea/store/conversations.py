"""Conversations: ``pk=T#<tid>  sk=CONV#<cid>``, one per (instance, chat).

- ``cid`` is a UUIDv5 of tenant + instance + chat JID, so two first messages processed at once converge on one
  conversation instead of racing to create two.
- gsi2 lists a tenant's conversations by last activity: ``gsi2pk=T#<tid>#CONV  gsi2sk=<last activity>#<cid>``.
- ``last_message_*`` only moves forward in time (a conditional update), so an old message processed late does
  not take over the preview.
- Inbox scoping (issue 4): every index sort key is the same activity key ``<last activity>#<cid>``.
  gsi3 = the department's conversations ``gsi3pk=T#<tid>#DEPT#<did>``; gsi4 = the conversation's OWNER:
  ``gsi4pk=T#<tid>#AGENT#<uid>`` when assigned, ``T#<tid>#DEPTQ#<did>`` (the department's unassigned queue)
  otherwise. An agent's inbox is the merge of two gsi4 partitions, a manager's one gsi3 partition, an admin's
  gsi2 — never a Scan. ``status``: "pending" (waiting in a queue), "open" (assigned), "closed".
- ``inbound_count`` counts the customer's messages (monotonic); each user's unread is that minus the
  ``seen_count`` of their own read marker (store/seen.py). ``waiting_since`` is the time of the first customer
  message not answered yet (set by an inbound message when absent, removed when we answer).
- Agent load ``pk=T#<tid> sk=AGENTLOAD#<uid>``: open conversations assigned to the agent, moved in the same
  transaction as the assignment change (auto-assignment picks the least busy).
"""
from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from pynamodb.attributes import BooleanAttribute, ListAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.update import Action

from alrea.core.clock import iso, utcnow
from alrea.store.base import Gsi2, Gsi3, Gsi4, Item, update_if
from alrea.store.keys import tenant_pk

_NAMESPACE = uuid.UUID("6f1d3c2e-8a4b-5c6d-9e0f-a1b2c3d4e5f6")


def conversation_id(tenant_id: str, instance_id: str, chat_jid: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{tenant_id}|{instance_id}|{chat_jid}"))


def conversation_sk(cid: str) -> str:
    return f"CONV#{cid}"


def activity_pk(tenant_id: str) -> str:
    return f"T#{tenant_id}#CONV"


def activity_sk(at: str, cid: str) -> str:
    return f"{at}#{cid}"


def department_pk(tenant_id: str, department_id: str) -> str:
    return f"T#{tenant_id}#DEPT#{department_id}"


def agent_pk(tenant_id: str, user_id: str) -> str:
    return f"T#{tenant_id}#AGENT#{user_id}"


def queue_pk(tenant_id: str, department_id: str) -> str:
    return f"T#{tenant_id}#DEPTQ#{department_id}"


STATUSES = ("open", "pending", "closed")


def owner_pk(tenant_id: str, department_id: str | None, assigned_user_id: str | None) -> str | None:
    if assigned_user_id:
        return agent_pk(tenant_id, assigned_user_id)
    return queue_pk(tenant_id, department_id) if department_id else None


def status_for(assigned_user_id: str | None, closed: bool) -> str:
    return "closed" if closed else ("open" if assigned_user_id else "pending")


class ConversationItem(Item):
    gsi2 = Gsi2()
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)
    gsi3 = Gsi3()
    gsi3pk = UnicodeAttribute(null=True)
    gsi3sk = UnicodeAttribute(null=True)
    gsi4 = Gsi4()
    gsi4pk = UnicodeAttribute(null=True)
    gsi4sk = UnicodeAttribute(null=True)

    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    instance_id = UnicodeAttribute()
    chat_jid = UnicodeAttribute()
    is_group = BooleanAttribute(default=False)
    contact_key = UnicodeAttribute(null=True)
    contact_name = UnicodeAttribute(null=True)  # WhatsApp's name for the peer (pushName, chat and contact events)
    display_name = UnicodeAttribute(null=True)  # the name a person gave the contact in the inbox: wins in views
    phone = UnicodeAttribute(null=True)
    lid = UnicodeAttribute(null=True)
    last_message_at = UnicodeAttribute(null=True)
    last_message_preview = UnicodeAttribute(null=True)
    last_message_direction = UnicodeAttribute(null=True)
    last_message_id = UnicodeAttribute(null=True)
    inbound_count = NumberAttribute(default=0)
    waiting_since = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    department_id = UnicodeAttribute(null=True)
    assigned_user_id = UnicodeAttribute(null=True)
    assigned_user_name = UnicodeAttribute(null=True)
    tags = ListAttribute(of=UnicodeAttribute, null=True)
    created_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)
    opened_at = UnicodeAttribute(null=True)  # reports: when it was last opened (first message, or reopened)
    mood = UnicodeAttribute(null=True)  # Sense (services/sense.py): the rolling mood
    mood_score = NumberAttribute(null=True)
    mood_samples = NumberAttribute(null=True)


def key_item(tenant_id: str, cid: str) -> ConversationItem:
    return ConversationItem(tenant_pk(tenant_id), conversation_sk(cid))


def update_existing(tenant_id: str, cid: str, actions: list[Action]) -> ConversationItem | None:
    """Apply actions to a conversation that exists; None (and nothing written) when it does not."""
    C = ConversationItem
    item = key_item(tenant_id, cid)
    return item if update_if(item, [*actions, C.updated_at.set(iso(utcnow()))], C.pk.exists()) else None


def get(tenant_id: str, cid: str) -> ConversationItem | None:
    try:
        return ConversationItem.get(tenant_pk(tenant_id), conversation_sk(cid))
    except DoesNotExist:
        return None


def iter_all(tenant_id: str, *, page_size: int = 200) -> Iterator[Conversation]:
    """Every conversation of the tenant, newest activity first (gsi2), read ``page_size`` at a time (the LGPD
    export and erasure walk them)."""
    for item in ConversationItem.gsi2.query(activity_pk(tenant_id), scan_index_forward=False,
                                            page_size=page_size):
        yield to_domain(item)


# ---------------------------------------------------------------- inbox: scoped lists
INDEX_SK = {"gsi2": "gsi2sk", "gsi3": "gsi3sk", "gsi4": "gsi4sk"}


def scan_stream(index: str, partition: str, *, before: str | None, page_size: int, budget: int,
                want: int, condition: Any = None, accept: Any = None, forward: bool = False
                ) -> tuple[list[ConversationItem], str | None, int]:
    """Newest-first pages of one index partition below ``before`` until ``want`` items matched or ``budget``
    items were read. Answers (matching items, frontier, items read): ``frontier`` is the activity key of the
    last item DynamoDB evaluated when more may follow (None when the partition is exhausted). ``forward``
    reads oldest first instead, above ``before`` (then the cursor key is a lower bound)."""
    idx = getattr(ConversationItem, index)
    sk_attr = getattr(ConversationItem, INDEX_SK[index])
    range_condition = ((sk_attr > before) if forward else (sk_attr < before)) if before else None
    results = idx.query(partition, range_condition, filter_condition=condition, scan_index_forward=forward,
                        page_size=page_size)
    matched: list[ConversationItem] = []
    read = 0
    frontier: str | None = None
    for page in results.page_iter:
        read += int(page.get("ScannedCount", 0))
        for raw in page.get("Items", []):
            item = ConversationItem.from_raw_data(raw)
            if accept is None or accept(item):
                matched.append(item)
        last = page.get("LastEvaluatedKey")
        frontier = last[INDEX_SK[index]]["S"] if last else None
        if frontier is None or len(matched) >= want or read >= budget:
            break
        results.page_iter.page_size = min(max(page_size, want - len(matched)), budget - read)
    return matched, frontier, read


def count_stream(index: str, partition: str, *, condition: Any = None, cap: int, budget: int) -> tuple[int, bool]:
    """Count one index partition's items matching ``condition`` with ``Select=COUNT`` (no item data leaves the
    table), stopping once ``cap`` matched or ``budget`` items were read. Answers (count, exact): ``exact`` is
    False when it stopped early (the count is then a lower bound)."""
    from pynamodb.constants import COUNT
    from pynamodb.pagination import ResultIterator

    hash_key = getattr(ConversationItem, index)._hash_key_attribute().serialize(partition)
    results = ResultIterator(ConversationItem._get_connection().query, (hash_key,),
                             {"filter_condition": condition, "index_name": index, "select": COUNT})
    counted = read = 0
    for page in results.page_iter:
        counted += int(page.get("Count", 0))
        read += int(page.get("ScannedCount", 0))
        if not page.get("LastEvaluatedKey"):
            return counted, True
        if counted >= cap or read >= budget:
            return counted, False
    return counted, True


# ---------------------------------------------------------------- inbox: routing and assignment
class AgentLoad(Item):
    """Open conversations assigned to one user (auto-assignment picks the least busy)."""

    open_count = NumberAttribute(default=0)

    @classmethod
    def ref(cls, tenant_id: str, user_id: str) -> AgentLoad:
        return cls(tenant_pk(tenant_id), f"AGENTLOAD#{user_id}")


def agent_loads(tenant_id: str) -> dict[str, int]:
    """user id -> open assigned conversations, for every user that ever had one (one Query)."""
    return {item.sk.removeprefix("AGENTLOAD#"): int(item.open_count or 0)
            for item in AgentLoad.query(tenant_pk(tenant_id), AgentLoad.sk.startswith("AGENTLOAD#"))}


def change_owner(current: ConversationItem, *, department_id: str | None, assigned_user_id: str | None,
                 assigned_user_name: str | None, closed: bool) -> bool:
    """Move the conversation to a department / assignee / closed state, conditioned on the state read in
    ``current`` (False when another change won: re-read and retry). The agents' open counters move in the
    same transaction."""
    from pynamodb.exceptions import TransactWriteError

    from alrea.store.base import Transaction

    C = ConversationItem
    tid, cid = current.tenant_id, current.id
    status = status_for(assigned_user_id, closed)
    actions: list[Action] = [C.status.set(status), C.updated_at.set(iso(utcnow()))]
    actions.append(C.department_id.set(department_id) if department_id else C.department_id.remove())
    actions.append(C.gsi3pk.set(department_pk(tid, department_id)) if department_id else C.gsi3pk.remove())
    owner = owner_pk(tid, department_id, assigned_user_id)
    actions.append(C.gsi4pk.set(owner) if owner else C.gsi4pk.remove())
    if assigned_user_id:
        actions += [C.assigned_user_id.set(assigned_user_id), C.assigned_user_name.set(assigned_user_name or "")]
    else:
        actions += [C.assigned_user_id.remove(), C.assigned_user_name.remove()]
    same = C.pk.exists()
    for attr, value in ((C.assigned_user_id, current.assigned_user_id), (C.department_id, current.department_id)):
        same = same & ((attr == value) if value else attr.does_not_exist())
    old_status = current.status or "pending"
    same = same & ((C.status == current.status) if current.status else C.status.does_not_exist())
    was_open = bool(current.assigned_user_id) and old_status != "closed"
    is_open = bool(assigned_user_id) and not closed
    tx = Transaction()
    try:
        with tx:
            tx.update("conversation", key_item(tid, cid), actions=actions, condition=same)
            if was_open and (not is_open or current.assigned_user_id != assigned_user_id):
                tx.update("old_load", AgentLoad.ref(tid, current.assigned_user_id),
                          actions=[AgentLoad.open_count.add(-1), AgentLoad.entity.set("agent_load")])
            if is_open and (not was_open or current.assigned_user_id != assigned_user_id):
                tx.update("new_load", AgentLoad.ref(tid, assigned_user_id),
                          actions=[AgentLoad.open_count.add(1), AgentLoad.entity.set("agent_load")])
    except TransactWriteError as exc:
        codes = tx.codes(exc)
        if codes.get("conversation") in ("ConditionalCheckFailed", "TransactionConflict"):
            return False
        raise
    return True


def batch_get(tenant_id: str, cids: list[str]) -> dict[str, ConversationItem]:
    """cid -> conversation for the ids that exist (BatchGetItem, 100 keys a call)."""
    keys = [(tenant_pk(tenant_id), conversation_sk(c)) for c in dict.fromkeys(cids)]
    found: dict[str, ConversationItem] = {}
    for start in range(0, len(keys), 100):
        for item in ConversationItem.batch_get(keys[start:start + 100]):
            found[item.id] = item
    return found


# ---------------------------------------------------------------- domain types and the inbound message's writes
from alrea.domain.conversations import Conversation, Route  # noqa: E402


def to_domain(item: ConversationItem) -> Conversation:
    return Conversation(
        id=item.id, tenant_id=item.tenant_id, instance_id=item.instance_id, chat_jid=item.chat_jid,
        is_group=bool(item.is_group), contact_key=item.contact_key, contact_name=item.contact_name,
        display_name=item.display_name, phone=item.phone, lid=item.lid, last_message_at=item.last_message_at,
        last_message_preview=item.last_message_preview, last_message_direction=item.last_message_direction,
        last_message_id=item.last_message_id, inbound_count=int(item.inbound_count or 0),
        waiting_since=item.waiting_since, status=item.status, department_id=item.department_id,
        assigned_user_id=item.assigned_user_id, assigned_user_name=item.assigned_user_name,
        tags=tuple(item.tags or ()), created_at=item.created_at, updated_at=item.updated_at,
        activity_key=item.gsi2sk or "", mood=item.mood, opened_at=item.opened_at,
        mood_score=float(item.mood_score) if item.mood_score is not None else None,
        mood_samples=int(item.mood_samples or 0))


def find(tenant_id: str, cid: str) -> Conversation | None:
    """The conversation as a domain value (None when it does not exist)."""
    item = get(tenant_id, cid)
    return to_domain(item) if item is not None else None


def _owner_actions(tid: str, department_id: str | None, assigned_user_id: str | None,
                   assigned_user_name: str | None, closed: bool) -> list[Action]:
    C = ConversationItem
    actions: list[Action] = [C.status.set(status_for(assigned_user_id, closed))]
    actions.append(C.department_id.set(department_id) if department_id else C.department_id.remove())
    actions.append(C.gsi3pk.set(department_pk(tid, department_id)) if department_id else C.gsi3pk.remove())
    owner = owner_pk(tid, department_id, assigned_user_id)
    actions.append(C.gsi4pk.set(owner) if owner else C.gsi4pk.remove())
    if assigned_user_id:
        actions += [C.assigned_user_id.set(assigned_user_id), C.assigned_user_name.set(assigned_user_name or "")]
    else:
        actions += [C.assigned_user_id.remove(), C.assigned_user_name.remove()]
    return actions


def _same_owner(before: Conversation) -> Any:
    """The condition that the routing state is still the one ``before`` was read with."""
    C = ConversationItem
    same = C.pk.exists()
    for attr, value in ((C.assigned_user_id, before.assigned_user_id), (C.department_id, before.department_id),
                        (C.status, before.status)):
        same = same & ((attr == value) if value else attr.does_not_exist())
    return same


def load_moves(before: Conversation | None, route: Route | None) -> dict[str, int]:
    """Agent open-conversation counters a route changes: user id -> +1/-1 (the same rule as change_owner)."""
    if route is None:
        return {}
    old_user = before.assigned_user_id if before is not None else None
    was_open = bool(old_user) and (before is not None and (before.status or "pending") != "closed")
    is_open = bool(route.assigned_user_id) and not route.closed
    moves: dict[str, int] = {}
    if was_open and (not is_open or old_user != route.assigned_user_id):
        moves[old_user] = moves.get(old_user, 0) - 1  # type: ignore[index]
    if is_open and (not was_open or old_user != route.assigned_user_id):
        moves[route.assigned_user_id] = moves.get(route.assigned_user_id, 0) + 1  # type: ignore[index]
    return moves


def message_write(before: Conversation | None, *, tenant_id: str, cid: str, instance_id: str, chat_jid: str,
                  is_group: bool, at: str, preview: str, direction: str, wamid: str, inbound: bool,
                  answered: bool, contact_key: str | None = None, contact_name: str | None = None,
                  phone: str | None = None, lid: str | None = None, route: Route | None = None, now: str
                  ) -> tuple[ConversationItem, list[Action], Any, Conversation]:
    """The conversation's part of a new message's transaction, decided from ``before`` (as read): create it or
    touch it (counters, waiting, contact fields), move its last activity when this message is the newest, and
    apply ``route`` (department / assignee / reopen). The condition holds only while the conversation is still
    as read (routing state and last activity), so a concurrent change cancels the transaction and the caller
    re-reads. Answers (key item, actions, condition, the conversation as it will be)."""
    C = ConversationItem
    key = activity_sk(at, cid)
    contact = {k: v for k, v in (("contact_key", contact_key), ("contact_name", contact_name), ("phone", phone),
                                 ("lid", lid)) if v}
    bump = before is None or not before.last_message_at or before.last_message_at <= at
    actions: list[Action] = [C.updated_at.set(now)]
    changes: dict[str, Any] = {"updated_at": now, **contact}
    for name, value in contact.items():
        actions.append(getattr(C, name).set(value))
    if before is None:
        actions += [C.entity.set("conversation"), C.id.set(cid), C.tenant_id.set(tenant_id),
                    C.instance_id.set(instance_id), C.chat_jid.set(chat_jid), C.is_group.set(is_group),
                    C.gsi2pk.set(activity_pk(tenant_id)), C.created_at.set(now),
                    C.inbound_count.set(1 if inbound else 0)]
        if inbound:
            actions.append(C.waiting_since.set(at))
        if route is None:
            actions.append(C.status.set("pending"))
        condition = C.pk.does_not_exist()
        after = Conversation(id=cid, tenant_id=tenant_id, instance_id=instance_id, chat_jid=chat_jid,
                             is_group=is_group, created_at=now, inbound_count=1 if inbound else 0,
                             waiting_since=at if inbound else None, status="pending", **changes)
    else:
        if inbound:
            actions += [C.inbound_count.add(1), C.waiting_since.set(C.waiting_since | at)]
            changes.update(inbound_count=before.inbound_count + 1, waiting_since=before.waiting_since or at)
        elif answered:
            actions.append(C.waiting_since.remove())
            changes["waiting_since"] = None
        condition = _same_owner(before) & (
            (C.last_message_at == before.last_message_at) if before.last_message_at else
            C.last_message_at.does_not_exist())
        after = before.but(**changes)
    if bump:
        actions += [C.last_message_at.set(at), C.last_message_preview.set(preview),
                    C.last_message_direction.set(direction), C.last_message_id.set(wamid),
                    C.gsi2sk.set(key), C.gsi3sk.set(key), C.gsi4sk.set(key)]
        after = after.but(last_message_at=at, last_message_preview=preview, last_message_direction=direction,
                          last_message_id=wamid, activity_key=key)
    if route is not None:
        actions += _owner_actions(tenant_id, route.department_id, route.assigned_user_id, route.assigned_user_name,
                                  route.closed)
        after = after.but(status=status_for(route.assigned_user_id, route.closed), department_id=route.department_id,
                          assigned_user_id=route.assigned_user_id,
                          assigned_user_name=(route.assigned_user_name or "") if route.assigned_user_id else None)
    return key_item(tenant_id, cid), actions, condition, after


def load_item(tenant_id: str, user_id: str) -> AgentLoad:
    return AgentLoad.ref(tenant_id, user_id)


def load_actions(delta: int) -> list[Action]:
    return [AgentLoad.open_count.add(delta), AgentLoad.entity.set("agent_load")]


def _change(tenant_id: str, cid: str, actions: list[Action]) -> Conversation | None:
    """Apply actions to a conversation that exists: the conversation after it, or None (nothing written)."""
    item = update_existing(tenant_id, cid, actions)
    return to_domain(item) if item is not None else None


def set_contact_name(tenant_id: str, cid: str, name: str) -> Conversation | None:
    """WhatsApp's name for the peer (contacts/chats events)."""
    return _change(tenant_id, cid, [ConversationItem.contact_name.set(name)])


def set_display_name(tenant_id: str, cid: str, name: str | None) -> Conversation | None:
    """The name a person gave the contact in the inbox (None: back to WhatsApp's)."""
    C = ConversationItem
    return _change(tenant_id, cid, [C.display_name.set(name) if name else C.display_name.remove()])


def set_mood(tenant_id: str, cid: str, label: str, score: float, samples: int, *, after_samples: int
             ) -> Conversation | None:
    """The conversation's rolling mood, written only over the mood it was computed from (``after_samples``
    analysed messages): None when it is gone or another analysis moved it first (read again and retry)."""
    C = ConversationItem
    item = key_item(tenant_id, cid)
    seen = (C.mood_samples == after_samples) if after_samples else C.mood_samples.does_not_exist()
    if not update_if(item, [C.mood.set(label), C.mood_score.set(score), C.mood_samples.set(samples)],
                     C.pk.exists() & seen):
        return None
    return find(tenant_id, cid)


def set_opened_at(tenant_id: str, cid: str, at: str) -> None:
    """Reports: the time the conversation was (re)opened, for its resolution time."""
    update_if(key_item(tenant_id, cid), [ConversationItem.opened_at.set(at)], ConversationItem.pk.exists())


def set_tags(tenant_id: str, cid: str, tags: list[str]) -> Conversation | None:
    C = ConversationItem
    return _change(tenant_id, cid, [C.tags.set(tags) if tags else C.tags.remove()])


# ---------------------------------------------------------------- inbox: what a principal may list and count
from dataclasses import dataclass  # noqa: E402

from alrea.domain.conversations import ListFilters  # noqa: E402


@dataclass(frozen=True)
class Stream:
    index: str
    partition: str
    condition: Any = None
    accept: Any = None


def _attention_streams(caller: Any) -> list[Stream]:
    """The default view: the pending chats of the caller's queue + the caller's own open chats."""
    C = ConversationItem
    tid, me = caller.tenant_id, caller.user_id
    mine = Stream("gsi4", agent_pk(tid, me), C.status == "open")
    if caller.is_admin:
        return [Stream("gsi2", activity_pk(tid), C.status == "pending"), mine]
    own = caller.department_id
    return [Stream("gsi4", queue_pk(tid, own), C.status == "pending"), mine] if own else [mine]


def _streams(caller: Any, f: ListFilters) -> list[Stream]:
    C = ConversationItem
    tid, me = caller.tenant_id, caller.user_id
    if f.view == "inbox":
        return _attention_streams(caller)
    dept = f.department_id
    who = me if f.assigned_user_id == "me" else f.assigned_user_id
    in_dept = (C.department_id == dept) if dept else None
    if caller.is_admin:
        if who == "none":
            return ([Stream("gsi4", queue_pk(tid, dept))] if dept else
                    [Stream("gsi2", activity_pk(tid), C.assigned_user_id.does_not_exist())])
        if who:
            return [Stream("gsi4", agent_pk(tid, who), in_dept)]
        if dept:
            return [Stream("gsi3", department_pk(tid, dept))]
        return [Stream("gsi2", activity_pk(tid))]
    own = caller.department_id
    if caller.is_manager:
        elsewhere = ((C.department_id != own) | C.department_id.does_not_exist()) if own else None
        mine_elsewhere = Stream("gsi4", agent_pk(tid, me), in_dept if dept else elsewhere,
                                accept=lambda i: i.department_id != own)
        if who == "none":
            return [Stream("gsi4", queue_pk(tid, own))] if own and dept in (None, own) else []
        if who == me:
            return [Stream("gsi4", agent_pk(tid, me), in_dept)]
        if who:
            return [Stream("gsi4", agent_pk(tid, who), C.department_id == own)] \
                if own and dept in (None, own) else []
        if dept and dept != own:
            return [mine_elsewhere]
        return [Stream("gsi3", department_pk(tid, own)), mine_elsewhere] if own else [mine_elsewhere]
    streams = []
    if who in (None, me):
        streams.append(Stream("gsi4", agent_pk(tid, me), in_dept))
    if who in (None, "none") and own and dept in (None, own):
        streams.append(Stream("gsi4", queue_pk(tid, own)))
    return streams


def _condition(f: ListFilters) -> Any:
    C = ConversationItem
    parts = []
    if f.status and f.view != "inbox":
        parts.append(C.status == f.status)
    if f.view == "inbox" and f.department_id:  # the default view's streams ignore the owner filters
        parts.append(C.department_id == f.department_id)
    if f.instance_id:
        parts.append(C.instance_id == f.instance_id)
    if f.mood:
        parts.append(C.mood == f.mood)
    condition = None
    for part in parts:
        condition = part if condition is None else condition & part
    return condition


def list_visible_to(principal: Any, f: ListFilters, *, before: str | None, want: int, read_budget: int,
                    accept: Any = None) -> tuple[list[Conversation], str | None]:
    """The conversations ``principal`` may see under the filters ``f``, merged newest first (``f.sort ==
    "oldest"``: oldest first) below (above) the activity key ``before``, from the index partitions of their role
    (admin: the tenant, a department or an owner; manager: their department + their own elsewhere; agent:
    themselves + their department's queue). Reads at most ``read_budget`` items. Answers the conversations that
    are complete (at most ``want`` matched per partition) and the threshold key the merged list is complete up
    to (None: every partition was read to its end). ``accept``: a domain predicate applied after the read."""
    streams = _streams(principal, f)
    if not streams:
        return [], None
    condition = _condition(f)
    forward = f.sort == "oldest"
    filtered = condition is not None or accept is not None or f.unread or \
        any(s.condition is not None for s in streams)
    page_size = max(want, 100) if filtered else want
    budget = read_budget // len(streams)
    found: list[ConversationItem] = []
    frontiers: list[str] = []
    for stream in streams:
        cond = stream.condition if condition is None else (
            condition if stream.condition is None else stream.condition & condition)
        accepts = [a for a in (stream.accept, accept) if a is not None]
        items, frontier, _ = scan_stream(
            stream.index, stream.partition, before=before, page_size=min(page_size, budget), budget=budget,
            want=want, condition=cond, forward=forward,
            accept=(lambda i, a=accepts: all(x(to_domain(i)) for x in a)) if accepts else None)
        found += items
        if frontier:
            frontiers.append(frontier)
    # the merged list is complete up to the nearest frontier of the streams
    threshold = (min(frontiers) if forward else max(frontiers)) if frontiers else None
    key = lambda i: i.gsi2sk or ""  # noqa: E731 - every index sorts by the same activity key
    ready = sorted((i for i in {i.id: i for i in found}.values()
                    if threshold is None or (key(i) <= threshold if forward else key(i) >= threshold)),
                   key=key, reverse=not forward)
    return [to_domain(i) for i in ready], threshold


def _count(streams: list[Stream], condition: Any, cap: int, budget: int) -> int:
    total = 0
    for stream in streams:
        cond = stream.condition if condition is None else (
            condition if stream.condition is None else stream.condition & condition)
        n, _ = count_stream(stream.index, stream.partition, condition=cond, cap=cap - total, budget=budget)
        total += n
        if total >= cap:
            return cap
    return total


def count_visible(principal: Any, *, cap: int, budget: int) -> dict[str, int]:
    """The inbox tabs' counts for ``principal`` (Select=COUNT of the same partitions as the lists, each capped
    at ``cap``, each partition reading at most ``budget`` items): the default view, pending, mine, open. The
    partitions of each count never overlap (disjoint partitions or statuses), so the sums are exact."""
    C = ConversationItem
    tid, me = principal.tenant_id, principal.user_id
    return {
        "inbox": _count(_attention_streams(principal), None, cap, budget),
        "pending": _count(_streams(principal, ListFilters()), C.status == "pending", cap, budget),
        "mine": _count([Stream("gsi4", agent_pk(tid, me))], C.status == "open", cap, budget),
        "open": _count(_streams(principal, ListFilters()), C.status == "open", cap, budget),
    }


def find_many(tenant_id: str, cids: list[str]) -> dict[str, Conversation]:
    """cid -> conversation for the ids that exist (BatchGetItem, 100 keys a call)."""
    return {cid: to_domain(item) for cid, item in batch_get(tenant_id, cids).items()}
