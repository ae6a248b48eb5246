"""cdk-nag (v3) helpers: acknowledge a finding with its reason, in one place so every one carries a reason.

cdk-nag v3 runs as a CDK policy-validation plugin: an unacknowledged ERROR fails the synth and the full
report lands in ``<outdir>/validation-report.json``. Acknowledgments are written to the template's
``Metadata.cdk_nag.rules_to_suppress`` too (``write_suppressions_to_cloud_formation``) for the audit trail.
"""
from __future__ import annotations

from aws_cdk import Acknowledgment, App, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct

BASIC_EXECUTION_ROLE = "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"


def acknowledge(construct: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge one cdk-nag finding (``AwsSolutions-IAM5[Resource::*]``) on a construct and below."""
    if len(reason.strip()) < 20:
        raise ValueError(f"acknowledging {rule} needs a real reason, got {reason!r}")
    Validations.of(construct).acknowledge(Acknowledgment(id=rule, reason=reason))


def apply_checks(app: App) -> None:
    """Run the AWS Solutions rule pack on every stack of the app at synth time."""
    Validations.of(app).add_plugins(AwsSolutionsChecks(app, write_suppressions_to_cloud_formation=True))
