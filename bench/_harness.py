"""Shared bench plumbing: an in-process moto server, provisioned resources, and a DynamoDB operation counter.

The counter wraps botocore's client call (used by boto3 and PynamoDB alike), so it counts what AWS would bill:
API calls per operation and the items each call read or wrote.
"""
from __future__ import annotations

import os
import socket
import uuid
from collections import Counter
from contextlib import contextmanager


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto(own_process: bool = False) -> str:
    """Start the local runtime's embedded moto on a free port and point every client at it. Returns its URL.

    own_process: run it as `python -m alrea.local.moto` (stopped at exit), so the emulator does not share this
    process's GIL with the handlers being measured."""
    from alrea.local.moto import EmbeddedMoto

    from alrea.adapters.aws.clients import reset_clients

    server = EmbeddedMoto(port=free_port())
    os.environ.update(AWS_DEFAULT_REGION="us-east-1", AWS_REGION="us-east-1", POWERTOOLS_LOG_LEVEL="ERROR",
                      POWERTOOLS_TRACE_DISABLED="true", **server.environment())
    reset_clients()  # boto3 clients made for an earlier endpoint would still talk to it
    if not own_process:
        server.start()
        return server.url
    import atexit
    import subprocess
    import sys
    import time

    import httpx

    proc = subprocess.Popen([sys.executable, "-m", "alrea.local.moto", "--port", str(server.port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    atexit.register(proc.terminate)
    deadline = time.monotonic() + 30
    while True:
        try:  # the config the emulator posts at start, posted again once it answers: ready either way
            httpx.post(server.url + "/moto-api/config", json={"stepfunctions": {"execute_state_machine": True}},
                       timeout=1).raise_for_status()
            return server.url
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            raise RuntimeError("moto did not start")
        time.sleep(0.1)


def provision_all(url: str):
    from alrea.core.config import reset_settings
    from alrea.local.provision import provision
    from alrea.store.base import bind

    suffix = uuid.uuid4().hex[:6]
    provisioned = provision(f"bench-{suffix}", f"bench-media-{suffix}")
    import json

    os.environ.update(ALREA_TABLE_NAME=provisioned.table_name, ALREA_BUCKET_NAME=provisioned.bucket_name,
                      ALREA_QUEUE_URLS=json.dumps(provisioned.queue_urls))
    reset_settings()
    bind(table_name=provisioned.table_name, host=url)
    return provisioned


class DynamoCounter:
    """Counts DynamoDB API calls and item reads/writes made through botocore."""

    ITEM_WRITES = {"PutItem": 1, "UpdateItem": 1, "DeleteItem": 1}
    ITEM_READS = {"GetItem": 1}

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()
        self.items_read = 0
        self.items_written = 0
        self.transact_items = 0  # written in TransactWriteItems (DynamoDB bills them twice)
        self.sticky_writes = 0  # campaign: the contact's sticky number (once per contact, ever)

    def record(self, operation: str, params: dict, response: dict | None) -> None:
        self.calls[operation] += 1
        if operation in self.ITEM_WRITES:
            self.items_written += 1
            if str(params.get("Item", params.get("Key", {})).get("sk", {}).get("S", "")).startswith("STICKY#"):
                self.sticky_writes += 1
        elif operation in self.ITEM_READS:
            self.items_read += 1
        elif operation == "TransactWriteItems":
            self.items_written += len(params.get("TransactItems", []))
            self.transact_items += len(params.get("TransactItems", []))
        elif operation == "TransactGetItems":
            self.items_read += len(params.get("TransactItems", []))
        elif operation == "BatchWriteItem":
            requests = [r for v in params.get("RequestItems", {}).values() for r in v]
            self.items_written += len(requests)
            self.sticky_writes += sum(1 for r in requests if str(r.get("PutRequest", {}).get("Item", {})
                                                                  .get("sk", {}).get("S", "")).startswith("STICKY#"))
        elif operation in ("Query", "Scan", "BatchGetItem") and response is not None:
            if operation == "BatchGetItem":
                self.items_read += sum(len(v) for v in response.get("Responses", {}).values())
            else:
                self.items_read += int(response.get("Count", 0))

    def reset(self) -> None:
        self.calls.clear()
        self.items_read = self.items_written = self.transact_items = self.sticky_writes = 0

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())


@contextmanager
def count_dynamodb():
    """Patch botocore for the duration: every DynamoDB call is recorded on the yielded counter."""
    import botocore.client

    counter = DynamoCounter()
    original = botocore.client.BaseClient._make_api_call

    def counting(self, operation_name, api_params):
        response = None
        try:
            response = original(self, operation_name, api_params)
            return response
        finally:  # a refused call (a condition that failed) is billed and counted too
            if self.meta.service_model.service_name == "dynamodb":
                counter.record(operation_name, api_params, response)

    # PynamoDB issues its own botocore calls through _make_api_call too
    botocore.client.BaseClient._make_api_call = counting
    try:
        yield counter
    finally:
        botocore.client.BaseClient._make_api_call = original
