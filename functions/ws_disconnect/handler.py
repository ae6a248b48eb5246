"""WebSocket $disconnect: forget the connection and its group memberships."""
from __future__ import annotations

from alrea.core.log import logger
from alrea.services import realtime


@logger.inject_lambda_context(clear_state=True)
def handler(event, context):
    connection_id = event["requestContext"]["connectionId"]
    realtime.disconnect(connection_id)
    logger.info("websocket disconnected", extra={"connection_id": connection_id})
    return {"statusCode": 200}
