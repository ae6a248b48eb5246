"""WAF (v2, REGIONAL) in front of the REST API stage.

Rules, in order:
1. ``AuthRateLimit``: more than AUTH_RATE_LIMIT requests to ``/api/auth/*`` from one IP within 5 minutes are
   blocked with a 429 and the app's error body (pt-BR message). It bounds credential stuffing and token
   refresh floods before they reach the function; the app's own login throttling
   (alrea.services.throttle, per account) stays the precise, per-user guard behind it.
2. ``AwsCommonRules``: the AWS managed common rule set (OWASP-style), in COUNT mode first. Its body-size and
   user-agent rules would block legitimate traffic of ours (Evolution's webhooks post large bodies; partner
   integrations may send no User-Agent), so it only counts until the sampled requests and metrics show which
   rules match real traffic; then it is switched to block with those rules overridden (docs/DEPLOY.md).

The path is matched in both forms API Gateway hands to WAF: ``/<stage>/api/auth/...`` on the execute-api URL
and ``/api/auth/...`` behind a custom domain mapped at its root.
"""
from __future__ import annotations

import json

from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_wafv2 as wafv2
from constructs import Construct

AUTH_PREFIX = "/api/auth/"
AUTH_RATE_LIMIT = 100  # requests per IP per window
AUTH_RATE_WINDOW_S = 300
TOO_MANY_BODY = "too_many_requests"
TOO_MANY_MESSAGE = "Muitas tentativas a partir deste endereço. Aguarde alguns minutos e tente de novo."


def _visibility(metric: str) -> wafv2.CfnWebACL.VisibilityConfigProperty:
    return wafv2.CfnWebACL.VisibilityConfigProperty(
        cloud_watch_metrics_enabled=True, metric_name=metric, sampled_requests_enabled=True)


def _path_starts_with(prefix: str) -> wafv2.CfnWebACL.StatementProperty:
    return wafv2.CfnWebACL.StatementProperty(
        byte_match_statement=wafv2.CfnWebACL.ByteMatchStatementProperty(
            field_to_match=wafv2.CfnWebACL.FieldToMatchProperty(uri_path={}),
            positional_constraint="STARTS_WITH",
            search_string=prefix,
            # /api/%61uth/ or /API/AUTH/ must not slip past the limit
            text_transformations=[wafv2.CfnWebACL.TextTransformationProperty(priority=0, type="URL_DECODE"),
                                  wafv2.CfnWebACL.TextTransformationProperty(priority=1, type="LOWERCASE")],
        ))


class Firewall(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, stage: apigw.Stage, stage_name: str) -> None:
        """``stage_name`` as a plain string (``stage.stage_name`` is a deploy-time token, no search string)."""
        super().__init__(scope, construct_id)
        auth_paths = wafv2.CfnWebACL.StatementProperty(or_statement=wafv2.CfnWebACL.OrStatementProperty(
            statements=[_path_starts_with(AUTH_PREFIX),
                        _path_starts_with(f"/{stage_name.lower()}{AUTH_PREFIX}")]))
        self.acl = wafv2.CfnWebACL(
            self, "WebAcl",
            scope="REGIONAL",
            description="ALREA Flow REST API - auth rate limit per IP, AWS common rule set in count mode",
            default_action=wafv2.CfnWebACL.DefaultActionProperty(allow={}),
            visibility_config=_visibility("alrea-rest"),
            custom_response_bodies={TOO_MANY_BODY: wafv2.CfnWebACL.CustomResponseBodyProperty(
                content_type="APPLICATION_JSON",
                content=json.dumps({"error": "too_many_requests", "message": TOO_MANY_MESSAGE}))},
            rules=[
                wafv2.CfnWebACL.RuleProperty(
                    name="AuthRateLimit",
                    priority=0,
                    statement=wafv2.CfnWebACL.StatementProperty(
                        rate_based_statement=wafv2.CfnWebACL.RateBasedStatementProperty(
                            aggregate_key_type="IP", limit=AUTH_RATE_LIMIT,
                            evaluation_window_sec=AUTH_RATE_WINDOW_S, scope_down_statement=auth_paths)),
                    action=wafv2.CfnWebACL.RuleActionProperty(block=wafv2.CfnWebACL.BlockActionProperty(
                        custom_response=wafv2.CfnWebACL.CustomResponseProperty(
                            response_code=429, custom_response_body_key=TOO_MANY_BODY,
                            response_headers=[
                                wafv2.CfnWebACL.CustomHTTPHeaderProperty(name="Retry-After",
                                                                         value=str(AUTH_RATE_WINDOW_S)),
                                wafv2.CfnWebACL.CustomHTTPHeaderProperty(name="Cache-Control",
                                                                         value="no-store"),
                            ]))),
                    visibility_config=_visibility("alrea-auth-rate-limit"),
                ),
                wafv2.CfnWebACL.RuleProperty(
                    name="AwsCommonRules",
                    priority=1,
                    statement=wafv2.CfnWebACL.StatementProperty(
                        managed_rule_group_statement=wafv2.CfnWebACL.ManagedRuleGroupStatementProperty(
                            vendor_name="AWS", name="AWSManagedRulesCommonRuleSet")),
                    override_action=wafv2.CfnWebACL.OverrideActionProperty(count={}),
                    visibility_config=_visibility("alrea-aws-common"),
                ),
            ],
        )
        self.association = wafv2.CfnWebACLAssociation(
            self, "StageAssociation", resource_arn=stage.stage_arn, web_acl_arn=self.acl.attr_arn)
        # the stage ARN references the stage already; explicit, so a refactor of the ARN cannot lose the order
        self.association.node.add_dependency(stage)
