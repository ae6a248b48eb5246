"""DLQ redrive (alrea.services.redrive) on every Bus adapter: memory, SQS (moto over HTTP), RabbitMQ."""
from __future__ import annotations

import json
import time

import pytest

from alrea.resources import queue
from alrea.services.redrive import redrive, redrive_dedupe_id
from test_bus_contract import drain  # same folder (rootdir import mode)


def dead_letter(bus, name, body, *, group=None, timeout_s=30.0):
    """Publish ``body`` and fail it until it is dead-lettered; it is then put back into the DLQ untouched
    (``dead_letters`` reads by removing, so the test re-reads through a lease and hands it back)."""
    message_id = bus.publish(name, body, group=group)
    receives = 0
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for delivery in bus.receive(name, wait_s=1):
            receives += 1
            bus.nack(delivery)
        dead = bus.lease_dead_letters(name)
        for delivery in reversed(dead):
            bus.nack(delivery)  # back to the DLQ
        if message_id in [d.message_id for d in dead]:
            assert receives == queue(name).max_receive_count
            return message_id
    raise AssertionError(f"{name}: message {message_id} was not dead-lettered in {timeout_s}s")


def wait_dead(bus, name, count, timeout_s=10.0):
    """Dead messages currently in the DLQ (leased and handed back), waiting until ``count`` are visible."""
    deadline = time.monotonic() + timeout_s
    while True:
        leased = bus.lease_dead_letters(name, max_messages=10)
        for delivery in reversed(leased):
            bus.nack(delivery)
        if len(leased) >= count or time.monotonic() > deadline:
            return leased
        time.sleep(0.2)


def test_a_dry_run_lists_the_dead_messages_and_moves_nothing(bus):
    name = "campaign_plan"
    message_id = dead_letter(bus, name, {"campaign": "c1"})

    result = redrive(bus, name, dry_run=True)

    assert result.dry_run and result.message_ids == [message_id]
    assert bus.receive(name, wait_s=1) == []  # nothing went back to the queue
    assert [d.message_id for d in wait_dead(bus, name, 1)] == [message_id]  # still dead


def test_a_redriven_message_is_processed_once_and_leaves_the_dlq(bus):
    name = "campaign_plan"
    message_id = dead_letter(bus, name, {"campaign": "c1", "step": 2})

    result = redrive(bus, name)

    assert result.message_ids == [message_id] and not result.dry_run
    got = drain(bus, name, until=lambda g: False, timeout_s=3)  # every delivery, acked as processed
    assert [d.json() for d in got] == [{"campaign": "c1", "step": 2}]
    assert got[0].receive_count == 1  # a fresh message: it gets the queue's full retry budget again
    assert bus.dead_letters(name) == []
    assert redrive(bus, name).count == 0  # a second run finds nothing


def test_max_bounds_how_many_move_and_the_rest_stay_dead(bus):
    name = "campaign_plan"
    first = dead_letter(bus, name, {"n": 1})
    second = dead_letter(bus, name, {"n": 2})

    result = redrive(bus, name, max_messages=1)

    assert result.count == 1 and result.message_ids[0] in (first, second)
    got = drain(bus, name, until=lambda g: len(g) >= 1, timeout_s=5)
    assert len(got) == 1
    left = wait_dead(bus, name, 1)
    assert [d.message_id for d in left] == [m for m in (first, second) if m not in result.message_ids]


def test_a_fifo_redrive_keeps_the_group_and_a_double_redrive_is_delivered_once(bus):
    name = "chat_send_message"
    message_id = dead_letter(bus, name, {"conversation": "conv-1", "i": 1}, group="conv-1")

    # a redrive that crashed after publishing but before removing the message from the DLQ ...
    [dead] = bus.lease_dead_letters(name)
    bus.publish(name, json.loads(dead.body), group=dead.group, dedupe_id=redrive_dedupe_id(dead))
    bus.nack(dead)
    # ... and the operator runs it again
    result = redrive(bus, name)

    assert result.message_ids == [message_id]
    got = drain(bus, name, until=lambda g: False, timeout_s=3)
    assert [d.json() for d in got] == [{"conversation": "conv-1", "i": 1}]
    assert got[0].group == "conv-1"
    assert bus.dead_letters(name) == []


def test_an_unknown_queue_or_a_bad_max_is_refused(bus):
    with pytest.raises(ValueError, match="unknown queue"):
        redrive(bus, "nope")
    with pytest.raises(ValueError, match="at least 1"):
        redrive(bus, "campaign_plan", max_messages=0)
