"""The webhook processor: one queued Evolution webhook → store changes → real-time pushes.

Each queued body is ``{tenant_id, instance_id, event, received_at, envelope}`` (see services/webhooks.py): the
tenant and instance were resolved at the edge from the webhook's secret URL, so nothing here trusts the
envelope for them. Redelivery is safe: a message is stored once per WhatsApp id (store/messages.py), statuses
only move forward, and contact/conversation updates are idempotent. A body that cannot be understood raises,
so the batch processor reports it failed and SQS moves it to the DLQ after the queue's max receive count.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel

from alrea.core.clock import iso, parse_iso, utcnow
from alrea.core.errors import NotFound
from alrea.core import metrics as app_metrics
from alrea.core.log import logger
from alrea.domain import evolution as ev
from alrea.domain.conversations import ContactSeen, ContactTouch, InboundTouch, conversation_view
from alrea.domain.messages import MEDIA_KINDS, Direction, Kind, Message, message_view, preview, rank
from alrea.services import audience, hooks, retention
from alrea.ports.push import conversation_group, tenant_group
from alrea.store import contacts, conversations, messages
from alrea.wiring import runtime

DOWNLOAD_QUEUE = "chat_download_attachment"


class InboundJob(BaseModel):
    tenant_id: str
    instance_id: str
    event: str
    received_at: str
    envelope: dict[str, Any]


# ---------------------------------------------------------------- pushes
def _push(tenant_id: str, cid: str | None, *events: dict[str, Any], conv: Any = None, push: Any = None) -> None:
    """Best effort: the store change is done; a lost push is repaired by the next read.

    A conversation's events go to its audience (alrea.services.audience: admins, the department's managers,
    the assignee or the department's queue) and its subscribers; the instance's state to the tenant; QR codes
    and notifications to the admins."""
    if cid:
        audience.push_to_conversation(tenant_id, cid, *events, conv=conv, push=push)
        return
    groups = [audience.admins_group(tenant_id)]
    # the instance's state is the whole tenant's business (the numbers page); a QR code (it pairs a phone
    # with the account) and notifications are the admins' only
    if all(event.get("type") not in ("notification", "instance_qrcode") for event in events):
        groups.append(tenant_group(tenant_id))
    audience.push_groups(groups, *events, push=push)


def _push_conversation(tenant_id: str, cid: str, item: Any, push: Any = None) -> None:
    _push(tenant_id, cid, {"type": "conversation_updated", "conversation": conversation_view(item)}, conv=item,
          push=push)


# ---------------------------------------------------------------- the batch
class Batch:
    """What one webhook_process invocation reads once for all its messages: WebSocket group members (the
    fan-out), and, only when a conversation needs routing, the instance's default department, the inbox
    settings, the users and their loads. Made per invocation and passed down explicitly (no module state),
    so nothing read here outlives the batch (at most ``batch_size`` messages, a few seconds)."""

    def __init__(self) -> None:
        self._memo: dict[Any, Any] = {}
        self._conversations: dict[tuple[str, str], Any] = {}  # (tenant, cid) -> Conversation | None, as stored
        self._contacts: dict[tuple[str, str], ContactSeen] = {}
        self.push = runtime().push.session(self.members)

    def prefetch(self, bodies: Iterable[dict[str, Any]]) -> None:
        """Read the conversations and contacts of every message of the batch in one BatchGetItem, before the
        first one is processed. A body that does not parse is left to :func:`process` (which raises)."""
        wanted = []
        for body in bodies:
            try:
                job = InboundJob.model_validate(body)
                envelope = ev.Envelope.model_validate(job.envelope)
                if envelope.event not in ("messages.upsert", "send.message"):
                    continue
                msg = self.parsed(job.instance_id, envelope.event, envelope.data)
            except Exception:  # noqa: BLE001 - process() reports it
                continue
            if msg.chat.is_broadcast:
                continue
            person = _person(msg, "")
            wanted.append((job.tenant_id, conversations.conversation_id(job.tenant_id, job.instance_id, msg.chat.jid),
                           person.key if person else None))
        if not wanted:
            return
        try:
            found, people = messages.read_many(wanted)
        except Exception:  # noqa: BLE001 - each message reads its own state then
            logger.exception("batch prefetch failed")
            return
        self._conversations.update(found)
        self._contacts.update(people)

    def parsed(self, instance_id: str, event: str, data: Any) -> ev.InboundMessage:
        """A message parsed once per batch (prefetch and process share it)."""
        wamid = ev.message_key(event, data)
        if not wamid:
            return ev.parse_message(data, event=event)
        return self.once(("parsed", instance_id, event, wamid), lambda: ev.parse_message(data, event=event))

    def state(self, tenant_id: str, cid: str, contact_key: str | None) -> tuple[Any, ContactSeen | None] | None:
        """The conversation and contact as this batch read or wrote them last; None when not known."""
        if (tenant_id, cid) not in self._conversations:
            return None
        if contact_key and (tenant_id, contact_key) not in self._contacts:
            return None
        return self._conversations[(tenant_id, cid)], self._contacts.get((tenant_id, contact_key or ""))

    def remember(self, tenant_id: str, conversation: Any, contact: ContactSeen | None) -> None:
        self._conversations[(tenant_id, conversation.id)] = conversation
        if contact is not None:
            self._contacts[(tenant_id, contact.key)] = contact

    def forget(self, tenant_id: str, cid: str) -> None:
        self._conversations.pop((tenant_id, cid), None)

    def once(self, key: Any, load: Callable[[], Any]) -> Any:
        if key not in self._memo:
            self._memo[key] = load()
        return self._memo[key]

    def members(self, group: str) -> list[str]:
        """A group's connections, looked up once per batch; a conversation's subscribers come from ONE read of
        the tenant's subscriptions (store/connections.py), shared by every conversation of the batch."""
        from alrea.store import connections

        kind, _, rest = group.partition(":")
        if kind == "conv":
            tenant_id, _, cid = rest.partition(":")
            subs = self.once(("subscriptions", tenant_id), lambda: connections.subscriptions(tenant_id))
            return subs.get(cid, [])
        return self.once(("members", group), lambda: connections.members(group))


# ---------------------------------------------------------------- messages
def _message(job: InboundJob, msg: ev.InboundMessage, cid: str, at: str) -> Message:
    fields: dict[str, Any] = {}
    if msg.media:
        fields["media"] = msg.media.model_dump(exclude_none=True)
    if msg.location:
        fields["location"] = msg.location.model_dump(exclude_none=True)
    if msg.contacts:
        fields["contacts"] = [c.model_dump(exclude_none=True) for c in msg.contacts]
    if msg.reaction:
        fields.update(reaction_target=msg.reaction.target_id, reaction_emoji=msg.reaction.emoji)
    if msg.quoted_id:  # a reply: whose message it quotes (the bubble says "Você" for ours)
        quoted = messages.find(job.tenant_id, job.instance_id, msg.quoted_id)
        fields["quoted_from_me"] = bool(quoted.from_me) if quoted is not None else None
    return Message(
        sk=messages.message_sk(at, msg.wamid), ttl=retention.message_ttl(job.tenant_id), id=msg.wamid,
        tenant_id=job.tenant_id, conversation_id=cid, instance_id=job.instance_id,
        direction=msg.direction, kind=msg.kind.value, message_type=msg.message_type, text=msg.text,
        status=msg.status.value, status_rank=rank(msg.status), from_me=msg.from_me, author_jid=msg.author_jid,
        author_phone=msg.author_phone, author_name=msg.push_name if msg.chat.is_group and not msg.from_me else None,
        quoted_id=msg.quoted_id, quoted_text=msg.quoted_text, reactions={}, source=msg.source, sent_at=at,
        created_at=iso(utcnow()),
        **fields,
    )


def _person(msg: ev.InboundMessage, at: str) -> ContactTouch | None:
    """The person behind the message: the 1:1 peer (whose last interaction moves), or a group message's author."""
    name = None if msg.from_me else msg.push_name  # our own pushName ("Você", the account name) is not theirs
    if not msg.chat.is_group:
        return ContactTouch(msg.chat.contact_key, phone=msg.chat.phone, lid=msg.chat.lid, name=name,
                            interaction_at=at) if msg.chat.contact_key else None
    author_key = msg.author_phone or msg.author_jid
    if msg.from_me or not author_key:
        return None
    lid = msg.author_jid if msg.author_jid and msg.author_jid.endswith("@lid") else None
    return ContactTouch(author_key, phone=msg.author_phone, lid=lid, name=name)


def _reactor(msg: ev.InboundMessage) -> str:
    if msg.from_me:
        return "me"
    return msg.author_phone or msg.author_jid or msg.chat.contact_key or msg.chat.jid


ATTEMPTS = 4


def _contact_after(person: ContactTouch | None, seen: ContactSeen | None, synced: bool) -> ContactSeen | None:
    """The contact as the message's transaction left it (for the next message of the batch)."""
    if person is None:
        return None
    seen = seen if seen is not None and seen.key == person.key else ContactSeen(person.key)
    last = max(filter(None, (seen.last_interaction_at, person.interaction_at)), default=None)
    return ContactSeen(person.key, exists=True, name=person.name or seen.name, phone=person.phone or seen.phone,
                       lid=person.lid or seen.lid, avatar_fetched_at=seen.avatar_fetched_at, last_interaction_at=last,
                       terms_current=synced)


def on_message(job: InboundJob, data: Any, batch: Batch) -> None:
    msg = batch.parsed(job.instance_id, job.event, data)
    if msg.chat.is_broadcast:
        logger.info("broadcast/newsletter message ignored", extra={"wamid": msg.wamid})
        return
    tid, chat = job.tenant_id, msg.chat
    at = iso(msg.timestamp or parse_iso(job.received_at))
    cid = conversations.conversation_id(tid, job.instance_id, chat.jid)
    inbound_new = msg.direction == Direction.IN and msg.kind is not Kind.REACTION
    answered = msg.from_me and msg.direction == Direction.OUT and msg.kind is not Kind.REACTION
    if answered:
        from alrea.services import chat_send

        # the echo of an inbox send (services/chat_send.py): attach it to that message, never a duplicate
        if chat_send.claim_echo(tid, job.instance_id, cid, msg.wamid, msg.text):
            logger.info("echo of an inbox send", extra={"wamid": msg.wamid, "conversation_id": cid})
            return
    message = _message(job, msg, cid, at)
    person = _person(msg, at)
    file_name = msg.media.file_name if msg.media else None
    touch = InboundTouch(
        instance_id=job.instance_id, chat_jid=chat.jid, is_group=chat.is_group, at=at, direction=msg.direction,
        wamid=msg.wamid, inbound=inbound_new, answered=answered, contact_key=chat.contact_key, phone=chat.phone,
        lid=chat.lid, contact_name=None if (msg.from_me or chat.is_group) else msg.push_name,
        preview=preview(msg.kind, msg.text, file_name=file_name, emoji=msg.reaction.emoji if msg.reaction else None))
    from alrea.services import inbox, search

    view = message_view(message)
    index = search.entry_of(view)
    person_key = person.key if person else None
    for _ in range(ATTEMPTS):  # "changed": the conversation moved between the read and the write
        known = batch.state(tid, cid, person_key)  # read for the whole batch, or written by its last message
        before, seen_contact = known if known is not None else messages.read_for_message(tid, cid, person_key)
        route = inbox.route_for_message(batch, tid, before, job.instance_id, inbound=inbound_new)
        outcome, conv, synced = messages.record_message(message, before, touch, route=route, contact=person,
                                                        contact_before=seen_contact, index=index)
        if outcome != "changed":
            break
        batch.forget(tid, cid)
    else:
        raise RuntimeError("the conversation kept changing; the webhook is retried")
    if outcome == "duplicate":
        logger.info("duplicate message ignored", extra={"wamid": msg.wamid, "event": job.event})
        return
    assert conv is not None
    batch.remember(tid, conv, _contact_after(person, seen_contact, synced))
    logger.info("message stored", extra={"wamid": msg.wamid, "conversation_id": cid, "kind": message.kind})
    if route is not None:
        inbox.after_routed(before, conv)
    if msg.kind is not Kind.REACTION:
        hooks.conversation_changed(hooks.ConversationChanged(tid, before, conv, at, message=str(msg.direction)))
    # one fan-out for both events: the audience's connections are looked up once per batch
    _push(tid, cid, {"type": "message_received", "message": view},
          {"type": "conversation_updated", "conversation": conversation_view(conv)}, conv=conv, push=batch.push)
    if msg.reaction:
        _apply_reaction(job, msg, batch)
    if msg.kind in MEDIA_KINDS:
        runtime().bus.publish(DOWNLOAD_QUEUE, {"tenant_id": tid, "instance_id": job.instance_id,
                                               "conversation_id": cid, "message_sk": message.sk, "wamid": msg.wamid})
    hooks.message_stored(hooks.MessageStored(
        tenant_id=tid, instance_id=job.instance_id, conversation_id=cid, wamid=msg.wamid,
        direction=msg.direction, kind=message.kind, text=msg.text, at=at, contact_key=chat.contact_key,
        is_group=chat.is_group, message=view, contact=None if chat.is_group else seen_contact,
        contact_synced=bool(person) and not chat.is_group and (synced or msg.direction == Direction.OUT)))


def _apply_reaction(job: InboundJob, msg: ev.InboundMessage, batch: Batch | None = None) -> None:
    assert msg.reaction is not None
    target = messages.find(job.tenant_id, job.instance_id, msg.reaction.target_id)
    if target is None:
        logger.info("reaction to a message we do not have", extra={"target": msg.reaction.target_id})
        return
    reacted = messages.set_reaction(target, _reactor(msg), msg.reaction.emoji)
    if reacted is not None:
        _push(job.tenant_id, target.conversation_id, {"type": "message_updated", "message": message_view(reacted)},
              push=batch.push if batch else None)


def on_status(job: InboundJob, data: Any, batch: Batch) -> None:
    for update in ev.parse_status_updates(data):
        item = messages.find(job.tenant_id, job.instance_id, update.wamid)
        hooks.status_changed(hooks.StatusChanged(
            tenant_id=job.tenant_id, instance_id=job.instance_id, wamid=update.wamid, status=update.status.value,
            rank=rank(update.status), at=iso(utcnow()), known_message=item is not None,
            previous_rank=item.status_rank if item is not None else None))
        if item is None:
            # receipts for messages sent before we stored them (or dropped by Evolution's DB): nothing to move
            logger.info("status for an unknown message", extra={"wamid": update.wamid, "status": update.status})
            continue
        moved = messages.advance_status(item, update.status.value, rank(update.status), iso(utcnow()))
        if moved is None:
            logger.info("stale status ignored", extra={"wamid": update.wamid, "status": update.status})
            continue
        item = moved
        _push(job.tenant_id, item.conversation_id, {
            "type": "message_status", "conversation_id": item.conversation_id, "message_id": item.id,
            "message_sk": item.sk, "status": item.status, "status_at": item.status_at}, push=batch.push)


def on_delete(job: InboundJob, data: Any, batch: Batch) -> None:
    deletion = ev.parse_deletion(data)
    item = messages.find(job.tenant_id, job.instance_id, deletion.wamid)
    if item is None:
        logger.info("delete of an unknown message", extra={"wamid": deletion.wamid})
        return
    deleted = messages.mark_deleted(item, iso(utcnow()))
    if deleted is not None:
        view = message_view(deleted)
        _push(job.tenant_id, item.conversation_id, {"type": "message_updated", "message": view}, push=batch.push)
        hooks.message_deleted(hooks.MessageDeleted(job.tenant_id, job.instance_id, item.conversation_id,
                                                   deletion.wamid, view))


# ---------------------------------------------------------------- contacts and chats
def on_contacts(job: InboundJob, data: Any, batch: Batch) -> None:
    for update in ev.parse_contacts(data):
        chat = update.chat
        contacts.upsert(job.tenant_id, chat.contact_key, phone=chat.phone, lid=chat.lid, name=update.name,
                        profile_pic_url=update.profile_pic_url)
        if update.name:
            cid = conversations.conversation_id(job.tenant_id, job.instance_id, chat.jid)
            named = conversations.set_contact_name(job.tenant_id, cid, update.name)
            if named is not None:
                _push_conversation(job.tenant_id, cid, named, batch.push)


def on_chats(job: InboundJob, data: Any, batch: Batch) -> None:
    """Chat list events carry a name at most. Their ``unreadMessages`` is WhatsApp's count on the phone, and
    Evolution sends ``0`` after every receipt: the inbox keeps its own unread count (cleared by an agent's read)."""
    for update in ev.parse_chats(data):
        if not update.name or update.chat.is_broadcast or update.chat.is_group:
            continue
        cid = conversations.conversation_id(job.tenant_id, job.instance_id, update.chat.jid)
        named = conversations.set_contact_name(job.tenant_id, cid, update.name)
        if named is not None:
            _push_conversation(job.tenant_id, cid, named, batch.push)


def on_presence(job: InboundJob, data: Any, batch: Batch) -> None:
    presence = ev.parse_presence(data)
    if presence is None or presence.chat.is_group:
        return
    cid = conversations.conversation_id(job.tenant_id, job.instance_id, presence.chat.jid)
    audience.push_groups([conversation_group(job.tenant_id, cid)],
                         {"type": "presence", "conversation_id": cid, "presence": presence.presence})
    from alrea.services.presence import push_customer_activity

    push_customer_activity(job.tenant_id, cid, presence.presence)


# ---------------------------------------------------------------- instance
def on_connection(job: InboundJob, data: Any, batch: Batch) -> None:
    connection = ev.parse_connection(data)
    from alrea.store import instances  # the instance store belongs to the instances module

    try:
        instances.update_state(job.tenant_id, job.instance_id, connection.state,
                               status_reason=connection.status_reason, wuid=connection.wuid,
                               phone=connection.phone, profile_name=connection.profile_name)
    except NotFound:
        logger.info("connection update for a deleted instance")
        return
    status = {"type": "instance_status", "instance_id": job.instance_id, "state": connection.state,
              "status_reason": connection.status_reason, "phone": connection.phone,
              "profile_name": connection.profile_name}
    _push(job.tenant_id, None, status)
    hooks.connection_changed(hooks.ConnectionChanged(
        tenant_id=job.tenant_id, instance_id=job.instance_id, state=connection.state,
        dropped=connection.dropped, status_reason=connection.status_reason))
    if connection.dropped:
        logger.warning("instance disconnected", extra={"instance_id": job.instance_id,
                                                       "status_reason": connection.status_reason})
        _push(job.tenant_id, None, {
            "type": "notification", "kind": "instance_disconnected", "instance_id": job.instance_id,
            "status_reason": connection.status_reason, "at": iso(utcnow()),
            "message": f"O número {job.envelope.get('instance') or job.instance_id} foi desconectado do "
                       "WhatsApp e precisa ser conectado de novo."})


def on_qrcode(job: InboundJob, data: Any, batch: Batch) -> None:
    qr = ev.parse_qrcode(data)
    _push(job.tenant_id, None, {"type": "instance_qrcode", "instance_id": job.instance_id, "base64": qr.base64,
                                "code": qr.code, "pairing_code": qr.pairing_code, "error": qr.error})


HANDLERS: dict[str, Callable[[InboundJob, Any, Batch], None]] = {
    "messages.upsert": on_message,
    "send.message": on_message,
    "messages.update": on_status,
    "messages.delete": on_delete,
    "contacts.update": on_contacts,
    "contacts.upsert": on_contacts,
    "chats.update": on_chats,
    "chats.upsert": on_chats,
    "presence.update": on_presence,
    "connection.update": on_connection,
    "qrcode.updated": on_qrcode,
}
assert set(HANDLERS) == set(ev.HANDLED_EVENTS)


def process(body: dict[str, Any], batch: Batch | None = None) -> None:
    """Process one queued webhook; raises on a body that can never be processed (→ DLQ). ``batch``: the
    invocation's Batch (webhook_process makes one per SQS batch); a fresh one when alone."""
    job = InboundJob.model_validate(body)
    envelope = ev.Envelope.model_validate(job.envelope)
    handler = HANDLERS.get(envelope.event)
    if handler is None:
        logger.info("event not handled", extra={"event": envelope.event})
        return
    job.event = envelope.event
    logger.append_keys(tenant_id=job.tenant_id, instance_id=job.instance_id, event=job.event)
    try:
        handler(job, envelope.data, batch if batch is not None else Batch())
    finally:
        logger.remove_keys(["tenant_id", "instance_id", "event"])
    app_metrics.count(app_metrics.WEBHOOKS_PROCESSED, tenant_id=job.tenant_id)
    lag = utcnow() - parse_iso(job.received_at)
    app_metrics.lag_ms(app_metrics.WEBHOOK_LAG, lag.total_seconds() * 1000, tenant_id=job.tenant_id)
