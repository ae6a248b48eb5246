"""What operators watch: CloudWatch alarms to one SNS topic, and a dashboard.

Alarms: every dead-letter queue's depth, every function's errors and throttles, CampaignRun's failed
executions and the age of the oldest webhook waiting in webhook_inbound. They notify the stack's topic
(encrypted with a key CloudWatch may use), with an e-mail subscription when one is given, or an existing
topic the operator names. The dashboard charts the application metrics the functions emit as EMF through
alrea.core.metrics (namespace ``alrea``, dimension ``service``), next to the queues and functions.
"""
from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from alrea.core import metrics as app_metrics
from infra.constructs.queues import Queues

METRICS_NAMESPACE = "alrea"  # POWERTOOLS_METRICS_NAMESPACE of every function (infra/constructs/functions.py)
METRICS_SERVICE = "alrea"  # POWERTOOLS_SERVICE_NAME: Powertools adds it as the "service" dimension
WEBHOOK_QUEUE = "webhook_inbound"
WEBHOOK_OLDEST_AGE_S = 120  # webhooks take seconds; two minutes behind means the pipeline is stuck
PERIOD = Duration.minutes(5)


class Monitoring(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, queues: Queues,
                 functions: dict[str, lambda_.IFunction], state_machine: sfn.IStateMachine,
                 alarm_email: str | None = None, alarm_topic_arn: str | None = None) -> None:
        super().__init__(scope, construct_id)
        if alarm_topic_arn:
            self.topic: sns.ITopic = sns.Topic.from_topic_arn(self, "AlarmTopic", alarm_topic_arn)
        else:
            key = kms.Key(self, "AlarmTopicKey", enable_key_rotation=True,
                          description="ALREA Flow alarm topic: CloudWatch alarms publish through it")
            key.add_to_resource_policy(iam.PolicyStatement(
                principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
                actions=["kms:Decrypt", "kms:GenerateDataKey*"], resources=["*"]))
            self.topic = sns.Topic(self, "AlarmTopic", display_name="ALREA Flow alarms", master_key=key,
                                   enforce_ssl=True)
        if alarm_email:
            self.topic.add_subscription(subs.EmailSubscription(alarm_email))
        self.alarms: list[cw.Alarm] = []
        self.dlq_alarms: dict[str, cw.Alarm] = {}
        for name, dlq in queues.dlqs.items():
            self.dlq_alarms[name] = self._alarm(
                f"{name}DlqDepth", dlq.metric_approximate_number_of_messages_visible(
                    period=Duration.minutes(1), statistic="Maximum"),
                threshold=1, description=f"Messages of {name} reached its dead-letter queue: inspect, fix, "
                                         "redrive")
        self.function_alarms: dict[str, tuple[cw.Alarm, cw.Alarm]] = {}
        for name, function in functions.items():
            self.function_alarms[name] = (
                self._alarm(f"{name}Errors", function.metric_errors(period=PERIOD, statistic="Sum"),
                            threshold=1, description=f"{name} raised unhandled errors"),
                self._alarm(f"{name}Throttles", function.metric_throttles(period=PERIOD, statistic="Sum"),
                            threshold=1, description=f"{name} was throttled (concurrency limit reached)"),
            )
        self.state_machine_alarm = self._alarm(
            "CampaignRunFailed", state_machine.metric_failed(period=PERIOD, statistic="Sum"), threshold=1,
            description="A CampaignRun execution failed: its campaign stopped being paced")
        webhooks = queues[WEBHOOK_QUEUE]
        self.webhook_age_alarm = self._alarm(
            "WebhookOldestMessageAge", webhooks.metric_approximate_age_of_oldest_message(
                period=Duration.minutes(1), statistic="Maximum"),
            threshold=WEBHOOK_OLDEST_AGE_S, evaluation_periods=2,
            description=f"A webhook waited over {WEBHOOK_OLDEST_AGE_S}s in {WEBHOOK_QUEUE}: the inbox lags")
        self.dashboard = self._dashboard(queues, functions, state_machine)

    def _alarm(self, alarm_id: str, metric: cw.IMetric, *, threshold: float, description: str,
               evaluation_periods: int = 1) -> cw.Alarm:
        alarm = cw.Alarm(self, alarm_id, metric=metric, threshold=threshold,
                         evaluation_periods=evaluation_periods, alarm_description=description,
                         comparison_operator=cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                         treat_missing_data=cw.TreatMissingData.NOT_BREACHING)
        alarm.add_alarm_action(cw_actions.SnsAction(self.topic))
        alarm.add_ok_action(cw_actions.SnsAction(self.topic))
        self.alarms.append(alarm)
        return alarm

    def _dashboard(self, queues: Queues, functions: dict[str, lambda_.IFunction],
                   state_machine: sfn.IStateMachine) -> cw.Dashboard:
        def app(name: str, statistic: str = "Sum", label: str | None = None) -> cw.Metric:
            return cw.Metric(namespace=METRICS_NAMESPACE, metric_name=name, statistic=statistic,
                             period=PERIOD, dimensions_map={"service": METRICS_SERVICE}, label=label or name)

        sends = [app(app_metrics.send_metric(channel, outcome))
                 for channel in app_metrics.SEND_CHANNELS for outcome in app_metrics.SEND_OUTCOMES]
        dashboard = cw.Dashboard(self, "Dashboard", default_interval=Duration.hours(3))
        dashboard.add_widgets(
            cw.GraphWidget(title="Webhooks received / processed", width=8, left=[
                app(app_metrics.WEBHOOKS_RECEIVED), app(app_metrics.WEBHOOKS_PROCESSED)]),
            cw.GraphWidget(title="Webhook lag, received → processed (ms)", width=8, left=[
                app(app_metrics.WEBHOOK_LAG, "p50", "p50"), app(app_metrics.WEBHOOK_LAG, "p99", "p99")]),
            cw.GraphWidget(title="Oldest webhook waiting (s)", width=8, left=[
                queues[WEBHOOK_QUEUE].metric_approximate_age_of_oldest_message(period=Duration.minutes(1),
                                                                               statistic="Maximum")]),
        )
        dashboard.add_widgets(
            cw.GraphWidget(title="Sends through Evolution (chat / campaign: ok, failed, unknown)", width=12,
                           left=sends),
            cw.GraphWidget(title="Campaign rounds and failed CampaignRun executions", width=12,
                           left=[app(app_metrics.CAMPAIGN_ROUNDS)],
                           right=[state_machine.metric_failed(period=PERIOD, statistic="Sum")]),
        )
        dashboard.add_widgets(
            cw.GraphWidget(title="Dead-letter queue depth", width=12, left=[
                dlq.metric_approximate_number_of_messages_visible(period=Duration.minutes(1),
                                                                  statistic="Maximum", label=name)
                for name, dlq in queues.dlqs.items()]),
            cw.GraphWidget(title="Lambda errors and throttles", width=12,
                           left=[f.metric_errors(period=PERIOD, statistic="Sum", label=f"{name} errors")
                                 for name, f in functions.items()],
                           right=[f.metric_throttles(period=PERIOD, statistic="Sum",
                                                     label=f"{name} throttles")
                                  for name, f in functions.items()]),
        )
        dashboard.add_widgets(cw.AlarmStatusWidget(title="Alarms", width=24, alarms=self.alarms))
        return dashboard
