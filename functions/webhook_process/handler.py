"""webhook_inbound (SQS FIFO) → services.inbound, with partial batch failures.

The FIFO processor stops a failed message's group (later messages of that chat are retried after it, in order)
while other groups of the batch go on; a poison message reaches the DLQ after the queue's max receive count.
"""
from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from alrea.core.log import logger
from alrea.core.metrics import metrics
from alrea.services import inbound

processor = SqsFifoPartialProcessor(skip_group_on_error=True)


def _json(body: str | None) -> Any:
    try:
        return json.loads(body or "")
    except ValueError:
        return None  # the record fails alone, in record_handler


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    batch = inbound.Batch()  # what every message of this batch reads once (state, fan-out members, routing)
    bodies = {r.get("messageId"): _json(r.get("body")) for r in event.get("Records", [])}
    batch.prefetch(b for b in bodies.values() if isinstance(b, dict))

    def record_handler(record: SQSRecord) -> None:
        inbound.process(bodies.get(record.message_id) or json.loads(record.body), batch)

    return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                    context=context)
