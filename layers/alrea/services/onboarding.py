"""The onboarding checklist (connect a number → import contacts → answer a chat → send a first campaign).

Each step is ticked from real state: a connected number (the numbers' stored states), contacts in the tenant
(its contacts counter), a campaign that started (running, paused or completed), and an inbox reply that
WhatsApp accepted (the StatusChanged hook of a known inbox message: campaign sends are not inbox messages).
What was once seen done is kept (store/onboarding.py), so a number dropping later does not untick it.
"""
from __future__ import annotations

from alrea.core.clock import iso, utcnow
from alrea.core.log import logger
from alrea.domain import onboarding as dom
from alrea.domain.onboarding import Checklist
from alrea.domain.roles import Principal
from alrea.services.hooks import StatusChanged
from alrea.store import onboarding as store

_ANSWERED: set[str] = set()  # tenants whose reply step is known done (saves a write per status)
_STARTED = ("running", "paused", "completed")


def _live(tenant_id: str, step: str) -> bool:
    if step == dom.CONNECT:
        from alrea.store import instances

        return any(i.state == "open" for i in instances.list_instances(tenant_id))
    if step == dom.IMPORT:
        from alrea.store import contacts

        return contacts.counted(tenant_id) > 0
    if step == dom.CAMPAIGN:
        from alrea.store import campaigns

        return any(c.status in _STARTED for c in campaigns.list_all(tenant_id))
    return False  # answering is only known from its hook


def checklist(caller: Principal) -> Checklist:
    current = store.get(caller.tenant_id)
    if current.complete:
        return current
    now = iso(utcnow())
    done = dict(current.done)
    for step in dom.STEPS:
        if not done[step] and _live(caller.tenant_id, step):
            store.tick(caller.tenant_id, step, now)
            done[step] = now
    return Checklist(done=done)


def view(checklist: Checklist) -> dict:
    steps = [{"id": step, "title": dom.TITLES[step], "done": bool(checklist.done[step]),
              "done_at": checklist.done[step]} for step in dom.STEPS]
    return {"steps": steps, "complete": checklist.complete, "done_count": sum(s["done"] for s in steps)}


def on_status_changed(fact: StatusChanged) -> None:
    """An inbox message (not a campaign send) accepted by WhatsApp: the tenant has answered a chat."""
    if not fact.known_message or fact.status not in ("sent", "delivered", "read", "played") \
            or fact.tenant_id in _ANSWERED:
        return
    try:
        store.tick(fact.tenant_id, dom.ANSWER, fact.at or iso(utcnow()))
        _ANSWERED.add(fact.tenant_id)
    except Exception:  # noqa: BLE001 - the checklist never fails the inbound pipeline
        logger.exception("onboarding tick failed")
