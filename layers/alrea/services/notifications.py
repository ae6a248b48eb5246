"""The notifications centre: stored per-user notifications, pushed live, read later.

Producers are hook listeners (services/hooks.py): a conversation assigned or transferred to someone, an ``@nome``
mention in an internal note, a campaign completed or paused automatically, an import finished, a number
disconnected. Each notification is stored for exactly the users entitled to it (the assignee; mentioned users
who may see the conversation; the campaign's staff: admins and managers; the import's author; the admins for a
number) who did not turn that kind off, then pushed to each one's ``user:<tid>:<uid>`` group as
``{"type": "notification_created", "notification": {...}, "unread": n}``. What the WebSocket pushed is what
``GET /api/notifications`` answers (the SPA's polling fallback while the socket is down).

Listeners are best effort: the producer's change is done; a notification that could not be stored or pushed is
logged, never turned into a failed assignment, note, campaign or import.
"""
from __future__ import annotations

import uuid
from typing import Any

from alrea.core.clock import iso, utcnow
from alrea.core.errors import Invalid, NotFound
from alrea.core.log import logger
from alrea.domain import notifications as dom
from alrea.domain.notifications import Draft, Notification, Preferences
from alrea.domain.roles import Principal
from alrea.ports.push import user_group
from alrea.domain.plans import NOTIFICATIONS
from alrea.services import audience, subscriptions
from alrea.services.hooks import (CampaignFinished, ConnectionChanged, ConversationAssigned, ImportFinished,
                                  MessageAnalyzed, NoteAdded, WebhookDisabled)
from alrea.store import notifications as store
from alrea.store.paging import Page


# ---------------------------------------------------------------- views (the API's JSON)
def view(n: Notification) -> dict[str, Any]:
    return {"id": n.id, "kind": n.kind, "title": n.title, "body": n.body, "link": n.link, "data": n.data,
            "created_at": n.created_at, "read_at": n.read_at, "unread": n.unread}


# ---------------------------------------------------------------- delivery
def notify(tenant_id: str, user_ids: list[str], draft: Draft) -> list[Notification]:
    """Store ``draft`` for each user who wants its kind, push it to them; answers what was stored. Nothing
    for a tenant without the notifications product."""
    stored: list[Notification] = []
    if not subscriptions.has(tenant_id, NOTIFICATIONS):
        return stored
    for user_id in dict.fromkeys(user_ids):
        if not store.preferences(tenant_id, user_id).wants(draft.kind):
            continue
        notification = store.add(tenant_id, user_id, dom.time_ordered_id(), draft)
        if notification is None:
            logger.info("notification already stored", extra={"kind": draft.kind, "dedupe": draft.dedupe})
            continue
        stored.append(notification)
        audience.push_groups([user_group(tenant_id, user_id)], {
            "type": "notification_created", "notification": view(notification),
            "unread": store.unread_count(tenant_id, user_id)})
    logger.info("notifications stored", extra={"kind": draft.kind, "users": len(stored)})
    return stored


def _best_effort(what: str, call, *args: Any) -> None:
    try:
        call(*args)
    except Exception:  # noqa: BLE001 - a lost notification never fails its producer
        logger.exception("notification failed", extra={"what": what})


def _active_users(tenant_id: str) -> list[Any]:
    from alrea.store import users

    return [u for u in users.list_users(tenant_id) if u.active]


# ---------------------------------------------------------------- listeners (registered in services/hooks.py)
def on_conversation_assigned(fact: ConversationAssigned) -> None:
    _best_effort("assigned", notify, fact.tenant_id, [fact.user_id],
                 dom.assigned(fact.conversation_id, fact.contact, fact.by_name))


def on_note_added(fact: NoteAdded) -> None:
    if "@" not in fact.text:
        return  # no mention: the tenant's users are not even read

    def run() -> None:
        people = [u for u in _active_users(fact.tenant_id) if u.user_id != fact.author_id]
        named = dom.mentioned(fact.text, [(u.user_id, u.name) for u in people])
        entitled = [u.user_id for u in people if u.user_id in named and audience.can_see(
            Principal(tenant_id=fact.tenant_id, user_id=u.user_id, role=u.role, department_id=u.department_id),
            fact.department_id, fact.assigned_user_id)]
        if entitled:
            notify(fact.tenant_id, entitled, dom.mention(fact.conversation_id, fact.note_id, fact.author_name,
                                                         fact.text))

    _best_effort("mention", run)


def on_campaign_finished(fact: CampaignFinished) -> None:
    def run() -> None:
        from alrea.store import campaigns

        campaign = campaigns.get(fact.tenant_id, fact.campaign_id, consistent=False)
        name = fact.name or (campaign.name if campaign is not None else "") or "sem nome"
        if fact.outcome == "completed":
            draft = dom.campaign_completed(fact.campaign_id, name)
        else:
            run_key = getattr(campaign, "paused_at", None) if campaign is not None else None
            draft = dom.campaign_paused(fact.campaign_id, name, fact.reason or "", fact.message or "", run_key)
        staff = [u.user_id for u in _active_users(fact.tenant_id) if dom.campaign_audience(u.role)]
        notify(fact.tenant_id, staff, draft)

    _best_effort("campaign", run)


def on_campaign_failed_over(fact: Any) -> None:
    def run() -> None:
        staff = [u.user_id for u in _active_users(fact.tenant_id) if dom.campaign_audience(u.role)]
        notify(fact.tenant_id, staff, dom.campaign_failover(fact.campaign_id, fact.name or "sem nome",
                                                            fact.instance_id, fact.reason, fact.message))

    _best_effort("campaign_failover", run)


def on_import_finished(fact: ImportFinished) -> None:
    _best_effort("import", notify, fact.tenant_id, [fact.user_id], dom.import_finished(
        fact.import_id, fact.status, fact.file_name, fact.imported, fact.updated, fact.failed))


def on_connection_changed(fact: ConnectionChanged) -> None:
    if not fact.dropped:
        return

    def run() -> None:
        from alrea.store import instances

        name = instances.get(fact.tenant_id, fact.instance_id).name
        admins = [u.user_id for u in _active_users(fact.tenant_id) if dom.number_audience(u.role)]
        notify(fact.tenant_id, admins, dom.number_disconnected(fact.instance_id, name, iso(utcnow())[:16]))

    _best_effort("disconnected", run)


def on_message_analyzed(fact: MessageAnalyzed) -> None:
    if not fact.turned_negative:
        return

    def run() -> None:
        from alrea.domain.conversations import conversation_view
        from alrea.store import conversations

        conv = conversations.find(fact.tenant_id, fact.conversation_id)
        if conv is None:
            return
        users = _active_users(fact.tenant_id)
        wanted = [u.user_id for u in users if dom.mood_audience(u.role, u.department_id, conv.department_id)]
        if not wanted and conv.department_id:  # a department without managers: its conversations reach admins
            wanted = [u.user_id for u in users if u.role == "admin"]
        who = conversation_view(conv)["contact_name"] or conv.phone or "um cliente"
        notify(fact.tenant_id, wanted, dom.conversation_negative(fact.conversation_id, who, fact.wamid))

    _best_effort("negative mood", run)


def notify_number_health(tenant_id: str, instance_id: str, alert: str, day: str) -> None:
    """A number's failures spiked today (services/reports.py): its admins and the managers are told once a day."""
    def run() -> None:
        from alrea.store import instances

        name = instances.get(tenant_id, instance_id).name
        staff = [u.user_id for u in _active_users(tenant_id) if dom.campaign_audience(u.role)]
        notify(tenant_id, staff, dom.number_health(instance_id, name, day))

    _best_effort("number health", run)


def on_webhook_disabled(fact: WebhookDisabled) -> None:
    def run() -> None:
        admins = [u.user_id for u in _active_users(fact.tenant_id) if dom.number_audience(u.role)]
        notify(fact.tenant_id, admins, dom.webhook_disabled(fact.webhook_id, fact.url, fact.at))

    _best_effort("webhook disabled", run)


# ---------------------------------------------------------------- the API
def list_mine(caller: Principal, *, cursor: str | None, limit: int | None, unread_only: bool = False
              ) -> Page[Notification]:
    return store.list_for(caller.tenant_id, caller.user_id, cursor=cursor, limit=limit or 20,
                          unread_only=unread_only)


def unread(caller: Principal) -> int:
    return store.unread_count(caller.tenant_id, caller.user_id)


def mark_read(caller: Principal, notification_id: str) -> Notification:
    try:
        notification_id = str(uuid.UUID(notification_id))
    except ValueError:
        raise NotFound(store.NOT_FOUND) from None
    return store.mark_read(caller.tenant_id, caller.user_id, notification_id)


def mark_all_read(caller: Principal) -> int:
    changed = store.mark_all_read(caller.tenant_id, caller.user_id)
    logger.info("notifications read", extra={"changed": changed})
    return changed


def preferences(caller: Principal) -> Preferences:
    return store.preferences(caller.tenant_id, caller.user_id)


def save_preferences(caller: Principal, muted: list[str]) -> Preferences:
    try:
        prefs = Preferences(muted=dom.clean_muted(muted))
    except ValueError:
        raise Invalid("Tipo de notificação desconhecido.", field="muted") from None
    return store.save_preferences(caller.tenant_id, caller.user_id, prefs)


def preferences_view(prefs: Preferences) -> dict[str, Any]:
    return {"kinds": {kind: prefs.wants(kind) for kind in dom.KINDS}, "muted": sorted(prefs.muted)}
