"""RabbitMQ Bus (aio-pika), the local/on-prem stand-in for SQS.

aio-pika is asyncio; the Bus port is synchronous (Lambda-style handlers). So each RabbitBus owns ONE private
event loop in a daemon thread and every method hands its coroutine over with ``run_coroutine_threadsafe``.

Topology, per QueueDef (names are ``prefix + name``):
- ``<name>``: durable quorum queue with ``x-delivery-limit`` so a message returned too often dead-letters
  (via the default exchange) to ``<name>_dlq``, as SQS's redrive policy does. The limit is
  ``max_receive_count - 1``: a quorum queue dead-letters once a message has been *returned* more times than
  the limit, i.e. after ``max_receive_count`` receives.
- ``<name>.delay.<s>``: one classic queue per delay length with ``x-message-ttl`` that dead-letters back to
  ``<name>``. Per-message TTL would block at the head (a 1 s message waits behind a 2 s one), so there is
  one queue per length. ``x-expires`` removes idle ones; it is kept longer than the TTL and refreshed by
  redeclaring, so a waiting message is never lost with its queue.

Differences from SQS, by design of the broker:
- no visibility timeout: an unacknowledged message comes back when it is nacked or the consumer's
  connection closes (``close()``, or the process dies);
- FIFO queues keep order per group for ONE consumer per queue (the local runtime runs one poller per
  queue); groups are not leased exclusively across several consumers;
- ``dedupe_id`` (FIFO queues, as in SQS; a body hash when absent) is checked in an in-process 5-minute
  cache: best effort only, a second process does not see it. Consumers are idempotent anyway;
- ``delay_s`` on a FIFO queue raises ValueError, as SQS FIFO does.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import threading
import time
from typing import Any, Coroutine, TypeVar

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractConnection, AbstractIncomingMessage, AbstractQueue

from alrea.core.clock import new_id, utcnow
from alrea.core.log import logger
from alrea.ports.bus import Bus, Delivery, check_delay
from alrea.resources import QUEUES, queue as queue_def

T = TypeVar("T")
DEDUPE_WINDOW_S = 300.0
DELAY_EXPIRY_MARGIN_S = 120  # a delay queue outlives its TTL by this much after its last (re)declare
REDECLARE_AFTER_S = 60.0  # < margin, so a message published now dead-letters before the queue can expire
GROUP_HEADER, DEDUPE_HEADER = "x-alrea-group", "x-alrea-dedupe-id"


class RabbitBus(Bus):
    def __init__(self, url: str, prefix: str = "", *, timeout_s: float = 30.0) -> None:
        self.url, self.prefix, self.timeout_s = url, prefix, timeout_s
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="alrea-rabbitmq", daemon=True)
        self._thread.start()
        self._connection: AbstractConnection | None = None
        self._channel: AbstractChannel | None = None
        self._queues: dict[str, AbstractQueue] = {}  # declared main and dead-letter queues
        self._delay_declared: dict[str, float] = {}  # delay queue -> monotonic time of last declare
        self._dedupe: dict[tuple[str, str], tuple[float, str]] = {}  # -> (expiry, message id)
        self._dedupe_lock = threading.Lock()
        self._closed = False

    # ------------------------------------------------------------ plumbing
    def _run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        if self._closed:
            coro.close()
            raise RuntimeError("RabbitBus is closed")
        try:
            return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout or self.timeout_s)
        except (aio_pika.exceptions.AMQPError, ConnectionError, OSError, RuntimeError, TimeoutError):
            # the broker went away (restart, network): forget the connection, channel and declared queues;
            # the next call connects afresh and re-declares, so a broker restart heals by itself
            asyncio.run_coroutine_threadsafe(self._forget_connection(), self._loop).result(10)
            raise

    async def _forget_connection(self) -> None:
        connection, self._connection, self._channel = self._connection, None, None
        self._queues.clear()
        self._delay_declared.clear()
        if connection is not None and not connection.is_closed:
            try:
                await connection.close()
            except Exception:  # noqa: BLE001 - it is already broken
                pass

    async def _chan(self) -> AbstractChannel:
        # a plain connection (not connect_robust): a robust one keeps handing out queue objects bound to dead
        # channels after a broker restart; _run drops everything on a connection error instead
        if self._connection is None or self._connection.is_closed:
            self._connection = await aio_pika.connect(self.url, timeout=10)
            self._channel = None
        if self._channel is None or self._channel.is_closed:
            self._channel = await self._connection.channel(publisher_confirms=True)
            self._queues.clear()
            self._delay_declared.clear()
        return self._channel

    def _name(self, queue: str) -> str:
        return self.prefix + queue

    def _dlq_name(self, queue: str) -> str:
        return f"{self.prefix}{queue}_dlq"

    async def _main(self, queue: str) -> AbstractQueue:
        if queue not in self._queues:
            spec = queue_def(queue)
            channel = await self._chan()
            await channel.declare_queue(self._dlq_name(queue), durable=True,
                                        arguments={"x-queue-type": "quorum"})
            self._queues[queue] = await channel.declare_queue(
                self._name(queue), durable=True,
                arguments={
                    "x-queue-type": "quorum",
                    "x-delivery-limit": max(0, spec.max_receive_count - 1),
                    "x-dead-letter-exchange": "",
                    "x-dead-letter-routing-key": self._dlq_name(queue),
                },
            )
        return self._queues[queue]

    async def _dlq(self, queue: str) -> AbstractQueue:
        await self._main(queue)
        key = queue + "_dlq"
        if key not in self._queues:
            channel = await self._chan()
            self._queues[key] = await channel.declare_queue(self._dlq_name(queue), durable=True,
                                                            arguments={"x-queue-type": "quorum"})
        return self._queues[key]

    async def _delay_queue(self, queue: str, delay_s: int) -> str:
        name = f"{self.prefix}{queue}.delay.{delay_s}"
        if time.monotonic() - self._delay_declared.get(name, -1e9) > REDECLARE_AFTER_S:
            channel = await self._chan()
            await channel.declare_queue(name, durable=True, arguments={
                "x-message-ttl": delay_s * 1000,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": self._name(queue),
                "x-expires": (delay_s + DELAY_EXPIRY_MARGIN_S) * 1000,
            })
            self._delay_declared[name] = time.monotonic()
        return name

    def _seen(self, queue: str, dedupe_id: str, message_id: str) -> str | None:
        """The id of an earlier message with this dedupe id within the window, else remember this one."""
        now = time.monotonic()
        with self._dedupe_lock:
            if len(self._dedupe) > 10_000:
                self._dedupe = {k: v for k, v in self._dedupe.items() if v[0] > now}
            earlier = self._dedupe.get((queue, dedupe_id))
            if earlier and earlier[0] > now:
                return earlier[1]
            self._dedupe[(queue, dedupe_id)] = (now + DEDUPE_WINDOW_S, message_id)
            return None

    def _forget(self, queue: str, dedupe_id: str) -> None:
        with self._dedupe_lock:
            self._dedupe.pop((queue, dedupe_id), None)

    # ------------------------------------------------------------ Bus
    def publish(self, queue: str, body: dict[str, Any], *, group: str | None = None,
                dedupe_id: str | None = None, delay_s: int = 0) -> str:
        delay_s = check_delay(delay_s)
        spec = queue_def(queue)
        text = json.dumps(body, separators=(",", ":"), default=str)
        headers: dict[str, Any] = {}
        message_id = new_id()
        if spec.fifo:
            if delay_s:
                raise ValueError(f"queue {queue!r} is FIFO: per-message delays are not supported")
            dedupe_id = dedupe_id or hashlib.sha256(text.encode()).hexdigest()
            headers = {GROUP_HEADER: group or queue, DEDUPE_HEADER: dedupe_id}
            earlier = self._seen(queue, dedupe_id, message_id)
            if earlier:
                logger.debug("duplicate message dropped", extra={"queue": queue, "dedupe_id": dedupe_id})
                return earlier
        try:
            self._run(self._publish(queue, text, headers, message_id, delay_s))
        except BaseException:
            if spec.fifo:  # not sent: a retry of the same message must not be taken for a duplicate
                self._forget(queue, dedupe_id)
            raise
        return message_id

    async def _publish(self, queue: str, text: str, headers: dict, message_id: str, delay_s: int) -> None:
        await self._main(queue)
        target = await self._delay_queue(queue, delay_s) if delay_s else self._name(queue)
        message = aio_pika.Message(text.encode(), content_type="application/json", message_id=message_id,
                                   timestamp=utcnow(), headers=headers,
                                   delivery_mode=aio_pika.DeliveryMode.PERSISTENT)
        await (await self._chan()).default_exchange.publish(message, routing_key=target)

    def receive(self, queue: str, *, max_messages: int = 10, wait_s: float = 1.0) -> list[Delivery]:
        messages = self._run(self._receive(queue, max_messages, wait_s), timeout=wait_s + self.timeout_s)
        return [self._delivery(queue, m) for m in messages]

    async def _receive(self, queue: str, max_messages: int, wait_s: float) -> list[AbstractIncomingMessage]:
        deadline = time.monotonic() + max(0.0, wait_s)
        out: list[AbstractIncomingMessage] = []
        while True:
            q = await self._main(queue)
            while len(out) < max_messages:
                message = await q.get(no_ack=False, fail=False)
                if message is None:
                    break
                out.append(message)
            remaining = deadline - time.monotonic()
            if out or remaining <= 0:
                return out
            await asyncio.sleep(min(0.05, remaining))

    @staticmethod
    def _delivery(queue: str, message: AbstractIncomingMessage) -> Delivery:
        headers = message.headers or {}
        sent = message.timestamp
        return Delivery(
            message_id=message.message_id or "",
            body=message.body.decode(),
            queue=queue,
            receive_count=int(headers.get("x-delivery-count", 0) or 0) + 1,
            group=_text(headers.get(GROUP_HEADER)),
            dedupe_id=_text(headers.get(DEDUPE_HEADER)),
            sent_at_ms=int(sent.timestamp() * 1000) if sent else 0,
            handle=message,
        )

    def ack(self, delivery: Delivery) -> None:
        self._run(delivery.handle.ack())

    def nack(self, delivery: Delivery) -> None:
        self._run(delivery.handle.reject(requeue=True))

    def dead_letters(self, queue: str, *, max_messages: int = 10) -> list[Delivery]:
        return self._run(self._get_dead_letters(queue, max_messages, remove=True))

    def lease_dead_letters(self, queue: str, *, max_messages: int = 10) -> list[Delivery]:
        # unacknowledged gets: ack removes from the DLQ, nack (reject, requeue) puts back, as for any lease
        return self._run(self._get_dead_letters(queue, max_messages, remove=False))

    async def _get_dead_letters(self, queue: str, max_messages: int, *, remove: bool) -> list[Delivery]:
        q = await self._dlq(queue)
        out: list[Delivery] = []
        while len(out) < max_messages:
            message = await q.get(no_ack=False, fail=False)
            if message is None:
                break
            if remove:
                await message.ack()
            out.append(self._delivery(queue, message))
        return out

    def health(self) -> str:
        if self._closed:
            return "closed"
        try:
            self._run(self._chan(), timeout=10)
        except Exception as exc:  # noqa: BLE001 - health reports any failure as a reason
            return f"rabbitmq: {exc!r}"
        return "ok"

    def delete_queues(self) -> None:
        """Delete this prefix's queues and dead-letter queues, and the delay queues this instance declared
        (others expire by themselves). For test cleanup."""
        self._run(self._delete_queues())

    async def _delete_queues(self) -> None:
        channel = await self._chan()
        names = set(self._delay_declared)
        for name in QUEUES:
            names |= {self._name(name), self._dlq_name(name)}
        for name in sorted(names):
            await channel.queue_delete(name)
        self._queues.clear()
        self._delay_declared.clear()

    def close(self) -> None:
        if self._closed:
            return
        if self._connection is not None:
            try:
                self._run(self._connection.close(), timeout=10)
            except Exception as exc:  # noqa: BLE001 - closing a broken connection must not raise
                logger.warning("rabbitmq close failed", extra={"error": repr(exc)})
        self._closed = True
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        if not self._thread.is_alive():
            self._loop.close()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.decode() if isinstance(value, bytes) else str(value)
