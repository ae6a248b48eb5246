"""Issue 4: stopping the broker mid-conversation and bringing it back loses no message.

``alrea dev`` on RabbitMQ (the same LocalRuntime, ``broker_url`` set). While RabbitMQ's app is stopped, the
webhook edge cannot queue and answers 503; the Evolution simulator retries like Evolution does (5xx are
retried with backoff). When the broker is back, aio-pika's robust connections reconnect, the retried
webhooks are queued and processed, and every message is in the conversation — and a client that reads the
list afterwards (the SPA's resync) sees them all. Needs rabbitmqctl on this machine (CI: fails if absent).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid

import httpx
import pytest

# stops the shared RabbitMQ: `make test` runs it on its own, after the parallel suites
pytestmark = pytest.mark.broker_outage



def wait_until(condition, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out after {timeout_s}s waiting until {what}"
        time.sleep(0.3)


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture
def local_on_rabbitmq(moto_server, rabbitmq_url):
    if shutil.which("rabbitmqctl") is None:  # a laptop with a remote broker: skip; CI has it (fail there)
        message = "rabbitmqctl is not installed: cannot stop and start the broker"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from alrea.local.moto import free_port
    from alrea.local.runtime import LocalRuntime, RuntimeOptions

    suffix = uuid.uuid4().hex[:8]
    runtime = LocalRuntime(RuntimeOptions(port=free_port(), table_name=f"outage-{suffix}",
                                          bucket_name=f"outage-{suffix}", queue_prefix=f"out{suffix}-",
                                          broker_url=rabbitmq_url, spa_dir=None))
    runtime.start()
    try:
        yield runtime
    finally:
        runtime.stop()


def test_messages_sent_while_the_broker_is_down_all_arrive_when_it_is_back(local_on_rabbitmq):
    local = local_on_rabbitmq
    from alrea.local.seed import ADMIN_EMAIL, demo_password

    sim = local.simulator_url
    # retries like Evolution's (up to 10, exponential, capped): enough to outlast a broker restart
    httpx.post(f"{sim}/_sim/timing", json={"webhook_attempts": 12, "webhook_retry_initial_s": 0.5,
                                           "webhook_retry_max_s": 4}, timeout=10).raise_for_status()
    phone = "55119" + str(uuid.uuid4().int)[:8]
    inject = f"{sim}/_sim/instances/{local.demo_number}/inbound"
    with httpx.Client(base_url=local.base_url, timeout=15) as api:
        login = api.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": demo_password()})
        api.headers["Authorization"] = f"Bearer {login.json()['access']}"

        def conversation_texts() -> list[str]:
            listed = api.get("/api/conversations", params={"q": phone[-8:]}).json()["items"]
            if not listed:
                return []
            page = api.get(f"/api/conversations/{listed[0]['id']}/messages", params={"limit": 50}).json()
            return sorted(m["text"] for m in page["items"] if m.get("text"))

        httpx.post(inject, json={"from": phone, "text": "antes"}, timeout=10).raise_for_status()
        wait_until(lambda: conversation_texts() == ["antes"], 20, "the first message is stored")

        rabbitmqctl("stop_app")
        try:
            during = [f"durante {i}" for i in range(3)]
            for text in during:
                httpx.post(inject, json={"from": phone, "text": text}, timeout=10).raise_for_status()
            time.sleep(2)  # the edge answers 503 meanwhile; the simulator keeps retrying
            deliveries = httpx.get(f"{sim}/_sim/deliveries", params={"event": "messages.upsert"}, timeout=10).json()
            assert any(d.get("status") == 503 for d in deliveries), "the edge should refuse while the broker is down"
        finally:
            rabbitmqctl("start_app")
        rabbitmqctl("await_startup")
        try:
            wait_until(lambda: conversation_texts() == sorted(["antes", *during]), 60,
                       "every message sent during the outage is stored once")
        except AssertionError:
            history = [(d["attempt"], d["status"], d["error"]) for d in
                       httpx.get(f"{sim}/_sim/deliveries", params={"event": "messages.upsert"}, timeout=10).json()]
            raise AssertionError(f"stored: {conversation_texts()}; webhook attempts: {history}") from None
