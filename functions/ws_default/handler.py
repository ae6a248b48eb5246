"""WebSocket $default: ping and conversation (un)subscriptions; the answer goes back as the route response."""
from __future__ import annotations

import base64
import json

from alrea.core.log import logger
from alrea.services import realtime


@logger.inject_lambda_context(clear_state=True)
def handler(event, context):
    body = event.get("body")
    if body and event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode("utf-8", errors="replace")
    answer = realtime.handle_message(event["requestContext"]["connectionId"], body)
    return {"statusCode": 200, "body": json.dumps(answer, ensure_ascii=False)}
