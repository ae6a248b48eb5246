"""Messages of a conversation and the pointer that makes each WhatsApp id unique per instance.

- message  ``pk=T#<tid>#CONV#<cid>  sk=MSG#<iso time>#<wamid>`` — newest-first reads are one Query.
- pointer  ``pk=T#<tid>#WAMSG#<instance_id>#<wamid>  sk=WAMSG`` → the message's conversation and sk.

A new message is one TransactWrite: put the pointer (only if absent) + put the message + touch the conversation.
A duplicate delivery fails the pointer's condition, so the whole transaction is cancelled and nothing changes.
Status updates find the message through its pointer and apply only when the new status outranks the stored one.
"""
from __future__ import annotations

import random
import time
from dataclasses import fields as _fields
from collections.abc import Iterator
from typing import Any

from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.update import Action

from alrea.core.clock import iso, utcnow
from alrea.core.log import logger
from alrea.domain.conversations import Conversation, ContactSeen, ContactTouch, InboundTouch, Route
from alrea.domain.messages import OUR_SENDS, Message, rank as status_rank
from alrea.store.base import Item, update_if
from alrea.store.keys import child_pk

POINTER_SK = "WAMSG"


def messages_pk(tenant_id: str, cid: str) -> str:
    return child_pk(tenant_id, "CONV", cid)


def message_sk(at: str, wamid: str) -> str:
    return f"MSG#{at}#{wamid}"


def pointer_pk(tenant_id: str, instance_id: str, wamid: str) -> str:
    return child_pk(tenant_id, "WAMSG", f"{instance_id}#{wamid}")


class MessageItem(Item):
    id = UnicodeAttribute()  # the WhatsApp message id
    tenant_id = UnicodeAttribute()
    conversation_id = UnicodeAttribute()
    instance_id = UnicodeAttribute()
    direction = UnicodeAttribute()
    kind = UnicodeAttribute()
    message_type = UnicodeAttribute(null=True)
    text = UnicodeAttribute(null=True)
    media = MapAttribute(null=True)
    media_key = UnicodeAttribute(null=True)
    media_error = UnicodeAttribute(null=True)  # the download of a received file failed for good (pt-BR)
    location = MapAttribute(null=True)
    contacts = ListAttribute(null=True)
    status = UnicodeAttribute()
    status_rank = NumberAttribute()
    status_at = UnicodeAttribute(null=True)
    from_me = BooleanAttribute(default=False)
    author_jid = UnicodeAttribute(null=True)
    author_phone = UnicodeAttribute(null=True)
    author_name = UnicodeAttribute(null=True)
    quoted_id = UnicodeAttribute(null=True)  # WhatsApp id of the message this one replies to
    quoted_text = UnicodeAttribute(null=True)  # a short text of it (body, caption or kind)
    quoted_from_me = BooleanAttribute(null=True)  # whether the quoted message was ours
    reaction_target = UnicodeAttribute(null=True)
    reaction_emoji = UnicodeAttribute(null=True)
    reactions = MapAttribute(default=dict)
    deleted = BooleanAttribute(default=False)
    deleted_at = UnicodeAttribute(null=True)
    source = UnicodeAttribute(null=True)
    # inbox sends (services/chat_send.py): ``id`` is our UUID, ``wamid`` WhatsApp's id once sent
    wamid = UnicodeAttribute(null=True)
    sent_by = UnicodeAttribute(null=True)
    sent_by_name = UnicodeAttribute(null=True)
    failure_reason = UnicodeAttribute(null=True)
    sending = BooleanAttribute(null=True)
    sent_at = UnicodeAttribute()  # WhatsApp's message time (messageTimestamp), UTC
    created_at = UnicodeAttribute()
    sentiment = UnicodeAttribute(null=True)  # Sense (services/sense.py): pos | neu | neg
    sentiment_score = NumberAttribute(null=True)


def _plain(value: Any) -> Any:
    if isinstance(value, MapAttribute):
        value = value.as_dict()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class MessagePointer(Item):
    tenant_id = UnicodeAttribute()
    instance_id = UnicodeAttribute()
    conversation_id = UnicodeAttribute()
    message_sk = UnicodeAttribute()


_CONFLICT_RETRIES = 4


def _key(m: Message) -> MessageItem:
    return MessageItem(messages_pk(m.tenant_id, m.conversation_id), m.sk)


def _update(m: Message, actions: list[Action], condition: Any = None) -> Message | None:
    """Update a message that exists (and meets ``condition``): the message as stored after it, or None (with
    nothing written) when it is gone or the condition did not hold."""
    item = _key(m)
    guard = MessageItem.pk.exists()
    if not update_if(item, actions, guard & condition if condition is not None else guard):
        return None
    return to_domain(item)


def _pointer(tenant_id: str, instance_id: str, conversation_id: str, wamid: str, message_sk: str) -> MessagePointer:
    return MessagePointer(pointer_pk(tenant_id, instance_id, wamid), POINTER_SK, entity="wamsg",
                          tenant_id=tenant_id, instance_id=instance_id, conversation_id=conversation_id,
                          message_sk=message_sk)


def find(tenant_id: str, instance_id: str, wamid: str) -> Message | None:
    """A message by its WhatsApp id (through its pointer)."""
    try:
        pointer = MessagePointer.get(pointer_pk(tenant_id, instance_id, wamid), POINTER_SK)
    except DoesNotExist:
        return None
    try:
        return to_domain(MessageItem.get(messages_pk(tenant_id, pointer.conversation_id), pointer.message_sk))
    except DoesNotExist:
        logger.warning("message pointer without its message", extra={"wamid": wamid})
        return None


def find_by_id(tenant_id: str, cid: str, message_id: str) -> Message | None:
    """A conversation's message by its ``id`` (inbox sends have no pointer under our id): newest first."""
    M = MessageItem
    for item in M.query(messages_pk(tenant_id, cid), M.sk.startswith("MSG#"), scan_index_forward=False,
                        filter_condition=M.id == message_id, page_size=200):
        return to_domain(item)
    return None


def get(tenant_id: str, cid: str, sk: str) -> Message | None:
    try:
        return to_domain(MessageItem.get(messages_pk(tenant_id, cid), sk))
    except DoesNotExist:
        return None


def list_newest_first(tenant_id: str, cid: str, *, limit: int, start: dict | None = None
                      ) -> tuple[list[Message], dict | None]:
    results = MessageItem.query(messages_pk(tenant_id, cid), MessageItem.sk.startswith("MSG#"),
                                scan_index_forward=False, limit=limit, last_evaluated_key=start)
    items = [to_domain(i) for i in results]
    return items, (results.last_evaluated_key if len(items) == limit else None)


def iter_all(tenant_id: str, cid: str, *, page_size: int = 200) -> Iterator[Message]:
    """Every message of a conversation, newest first, ``page_size`` at a time (the LGPD export)."""
    for item in MessageItem.query(messages_pk(tenant_id, cid), MessageItem.sk.startswith("MSG#"),
                                  scan_index_forward=False, page_size=page_size):
        yield to_domain(item)


def page(tenant_id: str, cid: str, *, limit: int, cursor: str | None) -> Any:
    """A page of a conversation's messages, newest first, on the one paging codec (store/paging.py)."""
    from alrea.core.errors import Invalid
    from alrea.store import paging

    query = paging.Query(tenant_id, "messages", {"conversation_id": cid})
    start = paging.decode(query, cursor)
    if start is not None and not (isinstance(start, dict) and set(start) == {"pk", "sk"}
                                  and start["pk"] == {"S": messages_pk(tenant_id, cid)}):
        raise Invalid(paging.BAD_CURSOR, field="cursor")
    items, last = list_newest_first(tenant_id, cid, limit=limit, start=start)
    return paging.Page(items, paging.encode(query, last))


def add(message: Message) -> None:
    """Store a message written by the inbox (a note, a compose): a new id, so only if absent."""
    to_item(message).save(condition=MessageItem.pk.does_not_exist())


def advance_status(m: Message, status: str, rank: int, at: str) -> Message | None:
    """Set the status only if it outranks the stored one (the message after it; None: stale)."""
    M = MessageItem
    return _update(m, [M.status.set(status), M.status_rank.set(rank), M.status_at.set(at)], M.status_rank < rank)


def set_reaction(m: Message, reactor: str, emoji: str) -> Message | None:
    """Apply (or remove, for "") one person's reaction onto the reacted message."""
    M = MessageItem
    action = M.reactions[reactor].set(emoji) if emoji else M.reactions[reactor].remove()
    return _update(m, [action], M.reactions.exists())


def mark_deleted(m: Message, at: str) -> Message | None:
    M = MessageItem
    return _update(m, [M.deleted.set(True), M.deleted_at.set(at)])


def set_sentiment(tenant_id: str, cid: str, sk: str, label: str, score: float) -> Message | None:
    """Sense's label and score of a message (an analysis repeated by a retry writes the same values); None when
    the message is gone."""
    M = MessageItem
    item = MessageItem(messages_pk(tenant_id, cid), sk)
    if not update_if(item, [M.sentiment.set(label), M.sentiment_score.set(score)], M.pk.exists()):
        return None
    return to_domain(item)


def set_media_key(m: Message, key: str) -> Message | None:
    return _update(m, [MessageItem.media_key.set(key), MessageItem.media_error.remove()])


def set_media_error(m: Message, reason: str | None) -> Message | None:
    """Mark (or, with None, clear) a failed download; never over a file that got stored meanwhile."""
    M = MessageItem
    action = M.media_error.set(reason) if reason else M.media_error.remove()
    return _update(m, [action], M.media_key.does_not_exist())


# ---------------------------------------------------------------- inbox sends (services/chat_send.py)
def requeue_failed(m: Message, at: str) -> Message | None:
    """A failed send back to pending (for a retry); None when it is not failed (any more)."""
    M = MessageItem
    return _update(m, [M.status.set("pending"), M.status_rank.set(status_rank("pending")), M.failure_reason.remove(),
                       M.sending.remove(), M.status_at.set(at)], M.status == "failed")


def claim_for_send(m: Message) -> bool:
    """Mark a pending message as being sent (only one attempt at a time): False when another has it."""
    M = MessageItem
    return _update(m, [M.sending.set(True)], (M.status == "pending") & M.sending.does_not_exist()) is not None


def release_send(m: Message) -> None:
    """Nothing went out: the next attempt may send."""
    _update(m, [MessageItem.sending.remove()])


def settle(m: Message, status: str, rank: int, at: str, *, reason: str | None = None,
           clear_reason: bool = False) -> Message | None:
    """A send's outcome (failed / unknown / sent) when it outranks the stored status; the sending mark goes."""
    M = MessageItem
    actions = [M.status.set(status), M.status_rank.set(rank), M.sending.remove(), M.status_at.set(at)]
    if reason is not None:
        actions.append(M.failure_reason.set(reason))
    elif clear_reason:
        actions.append(M.failure_reason.remove())
    return _update(m, actions, M.status_rank < rank)


def record_wamid(m: Message, wamid: str) -> bool:
    """WhatsApp's id for an inbox send, with its pointer, in one transaction. False when the pointer exists
    already (the echo was stored first): the id is set on the message anyway."""
    from alrea.store.base import Transaction

    M = MessageItem
    tx = Transaction()
    try:
        with tx:
            tx.put("pointer", _pointer(m.tenant_id, m.instance_id, m.conversation_id, wamid, m.sk),
                   condition=MessagePointer.pk.does_not_exist())
            tx.update("message", _key(m), actions=[M.wamid.set(wamid), M.sending.remove()])
        return True
    except TransactWriteError:
        try:
            existing = MessagePointer.get(pointer_pk(m.tenant_id, m.instance_id, wamid), POINTER_SK)
            if existing.message_sk != m.sk:
                logger.warning("echo stored under another message", extra={"wamid": wamid, "message_id": m.id})
        except DoesNotExist:
            pass
        _update(m, [M.wamid.set(wamid), M.sending.remove()])
        return False


def recent_unclaimed_sends(tenant_id: str, cid: str, since: str, limit: int = 50) -> list[Message]:
    """Inbox sends of a conversation since ``since`` that have no WhatsApp id yet (newest first)."""
    M = MessageItem
    return [to_domain(i) for i in M.query(messages_pk(tenant_id, cid), M.sk > message_sk(since, ""),
                                          scan_index_forward=False, limit=limit)
            if i.source in OUR_SENDS and not i.wamid]


def claim_echo(m: Message, wamid: str) -> bool:
    """Attach an echo's WhatsApp id (and pointer) to an inbox send that has none; False when taken."""
    from alrea.store.base import Transaction

    M = MessageItem
    tx = Transaction()
    try:
        with tx:
            tx.put("pointer", _pointer(m.tenant_id, m.instance_id, m.conversation_id, wamid, m.sk),
                   condition=MessagePointer.pk.does_not_exist())
            tx.update("message", _key(m), actions=[M.wamid.set(wamid)], condition=M.wamid.does_not_exist())
    except TransactWriteError:
        return False
    return True


# ---------------------------------------------------------------- domain values and the inbound message



_MESSAGE_FIELDS = tuple(f.name for f in _fields(Message) if f.name != "sk")


def to_domain(item: MessageItem) -> Message:
    values = {name: getattr(item, name, None) for name in _MESSAGE_FIELDS}
    for name in ("media", "location", "contacts", "reactions"):
        values[name] = _plain(values[name])
    values["reactions"] = values["reactions"] or {}
    values["status_rank"] = int(values["status_rank"] or 0)
    values["from_me"] = bool(values["from_me"])
    values["deleted"] = bool(values["deleted"])
    return Message(sk=item.sk, **values)


def to_item(message: Message) -> MessageItem:
    values = {name: getattr(message, name) for name in _MESSAGE_FIELDS}
    values = {k: v for k, v in values.items() if v is not None}
    values.setdefault("reactions", {})
    return MessageItem(messages_pk(message.tenant_id, message.conversation_id), message.sk, entity="message",
                       **values)


_CONTACT_ATTRS = ["pk", "sk", "key", "name", "phone", "lid", "avatar_fetched_at", "last_interaction_at", "terms_name"]


def read_for_message(tenant_id: str, cid: str, contact_key: str | None
                     ) -> tuple[Conversation | None, ContactSeen | None]:
    """The conversation and the person behind a new message, in ONE strongly consistent BatchGetItem (the
    message's transaction is conditioned on what is read here). The contact's attributes are projected to
    what the pipeline decides with."""
    conversations_found, contacts_found = read_many([(tenant_id, cid, contact_key)])
    return conversations_found.get((tenant_id, cid)), (
        contacts_found.get((tenant_id, contact_key)) if contact_key else None)


def read_many(wanted: list[tuple[str, str, str | None]]
              ) -> tuple[dict[tuple[str, str], Conversation | None], dict[tuple[str, str], ContactSeen]]:
    """:func:`read_for_message` for a whole batch of messages ((tenant, conversation, contact key) each): one
    BatchGetItem per 100 keys. Answers (tenant, cid) -> conversation or None, (tenant, key) -> contact seen."""
    from alrea.store import contacts as contact_store
    from alrea.store import conversations as conv_store
    from alrea.store.keys import tenant_pk

    C = conv_store.ConversationItem
    K = contact_store.ContactItem
    contact_attrs = K.get_attributes()
    names = sorted({a.attr_name for a in C.get_attributes().values()}
                   | {contact_attrs[n].attr_name for n in _CONTACT_ATTRS})
    pk, sk = C.pk.attr_name, C.sk.attr_name
    conversations_found: dict[tuple[str, str], Conversation | None] = {}
    contacts_found: dict[tuple[str, str], ContactSeen] = {}
    keys: dict[tuple[str, str], dict] = {}
    for tid, cid, contact_key in wanted:
        conversations_found[(tid, cid)] = None
        keys[(tenant_pk(tid), conv_store.conversation_sk(cid))] = {}
        if contact_key:
            contacts_found[(tid, contact_key)] = ContactSeen(contact_key, exists=False)
            keys[(tenant_pk(tid), contact_store.contact_sk(contact_key))] = {}
    placeholders = {f"#a{i}": name for i, name in enumerate(names)}
    client = C._get_connection().connection.client
    table = C.Meta.table_name
    raws: list[dict] = []
    key_list = [{pk: {"S": p}, sk: {"S": s}} for p, s in keys]
    for start in range(0, len(key_list), 100):
        request = {"Keys": key_list[start:start + 100], "ConsistentRead": True,
                   "ProjectionExpression": ", ".join(placeholders), "ExpressionAttributeNames": placeholders}
        for attempt in range(8):
            answer = client.batch_get_item(RequestItems={table: request})
            raws += answer.get("Responses", {}).get(table, [])
            left = answer.get("UnprocessedKeys", {}).get(table)
            if not left:
                break
            request = {**request, "Keys": left["Keys"]}
            time.sleep(0.02 * (attempt + 1))
        else:
            raise RuntimeError("BatchGetItem kept leaving keys unprocessed")
    for raw in raws:
        if raw[sk]["S"].startswith("CONV#"):
            conv = conv_store.to_domain(C.from_raw_data(raw))
            conversations_found[(conv.tenant_id, conv.id)] = conv
        else:
            item = K.from_raw_data(raw)
            tid = raw[pk]["S"].removeprefix("T#")
            contacts_found[(tid, item.key)] = ContactSeen(
                key=item.key, exists=True, name=item.name, phone=item.phone, lid=item.lid,
                avatar_fetched_at=item.avatar_fetched_at, last_interaction_at=item.last_interaction_at,
                terms_current=item.terms_name is not None and item.terms_name == contact_store._marker(item.name))
    return conversations_found, contacts_found


TRANSACTION_MAX = 100  # DynamoDB's limit of items in one TransactWriteItems


def record_message(message: Message, before: Conversation | None, touch: InboundTouch, *, route: Route | None,
                   contact: ContactTouch | None, contact_before: ContactSeen | None, index: Any = None,
                   pointer: bool = True) -> tuple[str, Conversation | None, bool]:
    """A new message in ONE transaction: its WhatsApp-id pointer (only if absent; ``pointer=False`` for an
    inbox send, which gets its WhatsApp id when sent), the message, its
    conversation (created or touched, last activity moved, routed — conditioned on the conversation still
    being as ``before``), the contact (upserted, last interaction moved) and the agents' open counters.

    Answers (outcome, the conversation as written, contact_synced): outcome "stored", "duplicate" (the id was
    stored before: nothing written) or "changed" (the conversation changed since it was read: nothing written,
    re-read and call again). ``contact_synced``: the contact needs nothing more (its search terms match).
    ``index`` (domain.search.Entry): the message's search words, written in the same transaction (exactly
    once with the message); words past the transaction's 100 items follow in a BatchWriteItem."""
    from alrea.store import contacts as contact_store
    from alrea.store import conversations as conv_store
    from alrea.store.base import Transaction

    now = iso(utcnow())
    tid, cid = message.tenant_id, message.conversation_id
    conv_key, conv_actions, conv_condition, after = conv_store.message_write(
        before, tenant_id=tid, cid=cid, instance_id=touch.instance_id, chat_jid=touch.chat_jid,
        is_group=touch.is_group, at=touch.at, preview=touch.preview, direction=touch.direction, wamid=touch.wamid,
        inbound=touch.inbound, answered=touch.answered, contact_key=touch.contact_key,
        contact_name=touch.contact_name, phone=touch.phone, lid=touch.lid, route=route, now=now)
    item = to_item(message)
    wamid_pointer = _pointer(tid, message.instance_id, cid, message.id, message.sk) if pointer else None
    contact_synced = False
    contact_actions = None
    if contact is not None:
        contact_actions = contact_store.upsert_actions(tid, contact.key, phone=contact.phone, lid=contact.lid,
                                                       name=contact.name)
        seen = contact_before if contact_before is not None and contact_before.key == contact.key else None
        if contact.interaction_at and (seen is None or not seen.last_interaction_at
                                       or seen.last_interaction_at < contact.interaction_at):
            contact_actions.append(contact_store.ContactItem.last_interaction_at.set(contact.interaction_at))
        contact_synced = bool(seen and seen.exists and seen.terms_current
                              and (not contact.name or contact.name == seen.name))
    loads = conv_store.load_moves(before, route)
    words: list[Any] = []
    if index is not None:
        from alrea.domain.search import PREFIX_LEN
        from alrea.store import search_index

        words = search_index._items(tid, cid, message.id, message.sent_at, list(index.words), PREFIX_LEN,
                                    message_sk=message.sk, direction=message.direction, snippet=index.snippet)
    room = TRANSACTION_MAX - 2 - pointer - (contact_actions is not None) - len(loads)
    in_tx, after_tx = words[:room], words[room:]
    for attempt in range(_CONFLICT_RETRIES):
        tx = Transaction()
        try:
            with tx:
                for n, word in enumerate(in_tx):
                    tx.put(f"word:{n}", word)
                if wamid_pointer is not None:
                    tx.put("pointer", wamid_pointer, condition=MessagePointer.pk.does_not_exist())
                    tx.put("message", item)
                else:
                    tx.put("message", item, condition=MessageItem.pk.does_not_exist())
                tx.update("conversation", conv_key, actions=conv_actions, condition=conv_condition)
                if contact_actions is not None:
                    tx.update("contact", contact_store.key_item(tid, contact.key), actions=contact_actions)
                for user_id, delta in loads.items():
                    tx.update(f"load:{user_id}", conv_store.load_item(tid, user_id),
                              actions=conv_store.load_actions(delta))
            if after_tx:
                from alrea.store.search_index import WordItem

                with WordItem.batch_write() as batch:
                    for word in after_tx:
                        batch.save(word)
            return "stored", after, contact_synced
        except TransactWriteError as exc:
            codes = tx.codes(exc)
            if codes.get("pointer") == "ConditionalCheckFailed":
                return "duplicate", None, False
            if codes.get("conversation") == "ConditionalCheckFailed":
                return "changed", None, False
            if "TransactionConflict" in codes.values() and attempt + 1 < _CONFLICT_RETRIES:
                time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))
                continue
            raise
    return "changed", None, False  # pragma: no cover - the loop either returns or raises
