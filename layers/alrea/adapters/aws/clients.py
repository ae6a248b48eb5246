"""boto3 clients, one per service per process. botocore honours AWS_ENDPOINT_URL (moto, LocalStack)."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

_CONFIG = Config(retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=20,
                 max_pool_connections=50)
# per-service additions: S3 signs everything (presigned GET/PUT included) with SigV4; botocore's default for
# presigned URLs can be SigV2 (AWSAccessKeyId=…&Signature=…), which buckets created since 2020 refuse
_SERVICE_CONFIG = {"s3": Config(signature_version="s3v4")}


@lru_cache(maxsize=None)
def client(service: str, endpoint_url: str | None = None) -> Any:
    config = _CONFIG.merge(_SERVICE_CONFIG[service]) if service in _SERVICE_CONFIG else _CONFIG
    return boto3.session.Session().client(service, config=config, endpoint_url=endpoint_url)


def reset_clients() -> None:
    client.cache_clear()
