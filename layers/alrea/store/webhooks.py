"""Outbound webhook endpoints and their deliveries.

- endpoint  ``pk=T#<tid>                  sk=WEBHOOK#<id>``  url, events, signing secret, enabled, created_by/at,
  failing_since (first failed attempt since the last success), disabled_reason/at. A deleted endpoint stays as
  a tombstone (``deleted_at``, no secret) with the deliveries' TTL, so a tenant purge still finds its log.
- delivery  ``pk=T#<tid>#WEBHOOK#<id>     sk=DLV#<delivery id>``  event id and type, the raw payload (kept for
  replay), status pending|succeeded|failed, every attempt (at, status code, latency, first KB of the answer,
  error), next_attempt_at; TTL 30 days. gsi1 ``T#<tid>#WHLOG#<endpoint id>`` / ``<created_at>#<id>``: the
  endpoint's log, newest first. A delivery id is derived from (endpoint, event), so a fact processed twice
  writes one delivery (the put is conditional).

Attempts are appended under the condition that the list still has the length the worker read: two workers
racing on the same attempt record it once.
"""
from __future__ import annotations

from datetime import timedelta

from pynamodb.attributes import (BooleanAttribute, ListAttribute, MapAttribute, NumberAttribute, UnicodeAttribute,
                                 UnicodeSetAttribute)
from pynamodb.exceptions import DoesNotExist, PutError
from pynamodb.expressions.condition import size

from alrea.core.clock import parse_iso
from alrea.core.errors import LimitReached, NotFound
from alrea.domain import webhooks as dom
from alrea.store import paging
from alrea.store.base import Gsi1, Item, condition_failed, update_if
from alrea.store.keys import child_pk, tenant_pk

SK_PREFIX = "WEBHOOK#"
DELIVERY_SK = "DLV#"
DELIVERY_TTL = timedelta(days=30)
NOT_FOUND = "Webhook não encontrado."
DELIVERY_NOT_FOUND = "Entrega não encontrada."
TOO_MANY = f"Limite de {dom.MAX_ENDPOINTS} webhooks atingido; remova um que não usa mais."


class EndpointItem(Item):
    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    url = UnicodeAttribute()
    events = UnicodeSetAttribute()
    secret = UnicodeAttribute()
    enabled = BooleanAttribute()
    description = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    failing_since = UnicodeAttribute(null=True)
    disabled_reason = UnicodeAttribute(null=True)
    disabled_at = UnicodeAttribute(null=True)
    deleted_at = UnicodeAttribute(null=True)

    def record(self) -> dom.Endpoint:
        return dom.Endpoint(id=self.id, tenant_id=self.tenant_id, url=self.url, events=tuple(sorted(self.events)),
                            secret=self.secret, enabled=bool(self.enabled), created_at=self.created_at,
                            created_by=self.created_by, failing_since=self.failing_since,
                            disabled_reason=self.disabled_reason, disabled_at=self.disabled_at,
                            description=self.description or "")


class AttemptAttr(MapAttribute):
    at = UnicodeAttribute()
    status_code = NumberAttribute(null=True)
    latency_ms = NumberAttribute()
    response = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)

    def record(self) -> dom.Attempt:
        return dom.Attempt(at=self.at, status_code=int(self.status_code) if self.status_code is not None else None,
                           latency_ms=int(self.latency_ms), response=self.response or "", error=self.error)


class DeliveryItem(Item):
    id = UnicodeAttribute()
    tenant_id = UnicodeAttribute()
    endpoint_id = UnicodeAttribute()
    event_id = UnicodeAttribute()
    type = UnicodeAttribute()
    created_at = UnicodeAttribute()
    status = UnicodeAttribute()
    payload = UnicodeAttribute()
    attempts = ListAttribute(of=AttemptAttr, default=list)
    next_attempt_at = UnicodeAttribute(null=True)
    replay_of = UnicodeAttribute(null=True)
    gsi1pk = UnicodeAttribute(null=True, attr_name="gsi1pk")
    gsi1sk = UnicodeAttribute(null=True, attr_name="gsi1sk")
    gsi1 = Gsi1()

    def record(self) -> dom.Delivery:
        return dom.Delivery(id=self.id, tenant_id=self.tenant_id, endpoint_id=self.endpoint_id,
                            event_id=self.event_id, type=self.type, created_at=self.created_at, status=self.status,
                            payload=self.payload, attempts=tuple(a.record() for a in self.attempts or []),
                            next_attempt_at=self.next_attempt_at, replay_of=self.replay_of)


def _log_pk(tenant_id: str, endpoint_id: str) -> str:
    return child_pk(tenant_id, "WHLOG", endpoint_id)


def deliveries_pk(tenant_id: str, endpoint_id: str) -> str:
    """The partition of an endpoint's deliveries (the tenant purge deletes it)."""
    return child_pk(tenant_id, "WEBHOOK", endpoint_id)


def _endpoint(tenant_id: str, endpoint_id: str) -> EndpointItem:
    return EndpointItem(tenant_pk(tenant_id), SK_PREFIX + endpoint_id)


# ---------------------------------------------------------------- endpoints
LIVE = EndpointItem.deleted_at.does_not_exist()


def _endpoints(tenant_id: str) -> list[EndpointItem]:
    return list(EndpointItem.query(tenant_pk(tenant_id), EndpointItem.sk.startswith(SK_PREFIX), filter_condition=LIVE))


def create_endpoint(endpoint: dom.Endpoint) -> dom.Endpoint:
    """Store a new endpoint; at most ``MAX_ENDPOINTS`` per tenant."""
    if len(_endpoints(endpoint.tenant_id)) >= dom.MAX_ENDPOINTS:
        raise LimitReached(TOO_MANY)
    item = EndpointItem(tenant_pk(endpoint.tenant_id), SK_PREFIX + endpoint.id, entity="webhook", id=endpoint.id,
                        tenant_id=endpoint.tenant_id, url=endpoint.url, events=set(endpoint.events),
                        secret=endpoint.secret, enabled=endpoint.enabled, description=endpoint.description or None,
                        created_at=endpoint.created_at, created_by=endpoint.created_by)
    item.save(condition=EndpointItem.pk.does_not_exist())
    return item.record()


def all_endpoints(tenant_id: str) -> list[dom.Endpoint]:
    """Every endpoint of the tenant (at most MAX_ENDPOINTS: one Query), newest first."""
    return sorted((i.record() for i in _endpoints(tenant_id)), key=lambda e: e.created_at, reverse=True)


def page_endpoints(tenant_id: str, cursor: str | None, limit: int | None) -> paging.Page[dom.Endpoint]:
    query = paging.Query(tenant_id, "webhooks")
    start = paging.decode(query, cursor)
    results = EndpointItem.query(tenant_pk(tenant_id), EndpointItem.sk.startswith(SK_PREFIX), filter_condition=LIVE,
                                 limit=paging.clamp(limit, default=dom.MAX_ENDPOINTS), last_evaluated_key=start)
    items = [i.record() for i in results]
    return paging.page_of(query, items, results.last_evaluated_key)


def get_endpoint(tenant_id: str, endpoint_id: str) -> dom.Endpoint | None:
    try:
        item = EndpointItem.get(tenant_pk(tenant_id), SK_PREFIX + endpoint_id, consistent_read=True)
    except DoesNotExist:
        return None
    return None if item.deleted_at else item.record()


def update_endpoint(tenant_id: str, endpoint_id: str, *, url: str | None = None,
                    events: tuple[str, ...] | None = None, enabled: bool | None = None,
                    description: str | None = None) -> dom.Endpoint:
    """Change what was given; enabling an endpoint forgets why it was disabled and its failing streak."""
    item = _endpoint(tenant_id, endpoint_id)
    actions = []
    if url is not None:
        actions.append(EndpointItem.url.set(url))
    if events is not None:
        actions.append(EndpointItem.events.set(set(events)))
    if description is not None:
        actions.append(EndpointItem.description.set(description) if description else EndpointItem.description.remove())
    if enabled is not None:
        actions.append(EndpointItem.enabled.set(enabled))
        if enabled:
            actions += [EndpointItem.failing_since.remove(), EndpointItem.disabled_reason.remove(),
                        EndpointItem.disabled_at.remove()]
    if actions and not update_if(item, actions, condition=EndpointItem.pk.exists() & LIVE):
        raise NotFound(NOT_FOUND)
    found = get_endpoint(tenant_id, endpoint_id)
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def delete_endpoint(tenant_id: str, endpoint_id: str, at: str) -> None:
    """Turn the endpoint into a tombstone (no secret, disabled) that expires with its last deliveries; pending
    deliveries stop at their next attempt."""
    ttl = int((parse_iso(at) + DELIVERY_TTL).timestamp())
    actions = [EndpointItem.deleted_at.set(at), EndpointItem.enabled.set(False), EndpointItem.secret.set("-"),
               EndpointItem.ttl.set(ttl)]
    if not update_if(_endpoint(tenant_id, endpoint_id), actions, condition=EndpointItem.pk.exists() & LIVE):
        raise NotFound(NOT_FOUND)


def mark_failing(tenant_id: str, endpoint_id: str, since: str) -> bool:
    """Start the endpoint's failing streak (only if none is running)."""
    return update_if(_endpoint(tenant_id, endpoint_id), [EndpointItem.failing_since.set(since)],
                     condition=EndpointItem.pk.exists() & EndpointItem.failing_since.does_not_exist())


def clear_failing(tenant_id: str, endpoint_id: str) -> bool:
    return update_if(_endpoint(tenant_id, endpoint_id), [EndpointItem.failing_since.remove()],
                     condition=EndpointItem.failing_since.exists())


def disable(tenant_id: str, endpoint_id: str, reason: str, at: str) -> bool:
    """Disable an enabled endpoint; True only for the call that did it (so one worker tells the admins)."""
    return update_if(_endpoint(tenant_id, endpoint_id),
                     [EndpointItem.enabled.set(False), EndpointItem.disabled_reason.set(reason),
                      EndpointItem.disabled_at.set(at)],
                     condition=EndpointItem.pk.exists() & (EndpointItem.enabled == True))  # noqa: E712


# ---------------------------------------------------------------- deliveries
def add_delivery(delivery: dom.Delivery) -> bool:
    """Store a new pending delivery; False when it already exists (the same fact processed again)."""
    ttl = int((parse_iso(delivery.created_at) + DELIVERY_TTL).timestamp())
    item = DeliveryItem(deliveries_pk(delivery.tenant_id, delivery.endpoint_id), DELIVERY_SK + delivery.id,
                        entity="webhook_delivery", ttl=ttl, id=delivery.id, tenant_id=delivery.tenant_id,
                        endpoint_id=delivery.endpoint_id, event_id=delivery.event_id, type=delivery.type,
                        created_at=delivery.created_at, status=delivery.status, payload=delivery.payload,
                        attempts=[], replay_of=delivery.replay_of,
                        gsi1pk=_log_pk(delivery.tenant_id, delivery.endpoint_id),
                        gsi1sk=f"{delivery.created_at}#{delivery.id}")
    try:
        item.save(condition=DeliveryItem.pk.does_not_exist())
    except PutError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


def get_delivery(tenant_id: str, endpoint_id: str, delivery_id: str) -> dom.Delivery | None:
    try:
        return DeliveryItem.get(deliveries_pk(tenant_id, endpoint_id), DELIVERY_SK + delivery_id,
                                consistent_read=True).record()
    except DoesNotExist:
        return None


def record_attempt(delivery: dom.Delivery, attempt: dom.Attempt, status: str, next_attempt_at: str | None) -> bool:
    """Append ``attempt`` and set the status, if nobody recorded this attempt meanwhile (False then)."""
    item = DeliveryItem(deliveries_pk(delivery.tenant_id, delivery.endpoint_id), DELIVERY_SK + delivery.id)
    entry = AttemptAttr(at=attempt.at, status_code=attempt.status_code, latency_ms=attempt.latency_ms,
                        response=attempt.response or None, error=attempt.error)
    actions = [DeliveryItem.attempts.set(DeliveryItem.attempts.append([entry])), DeliveryItem.status.set(status),
               DeliveryItem.next_attempt_at.set(next_attempt_at) if next_attempt_at
               else DeliveryItem.next_attempt_at.remove()]
    condition = ((DeliveryItem.status == dom.PENDING) & (size(DeliveryItem.attempts) == len(delivery.attempts)))
    return update_if(item, actions, condition=condition)


def page_deliveries(tenant_id: str, endpoint_id: str, status: str | None, cursor: str | None,
                    limit: int | None) -> paging.Page[dom.Delivery]:
    """The endpoint's log, newest first, optionally one status only (a filtered page may come back short)."""
    query = paging.Query(tenant_id, "webhook_deliveries", {"endpoint": endpoint_id, "status": status or ""})
    start = paging.decode(query, cursor)
    size_ = paging.clamp(limit, default=25)
    results = DeliveryItem.gsi1.query(_log_pk(tenant_id, endpoint_id), scan_index_forward=False,
                                      filter_condition=(DeliveryItem.status == status) if status else None,
                                      limit=size_, page_size=size_, last_evaluated_key=start)
    items = [i.record() for i in results]
    return paging.page_of(query, items, results.last_evaluated_key)
