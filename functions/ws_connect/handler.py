"""WebSocket $connect: verify the token from the query string, store the connection in its groups."""
from __future__ import annotations

import json

from alrea.core.errors import Unauthorized
from alrea.core.log import logger
from alrea.services import realtime


@logger.inject_lambda_context(clear_state=True)
def handler(event, context):
    connection_id = event["requestContext"]["connectionId"]
    token = (event.get("queryStringParameters") or {}).get("token")
    try:
        claims = realtime.connect(connection_id, token)
    except Unauthorized as exc:
        return {"statusCode": 401, "body": json.dumps({"message": exc.message})}
    logger.info("websocket connected", extra={"tenant_id": claims.tenant_id, "user_id": claims.user_id,
                                              "connection_id": connection_id})
    return {"statusCode": 200}
