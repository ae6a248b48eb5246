"""The local runtime (alrea dev) in-process over moto: gateway → REST handlers, pollers, ticker, S3 → queue."""
from __future__ import annotations

import hashlib
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from local_platform import wait_for
from alrea import registry
from alrea.registry import Function, Queue, Rest, Schedule

WAIT_S = 20.0


class Probe:
    """A test function: records every event it gets; fails a record whose body asks for it, once."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def __call__(self, event: dict[str, Any], context: Any) -> Any:
        with self.lock:
            self.events.append(event)
        failures = [{"itemIdentifier": r["messageId"]} for r in event.get("Records", [])
                    if '"fail_once"' in r.get("body", "") and r["attributes"]["ApproximateReceiveCount"] == "1"]
        return {"batchItemFailures": failures}

    def records(self, predicate: Callable[[dict[str, Any]], bool] = lambda r: True) -> list[dict[str, Any]]:
        with self.lock:
            return [r for e in self.events for r in e.get("Records", []) if predicate(r)]


def echo(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """A REST test function: answers the event it got, or misbehaves on request."""
    if event["path"].endswith("/boom"):
        raise RuntimeError("boom")
    if event["path"].endswith("/binary"):
        return {"statusCode": 200, "headers": {"Content-Type": "application/octet-stream"},
                "body": event["body"], "isBase64Encoded": event["isBase64Encoded"]}
    import json

    return {"statusCode": 200, "headers": {"Content-Type": "application/json"},
            "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
            "body": json.dumps({"event": event, "remaining_ms": context.get_remaining_time_in_millis(),
                                "function": context.function_name})}


def at_least(count: int, items: list[Any]) -> list[Any] | None:
    return items if len(items) >= count else None


PROBE_QUEUE = Function("probe_queue", Queue("chat_fetch_profile_pic", batch_size=5), "test probe")
PROBE_FIFO = Function("probe_fifo", Queue("webhook_inbound"), "test probe")
PROBE_IMPORT = Function("probe_import", Queue("contacts_import"), "test probe")
PROBE_TICK = Function("probe_tick", Schedule("rate(1 minute)", every_s=1), "test probe")
PROBE_REST = Function("probe_rest", Rest(routes=("/probe", "/probe/{proxy+}")), "test probe", timeout_s=7)


@pytest.fixture(scope="module")
def local(moto_server, tmp_path_factory):
    """The runtime with the real REST/WebSocket functions plus test probes (real queue functions left out,
    so nothing else consumes the probes' queues)."""
    from alrea.local.moto import free_port
    from alrea.local.runtime import LocalRuntime, RuntimeOptions

    spa = tmp_path_factory.mktemp("dist")
    (spa / "index.html").write_text("<!doctype html><title>ALREA</title>")
    (spa / "assets").mkdir()
    (spa / "assets" / "app.js").write_text("console.log('alrea')")
    probes = {"probe_queue": Probe(), "probe_fifo": Probe(), "probe_import": Probe(), "probe_tick": Probe()}
    suffix = uuid.uuid4().hex[:8]
    real = [fn for fn in registry.FUNCTIONS if isinstance(fn.trigger, (Rest, registry.WebSocket))]
    runtime = LocalRuntime(RuntimeOptions(
        port=free_port(), table_name=f"rt-{suffix}", bucket_name=f"rt-media-{suffix}", queue_prefix=f"rt{suffix}-",
        spa_dir=spa, simulator=False, visibility_override_s=30,
        functions=[*real, PROBE_QUEUE, PROBE_FIFO, PROBE_IMPORT, PROBE_TICK, PROBE_REST],
        handlers={**probes, "probe_rest": echo},
    ))
    runtime.start()
    runtime.probes = probes  # type: ignore[attr-defined]
    yield runtime
    runtime.stop()


@pytest.fixture
def http(local):
    with httpx.Client(base_url=local.base_url, timeout=15) as client:
        yield client


# ---------------------------------------------------------------- the real API through the gateway
def test_health_is_ok_for_every_component(http):
    r = http.get("/api/health")
    assert r.status_code == 200, r.text
    components = r.json()["components"]
    assert components and all(v == "ok" for v in components.values()), components


def test_every_demo_login_works(http, local):
    from alrea.local.seed import demo_logins

    assert local.demo is not None and local.demo.created
    for login in demo_logins():
        r = http.post("/api/auth/login", json={"email": login.email, "password": login.password})
        assert r.status_code == 200, (login.email, r.text)
        me = http.get("/api/me", headers={"Authorization": f"Bearer {r.json()['access']}"})
        assert me.status_code == 200 and me.json()["user"]["role"] == login.role


def test_the_seed_is_idempotent(local):
    from alrea.local.seed import seed_demo

    again = seed_demo()
    assert again.created is False and again.tenant_id == local.demo.tenant_id


# ---------------------------------------------------------------- the gateway's REST proxy
def test_a_request_becomes_a_rest_proxy_event(http):
    r = http.post("/probe/a/b?tag=x&tag=y", json={"k": "v"}, headers={"X-Test": "1"})
    assert r.status_code == 200
    body = r.json()
    event = body["event"]
    assert event["resource"] == "/probe/{proxy+}" and event["path"] == "/probe/a/b"
    assert event["pathParameters"] == {"proxy": "a/b"}
    assert event["multiValueQueryStringParameters"] == {"tag": ["x", "y"]}
    assert event["queryStringParameters"] == {"tag": "y"}
    assert event["headers"]["x-test"] == "1" and event["isBase64Encoded"] is False
    assert event["body"] == '{"k":"v"}'
    assert event["requestContext"]["identity"]["sourceIp"] == "127.0.0.1"
    assert body["function"] == "probe_rest" and 0 < body["remaining_ms"] <= 7000
    assert r.headers.get_list("set-cookie") == ["a=1", "b=2"]
    assert http.get("/probe").json()["event"]["pathParameters"] is None


def test_binary_bodies_round_trip_base64(http):
    data = bytes(range(256)) * 4
    r = http.put("/probe/binary", content=data, headers={"Content-Type": "application/octet-stream"})
    assert r.status_code == 200 and r.content == data


def test_a_crashing_function_is_a_502_without_traceback(http):
    r = http.get("/probe/boom")
    assert r.status_code == 502
    assert r.json() == {"message": "Internal server error"}


def test_a_body_over_10_mb_is_413(http):
    r = http.post("/probe/big", content=b"x" * (10 * 1024 * 1024 + 1))
    assert r.status_code == 413


def test_the_spa_is_served_with_a_fallback_for_client_routes(http):
    assert "ALREA" in http.get("/").text
    assert "ALREA" in http.get("/inbox/123").text  # a client route
    assert http.get("/assets/app.js").text == "console.log('alrea')"
    assert http.get("/assets/missing.js").status_code == 404
    escape = http.get("/%2e%2e/%2e%2e/%2e%2e/etc/passwd")
    assert "root:" not in escape.text and (escape.status_code == 404 or "ALREA" in escape.text)


# ---------------------------------------------------------------- pollers, ticker, S3 notifications
def test_a_published_message_reaches_its_function_as_an_sqs_event(local):
    marker = uuid.uuid4().hex
    local.runtime.bus.publish("chat_fetch_profile_pic", {"marker": marker})
    probe = local.probes["probe_queue"]
    [record] = wait_for(lambda: probe.records(lambda r: marker in r["body"]))
    assert record["eventSource"] == "aws:sqs" and record["awsRegion"] == local.region
    assert record["eventSourceARN"].endswith(":chat_fetch_profile_pic")
    assert record["md5OfBody"] == hashlib.md5(record["body"].encode()).hexdigest()
    assert record["attributes"]["ApproximateReceiveCount"] == "1"
    assert record["receiptHandle"] and record["messageId"]


def test_a_fifo_message_carries_its_group(local):
    marker = uuid.uuid4().hex
    local.runtime.bus.publish("webhook_inbound", {"marker": marker}, group="loja:5511999990000", dedupe_id=marker)
    [record] = wait_for(lambda: local.probes["probe_fifo"].records(lambda r: marker in r["body"]))
    assert record["attributes"]["MessageGroupId"]
    assert record["eventSourceARN"].endswith(":webhook_inbound.fifo")


def test_a_failed_record_is_redelivered_and_its_sibling_is_not(local):
    bad, good = uuid.uuid4().hex, uuid.uuid4().hex
    local.runtime.bus.publish("chat_fetch_profile_pic", {"marker": bad, "fail_once": True})
    local.runtime.bus.publish("chat_fetch_profile_pic", {"marker": good})
    probe = local.probes["probe_queue"]
    seen = wait_for(lambda: at_least(2, probe.records(lambda r: bad in r["body"])))
    assert [r["attributes"]["ApproximateReceiveCount"] for r in seen[:2]] == ["1", "2"]
    wait_for(lambda: probe.records(lambda r: good in r["body"]))
    time.sleep(1.5)  # a few more poll rounds: nothing acked may come back
    assert len(probe.records(lambda r: good in r["body"])) == 1
    assert len(probe.records(lambda r: bad in r["body"])) == 2


def test_scheduled_functions_tick_with_the_eventbridge_shape(local):
    probe = local.probes["probe_tick"]
    event = wait_for(lambda: probe.events[-1] if probe.events else None)
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["resources"][0].endswith(":rule/alrea-probe_tick")


def test_an_uploaded_import_file_reaches_contacts_import_as_an_s3_event(local):
    from alrea.adapters.aws.clients import client
    from alrea.resources import tenant_key

    key = tenant_key(str(uuid.uuid4()), "imports", f"{uuid.uuid4()}.import.csv")
    url = client("s3").generate_presigned_url("put_object", Params={"Bucket": local.options.bucket_name, "Key": key},
                                              ExpiresIn=300)
    assert httpx.put(url, content=b"name,phone\nMaria,+5511999990000\n").status_code == 200
    client("s3").put_object(Bucket=local.options.bucket_name, Key=key.replace(".import.csv", ".txt"), Body=b"x")

    def s3_records() -> list[dict[str, Any]]:
        import json

        found = []
        for record in local.probes["probe_import"].records():
            body = json.loads(record["body"])
            found += [r for r in body.get("Records", []) if r.get("eventSource") == "aws:s3"]
        return found

    [s3] = wait_for(s3_records)
    assert s3["eventName"].startswith("ObjectCreated")
    assert s3["s3"]["bucket"]["name"] == local.options.bucket_name
    assert s3["s3"]["object"]["key"].replace("%2F", "/") == key  # moto URL-encodes '/', AWS does not
    time.sleep(1)
    assert len(s3_records()) == 1  # the .txt upload did not match the suffix filter



# ---------------------------------------------------------------- the same pollers over RabbitMQ
@pytest.mark.rabbitmq
def test_pollers_work_over_rabbitmq_too(moto_server, rabbitmq_url):
    from alrea.local.moto import free_port
    from alrea.local.runtime import LocalRuntime, RuntimeOptions

    probe = Probe()
    suffix = uuid.uuid4().hex[:8]
    runtime = LocalRuntime(RuntimeOptions(
        port=free_port(), table_name=f"rq-{suffix}", bucket_name=f"rq-media-{suffix}", queue_prefix=f"rq{suffix}-",
        spa_dir=None, simulator=False, seed=False, broker_url=rabbitmq_url, functions=[PROBE_QUEUE],
        handlers={"probe_queue": probe},
    ))
    with runtime:
        assert type(runtime.runtime.bus).__name__ == "RabbitBus"
        marker = uuid.uuid4().hex
        runtime.runtime.bus.publish("chat_fetch_profile_pic", {"marker": marker, "fail_once": True})
        seen = wait_for(lambda: at_least(2, probe.records(lambda r: marker in r["body"])))
        assert [r["attributes"]["ApproximateReceiveCount"] for r in seen[:2]] == ["1", "2"]
        assert seen[0]["eventSource"] == "aws:sqs"
