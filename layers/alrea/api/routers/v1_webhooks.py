"""/v1/webhooks: the same outbound webhook endpoints for partners (scope ``webhooks:manage``).

POSTs honour ``Idempotency-Key`` (store/idempotency.py): the same key and body within 24 h answers the first
answer (a create does not make a second endpoint, and shows the same secret)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response

from alrea.api.partner import RESPONSES, IdempotencyKey, PartnerKey, as_principal, idempotent
from alrea.api.routers.webhooks import Status, WebhookIn, WebhookPatch, shape, shape_delivery
from alrea.services import outbound_webhooks as service

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"], responses=RESPONSES)
CONFLICT = {409: {"description": "A request with this Idempotency-Key is still running, or (replay) the webhook "
                                 "is disabled."}}
Manager = PartnerKey("webhooks:manage")


@router.get("")
def list_webhooks(key: Manager, cursor: str | None = Query(None, max_length=2000),
                  limit: int | None = Query(None, ge=1, le=100)) -> dict[str, Any]:
    return service.list_endpoints(as_principal(key), cursor, limit).as_json(shape)


@router.post("", status_code=201, responses=CONFLICT)
def create_webhook(body: WebhookIn, key: Manager, idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        endpoint = service.create(as_principal(key), body.url, body.events, body.description)
        return {**shape(endpoint), "secret": endpoint.secret}

    return idempotent(key, idempotency_key, "POST /v1/webhooks", body.model_dump(), work)


@router.get("/{webhook_id}")
def get_webhook(webhook_id: str, key: Manager) -> dict[str, Any]:
    return shape(service.get(as_principal(key), webhook_id))


@router.patch("/{webhook_id}")
def update_webhook(webhook_id: str, body: WebhookPatch, key: Manager) -> dict[str, Any]:
    return shape(service.update(as_principal(key), webhook_id, url=body.url, events=body.events,
                                enabled=body.enabled, description=body.description))


@router.delete("/{webhook_id}", status_code=204)
def delete_webhook(webhook_id: str, key: Manager) -> Response:
    service.delete(as_principal(key), webhook_id)
    return Response(status_code=204)


@router.get("/{webhook_id}/deliveries")
def list_deliveries(webhook_id: str, key: Manager, status: Status | None = None,
                    cursor: str | None = Query(None, max_length=2000),
                    limit: int | None = Query(None, ge=1, le=100)) -> dict[str, Any]:
    return service.deliveries(as_principal(key), webhook_id, status, cursor, limit).as_json(shape_delivery)


@router.post("/{webhook_id}/deliveries/{delivery_id}/replay", status_code=202, responses=CONFLICT)
def replay_delivery(webhook_id: str, delivery_id: str, key: Manager,
                    idempotency_key: IdempotencyKey = None) -> dict[str, Any]:
    def work() -> dict[str, Any]:
        return shape_delivery(service.replay(as_principal(key), webhook_id, delivery_id))

    return idempotent(key, idempotency_key, f"POST /v1/webhooks/{webhook_id}/deliveries/{delivery_id}/replay", {}, work)
