"""Evolution webhooks (API Gateway REST proxy) → authenticate, check, queue on webhook_inbound, answer at once."""
from __future__ import annotations

import base64
import json
from typing import Any

from alrea.core.errors import DomainError
from alrea.core.log import logger
from alrea.core.metrics import metrics
from alrea.services.webhooks import ingest


def _header(event: dict[str, Any], name: str) -> str | None:
    return next((v for k, v in (event.get("headers") or {}).items() if k.lower() == name), None)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    params = event.get("pathParameters") or {}
    body = event.get("body") or ""
    raw = base64.b64decode(body) if event.get("isBase64Encoded") else body.encode("utf-8")
    try:
        answer = ingest(params.get("token") or "", raw, authorization=_header(event, "authorization"),
                        path_event=params.get("event"))
        status, payload = answer.status, answer.body
    except DomainError as exc:
        logger.info("webhook refused", extra={"status": exc.status, "reason": exc.message})
        status, payload = exc.status, {"error": exc.code, "message": exc.message}
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(payload)}
