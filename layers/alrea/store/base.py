"""Table binding shared by every model, built from alrea.resources.TABLE."""
from __future__ import annotations

import os

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

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
