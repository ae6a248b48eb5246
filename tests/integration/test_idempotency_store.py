"""``Idempotency-Key`` on DynamoDB (moto over HTTP): the work runs once per key and body, a reused key with
another body is refused, the record expires with the table's TTL, a failed attempt can be retried."""
from __future__ import annotations

import os
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from alrea.core.errors import Conflict, Invalid, NotFound


@pytest.fixture
def store(aws):
    from alrea.store import idempotency

    return idempotency


def test_the_same_key_and_body_replays_the_first_answer(store):
    tid, calls = str(uuid.uuid4()), []

    def work() -> dict:
        calls.append(1)
        return {"status": 202, "body": {"id": str(uuid.uuid4()), "status": "queued"}}

    first, replayed = store.once(tid, "k1", "abc", "POST /v1/messages", {"to": "+5511999990000"}, work)
    assert replayed is False and first["status"] == 202
    again, replayed = store.once(tid, "k1", "abc", "POST /v1/messages", {"to": "+5511999990000"}, work)
    assert replayed is True and again == first and len(calls) == 1
    # another Idempotency-Key, another API key, another route or another tenant: new work
    store.once(tid, "k1", "abd", "POST /v1/messages", {"to": "+5511999990000"}, work)
    store.once(tid, "k2", "abc", "POST /v1/messages", {"to": "+5511999990000"}, work)
    store.once(tid, "k1", "abc", "POST /v1/contacts", {"to": "+5511999990000"}, work)
    store.once(str(uuid.uuid4()), "k1", "abc", "POST /v1/messages", {"to": "+5511999990000"}, work)
    assert len(calls) == 5


def test_the_same_key_with_another_body_is_invalid(store):
    tid = str(uuid.uuid4())
    store.once(tid, "k", "same", "POST /v1/messages", {"text": "a"}, lambda: {"status": 202, "body": {}})
    with pytest.raises(Invalid) as err:
        store.once(tid, "k", "same", "POST /v1/messages", {"text": "b"}, lambda: {"status": 202, "body": {}})
    assert "Idempotency-Key" in err.value.message


def test_the_record_carries_a_ttl_a_day_ahead(store, moto_server):
    import boto3

    tid = str(uuid.uuid4())
    store.once(tid, "k", "ttl", "POST /v1/messages", {}, lambda: {"status": 202, "body": {}})
    ddb = boto3.client("dynamodb", endpoint_url=moto_server, region_name="us-east-1")
    items = ddb.query(TableName=os.environ["ALREA_TABLE_NAME"], KeyConditionExpression="pk = :p",
                      ExpressionAttributeValues={":p": {"S": f"T#{tid}#IDEM#v1"}})["Items"]
    assert len(items) == 1
    assert 23 * 3600 < int(items[0]["ttl"]["N"]) - time.time() <= 24 * 3600


def test_a_failed_attempt_is_not_kept(store):
    tid, calls = str(uuid.uuid4()), []

    def failing() -> dict:
        calls.append(1)
        raise NotFound("Contato não encontrado.")

    for _ in range(2):
        with pytest.raises(NotFound):
            store.once(tid, "k", "retry", "POST /v1/messages", {}, failing)
    assert len(calls) == 2


def test_concurrent_requests_with_one_key_run_the_work_once(store):
    tid, calls, gate = str(uuid.uuid4()), [], threading.Event()

    def slow() -> dict:
        calls.append(1)
        gate.wait(5)
        return {"status": 202, "body": {"n": len(calls)}}

    def attempt(_: int) -> str:
        try:
            store.once(tid, "k", "race", "POST /v1/messages", {}, slow)
            return "ran-or-replayed"
        except Conflict:
            return "in-progress"

    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(attempt, i) for i in range(4)]
        time.sleep(1.0)  # every attempt has reached the store while the first is still working
        gate.set()
        outcomes = [f.result() for f in futures]
    assert len(calls) == 1
    assert outcomes.count("in-progress") == 3
    _, replayed = store.once(tid, "k", "race", "POST /v1/messages", {}, slow)
    assert replayed and len(calls) == 1
