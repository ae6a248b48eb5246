"""In-memory Bus with SQS semantics, for unit tests and single-process runs.

One :class:`MemoryBroker` holds the queues; every :class:`MemoryBus` built on it is one consumer (close() is
"that consumer died": its leases come back at once). Behaves like SQS on purpose, so a test that passes here
holds on AWS:

- FIFO queues (``QueueDef.fifo``): order is kept per group (default group: the queue name); a group's next
  message is not handed out while an earlier one of that group is leased. ``delay_s`` raises ValueError
  (SQS FIFO has no per-message delay). Dedupe within 5 minutes on ``dedupe_id`` (content hash when absent,
  as ``ContentBasedDeduplication`` does).
- Standard queues: per-message delays; ``group`` and ``dedupe_id`` are ignored (SQS cannot dedupe them).
- Leases last the queue's visibility timeout (``visibility_timeout_s`` on the broker overrides it for tests);
  a message that would be received more than ``max_receive_count`` times moves to the dead-letter queue.
"""
from __future__ import annotations

import hashlib
import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from alrea.core.clock import new_id
from alrea.ports.bus import Bus, Delivery, check_delay
from alrea.resources import QueueDef, queue as queue_def

DEDUPE_WINDOW_S = 300.0


@dataclass
class _Message:
    seq: int
    message_id: str
    body: str
    group: str | None
    dedupe_id: str | None
    sent_at_ms: int
    visible_at: float
    receive_count: int = 0
    lease_owner: int | None = None
    lease_until: float = 0.0
    receipt: str = ""


class _Queue:
    def __init__(self, spec: QueueDef) -> None:
        self.spec = spec
        self.messages: list[_Message] = []  # in send order
        self.dead: deque[_Message] = deque()
        self.dead_leased: dict[str, tuple[int, _Message]] = {}  # receipt -> (consumer, message): redrive leases
        self.dedupe: dict[str, tuple[float, str]] = {}  # dedupe id -> (expiry (monotonic), message id)


class MemoryBroker:
    """The shared state of every MemoryBus on it. Thread-safe."""

    def __init__(self, visibility_timeout_s: float | None = None) -> None:
        self.visibility_timeout_s = visibility_timeout_s
        self._queues: dict[str, _Queue] = {}
        self._lock = threading.Condition()
        self._seq = itertools.count(1)
        self._consumers = itertools.count(1)

    # ------------------------------------------------------------ internals (all under the lock)
    def _queue(self, name: str) -> _Queue:
        q = self._queues.get(name)
        if q is None:
            q = self._queues[name] = _Queue(queue_def(name))
        return q

    def _visibility(self, spec: QueueDef) -> float:
        override = self.visibility_timeout_s
        return override if override is not None else spec.visibility_timeout_s

    def new_consumer(self) -> int:
        return next(self._consumers)

    def reset(self) -> None:
        with self._lock:
            self._queues.clear()

    # ------------------------------------------------------------ operations
    def publish(self, name: str, body: str, group: str | None, dedupe_id: str | None, delay_s: int) -> str:
        delay_s = check_delay(delay_s)
        with self._lock:
            q = self._queue(name)
            spec = q.spec
            if spec.fifo:
                if delay_s:
                    raise ValueError(f"queue {name!r} is FIFO: per-message delays are not supported")
                group = group or name
                dedupe_id = dedupe_id or hashlib.sha256(body.encode()).hexdigest()
                now = time.monotonic()
                q.dedupe = {k: v for k, v in q.dedupe.items() if v[0] > now}
                if dedupe_id in q.dedupe:
                    return q.dedupe[dedupe_id][1]  # accepted, not enqueued again (SQS answers the same)
            else:
                group, dedupe_id = None, None
            message = _Message(seq=next(self._seq), message_id=new_id(), body=body, group=group,
                               dedupe_id=dedupe_id, sent_at_ms=int(time.time() * 1000),
                               visible_at=time.monotonic() + delay_s)
            if dedupe_id:
                q.dedupe[dedupe_id] = (time.monotonic() + DEDUPE_WINDOW_S, message.message_id)
            q.messages.append(message)
            self._lock.notify_all()
            return message.message_id

    def _take(self, q: _Queue, consumer: int, max_messages: int) -> list[_Message]:
        now = time.monotonic()
        spec = q.spec
        # lapsed leases come back first
        for m in q.messages:
            if m.lease_owner is not None and m.lease_until <= now:
                m.lease_owner = None
                m.visible_at = now
        blocked: set[str] = set()
        if spec.fifo:
            blocked = {m.group for m in q.messages if m.lease_owner is not None}  # type: ignore[misc]
        taken: list[_Message] = []
        for m in list(q.messages):
            if len(taken) >= max_messages:
                break
            if spec.fifo and m.group in blocked:
                continue
            if m.lease_owner is not None or m.visible_at > now:
                if spec.fifo:
                    blocked.add(m.group)  # type: ignore[arg-type]
                continue
            if m.receive_count >= spec.max_receive_count:
                q.messages.remove(m)
                q.dead.append(m)
                continue
            m.receive_count += 1
            m.lease_owner = consumer
            m.lease_until = now + self._visibility(spec)
            m.receipt = new_id()
            taken.append(m)
        return taken

    def receive(self, name: str, consumer: int, max_messages: int, wait_s: float) -> list[Delivery]:
        deadline = time.monotonic() + max(0.0, wait_s)
        with self._lock:
            q = self._queue(name)
            while True:
                taken = self._take(q, consumer, max_messages)
                remaining = deadline - time.monotonic()
                if taken or remaining <= 0:
                    break
                # wake on publish/ack/nack, or soon enough to notice delays and lapsed leases
                self._lock.wait(min(remaining, 0.05))
            return [self._delivery(name, m, handle=(m.message_id, m.receipt)) for m in taken]

    @staticmethod
    def _delivery(name: str, m: _Message, handle: Any) -> Delivery:
        return Delivery(message_id=m.message_id, body=m.body, queue=name, receive_count=m.receive_count,
                        group=m.group, dedupe_id=m.dedupe_id, sent_at_ms=m.sent_at_ms, handle=handle)

    def _leased(self, delivery: Delivery) -> tuple[_Queue, _Message] | None:
        q = self._queue(delivery.queue)
        message_id, receipt = delivery.handle
        for m in q.messages:
            if m.message_id == message_id and m.receipt == receipt and m.lease_owner is not None:
                return q, m
        return None  # lease lapsed and someone else holds it now, or already acked: like a stale receipt

    def ack(self, delivery: Delivery) -> None:
        with self._lock:
            if _is_dead_handle(delivery.handle):
                self._queue(delivery.queue).dead_leased.pop(delivery.handle[2], None)
                return
            found = self._leased(delivery)
            if found:
                found[0].messages.remove(found[1])
                self._lock.notify_all()

    def nack(self, delivery: Delivery) -> None:
        with self._lock:
            if _is_dead_handle(delivery.handle):
                q = self._queue(delivery.queue)
                leased = q.dead_leased.pop(delivery.handle[2], None)
                if leased:
                    q.dead.appendleft(leased[1])
                return
            found = self._leased(delivery)
            if found:
                found[1].lease_owner = None
                found[1].visible_at = time.monotonic()
                self._lock.notify_all()

    def release(self, consumer: int) -> None:
        with self._lock:
            now = time.monotonic()
            for q in self._queues.values():
                for m in q.messages:
                    if m.lease_owner == consumer:
                        m.lease_owner = None
                        m.visible_at = now
                for receipt, (owner, m) in list(q.dead_leased.items()):
                    if owner == consumer:
                        del q.dead_leased[receipt]
                        q.dead.appendleft(m)
            self._lock.notify_all()

    def dead_letters(self, name: str, max_messages: int) -> list[Delivery]:
        with self._lock:
            q = self._queue(name)
            # as in SQS, a message past its receive count moves here on the next receive attempt
            out: list[Delivery] = []
            while q.dead and len(out) < max_messages:
                m = q.dead.popleft()
                out.append(self._delivery(name, m, handle=None))
            return out

    def lease_dead_letters(self, name: str, consumer: int, max_messages: int) -> list[Delivery]:
        with self._lock:
            q = self._queue(name)
            out: list[Delivery] = []
            while q.dead and len(out) < max_messages:
                m = q.dead.popleft()
                receipt = new_id()
                q.dead_leased[receipt] = (consumer, m)
                out.append(self._delivery(name, m, handle=("dead", m.message_id, receipt)))
            return out


def _is_dead_handle(handle: Any) -> bool:
    return isinstance(handle, tuple) and len(handle) == 3 and handle[0] == "dead"


_default_broker = MemoryBroker()


def default_broker() -> MemoryBroker:
    return _default_broker


class MemoryBus(Bus):
    def __init__(self, broker: MemoryBroker | None = None) -> None:
        self.broker = broker or _default_broker
        self._consumer = self.broker.new_consumer()

    def publish(self, queue: str, body: dict[str, Any], *, group: str | None = None,
                dedupe_id: str | None = None, delay_s: int = 0) -> str:
        return self.broker.publish(queue, json.dumps(body, separators=(",", ":"), default=str), group,
                                   dedupe_id, delay_s)

    def receive(self, queue: str, *, max_messages: int = 10, wait_s: float = 1.0) -> list[Delivery]:
        return self.broker.receive(queue, self._consumer, max_messages, wait_s)

    def ack(self, delivery: Delivery) -> None:
        self.broker.ack(delivery)

    def nack(self, delivery: Delivery) -> None:
        self.broker.nack(delivery)

    def dead_letters(self, queue: str, *, max_messages: int = 10) -> list[Delivery]:
        return self.broker.dead_letters(queue, max_messages)

    def lease_dead_letters(self, queue: str, *, max_messages: int = 10) -> list[Delivery]:
        return self.broker.lease_dead_letters(queue, self._consumer, max_messages)

    def health(self) -> str:
        return "ok"

    def close(self) -> None:
        self.broker.release(self._consumer)
