"""``alrea tenants``: the operator's commands on tenants — list, show, set a plan/add-ons or limits by hand
(enterprise deals), suspend (read-only, ``account_suspended``) and reactivate.

    alrea tenants list
    alrea tenants show TENANT_ID
    alrea tenants set-plan TENANT_ID PLAN [--add-on sense --add-on api]
    alrea tenants set-limits TENANT_ID [--max-users N] [--max-numbers N] [--max-contacts N]
                             [--max-campaigns-per-month N]
    alrea tenants suspend TENANT_ID [--reason TEXT]
    alrea tenants reactivate TENANT_ID

Which table: ``--endpoint``/``--table`` when given; else ``AWS_ENDPOINT_URL`` or ``ALREA_TABLE_NAME`` from the
environment (a deployed table with the AWS credentials of the shell: ``ALREA_TABLE_NAME`` is the stack's
``TableName`` output); else the running ``alrea dev`` (its data directory's ``runtime.json``).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from typing import Any

LIMITS = ("max_users", "max_numbers", "max_contacts", "max_campaigns_per_month")


class NoTable(Exception):
    """Neither a flag, the environment nor a running ``alrea dev`` names a table."""


def add_parser(commands: argparse._SubParsersAction) -> None:
    tenants = commands.add_parser("tenants", help="operator: list tenants, set plans and limits, suspend")
    tenants.add_argument("--table", default=None, help="table name (default: ALREA_TABLE_NAME / alrea dev's)")
    tenants.add_argument("--endpoint", default=None, help="DynamoDB endpoint URL (moto/LocalStack)")
    actions = tenants.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every tenant: id, name, plan, billing status, suspension")
    show = actions.add_parser("show", help="one tenant's plan, limits and billing state (JSON)")
    show.add_argument("tenant_id")
    plan = actions.add_parser("set-plan", help="set a plan (and its limits) and add-ons by hand")
    plan.add_argument("tenant_id")
    plan.add_argument("plan")
    plan.add_argument("--add-on", action="append", default=[], dest="add_ons", help="repeat for several")
    limits = actions.add_parser("set-limits", help="per-tenant limit exceptions")
    limits.add_argument("tenant_id")
    for name in LIMITS:
        limits.add_argument(f"--{name.replace('_', '-')}", type=int, default=None, dest=name)
    suspend = actions.add_parser("suspend", help="read-only: sends, campaigns and imports answer 402")
    suspend.add_argument("tenant_id")
    suspend.add_argument("--reason", default="suspended by the operator")
    reactivate = actions.add_parser("reactivate", help="end a suspension")
    reactivate.add_argument("tenant_id")


def target(args: argparse.Namespace) -> tuple[str | None, str]:
    """(endpoint or None for AWS, table name)."""
    from alrea.local.datadir import read_runtime

    endpoint = args.endpoint or os.environ.get("AWS_ENDPOINT_URL")
    table = args.table or os.environ.get("ALREA_TABLE_NAME")
    if endpoint or table:
        return endpoint, table or "alrea"
    running = read_runtime()
    if running:
        os.environ.setdefault("AWS_DEFAULT_REGION", running.get("region") or "us-east-1")
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            os.environ.setdefault(name, "testing")
        return running["endpoint_url"], running["table_name"]
    raise NoTable("no table: start `alrea dev`, or set ALREA_TABLE_NAME (with AWS credentials) or --table")


def bind(args: argparse.Namespace) -> str:
    from alrea.core.config import reset_settings
    from alrea.store.base import bind as bind_store

    endpoint, table = target(args)
    os.environ["ALREA_TABLE_NAME"] = table
    reset_settings()
    bind_store(table_name=table, host=endpoint)
    return table


def _row(row: Any) -> str:
    b = row.billing
    suspended = f"SUSPENDED ({b.suspended_reason})" if b.suspended_reason else ""
    return f"{b.tenant_id}  {row.name[:30]:<30}  {b.plan:<12}  {b.status:<9}  {suspended}".rstrip()


def run(args: argparse.Namespace) -> str:
    from alrea.services import billing

    if args.action == "list":
        rows = billing.tenants()
        return "\n".join([f"{len(rows)} tenant(s)", *(_row(r) for r in rows)])
    tid = args.tenant_id
    if args.action == "set-plan":
        billing.set_plan(tid, args.plan, args.add_ons)
    elif args.action == "set-limits":
        values = {name: getattr(args, name) for name in LIMITS if getattr(args, name) is not None}
        if not values:
            raise ValueError("name at least one limit, e.g. --max-users 50")
        billing.set_limits(tid, values)
    elif args.action == "suspend":
        billing.suspend(tid, args.reason)
    elif args.action == "reactivate":
        billing.reactivate(tid)
    return json.dumps(_shown(billing.show_tenant(tid)), ensure_ascii=False, indent=2)


def _shown(row: Any) -> dict[str, Any]:
    return {"name": row.name, "created_at": row.created_at, **asdict(row.billing), "limits": dict(row.limits)}


def main(args: argparse.Namespace) -> int:
    from alrea.core.errors import DomainError

    try:
        bind(args)
        sys.stdout.write(run(args) + "\n")
    except NoTable as exc:
        sys.stderr.write(f"tenants: {exc}\n")
        return 2
    except (DomainError, ValueError) as exc:
        sys.stderr.write(f"tenants: {getattr(exc, 'message', exc)}\n")
        return 2
    return 0
