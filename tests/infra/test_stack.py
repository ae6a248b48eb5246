"""The synthesized CloudFormation template matches alrea.resources and alrea.registry, and passes cdk-nag."""
from __future__ import annotations

import json
import sys

import pytest

from alrea.registry import Queue, Rest, Schedule, WebSocket
from alrea.resources import BUCKET, QUEUES, STATE_MACHINE_NAME, TABLE

pytestmark = pytest.mark.infra

RUNTIME = f"python{sys.version_info.major}.{sys.version_info.minor}"
DENY_PLAIN_HTTP = {"Bool": {"aws:SecureTransport": "false"}}


def of_trigger(synth, kind):
    return [fn for fn in synth.functions if isinstance(fn.trigger, kind)]


def getatt_arn(logical_id: str) -> dict:
    return {"Fn::GetAtt": [logical_id, "Arn"]}


def policy_statements(synth, fn_name: str) -> list[dict]:
    """Every statement of the policies attached to a function's role."""
    role = synth.stack.functions.by_name[fn_name].role
    role_id = synth.logical_id(role)
    statements = []
    for policy in synth.resources("AWS::IAM::Policy").values():
        if {"Ref": role_id} in policy["Properties"]["Roles"]:
            statements += policy["Properties"]["PolicyDocument"]["Statement"]
    return statements


def actions_of(statements: list[dict]) -> set[str]:
    found = set()
    for st in statements:
        actions = st["Action"]
        found |= {actions} if isinstance(actions, str) else set(actions)
    return found


def statements_with(statements: list[dict], action: str) -> list[dict]:
    return [st for st in statements if action in actions_of([st])]


# ------------------------------------------------------------------ data
def test_table_is_the_single_table_of_alrea_resources(synth):
    synth.template.resource_count_is("AWS::DynamoDB::Table", 1)
    table = next(iter(synth.resources("AWS::DynamoDB::Table").values()))
    assert table["DeletionPolicy"] == "Retain"
    props = table["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
    assert props["TimeToLiveSpecification"] == {"AttributeName": TABLE.ttl, "Enabled": True}
    assert props["KeySchema"] == [{"AttributeName": TABLE.pk, "KeyType": "HASH"},
                                  {"AttributeName": TABLE.sk, "KeyType": "RANGE"}]
    assert {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]} == {
        name: "S" for name in TABLE.key_attributes}
    gsis = {g["IndexName"]: g for g in props["GlobalSecondaryIndexes"]}
    assert set(gsis) == {index.name for index in TABLE.indexes} and len(gsis) == 5
    for index in TABLE.indexes:
        assert gsis[index.name]["KeySchema"] == [{"AttributeName": index.pk, "KeyType": "HASH"},
                                                 {"AttributeName": index.sk, "KeyType": "RANGE"}]
        assert gsis[index.name]["Projection"] == {"ProjectionType": "ALL"}


def test_every_bucket_blocks_public_access_is_encrypted_and_requires_tls(synth):
    buckets = synth.resources("AWS::S3::Bucket")
    assert len(buckets) == 2  # media + its access-log bucket
    for bucket in buckets.values():
        props = bucket["Properties"]
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True}
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0][
            "ServerSideEncryptionByDefault"] == {"SSEAlgorithm": "AES256"}
    policies = [p["Properties"] for p in synth.resources("AWS::S3::BucketPolicy").values()]
    tls_denied = {json.dumps(p["Bucket"]) for p in policies for st in p["PolicyDocument"]["Statement"]
                  if st["Effect"] == "Deny" and st.get("Condition") == DENY_PLAIN_HTTP}
    assert tls_denied == {json.dumps({"Ref": lid}) for lid in buckets}


def test_media_bucket_versioning_access_logs_cors_and_lifecycle(synth):
    media = synth.resources("AWS::S3::Bucket")[synth.logical_id(synth.stack.data.bucket)]["Properties"]
    assert media["VersioningConfiguration"] == {"Status": "Enabled"}
    assert media["LoggingConfiguration"]["DestinationBucketName"] == {
        "Ref": synth.logical_id(synth.stack.data.access_logs)}
    rule = media["CorsConfiguration"]["CorsRules"][0]
    assert "PUT" in rule["AllowedMethods"] and rule["AllowedOrigins"] == ["https://app.alrea.test"]  # conftest's site_url
    assert rule["AllowedHeaders"] == ["content-type"] and rule["ExposedHeaders"] == ["ETag"]
    assert media["LifecycleConfiguration"]["Rules"]


def test_the_media_bucket_needs_the_site_origin(tmp_path, stub_writer):
    """No site_url context: the synth is refused instead of opening the bucket's CORS to every origin."""
    from aws_cdk import App

    from infra.stack import AlreaStack

    code_root, layer = stub_writer(tmp_path, ())
    for context in ({}, {"site_url": "*"}):
        with pytest.raises(ValueError, match="site_url"):
            AlreaStack(App(outdir=str(tmp_path / "out"), context=context), "NoSite", layer_dir=layer,
                       functions=(), code_dir=lambda fn: code_root / fn.name)


def test_import_uploads_notify_the_contacts_import_queue(synth):
    (notifications,) = synth.resources("Custom::S3BucketNotifications").values()
    props = notifications["Properties"]
    assert props["BucketName"] == {"Ref": synth.logical_id(synth.stack.data.bucket)}
    (config,) = props["NotificationConfiguration"]["QueueConfigurations"]
    assert config["Events"] == ["s3:ObjectCreated:*"]
    assert config["QueueArn"] == getatt_arn(synth.logical_id(synth.stack.queues["contacts_import"]))
    assert config["Filter"]["Key"]["FilterRules"] == [{"Name": "suffix", "Value": BUCKET.import_suffix}]


# ------------------------------------------------------------------ queues
def test_one_queue_and_one_dlq_per_queue_definition(synth):
    queues = synth.resources("AWS::SQS::Queue")
    assert len(queues) == 2 * len(QUEUES)
    for name, q in QUEUES.items():
        main = queues[synth.logical_id(synth.stack.queues.queues[name])]["Properties"]
        dlq_id = synth.logical_id(synth.stack.queues.dlqs[name])
        assert main["RedrivePolicy"] == {"deadLetterTargetArn": getatt_arn(dlq_id),
                                         "maxReceiveCount": q.max_receive_count}
        assert main["VisibilityTimeout"] == q.visibility_timeout_s
        assert main["MessageRetentionPeriod"] == q.retention_s
        assert main.get("FifoQueue", False) is q.fifo
        assert queues[dlq_id]["Properties"].get("FifoQueue", False) is q.fifo  # a FIFO queue needs a FIFO DLQ


def test_every_queue_has_a_redrive_policy_or_is_a_dlq(synth):
    queues = synth.resources("AWS::SQS::Queue")
    dlq_targets = {q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
                   for q in queues.values() if "RedrivePolicy" in q["Properties"]}
    for lid, queue in queues.items():
        assert "RedrivePolicy" in queue["Properties"] or lid in dlq_targets, f"{lid} has no dead-letter queue"
        assert queue["Properties"]["SqsManagedSseEnabled"] is True
    assert len(dlq_targets) == len(QUEUES)  # each queue its own DLQ


def test_every_queue_denies_plain_http(synth):
    queues = set(synth.resources("AWS::SQS::Queue"))
    secured = set()
    for policy in synth.resources("AWS::SQS::QueuePolicy").values():
        props = policy["Properties"]
        if any(st["Effect"] == "Deny" and st.get("Condition") == DENY_PLAIN_HTTP
               for st in props["PolicyDocument"]["Statement"]):
            secured |= {ref["Ref"] for ref in props["Queues"]}
    assert secured == queues


# ------------------------------------------------------------------ functions
def test_one_lambda_per_registry_entry_on_arm64_and_the_tests_python(synth):
    lambdas = synth.resources("AWS::Lambda::Function")
    layer_id = next(iter(synth.resources("AWS::Lambda::LayerVersion")))
    ours = {}
    for fn in synth.functions:
        lid = synth.logical_id(synth.stack.functions.by_name[fn.name])
        props = lambdas[lid]["Properties"]
        ours[lid] = fn
        assert props["Runtime"] == RUNTIME
        assert props["Architectures"] == ["arm64"]
        assert props["Handler"] == "handler.handler"
        assert props["MemorySize"] == fn.memory_mb and props["Timeout"] == fn.timeout_s
        assert props["TracingConfig"] == {"Mode": "Active"}
        assert props["Layers"] == [{"Ref": layer_id}]
        env = props["Environment"]["Variables"]
        for key in ("ALREA_TABLE_NAME", "ALREA_BUCKET_NAME", "ALREA_QUEUE_URLS", "ALREA_STATE_MACHINE_ARN",
                    "ALREA_WEBSOCKET_ENDPOINT", "ALREA_JWT_SECRET_ARN", "POWERTOOLS_SERVICE_NAME",
                    "LOG_LEVEL"):
            assert key in env, f"{fn.name} lacks {key}"
        assert "LogGroup" in props["LoggingConfig"]
    # besides ours, only CDK's S3-notification helper
    others = [r["Properties"].get("Handler") for lid, r in lambdas.items() if lid not in ours]
    assert others == ["index.handler"]
    log_groups = synth.resources("AWS::Logs::LogGroup")
    for fn in synth.functions:
        group = synth.stack.functions.node.find_child(f"{fn.name}Logs")
        assert log_groups[synth.logical_id(group)]["Properties"]["RetentionInDays"] == 30


def test_queue_urls_env_names_every_queue(synth):
    env = synth.resources("AWS::Lambda::Function")[synth.logical_id(synth.stack.functions.by_name["api"])][
        "Properties"]["Environment"]["Variables"]
    joined = env["ALREA_QUEUE_URLS"]["Fn::Join"][1]
    text = "".join(part if isinstance(part, str) else '"REF:' + part["Ref"] + '"' for part in joined)
    urls = json.loads(text.replace('""REF:', '"REF:').replace('""', '"'))
    assert set(urls) == set(QUEUES)
    for name in QUEUES:
        assert urls[name] == "REF:" + synth.logical_id(synth.stack.queues.queues[name])


def test_every_queue_function_consumes_with_partial_batch_failures(synth):
    consumers = of_trigger(synth, Queue)
    assert {fn.name for fn in consumers} >= {"probe_consumer", "probe_planner"}
    mappings = list(synth.resources("AWS::Lambda::EventSourceMapping").values())
    assert len(mappings) == len(consumers)
    for fn in consumers:
        fn_id = synth.logical_id(synth.stack.functions.by_name[fn.name])
        (mapping,) = [m["Properties"] for m in mappings if m["Properties"]["FunctionName"] == {"Ref": fn_id}]
        assert mapping["EventSourceArn"] == getatt_arn(synth.logical_id(synth.stack.queues[fn.trigger.queue]))
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["BatchSize"] == fn.trigger.batch_size
        if fn.trigger.max_concurrency:
            assert mapping["ScalingConfig"] == {"MaximumConcurrency": fn.trigger.max_concurrency}
        else:
            assert "ScalingConfig" not in mapping


def test_an_events_rule_per_schedule_function(synth):
    scheduled = of_trigger(synth, Schedule)
    assert scheduled, "the probe registry has a Schedule function"
    rules = [r["Properties"] for r in synth.resources("AWS::Events::Rule").values()]
    for fn in scheduled:
        fn_id = synth.logical_id(synth.stack.functions.by_name[fn.name])
        matching = [r for r in rules if r["ScheduleExpression"] == fn.trigger.expression
                    and any(t["Arn"] == getatt_arn(fn_id) for t in r["Targets"])]
        assert len(matching) == 1, fn.name
    synth.template.resource_count_is("AWS::Events::Rule", len(scheduled))


def test_grants_follow_the_registry_flags(synth):
    queue_arns = {synth.logical_id(synth.stack.queues[name]): name for name in QUEUES}
    for fn in synth.functions:
        statements = policy_statements(synth, fn.name)
        actions = actions_of(statements)
        assert ("execute-api:ManageConnections" in actions) is fn.pushes, fn.name
        assert ("states:StartExecution" in actions) is fn.drives_state_machine, fn.name
        takes_tokens = fn.drives_state_machine or (isinstance(fn.trigger, Queue)
                                                   and fn.trigger.queue == "campaign_plan")
        assert ("states:SendTaskSuccess" in actions) is takes_tokens, fn.name
        assert ("s3:PutObject" in actions) is fn.uses_bucket, fn.name
        assert ("dynamodb:PutItem" in actions) is fn.writes_table, fn.name
        assert ("dynamodb:Query" in actions) is fn.reads_table, fn.name
        verifies_tokens = isinstance(fn.trigger, (Rest, WebSocket))
        # the JWT key (tokens; tenants' sealed secrets) / the Evolution key
        reads_secrets = verifies_tokens or fn.unseals_secrets or fn.calls_evolution
        assert ("secretsmanager:GetSecretValue" in actions) is reads_secrets, fn.name
        sent_to = set()
        for st in statements_with(statements, "sqs:SendMessage"):
            resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
            sent_to |= {queue_arns[r["Fn::GetAtt"][0]] for r in resources}
        assert sent_to == set(fn.publishes), fn.name


# ------------------------------------------------------------------ APIs
def _rest_paths(synth) -> dict[str, str]:
    """logical id of each API Gateway resource -> its full path."""
    resources = synth.resources("AWS::ApiGateway::Resource")
    (api_id,) = synth.resources("AWS::ApiGateway::RestApi")
    paths = {}

    def path_of(lid):
        if lid not in paths:
            props = resources[lid]["Properties"]
            parent = props["ParentId"]
            base = "" if parent == {"Fn::GetAtt": [api_id, "RootResourceId"]} else path_of(parent["Ref"])
            paths[lid] = f"{base}/{props['PathPart']}"
        return paths[lid]

    for lid in resources:
        path_of(lid)
    return paths


def test_rest_routes_proxy_to_their_function(synth):
    paths = _rest_paths(synth)
    (validator_id,) = synth.resources("AWS::ApiGateway::RequestValidator")
    methods = [m["Properties"] for m in synth.resources("AWS::ApiGateway::Method").values()
               if m["Properties"]["HttpMethod"] == "ANY"]
    routed = {}
    for method in methods:
        routed[paths[method["ResourceId"]["Ref"]]] = method
    expected = {route: fn for fn in of_trigger(synth, Rest) for route in fn.trigger.routes}
    assert set(routed) == set(expected)
    for route, fn in expected.items():
        method = routed[route]
        assert method["Integration"]["Type"] == "AWS_PROXY"
        uri = json.dumps(method["Integration"]["Uri"])
        assert synth.logical_id(synth.stack.functions.by_name[fn.name]) in uri
        assert method["RequestValidatorId"] == {"Ref": validator_id}
    # CORS preflight for the SPA on every resource
    all_methods = [m["Properties"] for m in synth.resources("AWS::ApiGateway::Method").values()]
    options = {paths[m["ResourceId"]["Ref"]] for m in all_methods
               if m["HttpMethod"] == "OPTIONS" and "Ref" in m["ResourceId"]}
    assert set(expected) <= options


def test_rest_stage_has_access_logs_and_throttling(synth):
    (stage,) = synth.resources("AWS::ApiGateway::Stage").values()
    props = stage["Properties"]
    assert "DestinationArn" in props["AccessLogSetting"] and "Format" in props["AccessLogSetting"]
    assert props["TracingEnabled"] is True
    settings = {s["ResourcePath"]: s for s in props["MethodSettings"]}
    assert set(settings) == {"/*", "/~1v1~1{proxy+}"}  # the whole stage, and the partner API's own ceiling
    for s in settings.values():
        assert s["ThrottlingRateLimit"] > 0 and s["ThrottlingBurstLimit"] > 0


def test_websocket_api_has_exactly_the_three_routes(synth):
    routes = {r["Properties"]["RouteKey"]: r["Properties"]
              for r in synth.resources("AWS::ApiGatewayV2::Route").values()}
    assert set(routes) == {"$connect", "$disconnect", "$default"}
    integrations = synth.resources("AWS::ApiGatewayV2::Integration")
    by_route = {fn.trigger.route: fn for fn in of_trigger(synth, WebSocket)}
    for key, route in routes.items():
        integration_id = route["Target"]["Fn::Join"][1][1]["Ref"]
        uri = json.dumps(integrations[integration_id]["Properties"]["IntegrationUri"])
        assert synth.logical_id(synth.stack.functions.by_name[by_route[key].name]) in uri
    # only $default answers on the socket (pong, subscribe acks): it needs a route response
    assert {k for k, r in routes.items() if r.get("RouteResponseSelectionExpression")} == {"$default"}
    assert len(synth.resources("AWS::ApiGatewayV2::RouteResponse")) == 1
    (stage,) = synth.resources("AWS::ApiGatewayV2::Stage").values()
    assert stage["Properties"]["StageName"] == "live" and stage["Properties"]["AutoDeploy"] is True
    assert "DestinationArn" in stage["Properties"]["AccessLogSettings"]


# ------------------------------------------------------------------ campaigns
def test_campaign_run_state_machine_runs_the_shared_definition(synth):
    from alrea.campaign_run import definition

    machines = synth.resources("AWS::StepFunctions::StateMachine")
    (lid,) = machines
    assert lid.startswith(f"Campaigns{STATE_MACHINE_NAME}")
    props = machines[lid]["Properties"]
    assert props["StateMachineType"] == "STANDARD"
    plan_queue = synth.logical_id(synth.stack.queues["campaign_plan"])
    assert props["DefinitionSubstitutions"] == {"PlanQueueUrl": {"Ref": plan_queue}}
    url = "https://sqs.example/123456789012/plan"
    assert json.loads(props["DefinitionString"].replace("${PlanQueueUrl}", url)) == definition(url)
    assert props["LoggingConfiguration"]["Level"] == "ALL"
    assert props["TracingConfiguration"] == {"Enabled": True}
    role_id = props["RoleArn"]["Fn::GetAtt"][0]
    send = [st for p in synth.resources("AWS::IAM::Policy").values()
            if {"Ref": role_id} in p["Properties"]["Roles"]
            for st in statements_with(p["Properties"]["PolicyDocument"]["Statement"], "sqs:SendMessage")]
    assert [st["Resource"] for st in send] == [getatt_arn(plan_queue)]


# ------------------------------------------------------------------ cdk-nag
def test_cdk_nag_reports_no_unacknowledged_errors(synth):
    assert synth.nag_failure is None, synth.nag_failure
    errors = [v for report in synth.report["pluginReports"] for v in report.get("violations", [])
              if v.get("severity") == "error"]
    assert errors == []


def test_every_acknowledgment_carries_a_reason(synth):
    acknowledged = [rule for r in synth.raw["Resources"].values()
                    for rule in r.get("Metadata", {}).get("cdk_nag", {}).get("rules_to_suppress", [])]
    assert acknowledged, "cdk-nag ran and recorded the acknowledgments"
    for rule in acknowledged:
        assert rule["id"].startswith("AwsSolutions-")
        assert len(rule.get("reason", "").strip()) >= 20, rule


def test_cdk_nag_is_not_a_rubber_stamp(tmp_path):
    """The same checks fail the synth of a stack with a plainly non-compliant bucket."""
    from aws_cdk import App, Stack
    from aws_cdk import aws_s3 as s3

    from infra.nag import apply_checks

    app = App(outdir=str(tmp_path))
    s3.Bucket(Stack(app, "Bad"), "Open")
    apply_checks(app)
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    rules = {v["ruleName"] for r in report["pluginReports"] for v in r["violations"]}
    assert {"AwsSolutions-S1", "AwsSolutions-S10"} <= rules
