"""contacts_import (SQS of S3 ObjectCreated events) → services.contacts_import: one uploaded CSV per record.

S3 sends an ``s3:TestEvent`` when the notification is configured (no Records: skipped); object keys arrive
URL-encoded (unquoted in the service).
"""
from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from alrea.core.log import logger
from alrea.services import contacts_import

processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> None:
    contacts_import.handle_s3_message(json.loads(record.body))


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return process_partial_response(event=event, record_handler=record_handler, processor=processor,
                                    context=context)
