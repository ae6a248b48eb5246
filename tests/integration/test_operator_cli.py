"""``alrea tenants``: the operator's CLI against the table (moto over HTTP), found by flags or by a running
``alrea dev``'s runtime.json. Suspension makes the tenant read-only (402 ``account_suspended``) until
reactivated; set-plan and set-limits show in /api/me at once."""
from __future__ import annotations

import json

import pytest

from alrea.local import cli, datadir


def run(capsys, aws, *argv: str, flags: bool = True) -> tuple[int, str, str]:
    table = ["--endpoint", aws_endpoint(), "--table", aws.table_name] if flags else []
    code = cli.main(["tenants", *table, *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def aws_endpoint() -> str:
    import os

    return os.environ["AWS_ENDPOINT_URL"]


def test_list_show_set_plan_and_limits(client, tenant_a, tenant_b, aws, capsys):
    from alrea.domain import plans

    code, out, _ = run(capsys, aws, "list")
    assert code == 0
    assert out.startswith("2 tenant(s)")
    assert tenant_a.tenant_id in out and "Empresa A" in out and tenant_b.tenant_id in out
    plan = next(p for p in plans.PLANS if p != tenant_a.get("/api/me").json()["tenant"]["plan"])
    code, out, _ = run(capsys, aws, "set-plan", tenant_a.tenant_id, plan, "--add-on", "sense")
    assert code == 0
    shown = json.loads(out)
    assert shown["plan"] == plan and shown["add_ons"] == ["sense"] and shown["status"] == "manual"
    me = tenant_a.get("/api/me").json()
    assert me["tenant"]["plan"] == plan and me["tenant"]["limits"] == plans.PLANS[plan].limits.as_dict()
    assert me["billing"]["add_ons"] == ["sense"]
    code, out, _ = run(capsys, aws, "set-limits", tenant_a.tenant_id, "--max-users", "250")
    assert code == 0 and json.loads(out)["limits"]["max_users"] == 250
    assert tenant_a.get("/api/me").json()["tenant"]["limits"]["max_users"] == 250
    code, _, err = run(capsys, aws, "set-plan", tenant_a.tenant_id, "platinum")
    assert code == 2 and "Plano desconhecido" in err
    code, _, err = run(capsys, aws, "show", "00000000-0000-0000-0000-000000000000")
    assert code == 2 and "não encontrada" in err


def test_suspend_is_read_only_until_reactivated(client, tenant_a, tenant_b, aws, capsys):
    def import_status(account) -> int:
        return account.post("/api/contacts/imports", {"file_name": "c.csv", "size": 10}).status_code

    assert import_status(tenant_a) == 201
    code, out, _ = run(capsys, aws, "suspend", tenant_a.tenant_id, "--reason", "contrato vencido")
    assert code == 0 and json.loads(out)["suspended_reason"] == "contrato vencido"
    # the CLI ran in this process, so the API's writable verdict was dropped at once (another container keeps
    # it for services.billing.GUARD_CACHE_S at most)
    refused = tenant_a.post("/api/contacts/imports", {"file_name": "c.csv", "size": 10})
    assert refused.status_code == 402 and refused.json()["error"] == "account_suspended"
    assert tenant_a.get("/api/contacts").status_code == 200  # reads work
    me = tenant_a.get("/api/me").json()["billing"]
    assert me["read_only"] is True and me["banner"]["kind"] == "account_suspended"
    assert import_status(tenant_b) == 201  # only that tenant
    code, out, _ = run(capsys, aws, "list")
    assert "SUSPENDED (contrato vencido)" in out
    code, _, _ = run(capsys, aws, "reactivate", tenant_a.tenant_id)
    assert code == 0
    assert import_status(tenant_a) == 201


def test_the_running_alrea_dev_is_found_through_its_data_dir(client, tenant_a, aws, capsys, monkeypatch, tmp_path):
    endpoint = aws_endpoint()
    monkeypatch.setenv("ALREA_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("AWS_ENDPOINT_URL")
    monkeypatch.delenv("ALREA_TABLE_NAME")
    code, _, err = run(capsys, aws, "list", flags=False)
    assert code == 2 and "alrea dev" in err
    datadir.write_runtime({"endpoint_url": endpoint, "table_name": aws.table_name,
                           "region": "us-east-1"})
    code, out, _ = run(capsys, aws, "show", tenant_a.tenant_id, flags=False)
    assert code == 0 and json.loads(out)["tenant_id"] == tenant_a.tenant_id


@pytest.fixture(autouse=True)
def _restore_env(monkeypatch):
    """The CLI sets ALREA_TABLE_NAME for the process: keep the fixture's value afterwards."""
    import os

    for name in ("ALREA_TABLE_NAME", "AWS_ENDPOINT_URL"):
        if name in os.environ:
            monkeypatch.setenv(name, os.environ[name])
