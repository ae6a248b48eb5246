"""``alrea dev``: the whole platform on this machine, no AWS account (``make dev``).

    python -m alrea.local.cli dev [--port 8000] [--host 127.0.0.1] [--no-build] [--no-seed]
    python -m alrea.local.cli smoke --base URL [--ws URL]   (alrea.local.smoke: PASS/FAIL of a deployment)
    python -m alrea.local.cli redrive --queue NAME [--max N] [--dry-run]   (DLQ → queue; docs/DEPLOY.md)
    python -m alrea.local.cli tenants list|show|set-plan|set-limits|suspend|reactivate   (alrea.local.operator)

Set AWS_ENDPOINT_URL to use LocalStack (or another moto) instead of the embedded moto, and BROKER_URL to use
RabbitMQ instead of SQS. Stops cleanly on Ctrl-C / SIGTERM.
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

from alrea.core.log import logger

FRONTEND = Path(__file__).resolve().parents[3] / "frontend"


def build_frontend() -> None:
    """Build the SPA when it was never built (``make dev`` keeps it fresh; this covers a bare ``alrea dev``)."""
    if (FRONTEND / "dist" / "index.html").is_file() or not (FRONTEND / "package.json").is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        logger.warning("npm not found: serving the API without the SPA")
        return
    try:
        if not (FRONTEND / "node_modules").is_dir():
            subprocess.run([npm, "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=FRONTEND, check=True)
        subprocess.run([npm, "run", "-s", "build"], cwd=FRONTEND, check=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        logger.warning("frontend build failed: serving the API without the SPA", extra={"error": str(exc)})


def banner(runtime) -> str:
    host = "localhost" if runtime.options.host in ("127.0.0.1", "0.0.0.0") else runtime.options.host
    url = f"http://{host}:{runtime.options.port}"
    lines = ["", "  ALREA Flow is running (local runtime, no AWS account)", "",
             f"    App        {url}", f"    API        {url}/api",
             f"    WebSocket  {url.replace('http', 'ws', 1)}/ws", f"    AWS        {runtime.endpoint_url}"]
    if runtime.simulator_url:
        lines.append(f"    Evolution  {runtime.simulator_url}  (simulator)")
    if runtime.stripe_url:
        lines.append(f"    Stripe     {runtime.stripe_url}  (fake Stripe: nothing is charged)")
    if runtime.mail is not None and runtime.mail.__class__.__name__ == "MailSink":
        lines.append(f"    E-mail     {url}/dev/mail  (local mail sink: nothing is sent)")
    if runtime.demo is not None:
        lines += ["", "  Demo logins (company \"Demo ALREA\"):"]
        lines += [f"    {login.role:<8} {login.email:<28} {login.password}" for login in runtime.demo.logins]
    if runtime.demo_number:
        lines += ["", f"  Demo WhatsApp number (connected at the simulator): {runtime.demo_number}",
                  f"    inject a message: curl -X POST {runtime.simulator_url}/_sim/instances/{runtime.demo_number}/inbound"
                  " -H 'content-type: application/json' -d '{\"from\":\"5511912345678\",\"text\":\"Oi!\"}'"]
    lines += ["", "  Ctrl-C to stop.", ""]
    return "\n".join(lines) + "\n"


def dev(args: argparse.Namespace) -> int:
    from alrea.local.runtime import LocalRuntime, RuntimeOptions

    if not args.no_build:
        build_frontend()
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        logger.info("stopping", extra={"signal": signal.Signals(signum).name})
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    runtime = LocalRuntime(RuntimeOptions(host=args.host, port=args.port, seed=not args.no_seed,
                                          table_name=args.table, bucket_name=args.bucket))
    try:
        runtime.start()
    except Exception:  # noqa: BLE001 - one clear log line and a non-zero exit, not a half-started process
        logger.exception("local runtime failed to start")
        return 1
    sys.stdout.write(banner(runtime))
    sys.stdout.flush()
    from alrea.local import datadir

    # `alrea tenants` (another terminal) finds this runtime's table here
    datadir.write_runtime({"endpoint_url": runtime.endpoint_url, "table_name": runtime.options.table_name,
                           "region": runtime.region})
    try:
        while not stop.wait(0.5):
            pass
    finally:
        datadir.clear_runtime()
        runtime.stop()
    return 0


def redrive_bus():
    """The Bus the settings name (BROKER_URL / ALREA_BROKER_URL: RabbitMQ, as ``alrea dev`` reads it; else SQS
    at AWS_ENDPOINT_URL or AWS). Without ALREA_QUEUE_URLS, SQS queues are looked up by the names the local
    runtime gives them."""
    from alrea.core.config import get_settings
    from alrea.wiring import build_bus

    settings = get_settings()
    broker = os.environ.get("BROKER_URL") or settings.broker_url
    if broker:
        from alrea.adapters.rabbitmq.bus import RabbitBus

        return RabbitBus(broker)
    if settings.bus == "aws" and not settings.broker_url and not settings.queue_urls:
        from alrea.adapters.aws.sqs import SqsBus, discover_queue_urls

        return SqsBus(discover_queue_urls())
    return build_bus()


def redrive(args: argparse.Namespace) -> int:
    from alrea.services.redrive import redrive as run_redrive

    bus = None
    try:
        bus = redrive_bus()
        result = run_redrive(bus, args.queue, max_messages=args.max_messages, dry_run=args.dry_run)
    except (KeyError, ValueError) as exc:
        sys.stderr.write(f"redrive: {exc}\n")
        return 2
    except Exception as exc:  # noqa: BLE001 - one clear line and a non-zero exit; the log has the trace
        sys.stderr.write(f"redrive failed: {exc!r}\n")
        return 1
    finally:
        if bus is not None:
            bus.close()
    verb = "would move" if result.dry_run else "moved"
    sys.stdout.write(f"{args.queue}: {verb} {result.count} dead message(s) back to the queue\n")
    for message_id in result.message_ids:
        sys.stdout.write(f"  {message_id}\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="alrea", description="ALREA Flow developer tools")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("dev", help="run the platform locally (moto, API, WebSocket, SPA, pollers)")
    run.add_argument("--port", type=int, default=int(os.environ.get("ALREA_PORT", "8000")))
    run.add_argument("--host", default="127.0.0.1", help="interface to bind (0.0.0.0 to expose it)")
    run.add_argument("--no-build", action="store_true", help="do not build the SPA")
    run.add_argument("--no-seed", action="store_true", help="do not create the demo tenant")
    run.add_argument("--table", default=os.environ.get("ALREA_TABLE_NAME", "alrea"))
    run.add_argument("--bucket", default=os.environ.get("ALREA_BUCKET_NAME", "alrea-media"))
    move = commands.add_parser("redrive", help="move dead-lettered messages back to their queue (after a fix)")
    move.add_argument("--queue", required=True, help="source queue name (alrea.resources.QUEUES)")
    move.add_argument("--max", type=int, default=None, dest="max_messages",
                      help="move at most N messages (default: all)")
    move.add_argument("--dry-run", action="store_true", help="list what would move; move nothing")
    from alrea.local import operator, smoke

    smoke.add_parser(commands)
    operator.add_parser(commands)
    args = parser.parse_args(argv)
    if args.command == "dev":
        return dev(args)
    if args.command == "redrive":
        return redrive(args)
    if args.command == "smoke":
        return smoke.main(args)
    if args.command == "tenants":
        return operator.main(args)
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
