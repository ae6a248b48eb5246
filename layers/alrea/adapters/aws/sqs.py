"""SQS Bus (boto3). The queues and their DLQs come from alrea.resources (CDK / alrea.local.provision).

- FIFO: ``MessageGroupId`` = group (or the queue name); ``MessageDeduplicationId`` = dedupe id made SQS-safe
  (hashed when it has characters SQS refuses or is longer than 128), or a hash of the body when absent — the
  same as ContentBasedDeduplication, without depending on that queue attribute. Per-message delay on a FIFO
  queue raises ValueError: SQS FIFO has none.
- Standard: ``DelaySeconds``; ``group`` and ``dedupe_id`` are ignored (SQS cannot dedupe standard queues;
  consumers are idempotent).
"""
from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from alrea.adapters.aws.clients import client
from alrea.core.log import logger
from alrea.ports.bus import Bus, Delivery, check_delay
from alrea.resources import QUEUES, queue as queue_def

# SQS allows alphanumerics and punctuation !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~, up to 128 characters
_SAFE = re.compile(r"^[A-Za-z0-9!-/:-@\[-`{-~]{1,128}$")


def sqs_safe_id(value: str) -> str:
    return value if _SAFE.match(value) else hashlib.sha256(value.encode()).hexdigest()


def discover_queue_urls() -> dict[str, str]:
    """Queue URLs by their alrea.resources names, as the local runtime names them (moto, LocalStack).

    A CDK stack names its queues itself: there, give ALREA_QUEUE_URLS (the stack's QueueUrls output).
    """
    sqs = client("sqs")
    urls: dict[str, str] = {}
    for q in QUEUES.values():
        try:
            urls[q.name] = sqs.get_queue_url(QueueName=q.physical_name)["QueueUrl"]
        except ClientError as exc:
            raise KeyError(f"queue {q.physical_name!r} not found; set ALREA_QUEUE_URLS "
                           f"(the stack's QueueUrls output)") from exc
    return urls


class SqsBus(Bus):
    def __init__(self, queue_urls: dict[str, str]) -> None:
        self.queue_urls = dict(queue_urls)
        self._dlq_urls: dict[str, str] = {}

    @property
    def _sqs(self) -> Any:
        return client("sqs")

    def _url(self, queue: str) -> str:
        try:
            return self.queue_urls[queue]
        except KeyError:
            queue_def(queue)  # unknown name -> KeyError naming the known queues
            raise KeyError(f"no URL configured for queue {queue!r} (ALREA_QUEUE_URLS)") from None

    def publish(self, queue: str, body: dict[str, Any], *, group: str | None = None,
                dedupe_id: str | None = None, delay_s: int = 0) -> str:
        delay_s = check_delay(delay_s)
        spec = queue_def(queue)
        text = json.dumps(body, separators=(",", ":"), default=str)
        params: dict[str, Any] = {"QueueUrl": self._url(queue), "MessageBody": text}
        if spec.fifo:
            if delay_s:
                raise ValueError(f"queue {queue!r} is FIFO: per-message delays are not supported")
            params["MessageGroupId"] = sqs_safe_id(group or queue)
            dedupe_id = dedupe_id or hashlib.sha256(text.encode()).hexdigest()
            params["MessageDeduplicationId"] = sqs_safe_id(dedupe_id)
        elif delay_s:
            params["DelaySeconds"] = delay_s
        return self._sqs.send_message(**params)["MessageId"]

    def publish_many(self, queue: str, messages: list[tuple[dict[str, Any], int]]) -> None:
        """Standard queues: 10 messages per SendMessageBatch; an entry the batch refused is sent on its own."""
        if queue_def(queue).fifo:
            return super().publish_many(queue, messages)
        url = self._url(queue)
        for start in range(0, len(messages), 10):
            chunk = messages[start:start + 10]
            entries = [{"Id": str(i), "MessageBody": json.dumps(body, separators=(",", ":"), default=str),
                        "DelaySeconds": check_delay(delay_s)} for i, (body, delay_s) in enumerate(chunk)]
            answer = self._sqs.send_message_batch(QueueUrl=url, Entries=entries)
            for failed in answer.get("Failed", []):
                body, delay_s = chunk[int(failed["Id"])]
                self.publish(queue, body, delay_s=delay_s)

    def _receive(self, queue: str, url: str, max_messages: int, wait_s: float) -> list[dict]:
        answer = self._sqs.receive_message(
            QueueUrl=url,
            MaxNumberOfMessages=max(1, min(10, max_messages)),
            WaitTimeSeconds=max(0, min(20, math.ceil(wait_s))),
            MessageSystemAttributeNames=["All"],
        )
        return answer.get("Messages", [])

    @staticmethod
    def _delivery(queue: str, url: str, raw: dict) -> Delivery:
        attrs = raw.get("Attributes", {})
        return Delivery(
            message_id=raw["MessageId"],
            body=raw["Body"],
            queue=queue,
            receive_count=int(attrs.get("ApproximateReceiveCount", "1")),
            group=attrs.get("MessageGroupId"),
            dedupe_id=attrs.get("MessageDeduplicationId"),
            sent_at_ms=int(attrs.get("SentTimestamp", "0")),
            handle=(url, raw["ReceiptHandle"]),
        )

    def receive(self, queue: str, *, max_messages: int = 10, wait_s: float = 1.0) -> list[Delivery]:
        url = self._url(queue)
        return [self._delivery(queue, url, raw) for raw in self._receive(queue, url, max_messages, wait_s)]

    def ack(self, delivery: Delivery) -> None:
        url, receipt = delivery.handle
        self._sqs.delete_message(QueueUrl=url, ReceiptHandle=receipt)

    def nack(self, delivery: Delivery) -> None:
        url, receipt = delivery.handle
        try:
            self._sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=receipt, VisibilityTimeout=0)
        except ClientError as exc:  # the lease already lapsed: the message is visible again anyway
            logger.warning("nack failed", extra={"queue": delivery.queue, "error": str(exc)})

    def dlq_url(self, queue: str) -> str:
        if queue not in self._dlq_urls:
            url = self._url(queue)
            attrs = self._sqs.get_queue_attributes(QueueUrl=url,
                                                   AttributeNames=["RedrivePolicy"])["Attributes"]
            if "RedrivePolicy" in attrs:
                name = json.loads(attrs["RedrivePolicy"])["deadLetterTargetArn"].rsplit(":", 1)[-1]
            else:
                name = queue_def(queue).dlq_name
            self._dlq_urls[queue] = self._sqs.get_queue_url(QueueName=name)["QueueUrl"]
        return self._dlq_urls[queue]

    def dead_letters(self, queue: str, *, max_messages: int = 10) -> list[Delivery]:
        url = self.dlq_url(queue)
        out: list[Delivery] = []
        while len(out) < max_messages:
            batch = self._receive(queue, url, max_messages - len(out), 0)
            if not batch:
                break
            for raw in batch:
                self._sqs.delete_message(QueueUrl=url, ReceiptHandle=raw["ReceiptHandle"])
                out.append(self._delivery(queue, url, raw))
        return out

    def lease_dead_letters(self, queue: str, *, max_messages: int = 10) -> list[Delivery]:
        # the handle carries the DLQ's URL, so ack deletes from the DLQ and nack makes it visible there again
        url = self.dlq_url(queue)
        return [self._delivery(queue, url, raw) for raw in self._receive(queue, url, max_messages, 0)]

    def health(self) -> str:
        for name, url in self.queue_urls.items():
            try:
                self._sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
            except (ClientError, BotoCoreError) as exc:
                return f"queue {name}: {exc}"
        return "ok"
