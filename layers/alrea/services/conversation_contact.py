"""The person behind a conversation, as the chat's contact panel shows and edits it.

- Conversation views answered by the API carry ``contact_id`` and ``avatar_url`` (:func:`with_contacts`): one
  BatchGetItem of the page's contacts, and a short-lived presigned GET of each cached profile picture
  (services/profile_pics.py; presigning is local computation).
- ``GET/PATCH /api/conversations/{cid}/contact``: the contact (name, tags, custom fields, notes) through the
  contacts service — so the same validation and tag counters apply — scoped by the CONVERSATION's visibility
  (whoever may see the chat may edit its contact). A new name is also written on the contact's conversations
  as ``display_name`` (which wins over WhatsApp's pushName, so the next message does not undo it) and pushed,
  so the list and the header change at once.
- ``PUT /api/conversations/{cid}/tags``: the conversation's labels (its own ``tags``, not the contact's).
"""
from __future__ import annotations

from typing import Any

from alrea.core.errors import Invalid, NotFound
from alrea.core.log import logger
from alrea.domain import contacts as dom
from alrea.domain.contacts import Contact
from alrea.domain.conversations import Conversation, conversation_view
from alrea.domain.roles import Principal
from alrea.services import audience, profile_pics
from alrea.services import contacts as contact_service
from alrea.services.inbox import load_visible
from alrea.store import contacts, conversations, instances

MAX_TAGS = dom.MAX_TAGS
NO_CONTACT = "Esta conversa não tem um contato (grupo ou número desconhecido)."


def with_contacts(tenant_id: str, views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add ``contact_id`` and ``avatar_url`` to conversation views (one batch read for the page)."""
    keys = [v["contact_key"] for v in views if v.get("contact_key") and not v.get("is_group")]
    found = contacts.batch_get(tenant_id, keys) if keys else {}
    for view in views:
        item = found.get(view.get("contact_key") or "")
        view["contact_id"] = item.id if item is not None else None
        view["avatar_url"] = profile_pics.presigned(item)
    return views


def view_of(conv: Conversation) -> dict[str, Any]:
    return with_contacts(conv.tenant_id, [conversation_view(conv)])[0]


# ---------------------------------------------------------------- labels of the conversation
def set_tags(caller: Principal, conversation_id: str, tags: list[str]) -> dict[str, Any]:
    conv = load_visible(caller, conversation_id)
    try:
        cleaned = dom.clean_tags(tags)
    except dom.ContactValueError as exc:
        raise Invalid(f"Etiquetas inválidas: {exc}.", field="tags") from None
    fresh = conversations.set_tags(caller.tenant_id, conv.id, cleaned)
    if fresh is None:
        raise NotFound("Conversa não encontrada.")
    audience.push_conversation_event(fresh, {"type": "conversation_updated", "conversation": conversation_view(fresh)})
    return view_of(fresh)


# ---------------------------------------------------------------- the contact
def _contact_of(caller: Principal, conversation_id: str) -> tuple[Conversation, Contact]:
    conv = load_visible(caller, conversation_id)
    item = contacts.get(caller.tenant_id, conv.contact_key) if conv.contact_key and not conv.is_group else None
    if item is None or not item.id:
        raise NotFound(NO_CONTACT)
    return conv, item


def _same_contact(caller: Principal, conv: Conversation) -> list[Conversation]:
    """The contact's conversations on every number of the tenant (one per number), visible to the caller."""
    found = []
    for instance in instances.list_instances(caller.tenant_id):
        cid = conversations.conversation_id(caller.tenant_id, instance.instance_id, conv.chat_jid)
        other = conv if cid == conv.id else conversations.find(caller.tenant_id, cid)
        if other is not None and audience.can_see_item(caller, other):
            found.append(other)
    return found or [conv]


def _answer(caller: Principal, conv: Conversation, item: Contact) -> dict[str, Any]:
    contact = contact_service.with_avatar(item)
    others = [conversation_view(c) for c in _same_contact(caller, conv) if c.id != conv.id]
    return {"contact": contact, "conversations": others}


def get_contact(caller: Principal, conversation_id: str) -> dict[str, Any]:
    conv, item = _contact_of(caller, conversation_id)
    return _answer(caller, conv, item)


def edit_contact(caller: Principal, conversation_id: str, **changes: Any) -> dict[str, Any]:
    """Edit the contact (name, notes, fields, tags) with the contacts service's rules; a new name is written
    on the contact's conversations and pushed."""
    conv, item = _contact_of(caller, conversation_id)
    updated = contact_service.update(caller, item.id, **changes)
    if "name" in changes:
        name = updated.name
        for other in _same_contact(caller, conv):
            fresh = conversations.set_display_name(caller.tenant_id, other.id, name)
            if fresh is not None:
                audience.push_conversation_event(fresh, {"type": "conversation_updated",
                                                         "conversation": conversation_view(fresh)})
        logger.info("contact renamed from the inbox", extra={"conversation_id": conv.id})
    fresh_item = contacts.get(caller.tenant_id, item.key) or item
    return _answer(caller, conversations.find(caller.tenant_id, conv.id) or conv, fresh_item)
