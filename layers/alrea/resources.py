"""The cloud resources the code needs, defined once.

CDK (infra/) builds them, the local runtime creates them on moto/LocalStack, and the tests use them.
Nothing else may spell a queue name, a table key or an index.
"""
from __future__ import annotations

from dataclasses import dataclass, field


# ---------------------------------------------------------------- DynamoDB (single table)
@dataclass(frozen=True)
class Index:
    name: str
    pk: str
    sk: str


@dataclass(frozen=True)
class TableDef:
    pk: str = "pk"
    sk: str = "sk"
    ttl: str = "ttl"
    indexes: tuple[Index, ...] = ()

    @property
    def key_attributes(self) -> list[str]:
        names = [self.pk, self.sk]
        for index in self.indexes:
            names += [index.pk, index.sk]
        return names


# gsi1: alternate-key lookups (a WhatsApp message id -> its message or campaign recipient).
# gsi2: tenant-wide lists ordered by activity (conversations by last activity, ...).
# gsi3: department-scoped lists; gsi4: agent-scoped lists.
# gsi5: sparse "due" index (scheduled campaigns by due time) read by scheduled jobs.
TABLE = TableDef(
    indexes=(
        Index("gsi1", "gsi1pk", "gsi1sk"),
        Index("gsi2", "gsi2pk", "gsi2sk"),
        Index("gsi3", "gsi3pk", "gsi3sk"),
        Index("gsi4", "gsi4pk", "gsi4sk"),
        Index("gsi5", "gsi5pk", "gsi5sk"),
    )
)


# ---------------------------------------------------------------- queues
@dataclass(frozen=True)
class QueueDef:
    name: str
    fifo: bool = False
    visibility_timeout_s: int = 60
    max_receive_count: int = 5  # then the message moves to the DLQ
    retention_s: int = 4 * 24 * 3600
    description: str = ""

    @property
    def physical_name(self) -> str:
        return f"{self.name}.fifo" if self.fifo else self.name

    @property
    def dlq_name(self) -> str:
        return f"{self.name}_dlq.fifo" if self.fifo else f"{self.name}_dlq"


QUEUES: dict[str, QueueDef] = {
    q.name: q
    for q in (
        QueueDef("webhook_inbound", fifo=True, description="Evolution webhooks, grouped per instance+chat"),
        QueueDef("chat_send_message", fifo=True, description="agent sends, ordered per conversation"),
        QueueDef("chat_download_attachment", description="fetch inbound media through Evolution into S3"),
        QueueDef("chat_fetch_profile_pic", description="fetch and cache contact profile pictures"),
        QueueDef("campaign_plan", visibility_timeout_s=120, max_receive_count=3,
                 description="planner tasks (Step Functions task tokens, or delayed plan messages)"),
        QueueDef("campaign_send_message", description="one paced campaign send, delayed to its slot"),
        QueueDef("contacts_import", visibility_timeout_s=900, max_receive_count=3,
                 description="S3 ObjectCreated events of uploaded contact CSV files"),
        QueueDef("privacy_export", visibility_timeout_s=900, max_receive_count=3,
                 description="LGPD tenant exports: one zip of JSON Lines per request"),
        QueueDef("sense_analyze", fifo=True, visibility_timeout_s=60, max_receive_count=5,
                 description="Sense: inbound texts to analyse, grouped per conversation (in order)"),
        QueueDef("webhook_delivery", visibility_timeout_s=60, max_receive_count=5,
                 description="outbound webhook attempts (a retry re-publishes with a delay and not_before)"),
    )
}


def queue(name: str) -> QueueDef:
    try:
        return QUEUES[name]
    except KeyError:
        raise KeyError(f"unknown queue {name!r}; queues are defined in alrea.resources.QUEUES") from None


# ---------------------------------------------------------------- S3
@dataclass(frozen=True)
class BucketDef:
    # every object key starts with the tenant: t/<tenant_id>/<kind>/...
    tenant_prefix: str = "t/"
    # t/<tid>/imports/<id>.import.csv triggers contacts_import (S3 ObjectCreated -> queue)
    import_suffix: str = ".import.csv"
    cors_origins: tuple[str, ...] = field(default=("*",))  # the REST API's default (infra/stack.py)
    # the bucket's CORS rule: the SPA PUTs uploads to presigned URLs (signed with their Content-Type) and GETs
    # media. Allowed origins are the site's: local_origins on `alrea dev`, the `site_url` context in CDK.
    cors_methods: tuple[str, ...] = ("GET", "PUT", "HEAD")
    cors_headers: tuple[str, ...] = ("content-type",)
    cors_exposed_headers: tuple[str, ...] = ("ETag",)
    cors_max_age_s: int = 3000
    local_origins: tuple[str, ...] = ("http://localhost:8000", "http://127.0.0.1:8000",
                                      "http://localhost:5173", "http://127.0.0.1:5173")


BUCKET = BucketDef()


def tenant_key(tenant_id: str, *parts: str) -> str:
    """S3 object key under the tenant's prefix."""
    return BUCKET.tenant_prefix + "/".join((tenant_id, *parts))


# ---------------------------------------------------------------- Step Functions
STATE_MACHINE_NAME = "CampaignRun"
