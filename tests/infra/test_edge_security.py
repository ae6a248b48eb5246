"""AWS-side edge: API Gateway's own answers carry the security headers, a WAF WebACL guards the REST stage."""
from __future__ import annotations

import json

import pytest

from alrea.resources import QUEUES
from infra.constructs.api import STAGE_NAME


def gateway_responses(synth) -> dict[str, dict]:
    return {r["Properties"]["ResponseType"]: r["Properties"]
            for r in synth.resources("AWS::ApiGateway::GatewayResponse").values()}


@pytest.mark.parametrize("kind", ["DEFAULT_4XX", "DEFAULT_5XX", "THROTTLED"])
def test_gateway_responses_carry_nosniff_no_cache_and_a_pt_br_message(synth, kind):
    responses = gateway_responses(synth)
    assert kind in responses, sorted(responses)
    props = responses[kind]
    headers = {k.removeprefix("gatewayresponse.header."): v for k, v in props["ResponseParameters"].items()}
    assert headers["X-Content-Type-Options"] == "'nosniff'"
    assert headers["Cache-Control"] == "'no-store'" and headers["Pragma"] == "'no-cache'"
    assert headers["X-Frame-Options"] == "'DENY'"
    body = json.loads(props["ResponseTemplates"]["application/json"])
    assert set(body) == {"error", "message"} and body["message"]  # the app's error shape
    assert props["RestApiId"] == {"Ref": synth.logical_id(synth.stack.rest.api)}


def web_acl(synth) -> tuple[str, dict]:
    (acl_id, acl), = synth.resources("AWS::WAFv2::WebACL").items()
    return acl_id, acl["Properties"]


def rule(props: dict, name: str) -> dict:
    rules = {r["Name"]: r for r in props["Rules"]}
    assert name in rules, sorted(rules)
    return rules[name]


def test_a_regional_web_acl_is_associated_with_the_rest_stage(synth):
    acl_id, props = web_acl(synth)
    assert props["Scope"] == "REGIONAL"
    assert props["DefaultAction"] == {"Allow": {}}
    (association,) = synth.resources("AWS::WAFv2::WebACLAssociation").values()
    assert association["Properties"]["WebACLArn"] == {"Fn::GetAtt": [acl_id, "Arn"]}
    stage = synth.stack.rest.api.deployment_stage
    stage_id = synth.logical_id(stage)
    # arn:<partition>:apigateway:<region>::/restapis/<api id>/stages/<stage name>
    arn = json.dumps(association["Properties"]["ResourceArn"])
    parts = association["Properties"]["ResourceArn"]["Fn::Join"][1]
    assert ":apigateway:" in parts and "::/restapis/" in parts and "/stages/" in parts, arn
    assert {"Ref": synth.logical_id(synth.stack.rest.api)} in parts
    assert {"Ref": stage_id} in parts
    assert stage_id in association.get("DependsOn", [])  # created after the stage it guards


def test_auth_routes_are_rate_limited_per_ip_and_blocked_with_429(synth):
    _, props = web_acl(synth)
    limit = rule(props, "AuthRateLimit")
    statement = limit["Statement"]["RateBasedStatement"]
    assert statement["AggregateKeyType"] == "IP"
    assert statement["Limit"] == 100 and statement["EvaluationWindowSec"] == 300
    prefixes = {s["ByteMatchStatement"]["SearchString"]
                for s in statement["ScopeDownStatement"]["OrStatement"]["Statements"]}
    assert prefixes == {"/api/auth/", f"/{STAGE_NAME}/api/auth/"}
    for s in statement["ScopeDownStatement"]["OrStatement"]["Statements"]:
        match = s["ByteMatchStatement"]
        assert match["PositionalConstraint"] == "STARTS_WITH" and match["FieldToMatch"] == {"UriPath": {}}
        assert {t["Type"] for t in match["TextTransformations"]} == {"URL_DECODE", "LOWERCASE"}
    response = limit["Action"]["Block"]["CustomResponse"]
    assert response["ResponseCode"] == 429
    body = props["CustomResponseBodies"][response["CustomResponseBodyKey"]]
    assert body["ContentType"] == "APPLICATION_JSON"
    assert json.loads(body["Content"])["message"].startswith("Muitas tentativas")
    assert {h["Name"]: h["Value"] for h in response["ResponseHeaders"]}["Retry-After"] == "300"


def test_the_aws_common_rule_set_runs_in_count_mode(synth):
    _, props = web_acl(synth)
    common = rule(props, "AwsCommonRules")
    group = common["Statement"]["ManagedRuleGroupStatement"]
    assert (group["VendorName"], group["Name"]) == ("AWS", "AWSManagedRulesCommonRuleSet")
    assert common["OverrideAction"] == {"Count": {}}
    assert rule(props, "AuthRateLimit")["Priority"] < common["Priority"]
    for r in props["Rules"] + [props]:
        visibility = r["VisibilityConfig"]
        assert visibility["CloudWatchMetricsEnabled"] and visibility["SampledRequestsEnabled"]


def test_queue_urls_output_names_every_queue_for_operator_commands(synth):
    output = synth.raw["Outputs"]["QueueUrls"]["Value"]
    text = json.dumps(output)
    for name in QUEUES:
        assert f'\\"{name}\\"' in text or f'"{name}"' in text


def test_the_edge_resources_pass_cloudformation_schema_validation(synth):
    """CDK's CloudFormation Validate plugin only warns (e.g. a WebACL description with parentheses): a
    warning here is a failed deploy later."""
    edge_types = ("AWS::WAFv2::", "AWS::ApiGateway::GatewayResponse")
    edge_ids = {lid for lid, r in synth.raw["Resources"].items() if r["Type"].startswith(edge_types)}
    assert len(edge_ids) >= 5
    findings = [(v["ruleName"], v["description"]) for report in synth.report["pluginReports"]
                if report["pluginName"] == "CloudFormation Validate" for v in report.get("violations", [])
                for c in v.get("violatingConstructs", [])
                if c.get("cloudFormationResource", {}).get("logicalId") in edge_ids]
    assert findings == []


def test_the_partner_api_has_its_own_coarse_ceiling_and_cors_allows_its_headers(synth):
    from infra.constructs.api import PARTNER_BURST_LIMIT, PARTNER_RATE_LIMIT

    (stage,) = synth.resources("AWS::ApiGateway::Stage").values()
    settings = {s["ResourcePath"]: s for s in stage["Properties"]["MethodSettings"]}
    partner = settings["/~1v1~1{proxy+}"]
    assert partner["HttpMethod"] == "*"
    assert (partner["ThrottlingRateLimit"], partner["ThrottlingBurstLimit"]) == (PARTNER_RATE_LIMIT,
                                                                                  PARTNER_BURST_LIMIT)
    assert settings["/*"]["ThrottlingRateLimit"] > PARTNER_RATE_LIMIT  # the whole API's ceiling stays above
    options = [m["Properties"] for m in synth.resources("AWS::ApiGateway::Method").values()
               if m["Properties"]["HttpMethod"] == "OPTIONS"]
    allowed = json.dumps(options[0]["Integration"]["IntegrationResponses"])
    for header in ("Authorization", "X-Api-Key", "Idempotency-Key"):
        assert header in allowed, header
