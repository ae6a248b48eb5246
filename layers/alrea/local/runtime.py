"""LocalRuntime: the whole platform in one process, with no AWS account.

start(): embedded moto (unless AWS_ENDPOINT_URL points elsewhere) → table, queues (+DLQs), bucket, S3→queue
notification and the CampaignRun state machine from alrea.resources → settings and PynamoDB bound to them →
adapters installed with ``set_runtime`` → the Evolution simulator (when present) → demo seed → the gateway
(uvicorn) → one poller per Queue function, one ticker per Schedule function. stop() undoes it in reverse and
restores the environment it changed. Used by ``alrea dev`` (alrea.local.cli) and by the integration tests.
"""
from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from alrea import registry, wiring
from alrea.core.config import get_settings, reset_settings
from alrea.core.log import logger
from alrea.local import events
from alrea.local.gateway import Gateway
from alrea.local.moto import DUMMY_CREDENTIALS, EmbeddedMoto
from alrea.local.pollers import QueuePoller
from alrea.local.seed import DemoTenant, seed_demo, seed_demo_number
from alrea.local.sockets import LocalSender
from alrea.local.ticker import Ticker
from alrea.registry import Function
from alrea.resources import BUCKET

ROOT = Path(__file__).resolve().parents[3]
SPA_DIR = ROOT / "frontend" / "dist"
Handler = Callable[[dict[str, Any], Any], Any]


# ---------------------------------------------------------------- the Lambda service, locally
class Invoker:
    """Loads each function's handler module once (like a Lambda cold start) and calls it with a context."""

    def __init__(self, region: str, overrides: dict[str, Handler] | None = None) -> None:
        self.region = region
        self.overrides = dict(overrides or {})
        self._handlers: dict[str, Handler] = {}
        self._lock = threading.Lock()

    def load(self, fn: Function) -> Handler:
        with self._lock:
            if fn.name in self._handlers:
                return self._handlers[fn.name]
            handler = self.overrides.get(fn.name) or self._import(fn)
            self._handlers[fn.name] = handler
            return handler

    @staticmethod
    def _import(fn: Function) -> Handler:
        module_name = f"alrea_fn_{fn.name}"
        spec = importlib.util.spec_from_file_location(module_name, fn.handler_file)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {fn.handler_file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(module_name, None)
            raise
        return module.handler

    def __call__(self, fn: Function, event: dict[str, Any]) -> Any:
        handler = self.load(fn)
        _ensure_event_loop()  # Lambda's main thread has one, and Mangum asks for it
        context = events.LambdaContext(fn.name, fn.memory_mb, fn.timeout_s, region=self.region)
        started = time.monotonic()
        try:
            return handler(event, context)
        finally:
            elapsed = time.monotonic() - started
            if elapsed > fn.timeout_s:  # Lambda would have killed it: make it visible
                logger.warning("function ran past its timeout",
                               extra={"function": fn.name, "elapsed_s": round(elapsed, 1), "timeout_s": fn.timeout_s})


# ---------------------------------------------------------------- a uvicorn server in a thread
class ServerThread:
    def __init__(self, app: Any, host: str, port: int, name: str) -> None:
        import uvicorn

        config = uvicorn.Config(app, host=host, port=port, log_config=None, log_level="warning",
                                access_log=False, lifespan="off", ws_max_size=128 * 1024,
                                server_header=False)  # no header naming the stack
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name=name, daemon=True)
        self.name = name

    def start(self, timeout_s: float = 10.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout_s
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"{self.name} did not start (port in use?)")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(5)


# ---------------------------------------------------------------- options and the runtime
@dataclass
class RuntimeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    table_name: str = "alrea"
    bucket_name: str = "alrea-media"
    queue_prefix: str = ""
    seed: bool = True
    spa_dir: Path | None = SPA_DIR
    simulator: bool = True
    simulator_port: int | None = None
    fake_stripe: bool = True  # the local fake Stripe (unless ALREA_STRIPE_API_BASE names another)
    broker_url: str | None = None  # None: BROKER_URL / ALREA_BROKER_URL from the environment
    stage: str = "local"
    # tests: replace the registry's list, or a function's handler, without touching functions/
    functions: Sequence[Function] | None = None
    handlers: dict[str, Handler] = field(default_factory=dict)
    visibility_override_s: int | None = None
    poll_wait_s: float = 1.0
    # where the runtime keeps its generated JWT key (None: ALREA_DATA_DIR or .alrea/, see local/datadir.py)
    data_dir: Path | None = None


class LocalRuntime:
    def __init__(self, options: RuntimeOptions | None = None, **overrides: Any) -> None:
        self.options = options or RuntimeOptions(**overrides)
        self.functions: list[Function] = list(self.options.functions if self.options.functions is not None
                                              else registry.FUNCTIONS)
        self.sender = LocalSender()
        self.moto: EmbeddedMoto | None = None
        self.endpoint_url = ""
        self.region = ""
        self.provisioned: Any = None
        self.invoker: Invoker | None = None
        self.runtime: wiring.Runtime | None = None
        self.demo: DemoTenant | None = None
        self.demo_number: str | None = None  # Evolution name of the demo tenant's connected number
        self.simulator: Any = None
        self.simulator_url = ""
        self.mail: Any = None  # the local mail sink (ALREA_EMAIL=sink), listed at /dev/mail
        self.stripe: Any = None  # the local fake Stripe (alrea.local.fake_stripe)
        self.stripe_url = ""
        self._servers: list[Any] = []  # anything with stop(): uvicorn threads, the simulator
        self._workers: list[QueuePoller | Ticker] = []
        self._saved_env: dict[str, str | None] = {}
        self._started = False

    @property
    def base_url(self) -> str:
        host = "127.0.0.1" if self.options.host in ("0.0.0.0", "::") else self.options.host
        return f"http://{host}:{self.options.port}"

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://", 1) + "/ws"

    # ------------------------------------------------------------ environment (restored on stop)
    def _setenv(self, **values: str) -> None:
        for name, value in values.items():
            if name not in self._saved_env:
                self._saved_env[name] = os.environ.get(name)
            os.environ[name] = value

    def _restore_env(self) -> None:
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env.clear()

    # ------------------------------------------------------------ start / stop
    def start(self) -> Self:
        started = time.monotonic()
        try:
            self._start_aws()
            self._provision()
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="seed") as pool:
                # the seed hashes passwords (argon2, deliberately slow): overlap it with the rest
                seeded = pool.submit(seed_demo) if self.options.seed else None
                self._create_state_machine()
                self._start_simulator()
                self._start_fake_stripe()
                self._install_adapters()
                self.invoker = Invoker(self.region, self.options.handlers)
                self._load_handlers()
                self._start_gateway()
                self.demo = seeded.result() if seeded is not None else None
            self._start_workers()
            if self.demo is not None:
                self.demo_number = seed_demo_number(self.demo.tenant_id, self.simulator)
        except BaseException:
            self.stop()
            raise
        self._started = True
        logger.info("local runtime started", extra={"url": self.base_url, "aws": self.endpoint_url,
                                                    "startup_s": round(time.monotonic() - started, 2)})
        return self

    def stop(self) -> None:
        for worker in self._workers:
            worker.stop()
        for worker in self._workers:
            worker.join()
        self._workers.clear()
        for server in reversed(self._servers):
            server.stop()
        self._servers.clear()
        if self.runtime is not None:
            try:
                self.runtime.bus.close()
            except Exception:  # noqa: BLE001 - shutting down anyway
                logger.exception("bus close failed")
            wiring.set_runtime(None)
            self.runtime = None
        self.simulator = None
        self.stripe = None
        if self.moto is not None:
            self.moto.stop()
            self.moto = None
        self._restore_env()
        reset_settings()
        _reset_clients()
        if self._started:
            logger.info("local runtime stopped")
        self._started = False

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------ steps
    def _start_aws(self) -> None:
        self.region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
        self._setenv(AWS_REGION=self.region, AWS_DEFAULT_REGION=self.region)
        if os.environ.get("AWS_ENDPOINT_URL"):  # LocalStack, a shared moto, or a tunnel: use it as is
            self.endpoint_url = os.environ["AWS_ENDPOINT_URL"]
        else:
            self.moto = EmbeddedMoto()
            self._setenv(**self.moto.environment())
            self.moto.start()
            self.endpoint_url = self.moto.url
        for name, value in DUMMY_CREDENTIALS.items():
            if not os.environ.get(name) and name != "AWS_SESSION_TOKEN":
                self._setenv(**{name: value})
        _reset_clients()

    def _provision(self) -> None:
        from alrea.adapters.aws.clients import client
        from alrea.local.datadir import local_jwt_secret
        from alrea.local.provision import provision
        from alrea.store.base import bind

        o = self.options
        if not os.environ.get("ALREA_JWT_SECRET"):  # the tests set their own; alrea dev uses its data dir's
            self._setenv(ALREA_JWT_SECRET=local_jwt_secret(o.data_dir))
        if not os.environ.get("POWERTOOLS_METRICS_DISABLED"):  # EMF lines are for CloudWatch, not a terminal
            self._setenv(POWERTOOLS_METRICS_DISABLED="true")
        if not os.environ.get("ALREA_WEBHOOKS_ALLOW_PRIVATE"):  # outbound webhooks to http://localhost receivers
            self._setenv(ALREA_WEBHOOKS_ALLOW_PRIVATE="true")
        self.provisioned = provision(o.table_name, o.bucket_name, queue_prefix=o.queue_prefix,
                                     visibility_override_s=o.visibility_override_s,
                                     cors_origins=(self.base_url, self.base_url.replace("127.0.0.1", "localhost")))
        self._notify_imports(client)
        self._setenv(
            ALREA_STAGE=o.stage,
            ALREA_TABLE_NAME=o.table_name,
            ALREA_BUCKET_NAME=o.bucket_name,
            ALREA_QUEUE_URLS=json.dumps(self.provisioned.queue_urls),
            ALREA_PUSH="local",
            ALREA_PUBLIC_BASE_URL=self.base_url,
            ALREA_WEBSOCKET_ENDPOINT=self.ws_url,
            ALREA_SITE_URL=self.base_url,  # links in e-mails open the SPA this gateway serves
        )
        broker = self.broker_url
        self._setenv(ALREA_BUS="rabbitmq" if broker else "aws", ALREA_BROKER_URL=broker)
        reset_settings()
        bind(table_name=o.table_name, host=self.endpoint_url)

    def _create_state_machine(self) -> None:
        from alrea.local.provision import create_state_machine

        try:
            from alrea.campaign_run import definition
        except ImportError:
            logger.warning("alrea.campaign_run not available: no CampaignRun state machine, queue pacing instead")
            return
        self.provisioned.state_machine_arn = create_state_machine(
            json.dumps(definition(self.provisioned.queue_urls["campaign_plan"])))
        self._setenv(ALREA_STATE_MACHINE_ARN=self.provisioned.state_machine_arn)
        reset_settings()

    def _notify_imports(self, client: Callable[[str], Any]) -> None:
        """S3 ObjectCreated(*.import.csv) → contacts_import queue, as CDK wires it (moto delivers it)."""
        url = self.provisioned.queue_urls["contacts_import"]
        arn = client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        client("s3").put_bucket_notification_configuration(
            Bucket=self.options.bucket_name,
            NotificationConfiguration={"QueueConfigurations": [{
                "Id": "contacts-import",
                "QueueArn": arn,
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {"Key": {"FilterRules": [{"Name": "suffix", "Value": BUCKET.import_suffix}]}},
            }]},
        )

    @property
    def broker_url(self) -> str:
        if self.options.broker_url is not None:
            return self.options.broker_url
        return os.environ.get("BROKER_URL") or os.environ.get("ALREA_BROKER_URL") or ""

    def _start_simulator(self) -> None:
        """The Evolution API simulator on its own port; the WhatsApp adapter is pointed at it."""
        if not self.options.simulator:
            return
        try:
            from alrea.simulator.server import SimulatorServer
        except ImportError as exc:
            logger.info("evolution simulator not available; skipping", extra={"reason": str(exc)})
            return
        simulator = SimulatorServer(port=self.options.simulator_port or 0,
                                    api_key=get_settings().evolution_api_key)
        simulator.start()
        self._servers.append(simulator)
        self.simulator = simulator
        self.simulator_url = simulator.url
        self._setenv(ALREA_EVOLUTION_URL=simulator.url)
        reset_settings()
        logger.info("evolution simulator started", extra={"url": simulator.url})

    def _start_fake_stripe(self) -> None:
        """The fake Stripe on its own port; the billing adapter is pointed at it and it posts its signed events
        to this gateway's /api/billing/stripe/webhook."""
        if not self.options.fake_stripe or os.environ.get("ALREA_STRIPE_API_BASE"):
            return
        from alrea.core.secrets import stripe_secret_key, stripe_webhook_secret
        from alrea.local.fake_stripe import FakeStripeServer

        server = FakeStripeServer(api_key=stripe_secret_key(), webhook_secret=stripe_webhook_secret(),
                                  webhook_url=f"{self.base_url}/api/billing/stripe/webhook").start()
        self._servers.append(server)
        self.stripe = server
        self.stripe_url = server.url
        self._setenv(ALREA_STRIPE_API_BASE=server.url)
        reset_settings()
        logger.info("fake stripe started", extra={"url": server.url})

    def _install_adapters(self) -> None:
        from alrea.adapters.push import ConnectionPush

        broker = self.broker_url
        if broker:
            from alrea.adapters.rabbitmq.bus import RabbitBus

            bus = RabbitBus(broker, prefix=self.options.queue_prefix)
        else:
            from alrea.adapters.aws.sqs import SqsBus

            bus = SqsBus(self.provisioned.queue_urls)
        self.mail = wiring.build_email()
        self.runtime = wiring.Runtime(bus=bus, push=ConnectionPush(self.sender), pacer=_pacer(bus, broker),
                                      whatsapp=_optional(wiring.build_whatsapp), storage=_optional(wiring.build_storage),
                                      email=self.mail)
        wiring.set_runtime(self.runtime)

    def _load_handlers(self) -> None:
        assert self.invoker is not None
        for fn in self.functions:
            try:
                self.invoker.load(fn)  # cold start now, so a broken handler shows at startup
            except Exception:  # noqa: BLE001 - the others still run; calls to this one answer 502
                logger.exception("handler failed to load", extra={"function": fn.name})

    def _start_gateway(self) -> None:
        assert self.invoker is not None
        from alrea.adapters.memory.mail import MailSink

        gateway = Gateway(self.functions, self.invoker, self.sender, spa_dir=self.options.spa_dir,
                          stage=self.options.stage, s3_origins=[self.endpoint_url],
                          mail=self.mail if isinstance(self.mail, MailSink) else None)
        server = ServerThread(gateway.app, self.options.host, self.options.port, "gateway")
        server.start()
        self._servers.append(server)

    def _start_workers(self) -> None:
        assert self.invoker is not None and self.runtime is not None
        for fn in self.functions:
            if isinstance(fn.trigger, registry.Queue):
                self._workers.append(QueuePoller(fn, self.runtime.bus, self.invoker, region=self.region,
                                                 wait_s=self.options.poll_wait_s))
            elif isinstance(fn.trigger, registry.Schedule):
                self._workers.append(Ticker(fn, self.invoker, region=self.region))
        for worker in self._workers:
            worker.start()


def _pacer(bus: Any, broker: str) -> Any:
    arn = get_settings().state_machine_arn
    try:
        if arn and not broker:
            from alrea.adapters.aws.stepfunctions import StepFunctionsPacer

            return StepFunctionsPacer(arn)
        from alrea.adapters.queue_pacer import QueuePacer

        return QueuePacer(bus)
    except ImportError as exc:
        logger.warning("no pacer adapter yet", extra={"reason": str(exc)})
        return None


def _optional(build: Callable[[], Any]) -> Any:
    """An adapter another part of the code base has not delivered yet must not stop the runtime."""
    try:
        return build()
    except ImportError as exc:
        logger.warning("adapter not available", extra={"adapter": build.__name__, "reason": str(exc)})
        return None


def _ensure_event_loop() -> None:
    try:
        asyncio.get_event_loop_policy().get_event_loop()
    except RuntimeError:  # a worker thread: give it its own loop for good, like a Lambda sandbox
        asyncio.set_event_loop(asyncio.new_event_loop())


def _reset_clients() -> None:
    from alrea.adapters.aws.clients import reset_clients

    reset_clients()
