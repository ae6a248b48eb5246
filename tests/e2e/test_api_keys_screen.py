"""Configurações → API as an admin uses it: create a key with scopes, see its secret once and copy it, call the
partner API with it over HTTP (the local runtime's API Gateway routes /v1 to the api function), revoke it with
confirmation, and the same secret is refused at once."""
from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from browsing import shot as _shot
from test_inbox import sign_in

pytestmark = pytest.mark.e2e


def shot(page: Page, name: str) -> None:
    _shot(page, name, prefix="api-keys")


def test_admin_creates_sees_once_uses_and_revokes_a_key(page: Page, platform, page_errors):
    sign_in(page, platform.admin_email, platform.password)
    page.goto("/settings")
    page.get_by_role("link", name="API", exact=True).click()
    expect(page).to_have_url(re.compile(r"/settings/api$"))
    expect(page.get_by_role("heading", name="API", exact=True)).to_be_visible()

    page.get_by_role("button", name="Nova chave").click()
    dialog = page.get_by_role("dialog")
    create = dialog.get_by_role("button", name="Criar chave")
    expect(create).to_be_disabled()  # a name and a scope are needed
    dialog.get_by_label("Nome").fill("Integração ERP")
    dialog.get_by_label("Ler números de WhatsApp").check()
    dialog.get_by_label("Ler contatos").check()
    shot(page, "01-create")
    create.click()

    secret_box = page.get_by_test_id("api-key-secret")
    expect(secret_box).to_have_value(re.compile(r"^alr_live_[A-Za-z0-9_-]{43,}$"))
    secret = secret_box.input_value()
    expect(page.get_by_text("não será mostrada de novo")).to_be_visible()
    shot(page, "02-secret-once")
    page.get_by_role("button", name="Já copiei").click()

    row = page.get_by_test_id("api-keys-table").get_by_role("row").filter(has_text="Integração ERP")
    expect(row).to_contain_text(secret[:15])
    expect(row).to_contain_text("numbers:read")
    expect(row).to_contain_text("Ativa")
    assert secret not in page.content()  # the list never shows the secret again

    # the partner uses it over HTTP
    with httpx.Client(base_url=platform.base_url, timeout=10) as partner:
        r = partner.get("/v1/numbers", headers={"Authorization": f"Bearer {secret}"})
        assert r.status_code == 200, r.text
        assert [n["name"] for n in r.json()["items"]], "the demo tenant has a WhatsApp number"
        assert partner.get("/v1/numbers", headers={"Authorization": "Bearer alr_live_" + "x" * 43}).status_code == 401

        page.reload()
        expect(row).not_to_contain_text("Nunca")  # last used: just now

        row.get_by_role("button", name=re.compile("Ações")).click()
        page.get_by_role("menuitem", name="Revogar").click()
        confirm = page.get_by_role("dialog")
        expect(confirm).to_contain_text("param de funcionar na hora")
        confirm.get_by_role("button", name="Revogar").click()
        expect(page.get_by_text("Chave revogada")).to_be_visible()
        expect(row).to_contain_text("Revogada")
        expect(row).not_to_contain_text("Nunca")  # when it was last used stays known
        shot(page, "03-revoked")
        assert partner.get("/v1/numbers", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert not page_errors, page_errors


def test_a_partners_message_shows_in_the_inbox_as_sent_by_the_key_and_the_reply_lands_in_the_same_chat(
        page: Page, platform, page_errors):
    """An ERP sends an order update through /v1/messages; the attendant sees the new conversation appear live,
    the message signed "API: Loja Virtual" with its ticks reaching read, and the customer's answer in the same
    chat."""
    import time
    import uuid

    from browsing import api_login

    phone = "+55119" + str(uuid.uuid4().int)[:8]
    customer = f"Cliente API {uuid.uuid4().hex[:5]}"
    text = f"Seu pedido {uuid.uuid4().hex[:5]} saiu para entrega."
    with api_login(platform.base_url, platform.admin_email, platform.password) as admin:
        made = admin.post("/api/api-keys", json={"name": "Loja Virtual",
                                                 "scopes": ["messages:send", "messages:read", "contacts:write"]})
        assert made.status_code == 201, made.text
    key = {"Authorization": f"Bearer {made.json()['secret']}"}

    sign_in(page, platform.admin_email, platform.password)
    page.get_by_role("tablist", name="Situação").get_by_role("tab", name="Pendentes").click()
    with httpx.Client(base_url=platform.base_url, timeout=15) as partner:
        assert partner.post("/v1/contacts", headers=key, json={"phone": phone, "name": customer}).status_code == 201
        sent = partner.post("/v1/messages", headers={**key, "Idempotency-Key": f"pedido-{phone}"},
                            json={"to": phone, "text": text})
        assert sent.status_code == 202, sent.text
        row = page.get_by_test_id("conversation-item").filter(has_text=customer)
        expect(row).to_be_visible(timeout=20_000)  # live, no reload
        expect(row.get_by_test_id("conversation-preview")).to_contain_text("saiu para entrega")
        row.click()
        chat = page.get_by_test_id("chat-pane")
        bubble = chat.get_by_test_id("message-bubble").filter(has_text=text)
        expect(bubble).to_have_attribute("data-direction", "out")
        expect(bubble).to_contain_text("API: Loja Virtual")
        expect(bubble.get_by_test_id("message-ticks")).to_have_attribute("data-status", "read", timeout=20_000)
        deadline = time.monotonic() + 20
        while partner.get(f"/v1/messages/{sent.json()['id']}", headers=key).json()["status"] != "read":
            assert time.monotonic() < deadline, "the partner never saw the message read"
            time.sleep(0.3)
    platform.inject(phone.lstrip("+"), "Obrigada! Chega hoje?", push_name=customer)
    expect(chat.get_by_test_id("message-bubble").filter(has_text="Chega hoje?")).to_be_visible(timeout=20_000)
    shot(page, "04-partner-message-in-inbox")
    with api_login(platform.base_url, platform.admin_email, platform.password) as admin:  # leave the queue as found
        closed = admin.post(f"/api/conversations/{sent.json()['conversation_id']}/close")
        assert closed.status_code == 200, closed.text
    assert not page_errors, page_errors
