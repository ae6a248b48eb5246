"""Outbound webhooks: admins (or keys with ``webhooks:manage``) register endpoints; facts become signed POSTs.

- ``publish(tenant, type, data)``: one pending delivery per enabled endpoint subscribed to ``type``, each queued
  on ``webhook_delivery``. The tenant's endpoints are cached per process for ``webhook_endpoint_cache_s``
  (30 s): a tenant without endpoints costs no DynamoDB call per event; a new or changed endpoint is seen by
  other processes at most that late (the process that changed it forgets its cache at once).
- ``deliver(message)`` (the webhook_deliver function): one attempt. Before its ``not_before`` a message is
  re-published with the remaining delay (SQS delays stop at 15 min); the target is re-checked after DNS; the
  attempt is appended to the delivery; a failure schedules the next one (domain.webhooks.retry_delay_s, ≈ 24 h
  in all) or marks the delivery failed. An endpoint failing for a whole day is disabled (``disabled_reason``,
  shown by the SPA, and a warning log).
- Deliveries are at least once (a crash between the POST and its record repeats the POST): receivers dedupe
  on ``Alrea-Event-Id``.
"""
from __future__ import annotations

import math
import time
from datetime import timedelta
from typing import Any

from alrea.core.clock import iso, new_id, parse_iso, utcnow
from alrea.core.config import get_settings
from alrea.core.errors import Conflict, Invalid, NotFound
from alrea.core.log import logger
from alrea.domain import webhooks as dom
from alrea.domain.roles import Principal
from alrea.ports.bus import MAX_DELAY_S
from alrea.services import hooks, public_urls
from alrea.store import webhooks as store
from alrea.store.cache import TtlCache
from alrea.store.paging import Page

QUEUE = "webhook_delivery"
DISABLED_REASON = "Desativado automaticamente: o endpoint falhou por 24 horas seguidas."
NOT_ALLOWED = "destino não permitido"


# ---------------------------------------------------------------- endpoint cache (per process)
_cache = TtlCache(ttl_s=30.0, max_items=10_000)  # the lifetime is the setting, passed on each read


def _endpoints(tenant_id: str) -> list[dom.Endpoint]:
    return _cache.get(tenant_id, lambda: store.all_endpoints(tenant_id), get_settings().webhook_endpoint_cache_s)


def forget(tenant_id: str | None = None) -> None:
    """Drop the cached endpoints of a tenant (all tenants when None)."""
    if tenant_id is None:
        _cache.clear()
    else:
        _cache.forget(tenant_id)


# ---------------------------------------------------------------- admin CRUD
def _check_url(url: str) -> str:
    url = url.strip()
    problem = public_urls.problem(url)
    if problem:
        raise Invalid(problem, field="url")
    return url


def _check_events(events: list[str]) -> tuple[str, ...]:
    unknown = dom.unknown_events(events)
    if unknown:
        raise Invalid(f"Eventos desconhecidos: {', '.join(unknown)}.", field="events")
    if not events:
        raise Invalid("Escolha ao menos um evento.", field="events")
    return tuple(sorted(set(events)))


def create(caller: Principal, url: str, events: list[str], description: str = "") -> dom.Endpoint:
    """A new enabled endpoint; its secret is in the answer (the only time an API shows it)."""
    endpoint = dom.Endpoint(id=new_id(), tenant_id=caller.tenant_id, url=_check_url(url),
                            events=_check_events(events), secret=dom.new_secret(), enabled=True,
                            created_at=iso(utcnow()), created_by=caller.user_id, description=description.strip())
    endpoint = store.create_endpoint(endpoint)
    forget(caller.tenant_id)
    logger.info("webhook endpoint created", extra={"webhook_id": endpoint.id, "events": list(endpoint.events)})
    return endpoint


def list_endpoints(caller: Principal, cursor: str | None = None, limit: int | None = None) -> Page[dom.Endpoint]:
    return store.page_endpoints(caller.tenant_id, cursor, limit)


def get(caller: Principal, endpoint_id: str) -> dom.Endpoint:
    endpoint = store.get_endpoint(caller.tenant_id, endpoint_id)
    if endpoint is None:
        raise NotFound(store.NOT_FOUND)
    return endpoint


def update(caller: Principal, endpoint_id: str, *, url: str | None = None, events: list[str] | None = None,
           enabled: bool | None = None, description: str | None = None) -> dom.Endpoint:
    get(caller, endpoint_id)
    endpoint = store.update_endpoint(
        caller.tenant_id, endpoint_id, url=_check_url(url) if url is not None else None,
        events=_check_events(events) if events is not None else None, enabled=enabled,
        description=description.strip() if description is not None else None)
    forget(caller.tenant_id)
    logger.info("webhook endpoint updated", extra={"webhook_id": endpoint_id, "enabled": endpoint.enabled})
    return endpoint


def delete(caller: Principal, endpoint_id: str) -> None:
    store.delete_endpoint(caller.tenant_id, endpoint_id, iso(utcnow()))
    forget(caller.tenant_id)
    logger.info("webhook endpoint deleted", extra={"webhook_id": endpoint_id})


def deliveries(caller: Principal, endpoint_id: str, status: str | None, cursor: str | None,
               limit: int | None) -> Page[dom.Delivery]:
    if status is not None and status not in dom.STATUSES:
        raise Invalid(f"Status inválido; use {', '.join(dom.STATUSES)}.", field="status")
    get(caller, endpoint_id)
    return store.page_deliveries(caller.tenant_id, endpoint_id, status, cursor, limit)


def delivery(caller: Principal, endpoint_id: str, delivery_id: str) -> dom.Delivery:
    get(caller, endpoint_id)
    found = store.get_delivery(caller.tenant_id, endpoint_id, delivery_id)
    if found is None:
        raise NotFound(store.DELIVERY_NOT_FOUND)
    return found


def replay(caller: Principal, endpoint_id: str, delivery_id: str) -> dom.Delivery:
    """Send one delivery's payload again, as a new delivery (same event id) with its own attempts."""
    endpoint = get(caller, endpoint_id)
    if not endpoint.enabled:
        raise Conflict("Ative o webhook antes de reenviar.")
    original = delivery(caller, endpoint_id, delivery_id)
    copy = dom.Delivery(id=new_id(), tenant_id=original.tenant_id, endpoint_id=endpoint_id,
                        event_id=original.event_id, type=original.type, created_at=iso(utcnow()),
                        status=dom.PENDING, payload=original.payload, replay_of=original.id)
    store.add_delivery(copy)
    _enqueue(copy, attempt=1, not_before=None)
    logger.info("webhook delivery replayed", extra={"webhook_id": endpoint_id, "delivery_id": delivery_id,
                                                    "replay_id": copy.id})
    return copy


# ---------------------------------------------------------------- publish
def publish(tenant_id: str, event_type: str, data: dict[str, Any], *, key: tuple[str, ...] = (),
            created_at: str | None = None) -> int:
    """Queue ``event_type`` to every enabled endpoint of the tenant subscribed to it; answers how many.

    ``key`` identifies the fact (e.g. the WhatsApp message id): the same fact makes the same event and
    delivery ids, so a fact processed twice is delivered once per endpoint."""
    targets = [e for e in _endpoints(tenant_id) if e.wants(event_type)]
    if not targets:
        return 0
    event = dom.event_id(tenant_id, event_type, *key) if key else new_id()
    created_at = created_at or iso(utcnow())
    body = dom.payload(event, event_type, created_at, tenant_id, data)
    for endpoint in targets:
        d = dom.Delivery(id=dom.delivery_id(endpoint.id, event), tenant_id=tenant_id, endpoint_id=endpoint.id,
                         event_id=event, type=event_type, created_at=created_at, status=dom.PENDING, payload=body)
        if not store.add_delivery(d):
            existing = store.get_delivery(tenant_id, endpoint.id, d.id)
            if existing is None or existing.status != dom.PENDING or existing.attempts:
                continue  # already on its way (or done): the retried fact adds nothing
        _enqueue(d, attempt=1, not_before=None)
    logger.debug("webhook event published", extra={"type": event_type, "event_id": event, "endpoints": len(targets)})
    return len(targets)


def _enqueue(d: dom.Delivery, attempt: int, not_before: float | None) -> None:
    delay = 0 if not_before is None else max(0, min(MAX_DELAY_S, math.ceil(not_before - time.time())))
    _bus().publish(QUEUE, {"tenant_id": d.tenant_id, "endpoint_id": d.endpoint_id, "delivery_id": d.id,
                           "attempt": attempt, "not_before": not_before}, delay_s=delay)


# ---------------------------------------------------------------- deliver (webhook_deliver)
def deliver(message: dict[str, Any], receive_count: int = 1) -> str:
    """One attempt of one delivery; answers what happened (for logs and tests)."""
    not_before = message.get("not_before")
    if not_before is not None and not_before - time.time() > 1:
        delay = min(MAX_DELAY_S, math.ceil(not_before - time.time()))
        _bus().publish(QUEUE, message, delay_s=delay)
        return "deferred"
    tid, eid, attempt = message["tenant_id"], message["endpoint_id"], int(message["attempt"])
    d = store.get_delivery(tid, eid, message["delivery_id"])
    if d is None or d.status != dom.PENDING:
        return "done"
    if len(d.attempts) >= attempt:  # recorded already; a redelivery (crash after the record) queues the next
        if len(d.attempts) == attempt and receive_count > 1:
            _schedule_next(d, attempt, parse_iso(d.next_attempt_at).timestamp() if d.next_attempt_at else None)
        return "duplicate"
    endpoint = store.get_endpoint(tid, eid)
    if endpoint is None or not endpoint.enabled:
        reason = "endpoint removido" if endpoint is None else "endpoint desativado"
        store.record_attempt(d, dom.Attempt(iso(utcnow()), None, 0, "", reason), dom.FAILED, None)
        return "failed"
    result = _post(endpoint, d)
    now = utcnow()
    record = dom.Attempt(at=iso(now), status_code=result.status_code, latency_ms=result.latency_ms,
                         response=result.response[:dom.RESPONSE_KEEP_BYTES], error=result.error)
    made = len(d.attempts) + 1
    log = {"webhook_id": eid, "delivery_id": d.id, "attempt": made, "status_code": result.status_code,
           "latency_ms": result.latency_ms}
    if record.ok:
        if store.record_attempt(d, record, dom.SUCCEEDED, None) and endpoint.failing_since:
            store.clear_failing(tid, eid)
        logger.info("webhook delivered", extra=log)
        return "succeeded"
    delay = dom.retry_delay_s(made, get_settings().webhook_retry_scale)
    next_dt = None if delay is None else now + timedelta(seconds=delay)
    next_at = next_dt.timestamp() if next_dt else None
    status = dom.FAILED if delay is None else dom.PENDING
    recorded = store.record_attempt(d, record, status, iso(next_dt) if next_dt else None)
    logger.warning("webhook attempt failed", extra={**log, "error": result.error, "final": delay is None})
    _failing(endpoint, now)
    if recorded and next_at is not None:
        _enqueue(d, attempt=made + 1, not_before=next_at)
    return "failed" if delay is None else "retrying"


def _schedule_next(d: dom.Delivery, made: int, next_at: float | None) -> None:
    if not d.attempts[-1].ok and next_at is not None:
        _enqueue(d, attempt=made + 1, not_before=next_at)


def _post(endpoint: dom.Endpoint, d: dom.Delivery) -> dom.PostResult:
    settings = get_settings()
    sender = _sender()
    problem = public_urls.problem(endpoint.url)  # again at delivery: DNS may have changed since it was saved
    if problem:
        return dom.PostResult(None, "", 0, f"{NOT_ALLOWED}: {problem}")
    body = d.payload.encode()
    headers = dom.headers(endpoint.secret, int(time.time()), body, d.event_id, d.type, d.id)
    return sender.post(endpoint.url, body, headers, timeout_s=settings.webhook_timeout_s,
                       keep_bytes=dom.RESPONSE_KEEP_BYTES)


def _failing(endpoint: dom.Endpoint, now: Any) -> None:
    if endpoint.failing_since is None:
        store.mark_failing(endpoint.tenant_id, endpoint.id, iso(now))
        return
    since = parse_iso(endpoint.failing_since).timestamp()
    if dom.should_disable(since, now.timestamp(), get_settings().webhook_disable_after_s):
        if store.disable(endpoint.tenant_id, endpoint.id, DISABLED_REASON, iso(now)):
            forget(endpoint.tenant_id)
            hooks.webhook_disabled(hooks.WebhookDisabled(endpoint.tenant_id, endpoint.id, endpoint.url, iso(now)))
            logger.warning("webhook endpoint disabled", extra={"webhook_id": endpoint.id,
                                                               "tenant_id": endpoint.tenant_id,
                                                               "failing_since": endpoint.failing_since})


# ---------------------------------------------------------------- listeners (services/hooks.py)
def on_message_stored(fact: Any) -> None:
    """``message.received``: a customer's message was stored."""
    if fact.direction != "in":
        return
    message = fact.message if isinstance(fact.message, dict) else getattr(fact.message, "__dict__", {})
    data = {"message_id": message.get("id"), "conversation_id": fact.conversation_id,
            "number_id": fact.instance_id, "whatsapp_id": fact.wamid, "from": fact.contact_key,
            "kind": fact.kind, "text": fact.text, "at": fact.at, "is_group": fact.is_group}
    publish(fact.tenant_id, "message.received", data, key=(fact.instance_id, fact.wamid))


def on_status_changed(fact: Any) -> None:
    """``message.status``: a sent message was delivered, read, played or failed."""
    data = {"number_id": fact.instance_id, "whatsapp_id": fact.wamid, "status": fact.status, "at": fact.at}
    publish(fact.tenant_id, "message.status", data, key=(fact.instance_id, fact.wamid, fact.status))


def on_conversation_assigned(fact: Any) -> None:
    """``conversation.assigned``: a conversation got an assignee (assigned, transferred or auto-assigned)."""
    data = {"conversation_id": fact.conversation_id, "user_id": fact.user_id,
            "by": getattr(fact, "by_name", None)}
    publish(fact.tenant_id, "conversation.assigned", data)  # one per assignment: no natural key to dedupe on


def on_campaign_finished(fact: Any) -> None:
    """``campaign.completed`` or, for an automatic pause, ``campaign.paused`` (with the reason)."""
    completed = fact.outcome == "completed"
    data = {"campaign_id": fact.campaign_id, "name": getattr(fact, "name", None),
            "reason": None if completed else getattr(fact, "reason", None), "automatic": not completed}
    publish(fact.tenant_id, "campaign.completed" if completed else "campaign.paused", data,
            key=(fact.campaign_id,) if completed else ())


def on_campaign_started(fact: Any) -> None:
    """``campaign.started``: a run began — the first start (``resumed`` false) or a resume after a pause."""
    data = {"campaign_id": fact.campaign_id, "name": fact.name, "total": fact.total, "resumed": fact.resumed,
            "at": fact.at}
    publish(fact.tenant_id, "campaign.started", data, key=(fact.campaign_id, fact.run_id))


def on_campaign_paused(fact: Any) -> None:
    """``campaign.paused`` for a pause someone asked for (``automatic`` false; see on_campaign_finished)."""
    data = {"campaign_id": fact.campaign_id, "name": fact.name, "reason": None, "automatic": False,
            "by": fact.by, "at": fact.at}
    publish(fact.tenant_id, "campaign.paused", data, key=(fact.campaign_id, fact.run_id))


def on_contact_opted_out(fact: Any) -> None:
    """``contact.opted_out``: a contact left the campaigns (the app, the API, or their keyword reply)."""
    data = {"contact_id": fact.contact_id, "phone": fact.phone, "reason": fact.reason, "source": fact.source,
            "at": fact.at}
    publish(fact.tenant_id, "contact.opted_out", data, key=(fact.key, fact.at))


def on_import_finished(fact: Any) -> None:
    """``import.completed``: a contacts CSV import ended (``status`` done or failed, with its counts)."""
    data = {"import_id": fact.import_id, "status": fact.status, "file_name": getattr(fact, "file_name", None),
            "imported": getattr(fact, "imported", 0), "updated": getattr(fact, "updated", 0),
            "failed": getattr(fact, "failed", 0)}
    publish(fact.tenant_id, "import.completed", data, key=(fact.import_id,))


# ---------------------------------------------------------------- ports
def _bus():
    from alrea.wiring import runtime

    return runtime().bus


def _sender():
    from alrea.wiring import webhook_sender

    return webhook_sender()
