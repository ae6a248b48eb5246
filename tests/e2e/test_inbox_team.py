"""Teamwork in Flow Chat: the agent is signed in (online), a customer writes, the manager opens the pending chat,
sees the agent marked online in "Atribuir", assigns it; the agent gets it live, and when the agent opens it the
manager sees "Alice está vendo" (and the agent sees the manager) — so two people don't answer the same customer.
The agent then switches to "Ausente" and the manager's picker shows it live.

Two browser contexts (two people) against the real ``alrea dev``. Screenshots: test-artifacts/team-*.png.
"""
from __future__ import annotations

import time
import uuid

import httpx
import pytest
from playwright.sync_api import Page, expect

from browsing import shot as _shot
from test_inbox import LIVE_TIMEOUT_MS, conversation_row, new_phone, sign_in

pytestmark = pytest.mark.e2e

AGENT_NAME = "Alice Atendente"
MANAGER_NAME = "Gustavo Gerente"


def shot(page: Page, name: str) -> None:
    _shot(page, name, prefix="team")


@pytest.fixture
def agent_page(browser, platform):
    context = browser.new_context(base_url=platform.base_url, locale="pt-BR", viewport={"width": 1440, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def agent_option(page: Page):
    return page.get_by_role("dialog", name="Atribuir conversa").locator("option", has_text=AGENT_NAME)


def test_manager_assigns_to_the_online_agent_and_sees_who_is_viewing(page: Page, agent_page: Page, platform,
                                                                     page_errors):
    customer = f"Cliente {uuid.uuid4().hex[:6]}"
    phone = new_phone()

    # The agent is at work: signed in, the socket connected (online).
    sign_in(agent_page, platform.agent_email, platform.password)
    sign_in(page, platform.manager_email, platform.password)

    # A customer writes: the conversation waits in the department's queue ("Pendentes").
    platform.inject(phone, "Boa tarde, preciso de ajuda com meu pedido", push_name=customer)
    page.get_by_role("tablist", name="Situação").get_by_role("tab", name="Pendentes").click()
    row = conversation_row(page, customer)
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    row.click()
    chat = page.get_by_test_id("chat-pane")
    expect(chat.get_by_test_id("chat-title")).to_have_text(customer)

    # "Atribuir" lists the department's people with their presence: the agent is online.
    chat.get_by_role("button", name="Atribuir").click()
    dialog = page.get_by_role("dialog", name="Atribuir conversa")
    expect(dialog).to_be_visible()
    expect(agent_option(page)).to_contain_text("online", timeout=LIVE_TIMEOUT_MS)
    dialog.get_by_label("Atendente").select_option(agent_option(page).get_attribute("value"))
    shot(page, "01-assign-dialog-agent-online")
    dialog.get_by_role("button", name="Atribuir").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_text("Conversa atribuída")).to_be_visible()

    # The agent gets it in their list (open conversations) without a reload, and opens it.
    agent_row = conversation_row(agent_page, customer)
    expect(agent_row).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    shot(agent_page, "02-agent-receives-the-chat")
    agent_row.click()
    agent_chat = agent_page.get_by_test_id("chat-pane")
    expect(agent_chat.get_by_test_id("chat-title")).to_have_text(customer)

    # The manager, still on the chat, sees that the agent is on it — never their own name.
    activity = chat.get_by_test_id("team-activity")
    expect(activity).to_have_text("Alice está vendo", timeout=LIVE_TIMEOUT_MS)
    shot(page, "03-manager-sees-alice-viewing")
    expect(agent_chat.get_by_test_id("team-activity")).to_have_text("Gustavo está vendo", timeout=LIVE_TIMEOUT_MS)

    # The agent types a reply: the manager sees "digitando…".
    agent_chat.get_by_test_id("composer-input").fill("Olá! Vou verificar seu pedido.")
    expect(activity).to_have_text("Alice está digitando…", timeout=LIVE_TIMEOUT_MS)
    shot(page, "04-manager-sees-alice-typing")

    # The agent steps away ("Ausente" in the user menu): the manager's picker shows it live.
    agent_page.get_by_test_id("user-menu").click()
    agent_page.get_by_test_id("presence-away").click()
    expect(agent_page.get_by_text("Você está ausente")).to_be_visible()
    agent_page.get_by_test_id("user-menu").click()
    expect(agent_page.get_by_role("menu").get_by_text("Ausente").first).to_be_visible()
    shot(agent_page, "05-agent-away")
    agent_page.keyboard.press("Escape")
    chat.get_by_role("button", name="Atribuir").click()
    expect(agent_option(page)).to_contain_text("ausente", timeout=LIVE_TIMEOUT_MS)
    shot(page, "06-manager-sees-agent-away")
    page.keyboard.press("Escape")

    # Back from away, for the next tests.
    agent_page.get_by_test_id("user-menu").click()
    agent_page.get_by_test_id("presence-away").click()
    expect(agent_page.get_by_text("Você está disponível")).to_be_visible()
    assert page_errors == []


def customer_presence(platform, phone: str, presence: str) -> None:
    """The customer's phone reports typing / stopped (Evolution presence.update, through the simulator)."""
    r = httpx.post(f"{platform.simulator_url}/_sim/instances/{platform.demo_number}/presence",
                   json={"from": phone, "presence": presence}, timeout=10)
    r.raise_for_status()


def test_the_customer_typing_shows_under_their_name(page: Page, platform, page_errors):
    customer = f"Cliente {uuid.uuid4().hex[:6]}"
    phone = new_phone()
    sign_in(page, platform.admin_email, platform.password)
    platform.inject(phone, "Tenho uma dúvida sobre o frete", push_name=customer)
    page.get_by_role("tablist", name="Situação").get_by_role("tab", name="Pendentes").click()
    row = conversation_row(page, customer)
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    row.click()
    chat = page.get_by_test_id("chat-pane")
    expect(chat.get_by_test_id("chat-title")).to_have_text(customer)
    typing = chat.get_by_test_id("customer-typing")
    expect(typing).to_have_count(0)
    # the subscription to the open chat is live once a pushed event reaches it; repeat like a phone does
    deadline = time.monotonic() + LIVE_TIMEOUT_MS / 1000
    while typing.count() == 0 and time.monotonic() < deadline:
        customer_presence(platform, phone, "composing")
        try:
            expect(typing).to_be_visible(timeout=2_000)
        except AssertionError:
            continue
    expect(typing).to_have_text("digitando…")
    shot(page, "07-customer-typing")
    customer_presence(platform, phone, "paused")
    expect(typing).to_have_count(0, timeout=LIVE_TIMEOUT_MS)
    assert page_errors == []
