"""Step Functions CampaignRun: the pacing loop (Plan via SQS task token -> Choice -> Wait -> Plan).

The definition is the one ``alrea.campaign_run.definition`` produces (the local runtime runs the same one on
moto); the plan queue URL is a deploy-time substitution.
"""
from __future__ import annotations

import json

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from alrea.resources import STATE_MACHINE_NAME
from infra.nag import acknowledge

PLAN_QUEUE_PLACEHOLDER = "${PlanQueueUrl}"


def definition_json() -> str:
    from alrea.campaign_run import definition

    return json.dumps(definition(PLAN_QUEUE_PLACEHOLDER))


class Campaigns(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, plan_queue: sqs.IQueue,
                 log_retention: logs.RetentionDays) -> None:
        super().__init__(scope, construct_id)
        log_group = logs.LogGroup(self, "RunLogs", retention=log_retention,
                                  removal_policy=RemovalPolicy.DESTROY)
        self.state_machine = sfn.StateMachine(
            self, STATE_MACHINE_NAME,
            state_machine_type=sfn.StateMachineType.STANDARD,
            definition_body=sfn.DefinitionBody.from_string(definition_json()),
            definition_substitutions={"PlanQueueUrl": plan_queue.queue_url},
            logs=sfn.LogOptions(destination=log_group, level=sfn.LogLevel.ALL, include_execution_data=True),
            tracing_enabled=True,
        )
        # the Plan task is sqs:sendMessage.waitForTaskToken to the plan queue
        plan_queue.grant_send_messages(self.state_machine)
        acknowledge(self.state_machine, "AwsSolutions-IAM5[Resource::*]",
                    "X-Ray tracing and CloudWatch Logs vended delivery (logs:CreateLogDelivery and friends) "
                    "only accept Resource '*'; CDK adds these for tracing_enabled and logs.")
