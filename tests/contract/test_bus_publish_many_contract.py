"""Bus.publish_many (the campaign planner publishes a round's send messages with it): every adapter delivers
each message once, each with its own delay."""
from __future__ import annotations

import time


def test_publish_many_delivers_each_message_with_its_delay(bus):
    messages = [({"i": i}, 0) for i in range(12)] + [({"i": "late"}, 2)]
    started = time.monotonic()
    bus.publish_many("campaign_send_message", messages)
    got: dict = {}
    while len(got) < 13 and time.monotonic() - started < 20:
        for d in bus.receive("campaign_send_message", max_messages=10, wait_s=1):
            got[d.json()["i"]] = time.monotonic() - started
            bus.ack(d)
    assert set(got) == set(range(12)) | {"late"}
    assert got["late"] >= 1.5
