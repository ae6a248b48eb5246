"""campaign_send (SQS campaign_send_message) → services.campaign_sender: claim, send once, record the outcome.

One SendBatch per invocation: its due messages claimed in one transaction per campaign run, the numbers read
once, the outcomes (with the counters), the chart and the rings written once at the end."""
from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from alrea.core.log import logger
from alrea.core.metrics import metrics
from alrea.services import campaign_sender



@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    batch = campaign_sender.SendBatch()
    bodies = campaign_sender.parse_bodies(event.get("Records", []))
    batch.prepare(bodies)

    def record_handler(record: Any) -> str:
        body = bodies[record.message_id] if record.message_id in bodies else json.loads(record.body)
        return campaign_sender.handle_message(body,
                                              int(record.attributes.approximate_receive_count or 1), batch,
                                              record.message_id)

    try:  # a processor per invocation: it holds the invocation's records and its record_handler closure
        return process_partial_response(event=event, record_handler=record_handler,
                                        processor=BatchProcessor(event_type=EventType.SQS), context=context)
    finally:
        batch.flush()
