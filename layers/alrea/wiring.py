"""Composition root: builds the adapters the settings ask for. Handlers and services call ``runtime()``.

Nothing else chooses an adapter, so the domain never knows whether it runs on AWS, moto, LocalStack,
RabbitMQ or in memory. The local runtime and tests install their own with ``set_runtime``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from alrea.core.config import get_settings

if TYPE_CHECKING:
    from alrea.ports.analyzer import Analyzer
    from alrea.ports.billing import PaymentProvider
    from alrea.ports.bus import Bus
    from alrea.ports.email import Email
    from alrea.ports.pacer import Pacer
    from alrea.ports.pictures import PictureDownloader
    from alrea.ports.push import Push
    from alrea.ports.storage import Storage
    from alrea.ports.webhook_sender import WebhookSender
    from alrea.ports.whatsapp import WhatsApp


def build_pictures() -> PictureDownloader:
    from alrea.adapters.http_pictures import HttpxPictureDownloader

    return HttpxPictureDownloader()


def build_email() -> Email:
    """SES in AWS; the local mail sink (messages kept in the process, listed at /dev/mail) otherwise."""
    settings = get_settings()
    if settings.email_backend == "sink":
        from alrea.adapters.memory.mail import MailSink

        return MailSink()
    from alrea.adapters.aws.ses import SesEmail

    return SesEmail(settings.email_from, settings.ses_configuration_set)


@dataclass
class Runtime:
    bus: Bus
    push: Push
    pacer: Pacer
    whatsapp: WhatsApp
    storage: Storage
    pictures: PictureDownloader = field(default_factory=build_pictures)
    webhooks: WebhookSender | None = None  # built on first use when a runtime was made without it
    email: Email = field(default_factory=build_email)
    payments: PaymentProvider | None = None  # built on first use (billing)


_runtime: Runtime | None = None


def build_bus() -> Bus:
    settings = get_settings()
    if settings.bus == "rabbitmq" or settings.broker_url:
        from alrea.adapters.rabbitmq.bus import RabbitBus

        return RabbitBus(settings.broker_url)
    if settings.bus == "memory":
        from alrea.adapters.memory.bus import MemoryBus

        return MemoryBus()
    from alrea.adapters.aws.sqs import SqsBus

    return SqsBus(settings.queue_urls)


def build_push() -> Push:
    settings = get_settings()
    if settings.push == "memory":
        from alrea.adapters.memory.push import MemoryPush

        return MemoryPush()
    from alrea.adapters.aws.push import ApiGatewaySender
    from alrea.adapters.push import ConnectionPush

    return ConnectionPush(ApiGatewaySender(settings.websocket_endpoint))


def build_pacer(bus: Bus) -> Pacer:
    settings = get_settings()
    if settings.state_machine_arn and settings.bus == "aws" and not settings.broker_url:
        from alrea.adapters.aws.stepfunctions import StepFunctionsPacer

        return StepFunctionsPacer(settings.state_machine_arn)
    from alrea.adapters.queue_pacer import QueuePacer

    return QueuePacer(bus)


def build_whatsapp() -> WhatsApp:
    settings = get_settings()
    from alrea.adapters.evolution.client import EvolutionClient
    from alrea.core.secrets import evolution_api_key

    return EvolutionClient(settings.evolution_url, evolution_api_key)


def build_storage() -> Storage:
    from alrea.adapters.aws.s3 import S3Storage

    return S3Storage(get_settings().bucket_name)


def runtime() -> Runtime:
    global _runtime
    if _runtime is None:
        bus = build_bus()
        _runtime = Runtime(bus=bus, push=build_push(), pacer=build_pacer(bus), whatsapp=build_whatsapp(),
                           storage=build_storage())
    return _runtime


def set_runtime(value: Runtime | None) -> None:
    global _runtime
    _runtime = value


def build_webhook_sender() -> WebhookSender:
    from alrea.adapters.http_webhooks import HttpxWebhookSender

    return HttpxWebhookSender()


def webhook_sender() -> WebhookSender:
    """The runtime's outbound-webhook sender (one per runtime, built lazily)."""
    rt = runtime()
    if rt.webhooks is None:
        rt.webhooks = build_webhook_sender()
    return rt.webhooks


def build_analyzer(adapter: str, url: str | None = None, secret: str | None = None,
                   model: str | None = None) -> Analyzer:
    """Sense's analyzer for a tenant's settings: the built-in lexicon, or the HTTP endpoint they configured."""
    if adapter == "http" and url:
        from alrea.adapters.sense.http import HttpAnalyzer

        return HttpAnalyzer(url, secret, model=model, timeout_s=get_settings().sense_timeout_s)
    from alrea.adapters.sense.lexicon import LexiconAnalyzer

    return LexiconAnalyzer()
def build_payments() -> PaymentProvider:
    from alrea.adapters.stripe_billing import StripeProvider

    return StripeProvider()


def payments() -> PaymentProvider:
    """The runtime's payment provider (Stripe, or the local fake Stripe by its base URL), built lazily."""
    rt = runtime()
    if rt.payments is None:
        rt.payments = build_payments()
    return rt.payments
