"""campaign_plan (SQS) → services.campaign_planner: one round of a campaign's plan loop, answered to the Pacer."""
from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from alrea.core.log import logger
from alrea.core.metrics import metrics
from alrea.services import campaign_planner

processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> None:
    campaign_planner.handle_message(json.loads(record.body),
                                    int(record.attributes.approximate_receive_count or 1))


@logger.inject_lambda_context(clear_state=True)
@metrics.log_metrics
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                    context=context)
