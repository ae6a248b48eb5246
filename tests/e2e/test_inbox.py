"""Flow Chat as an attendant uses it: a customer writes, the conversation shows up live, the agent replies,
the ticks turn blue as WhatsApp reports the read, and a transfer to Vendas takes it out of the agent's inbox.

Chromium (system binary) against the `platform` fixture (a real ``alrea dev``: API, WebSocket, SPA, the
Evolution simulator). The simulator plays the customer's phone through its control API (``/_sim/``).
Screenshots land in test-artifacts/inbox-*.png.
"""
from __future__ import annotations

import re
import time
import uuid

import pytest
from playwright.sync_api import Page, expect

from browsing import api_login, items, open_inbox
from browsing import shot as _shot

pytestmark = pytest.mark.e2e


def shot(page: Page, name: str) -> None:
    _shot(page, name, prefix="inbox")


LIVE_TIMEOUT_MS = 20_000


# ---------------------------------------------------------------- helpers shared with test_inbox_resilience.py


def new_phone() -> str:
    return "55119" + str(uuid.uuid4().int)[:8]


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Senha").fill(password)
    page.get_by_role("button", name="Entrar").click()
    open_inbox(page)
    expect(page.get_by_test_id("connection-indicator")).to_have_attribute("data-status", "connected",
                                                                          timeout=LIVE_TIMEOUT_MS)


def conversation_row(page: Page, name: str):
    return page.get_by_test_id("conversation-item").filter(has_text=name)


# ---------------------------------------------------------------- the story
def test_agent_receives_replies_sees_read_ticks_and_transfers(page: Page, platform, page_errors):
    customer = f"Cliente {uuid.uuid4().hex[:6]}"
    phone = new_phone()
    sign_in(page, platform.agent_email, platform.password)
    inbox = page.get_by_test_id("inbox")
    expect(inbox).to_be_visible()

    # New conversations wait in the department's queue: the agent looks at "Pendentes".
    page.get_by_role("tablist", name="Situação").get_by_role("tab", name="Pendentes").click()
    platform.inject(phone, "Olá! Vocês entregam no sábado?", push_name=customer)

    # It shows up by itself (no reload), unread.
    row = conversation_row(page, customer)
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(row.get_by_test_id("unread-badge")).to_have_text("1")
    expect(row.get_by_test_id("conversation-preview")).to_contain_text("entregam no sábado")
    shot(page, "01-new-conversation")

    # Opening it shows the message and reads it.
    row.click()
    chat = page.get_by_test_id("chat-pane")
    expect(chat.get_by_test_id("chat-title")).to_have_text(customer)
    expect(chat.get_by_test_id("message-bubble").filter(has_text="entregam no sábado")).to_be_visible()
    expect(chat.get_by_test_id("day-separator").first).to_have_text("Hoje")
    expect(row.get_by_test_id("unread-badge")).to_have_count(0)

    # A second message lands in the open chat live.
    platform.inject(phone, "É para o CEP 01310-100.", push_name=customer)
    expect(chat.get_by_test_id("message-bubble").filter(has_text="01310-100")).to_be_visible(timeout=LIVE_TIMEOUT_MS)

    # The agent takes it, leaves an internal note, and replies with a quick reply ("/" opens them) + Enter.
    chat.get_by_role("button", name="Assumir").click()
    expect(page.get_by_test_id("contact-assignee")).to_have_text("Alice Atendente")
    composer = chat.get_by_test_id("composer-input")
    chat.get_by_role("button", name="Nota interna").click()
    composer.fill("Cliente VIP, priorizar")
    composer.press("Enter")
    note = chat.locator("[data-testid=message-bubble][data-kind=note]").filter(has_text="Cliente VIP")
    expect(note).to_contain_text("Nota interna")
    chat.get_by_role("button", name="Nota interna").click()

    reply = f"Entregamos sim! Pedido {uuid.uuid4().hex[:4]}"
    shortcut = f"/entrega{uuid.uuid4().hex[:4]}"
    with api_login(platform.base_url, platform.admin_email, platform.password) as admin:
        created = admin.post("/api/quick-replies", json={"shortcut": shortcut, "text": reply})
        assert created.status_code == 201, created.text
    composer.press_sequentially(shortcut[:6])
    suggestions = chat.get_by_role("listbox", name="Respostas rápidas")
    expect(suggestions.get_by_role("option").filter(has_text=shortcut)).to_be_visible()
    composer.press_sequentially(shortcut[6:])
    composer.press("Enter")  # picks the highlighted reply
    expect(composer).to_have_value(reply)
    composer.press("Enter")  # sends
    expect(composer).to_have_value("")
    mine = chat.get_by_test_id("message-bubble").filter(has_text=reply)
    expect(mine).to_have_attribute("data-direction", "out")

    # The phone (simulator) receives exactly that text, and the ticks reach "read" (blue) as receipts arrive.
    deadline = time.monotonic() + 20
    while not any(s.get("text") == reply for s in platform.sent()):
        assert time.monotonic() < deadline, "the simulator never received the reply"
        time.sleep(0.2)
    sent = [s for s in platform.sent() if s.get("text") == reply]
    assert len(sent) == 1 and sent[0]["number"].endswith(phone[-8:]), sent
    assert not any("Cliente VIP" in str(x.get("text")) for x in platform.sent()), "a note reached WhatsApp"
    ticks = mine.get_by_test_id("message-ticks")
    expect(ticks).to_have_attribute("data-status", "read", timeout=LIVE_TIMEOUT_MS)
    expect(ticks).to_have_attribute("aria-label", "Lida")
    expect(ticks).to_have_class(re.compile(r"text-sky-500"))
    shot(page, "02-reply-read")

    # Now it is the agent's open conversation.
    page.get_by_role("tablist", name="Situação").get_by_role("tab", name="Abertas").click()
    expect(conversation_row(page, customer)).to_be_visible()
    expect(conversation_row(page, customer).get_by_test_id("conversation-preview")).to_contain_text(reply)

    # Transfer to Vendas: it leaves this agent's list (and the open chat closes).
    chat.get_by_role("button", name="Transferir").click()
    dialog = page.get_by_role("dialog", name="Transferir conversa")
    dialog.get_by_label("Departamento").select_option(label="Vendas")
    dialog.get_by_role("button", name="Transferir").click()
    expect(conversation_row(page, customer)).to_have_count(0)
    expect(page.get_by_test_id("chat-pane")).to_have_count(0)
    for tab in ("Pendentes", "Abertas"):
        page.get_by_role("tablist", name="Situação").get_by_role("tab", name=tab).click()
        expect(conversation_row(page, customer)).to_have_count(0)
    shot(page, "03-after-transfer")

    # The admin finds it waiting in Vendas' queue.
    with api_login(platform.base_url, platform.admin_email, platform.password) as admin:
        found = items(admin.get("/api/conversations", params={"status": "pending", "q": customer}).json())
        departments = {d["name"]: d["id"] for d in items(admin.get("/api/departments").json())}
    assert [c["department_id"] for c in found] == [departments["Vendas"]], found
    assert not page_errors, page_errors
