"""Configurações → Webhooks as an admin uses it: register an endpoint (a receiver this test starts; `alrea dev`
allows local targets), see its signing secret once, and after a customer writes to the demo number (through
the Evolution simulator) see the signed delivery in the log, then "Reenviar" it."""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import Page, expect

from browsing import shot as _shot
from test_inbox import sign_in

pytestmark = pytest.mark.e2e
LOG_TIMEOUT_MS = 30_000


def shot(page: Page, name: str) -> None:
    _shot(page, name, prefix="webhooks")


@pytest.fixture
def receiver():
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"headers": dict(self.headers), "body": body})
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/alrea", received
    server.shutdown()
    server.server_close()


def signed(secret: str, header: str, body: bytes) -> bool:
    parts = dict(item.split("=", 1) for item in header.split(","))
    expected = hmac.new(secret.encode(), f"{parts['t']}.".encode() + body, hashlib.sha256).hexdigest()
    return abs(time.time() - int(parts["t"])) <= 300 and hmac.compare_digest(expected, parts["v1"])


def refresh_until(page: Page, locator, text: str) -> None:
    deadline = time.monotonic() + LOG_TIMEOUT_MS / 1000
    while time.monotonic() < deadline:
        page.get_by_role("button", name="Atualizar entregas").click()
        try:
            expect(locator).to_contain_text(text, timeout=1500)
            return
        except AssertionError:
            continue
    expect(locator).to_contain_text(text, timeout=1)


def test_admin_registers_a_webhook_and_sees_a_delivery_in_the_log(page: Page, platform, page_errors, receiver):
    url, received = receiver
    sign_in(page, platform.admin_email, platform.password)
    page.goto("/settings")
    page.get_by_role("link", name="Webhooks", exact=True).click()
    expect(page).to_have_url(re.compile(r"/settings/webhooks$"))
    expect(page.get_by_role("heading", name="Webhooks", exact=True)).to_be_visible()

    page.get_by_role("button", name="Novo webhook").click()
    dialog = page.get_by_role("dialog")
    create = dialog.get_by_role("button", name="Criar webhook")
    expect(create).to_be_disabled()  # a URL and an event are needed
    dialog.get_by_label("URL").fill(url)
    dialog.get_by_label("Mensagem recebida").check()
    shot(page, "01-create")
    create.click()

    secret_box = page.get_by_test_id("webhook-secret")
    expect(secret_box).to_have_value(re.compile(r"^whsec_[A-Za-z0-9_-]{43,}$"))
    secret = secret_box.input_value()
    expect(page.get_by_text("não será mostrado de novo")).to_be_visible()
    page.get_by_role("button", name="Já copiei").click()
    row = page.get_by_test_id("webhooks-table").get_by_role("row").filter(has_text=url)
    expect(row).to_contain_text("message.received")
    expect(row).to_contain_text("Ativo")
    assert secret not in page.content()
    expect(page.get_by_test_id("webhook-deliveries")).to_contain_text("Nenhuma entrega")

    platform.inject("5511987650001", "Olá, quero saber do pedido")
    log = page.get_by_test_id("webhook-deliveries")
    table = page.get_by_test_id("webhook-deliveries-table")
    refresh_until(page, table, "Entregue")
    expect(table).to_contain_text("message.received")
    expect(table).to_contain_text("HTTP 204")
    shot(page, "02-delivered")
    [request] = [r for r in received if json.loads(r["body"])["type"] == "message.received"]
    assert signed(secret, request["headers"]["Alrea-Signature"], request["body"])
    assert json.loads(request["body"])["data"]["text"] == "Olá, quero saber do pedido"

    page.get_by_test_id("webhook-deliveries-table").get_by_role("button", name="Reenviar").first.click()
    expect(page.get_by_text("Entrega reenviada")).to_be_visible()
    refresh_until(page, table, "(reenvio)")
    deadline = time.monotonic() + 20
    while len(received) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(received) == 2 and received[1]["body"] == received[0]["body"]

    log.get_by_role("button", name="Entregues").click()
    expect(log.get_by_role("button", name="Entregues")).to_have_attribute("aria-pressed", "true")
    log.get_by_role("button", name="Falharam").click()
    expect(log).to_contain_text("Nenhuma entrega")
    shot(page, "03-filtered")
    assert not page_errors, page_errors
