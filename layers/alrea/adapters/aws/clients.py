"""boto3 clients, one per service per process. botocore honours AWS_ENDPOINT_URL (moto, LocalStack)."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=20,
                 max_pool_connections=50)


@lru_cache(maxsize=None)
def client(service: str, endpoint_url: str | None = None) -> Any:
    return boto3.session.Session().client(service, config=_CONFIG, endpoint_url=endpoint_url)


def reset_clients() -> None:
    client.cache_clear()
