"""Deployment settings: local defaults refused outside the local stages, secrets read through one accessor
(Secrets Manager over moto's HTTP API), the local runtime's own JWT key, and the EMF metrics module."""
from __future__ import annotations

import json
import stat

import httpx
import pytest

from alrea.core import config, metrics, secrets
from alrea.core.config import SettingsError, get_settings, reset_settings

DEPLOYED = {
    "ALREA_STAGE": "prod",
    "ALREA_JWT_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:alrea/jwt-AbCdEf",
    "ALREA_EVOLUTION_API_KEY_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:alrea/evo-AbCdEf",
    "ALREA_EVOLUTION_URL": "https://evolution.example.com",
    "ALREA_PUBLIC_BASE_URL": "https://abc123.execute-api.us-east-1.amazonaws.com/prod",
    "ALREA_WEBSOCKET_ENDPOINT": "https://def456.execute-api.us-east-1.amazonaws.com/live",
    "ALREA_EMAIL_FROM": "ALREA Flow <nao-responda@alrea.example.com>",
    "ALREA_SITE_URL": "https://app.alrea.example.com",
    "ALREA_STRIPE_SECRET_KEY_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:alrea/stripe-key-AbCdEf",
    "ALREA_STRIPE_WEBHOOK_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:alrea/stripe-wh-AbCdEf",
    "ALREA_STRIPE_PUBLISHABLE_KEY": "pk_live_0123456789",
    "ALREA_STRIPE_PRICES": '{"price_1AbC": "plan:starter"}',
}
EVERY_NAME = ("ALREA_JWT_SECRET_ARN", "ALREA_EVOLUTION_API_KEY_ARN", "ALREA_EVOLUTION_URL",
              "ALREA_PUBLIC_BASE_URL", "ALREA_WEBSOCKET_ENDPOINT", "ALREA_EMAIL_FROM", "ALREA_SITE_URL",
              "ALREA_STRIPE_SECRET_KEY_ARN", "ALREA_STRIPE_WEBHOOK_SECRET_ARN", "ALREA_STRIPE_PUBLISHABLE_KEY",
              "ALREA_STRIPE_PRICES")


@pytest.fixture
def env(monkeypatch):
    """A clean slate of ALREA_ settings (the session's ALREA_JWT_SECRET removed); settings re-read after."""
    for name in ("ALREA_JWT_SECRET", "ALREA_EVOLUTION_API_KEY", "ALREA_EMAIL", "ALREA_STRIPE_SECRET_KEY",
                 "ALREA_STRIPE_WEBHOOK_SECRET", "ALREA_STRIPE_API_BASE", "AWS_LAMBDA_FUNCTION_NAME", *DEPLOYED):
        monkeypatch.delenv(name, raising=False)
    reset_settings()
    yield monkeypatch
    monkeypatch.undo()
    reset_settings()


def set_all(monkeypatch, **overrides):
    for name, value in {**DEPLOYED, **overrides}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    reset_settings()


# ------------------------------------------------------------------ stages
def test_a_deployed_stage_on_local_defaults_refuses_to_start_naming_every_missing_setting(env):
    env.setenv("ALREA_STAGE", "prod")
    reset_settings()
    with pytest.raises(SettingsError) as refused:
        get_settings()
    message = str(refused.value)
    assert "'prod'" in message
    for name in EVERY_NAME:
        assert name in message, f"{name} not named in: {message}"


@pytest.mark.parametrize("missing", EVERY_NAME)
def test_each_missing_setting_is_named_alone(env, missing):
    set_all(env, **{missing: None})
    with pytest.raises(SettingsError) as refused:
        get_settings()
    named = [name for name in EVERY_NAME if name in str(refused.value)]
    assert named == [missing]


@pytest.mark.parametrize(("name", "value"), [
    ("ALREA_SITE_URL", "http://localhost:8000"),
    ("ALREA_EVOLUTION_URL", "http://127.0.0.1:8081"),
    ("ALREA_EVOLUTION_URL", "http://localhost:8081"),
    ("ALREA_PUBLIC_BASE_URL", "http://localhost:8000"),
    ("ALREA_PUBLIC_BASE_URL", "not-a-url"),
])
def test_loopback_or_malformed_urls_are_local_defaults(env, name, value):
    set_all(env, **{name: value})
    with pytest.raises(SettingsError, match=name):
        get_settings()


@pytest.mark.parametrize("plain", ["ALREA_JWT_SECRET", "ALREA_EVOLUTION_API_KEY"])
def test_a_plain_secret_in_the_environment_is_refused_outside_local(env, plain):
    set_all(env, **{plain: "a-real-looking-secret-" + "z" * 40})
    with pytest.raises(SettingsError, match=plain + r" \(a plain secret"):
        get_settings()


def test_a_fully_configured_deployed_stage_starts(env):
    set_all(env)
    settings = get_settings()
    assert settings.stage == "prod" and not settings.is_local
    assert settings.evolution_url == DEPLOYED["ALREA_EVOLUTION_URL"]
    assert settings.public_base_url == DEPLOYED["ALREA_PUBLIC_BASE_URL"]


def test_a_deployed_stage_sends_mail_through_ses_and_refuses_the_local_sink(env):
    set_all(env)
    assert get_settings().email_backend == "ses"
    set_all(env, ALREA_EMAIL="sink")
    with pytest.raises(SettingsError, match="ALREA_EMAIL "):
        get_settings()


@pytest.mark.parametrize("stage", ["local", "test"])
def test_the_local_stages_start_on_defaults(env, stage):
    env.setenv("ALREA_STAGE", stage)
    reset_settings()
    settings = get_settings()
    assert settings.is_local
    assert settings.evolution_url == config.LOCAL_EVOLUTION_URL
    assert settings.public_base_url == config.LOCAL_PUBLIC_BASE_URL
    assert secrets.jwt_secret() == config.LOCAL_JWT_SECRET
    assert secrets.evolution_api_key() == config.LOCAL_EVOLUTION_API_KEY


def test_a_local_stage_on_lambda_is_refused(env):
    env.setenv("AWS_LAMBDA_FUNCTION_NAME", "AlreaFlow-api")
    reset_settings()
    with pytest.raises(SettingsError, match="ALREA_STAGE"):
        get_settings()


def test_the_test_session_keeps_its_explicit_jwt_secret():
    reset_settings()
    assert secrets.jwt_secret() == "test-secret-" + "x" * 32


# ------------------------------------------------------------------ secrets through Secrets Manager
@pytest.fixture
def secrets_manager(moto_server):
    import boto3
    from aws_lambda_powertools.utilities import parameters

    httpx.post(moto_server + "/moto-api/reset")
    parameters.clear_caches()
    yield boto3.client("secretsmanager")
    parameters.clear_caches()


def test_deployed_secrets_are_read_by_arn_and_cached(env, secrets_manager):
    from aws_lambda_powertools.utilities import parameters

    jwt_arn = secrets_manager.create_secret(Name="alrea/jwt", SecretString="j" * 64)["ARN"]
    evo_arn = secrets_manager.create_secret(Name="alrea/evolution", SecretString="evo-key-1")["ARN"]
    set_all(env, ALREA_JWT_SECRET_ARN=jwt_arn, ALREA_EVOLUTION_API_KEY_ARN=evo_arn)
    assert secrets.jwt_secret() == "j" * 64
    assert secrets.evolution_api_key() == "evo-key-1"
    # the operator rotates the Evolution key: the cached value holds for max_age, then the new one is read
    secrets_manager.put_secret_value(SecretId=evo_arn, SecretString="evo-key-2")
    assert secrets.evolution_api_key() == "evo-key-1"
    parameters.clear_caches()
    assert secrets.evolution_api_key() == "evo-key-2"


def test_tokens_are_signed_with_the_secret_behind_the_arn(env, secrets_manager):
    import jwt

    from alrea.services import tokens

    arn = secrets_manager.create_secret(Name="alrea/jwt2", SecretString="k" * 64)["ARN"]
    set_all(env, ALREA_JWT_SECRET_ARN=arn)
    token = tokens.issue_access("t1", "u1", "admin", None)
    assert jwt.decode(token, "k" * 64, algorithms=["HS256"])["tid"] == "t1"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, config.LOCAL_JWT_SECRET, algorithms=["HS256"])


def test_the_evolution_client_sends_the_key_from_secrets_manager_on_each_request(env, secrets_manager):
    from aws_lambda_powertools.utilities import parameters

    from alrea.adapters.evolution.client import EvolutionClient

    arn = secrets_manager.create_secret(Name="alrea/evolution2", SecretString="first-key")["ARN"]
    set_all(env, ALREA_EVOLUTION_API_KEY_ARN=arn)
    seen = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get("apikey"))
        return httpx.Response(200, json=[])

    client = EvolutionClient(get_settings().evolution_url, secrets.evolution_api_key,
                             transport=httpx.MockTransport(answer))
    client._request("GET", "/instance/fetchInstances")
    secrets_manager.put_secret_value(SecretId=arn, SecretString="second-key")
    parameters.clear_caches()
    client._request("GET", "/instance/fetchInstances")
    assert seen == ["first-key", "second-key"]


# ------------------------------------------------------------------ the local runtime's own JWT key
def test_the_local_jwt_key_is_random_private_and_stable_per_data_dir(tmp_path):
    from alrea.local.datadir import JWT_SECRET_FILE, local_jwt_secret

    first = local_jwt_secret(tmp_path / "a")
    assert len(first) == 64 and first != config.LOCAL_JWT_SECRET
    assert local_jwt_secret(tmp_path / "a") == first  # persisted: sessions survive a restart
    assert local_jwt_secret(tmp_path / "b") != first  # another data dir, another key
    mode = stat.S_IMODE((tmp_path / "a" / JWT_SECRET_FILE).stat().st_mode)
    assert mode == 0o600


def test_a_truncated_local_key_file_is_replaced(tmp_path):
    from alrea.local.datadir import JWT_SECRET_FILE, local_jwt_secret

    (tmp_path / JWT_SECRET_FILE).write_text("short")
    (tmp_path / JWT_SECRET_FILE).chmod(0o644)
    value = local_jwt_secret(tmp_path)
    assert len(value) == 64
    assert stat.S_IMODE((tmp_path / JWT_SECRET_FILE).stat().st_mode) == 0o600


# ------------------------------------------------------------------ metrics
@pytest.fixture
def emf(monkeypatch):
    monkeypatch.delenv("POWERTOOLS_METRICS_DISABLED", raising=False)
    metrics.metrics.clear_metrics()
    yield metrics.metrics
    metrics.metrics.clear_metrics()


def test_metrics_carry_the_tenant_as_metadata_not_a_dimension(emf, capsys):
    metrics.count(metrics.WEBHOOKS_RECEIVED, tenant_id="tenant-1")
    metrics.lag_ms(metrics.WEBHOOK_LAG, 1250.0, tenant_id="tenant-1")
    metrics.send_outcome("campaign", "unknown", tenant_id="tenant-1")
    emf.flush_metrics()
    (line,) = [json.loads(out) for out in capsys.readouterr().out.splitlines() if out.startswith("{")]
    definition = line["_aws"]["CloudWatchMetrics"][0]
    names = {m["Name"]: m["Unit"] for m in definition["Metrics"]}
    assert names == {"WebhooksReceived": "Count", "WebhookLagMs": "Milliseconds",
                     "CampaignSendUnknown": "Count"}
    assert line["tenant_id"] == "tenant-1"
    assert all("tenant_id" not in dims for dims in definition["Dimensions"])
    assert line["WebhookLagMs"] in (1250.0, [1250.0])


def test_unknown_send_outcomes_are_refused(emf):
    with pytest.raises(ValueError):
        metrics.send_outcome("chat", "maybe")


def test_disabled_metrics_record_nothing(emf, monkeypatch):
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    metrics.count(metrics.WEBHOOKS_PROCESSED, tenant_id="t")
    assert not emf.metric_set
