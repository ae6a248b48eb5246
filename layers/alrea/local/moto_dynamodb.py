"""Three repairs to moto's DynamoDB, installed by EmbeddedMoto (the emulator only: AWS has none of these problems).

1. Serializable requests. moto's server answers each request on its own thread and its DynamoDB has no lock:
   a Query can fail with "dictionary changed size during iteration" while a put lands, and a cancelled
   transaction restores a table backup taken before another request's committed write, erasing it. Real
   DynamoDB requests are atomic and serializable, so here every DynamoDB request runs under one lock.
2. Transaction rollback by journal. Before a TransactWriteItems, moto deep-copies every table it names, so one
   transaction costs O(table): ≈ 0.3 s per transaction at 40,000 items, which made campaign sends and imports
   crawl. Here only the items the transaction names are copied, and a cancelled transaction puts exactly those
   back — the same all-or-nothing outcome.
3. A table Query reads its partition. moto's Query on the table (not an index) walks every item of the table to
   find the partition's: ≈ 0.4 s per Query at 60,000 items, and under the lock of (1) every other request waits
   for it. Here it reads the partition only, as DynamoDB does; results, order and paging are moto's own.
   An index Query still walks the table (moto keeps no index structure to read from), but moto also SORTED
   the whole table before filtering it (≈ 10+ s per index Query at 500,000 items): here it is handed the
   items of the index partition, unsorted, and sorts those alone.

All three are checked against moto over HTTP in tests/integration/test_moto_dynamodb.py.
"""
from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import Any

_lock = threading.RLock()
_installed = False


def install() -> None:
    """Patch moto's DynamoDB handler and backend once per process (idempotent)."""
    global _installed
    with _lock:
        if _installed:
            return
        from moto.dynamodb.models import DynamoDBBackend
        from moto.dynamodb.models.table import Table
        from moto.dynamodb.responses import DynamoHandler

        DynamoHandler.call_action = _serialized(DynamoHandler.call_action)
        DynamoDBBackend.transact_write_items = _journaled(DynamoDBBackend.transact_write_items)
        Table.query = _partitioned(Table.query)
        _installed = True


def _serialized(call_action: Callable[..., Any]) -> Callable[..., Any]:
    def locked(self: Any) -> Any:
        with _lock:
            return call_action(self)

    return locked


def _journaled(transact_write_items: Callable[..., Any]) -> Callable[..., Any]:
    from moto.dynamodb.models.table import Table

    def transact(self: Any, transact_items: list[dict[str, Any]]) -> None:
        with _lock:
            journal = [entry for item in transact_items if (entry := _before_image(self, item)) is not None]
            # moto's own whole-table backup becomes the table itself; the journal is the backup instead
            Table.__deepcopy__ = lambda table, memo: table  # type: ignore[attr-defined]
            try:
                transact_write_items(self, transact_items)
            except Exception:
                for table, hash_value, range_value, before in reversed(journal):
                    _put_back(table, hash_value, range_value, before)
                raise
            finally:
                del Table.__deepcopy__  # type: ignore[attr-defined]

    return transact


def _partitioned(query: Callable[..., Any]) -> Callable[..., Any]:
    def partition_query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        if index_name and hash_key is not None and self.range_key_attr:
            return _index_partition_query(query, self, index_name, hash_key, *args, **kwargs)
        if index_name or hash_key is None or not self.range_key_attr:
            return query(self, hash_key, *args, **kwargs)
        with _lock:  # moto's query filters all_items() by hash key: hand it the partition alone
            self.all_items = lambda: list(self.items[hash_key].values()) if hash_key in self.items else []
            try:
                return query(self, hash_key, *args, **kwargs)
            finally:
                del self.all_items

    return partition_query


def _index_partition_query(query: Callable[..., Any], table: Any, index_name: str, hash_key: Any, *args: Any,
                           **kwargs: Any) -> Any:
    """An index Query over the items whose index hash attribute equals ``hash_key`` (moto sorts them)."""
    index = next((i for i in table.all_indexes() if i.name == index_name), None)
    hash_attrs = [k["AttributeName"] for k in (index.schema if index else []) if k["KeyType"] == "HASH"]
    if len(hash_attrs) != 1:
        return query(table, hash_key, *args, **kwargs)
    attr = hash_attrs[0]
    with _lock:
        table.all_items = lambda: [item for partition in table.items.values() for item in partition.values()
                                   if (value := item.attrs.get(attr)) is not None and value == hash_key]
        try:
            return query(table, hash_key, *args, **kwargs)
        finally:
            del table.all_items


def _before_image(backend: Any, transact_item: dict[str, Any]) -> tuple[Any, Any, Any, Any] | None:
    """(table, hash, range, deep copy of the item or None) for the item one transaction entry names."""
    from moto.dynamodb.models.dynamo_type import DynamoType

    if len(transact_item) != 1:
        return None  # moto rejects it before writing anything
    (op,) = transact_item.values()
    table = backend.tables.get(op.get("TableName"))
    if table is None:
        return None
    key = op.get("Key") or op.get("Item") or {}
    if table.hash_key_attr not in key or (table.range_key_attr and table.range_key_attr not in key):
        return None  # a validation error: nothing is written
    hash_value = DynamoType(key[table.hash_key_attr])
    range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    return table, hash_value, range_value, copy.deepcopy(table.get_item(hash_value, range_value))


def _put_back(table: Any, hash_value: Any, range_value: Any, before: Any) -> None:
    if range_value is None:
        if before is None:
            table.items.pop(hash_value, None)
        else:
            table.items[hash_value] = before
        return
    if before is None:
        if hash_value in table.items:
            table.items[hash_value].pop(range_value, None)
    else:
        table.items[hash_value][range_value] = before
