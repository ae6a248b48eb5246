"""API Gateway WebSocket API (stage "live"): $connect / $disconnect / $default routes from the registry."""
from __future__ import annotations

import jsii
from aws_cdk import RemovalPolicy
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk.aws_apigatewayv2_integrations import WebSocketLambdaIntegration
from constructs import Construct

from infra.nag import acknowledge

STAGE_NAME = "live"


class LiveSocket(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, log_retention: logs.RetentionDays,
                 rate_limit: int, burst_limit: int) -> None:
        super().__init__(scope, construct_id)
        self.api = apigwv2.WebSocketApi(self, "Api", description="ALREA Flow live updates (inbox, campaigns)")
        access_logs = logs.LogGroup(self, "AccessLogs", retention=log_retention,
                                    removal_policy=RemovalPolicy.DESTROY)
        self.stage = apigwv2.WebSocketStage(
            self, "Stage",
            web_socket_api=self.api,
            stage_name=STAGE_NAME,
            auto_deploy=True,
            access_log_settings=_AccessLogs(access_logs),
            throttle=apigwv2.ThrottleSettings(rate_limit=rate_limit, burst_limit=burst_limit),
        )
        self._routes: dict[str, str] = {}

    @property
    def callback_url(self) -> str:
        """https://… endpoint of the management API (post_to_connection) for ALREA_WEBSOCKET_ENDPOINT."""
        return self.stage.callback_url

    def add_route(self, route_key: str, function: lambda_.IFunction, function_name: str) -> None:
        if route_key in self._routes:
            raise ValueError(f"WebSocket route {route_key} is claimed by {self._routes[route_key]} "
                             f"and {function_name}")
        self._routes[route_key] = function_name
        # $default answers on the same socket (pong, subscribe acks): a route response sends the Lambda's body back
        route = self.api.add_route(
            route_key, integration=WebSocketLambdaIntegration(f"{function_name}Integration", function),
            return_response=route_key == "$default")
        acknowledge(route, "AwsSolutions-APIG4",
                    "The WebSocket token is verified by the ws_connect function "
                    "($connect rejects a bad token); later frames ride on that authenticated connection.")


@jsii.implements(apigwv2.IAccessLogSettings)
class _AccessLogs:
    """IAccessLogSettings for the WebSocket stage (JSON lines with the standard fields)."""

    def __init__(self, log_group: logs.ILogGroup) -> None:
        self._destination = apigwv2.LogGroupLogDestination(log_group)

    @property
    def destination(self) -> apigwv2.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> apigw.AccessLogFormat:
        return apigw.AccessLogFormat.custom(
            '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp",'
            '"requestTime":"$context.requestTime","routeKey":"$context.routeKey",'
            '"eventType":"$context.eventType","status":"$context.status",'
            '"connectionId":"$context.connectionId","error":"$context.error.message"}'
        )
