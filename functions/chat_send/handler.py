"""chat_send_message (SQS FIFO, grouped per conversation) → services.chat_send: inbox sends via Evolution.

A record that raises (Evolution unreachable) stops its conversation's group and is redelivered in order; the
service marks the message failed itself on the queue's last receive, so nothing waits forever.
"""
from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from alrea.core.log import logger
from alrea.core.metrics import metrics
from alrea.services import chat_send

processor = SqsFifoPartialProcessor(skip_group_on_error=True)


def record_handler(record: SQSRecord) -> None:
    attempt = int(record.attributes.approximate_receive_count or 1)
    chat_send.send(json.loads(record.body), attempt=attempt)


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                    context=context)
