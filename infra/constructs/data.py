"""The single DynamoDB table and the media bucket, from alrea.resources.TABLE / BUCKET."""
from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_s3 as s3
from constructs import Construct

from alrea.domain.privacy import EXPORT_KEEP_DAYS, EXPORT_TAG, RETENTION_DAYS, RETENTION_TAG
from alrea.resources import BUCKET, TABLE
from infra.nag import acknowledge


class Data(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, site_origins: list[str]) -> None:
        super().__init__(scope, construct_id)
        string = dynamodb.AttributeType.STRING
        self.table = dynamodb.Table(
            self, "Table",
            partition_key=dynamodb.Attribute(name=TABLE.pk, type=string),
            sort_key=dynamodb.Attribute(name=TABLE.sk, type=string),
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
            time_to_live_attribute=TABLE.ttl,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            removal_policy=RemovalPolicy.RETAIN,
        )
        for index in TABLE.indexes:
            self.table.add_global_secondary_index(
                index_name=index.name,
                partition_key=dynamodb.Attribute(name=index.pk, type=string),
                sort_key=dynamodb.Attribute(name=index.sk, type=string),
                projection_type=dynamodb.ProjectionType.ALL,
            )

        self.access_logs = s3.Bucket(
            self, "AccessLogs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(expiration=Duration.days(365))],
            removal_policy=RemovalPolicy.RETAIN,
        )
        acknowledge(self.access_logs, "AwsSolutions-S1",
                    "This bucket receives the media bucket's server access logs; logging it into "
                    "itself would loop.")

        self.bucket = s3.Bucket(
            self, "Media",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_logs,
            server_access_logs_prefix="media/",
            # the SPA PUTs uploads (contact CSVs, attachments) straight to presigned URLs and GETs media
            # the site's origins only (never "*"): the PUT is signed with its Content-Type, so the preflight
            # asks for content-type; ETag is exposed for the browser
            cors=[s3.CorsRule(
                allowed_methods=[s3.HttpMethods(m) for m in BUCKET.cors_methods],
                allowed_origins=site_origins,
                allowed_headers=list(BUCKET.cors_headers),
                exposed_headers=list(BUCKET.cors_exposed_headers),
                max_age=BUCKET.cors_max_age_s,
            )],
            lifecycle_rules=[s3.LifecycleRule(
                noncurrent_version_expiration=Duration.days(30),
                abort_incomplete_multipart_upload_after=Duration.days(7),
            ),
                # LGPD retention (DECISIONS): media objects carry the tenant's choice as the tag
                # retention=<days>; one rule per allowed value. Export archives (kind=export) live a week.
                *[s3.LifecycleRule(id=f"retention-{days}", tag_filters={RETENTION_TAG: str(days)},
                                   expiration=Duration.days(days)) for days in RETENTION_DAYS],
                s3.LifecycleRule(id="exports", tag_filters=dict([EXPORT_TAG]),
                                 expiration=Duration.days(EXPORT_KEEP_DAYS)),
            ],
            removal_policy=RemovalPolicy.RETAIN,
        )
