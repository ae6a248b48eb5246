"""webhook_delivery (SQS) → services.outbound_webhooks: one signed POST per attempt to a partner's endpoint.

A failed attempt is not an error of the record: the service re-publishes the next attempt with its delay (or
marks the delivery failed). A record raises only when the table or the queue is unreachable: redelivered.
"""
from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from alrea.core.log import logger
from alrea.services import outbound_webhooks

processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> None:
    receive_count = int(record.attributes.approximate_receive_count or 1)
    outbound_webhooks.deliver(json.loads(record.body), receive_count=receive_count)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                    context=context)
