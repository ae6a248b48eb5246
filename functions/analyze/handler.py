"""analyze (SQS FIFO sense_analyze, grouped per conversation) → services.sense: one inbound text per record.

An analyzer without a usable answer fails the record: the FIFO processor skips the rest of that conversation's
group (retried after it, in order) while other conversations go on; after the max receive count → the DLQ.
"""
from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import SqsFifoPartialProcessor, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from alrea.core.log import logger
from alrea.services import sense

processor = SqsFifoPartialProcessor(skip_group_on_error=True)


def record_handler(record: SQSRecord) -> None:
    sense.analyze(json.loads(record.body))


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                    context=context)
