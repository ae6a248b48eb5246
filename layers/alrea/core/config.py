"""Runtime settings, read once from the environment (pydantic-settings).

The same variables drive Lambda (set by CDK), the local runtime (set by ``alrea dev``) and the tests.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ALREA_", extra="ignore")

    stage: str = "local"
    table_name: str = "alrea"
    bucket_name: str = "alrea-media"
    # queue name -> URL; CDK passes the real URLs, the local runtime those it created
    queue_urls: dict[str, str] = Field(default_factory=dict)
    state_machine_arn: str = ""
    # "aws" (SQS / Step Functions), "rabbitmq" (aio-pika) or "memory"
    bus: str = "aws"
    broker_url: str = ""
    # "aws" (API Gateway management API) or "local" (in-process sockets) or "memory"
    push: str = "aws"
    websocket_endpoint: str = ""
    jwt_secret: str = "dev-only-secret-change-me-0123456789abcdef"
    jwt_secret_arn: str = ""
    access_ttl_s: int = 900
    refresh_ttl_s: int = 30 * 24 * 3600
    max_body_bytes: int = 256 * 1024
    public_base_url: str = "http://localhost:8000"
    evolution_url: str = "http://127.0.0.1:8081"
    evolution_api_key: str = "local-evolution-key"
    media_url_ttl_s: int = 300

    @field_validator("queue_urls", mode="before")
    @classmethod
    def _parse_json(cls, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value) if value else {}
        return value


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    """Forget cached settings (tests and the local runtime change the environment)."""
    get_settings.cache_clear()
