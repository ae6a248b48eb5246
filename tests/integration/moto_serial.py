"""Serializable DynamoDB writes for the in-process moto server.

moto applies a TransactWriteItems item by item and rolls a failed one back by restoring a deep copy of the whole
table, without a lock: under concurrent requests a cancelled transaction can erase another's committed writes,
or the copy fails mid-iteration. Real DynamoDB writes are serializable; this lock gives the emulator that
property so concurrency tests check OUR conditions, not moto's races.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

WRITES = ("transact_write_items", "put_item", "update_item", "delete_item", "batch_write_item")


@contextmanager
def serialized_dynamodb_writes() -> Iterator[None]:
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    originals = {name: getattr(DynamoDBBackend, name) for name in WRITES if hasattr(DynamoDBBackend, name)}

    def locked(fn):
        def wrapper(*args, **kwargs):
            with lock:
                return fn(*args, **kwargs)

        return wrapper

    for name, fn in originals.items():
        setattr(DynamoDBBackend, name, locked(fn))
    try:
        yield
    finally:
        for name, fn in originals.items():
            setattr(DynamoDBBackend, name, fn)
