"""The deployed configuration: explicit settings, secrets only by ARN, alarms on what operators watch, a
dashboard, and a template CloudFormation can order (no dependency cycle)."""
from __future__ import annotations

import json

import pytest

from alrea.core import config
from alrea.core import metrics as app_metrics
from alrea.registry import Function, Queue, Rest
from alrea.resources import QUEUES

pytestmark = pytest.mark.infra

SECRET_VALUES = (config.LOCAL_JWT_SECRET, config.LOCAL_EVOLUTION_API_KEY)
PLAIN_SECRET_VARS = ("ALREA_JWT_SECRET", "ALREA_EVOLUTION_API_KEY")


def env_of(synth, fn_name: str) -> dict:
    lid = synth.logical_id(synth.stack.functions.by_name[fn_name])
    return synth.raw["Resources"][lid]["Properties"]["Environment"]["Variables"]


def alarms(synth) -> list[dict]:
    return [r["Properties"] for r in synth.resources("AWS::CloudWatch::Alarm").values()]


def topic_ref(synth) -> dict:
    (topic_id,) = synth.resources("AWS::SNS::Topic")
    return {"Ref": topic_id}


def alarm_on(synth, metric: str, dimension: str, value) -> list[dict]:
    return [a for a in alarms(synth) if a["MetricName"] == metric
            and {"Name": dimension, "Value": value} in a.get("Dimensions", [])]


# ------------------------------------------------------------------ settings and secrets
def test_lambda_environments_carry_no_secret_value(synth):
    for fn in synth.functions:
        env = env_of(synth, fn.name)
        for name in PLAIN_SECRET_VARS:
            assert name not in env, f"{fn.name} carries {name} in clear"
        text = json.dumps(env)
        for value in SECRET_VALUES:
            assert value not in text, f"{fn.name} carries a local secret"
        assert "resolve:secretsmanager" not in text and "SecretString" not in text, fn.name


def test_every_function_gets_the_deployment_settings_and_the_secret_arns(synth):
    (evolution_url,) = [lid for lid in synth.raw["Parameters"] if lid == "EvolutionUrl"]
    rest_id = synth.logical_id(synth.stack.rest.api)
    for fn in synth.functions:
        env = env_of(synth, fn.name)
        assert env["ALREA_STAGE"] == "prod"
        assert env["ALREA_EVOLUTION_URL"] == {"Ref": evolution_url}
        assert env["ALREA_JWT_SECRET_ARN"] == {"Ref": synth.logical_id(synth.stack.jwt_secret)}
        assert env["ALREA_EVOLUTION_API_KEY_ARN"] == {"Ref": synth.logical_id(synth.stack.evolution_api_key)}
        parts = env["ALREA_PUBLIC_BASE_URL"]["Fn::Join"][1]
        assert parts[0] == "https://" and {"Ref": rest_id} in parts and parts[-1].endswith("/prod")
        assert env["ALREA_WEBSOCKET_ENDPOINT"]


def test_the_evolution_url_parameter_has_no_local_default(synth):
    parameter = synth.raw["Parameters"]["EvolutionUrl"]
    assert "Default" not in parameter  # the first deploy must name the server
    assert parameter["AllowedPattern"].startswith("^https?://")


def can_read(synth, fn_name: str, secret) -> bool:
    secret_ref = {"Ref": synth.logical_id(secret)}
    role_id = synth.logical_id(synth.stack.functions.by_name[fn_name].role)
    readable = False
    for policy in synth.resources("AWS::IAM::Policy").values():
        if {"Ref": role_id} not in policy["Properties"]["Roles"]:
            continue
        for st in policy["Properties"]["PolicyDocument"]["Statement"]:
            resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
            readable |= secret_ref in resources and "secretsmanager:GetSecretValue" in st["Action"]
    return readable


def test_only_the_functions_that_call_evolution_may_read_its_key(synth):
    for fn in synth.functions:
        assert can_read(synth, fn.name, synth.stack.evolution_api_key) is fn.calls_evolution, fn.name


def test_the_stripe_secrets_are_retained_arns_and_only_the_billing_function_reads_them(synth):
    secrets = synth.resources("AWS::SecretsManager::Secret")
    for secret in (synth.stack.stripe_secret_key, synth.stack.stripe_webhook_secret):
        assert secrets[synth.logical_id(secret)]["DeletionPolicy"] == "Retain"
        for fn in synth.functions:
            assert can_read(synth, fn.name, secret) is fn.calls_stripe, fn.name
    assert [fn.name for fn in synth.functions if fn.calls_stripe] == ["api"]
    env = env_of(synth, "api")
    assert env["ALREA_STRIPE_SECRET_KEY_ARN"] == {"Ref": synth.logical_id(synth.stack.stripe_secret_key)}
    assert env["ALREA_STRIPE_WEBHOOK_SECRET_ARN"] == {"Ref": synth.logical_id(synth.stack.stripe_webhook_secret)}
    assert "ALREA_STRIPE_SECRET_KEY" not in env and "ALREA_STRIPE_WEBHOOK_SECRET" not in env
    outputs = synth.raw["Outputs"]
    assert "StripeSecretKeyArn" in outputs and "StripeWebhookSecretArn" in outputs


def test_every_function_gets_the_mail_settings(synth):
    (config_set_id,) = synth.resources("AWS::SES::ConfigurationSet")
    for fn in synth.functions:
        env = env_of(synth, fn.name)
        assert env["ALREA_EMAIL"] == "ses"
        assert env["ALREA_SITE_URL"] == "https://app.alrea.test"  # the first site origin: links in e-mails
        assert env["ALREA_EMAIL_FROM"] == "ALREA Flow <nao-responda@app.alrea.test>"
        assert env["ALREA_SES_CONFIGURATION_SET"] == {"Ref": config_set_id}
    config_set = synth.resources("AWS::SES::ConfigurationSet")[config_set_id]["Properties"]
    assert config_set["SuppressionOptions"]["SuppressedReasons"] == ["BOUNCE", "COMPLAINT"]


def test_only_the_functions_that_send_email_may_call_ses_on_the_sender_domain_only(synth):
    for fn in synth.functions:
        role_id = synth.logical_id(synth.stack.functions.by_name[fn.name].role)
        statements = [st for policy in synth.resources("AWS::IAM::Policy").values()
                      if {"Ref": role_id} in policy["Properties"]["Roles"]
                      for st in policy["Properties"]["PolicyDocument"]["Statement"]
                      if "ses:SendEmail" in (st["Action"] if isinstance(st["Action"], list) else [st["Action"]])]
        assert bool(statements) is fn.sends_email, fn.name
        for st in statements:
            text = json.dumps(st["Resource"])
            assert ":identity/app.alrea.test" in text and "configuration-set/" in text and "*" not in text


def test_both_secrets_live_in_secrets_manager_and_are_retained(synth):
    secrets = synth.resources("AWS::SecretsManager::Secret")
    for construct in (synth.stack.jwt_secret, synth.stack.evolution_api_key):
        secret = secrets[synth.logical_id(construct)]
        assert secret["DeletionPolicy"] == "Retain"
    jwt = secrets[synth.logical_id(synth.stack.jwt_secret)]["Properties"]["GenerateSecretString"]
    assert jwt["PasswordLength"] >= 64


@pytest.mark.parametrize(("settings", "message"), [
    ({"stage": "local"}, "local runtime"),
    ({"stage": "test"}, "local runtime"),
    ({"public_base_url": "http://localhost:8000"}, "https://"),
    ({"email_from": "ALREA Flow"}, "email_from"),
])
def test_local_settings_cannot_be_deployed(tmp_path, stub_writer, settings, message):
    from aws_cdk import App

    from infra.stack import AlreaStack

    code_root, layer = stub_writer(tmp_path, ())
    with pytest.raises(ValueError, match=message):
        AlreaStack(App(outdir=str(tmp_path / "out")), "Local", layer_dir=layer, functions=(),
                   code_dir=lambda fn: code_root / fn.name, site_origins=["https://app.alrea.example"], **settings)


def test_the_template_has_no_dependency_cycle(synth):
    """Refs, GetAtts, Subs and DependsOn form a DAG, so CloudFormation can order the deploy (the public base
    URL must not make the functions depend on the API deployment that depends on them)."""
    resources = synth.raw["Resources"]

    def refs(node) -> set[str]:
        found: set[str] = set()
        if isinstance(node, dict):
            if "Ref" in node and node["Ref"] in resources:
                found.add(node["Ref"])
            if "Fn::GetAtt" in node:
                found.add(node["Fn::GetAtt"][0])
            for value in node.values():
                found |= refs(value)
        elif isinstance(node, list):
            for value in node:
                found |= refs(value)
        return found

    edges = {}
    for lid, resource in resources.items():
        depends = resource.get("DependsOn", [])
        edges[lid] = (refs(resource.get("Properties", {})) | set([depends] if isinstance(depends, str)
                                                                 else depends)) & set(resources)
    state: dict[str, int] = {}

    def visit(lid: str, path: list[str]) -> None:
        if state.get(lid) == 2:
            return
        assert state.get(lid) != 1, "cycle: " + " -> ".join(path + [lid])
        state[lid] = 1
        for dep in edges[lid]:
            visit(dep, path + [lid])
        state[lid] = 2

    for lid in resources:
        visit(lid, [])


# ------------------------------------------------------------------ alarms, topic, dashboard
def test_every_dlq_has_a_depth_alarm_to_the_topic(synth):
    for name in QUEUES:
        dlq_id = synth.logical_id(synth.stack.queues.dlqs[name])
        (alarm,) = alarm_on(synth, "ApproximateNumberOfMessagesVisible", "QueueName",
                            {"Fn::GetAtt": [dlq_id, "QueueName"]})
        assert alarm["Threshold"] == 1
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["AlarmActions"] == [topic_ref(synth)]


def test_every_function_has_error_and_throttle_alarms(synth):
    for fn in synth.functions:
        ref = {"Ref": synth.logical_id(synth.stack.functions.by_name[fn.name])}
        for metric in ("Errors", "Throttles"):
            (alarm,) = alarm_on(synth, metric, "FunctionName", ref)
            assert alarm["Namespace"] == "AWS/Lambda" and alarm["AlarmActions"] == [topic_ref(synth)]


def test_failed_campaign_runs_and_a_stuck_webhook_queue_alarm(synth):
    machine = {"Ref": synth.logical_id(synth.stack.campaigns.state_machine)}
    (failed,) = alarm_on(synth, "ExecutionsFailed", "StateMachineArn", machine)
    assert failed["Namespace"] == "AWS/States"
    webhooks = {"Fn::GetAtt": [synth.logical_id(synth.stack.queues["webhook_inbound"]), "QueueName"]}
    (age,) = alarm_on(synth, "ApproximateAgeOfOldestMessage", "QueueName", webhooks)
    assert age["Threshold"] == 120 and age["AlarmActions"] == [topic_ref(synth)]


def test_the_alarm_topic_is_encrypted_with_a_key_cloudwatch_may_use(synth):
    (topic,) = synth.resources("AWS::SNS::Topic").values()
    key_id = topic["Properties"]["KmsMasterKeyId"]["Fn::GetAtt"][0]
    key = synth.raw["Resources"][key_id]["Properties"]
    assert key["EnableKeyRotation"] is True
    assert any(st.get("Principal") == {"Service": "cloudwatch.amazonaws.com"}
               for st in key["KeyPolicy"]["Statement"])
    assert synth.resources("AWS::SNS::Subscription") == {}  # no e-mail given to this synth


def test_the_dashboard_charts_the_application_metrics(synth):
    (dashboard,) = synth.resources("AWS::CloudWatch::Dashboard").values()
    body = json.dumps(dashboard["Properties"]["DashboardBody"])
    names = [app_metrics.WEBHOOKS_RECEIVED, app_metrics.WEBHOOKS_PROCESSED, app_metrics.WEBHOOK_LAG,
             app_metrics.CAMPAIGN_ROUNDS] + [app_metrics.send_metric(c, o) for c in app_metrics.SEND_CHANNELS
                                              for o in app_metrics.SEND_OUTCOMES]
    for name in names:
        assert f'\\"{name}\\"' in body, f"{name} is not on the dashboard"
    assert "ApproximateNumberOfMessagesVisible" in body and "ExecutionsFailed" in body


# ------------------------------------------------------------------ context: a custom domain and an e-mail
def test_a_custom_domain_and_an_alarm_email_from_the_context(tmp_path, stub_writer):
    from aws_cdk import App
    from aws_cdk.assertions import Template

    from infra.stack import AlreaStack

    functions = (Function("web", Rest(("/api/{proxy+}",)), "a REST function", calls_evolution=True),
                 Function("worker", Queue("webhook_inbound"), "a queue function"))
    code_root, layer = stub_writer(tmp_path, functions)
    app = App(outdir=str(tmp_path / "out"))
    stack = AlreaStack(app, "Custom", layer_dir=layer, functions=functions,
                       code_dir=lambda fn: code_root / fn.name, stage="staging",
                       site_origins=["https://app.alrea.example"],
                       public_base_url="https://api.alrea.example", alarm_email="ops@alrea.example")
    template = Template.from_stack(stack)
    raw = template.to_json()
    for props in (r["Properties"] for r in raw["Resources"].values() if r["Type"] == "AWS::Lambda::Function"
                  and r["Properties"].get("Handler") == "handler.handler"):
        env = props["Environment"]["Variables"]
        assert env["ALREA_PUBLIC_BASE_URL"] == "https://api.alrea.example"
        assert env["ALREA_STAGE"] == "staging"
    template.has_resource_properties("AWS::SNS::Subscription",
                                     {"Protocol": "email", "Endpoint": "ops@alrea.example"})
