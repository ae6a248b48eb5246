"""Webhook ingest: authenticate an Evolution delivery, check its envelope, queue it, answer at once.

The URL carries the instance's secret token (``/webhooks/evolution/{token}[/{event-suffix}]``); when the
instance has a ``jwt_key``, Evolution also sends ``Authorization: Bearer <HS256 JWT>`` signed with it.
Answers: 200 queued, 202 event we do not handle (logged, dropped), 400 malformed, 401 bad JWT, 404 unknown
token, 413 body too large, 503 the queue is unavailable (Evolution retries 5xx). 4xx stop Evolution's retries.

The queue is FIFO, grouped per instance+chat (ordered per conversation, parallel across conversations), and
deduplicated on the WhatsApp id (``keyId+status`` for receipts), else on a hash of the body — so Evolution's
byte-identical retries and double deliveries (instance + global webhook) are dropped within SQS's window;
the processor's conditional writes drop any later repeat.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

import jwt
from pydantic import ValidationError

from alrea.core.clock import iso, utcnow
from alrea.core.config import get_settings
from alrea.core.errors import DomainError, NotFound, Unauthorized
from alrea.core import metrics as app_metrics
from alrea.core.log import logger
from alrea.domain import evolution as ev
from alrea.wiring import runtime

QUEUE = "webhook_inbound"
_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{8,128}$")
JWT_LEEWAY_S = 30


class BadWebhook(DomainError):
    status = 400
    code = "bad_webhook"


class PayloadTooLarge(DomainError):
    status = 413
    code = "payload_too_large"


class Unavailable(DomainError):
    status = 503
    code = "unavailable"


@dataclass
class IngestAnswer:
    status: int
    body: dict[str, Any] = field(default_factory=lambda: {"ok": True})


def _instance_for(token: str) -> Any:
    from alrea.store import instances  # owned by the instances module

    instance = instances.find_by_webhook_token_cached(token) if _TOKEN.match(token or "") else None
    if instance is None:
        raise NotFound("unknown webhook")
    return instance


def _check_jwt(jwt_key: str, authorization: str | None) -> None:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("missing Authorization: Bearer token")
    try:
        jwt.decode(token.strip(), jwt_key, algorithms=["HS256"], options={"require": ["exp"]},
                   leeway=JWT_LEEWAY_S)
    except jwt.PyJWTError as exc:
        raise Unauthorized(f"invalid webhook token: {exc}") from None


def _envelope(body: bytes, path_event: str | None) -> tuple[dict[str, Any], ev.Envelope]:
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadWebhook(f"body is not valid JSON: {exc}") from None
    if not isinstance(raw, dict):
        raise BadWebhook("body must be a JSON object")
    if path_event and not raw.get("event"):
        raw["event"] = path_event  # by-events URLs name the event in the path
    try:
        envelope = ev.Envelope.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'body'}: {e['msg']}" for e in exc.errors())
        raise BadWebhook(f"not an Evolution webhook: {problems}") from None
    if path_event and ev.normalise_event(path_event) != envelope.event:
        raise BadWebhook(f"URL event {path_event!r} does not match body event {envelope.event!r}")
    return raw, envelope


def ingest(token: str, body: bytes, *, authorization: str | None = None, path_event: str | None = None
           ) -> IngestAnswer:
    if len(body) > get_settings().max_body_bytes:
        raise PayloadTooLarge(f"body over {get_settings().max_body_bytes} bytes")
    instance = _instance_for(token)
    if getattr(instance, "jwt_key", None):
        _check_jwt(instance.jwt_key, authorization)
    raw, envelope = _envelope(body, path_event)
    if envelope.instance and envelope.instance != instance.evolution_name:
        raise BadWebhook(f"webhook for instance {envelope.instance!r} sent to another instance's URL")
    log = {"tenant_id": instance.tenant_id, "instance_id": instance.instance_id, "event": envelope.event}
    if envelope.event not in ev.HANDLED_EVENTS:
        logger.info("webhook event not handled", extra=log)
        return IngestAnswer(202, {"ok": True, "ignored": envelope.event})
    raw.pop("apikey", None)  # the instance's Evolution token has no business in our queues
    chat = ev.chat_key(envelope.event, envelope.data)
    wamid = ev.message_key(envelope.event, envelope.data)
    dedupe = (f"{envelope.event}:{instance.instance_id}:{wamid}" if wamid
              else hashlib.sha256(body).hexdigest())
    job = {"tenant_id": instance.tenant_id, "instance_id": instance.instance_id, "event": envelope.event,
           "received_at": iso(utcnow()), "envelope": raw}
    try:
        runtime().bus.publish(QUEUE, job, group=f"{instance.instance_id}:{chat}", dedupe_id=dedupe)
    except Exception as exc:  # noqa: BLE001 - any bus failure: ask Evolution to retry
        logger.exception("webhook not queued", extra=log)
        raise Unavailable("could not queue the webhook; retry later") from exc
    logger.info("webhook queued", extra={**log, "wamid": wamid})
    app_metrics.count(app_metrics.WEBHOOKS_RECEIVED, tenant_id=instance.tenant_id)
    return IngestAnswer(200)
