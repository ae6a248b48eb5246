"""Shared fixtures: an in-process moto server over HTTP, resources provisioned from alrea.resources, RabbitMQ.

The environment is set before any alrea module is imported, so PynamoDB and boto3 talk to moto over HTTP.
Under CI=true a missing service fails the run instead of skipping.
"""
from __future__ import annotations

import os
import socket
import uuid

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


MOTO_PORT = free_port()
MOTO_URL = f"http://127.0.0.1:{MOTO_PORT}"
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_DEFAULT_REGION="us-east-1",
    AWS_REGION="us-east-1",
    AWS_ENDPOINT_URL=MOTO_URL,
    MOTO_PORT=str(MOTO_PORT),  # Step Functions service integrations call back to this port
    POWERTOOLS_TRACE_DISABLED="true",
    POWERTOOLS_METRICS_NAMESPACE="alrea-tests",
    POWERTOOLS_LOG_LEVEL=os.environ.get("POWERTOOLS_LOG_LEVEL", "WARNING"),
    ALREA_JWT_SECRET="test-secret-" + "x" * 32,
)
for var in ("BROKER_URL", "ALREA_BROKER_URL"):
    os.environ.pop(var, None)

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")


def need_service(name: str, reason: str) -> None:
    """Skip on a laptop without the service; fail under CI, never skip silently."""
    message = f"{name} is not reachable ({reason})"
    if IN_CI:
        pytest.fail(f"{message}; CI=true requires it", pytrace=False)
    pytest.skip(f"{message}; start it to run this test")


@pytest.fixture(scope="session")
def moto_server():
    """The local runtime's embedded moto (with its DynamoDB repairs, see alrea/local/moto_dynamodb.py)."""
    from alrea.local.moto import EmbeddedMoto

    server = EmbeddedMoto(port=MOTO_PORT)
    try:
        server.start()
    except httpx.HTTPError as exc:
        need_service("moto server", str(exc))
    yield MOTO_URL
    server.stop()


@pytest.fixture
def aws(moto_server):
    """A clean moto with the table, every queue (+DLQ) and the bucket; settings and models bound to them."""
    from alrea.core.config import reset_settings
    from alrea.local.provision import provision
    from alrea.store.base import bind

    httpx.post(moto_server + "/moto-api/reset")
    httpx.post(moto_server + "/moto-api/config", json={"stepfunctions": {"execute_state_machine": True}})
    suffix = uuid.uuid4().hex[:8]
    table, bucket = f"alrea-{suffix}", f"alrea-media-{suffix}"
    provisioned = provision(table, bucket, visibility_override_s=2)
    os.environ["ALREA_TABLE_NAME"] = table
    os.environ["ALREA_BUCKET_NAME"] = bucket
    import json

    os.environ["ALREA_QUEUE_URLS"] = json.dumps(provisioned.queue_urls)
    reset_settings()
    bind(table_name=table, host=moto_server)
    yield provisioned
    for var in ("ALREA_TABLE_NAME", "ALREA_BUCKET_NAME", "ALREA_QUEUE_URLS"):
        os.environ.pop(var, None)
    reset_settings()


@pytest.fixture(scope="session")
def rabbitmq_url():
    import asyncio

    import aio_pika

    async def probe() -> None:
        connection = await aio_pika.connect(RABBITMQ_URL, timeout=3)
        await connection.close()

    try:
        asyncio.run(probe())
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        need_service("RabbitMQ at " + RABBITMQ_URL.split("@")[-1], repr(exc))
    return RABBITMQ_URL
