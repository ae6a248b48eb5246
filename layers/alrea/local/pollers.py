"""Queue pollers: the local stand-in for Lambda's SQS event source mapping.

One thread per registry Queue function: lease a batch from the Bus, hand the handler the SQS event AWS would
send, then ack what succeeded and nack what the handler listed in ``batchItemFailures`` (partial batch
response). An exception fails the whole batch, as in Lambda. Works with any Bus adapter (SQS, RabbitMQ).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alrea.core.log import logger
from alrea.local import events
from alrea.local.worker import Worker
from alrea.ports.bus import Bus, Delivery
from alrea.registry import Function, Queue
from alrea.resources import queue as queue_def

SQS_MAX_BATCH = 10  # one ReceiveMessage call returns at most 10


class QueuePoller(Worker):
    def __init__(self, fn: Function, bus: Bus, invoke: Callable[[Function, dict[str, Any]], Any], *,
                 region: str, wait_s: float = 1.0) -> None:
        if not isinstance(fn.trigger, Queue):
            raise TypeError(f"{fn.name} is not a queue function")
        self.fn = fn
        self.trigger: Queue = fn.trigger
        self.bus = bus
        self.invoke = invoke
        self.region = region
        self.wait_s = wait_s
        self.arn = events.queue_arn(queue_def(self.trigger.queue).physical_name, region)
        super().__init__(f"poller-{fn.name}")

    def _run(self) -> None:
        batch = max(1, min(self.trigger.batch_size, SQS_MAX_BATCH))
        while not self._stop.is_set():
            try:
                deliveries = self.bus.receive(self.trigger.queue, max_messages=batch, wait_s=self.wait_s)
            except Exception:  # noqa: BLE001 - a broker hiccup must not kill the poller
                logger.exception("queue receive failed", extra={"queue": self.trigger.queue})
                self._stop.wait(1.0)
                continue
            if deliveries:
                self.dispatch(deliveries)

    def dispatch(self, deliveries: list[Delivery]) -> set[str]:
        """Invoke the handler with one batch; returns the ids it failed (then nacked)."""
        event = events.sqs_event(deliveries, arn=self.arn, region=self.region)
        try:
            response = self.invoke(self.fn, event)
            failed = events.failed_message_ids(response, event["Records"])
        except Exception:  # noqa: BLE001 - Lambda retries the whole batch after an exception
            logger.exception("function failed", extra={"function": self.fn.name, "records": len(deliveries)})
            failed = {d.message_id for d in deliveries}
        for delivery in deliveries:
            try:
                (self.bus.nack if delivery.message_id in failed else self.bus.ack)(delivery)
            except Exception:  # noqa: BLE001 - the lease lapses and the message comes back anyway
                logger.exception("ack/nack failed", extra={"queue": self.trigger.queue})
        if failed:
            logger.info("batch items failed", extra={"function": self.fn.name, "failed": len(failed),
                                                     "records": len(deliveries)})
        return failed
