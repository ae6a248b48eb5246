"""The handlers flush the operational metrics as CloudWatch EMF: a webhook through webhook_ingest and
webhook_process (SQS on moto) is counted received, processed, with its lag; the tenant is metadata only."""
from __future__ import annotations

import json

import pytest

from alrea.core import metrics as app_metrics
from test_inbound_pipeline import sample, sqs_world  # noqa: F401 - the fixture, reused


@pytest.fixture
def emf(monkeypatch, capsys):
    """EMF lines printed by the handlers, as dicts (metrics enabled, whatever the environment says)."""
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    app_metrics.metrics.clear_metrics()
    capsys.readouterr()

    def lines() -> list[dict]:
        found = []
        for text in capsys.readouterr().out.splitlines():
            if text.startswith("{") and '"_aws"' in text:
                found.append(json.loads(text))
        return found

    yield lines
    app_metrics.metrics.clear_metrics()


def names(line: dict) -> set[str]:
    return {m["Name"] for d in line["_aws"]["CloudWatchMetrics"] for m in d["Metrics"]}


def test_a_webhook_is_counted_received_and_processed_with_its_lag(sqs_world, emf):
    status, _ = sqs_world.post(sample("messages.upsert.text-inbound"))
    assert status == 200
    (received,) = [line for line in emf() if app_metrics.WEBHOOKS_RECEIVED in names(line)]
    assert received["tenant_id"] == sqs_world.tenant_id
    assert received["_aws"]["CloudWatchMetrics"][0]["Namespace"] == app_metrics.NAMESPACE

    assert sqs_world.drain() == 1
    (processed,) = [line for line in emf() if app_metrics.WEBHOOKS_PROCESSED in names(line)]
    assert app_metrics.WEBHOOK_LAG in names(processed)
    lag = processed[app_metrics.WEBHOOK_LAG]
    lag = lag[0] if isinstance(lag, list) else lag
    assert 0 <= lag < 60_000
    assert processed["tenant_id"] == sqs_world.tenant_id
    for definition in processed["_aws"]["CloudWatchMetrics"]:
        assert all("tenant_id" not in dims for dims in definition["Dimensions"])


def test_a_refused_webhook_is_not_counted(sqs_world, emf):
    status, _ = sqs_world.post(sample("messages.upsert.text-inbound"), token="hook_" + "0" * 32)
    assert status == 404
    assert not [line for line in emf() if app_metrics.WEBHOOKS_RECEIVED in names(line)]
