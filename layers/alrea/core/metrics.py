"""Operational metrics: CloudWatch Embedded Metric Format through Powertools Metrics, in one place.

Services record through the small functions below (no boto3: EMF metrics are JSON lines the Lambda log
stream turns into metrics); handlers flush with ``@metrics.log_metrics``. The tenant id goes into the
metadata, never into a dimension (one time series per tenant would cost per tenant). The names are
the ones the CDK dashboard and alarms read (infra/constructs/monitoring.py). Where metrics are disabled
(``POWERTOOLS_METRICS_DISABLED``, which ``alrea dev`` sets) nothing is recorded, so nothing piles up.
"""
from __future__ import annotations

import os
import warnings

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit

NAMESPACE = os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or "alrea"

WEBHOOKS_RECEIVED = "WebhooksReceived"  # queued by webhook_ingest
WEBHOOKS_PROCESSED = "WebhooksProcessed"  # stored by webhook_process
WEBHOOK_LAG = "WebhookLagMs"  # received by webhook_ingest -> processed by webhook_process
CAMPAIGN_ROUNDS = "CampaignRounds"  # CampaignRun plan rounds answered
SEND_OUTCOMES = ("ok", "failed", "unknown")
SEND_CHANNELS = ("chat", "campaign")


def send_metric(channel: str, outcome: str) -> str:
    """``ChatSendOk``, ``CampaignSendUnknown``, …"""
    return f"{channel.capitalize()}Send{outcome.capitalize()}"


metrics = Metrics(namespace=NAMESPACE)
# an invocation that settled nothing worth counting (a refused webhook, an empty batch) is normal
warnings.filterwarnings("ignore", message="No application metrics to publish")


def _enabled() -> bool:
    return os.environ.get("POWERTOOLS_METRICS_DISABLED", "").lower() not in ("1", "true", "yes", "on")


def _add(name: str, unit: MetricUnit, value: float, tenant_id: str | None) -> None:
    if not _enabled():
        return
    metrics.add_metric(name=name, unit=unit, value=value)
    if tenant_id:
        metrics.add_metadata(key="tenant_id", value=tenant_id)


def count(name: str, value: int = 1, *, tenant_id: str | None = None) -> None:
    _add(name, MetricUnit.Count, value, tenant_id)


def lag_ms(name: str, milliseconds: float, *, tenant_id: str | None = None) -> None:
    _add(name, MetricUnit.Milliseconds, max(0.0, milliseconds), tenant_id)


def send_outcome(channel: str, outcome: str, *, tenant_id: str | None = None) -> None:
    """One send through Evolution settled: ``ok``, ``failed`` or ``unknown`` (it may have gone out)."""
    if channel not in SEND_CHANNELS or outcome not in SEND_OUTCOMES:
        raise ValueError(f"unknown send metric {channel}/{outcome}")
    count(send_metric(channel, outcome), tenant_id=tenant_id)
