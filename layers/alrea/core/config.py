"""Runtime settings, read once from the environment (pydantic-settings).

The same variables drive Lambda (set by CDK), the local runtime (set by ``alrea dev``) and the tests.
Every setting has a local default so ``alrea dev`` and the tests need no configuration; outside the local
stages (``ALREA_STAGE`` not ``local``/``test``) ``get_settings()`` refuses to start while any deployment
setting is still a local default (see ``Settings.undeployable``). Secrets never travel in the environment
there: only their Secrets Manager ARNs, read through ``alrea.core.secrets``.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


LOCAL_STAGES = frozenset({"local", "test"})
LOCAL_JWT_SECRET = "dev-only-secret-change-me-0123456789abcdef"
LOCAL_EVOLUTION_URL = "http://127.0.0.1:8081"
LOCAL_EVOLUTION_API_KEY = "local-evolution-key"
LOCAL_PUBLIC_BASE_URL = "http://localhost:8000"
LOCAL_EMAIL_FROM = "ALREA Flow <nao-responda@alrea.localhost>"
# the local fake Stripe (alrea.local.fake_stripe) accepts these; a deployment reads the real ones by ARN
LOCAL_STRIPE_SECRET_KEY = "sk_test_local_fake_stripe"
LOCAL_STRIPE_WEBHOOK_SECRET = "whsec_local_fake_stripe"
LOCAL_STRIPE_PUBLISHABLE_KEY = "pk_test_local_fake_stripe"
STRIPE_API_BASE = "https://api.stripe.com"
_LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})


class SettingsError(RuntimeError):
    """The settings cannot run this stage: the message names every missing or local-only setting."""


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
    # local/test only: deployed stages read the key from Secrets Manager (jwt_secret_arn)
    jwt_secret: str = LOCAL_JWT_SECRET
    jwt_secret_arn: str = ""
    access_ttl_s: int = 900
    refresh_ttl_s: int = 30 * 24 * 3600
    max_body_bytes: int = 256 * 1024
    # where Evolution delivers webhooks: <public_base_url>/webhooks/evolution/<token>
    public_base_url: str = LOCAL_PUBLIC_BASE_URL
    evolution_url: str = LOCAL_EVOLUTION_URL
    # local/test only: deployed stages read the key from Secrets Manager (evolution_api_key_arn)
    evolution_api_key: str = LOCAL_EVOLUTION_API_KEY
    evolution_api_key_arn: str = ""
    media_url_ttl_s: int = 300
    # outbound webhooks (services/outbound_webhooks.py): local dev only may target http:// and private addresses
    webhooks_allow_private: bool = False
    webhook_timeout_s: float = 5.0
    webhook_retry_scale: float = 1.0  # multiplies domain.webhooks.RETRY_SCHEDULE_S (tests shrink it)
    webhook_endpoint_cache_s: float = 30.0  # how stale a process's view of a tenant's endpoints may be
    webhook_disable_after_s: int = 24 * 3600
    sense_timeout_s: float = 5.0  # the HTTP analyzer's timeout (services/sense.py)
    sense_settings_cache_s: float = 30.0  # how stale a process's view of a tenant's Sense on/off may be
    # transactional e-mail (ports/email.py): "ses" or "sink" (the local mail sink); empty: the sink on the
    # local stages, SES elsewhere
    email: str = ""
    email_from: str = LOCAL_EMAIL_FROM  # a verified SES identity in AWS
    ses_configuration_set: str = ""  # bounces/complaints suppression and events (docs/DEPLOY.md)
    # the SPA's public origin: links in e-mails (reset, invitation, verification) open pages there
    site_url: str = LOCAL_PUBLIC_BASE_URL
    # Stripe billing (ports/billing.py, adapters/stripe_billing.py): secrets by ARN outside the local stages;
    # the API base is the local fake Stripe for alrea dev and the tests
    stripe_secret_key: str = LOCAL_STRIPE_SECRET_KEY
    stripe_secret_key_arn: str = ""
    stripe_webhook_secret: str = LOCAL_STRIPE_WEBHOOK_SECRET
    stripe_webhook_secret_arn: str = ""
    stripe_publishable_key: str = LOCAL_STRIPE_PUBLISHABLE_KEY
    stripe_api_base: str = STRIPE_API_BASE
    stripe_webhook_tolerance_s: int = 300  # how old a signed webhook may be (replays outside it: 400)
    # price id -> "plan:<name>" | "add_on:<product>" (JSON); empty: the local fake Stripe's prices
    stripe_prices: str = ""

    @field_validator("queue_urls", mode="before")
    @classmethod
    def _parse_json(cls, value: Any) -> Any:
        if isinstance(value, str):
            return json.loads(value) if value else {}
        return value

    @property
    def is_local(self) -> bool:
        return self.stage in LOCAL_STAGES

    @property
    def email_backend(self) -> str:
        return self.email or ("sink" if self.is_local else "ses")

    def undeployable(self) -> list[str]:
        """The environment variables that are missing or still local defaults; empty when the stage may run.

        Local stages accept every default, except on Lambda, where a local stage is itself a mistake."""
        if self.is_local:
            on_lambda = bool(os.environ.get("AWS_LAMBDA_FUNCTION_NAME"))
            return ["ALREA_STAGE (a local stage on AWS Lambda)"] if on_lambda else []
        problems = []
        if not self.jwt_secret_arn:
            problems.append("ALREA_JWT_SECRET_ARN")
        if self.jwt_secret != LOCAL_JWT_SECRET:
            problems.append("ALREA_JWT_SECRET (a plain secret in the environment: use ALREA_JWT_SECRET_ARN)")
        if not self.evolution_api_key_arn:
            problems.append("ALREA_EVOLUTION_API_KEY_ARN")
        if self.evolution_api_key != LOCAL_EVOLUTION_API_KEY:
            problems.append("ALREA_EVOLUTION_API_KEY (a plain secret in the environment: use "
                            "ALREA_EVOLUTION_API_KEY_ARN)")
        if _is_local_url(self.evolution_url):
            problems.append("ALREA_EVOLUTION_URL")
        if _is_local_url(self.public_base_url):
            problems.append("ALREA_PUBLIC_BASE_URL")
        if not self.websocket_endpoint:
            problems.append("ALREA_WEBSOCKET_ENDPOINT")
        if self.webhooks_allow_private:
            problems.append("ALREA_WEBHOOKS_ALLOW_PRIVATE (local development only)")
        if self.email_backend != "ses":
            problems.append("ALREA_EMAIL (the mail sink is local development only: use ses)")
        if self.email_from == LOCAL_EMAIL_FROM:
            problems.append("ALREA_EMAIL_FROM")
        if _is_local_url(self.site_url):
            problems.append("ALREA_SITE_URL")
        problems += self._stripe_problems()
        return problems

    def _stripe_problems(self) -> list[str]:
        problems = []
        for name, arn, plain, local in (
                ("STRIPE_SECRET_KEY", self.stripe_secret_key_arn, self.stripe_secret_key, LOCAL_STRIPE_SECRET_KEY),
                ("STRIPE_WEBHOOK_SECRET", self.stripe_webhook_secret_arn, self.stripe_webhook_secret,
                 LOCAL_STRIPE_WEBHOOK_SECRET)):
            if not arn:
                problems.append(f"ALREA_{name}_ARN")
            if plain != local:
                problems.append(f"ALREA_{name} (a plain secret in the environment: use ALREA_{name}_ARN)")
        if self.stripe_publishable_key == LOCAL_STRIPE_PUBLISHABLE_KEY:
            problems.append("ALREA_STRIPE_PUBLISHABLE_KEY")
        if not self.stripe_prices:
            problems.append("ALREA_STRIPE_PRICES")
        if _is_local_url(self.stripe_api_base):
            problems.append("ALREA_STRIPE_API_BASE (the local fake Stripe)")
        return problems


def _is_local_url(url: str) -> bool:
    parts = urlsplit(url.strip())
    return not parts.scheme or not parts.hostname or parts.hostname in _LOOPBACK_HOSTS


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    settings = Settings()
    problems = settings.undeployable()
    if problems:
        raise SettingsError(f"stage {settings.stage!r} refuses to start on local defaults; set "
                            + ", ".join(problems))
    return settings


def reset_settings() -> None:
    """Forget cached settings (tests and the local runtime change the environment)."""
    get_settings.cache_clear()
