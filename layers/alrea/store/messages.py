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
from typing import Any

from pynamodb.attributes import BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from alrea.core.log import logger
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

    def view(self) -> dict[str, Any]:
        base = self._view()
        if self.source == "inbox" or self.kind == "note":  # written by the inbox, not by WhatsApp
            base.update(wamid=self.wamid, sent_by=self.sent_by, sent_by_name=self.sent_by_name,
                        failure_reason=self.failure_reason)
        return base

    def _view(self) -> dict[str, Any]:
        return {
            "id": self.id, "conversation_id": self.conversation_id, "instance_id": self.instance_id,
            "sk": self.sk, "direction": self.direction, "kind": self.kind, "text": self.text,
            "media": _plain(self.media), "media_key": self.media_key, "media_error": self.media_error,
            "location": _plain(self.location),
            "contacts": _plain(self.contacts), "status": self.status, "from_me": self.from_me,
            "author_jid": self.author_jid, "author_phone": self.author_phone, "author_name": self.author_name,
            "quoted_id": self.quoted_id,
            "quoted": {"id": self.quoted_id, "text": self.quoted_text, "from_me": self.quoted_from_me}
            if self.quoted_id else None,
            "reaction_target": self.reaction_target,
            "reaction_emoji": self.reaction_emoji, "reactions": _plain(self.reactions) or {},
            "deleted": bool(self.deleted), "deleted_at": self.deleted_at, "sent_at": self.sent_at,
            "created_at": self.created_at, "status_at": self.status_at,
        }


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


def _transaction() -> TransactWrite:
    from alrea.store.base import transaction  # one cached connection: a new botocore client costs 0.1-0.6 s

    return transaction()


def _codes(exc: TransactWriteError) -> list[str | None]:
    """Per-item reasons, in PynamoDB's send order: condition checks, deletes, puts, updates."""
    return [reason.code if reason else None for reason in exc.cancellation_reasons or []]


def insert(message: MessageItem, updates: list[tuple[Item, list[Action]]]) -> bool:
    """Store a new message atomically with its pointer and the given updates (conversation, contact).

    Answers False (and writes nothing) when the WhatsApp id was already stored for the instance.
    """
    pointer = MessagePointer(pointer_pk(message.tenant_id, message.instance_id, message.id), POINTER_SK,
                             entity="wamsg", tenant_id=message.tenant_id, instance_id=message.instance_id,
                             conversation_id=message.conversation_id, message_sk=message.sk)
    for attempt in range(_CONFLICT_RETRIES):
        try:
            with _transaction() as t:
                t.save(pointer, condition=MessagePointer.pk.does_not_exist())
                t.save(message)
                for key_item, actions in updates:
                    t.update(key_item, actions=actions)
            return True
        except TransactWriteError as exc:
            codes = _codes(exc)
            if codes and codes[0] == "ConditionalCheckFailed":
                return False
            if "TransactionConflict" in codes and attempt + 1 < _CONFLICT_RETRIES:
                time.sleep(random.uniform(0.02, 0.1) * (attempt + 1))
                continue
            raise
    return False  # pragma: no cover - the loop either returns or raises


def find(tenant_id: str, instance_id: str, wamid: str) -> MessageItem | None:
    try:
        pointer = MessagePointer.get(pointer_pk(tenant_id, instance_id, wamid), POINTER_SK)
    except DoesNotExist:
        return None
    try:
        return MessageItem.get(messages_pk(tenant_id, pointer.conversation_id), pointer.message_sk)
    except DoesNotExist:
        logger.warning("message pointer without its message", extra={"wamid": wamid})
        return None


def find_by_id(tenant_id: str, cid: str, message_id: str) -> MessageItem | None:
    """A conversation's message by its ``id`` (inbox sends have no pointer under our id): newest first."""
    M = MessageItem
    for item in M.query(messages_pk(tenant_id, cid), M.sk.startswith("MSG#"), scan_index_forward=False,
                        filter_condition=M.id == message_id, page_size=200):
        return item
    return None


def update_existing(item: MessageItem, actions: list[Action], condition: Any = None) -> bool:
    """Update a message that exists (and meets ``condition``); False, with nothing written, otherwise."""
    guard = MessageItem.pk.exists()
    return update_if(item, actions, guard & condition if condition is not None else guard)


def advance_status(item: MessageItem, status: str, rank: int, at: str) -> bool:
    """Set the status only if it outranks the stored one; the item is refreshed either way it applies."""
    M = MessageItem
    return update_existing(item, [M.status.set(status), M.status_rank.set(rank), M.status_at.set(at)],
                   M.status_rank < rank)


def set_reaction(item: MessageItem, reactor: str, emoji: str) -> bool:
    """Apply (or remove, for "") one person's reaction onto the reacted message."""
    M = MessageItem
    action = M.reactions[reactor].set(emoji) if emoji else M.reactions[reactor].remove()
    return update_existing(item, [action], M.reactions.exists())


def mark_deleted(item: MessageItem, at: str) -> bool:
    M = MessageItem
    return update_existing(item, [M.deleted.set(True), M.deleted_at.set(at)])


def set_media_key(item: MessageItem, key: str) -> bool:
    return update_existing(item, [MessageItem.media_key.set(key), MessageItem.media_error.remove()])


def set_media_error(item: MessageItem, reason: str | None) -> bool:
    """Mark (or, with None, clear) a failed download; never over a file that got stored meanwhile."""
    M = MessageItem
    action = M.media_error.set(reason) if reason else M.media_error.remove()
    return update_existing(item, [action], M.media_key.does_not_exist())


def get(tenant_id: str, cid: str, sk: str) -> MessageItem | None:
    try:
        return MessageItem.get(messages_pk(tenant_id, cid), sk)
    except DoesNotExist:
        return None


def list_newest_first(tenant_id: str, cid: str, *, limit: int, start: dict | None = None
                      ) -> tuple[list[MessageItem], dict | None]:
    results = MessageItem.query(messages_pk(tenant_id, cid), MessageItem.sk.startswith("MSG#"),
                                scan_index_forward=False, limit=limit, last_evaluated_key=start)
    items = list(results)
    return items, (results.last_evaluated_key if len(items) == limit else None)


# ---------------------------------------------------------------- domain values and the inbound message
from dataclasses import fields as _fields  # noqa: E402


from alrea.core.clock import iso, utcnow  # noqa: E402
from alrea.domain.conversations import Conversation, ContactSeen, ContactTouch, InboundTouch, Route  # noqa: E402
from alrea.domain.messages import Message  # noqa: E402

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


def record_inbound(message: Message, before: Conversation | None, touch: InboundTouch, *, route: Route | None,
                   contact: ContactTouch | None, contact_before: ContactSeen | None, index: Any = None
                   ) -> tuple[str, Conversation | None, bool]:
    """A new message in ONE transaction: its WhatsApp-id pointer (only if absent), the message, its
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
    pointer = MessagePointer(pointer_pk(tid, message.instance_id, message.id), POINTER_SK, entity="wamsg",
                             tenant_id=tid, instance_id=message.instance_id, conversation_id=cid,
                             message_sk=message.sk)
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
    room = TRANSACTION_MAX - 3 - (contact_actions is not None) - len(loads)
    in_tx, after_tx = words[:room], words[room:]
    for attempt in range(_CONFLICT_RETRIES):
        tx = Transaction()
        try:
            with tx:
                for n, word in enumerate(in_tx):
                    tx.put(f"word:{n}", word)
                tx.put("pointer", pointer, condition=MessagePointer.pk.does_not_exist())
                tx.put("message", item)
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
