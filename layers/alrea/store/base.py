"""Table binding shared by every model, built from alrea.resources.TABLE."""
from __future__ import annotations

import os
from functools import lru_cache

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.connection import Connection
from pynamodb.exceptions import UpdateError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from alrea.resources import TABLE


def _region() -> str:
    return os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"


class _TableMeta:
    table_name = os.environ.get("ALREA_TABLE_NAME", "alrea")
    region = _region()
    # None lets botocore honour AWS_ENDPOINT_URL (moto / LocalStack) or talk to real AWS
    host = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or os.environ.get("AWS_ENDPOINT_URL") or None
    max_retry_attempts = 3
    connect_timeout_seconds = 5
    read_timeout_seconds = 10


def _index(i: int) -> type[GlobalSecondaryIndex]:
    spec = TABLE.indexes[i - 1]

    class _Meta:
        index_name = spec.name
        projection = AllProjection()

    attrs = {
        "Meta": _Meta,
        spec.pk: UnicodeAttribute(hash_key=True, attr_name=spec.pk),
        spec.sk: UnicodeAttribute(range_key=True, attr_name=spec.sk),
    }
    return type(f"Gsi{i}", (GlobalSecondaryIndex,), attrs)


Gsi1, Gsi2, Gsi3, Gsi4, Gsi5 = (_index(i) for i in range(1, 6))


class Item(Model):
    """Base of every stored item: pk/sk, an entity name and an optional TTL (epoch seconds)."""

    Meta = _TableMeta

    pk = UnicodeAttribute(hash_key=True, attr_name=TABLE.pk)
    sk = UnicodeAttribute(range_key=True, attr_name=TABLE.sk)
    entity = UnicodeAttribute(null=True)
    ttl = NumberAttribute(null=True, attr_name=TABLE.ttl)

    @classmethod
    def _get_connection(cls):  # type: ignore[override]
        """Every model on one botocore client. PynamoDB builds a client per model class, and each loads
        DynamoDB's service model for itself: ≈ 10 MB and 0.1 s per class, ≈ 290 MB for all of them."""
        table_connection = super()._get_connection()
        connection = table_connection.connection
        if connection._client is None:
            connection._client = _connection(_TableMeta.region, _TableMeta.host).client
        return table_connection


CONDITION_FAILED = "ConditionalCheckFailedException"


def condition_failed(exc: Exception) -> bool:
    """A PynamoDB write error (UpdateError, PutError, DeleteError) caused by the write's condition."""
    return getattr(exc, "cause_response_code", None) == CONDITION_FAILED


def update_if(item: Model, actions: list, condition=None) -> bool:
    """``item.update`` under ``condition``; False, with nothing written, when the condition did not hold."""
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


def all_models() -> list[type[Model]]:
    seen: list[type[Model]] = []
    stack = [Item]
    while stack:
        cls = stack.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.append(sub)
                stack.append(sub)
    return seen


def bind(table_name: str | None = None, host: str | None = None) -> None:
    """Point every model at a table/endpoint (the local runtime and tests call this after choosing them)."""
    if table_name is not None:
        _TableMeta.table_name = table_name
    _TableMeta.host = host or None
    _TableMeta.region = _region()
    for cls in [Item, *all_models()]:
        cls._connection = None
        for index in getattr(cls, "_indexes", {}).values():
            index._connection = None  # type: ignore[attr-defined]



@lru_cache(maxsize=8)
def _connection(region: str, host: str | None) -> Connection:
    """One PynamoDB connection per endpoint: its client serves every model and transaction."""
    return Connection(region=region, host=host, max_retry_attempts=_TableMeta.max_retry_attempts,
                      connect_timeout_seconds=_TableMeta.connect_timeout_seconds,
                      read_timeout_seconds=_TableMeta.read_timeout_seconds)


class Transaction:
    """A TransactWrite (all-or-nothing across items) whose items carry labels.

    DynamoDB reports a cancellation as one reason per item, and PynamoDB sends the items grouped by kind
    (condition checks, deletes, puts, updates), not in call order; the labels map reasons back to items.
    """

    def __init__(self) -> None:
        self.tx = TransactWrite(connection=_connection(_TableMeta.region, _TableMeta.host))
        self._labels: dict[str, list[str]] = {"check": [], "delete": [], "put": [], "update": []}

    def check(self, label: str, model_cls: type[Model], hash_key: str, range_key: str, condition) -> None:
        self._labels["check"].append(label)
        self.tx.condition_check(model_cls, hash_key, range_key, condition=condition)

    def delete(self, label: str, model: Model, condition=None) -> None:
        self._labels["delete"].append(label)
        self.tx.delete(model, condition=condition)

    def put(self, label: str, model: Model, condition=None) -> None:
        self._labels["put"].append(label)
        self.tx.save(model, condition=condition)

    def update(self, label: str, model: Model, actions: list, condition=None) -> None:
        self._labels["update"].append(label)
        self.tx.update(model, actions=actions, condition=condition)

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.tx.__exit__(exc_type, exc, tb)  # commits when the block ended without an exception

    def codes(self, exc: Exception) -> dict[str, str]:
        """label -> reason code of a cancellation: ConditionalCheckFailed, TransactionConflict, "None"."""
        order = [label for kind in ("check", "delete", "put", "update") for label in self._labels[kind]]
        reasons = getattr(exc, "cancellation_reasons", None) or []
        return {label: (reason.code if reason else "None")
                for label, reason in zip(order, reasons, strict=False)}


def transaction() -> TransactWrite:
    """A plain TransactWrite on the models' current endpoint (see Transaction for labelled items)."""
    return TransactWrite(connection=_connection(_TableMeta.region, _TableMeta.host))


def cancellation_codes(exc: Exception) -> list[str | None]:
    """Per-item reason codes of a cancelled transaction, in the order PynamoDB SENT the items: condition
    checks, then deletes, then puts, then updates (not call order; Transaction.codes maps them by label)."""
    return [reason.code if reason else None for reason in getattr(exc, "cancellation_reasons", None) or []]


def as_domain(cls: type, item: Model, **values):
    """The domain type ``cls`` (a dataclass whose fields are named like the item's attributes) of one stored
    item; ``values`` override or complete what the item holds (nested maps, numbers as int)."""
    from dataclasses import MISSING, fields

    kwargs = dict(values)
    for f in fields(cls):
        if f.name in kwargs:
            continue
        value = getattr(item, f.name, None)
        if value is None and (f.default is not MISSING or f.default_factory is not MISSING):
            continue  # absent attribute: the domain default
        kwargs[f.name] = value
    return cls(**kwargs)
