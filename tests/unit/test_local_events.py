"""The local runtime's event builders produce the shapes AWS documents (samples in events/aws/)."""
from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alrea.local import events
from alrea.ports.bus import Delivery

SAMPLES = Path(__file__).resolve().parents[2] / "events" / "aws"


def sample(name: str) -> dict[str, Any]:
    return json.loads((SAMPLES / name).read_text())


# maps whose keys are the request's own data (header names, query names), not part of the shape
FREE_FORM = {"headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters",
             "pathParameters", "messageAttributes"}


def assert_same_shape(built: Any, documented: Any, where: str = "$") -> None:
    """Same keys at every level and the same value types (null is allowed where AWS may send null)."""
    if where.rsplit(".", 1)[-1] in FREE_FORM:
        assert built is None or isinstance(built, dict), f"{where}: expected a map or null"
        expected = list if where.endswith(("multiValueHeaders", "multiValueQueryStringParameters")) else str
        assert all(isinstance(v, expected) for v in (built or {}).values()), f"{where}: values must be {expected}"
        return
    if isinstance(documented, dict):
        assert isinstance(built, dict), f"{where}: expected an object, got {built!r}"
        assert set(built) == set(documented), f"{where}: keys differ: {set(built) ^ set(documented)}"
        for key in documented:
            assert_same_shape(built[key], documented[key], f"{where}.{key}")
    elif isinstance(documented, list):
        assert isinstance(built, list), f"{where}: expected a list"
        for i, item in enumerate(built):
            assert_same_shape(item, documented[min(i, len(documented) - 1)], f"{where}[{i}]")
    elif documented is not None and built is not None:
        assert type(built) is type(documented), f"{where}: {type(built).__name__} != {type(documented).__name__}"


# ---------------------------------------------------------------- API Gateway REST
def test_rest_event_matches_the_documented_proxy_event():
    headers = [("Accept", "application/json"), ("Authorization", "Bearer x"), ("Content-Type", "application/json"),
               ("Host", "localhost:8000"), ("User-Agent", "pytest"), ("X-Forwarded-For", "127.0.0.1"),
               ("X-Forwarded-Port", "8000"), ("X-Forwarded-Proto", "http")]
    built = events.rest_event(method="post", path="/api/contacts", resource="/api/{proxy+}", headers=headers,
                              query=[("tag", "cliente"), ("tag", "vip"), ("page", "2")],
                              path_parameters={"proxy": "contacts"}, body=b'{"name": "Maria"}',
                              request_id="r-1", epoch_ms=1583798639428)
    assert_same_shape(built, sample("apigw-rest-proxy.json"))
    assert built["httpMethod"] == "POST"
    assert built["queryStringParameters"] == {"tag": "vip", "page": "2"}  # last value wins
    assert built["multiValueQueryStringParameters"]["tag"] == ["cliente", "vip"]
    assert built["body"] == '{"name": "Maria"}' and built["isBase64Encoded"] is False
    assert built["requestContext"]["requestTime"] == "10/Mar/2020:00:03:59 +0000"
    assert built["requestContext"]["path"] == "/local/api/contacts"
    assert built["requestContext"]["identity"]["userAgent"] == "pytest"


def test_rest_event_without_body_query_or_params_sends_nulls_like_api_gateway():
    built = events.rest_event(method="GET", path="/api", resource="/api")
    assert built["body"] is None and built["isBase64Encoded"] is False
    assert built["queryStringParameters"] is None and built["multiValueQueryStringParameters"] is None
    assert built["pathParameters"] is None and built["headers"] is None


def test_binary_bodies_are_base64_encoded():
    data = bytes(range(256))
    built = events.rest_event(method="PUT", path="/api/media", resource="/api/{proxy+}",
                              headers=[("content-type", "image/png")], body=data)
    assert built["isBase64Encoded"] is True
    assert base64.b64decode(built["body"]) == data
    # a text type with bytes that are not UTF-8 cannot travel as text either
    assert events.encode_body(b"\xff\xfe", "text/csv")[1] is True


def test_proxy_answer_merges_headers_and_decodes_base64():
    answer = events.proxy_answer({"statusCode": 201, "headers": {"Content-Type": "image/png"},
                                  "multiValueHeaders": {"Set-Cookie": ["a=1", "b=2"]},
                                  "body": base64.b64encode(b"\x89PNG").decode(), "isBase64Encoded": True})
    assert answer.status == 201 and answer.body == b"\x89PNG"
    assert ("set-cookie", "a=1") in answer.headers and ("set-cookie", "b=2") in answer.headers
    assert ("content-type", "image/png") in answer.headers


@pytest.mark.parametrize("bad", [None, "oops", {"statusCode": "200"}])
def test_a_malformed_proxy_response_is_a_502(bad):
    assert events.proxy_answer(bad).status == 502


# ---------------------------------------------------------------- API Gateway WebSocket
COMMON = {"connection_id": "ABCDefGHIjKLMnO=", "connected_at_ms": 1583798639000, "source_ip": "203.0.113.7"}


def test_ws_connect_event_matches_the_documented_shape():
    built = events.ws_event(route_key="$connect", headers=[("Host", "localhost"), ("User-Agent", "pytest")],
                            query=[("token", "abc")], **COMMON)
    assert_same_shape(built, sample("apigw-ws-connect.json"))
    assert built["requestContext"]["eventType"] == "CONNECT"
    assert built["queryStringParameters"] == {"token": "abc"}


def test_ws_message_event_matches_the_documented_shape():
    built = events.ws_event(route_key="$default", body='{"action": "ping"}', **COMMON)
    assert_same_shape(built, sample("apigw-ws-message.json"))
    assert built["requestContext"]["eventType"] == "MESSAGE"
    assert built["body"] == '{"action": "ping"}'
    binary = events.ws_event(route_key="$default", body=b"\x00\x01", **COMMON)
    assert binary["isBase64Encoded"] is True and base64.b64decode(binary["body"]) == b"\x00\x01"


def test_ws_disconnect_event_matches_the_documented_shape():
    built = events.ws_event(route_key="$disconnect", headers=[("Host", "localhost")], disconnect_status=1001,
                            disconnect_reason="Going away", **COMMON)
    assert_same_shape(built, sample("apigw-ws-disconnect.json"))
    assert built["requestContext"]["disconnectStatusCode"] == 1001


# ---------------------------------------------------------------- SQS
def deliveries() -> list[Delivery]:
    return [
        Delivery(message_id="m-1", body='{"a": 1}', queue="campaign_send_message", sent_at_ms=1545082649183),
        Delivery(message_id="m-2", body='{"b": 2}', queue="webhook_inbound", receive_count=2,
                 group="loja:5511999990000", dedupe_id="3EBA3D6E2F1B", sent_at_ms=1545082650636, handle="rh-2"),
    ]


def test_sqs_event_matches_the_documented_batch():
    built = events.sqs_event(deliveries(), arn=events.queue_arn("webhook_inbound.fifo", "us-east-1"),
                             region="us-east-1")
    documented = sample("sqs-batch.json")
    assert_same_shape(built["Records"][0], documented["Records"][0])
    assert_same_shape(built["Records"][1], documented["Records"][1])  # the FIFO record: group, dedupe, sequence
    first, second = built["Records"]
    assert first["md5OfBody"] == hashlib.md5(b'{"a": 1}').hexdigest()
    assert second["attributes"]["ApproximateReceiveCount"] == "2"
    assert second["receiptHandle"] == "rh-2"
    assert second["eventSourceARN"] == "arn:aws:sqs:us-east-1:123456789012:webhook_inbound.fifo"


def test_failed_message_ids_follow_the_partial_batch_response():
    records = events.sqs_event(deliveries(), arn="arn", region="us-east-1")["Records"]
    assert events.failed_message_ids({"batchItemFailures": []}, records) == set()
    assert events.failed_message_ids(None, records) == set()
    assert events.failed_message_ids({"batchItemFailures": [{"itemIdentifier": "m-2"}]}, records) == {"m-2"}
    # an identifier Lambda cannot match fails the whole batch
    assert events.failed_message_ids({"batchItemFailures": [{"itemIdentifier": "nope"}]}, records) == {"m-1", "m-2"}
    assert events.failed_message_ids({"batchItemFailures": [{}]}, records) == {"m-1", "m-2"}


# ---------------------------------------------------------------- EventBridge and S3
def test_scheduled_event_matches_the_documented_shape():
    built = events.scheduled_event("alrea-campaign_scheduler", region="us-east-1",
                                   when=datetime(2015, 10, 8, 16, 53, 6, tzinfo=UTC))
    assert_same_shape(built, sample("eventbridge-scheduled.json"))
    assert built["detail-type"] == "Scheduled Event" and built["time"] == "2015-10-08T16:53:06Z"


def test_s3_object_created_matches_the_documented_shape():
    built = events.s3_object_created("alrea-media", "t/3f1c/imports/lista clientes.import.csv", size=10,
                                     etag='"abc"', region="us-east-1")
    assert_same_shape(built, sample("s3-object-created.json"))
    obj = built["Records"][0]["s3"]["object"]
    assert obj["key"] == "t/3f1c/imports/lista+clientes.import.csv" and obj["eTag"] == "abc"


def test_lambda_context_has_what_powertools_reads():
    ctx = events.LambdaContext("api", 1024, 29)
    assert ctx.invoked_function_arn == "arn:aws:lambda:us-east-1:123456789012:function:api"
    assert 0 < ctx.get_remaining_time_in_millis() <= 29_000
    assert ctx.memory_limit_in_mb == 1024 and ctx.aws_request_id
