"""campaign_send (SQS campaign_send_message) → services.campaign_sender: claim, send once, record the outcome.

One SendBatch per invocation: the numbers read once, the outcome counters, chart and rings written once."""
from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from alrea.core.log import logger
from alrea.core.metrics import metrics
from alrea.services import campaign_sender

processor = BatchProcessor(event_type=EventType.SQS)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    batch = campaign_sender.SendBatch()

    def record_handler(record: Any) -> str:
        return campaign_sender.handle_message(json.loads(record.body),
                                              int(record.attributes.approximate_receive_count or 1), batch)

    try:
        return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                        context=context)
    finally:
        batch.flush()
