"""Create the table, queues (each with its DLQ) and bucket from alrea.resources on moto, LocalStack or AWS.

Used by ``alrea dev`` and by the tests; CDK builds the same definitions in the cloud.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from botocore.exceptions import ClientError

from alrea.adapters.aws.clients import client
from alrea.core.log import logger
from alrea.resources import BUCKET, QUEUES, STATE_MACHINE_NAME, TABLE


@dataclass
class Provisioned:
    table_name: str
    bucket_name: str
    queue_urls: dict[str, str] = field(default_factory=dict)
    dlq_urls: dict[str, str] = field(default_factory=dict)
    state_machine_arn: str = ""


def create_table(table_name: str) -> None:
    ddb = client("dynamodb")
    attrs = [{"AttributeName": name, "AttributeType": "S"} for name in TABLE.key_attributes]
    try:
        ddb.create_table(
            TableName=table_name,
            BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=attrs,
            KeySchema=[{"AttributeName": TABLE.pk, "KeyType": "HASH"},
                       {"AttributeName": TABLE.sk, "KeyType": "RANGE"}],
            GlobalSecondaryIndexes=[
                {
                    "IndexName": index.name,
                    "KeySchema": [{"AttributeName": index.pk, "KeyType": "HASH"},
                                  {"AttributeName": index.sk, "KeyType": "RANGE"}],
                    "Projection": {"ProjectionType": "ALL"},
                }
                for index in TABLE.indexes
            ],
        )
        ddb.get_waiter("table_exists").wait(TableName=table_name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
        ddb.update_time_to_live(TableName=table_name,
                                TimeToLiveSpecification={"Enabled": True, "AttributeName": TABLE.ttl})
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ResourceInUseException":
            raise


def create_queues(prefix: str = "", visibility_override_s: int | None = None) -> tuple[dict, dict]:
    sqs = client("sqs")
    urls: dict[str, str] = {}
    dlqs: dict[str, str] = {}
    for q in QUEUES.values():
        fifo_attrs = {"FifoQueue": "true", "ContentBasedDeduplication": "true"} if q.fifo else {}
        dlq_url = sqs.create_queue(QueueName=prefix + q.dlq_name,
                                   Attributes={**fifo_attrs, "MessageRetentionPeriod": "1209600"})["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        visibility = visibility_override_s if visibility_override_s is not None else q.visibility_timeout_s
        url = sqs.create_queue(
            QueueName=prefix + q.physical_name,
            Attributes={
                **fifo_attrs,
                "VisibilityTimeout": str(visibility),
                "MessageRetentionPeriod": str(q.retention_s),
                "RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn,
                                             "maxReceiveCount": str(q.max_receive_count)}),
            },
        )["QueueUrl"]
        urls[q.name] = url
        dlqs[q.name] = dlq_url
    return urls, dlqs


def bucket_cors(origins: Iterable[str]) -> dict:
    """The bucket's CORS configuration (the same rule CDK applies) for the SPA's origins."""
    return {"CORSRules": [{"AllowedMethods": list(BUCKET.cors_methods),
                           "AllowedOrigins": list(dict.fromkeys(origins)), "AllowedHeaders": list(BUCKET.cors_headers),
                           "ExposeHeaders": list(BUCKET.cors_exposed_headers),
                           "MaxAgeSeconds": BUCKET.cors_max_age_s}]}


def create_bucket(bucket_name: str, cors_origins: Iterable[str] = ()) -> None:
    """The media bucket, with CORS for the local SPA origins (plus ``cors_origins``, e.g. the runtime's URL)."""
    s3 = client("s3")
    try:
        s3.create_bucket(Bucket=bucket_name)
    except ClientError as exc:
        if exc.response["Error"]["Code"] not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
            raise
    s3.put_bucket_cors(Bucket=bucket_name, CORSConfiguration=bucket_cors([*BUCKET.local_origins, *cors_origins]))


def create_state_machine(definition: str, role_arn: str = "arn:aws:iam::123456789012:role/alrea-sfn") -> str:
    sfn = client("stepfunctions")
    try:
        return sfn.create_state_machine(name=STATE_MACHINE_NAME, definition=definition, roleArn=role_arn,
                                        type="STANDARD")["stateMachineArn"]
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "StateMachineAlreadyExists":
            raise
        machines = sfn.list_state_machines()["stateMachines"]
        return next(m["stateMachineArn"] for m in machines if m["name"] == STATE_MACHINE_NAME)


def provision(table_name: str, bucket_name: str, *, queue_prefix: str = "",
              visibility_override_s: int | None = None, cors_origins: Iterable[str] = ()) -> Provisioned:
    create_table(table_name)
    urls, dlqs = create_queues(queue_prefix, visibility_override_s)
    create_bucket(bucket_name, cors_origins)
    logger.info("provisioned", extra={"table": table_name, "bucket": bucket_name, "queues": len(urls)})
    return Provisioned(table_name=table_name, bucket_name=bucket_name, queue_urls=urls, dlq_urls=dlqs)
