"""DLQ redrive: move dead messages back to their source queue once the cause is fixed (``alrea redrive``).

Each dead message is leased from the DLQ (``Bus.lease_dead_letters``), published again to its source queue
with the same body and group, and only then acked (removed) from the DLQ: a crash in between leaves the
message in the DLQ, so nothing is lost and the worst case is a second delivery.

Duplicates: the consumers are idempotent by design (conditional writes), so a message delivered twice does
no harm. On FIFO queues the redrive also dedupes itself: the new message's dedupe id is derived from the dead
message's id (``redrive-<message id>``), so redriving the same dead message twice (a crash between publish
and ack, then a second run) within the queue's 5-minute dedupe window enqueues it once. The ORIGINAL dedupe
id is not reused on purpose: the window counts from the original send, so a redrive within five minutes of
it would be accepted and silently dropped (see docs/DECISIONS.md).

What holds per adapter:
- SQS: publish-then-delete (at least once); FIFO dedupe of a double redrive within 5 minutes, across
  processes; a dead message's group is kept, so order within a group is kept among redriven messages.
- memory: the same as SQS (one process).
- RabbitMQ: publish-then-ack (at least once, publisher confirms); the dedupe cache lives in the process,
  so a double redrive by two separate runs is delivered twice (harmless: idempotent consumers).

A dry run leases what it would move, reports it and hands every message straight back to the DLQ.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from alrea.core.log import logger
from alrea.ports.bus import Bus, Delivery
from alrea.resources import QUEUES

BATCH = 10  # SQS receives at most 10 per call


@dataclass
class RedriveResult:
    queue: str
    dry_run: bool
    message_ids: list[str] = field(default_factory=list)  # the dead messages moved (or that would move)

    @property
    def count(self) -> int:
        return len(self.message_ids)


def redrive_dedupe_id(delivery: Delivery) -> str:
    return f"redrive-{delivery.message_id}"


def redrive(bus: Bus, queue: str, *, max_messages: int | None = None, dry_run: bool = False) -> RedriveResult:
    """Move up to ``max_messages`` (all when None) dead messages of ``queue`` back to it."""
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}; known queues: {', '.join(sorted(QUEUES))}")
    if max_messages is not None and max_messages < 1:
        raise ValueError("max_messages must be at least 1")
    result = RedriveResult(queue=queue, dry_run=dry_run)
    if dry_run:
        _peek(bus, queue, max_messages, result)
    else:
        _move(bus, queue, max_messages, result)
    logger.info("redrive done", extra={"queue": queue, "dry_run": dry_run, "count": result.count})
    return result


def _room(result: RedriveResult, max_messages: int | None) -> int:
    return BATCH if max_messages is None else min(BATCH, max_messages - result.count)


def _peek(bus: Bus, queue: str, max_messages: int | None, result: RedriveResult) -> None:
    leased: list[Delivery] = []
    try:
        while _room(result, max_messages) > 0:
            batch = bus.lease_dead_letters(queue, max_messages=_room(result, max_messages))
            if not batch:
                break
            leased += batch
            result.message_ids += [d.message_id for d in batch]
    finally:
        for delivery in reversed(leased):  # back in their original order where the DLQ keeps one
            bus.nack(delivery)


def _move(bus: Bus, queue: str, max_messages: int | None, result: RedriveResult) -> None:
    fifo = QUEUES[queue].fifo
    while _room(result, max_messages) > 0:
        batch = bus.lease_dead_letters(queue, max_messages=_room(result, max_messages))
        if not batch:
            break
        for index, delivery in enumerate(batch):
            try:
                bus.publish(queue, json.loads(delivery.body), group=delivery.group if fifo else None,
                            dedupe_id=redrive_dedupe_id(delivery) if fifo else None)
            except Exception:
                for rest in reversed(batch[index:]):  # not moved: back to the DLQ for the next run
                    bus.nack(rest)
                logger.exception("redrive stopped: publish failed",
                                 extra={"queue": queue, "message_id": delivery.message_id, "moved": result.count})
                raise
            bus.ack(delivery)
            result.message_ids.append(delivery.message_id)
            logger.info("dead message redriven", extra={"queue": queue, "message_id": delivery.message_id,
                                                         "group": delivery.group})
