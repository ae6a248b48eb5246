"""Every function of the platform, in one list.

infra/ builds one Lambda per entry and wires its trigger; the local runtime builds its routes, WebSocket
handlers, queue pollers and schedule ticks from the same list. Adding a function = one entry here + one
``functions/<name>/handler.py`` exposing ``handler(event, context)``.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alrea.resources import QUEUES


@dataclass(frozen=True)
class Rest:
    """API Gateway REST proxy routes ("ANY /api/{proxy+}")."""

    routes: tuple[str, ...]


@dataclass(frozen=True)
class WebSocket:
    route: str  # $connect / $disconnect / $default


@dataclass(frozen=True)
class Queue:
    queue: str
    batch_size: int = 10
    max_concurrency: int | None = None


@dataclass(frozen=True)
class Schedule:
    expression: str  # EventBridge expression, e.g. "rate(1 minute)"
    every_s: int  # the same period, for the local runtime's ticker


Trigger = Rest | WebSocket | Queue | Schedule


@dataclass(frozen=True)
class Function:
    name: str
    trigger: Trigger
    description: str
    memory_mb: int = 256
    timeout_s: int = 30
    # what the function touches, so CDK grants least privilege
    reads_table: bool = True
    writes_table: bool = True
    publishes: tuple[str, ...] = ()
    uses_bucket: bool = False
    pushes: bool = False
    calls_evolution: bool = False
    drives_state_machine: bool = False
    unseals_secrets: bool = False  # opens tenants' sealed secrets (core/secrets.unseal: reads the JWT key)
    sends_email: bool = False  # ses:SendEmail through the stack's configuration set (ports/email.py)
    calls_stripe: bool = False  # reads the Stripe secrets (ports/billing.py: checkout, portal, webhooks)

    @property
    def handler_file(self) -> Path:
        return FUNCTIONS_DIR / self.name / "handler.py"

    @property
    def code_dir(self) -> Path:
        return FUNCTIONS_DIR / self.name


FUNCTIONS_DIR = Path(__file__).resolve().parents[2] / "functions"

FUNCTIONS: tuple[Function, ...] = (
    Function(
        "api",
        Rest(routes=("/api", "/api/{proxy+}", "/v1/{proxy+}")),
        "REST API for the SPA and partners (FastAPI behind Mangum)",
        memory_mb=1024,
        timeout_s=29,
        publishes=tuple(QUEUES),
        uses_bucket=True,
        pushes=True,
        calls_evolution=True,
        sends_email=True,
        calls_stripe=True,
        drives_state_machine=True,
    ),
    Function("ws_connect", WebSocket("$connect"), "WebSocket $connect: checks the token, stores the connection",
             timeout_s=10),
    Function("ws_disconnect", WebSocket("$disconnect"), "WebSocket $disconnect: forgets the connection",
             timeout_s=10),
    Function("ws_default", WebSocket("$default"), "WebSocket $default: ping and conversation subscriptions",
             timeout_s=10, pushes=True),
    Function("webhook_ingest",
             Rest(routes=("/webhooks/evolution/{token}", "/webhooks/evolution/{token}/{event}")),
             "Evolution webhooks: authenticate, check, queue on webhook_inbound", timeout_s=10,
             writes_table=False, publishes=("webhook_inbound",)),
    Function("webhook_process", Queue("webhook_inbound", batch_size=10),
             "Processes queued Evolution webhooks into conversations, messages, contacts; pushes updates",
             timeout_s=60, publishes=("chat_download_attachment", "chat_fetch_profile_pic", "webhook_delivery",
                                      "sense_analyze"),
             pushes=True,
             calls_evolution=True),
    Function("chat_send", Queue("chat_send_message", batch_size=10),
             "Inbox sends: text and media through Evolution (voice notes as PTT), ordered per conversation",
             timeout_s=60,
             uses_bucket=True, pushes=True, calls_evolution=True),
    Function("chat_download_attachment", Queue("chat_download_attachment", batch_size=5),
             "Fetches inbound media through Evolution into the tenant's S3 prefix; marks media_error when it "
             "fails for good", memory_mb=512, timeout_s=60,
             uses_bucket=True, pushes=True, calls_evolution=True),
    Function("chat_fetch_profile_pic", Queue("chat_fetch_profile_pic", batch_size=5),
             "Caches contacts' profile pictures (through Evolution) in the tenant's S3 prefix, refreshed daily",
             timeout_s=60, uses_bucket=True, calls_evolution=True),
    Function("contacts_import", Queue("contacts_import", batch_size=1),
             "Streams an uploaded contacts CSV (S3 event) into contacts, with progress and an error report",
             memory_mb=512, timeout_s=900, uses_bucket=True, pushes=True, publishes=("webhook_delivery",)),
    Function("campaign_plan", Queue("campaign_plan", batch_size=1),
             "Plans a campaign's next window of sends (CampaignRun Plan task) and answers the Pacer",
             timeout_s=60, publishes=("campaign_send_message", "campaign_plan", "webhook_delivery"), pushes=True,
             drives_state_machine=True),
    Function("campaign_send", Queue("campaign_send_message", batch_size=5),
             "Claims one paced campaign recipient and sends it once through Evolution", timeout_s=60,
             publishes=("campaign_send_message", "webhook_delivery"), uses_bucket=True, pushes=True,
             calls_evolution=True),
    Function("campaign_scheduler", Schedule("rate(1 minute)", every_s=60),
             "Starts scheduled campaigns whose time has come (sparse due index, no Scan)", timeout_s=60,
             publishes=("campaign_plan", "webhook_delivery"), pushes=True, drives_state_machine=True),
    Function("privacy_export", Queue("privacy_export", batch_size=1),
             "LGPD tenant export: one zip of JSON Lines (contacts, conversations, messages, campaigns) in S3",
             memory_mb=1024, timeout_s=900, uses_bucket=True),
    Function("privacy_tenant_deletion", Schedule("rate(1 hour)", every_s=3600),
             "LGPD: purges tenants whose deletion grace period is over (sparse due index, no Scan)",
             memory_mb=512, timeout_s=900, uses_bucket=True),
    Function("analyze", Queue("sense_analyze", batch_size=10),
             "Sense: labels inbound texts (built-in lexicon or the tenant's HTTP analyzer), moves the "
             "conversation's mood, pushes message_updated, alerts managers when it turns negative",
             timeout_s=60, pushes=True, unseals_secrets=True),
    Function("webhook_deliver", Queue("webhook_delivery", batch_size=5),
             "Outbound webhooks: one signed POST per attempt to a partner's endpoint; retries re-publish delayed",
             timeout_s=60, publishes=("webhook_delivery",), pushes=True),
)


def by_name(name: str) -> Function:
    for fn in FUNCTIONS:
        if fn.name == name:
            return fn
    raise KeyError(name)


def of_trigger(kind: type) -> list[Function]:
    return [fn for fn in FUNCTIONS if isinstance(fn.trigger, kind)]
