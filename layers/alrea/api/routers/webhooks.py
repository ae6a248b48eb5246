"""/api/webhooks: an admin's outbound webhook endpoints — create (the signing secret shown once), list, get,
change, delete; each endpoint's delivery log (with a status filter) and the replay of one delivery."""
from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response
from pydantic import Field

from alrea.api.deps import AdminUser
from alrea.api.routers.schemas import Body, examples
from alrea.domain import webhooks as dom
from alrea.services import outbound_webhooks as service

router = APIRouter(prefix="/api/webhooks", tags=["webhooks"])

Url = Annotated[str, Field(min_length=8, max_length=2000)]
Events = Annotated[list[str], Field(min_length=1, max_length=len(dom.EVENTS))]
Status = Literal["pending", "succeeded", "failed"]


class WebhookIn(Body):
    model_config = examples({"url": "https://erp.example.com/alrea/webhooks",
                             "events": ["message.received", "message.status"], "description": "ERP"})

    url: Url
    events: Events
    description: str = Field(default="", max_length=200)


class WebhookPatch(Body):
    model_config = examples({"enabled": False}, {"events": ["campaign.completed"]})

    url: Url | None = None
    events: Events | None = None
    enabled: bool | None = None
    description: str | None = Field(default=None, max_length=200)


def shape(endpoint: dom.Endpoint) -> dict[str, Any]:
    """An endpoint as the API answers it (never its secret)."""
    return {"id": endpoint.id, "url": endpoint.url, "events": list(endpoint.events),
            "description": endpoint.description, "enabled": endpoint.enabled, "created_at": endpoint.created_at,
            "created_by": endpoint.created_by, "failing_since": endpoint.failing_since,
            "disabled_reason": endpoint.disabled_reason, "disabled_at": endpoint.disabled_at}


def shape_delivery(d: dom.Delivery) -> dict[str, Any]:
    return {"id": d.id, "webhook_id": d.endpoint_id, "event_id": d.event_id, "type": d.type,
            "created_at": d.created_at, "status": d.status, "next_attempt_at": d.next_attempt_at,
            "replay_of": d.replay_of, "payload": d.payload,
            "attempts": [{"at": a.at, "status_code": a.status_code, "latency_ms": a.latency_ms,
                          "response": a.response, "error": a.error} for a in d.attempts]}


@router.get("/events")
def list_events(caller: AdminUser) -> dict[str, Any]:
    return {"items": [{"type": t, "label": label} for t, label in dom.EVENTS.items()], "next_cursor": None}


@router.get("")
def list_webhooks(caller: AdminUser, cursor: str | None = Query(None, max_length=2000),
                  limit: int | None = Query(None, ge=1, le=100)) -> dict[str, Any]:
    return service.list_endpoints(caller, cursor, limit).as_json(shape)


@router.post("", status_code=201)
def create_webhook(body: WebhookIn, caller: AdminUser) -> dict[str, Any]:
    endpoint = service.create(caller, body.url, body.events, body.description)
    return {**shape(endpoint), "secret": endpoint.secret}


@router.get("/{webhook_id}")
def get_webhook(webhook_id: str, caller: AdminUser) -> dict[str, Any]:
    return shape(service.get(caller, webhook_id))


@router.patch("/{webhook_id}")
def update_webhook(webhook_id: str, body: WebhookPatch, caller: AdminUser) -> dict[str, Any]:
    return shape(service.update(caller, webhook_id, url=body.url, events=body.events, enabled=body.enabled,
                                description=body.description))


@router.delete("/{webhook_id}", status_code=204)
def delete_webhook(webhook_id: str, caller: AdminUser) -> Response:
    service.delete(caller, webhook_id)
    return Response(status_code=204)


@router.get("/{webhook_id}/deliveries")
def list_deliveries(webhook_id: str, caller: AdminUser, status: Status | None = None,
                    cursor: str | None = Query(None, max_length=2000),
                    limit: int | None = Query(None, ge=1, le=100)) -> dict[str, Any]:
    return service.deliveries(caller, webhook_id, status, cursor, limit).as_json(shape_delivery)


@router.post("/{webhook_id}/deliveries/{delivery_id}/replay", status_code=202)
def replay_delivery(webhook_id: str, delivery_id: str, caller: AdminUser) -> dict[str, Any]:
    return shape_delivery(service.replay(caller, webhook_id, delivery_id))
