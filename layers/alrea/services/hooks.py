"""Hook points other product modules listen on, without the inbound pipeline knowing them.

The inbound processor emits facts after it stored them: a message was stored (or deleted), a sent message's
status moved, an instance's connection changed. Product services emit a few more (a conversation assigned, an
internal note, a campaign started, paused, completed or auto-paused, a contact opted out, an import
finished) with one line at their producer. Modules register a listener by adding its dotted path to a list below
(one line each), so every listener is visible here. A failing listener raises: the queued webhook is retried
(all store writes are idempotent), and after the queue's max receive count it lands in the DLQ.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from typing import Any, Callable

from alrea.core.log import logger


@dataclass(frozen=True)
class MessageStored:
    tenant_id: str
    instance_id: str
    conversation_id: str
    wamid: str
    direction: str  # "in" | "out"
    kind: str
    text: str | None
    at: str  # ISO time of the message (messageTimestamp)
    contact_key: str | None  # E.164 phone of the 1:1 peer (or the LID when unresolved)
    is_group: bool
    message: dict[str, Any] = field(default_factory=dict)  # the stored message's view
    # the 1:1 peer as the pipeline read it before storing (domain.conversations.ContactSeen; None: not read)
    contact: Any = None
    # the pipeline already moved the peer's last interaction and their search terms match their name
    contact_synced: bool = False


@dataclass(frozen=True)
class MessageDeleted:
    tenant_id: str
    instance_id: str
    conversation_id: str
    wamid: str
    message: dict[str, Any] = field(default_factory=dict)  # the message's view (text still in it)


@dataclass(frozen=True)
class StatusChanged:
    tenant_id: str
    instance_id: str
    wamid: str
    status: str  # sent | delivered | read | played | failed
    rank: int
    at: str
    known_message: bool  # False when no inbox message exists for the id (e.g. a campaign send)
    previous_rank: int | None = None  # the inbox message's status rank before this update (None: unknown)


@dataclass(frozen=True)
class ConnectionChanged:
    tenant_id: str
    instance_id: str
    state: str
    dropped: bool
    status_reason: int | None = None


@dataclass(frozen=True)
class ConversationAssigned:
    """A conversation got an assignee who did not take it themself (assigned, transferred or auto-assigned)."""

    tenant_id: str
    conversation_id: str
    user_id: str  # the new assignee
    contact: str  # the contact's name (or phone) as the inbox shows it
    by_name: str | None = None  # who assigned it (None: the automatic distribution)


@dataclass(frozen=True)
class NoteAdded:
    tenant_id: str
    conversation_id: str
    note_id: str
    text: str
    author_id: str
    author_name: str
    department_id: str | None
    assigned_user_id: str | None


@dataclass(frozen=True)
class CampaignFinished:
    """A campaign completed, or was paused automatically (``outcome`` "auto_paused", with the reason)."""

    tenant_id: str
    campaign_id: str
    outcome: str  # "completed" | "auto_paused"
    name: str | None = None
    reason: str | None = None  # auto-pause: "disconnected" | "failures"
    message: str | None = None


@dataclass(frozen=True)
class CampaignStarted:
    """A campaign's run started: its first start (now or at its scheduled time), or a resume (``resumed``)."""

    tenant_id: str
    campaign_id: str
    run_id: str
    name: str | None = None
    total: int = 0  # recipients materialised
    resumed: bool = False
    at: str | None = None


@dataclass(frozen=True)
class CampaignPaused:
    """Someone paused a running campaign (an automatic pause is a ``CampaignFinished`` "auto_paused")."""

    tenant_id: str
    campaign_id: str
    run_id: str  # the run the pause ended
    name: str | None = None
    by: str | None = None  # the user's (or the API key's) name
    at: str | None = None


@dataclass(frozen=True)
class ContactOptedOut:
    """A contact was opted out of campaigns: in the app, through the partner API, or by a keyword reply."""

    tenant_id: str
    contact_id: str
    key: str  # the contact's key: E.164 phone (or the LID of a contact without one)
    phone: str | None
    at: str
    reason: str
    source: str  # "agent" (the app) | "api" | "whatsapp" (the customer's keyword)
    by: str | None = None  # the user id (agent, API key principal); None for a keyword


@dataclass(frozen=True)
class CampaignFailedOver:
    """A number left a running campaign (``reason`` "disconnected" | "failures") and its pending recipients
    moved to the campaign's other numbers, which go on sending."""

    tenant_id: str
    campaign_id: str
    instance_id: str
    reason: str
    moved: int
    message: str
    name: str | None = None


@dataclass(frozen=True)
class ImportFinished:
    tenant_id: str
    import_id: str
    user_id: str  # who started it
    status: str  # "done" | "failed"
    file_name: str | None = None
    imported: int = 0
    updated: int = 0
    failed: int = 0


@dataclass(frozen=True)
class ConversationChanged:
    """A conversation was written: by a message (``message`` "in" / "out") or by a person (assign, transfer,
    close, reopen). ``before`` is None for a new conversation; both are domain.conversations.Conversation."""

    tenant_id: str
    before: Any
    after: Any
    at: str  # when: the message's time, or now
    message: str | None = None  # "in" | "out" | None
    by_user: str | None = None  # the user who sent or changed it (None: the customer, WhatsApp, automation)


@dataclass(frozen=True)
class CampaignRecipientsMoved:
    """Campaign recipients changed status (the sender's outcomes, receipts, replies, opt-outs): one fact per
    batch. ``moves``: ``(variant, instance_id, old status, new status)`` (variant None before planning)."""

    tenant_id: str
    campaign_id: str
    moves: tuple[tuple[int | None, str, str, str], ...]


@dataclass(frozen=True)
class MessageAnalyzed:
    """Sense labelled a customer's message (services/sense.py); ``mood`` is the conversation's after it."""

    tenant_id: str
    conversation_id: str
    wamid: str
    label: str  # pos | neu | neg
    score: float
    at: str  # the message's time
    mood: str | None = None
    turned_negative: bool = False


@dataclass(frozen=True)
class WebhookDisabled:
    """An outbound webhook endpoint failed for a whole day and was turned off."""

    tenant_id: str
    webhook_id: str
    url: str
    at: str


# "package.module:function" — one line per listener
ON_MESSAGE_STORED: list[str] = [
    "alrea.services.profile_pics:request_fetch",
    "alrea.services.contacts:on_message_stored",
    "alrea.services.campaign_events:on_message_stored",
    "alrea.services.outbound_webhooks:on_message_stored",
    "alrea.services.sense:on_message_stored",
]
ON_MESSAGE_ANALYZED: list[str] = [
    "alrea.services.notifications:on_message_analyzed",
    "alrea.services.reports:on_message_analyzed",
]
ON_CAMPAIGN_RECIPIENTS_MOVED: list[str] = [
    "alrea.services.reports:on_campaign_recipients_moved",
]
ON_CONVERSATION_CHANGED: list[str] = [
    "alrea.services.reports:on_conversation_changed",
]
ON_MESSAGE_DELETED: list[str] = [
    "alrea.services.search:on_message_deleted",
]
ON_STATUS_CHANGED: list[str] = [
    "alrea.services.campaign_events:on_status_changed",
    "alrea.services.outbound_webhooks:on_status_changed",
    "alrea.services.onboarding:on_status_changed",
    "alrea.services.reports:on_status_changed",
]
ON_CONNECTION_CHANGED: list[str] = [
    "alrea.services.campaign_events:on_connection_changed",
    "alrea.services.notifications:on_connection_changed",
    "alrea.services.reports:on_connection_changed",
]
ON_CONVERSATION_ASSIGNED: list[str] = [
    "alrea.services.notifications:on_conversation_assigned",
    "alrea.services.outbound_webhooks:on_conversation_assigned",
]
ON_NOTE_ADDED: list[str] = [
    "alrea.services.notifications:on_note_added",
]
ON_CAMPAIGN_FINISHED: list[str] = [
    "alrea.services.notifications:on_campaign_finished",
    "alrea.services.outbound_webhooks:on_campaign_finished",
]
ON_CAMPAIGN_STARTED: list[str] = [
    "alrea.services.outbound_webhooks:on_campaign_started",
]
ON_CAMPAIGN_PAUSED: list[str] = [
    "alrea.services.outbound_webhooks:on_campaign_paused",
]
ON_CONTACT_OPTED_OUT: list[str] = [
    "alrea.services.outbound_webhooks:on_contact_opted_out",
]
ON_CAMPAIGN_FAILED_OVER: list[str] = [
    "alrea.services.notifications:on_campaign_failed_over",
]
ON_WEBHOOK_DISABLED: list[str] = [
    "alrea.services.notifications:on_webhook_disabled",
]
ON_IMPORT_FINISHED: list[str] = [
    "alrea.services.notifications:on_import_finished",
    "alrea.services.outbound_webhooks:on_import_finished",
]


@cache
def _resolve(path: str) -> Callable[[Any], None]:
    module, _, name = path.partition(":")
    return getattr(import_module(module), name)


def _emit(listeners: list[str], fact: Any) -> None:
    for path in listeners:
        logger.debug("hook", extra={"listener": path, "fact": type(fact).__name__})
        _resolve(path)(fact)


def message_stored(fact: MessageStored) -> None:
    _emit(ON_MESSAGE_STORED, fact)


def campaign_recipients_moved(fact: CampaignRecipientsMoved) -> None:
    _emit(ON_CAMPAIGN_RECIPIENTS_MOVED, fact)


def conversation_changed(fact: ConversationChanged) -> None:
    _emit(ON_CONVERSATION_CHANGED, fact)


def message_analyzed(fact: MessageAnalyzed) -> None:
    _emit(ON_MESSAGE_ANALYZED, fact)


def message_deleted(fact: MessageDeleted) -> None:
    _emit(ON_MESSAGE_DELETED, fact)


def status_changed(fact: StatusChanged) -> None:
    _emit(ON_STATUS_CHANGED, fact)


def connection_changed(fact: ConnectionChanged) -> None:
    _emit(ON_CONNECTION_CHANGED, fact)


def conversation_assigned(fact: ConversationAssigned) -> None:
    _emit(ON_CONVERSATION_ASSIGNED, fact)


def note_added(fact: NoteAdded) -> None:
    _emit(ON_NOTE_ADDED, fact)


def campaign_finished(fact: CampaignFinished) -> None:
    _emit(ON_CAMPAIGN_FINISHED, fact)


def campaign_started(fact: CampaignStarted) -> None:
    _emit(ON_CAMPAIGN_STARTED, fact)


def campaign_paused(fact: CampaignPaused) -> None:
    _emit(ON_CAMPAIGN_PAUSED, fact)


def contact_opted_out(fact: ContactOptedOut) -> None:
    _emit(ON_CONTACT_OPTED_OUT, fact)


def campaign_failed_over(fact: CampaignFailedOver) -> None:
    _emit(ON_CAMPAIGN_FAILED_OVER, fact)


def import_finished(fact: ImportFinished) -> None:
    _emit(ON_IMPORT_FINISHED, fact)


def webhook_disabled(fact: WebhookDisabled) -> None:
    _emit(ON_WEBHOOK_DISABLED, fact)
