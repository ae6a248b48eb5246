"""One Lambda per registry entry: same runtime, layer and settings; grants from the entry's flags."""
from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from alrea.registry import Function, Queue, Rest, WebSocket
from infra.constructs.queues import Queues
from infra.nag import BASIC_EXECUTION_ROLE, acknowledge

HANDLER = "handler.handler"  # functions/<name>/handler.py exposing handler(event, context)
ARCHITECTURE = lambda_.Architecture.ARM_64
TASK_TOKEN_QUEUE = "campaign_plan"  # its messages carry Step Functions task tokens


def lambda_runtime(version: tuple[int, int] = sys.version_info[:2]) -> lambda_.Runtime:
    """The Lambda runtime of the Python the tests (and the layer build) run on."""
    name = f"PYTHON_{version[0]}_{version[1]}"
    runtime = getattr(lambda_.Runtime, name, None)
    if runtime is None:
        raise RuntimeError(f"AWS Lambda has no runtime for Python {version[0]}.{version[1]}")
    return runtime


@dataclass
class Platform:
    """The shared resources a function may be granted."""

    table: dynamodb.ITable
    bucket: s3.IBucket
    queues: Queues
    state_machine: sfn.IStateMachine
    socket_stage: apigwv2.WebSocketStage
    socket_endpoint: str
    jwt_secret: secretsmanager.ISecret
    layer: lambda_.ILayerVersion
    # deployment settings (alrea.core.config refuses to start without them outside the local stages)
    stage: str
    evolution_url: str
    evolution_api_key: secretsmanager.ISecret
    public_base_url: str
    # transactional e-mail (SES): the SPA's origin for links, the verified sender, its configuration set
    site_url: str
    email_from: str
    email_identity_arn: str
    mail_configuration_set: str
    mail_configuration_set_arn: str
    # Stripe billing: the two secrets (Secrets Manager), the publishable key and the price ids (context)
    stripe_secret_key: secretsmanager.ISecret
    stripe_webhook_secret: secretsmanager.ISecret
    stripe_publishable_key: str
    stripe_prices: str


class Functions(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, functions: tuple[Function, ...],
                 platform: Platform, code_dir: Callable[[Function], Path], runtime: lambda_.Runtime,
                 log_level: str, log_retention: logs.RetentionDays) -> None:
        super().__init__(scope, construct_id)
        self.platform = platform
        self.environment = {
            "ALREA_TABLE_NAME": platform.table.table_name,
            "ALREA_BUCKET_NAME": platform.bucket.bucket_name,
            "ALREA_QUEUE_URLS": platform.queues.urls_json(),
            "ALREA_STATE_MACHINE_ARN": platform.state_machine.state_machine_arn,
            "ALREA_WEBSOCKET_ENDPOINT": platform.socket_endpoint,
            "ALREA_JWT_SECRET_ARN": platform.jwt_secret.secret_arn,
            "ALREA_EVOLUTION_API_KEY_ARN": platform.evolution_api_key.secret_arn,
            "ALREA_EVOLUTION_URL": platform.evolution_url,
            "ALREA_PUBLIC_BASE_URL": platform.public_base_url,
            "ALREA_SITE_URL": platform.site_url,
            "ALREA_EMAIL": "ses",
            "ALREA_EMAIL_FROM": platform.email_from,
            "ALREA_SES_CONFIGURATION_SET": platform.mail_configuration_set,
            "ALREA_STRIPE_SECRET_KEY_ARN": platform.stripe_secret_key.secret_arn,
            "ALREA_STRIPE_WEBHOOK_SECRET_ARN": platform.stripe_webhook_secret.secret_arn,
            # empty until configured: the functions then refuse to start, naming them (alrea.core.config)
            **{name: value for name, value in (("ALREA_STRIPE_PUBLISHABLE_KEY", platform.stripe_publishable_key),
                                               ("ALREA_STRIPE_PRICES", platform.stripe_prices)) if value},
            "ALREA_STAGE": platform.stage,
            "ALREA_BUS": "aws",
            "ALREA_PUSH": "aws",
            "POWERTOOLS_SERVICE_NAME": "alrea",
            "POWERTOOLS_METRICS_NAMESPACE": "alrea",
            "LOG_LEVEL": log_level,
            "POWERTOOLS_LOG_LEVEL": log_level,
        }
        self.by_name: dict[str, lambda_.Function] = {}
        for fn in functions:
            if fn.name in self.by_name:
                raise ValueError(f"function {fn.name} appears twice in the registry")
            self.by_name[fn.name] = self._build(fn, code_dir(fn), runtime, log_retention)

    def _build(self, fn: Function, code: Path, runtime: lambda_.Runtime,
               log_retention: logs.RetentionDays) -> lambda_.Function:
        if not (code / "handler.py").is_file():
            raise FileNotFoundError(
                f"{code / 'handler.py'} is missing: every registry entry needs its handler")
        log_group = logs.LogGroup(self, f"{fn.name}Logs", retention=log_retention,
                                  removal_policy=RemovalPolicy.DESTROY)
        function = lambda_.Function(
            self, fn.name,
            description=fn.description[:256],
            runtime=runtime,
            architecture=ARCHITECTURE,
            code=lambda_.Code.from_asset(str(code), exclude=["__pycache__", "*.pyc"]),
            handler=HANDLER,
            memory_size=fn.memory_mb,
            timeout=Duration.seconds(fn.timeout_s),
            layers=[self.platform.layer],
            environment=self.environment,
            tracing=lambda_.Tracing.ACTIVE,
            log_group=log_group,
        )
        self._grant(fn, function)
        acknowledge(function, f"AwsSolutions-IAM4[{BASIC_EXECUTION_ROLE}]",
                    "AWSLambdaBasicExecutionRole only lets the function write its own CloudWatch logs.")
        acknowledge(function, "AwsSolutions-L1",
                    "The runtime is pinned to the Python the test suite and the layer build use, so the "
                    "compiled wheels in the layer and the tested interpreter match what runs in Lambda.")
        return function

    def _grant(self, fn: Function, function: lambda_.Function) -> None:
        """Least privilege from the registry flags; each wildcard CDK adds is acknowledged with a reason."""
        p = self.platform
        if fn.reads_table and fn.writes_table:
            p.table.grant_read_write_data(function)
        elif fn.reads_table:
            p.table.grant_read_data(function)
        elif fn.writes_table:
            p.table.grant_write_data(function)
        if fn.reads_table or fn.writes_table:
            acknowledge(function, f"AwsSolutions-IAM5[Resource::<{_ref(p.table)}.Arn>/index/*]",
                        "Queries may use any of the table's five generic GSIs (gsi1..gsi5), "
                        "all of this table.")
        for queue_name in fn.publishes:
            p.queues[queue_name].grant_send_messages(function)
        if fn.uses_bucket:
            p.bucket.grant_read_write(function)
            for action in ("s3:GetObject*", "s3:GetBucket*", "s3:List*", "s3:DeleteObject*", "s3:Abort*"):
                acknowledge(function, f"AwsSolutions-IAM5[Action::{action}]",
                            "CDK's bucket read/write grant: the action families presigned GET/PUT and "
                            "multipart uploads need, on this one bucket only.")
            acknowledge(function, f"AwsSolutions-IAM5[Resource::<{_ref(p.bucket)}.Arn>/*]",
                        "Objects are keyed t/<tenant>/...; tenant isolation is enforced in code (the tenant "
                        "comes only from the verified token), so the grant covers the bucket's objects.")
        if fn.pushes:
            p.socket_stage.grant_management_api_access(function)
            stage = p.socket_stage
            acknowledge(function, "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:execute-api:"
                        f"<AWS::Region>:<AWS::AccountId>:<{_ref(stage.api)}>/{stage.stage_name}"
                        "/*/@connections/*]",
                        "post_to_connection/delete_connection on any connection of our own WebSocket stage; "
                        "connection ids are only known at runtime.")
        drives = fn.drives_state_machine
        consumes_tokens = isinstance(fn.trigger, Queue) and fn.trigger.queue == TASK_TOKEN_QUEUE
        if drives:
            p.state_machine.grant_start_execution(function)
            p.state_machine.grant_execution(function, "states:DescribeExecution", "states:StopExecution")
            acknowledge(function, "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:"
                        f"<AWS::AccountId>:execution:{{\"Fn::Select\":[6,{{\"Fn::Split\":[\":\",{{\"Ref\":"
                        f"\"{_ref(p.state_machine)}\"}}]}}]}}:*]",
                        "Pause/cancel stop or describe executions of our own CampaignRun state machine; "
                        "execution names are only known at runtime.")
        if drives or consumes_tokens:
            p.state_machine.grant_task_response(function)
        if isinstance(fn.trigger, (Rest, WebSocket)) or fn.unseals_secrets:
            p.jwt_secret.grant_read(function)
        if fn.calls_evolution:
            p.evolution_api_key.grant_read(function)
        if fn.calls_stripe:
            p.stripe_secret_key.grant_read(function)
            p.stripe_webhook_secret.grant_read(function)
        if fn.sends_email:
            function.add_to_role_policy(iam.PolicyStatement(
                actions=["ses:SendEmail"],
                resources=[p.email_identity_arn, p.mail_configuration_set_arn],
            ))
        acknowledge(function, "AwsSolutions-IAM5[Resource::*]",
                    "Active X-Ray tracing: xray:PutTraceSegments/PutTelemetryRecords accept only "
                    "Resource '*'.")


def _ref(construct: Construct) -> str:
    """The logical id of a construct's CloudFormation resource, as cdk-nag prints it in finding ids."""
    default = construct.node.default_child
    return Stack.of(construct).get_logical_id(default)  # type: ignore[arg-type]
