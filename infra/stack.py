"""The ALREA Flow stack, built from alrea.resources (table, queues, bucket) and alrea.registry (functions).

Everything trigger-specific is a match on the registry entry's trigger, so a new registry entry needs no
change here. The stack is environment-agnostic (no account/region lookups): it synthesizes offline.

Deployment settings are explicit: the Evolution API's URL is the ``EvolutionUrl`` CloudFormation parameter
(no default: ``cdk deploy --parameters EvolutionUrl=https://...``), the public base URL (where Evolution
delivers webhooks) is a custom domain when given, else the REST API's own stage URL, and the secrets (JWT
signing key generated here, Evolution API key filled by the operator) live in Secrets Manager: functions get
only their ARNs. See docs/DEPLOY.md.
"""
from __future__ import annotations

import json

from collections.abc import Callable
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from aws_cdk import Aws, CfnOutput, CfnParameter, RemovalPolicy, Stack
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_notifications as s3n
from aws_cdk import aws_secretsmanager as secretsmanager
from aws_cdk import aws_ses as ses
from aws_cdk.aws_lambda_event_sources import SqsEventSource
from constructs import Construct

from alrea import registry
from alrea.core.config import LOCAL_STAGES
from alrea.registry import Function, Queue, Rest, Schedule, WebSocket
from alrea.resources import BUCKET, queue
from infra.constructs.api import STAGE_NAME as REST_STAGE
from infra.constructs.api import RestApi
from infra.constructs.campaigns import Campaigns
from infra.constructs.data import Data
from infra.constructs.firewall import Firewall
from infra.constructs.functions import Functions, Platform, lambda_runtime
from infra.constructs.monitoring import Monitoring
from infra.constructs.queues import Queues
from infra.constructs.websocket import LiveSocket
from infra.nag import BASIC_EXECUTION_ROLE, acknowledge

IMPORT_QUEUE = "contacts_import"  # S3 ObjectCreated of *.import.csv lands here
PLAN_QUEUE = "campaign_plan"  # CampaignRun's Plan task sends its task token here
LOG_RETENTION = logs.RetentionDays.ONE_MONTH


class Mail:
    """Transactional e-mail through SES: the sender (context ``email_from``, default
    ``ALREA Flow <nao-responda@<the SPA's host>>``), whose domain the operator verifies in SES (DKIM records),
    and a configuration set that puts bounced and complained-about addresses on the suppression list."""

    def __init__(self, stack: Stack, *, site_url: str, email_from: str | None) -> None:
        host = urlsplit(site_url).hostname or ""
        self.sender = email_from or f"ALREA Flow <nao-responda@{host}>"
        address = parseaddr(self.sender)[1]
        if "@" not in address:
            raise ValueError(f"email_from must be an e-mail address (optionally 'Name <address>'), got "
                             f"{self.sender!r}")
        domain = address.rsplit("@", 1)[1]
        self.configuration_set = ses.ConfigurationSet(
            stack, "MailConfigurationSet",
            suppression_reasons=ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
            reputation_metrics=True,
        )
        self.identity_arn = stack.format_arn(service="ses", resource="identity", resource_name=domain)
        self.configuration_set_arn = stack.format_arn(
            service="ses", resource="configuration-set",
            resource_name=self.configuration_set.configuration_set_name)


class AlreaStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        layer_dir: Path,
        functions: tuple[Function, ...] | None = None,
        code_dir: Callable[[Function], Path] | None = None,
        cors_origins: list[str] | None = None,
        site_origins: list[str] | None = None,
        log_level: str = "INFO",
        stage: str = "prod",
        public_base_url: str | None = None,
        alarm_email: str | None = None,
        alarm_topic_arn: str | None = None,
        email_from: str | None = None,
        **kwargs,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        if stage in LOCAL_STAGES:
            raise ValueError(f"stage {stage!r} is for the local runtime; a deployed stack needs another name")
        if public_base_url is not None and not public_base_url.startswith("https://"):
            raise ValueError(f"public_base_url must be an https:// URL Evolution can reach, "
                             f"got {public_base_url!r}")
        # grant S3 log delivery through a bucket policy (not the legacy ACL), whatever cdk.json says
        self.node.set_context("@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy", True)
        functions = registry.FUNCTIONS if functions is None else tuple(functions)
        cors_origins = cors_origins or list(BUCKET.cors_origins)
        runtime = lambda_runtime()

        site_origins = site_origins or self._site_origins()
        data = Data(self, "Data", site_origins=site_origins)
        mail = Mail(self, site_url=site_origins[0],
                    email_from=email_from or self.node.try_get_context("email_from") or None)
        queues = Queues(self, "Queues")
        data.bucket.add_event_notification(
            s3.EventType.OBJECT_CREATED,
            s3n.SqsDestination(queues[IMPORT_QUEUE]),
            s3.NotificationKeyFilter(suffix=BUCKET.import_suffix),
        )
        campaigns = Campaigns(self, "Campaigns", plan_queue=queues[PLAN_QUEUE], log_retention=LOG_RETENTION)
        socket = LiveSocket(self, "Live", log_retention=LOG_RETENTION, rate_limit=200, burst_limit=400)
        rest = RestApi(self, "Rest", cors_origins=cors_origins, log_retention=LOG_RETENTION,
                       rate_limit=200, burst_limit=400)
        firewall = Firewall(self, "Firewall", stage=rest.api.deployment_stage, stage_name=REST_STAGE)
        jwt_secret = secretsmanager.Secret(
            self, "JwtSecret",
            description="ALREA Flow JWT signing key",
            generate_secret_string=secretsmanager.SecretStringGenerator(password_length=64,
                                                                        exclude_punctuation=True),
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(jwt_secret, "AwsSolutions-SMG4",
                    "Rotating the JWT signing key logs every user out; it is rotated by a runbook, "
                    "not on a timer.")
        evolution_api_key = secretsmanager.Secret(
            self, "EvolutionApiKey",
            description="ALREA Flow: the global API key of our Evolution API server (set it with "
                        "aws secretsmanager put-secret-value; see docs/DEPLOY.md)",
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(evolution_api_key, "AwsSolutions-SMG4",
                    "The key is issued by our Evolution API server (AUTHENTICATION_API_KEY); it is rotated "
                    "there first and then put here by the runbook in docs/DEPLOY.md.")
        stripe_secret_key, stripe_webhook_secret = (
            secretsmanager.Secret(self, construct_id, description=description, removal_policy=RemovalPolicy.RETAIN)
            for construct_id, description in (
                ("StripeSecretKey", "ALREA Flow: the Stripe API secret key (sk_live_...; set it with aws "
                                    "secretsmanager put-secret-value; see docs/DEPLOY.md)"),
                ("StripeWebhookSecret", "ALREA Flow: the signing secret (whsec_...) of the Stripe webhook "
                                        "endpoint <PublicBaseUrl>/api/billing/stripe/webhook"),
            ))
        for secret in (stripe_secret_key, stripe_webhook_secret):
            acknowledge(secret, "AwsSolutions-SMG4",
                        "Issued by Stripe (Dashboard → Developers); rolled there first, then put here by the "
                        "runbook in docs/DEPLOY.md.")
        evolution_url = CfnParameter(
            self, "EvolutionUrl", type="String",
            description="Base URL of the Evolution API server the functions call (https://evo.example.com)",
            allowed_pattern=r"^https?://[^\s/]+(/.*)?$",
            constraint_description="an http(s) URL such as https://evolution.example.com",
        )
        # the REST API's own stage URL, built from its id (not api.url, whose stage reference would make the
        # functions depend on the deployment that depends on them)
        base_url = public_base_url or (
            f"https://{rest.api.rest_api_id}.execute-api.{Aws.REGION}.{Aws.URL_SUFFIX}/{REST_STAGE}")
        layer = lambda_.LayerVersion(
            self, "SharedLayer",
            description="alrea package + its runtime dependencies (built by python -m infra.layer)",
            code=lambda_.Code.from_asset(str(layer_dir), exclude=[".deps-stamp", "**/__pycache__"]),
            compatible_runtimes=[runtime],
            compatible_architectures=[lambda_.Architecture.ARM_64],
        )

        fns = Functions(
            self, "Functions",
            functions=functions,
            platform=Platform(
                table=data.table, bucket=data.bucket, queues=queues, state_machine=campaigns.state_machine,
                socket_stage=socket.stage, socket_endpoint=socket.callback_url, jwt_secret=jwt_secret,
                layer=layer, stage=stage, evolution_url=evolution_url.value_as_string,
                evolution_api_key=evolution_api_key, public_base_url=base_url,
                site_url=site_origins[0], email_from=mail.sender, email_identity_arn=mail.identity_arn,
                mail_configuration_set=mail.configuration_set.configuration_set_name,
                mail_configuration_set_arn=mail.configuration_set_arn,
                stripe_secret_key=stripe_secret_key, stripe_webhook_secret=stripe_webhook_secret,
                stripe_publishable_key=self._context("stripe_publishable_key"),
                stripe_prices=self._context("stripe_prices"),
            ),
            code_dir=code_dir or (lambda fn: fn.code_dir),
            runtime=runtime,
            log_level=log_level,
            log_retention=LOG_RETENTION,
        )
        for fn in functions:
            self._wire(fn, fns.by_name[fn.name], rest=rest, socket=socket, queues=queues)
        self._acknowledge_bucket_notifications()
        monitoring = Monitoring(self, "Monitoring", queues=queues, functions=fns.by_name,
                                state_machine=campaigns.state_machine, alarm_email=alarm_email,
                                alarm_topic_arn=alarm_topic_arn)

        self.rest, self.socket, self.queues, self.data, self.campaigns = rest, socket, queues, data, campaigns
        self.functions, self.monitoring, self.firewall = fns, monitoring, firewall
        self.jwt_secret, self.evolution_api_key = jwt_secret, evolution_api_key
        self.stripe_secret_key, self.stripe_webhook_secret = stripe_secret_key, stripe_webhook_secret
        self.mail = mail
        self.evolution_url = evolution_url
        self.public_base_url = base_url
        CfnOutput(self, "RestUrl", value=rest.url)
        CfnOutput(self, "WebSocketUrl", value=socket.stage.url)
        CfnOutput(self, "TableName", value=data.table.table_name)
        CfnOutput(self, "BucketName", value=data.bucket.bucket_name)
        CfnOutput(self, "StateMachineArn", value=campaigns.state_machine.state_machine_arn)
        CfnOutput(self, "PublicBaseUrl", value=base_url,
                  description="Evolution delivers webhooks to <PublicBaseUrl>/webhooks/evolution/<token>")
        CfnOutput(self, "JwtSecretArn", value=jwt_secret.secret_arn)
        CfnOutput(self, "EvolutionApiKeySecretArn", value=evolution_api_key.secret_arn,
                  description="put the Evolution API key here: aws secretsmanager put-secret-value")
        CfnOutput(self, "StripeSecretKeyArn", value=stripe_secret_key.secret_arn,
                  description="put the Stripe secret key here: aws secretsmanager put-secret-value")
        CfnOutput(self, "StripeWebhookSecretArn", value=stripe_webhook_secret.secret_arn,
                  description="put the signing secret of the Stripe endpoint <PublicBaseUrl>/api/billing/"
                              "stripe/webhook here")
        CfnOutput(self, "QueueUrls", value=queues.urls_json(),
                  description="ALREA_QUEUE_URLS for operator commands (alrea redrive; docs/DEPLOY.md)")
        CfnOutput(self, "AlarmTopicArn", value=monitoring.topic.topic_arn)
        CfnOutput(self, "MailConfigurationSetName", value=mail.configuration_set.configuration_set_name,
                  description="SES configuration set of every e-mail (add an SNS event destination for bounces "
                              "and complaints: docs/DEPLOY.md)")
        CfnOutput(self, "DashboardName", value=monitoring.dashboard.dashboard_name)

    def _wire(self, fn: Function, function: lambda_.Function, *, rest: RestApi, socket: LiveSocket,
              queues: Queues) -> None:
        """Connect a function to its trigger, whatever the registry says it is."""
        match fn.trigger:
            case Rest(routes=routes):
                rest.add_routes(routes, function, fn.name)
            case WebSocket(route=route):
                socket.add_route(route, function, fn.name)
            case Queue(queue=queue_name, batch_size=batch_size, max_concurrency=max_concurrency):
                definition = queue(queue_name)
                if fn.timeout_s > definition.visibility_timeout_s:
                    raise ValueError(
                        f"{fn.name} may run {fn.timeout_s}s but {queue_name}'s visibility timeout is "
                        f"{definition.visibility_timeout_s}s: messages would be delivered twice")
                function.add_event_source(SqsEventSource(
                    queues[queue_name],
                    batch_size=batch_size,
                    report_batch_item_failures=True,
                    max_concurrency=max_concurrency,
                ))
            case Schedule(expression=expression):
                events.Rule(
                    self, f"{fn.name}Schedule",
                    description=f"runs {fn.name} on {expression}",
                    schedule=events.Schedule.expression(expression),
                    targets=[targets.LambdaFunction(function, retry_attempts=2)],
                )
            case other:
                raise TypeError(f"{fn.name}: no CDK wiring for trigger {other!r}")

    def _context(self, name: str) -> str:
        """A deployment setting from the CDK context (``-c name=value`` or cdk.json); objects as JSON."""
        value = self.node.try_get_context(name)
        if value is None:
            return ""
        return value if isinstance(value, str) else json.dumps(value)

    def _site_origins(self) -> list[str]:
        """The SPA's origins (context ``site_url``, comma-separated): the only origins the media bucket's CORS
        allows. Required: a wildcard would let any site use a leaked presigned URL from a browser."""
        configured = self.node.try_get_context("site_url")
        values = configured.split(",") if isinstance(configured, str) else list(configured or [])
        origins = [v.strip().rstrip("/") for v in values if v and v.strip()]
        if not origins or "*" in origins:
            raise ValueError("Set the SPA's public URL: cdk synth -c site_url=https://app.example.com "
                             "(the media bucket's CORS allows only that origin; '*' is refused).")
        return origins

    def _acknowledge_bucket_notifications(self) -> None:
        """CDK's singleton handler that applies S3 bucket notifications (a CloudFormation custom resource)."""
        handler = self.node.try_find_child("BucketNotificationsHandler050a0587b7544547bf325f094a3db834")
        if handler is None:
            return
        acknowledge(handler, f"AwsSolutions-IAM4[{BASIC_EXECUTION_ROLE}]",
                    "CDK's built-in S3 notifications custom-resource handler; it only writes its own logs.")
        acknowledge(handler, "AwsSolutions-IAM5[Resource::*]",
                    "CDK's built-in S3 notifications handler calls s3:PutBucketNotification once, "
                    "at deploy time.")
