"""CSV import on the real path: POST /api/contacts/imports → presigned PUT to S3 (moto over HTTP) → S3 event
notification → SQS contacts_import (or the same SQS-shaped body over RabbitMQ) → the contacts_import handler
→ contacts in DynamoDB, progress pushes, an error report in S3."""
from __future__ import annotations

import csv
import importlib.util
import io
import sys
import uuid
from dataclasses import dataclass

import httpx
import pytest

from alrea import registry
from alrea.local.events import LambdaContext, failed_message_ids, queue_arn, sqs_event
from alrea.ports.push import user_group
from alrea.resources import BUCKET
from alrea.resources import queue as queue_def
from alrea.services import contacts as svc
from alrea.store import contacts as store

QUEUE = "contacts_import"


def handler():
    fn = registry.by_name(QUEUE)
    name = "test_fn_contacts_import"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, fn.handler_file)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name].handler


@pytest.fixture
def notified(aws):
    """S3 ObjectCreated(*.import.csv) → the contacts_import SQS queue, as CDK and the local runtime wire it."""
    from alrea.adapters.aws.clients import client

    url = aws.queue_urls[QUEUE]
    arn = client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    client("s3").put_bucket_notification_configuration(Bucket=aws.bucket_name, NotificationConfiguration={
        "QueueConfigurations": [{"Id": "contacts-import", "QueueArn": arn, "Events": ["s3:ObjectCreated:*"],
                                 "Filter": {"Key": {"FilterRules": [{"Name": "suffix",
                                                                     "Value": BUCKET.import_suffix}]}}}]})
    return aws


def deliver(bus, expect_records: int = 1) -> int:
    """Receive from the bus and invoke the handler with the SQS event Lambda would get, until an import ran."""
    ran = 0
    arn = queue_arn(queue_def(QUEUE).physical_name, "us-east-1")
    for _ in range(30):
        deliveries = bus.receive(QUEUE, max_messages=1, wait_s=1)
        for d in deliveries:
            event = sqs_event([d], arn=arn, region="us-east-1")
            response = handler()(event, LambdaContext(QUEUE, 512, 900))
            assert not failed_message_ids(response, event["Records"]), response
            bus.ack(d)
            ran += 1 if "Records" in d.json() else 0
        if ran >= expect_records:
            return ran
    raise AssertionError("no S3 event reached the queue")


def upload(account, data: bytes, mapping: dict | None, name: str = "contatos.csv") -> str:
    r = account.post("/api/contacts/imports", {"file_name": name, "size": len(data), "mapping": mapping})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["key"] == f"t/{account.tenant_id}/imports/{body['import_id']}.import.csv"
    assert body["content_type"] is None  # the browser PUTs an untyped Blob (see services/contacts_import.py)
    put = httpx.put(body["upload_url"], content=data)
    assert put.status_code == 200, put.text
    return body["import_id"]


def run_import(account, bus, data: bytes, mapping: dict | None = None) -> dict:
    import_id = upload(account, data, mapping)
    deliver(bus)
    r = account.get(f"/api/contacts/imports/{import_id}")
    assert r.status_code == 200
    return r.json()


@dataclass
class Generated:
    data: bytes
    valid: int
    invalid_rows: list[int]
    duplicate_rows: list[int]
    blank: int


def generate(rows: int, *, encoding: str = "utf-8", delimiter: str = ",", seed: int = 0) -> Generated:
    """Rows with valid phones, invalid phones every 37th, a repeat of the last valid phone every 41st, an empty line
    every 101st; row numbers are the file's line numbers (header = 1)."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(["Nome", "Telefone", "E-mail", "Etiquetas", "Cidade"])
    line, valid, invalid, dups, blank, last = 1, 0, [], [], 0, ""
    for i in range(rows):
        line += 1
        if i % 101 == 100:
            out.write("\r\n")
            blank += 1
            continue
        if i % 37 == 36:
            w.writerow([f"Inválido {i}", f"12{i}", "", "", ""])
            invalid.append(line)
        elif i % 41 == 40:
            w.writerow([f"Repetido {i}", last.replace("(11) ", "11"), "", "", ""])  # same number, other format
            dups.append(line)
        else:
            last = f"(11) 9{seed}{i:07d}"
            w.writerow([f"José Ção {i}", last, f"p{i}@ex.com.br", "lista; vip" if i % 2 else "lista",
                        "São Paulo"])
            valid += 1
    return Generated(out.getvalue().encode(encoding), valid, invalid, dups, blank)


MAPPING = {"Nome": "name", "Telefone": "phone", "E-mail": "email", "Etiquetas": "tags", "Cidade": "ignore"}


def report_rows(result: dict) -> list[list[str]]:
    assert result["error_report_url"]
    r = httpx.get(result["error_report_url"])
    assert r.status_code == 200
    return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))


@pytest.mark.timeout(300)  # a hang guard, not a speed goal (bench/import.py measures): 10,000 rows on moto take
# 55–75 s alone and more beside the other xdist worker on a 2-core machine
def test_10k_rows_utf8_comma_counts_report_and_reimport(tenant_a, tenant_b, notified, api_runtime):
    from alrea.store.tenants import set_limits

    set_limits(tenant_a.tenant_id, max_contacts=50_000)
    gen = generate(10_000)
    # same phone as row 2
    other = svc.public(svc.create(tenant_b_principal(tenant_b), phone="+5511900000001", name="Do B"))
    result = run_import(tenant_a, api_runtime.bus, gen.data, MAPPING)
    counts = result["counts"]
    bad = len(gen.invalid_rows) + len(gen.duplicate_rows)
    assert result["status"] == "done", result
    assert counts == {"processed": gen.valid + bad, "imported": gen.valid, "updated": 0, "unchanged": 0,
                      "failed": bad, "blank": gen.blank}
    assert result["reasons"] == {"invalid_phone": len(gen.invalid_rows), "duplicate": len(gen.duplicate_rows)}
    rows = report_rows(result)
    assert rows[0] == ["linha", "valor", "motivo"]
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(gen.invalid_rows + gen.duplicate_rows)
    by_row = {int(r[0]): r for r in rows[1:]}
    assert by_row[gen.invalid_rows[0]][2] == "telefone inválido"
    assert "repetido" in by_row[gen.duplicate_rows[0]][2]

    maria = svc.get_by_phone(tenant_a.tenant_id, "+5511900000001")
    assert maria["name"] == "José Ção 1" and maria["tags"] == ["lista", "vip"] and maria["source"] == "import"
    assert store.counted(tenant_a.tenant_id) == gen.valid
    tags = {t["tag"]: t["count"] for t in tenant_a.get("/api/contacts/tags").json()["items"]}
    assert tags["lista"] == gen.valid and 0 < tags["vip"] < gen.valid
    # tenant B's contact with the same phone is untouched
    assert tenant_b.get(f"/api/contacts/{other['id']}").json()["name"] == "Do B"
    assert store.counted(tenant_b.tenant_id) == 1

    pushes = api_runtime.push.events(user_group(tenant_a.tenant_id, tenant_a.user_id))
    progress = [e for e in pushes if e["type"] == "import_progress"]
    assert progress and progress[-1]["status"] == "done" and progress[-1]["percent"] == 100
    assert progress[-1]["imported"] == gen.valid

    again = run_import(tenant_a, api_runtime.bus, gen.data, MAPPING)
    assert again["counts"]["imported"] == 0 and again["counts"]["updated"] == 0
    assert again["counts"]["unchanged"] == gen.valid
    assert store.counted(tenant_a.tenant_id) == gen.valid
    assert {t["tag"]: t["count"] for t in tenant_a.get("/api/contacts/tags").json()["items"]} == tags


def tenant_b_principal(account):
    from alrea.domain.roles import Principal

    return Principal(account.tenant_id, account.user_id, "admin")


def test_latin1_semicolon_file_with_guessed_mapping_and_custom_field(tenant_a, notified, api_runtime):
    assert tenant_a.post("/api/contacts/fields", {"name": "pontos", "type": "number"}).status_code == 201
    text = ("nome;celular;etiquetas;pontos\r\n"
            "João Conceição;(21) 98765-4321;Clientes;10\r\n"
            "Márcia Ñandú;21 98765-4322;clientes|São João;abc\r\n"
            ";;;\r\n"
            "Zé;+55 21 98765-4321;;\r\n"
            "Sem número;;;\r\n"
            "Ana Ávila;0021987654323;;1.234,5\r\n")
    data = text.encode("latin-1")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    result = run_import(tenant_a, api_runtime.bus, data, {"nome": "name", "celular": "phone",
                                                          "etiquetas": "tags", "pontos": "field:pontos"})
    assert result["status"] == "done", result
    assert result["counts"] == {"processed": 5, "imported": 1, "updated": 0, "unchanged": 0, "failed": 4,
                                "blank": 1}
    joao = svc.get_by_phone(tenant_a.tenant_id, "+5521987654321")
    assert joao["name"] == "João Conceição" and joao["tags"] == ["clientes"] and joao["fields"] == {"pontos": 10}
    rows = {int(r[0]): r[1:] for r in report_rows(result)[1:]}
    assert rows[3] == ["abc", "pontos: deve ser um número"]
    assert "repetido" in rows[5][1] and rows[6][1] == "telefone vazio"
    assert rows[7] == ["0021987654323", "telefone inválido"]  # 00 + 21...: not a real international number


def test_plan_limit_imports_what_fits_and_says_why(tenant_a, notified, api_runtime):
    from alrea.store.tenants import set_limits

    set_limits(tenant_a.tenant_id, max_contacts=130)
    svc.create(tenant_b_principal(tenant_a), phone="+5511955550000")
    data = "telefone,nome\n" + "".join(f"11 9555{i:05d},P{i}\n" for i in range(1, 301))
    result = run_import(tenant_a, api_runtime.bus, data.encode(), None)  # mapping guessed from the header
    assert result["counts"]["imported"] == 129 and result["reasons"] == {"plan_limit": 171}
    assert "até 130 contatos" in result["message"] and "171 linha(s) não importada(s)" in result["message"]
    assert store.counted(tenant_a.tenant_id) == 130


def test_bad_import_requests_are_clear_4xx(tenant_a, notified, api_runtime):
    assert tenant_a.post("/api/contacts/imports", {"file_name": "a.csv", "size": 0}).status_code == 422
    r = tenant_a.post("/api/contacts/imports", {"file_name": "a.csv", "size": 10, "mapping": {"a": "name"}})
    assert r.status_code == 422 and "telefone" in r.json()["message"]
    r = tenant_a.post("/api/contacts/imports", {"file_name": "a.csv", "size": 10,
                                                "mapping": {"a": "phone", "b": "field:nope"}})
    assert r.status_code == 422 and "nope" in r.json()["message"]
    assert tenant_a.get(f"/api/contacts/imports/{uuid.uuid4()}").status_code == 404
    result = run_import(tenant_a, api_runtime.bus, b"a,b\n1,2\n", {"x": "phone"})
    assert result["status"] == "failed" and "colunas ausentes" in result["message"]


def test_import_over_rabbitmq(tenant_a, notified, api_runtime, rabbitmq_url):
    """The S3 event body (SQS-shaped) travels over RabbitMQ; the poller path hands it to the same handler."""
    from alrea.adapters.rabbitmq.bus import RabbitBus
    from alrea.local.pollers import QueuePoller

    rabbit = RabbitBus(rabbitmq_url, prefix=f"test-{uuid.uuid4().hex[:10]}.")
    try:
        import_id = upload(tenant_a, b"telefone;nome\n11 91234-0001;Um\n11 91234-0002;Dois\n", None)
        moved = 0
        for _ in range(10):
            for d in api_runtime.bus.receive(QUEUE, max_messages=10, wait_s=1):
                rabbit.publish(QUEUE, d.json())
                api_runtime.bus.ack(d)
                moved += "Records" in d.json()
            if moved:
                break
        poller = QueuePoller(registry.by_name(QUEUE), rabbit,
                             lambda fn, event: handler()(event, LambdaContext(QUEUE, 512, 900)), region="us-east-1")
        for _ in range(10):  # the s3:TestEvent (skipped by the handler) and the upload's event
            deliveries = rabbit.receive(QUEUE, max_messages=10, wait_s=1)
            if not deliveries:
                break
            assert not poller.dispatch(deliveries)
        result = tenant_a.get(f"/api/contacts/imports/{import_id}").json()
        assert result["status"] == "done" and result["counts"]["imported"] == 2
    finally:
        rabbit.delete_queues()
        rabbit.close()
