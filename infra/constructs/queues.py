"""One SQS queue per alrea.resources.QUEUES entry, each with its own dead-letter queue."""
from __future__ import annotations

from aws_cdk import Duration, Stack
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from alrea.resources import QUEUES, QueueDef

DLQ_RETENTION = Duration.days(14)  # the SQS maximum: time to inspect and redrive


class Queues(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.queues: dict[str, sqs.Queue] = {}
        self.dlqs: dict[str, sqs.Queue] = {}
        for definition in QUEUES.values():
            self._add(definition)

    def _add(self, q: QueueDef) -> None:
        fifo = {"fifo": True, "content_based_deduplication": True} if q.fifo else {}
        dlq = sqs.Queue(
            self, f"{q.name}_dlq",
            retention_period=DLQ_RETENTION,
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            **fifo,
        )
        self.dlqs[q.name] = dlq
        self.queues[q.name] = sqs.Queue(
            self, q.name,
            visibility_timeout=Duration.seconds(q.visibility_timeout_s),
            retention_period=Duration.seconds(q.retention_s),
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=q.max_receive_count, queue=dlq),
            encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            **fifo,
        )

    def __getitem__(self, name: str) -> sqs.Queue:
        try:
            return self.queues[name]
        except KeyError:
            raise KeyError(f"unknown queue {name!r}; queues are defined in alrea.resources.QUEUES") from None

    def urls_json(self) -> str:
        """``{"name": "https://sqs..."}`` as a deploy-time JSON string (ALREA_QUEUE_URLS)."""
        return Stack.of(self).to_json_string({name: q.queue_url for name, q in self.queues.items()})
