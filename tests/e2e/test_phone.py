"""Flow Chat on a phone (390×844): list → chat → back button → list; chat again → the browser's Back → list.
The chat header keeps every action on screen (they collapse into a "⋯" menu), and the contacts table becomes
cards. Screenshots: test-artifacts/phone-*.png.
"""
from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Locator, Page, expect

from browsing import api_login, open_inbox
from browsing import shot as _shot
from test_inbox import LIVE_TIMEOUT_MS, conversation_row, new_phone

pytestmark = pytest.mark.e2e

WIDTH, HEIGHT = 390, 844


def shot(page: Page, name: str) -> None:
    _shot(page, name, prefix="phone")


@pytest.fixture
def phone_page(browser, platform, page_errors):
    context = browser.new_context(base_url=platform.base_url, locale="pt-BR", viewport={"width": WIDTH, "height": HEIGHT},
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    yield page
    context.close()


def sign_in(page: Page, platform) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(platform.admin_email)
    page.get_by_label("Senha").fill(platform.password)
    page.get_by_role("button", name="Entrar").click()
    open_inbox(page)


def assert_on_screen(locator: Locator) -> None:
    """Every match is visible and entirely inside the viewport (nothing clipped or pushed off-screen)."""
    count = locator.count()
    assert count > 0
    for i in range(count):
        item = locator.nth(i)
        expect(item).to_be_visible()
        box = item.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["y"] >= 0, box
        assert box["x"] + box["width"] <= WIDTH + 0.5 and box["y"] + box["height"] <= HEIGHT + 0.5, box


def test_phone_list_chat_navigation_and_header(phone_page: Page, platform, page_errors):
    page = phone_page
    customer = f"Cliente {uuid.uuid4().hex[:6]}"
    sign_in(page, platform)
    platform.inject(new_phone(), "Oi, vocês abrem no feriado?", push_name=customer)
    page.get_by_role("tablist", name="Situação").get_by_role("tab", name="Pendentes").click()
    row = conversation_row(page, customer)
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    shot(page, "01-list")

    # list → chat: the chat fills the screen, the list is gone, the URL names the conversation
    row.click()
    chat = page.get_by_test_id("chat-pane")
    expect(chat.get_by_test_id("chat-title")).to_have_text(customer)
    expect(page.get_by_test_id("conversation-list")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/inbox/[0-9a-f-]{36}$"))
    header = chat.locator("header")
    assert_on_screen(header.get_by_role("button"))
    assert_on_screen(chat.get_by_test_id("chat-title"))
    assert_on_screen(page.get_by_test_id("composer-input"))
    expect(chat.get_by_test_id("chat-actions")).to_be_hidden()  # the wide-screen buttons collapsed …
    chat.get_by_test_id("chat-actions-menu").click()  # … into "⋯"
    menu = page.get_by_role("menu")
    for action in ("Assumir", "Atribuir", "Transferir", "Encerrar"):
        expect(menu.get_by_role("menuitem", name=action)).to_be_visible()
    assert_on_screen(menu.get_by_role("menuitem"))
    shot(page, "02-chat-actions-menu")
    page.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    shot(page, "03-chat")

    # the back button → the list
    chat.get_by_test_id("chat-back").click()
    expect(row).to_be_visible()
    expect(chat).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/inbox$"))

    # open again → the browser's Back → the list
    row.click()
    expect(chat.get_by_test_id("chat-title")).to_have_text(customer)
    page.go_back()
    expect(row).to_be_visible()
    expect(page.get_by_test_id("chat-pane")).to_be_hidden()
    expect(page).to_have_url(re.compile(r"/inbox$"))
    # … and Forward opens it again (the URL is the source of truth)
    page.go_forward()
    expect(page.get_by_test_id("chat-pane").get_by_test_id("chat-title")).to_have_text(customer)
    shot(page, "04-forward-again")

    # an action from the "⋯" menu works on the phone: the admin takes the conversation
    page.get_by_test_id("chat-actions-menu").click()
    page.get_by_role("menu").get_by_role("menuitem", name="Assumir").click()
    expect(page.get_by_text("Conversa assumida")).to_be_visible()
    assert page_errors == []


def test_phone_contacts_are_cards(phone_page: Page, platform, page_errors):
    page = phone_page
    name = f"Contato Cartão {uuid.uuid4().hex[:5]}"
    with api_login(platform.base_url, platform.admin_email, platform.password) as api:
        r = api.post("/api/contacts", json={"name": name, "phone": new_phone(), "tags": ["vip"]})
        assert r.status_code in (200, 201), r.text
    sign_in(page, platform)
    page.goto("/contacts")
    page.get_by_placeholder("Buscar por nome ou telefone").fill(name)  # other journeys add contacts too
    card = page.get_by_test_id("contact-card").filter(has_text=name)
    expect(card).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(page.get_by_test_id("contacts-table")).to_be_hidden()
    assert_on_screen(card)
    expect(card).to_contain_text("vip")
    shot(page, "05-contacts-cards")
    card.click()
    expect(page.get_by_role("dialog")).to_be_visible()
    assert page_errors == []
