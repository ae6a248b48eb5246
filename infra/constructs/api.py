"""API Gateway REST API: one Lambda proxy integration per Rest function, resources built from its routes."""
from __future__ import annotations

import json

from aws_cdk import RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from alrea import security_headers
from infra.nag import acknowledge

STAGE_NAME = "prod"
# the partner API's coarse ceiling at the edge (all keys together); each key's own rate is the api function's
# limiter (services/api_keys.py, per plan). Stage method settings, not a usage plan: our keys are our own, and
# an API Gateway usage plan only throttles requests that carry one of API Gateway's keys.
PARTNER_PATH = "/v1/{proxy+}"
PARTNER_RATE_LIMIT, PARTNER_BURST_LIMIT = 100, 200
CORS_HEADERS = [*apigw.Cors.DEFAULT_HEADERS, "Idempotency-Key"]
# API Gateway's own answers (no route, throttled, a Lambda that could not be invoked): the app's error body
# shape and pt-BR message instead of {"message": "Missing Authentication Token"}, and the same security headers
# the functions' answers carry (alrea.security_headers), never cached.
GATEWAY_RESPONSES = {
    "Default4xx": (apigw.ResponseType.DEFAULT_4_XX, "gateway_error",
                   "Requisição recusada. Verifique o endereço e os dados enviados."),
    "Throttled": (apigw.ResponseType.THROTTLED, "too_many_requests",
                  "Muitas requisições em pouco tempo. Aguarde alguns segundos e tente de novo."),
    "Default5xx": (apigw.ResponseType.DEFAULT_5_XX, "internal", "Erro interno; tente novamente em instantes."),
}


def gateway_response_headers(cors_origins: list[str]) -> dict[str, str]:
    """Static header values (quoted, as API Gateway wants them). A single SPA origin also gets CORS, so the
    browser lets the SPA read a 429/403 from the gateway itself."""
    headers = {**security_headers.API_HEADERS, **security_headers.NO_STORE}
    if len(cors_origins) == 1 and cors_origins[0] != "*":
        headers.update({"Access-Control-Allow-Origin": cors_origins[0], "Vary": "Origin"})
    return {name: f"'{value}'" for name, value in headers.items()}


class RestApi(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, cors_origins: list[str],
                 log_retention: logs.RetentionDays, rate_limit: int, burst_limit: int) -> None:
        super().__init__(scope, construct_id)
        access_logs = logs.LogGroup(self, "AccessLogs", retention=log_retention,
                                    removal_policy=RemovalPolicy.DESTROY)
        self.api = apigw.RestApi(
            self, "Api",
            description="ALREA Flow REST API (SPA, partners /v1, webhooks)",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=RemovalPolicy.DESTROY,
            deploy_options=apigw.StageOptions(
                stage_name=STAGE_NAME,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=True, http_method=True, ip=True, protocol=True, request_time=True,
                    resource_path=True, response_length=True, status=True, user=True),
                logging_level=apigw.MethodLoggingLevel.ERROR,
                metrics_enabled=True,
                tracing_enabled=True,
                throttling_rate_limit=rate_limit,
                throttling_burst_limit=burst_limit,
                method_options={f"{PARTNER_PATH}/*": apigw.MethodDeploymentOptions(
                    throttling_rate_limit=PARTNER_RATE_LIMIT, throttling_burst_limit=PARTNER_BURST_LIMIT,
                    metrics_enabled=True, logging_level=apigw.MethodLoggingLevel.ERROR)},
            ),
            default_cors_preflight_options=apigw.CorsOptions(
                allow_origins=cors_origins,
                allow_methods=apigw.Cors.ALL_METHODS,
                allow_headers=CORS_HEADERS,
            ),
        )
        # Bodies are validated by the functions (pydantic); API Gateway checks the request parameters.
        self.validator = self.api.add_request_validator(
            "RequestValidator", validate_request_parameters=True, validate_request_body=False)
        self._routes: dict[str, str] = {}
        headers = gateway_response_headers(cors_origins)
        for response_id, (kind, code, message) in GATEWAY_RESPONSES.items():
            body = json.dumps({"error": code, "message": message})  # ASCII: \u escapes survive the template
            self.api.add_gateway_response(response_id, type=kind, response_headers=headers,
                                          templates={"application/json": body})
        acknowledge(self.api, "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                    "AmazonAPIGatewayPushToCloudWatchLogs]",
                    "The account-level API Gateway logging role needs exactly this AWS managed policy.")
        acknowledge(self.api, "AwsSolutions-APIG2",
                    "Lambda proxy routes: each body is validated by the function's pydantic models, "
                    "which answer 4xx with a message; the stage's request validator checks the request "
                    "parameters.")
        acknowledge(self.api, "AwsSolutions-APIG4",
                    "Authorization is the JWT (or hashed API key, or per-instance webhook secret) checked in "
                    "the api function itself; CORS preflight OPTIONS must stay unauthenticated.")
        acknowledge(self.api, "AwsSolutions-COG4",
                    "Users live in our own table (argon2 hashes, JWT access + rotating refresh tokens), "
                    "not in Cognito; the token is verified in the api function.")

    def add_routes(self, routes: tuple[str, ...], function: lambda_.IFunction, function_name: str) -> None:
        """ANY on each route ("/api", "/api/{proxy+}", "/"), creating the resource tree as needed."""
        integration = apigw.LambdaIntegration(function, proxy=True, allow_test_invoke=False)
        for route in routes:
            path = "/" + route.strip("/")
            if path in self._routes:
                raise ValueError(f"REST route {path} is claimed by {self._routes[path]} and {function_name}")
            self._routes[path] = function_name
            resource = self.api.root if path == "/" else self.api.root.resource_for_path(path.lstrip("/"))
            resource.add_method("ANY", integration, request_validator=self.validator)

    @property
    def url(self) -> str:
        return self.api.url
