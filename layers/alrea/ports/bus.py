"""Bus: queues between functions.

Publishing is what the domain does. Receiving is what the runtime does on the domain's behalf: Lambda's SQS
event source in AWS, the local runtime's pollers here. Both sides are on the port so that one contract
test-suite proves every adapter (memory, SQS, RabbitMQ) behaves the same: ordering within a group, delayed
delivery, redelivery of an unacknowledged message, dead-lettering after the queue's max receive count.
"""
from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Delivery:
    """One received message, with what an SQS record carries."""

    message_id: str
    body: str
    queue: str
    receive_count: int = 1
    group: str | None = None
    dedupe_id: str | None = None
    sent_at_ms: int = 0
    # adapter-private handle used to ack/nack (SQS receipt handle, AMQP message, ...)
    handle: Any = field(default=None, repr=False)

    def json(self) -> Any:
        return json.loads(self.body)


class Bus(ABC):
    @abstractmethod
    def publish(
        self,
        queue: str,
        body: dict[str, Any],
        *,
        group: str | None = None,
        dedupe_id: str | None = None,
        delay_s: int = 0,
    ) -> str:
        """Send one message; returns its message id.

        ``group`` orders messages within a FIFO queue; ``dedupe_id`` drops a repeat of the same id within
        the dedupe window; ``delay_s`` (0..900) holds the message back (standard queues only in SQS).
        """

    @abstractmethod
    def receive(self, queue: str, *, max_messages: int = 10, wait_s: float = 1.0) -> list[Delivery]:
        """Lease up to ``max_messages``; each stays invisible until acked, nacked or its lease lapses."""

    @abstractmethod
    def ack(self, delivery: Delivery) -> None:
        """Processed: delete it."""

    @abstractmethod
    def nack(self, delivery: Delivery) -> None:
        """Failed: make it visible again; past the queue's max receive count it goes to the DLQ."""

    @abstractmethod
    def dead_letters(self, queue: str, *, max_messages: int = 10) -> list[Delivery]:
        """Read (and remove) messages from the queue's dead-letter queue — for operators and tests."""

    @abstractmethod
    def lease_dead_letters(self, queue: str, *, max_messages: int = 10) -> list[Delivery]:
        """Lease messages of the queue's dead-letter queue without removing them (the redrive reads this way).

        Each Delivery names the SOURCE queue and keeps the dead message's id, body, group and dedupe id;
        ``ack(delivery)`` removes it from the DLQ, ``nack(delivery)`` hands it back to the DLQ at once.
        A lease that is neither acked nor nacked comes back by itself (SQS: the DLQ's visibility timeout;
        RabbitMQ: when the connection closes; memory: when the consumer closes).
        """

    @abstractmethod
    def health(self) -> str:
        """"ok" or a short reason."""

    def close(self) -> None:
        """Release connections; unacknowledged leases return to their queue (as if the consumer died)."""

    def publish_many(self, queue: str, messages: list[tuple[dict[str, Any], int]]) -> None:
        """Send several messages to a standard queue, each ``(body, delay_s)``. By default one publish each;
        an adapter may send them in fewer requests (SQS: 10 per SendMessageBatch)."""
        for body, delay_s in messages:
            self.publish(queue, body, delay_s=delay_s)


MAX_DELAY_S = 900


def check_delay(delay_s: int) -> int:
    if not 0 <= delay_s <= MAX_DELAY_S:
        raise ValueError(f"delay_s must be within 0..{MAX_DELAY_S}, got {delay_s}")
    return int(delay_s)
