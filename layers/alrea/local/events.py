"""The event shapes AWS hands to Lambda, built from what the local runtime received.

Pure functions (no I/O): the gateway, pollers and ticker call them, and tests/unit/test_local_events.py
compares each one with the documented samples in events/aws/. Shapes follow the AWS docs:
API Gateway REST proxy (payload v1), API Gateway WebSocket, SQS, EventBridge scheduled events, S3 notifications.
"""
from __future__ import annotations

import base64
import hashlib
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote_plus

from alrea.ports.bus import Delivery

ACCOUNT_ID = "123456789012"  # moto's default account
API_ID = "alrealocal"
WS_API_ID = "alreawslocal"

# Content types API Gateway passes as text; anything else goes base64 (our API declares binary media types).
_TEXT_TYPES = ("text/", "application/json", "application/x-www-form-urlencoded", "application/xml",
               "application/javascript", "application/problem+json", "+json", "+xml")


def _request_time(epoch_ms: int) -> str:
    """API Gateway's requestTime format: 09/Apr/2015:12:34:56 +0000."""
    return datetime.fromtimestamp(epoch_ms / 1000, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")


def _now_ms() -> int:
    return int(time.time() * 1000)


def is_text(content_type: str | None) -> bool:
    if not content_type:
        return True
    ct = content_type.split(";")[0].strip().lower()
    return any(ct.startswith(t) if t.endswith("/") else (ct == t or ct.endswith(t)) for t in _TEXT_TYPES)


def _single_and_multi(pairs: Iterable[tuple[str, str]]) -> tuple[dict[str, str] | None, dict[str, list[str]] | None]:
    """API Gateway gives both maps: the single-value one keeps the last value; both are null when empty."""
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in pairs:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return (single or None), (multi or None)


def encode_body(body: bytes, content_type: str | None) -> tuple[str | None, bool]:
    """Body as API Gateway passes it: null when empty, text when textual UTF-8, else base64."""
    if not body:
        return None, False
    if is_text(content_type):
        try:
            return body.decode("utf-8"), False
        except UnicodeDecodeError:
            pass
    return base64.b64encode(body).decode("ascii"), True


# ---------------------------------------------------------------- API Gateway REST (proxy, payload v1)
def rest_event(
    *,
    method: str,
    path: str,
    resource: str,
    headers: Sequence[tuple[str, str]] = (),
    query: Sequence[tuple[str, str]] = (),
    path_parameters: Mapping[str, str] | None = None,
    body: bytes = b"",
    source_ip: str = "127.0.0.1",
    stage: str = "local",
    domain_name: str = "localhost",
    request_id: str | None = None,
    epoch_ms: int | None = None,
) -> dict[str, Any]:
    epoch_ms = epoch_ms if epoch_ms is not None else _now_ms()
    request_id = request_id or str(uuid.uuid4())
    single_headers, multi_headers = _single_and_multi(headers)
    single_query, multi_query = _single_and_multi(query)
    content_type = next((v for k, v in headers if k.lower() == "content-type"), None)
    user_agent = next((v for k, v in headers if k.lower() == "user-agent"), None)
    encoded, is_b64 = encode_body(body, content_type)
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method.upper(),
        "headers": single_headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": single_query,
        "multiValueQueryStringParameters": multi_query,
        "pathParameters": dict(path_parameters) if path_parameters else None,
        "stageVariables": None,
        "requestContext": {
            "resourceId": "local",
            "resourcePath": resource,
            "httpMethod": method.upper(),
            "extendedRequestId": request_id,
            "requestTime": _request_time(epoch_ms),
            "path": f"/{stage}{path}",
            "accountId": ACCOUNT_ID,
            "protocol": "HTTP/1.1",
            "stage": stage,
            "domainPrefix": domain_name.split(".")[0],
            "requestTimeEpoch": epoch_ms,
            "requestId": request_id,
            "identity": {
                "cognitoIdentityPoolId": None,
                "accountId": None,
                "cognitoIdentityId": None,
                "caller": None,
                "sourceIp": source_ip,
                "principalOrgId": None,
                "accessKey": None,
                "cognitoAuthenticationType": None,
                "cognitoAuthenticationProvider": None,
                "userArn": None,
                "userAgent": user_agent,
                "user": None,
            },
            "domainName": domain_name,
            "apiId": API_ID,
        },
        "body": encoded,
        "isBase64Encoded": is_b64,
    }


@dataclass
class HttpAnswer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def proxy_answer(response: Any) -> HttpAnswer:
    """A Lambda proxy response → what API Gateway answers. A malformed one is API Gateway's 502."""
    if not isinstance(response, Mapping) or not isinstance(response.get("statusCode", 200), int):
        return HttpAnswer(502, [("content-type", "application/json")], b'{"message": "Internal server error"}')
    headers: dict[str, list[str]] = {}
    for name, value in (response.get("headers") or {}).items():
        headers[name.lower()] = [str(value)]
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name.lower()] = [str(v) for v in values]  # multiValueHeaders wins, as in API Gateway
    body = response.get("body") or ""
    raw = base64.b64decode(body) if response.get("isBase64Encoded") else str(body).encode("utf-8")
    flat = [(name, value) for name, values in headers.items() for value in values if name != "content-length"]
    return HttpAnswer(int(response.get("statusCode", 200)), flat, raw)


# ---------------------------------------------------------------- API Gateway WebSocket
def ws_event(
    *,
    route_key: str,
    connection_id: str,
    connected_at_ms: int,
    headers: Sequence[tuple[str, str]] = (),
    query: Sequence[tuple[str, str]] = (),
    body: str | bytes | None = None,
    source_ip: str = "127.0.0.1",
    stage: str = "local",
    domain_name: str = "localhost",
    disconnect_status: int | None = None,
    disconnect_reason: str = "",
    epoch_ms: int | None = None,
) -> dict[str, Any]:
    """$connect carries headers and query; $default a body; $disconnect the close code."""
    epoch_ms = epoch_ms if epoch_ms is not None else _now_ms()
    request_id = str(uuid.uuid4())
    event_type = {"$connect": "CONNECT", "$disconnect": "DISCONNECT"}.get(route_key, "MESSAGE")
    user_agent = next((v for k, v in headers if k.lower() == "user-agent"), None)
    context: dict[str, Any] = {
        "routeKey": route_key,
        "eventType": event_type,
        "extendedRequestId": request_id,
        "requestTime": _request_time(epoch_ms),
        "messageDirection": "IN",
        "stage": stage,
        "connectedAt": connected_at_ms,
        "requestTimeEpoch": epoch_ms,
        "identity": {"userAgent": user_agent, "sourceIp": source_ip},
        "requestId": request_id,
        "domainName": domain_name,
        "connectionId": connection_id,
        "apiId": WS_API_ID,
    }
    event: dict[str, Any] = {"requestContext": context, "isBase64Encoded": False}
    if event_type == "CONNECT":
        single_headers, multi_headers = _single_and_multi(headers)
        single_query, multi_query = _single_and_multi(query)
        event.update(headers=single_headers, multiValueHeaders=multi_headers,
                     queryStringParameters=single_query, multiValueQueryStringParameters=multi_query)
    elif event_type == "DISCONNECT":
        single_headers, multi_headers = _single_and_multi(headers)
        event.update(headers=single_headers, multiValueHeaders=multi_headers)
        context.update(disconnectStatusCode=disconnect_status if disconnect_status is not None else 1005,
                       disconnectReason=disconnect_reason)
    else:
        context["messageId"] = base64.b64encode(uuid.uuid4().bytes[:9]).decode("ascii")
        if isinstance(body, bytes):
            event.update(body=base64.b64encode(body).decode("ascii"), isBase64Encoded=True)
        else:
            event["body"] = body or ""
    return event


# ---------------------------------------------------------------- SQS
def queue_arn(physical_name: str, region: str) -> str:
    return f"arn:aws:sqs:{region}:{ACCOUNT_ID}:{physical_name}"


def receipt_handle(delivery: Delivery) -> str:
    handle = delivery.handle
    if isinstance(handle, str):
        return handle
    if isinstance(handle, tuple) and handle and isinstance(handle[-1], str):  # SqsBus: (queue url, receipt)
        return handle[-1]
    return base64.b64encode(f"{delivery.queue}:{delivery.message_id}:{delivery.receive_count}".encode()).decode()


def sqs_record(delivery: Delivery, *, arn: str, region: str) -> dict[str, Any]:
    sent = delivery.sent_at_ms or _now_ms()
    attributes = {
        "ApproximateReceiveCount": str(delivery.receive_count),
        "SentTimestamp": str(sent),
        "SenderId": "AIDAIENQZJOLO23YVJ4VO",
        "ApproximateFirstReceiveTimestamp": str(max(sent, _now_ms())),
    }
    if delivery.group is not None:
        attributes["MessageGroupId"] = delivery.group
        attributes["SequenceNumber"] = str(sent * 1000).rjust(20, "0")
        if delivery.dedupe_id is not None:
            attributes["MessageDeduplicationId"] = delivery.dedupe_id
    return {
        "messageId": delivery.message_id,
        "receiptHandle": receipt_handle(delivery),
        "body": delivery.body,
        "attributes": attributes,
        "messageAttributes": {},
        "md5OfBody": hashlib.md5(delivery.body.encode("utf-8"), usedforsecurity=False).hexdigest(),
        "eventSource": "aws:sqs",
        "eventSourceARN": arn,
        "awsRegion": region,
    }


def sqs_event(deliveries: Sequence[Delivery], *, arn: str, region: str) -> dict[str, Any]:
    return {"Records": [sqs_record(d, arn=arn, region=region) for d in deliveries]}


def failed_message_ids(response: Any, records: Sequence[Mapping[str, Any]]) -> set[str]:
    """Which records the handler reported failed (partial batch response); a bad answer fails none."""
    if not isinstance(response, Mapping):
        return set()
    failures = response.get("batchItemFailures") or []
    known = {r["messageId"] for r in records}
    ids = {f.get("itemIdentifier") for f in failures if isinstance(f, Mapping)}
    # Lambda treats an unknown or empty identifier as a failure of the whole batch
    if any(i not in known for i in ids):
        return known
    return {i for i in ids if i}


# ---------------------------------------------------------------- EventBridge
def scheduled_event(rule_name: str, *, region: str, when: datetime | None = None) -> dict[str, Any]:
    when = when or datetime.now(UTC)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [f"arn:aws:events:{region}:{ACCOUNT_ID}:rule/{rule_name}"],
        "detail": {},
    }


# ---------------------------------------------------------------- S3
def s3_object_created(bucket: str, key: str, *, size: int, etag: str, region: str,
                      event_name: str = "ObjectCreated:Put", configuration_id: str = "contacts-import",
                      when: datetime | None = None) -> dict[str, Any]:
    """What S3 sends to a queue for one new object (keys are URL-encoded, spaces as '+')."""
    when = when or datetime.now(UTC)
    return {
        "Records": [
            {
                "eventVersion": "2.1",
                "eventSource": "aws:s3",
                "awsRegion": region,
                "eventTime": when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "eventName": event_name,
                "userIdentity": {"principalId": "AWS:LOCAL"},
                "requestParameters": {"sourceIPAddress": "127.0.0.1"},
                "responseElements": {"x-amz-request-id": uuid.uuid4().hex[:16].upper(),
                                     "x-amz-id-2": uuid.uuid4().hex},
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "configurationId": configuration_id,
                    "bucket": {"name": bucket, "ownerIdentity": {"principalId": "LOCAL"},
                               "arn": f"arn:aws:s3:::{bucket}"},
                    "object": {"key": quote_plus(key, safe="/"), "size": size, "eTag": etag.strip('"'),
                               "sequencer": f"{int(when.timestamp() * 1000):016X}"},
                },
            }
        ]
    }


# ---------------------------------------------------------------- Lambda context
@dataclass
class LambdaContext:
    """The attributes of Lambda's context object that handlers and Powertools read."""

    function_name: str
    memory_limit_in_mb: int
    timeout_s: int
    region: str = "us-east-1"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    _deadline: float = field(default=0.0, repr=False)

    def __post_init__(self) -> None:
        self._deadline = time.monotonic() + self.timeout_s
        self.invoked_function_arn = f"arn:aws:lambda:{self.region}:{ACCOUNT_ID}:function:{self.function_name}"
        self.log_group_name = f"/aws/lambda/{self.function_name}"
        self.log_stream_name = f"{datetime.now(UTC):%Y/%m/%d}/[$LATEST]{uuid.uuid4().hex}"
        self.identity = None
        self.client_context = None

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))
