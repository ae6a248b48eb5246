"""Conversations of the inbox as the services see them (store/conversations.py returns these).

The field names are the stored attributes' names. ``activity_key`` is the ``<last activity>#<cid>`` key every
inbox list is ordered by (opaque to the services: they only compare and page with it).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

STATUSES = ("open", "pending", "closed")


def status_for(assigned_user_id: str | None, closed: bool) -> str:
    return "closed" if closed else ("open" if assigned_user_id else "pending")


@dataclass(frozen=True)
class Conversation:
    id: str
    tenant_id: str
    instance_id: str
    chat_jid: str
    is_group: bool = False
    contact_key: str | None = None
    contact_name: str | None = None  # WhatsApp's name for the peer (pushName, chat and contact events)
    display_name: str | None = None  # the name a person gave the contact in the inbox: wins in views
    phone: str | None = None
    lid: str | None = None
    last_message_at: str | None = None
    last_message_preview: str | None = None
    last_message_direction: str | None = None
    last_message_id: str | None = None
    inbound_count: int = 0
    waiting_since: str | None = None
    status: str | None = None
    department_id: str | None = None
    assigned_user_id: str | None = None
    assigned_user_name: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    created_at: str | None = None
    updated_at: str | None = None
    activity_key: str = ""
    opened_at: str | None = None  # reports: when it was last opened
    mood: str | None = None  # Sense: the rolling mood of the customer's messages (pos | neu | neg)
    mood_score: float | None = None
    mood_samples: int = 0

    def but(self, **changes: Any) -> Conversation:
        return replace(self, **changes)


@dataclass(frozen=True)
class Route:
    """Where an inbound message puts its conversation: a department, an assignee (or None) and open/closed."""
    department_id: str | None
    assigned_user_id: str | None
    assigned_user_name: str | None
    closed: bool = False


def conversation_view(c: Any) -> dict[str, Any]:
    """The wire shape of a conversation (API answers and pushed events alike)."""
    view = {
        "id": c.id, "instance_id": c.instance_id, "chat_jid": c.chat_jid, "is_group": c.is_group,
        "contact_key": c.contact_key, "contact_name": c.display_name or c.contact_name,
        "phone": c.phone,
        "lid": c.lid, "last_message_at": c.last_message_at,
        "last_message_preview": c.last_message_preview,
        "last_message_direction": c.last_message_direction, "last_message_id": c.last_message_id,
        "inbound_count": int(c.inbound_count or 0), "waiting_since": c.waiting_since,
        "created_at": c.created_at, "updated_at": c.updated_at,
        "status": c.status or status_for(c.assigned_user_id, False),
        "department_id": c.department_id, "assigned_user_id": c.assigned_user_id,
        "assigned_user_name": c.assigned_user_name, "tags": list(c.tags or []),
    }
    if getattr(c, "mood", None):  # Sense: the customer's rolling mood
        view.update(mood=c.mood, mood_score=float(c.mood_score) if c.mood_score is not None else None)
    return view


@dataclass(frozen=True)
class ContactSeen:
    """What the inbound pipeline reads of the person behind a chat before storing a message (``exists`` False:
    no contact yet). ``terms_current``: the contact's search terms match its name."""
    key: str
    exists: bool = False
    name: str | None = None
    phone: str | None = None
    lid: str | None = None
    avatar_fetched_at: str | None = None
    last_interaction_at: str | None = None
    terms_current: bool = False


@dataclass(frozen=True)
class InboundTouch:
    """How a new message changes its conversation."""
    instance_id: str
    chat_jid: str
    is_group: bool
    at: str
    preview: str
    direction: str
    wamid: str
    inbound: bool  # a customer's message: counts in inbound_count and starts the wait
    answered: bool  # a message from us: ends the wait
    contact_key: str | None = None
    contact_name: str | None = None
    phone: str | None = None
    lid: str | None = None


@dataclass(frozen=True)
class ContactTouch:
    """The person behind a new message: created or updated with what the message says (never blanked);
    ``interaction_at`` moves their last interaction (1:1 chats)."""
    key: str
    phone: str | None = None
    lid: str | None = None
    name: str | None = None
    interaction_at: str | None = None


@dataclass(frozen=True)
class ListFilters:
    """The inbox list's filters (GET /api/conversations)."""
    status: str | None = None
    department_id: str | None = None
    assigned_user_id: str | None = None  # uuid | "me" | "none"
    unread: bool = False
    instance_id: str | None = None
    q: str | None = None
    view: str | None = None  # "inbox": the default view (queue + my open chats)
    mood: str | None = None  # Sense: "neg" = "clientes insatisfeitos"
    sort: str = "newest"  # "newest" | "oldest"


WAIT_WARN_MINUTES = 5
WAIT_ALERT_MINUTES = 15


@dataclass(frozen=True)
class InboxSettings:
    """A tenant's inbox settings: auto-assignment and the waiting thresholds (minutes after which a waiting
    customer's timer turns amber, then red)."""
    auto_assign: bool = False
    wait_warn_minutes: int = WAIT_WARN_MINUTES
    wait_alert_minutes: int = WAIT_ALERT_MINUTES
    updated_at: str | None = None


def settings_view(s: InboxSettings) -> dict[str, Any]:
    return {"auto_assign": bool(s.auto_assign), "wait_warn_minutes": s.wait_warn_minutes,
            "wait_alert_minutes": s.wait_alert_minutes, "updated_at": s.updated_at}
