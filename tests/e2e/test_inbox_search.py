"""Inbox search as an attendant uses it: a customer writes a distinctive word; the attendant types part of it in
the inbox search box, sees the message under "Mensagens" with the word highlighted in its snippet, clicks it and
the chat opens at that conversation. On the contacts page, a contact is found by the last digits of the phone
and by a middle name. Chromium against the `platform` fixture (a real ``alrea dev``). Screenshots land in
test-artifacts/search-*.png.
"""
from __future__ import annotations

import random
import time
import uuid

import pytest
from playwright.sync_api import Page, expect

from browsing import api_login
from browsing import shot as _shot
from test_inbox import LIVE_TIMEOUT_MS, conversation_row, new_phone, sign_in

pytestmark = pytest.mark.e2e


def shot(page: Page, name: str) -> None:
    _shot(page, name, prefix="search")


def test_attendant_finds_a_message_by_part_of_a_word_and_opens_its_chat(page: Page, platform, page_errors):
    customer = f"Cliente {uuid.uuid4().hex[:6]}"
    word = f"girassol{uuid.uuid4().hex[:5]}"
    sign_in(page, platform.agent_email, platform.password)
    platform.inject(new_phone(), f"Bom dia! Vocês têm o vaso {word.upper()} em estoque para entrega amanhã?",
                    push_name=customer)
    platform.inject(new_phone(), "Qual o horário de funcionamento?", push_name=f"Outro {uuid.uuid4().hex[:4]}")
    # The conversation arrives in the department's queue ("Pendentes"): the message is stored.
    page.get_by_role("tablist", name="Situação").get_by_role("tab", name="Pendentes").click()
    expect(conversation_row(page, customer)).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    # (the word index is written right after the push that showed the row: wait until it answers)
    with api_login(platform.base_url, platform.agent_email, platform.password) as agent:
        deadline = time.monotonic() + LIVE_TIMEOUT_MS / 1000
        while not agent.get("/api/search", params={"q": word}).json()["messages"]:
            assert time.monotonic() < deadline, "the message was not indexed"
            time.sleep(0.2)

    # The attendant types the start of the word: the message shows under "Mensagens", the word highlighted.
    page.get_by_label("Buscar conversas").fill(word[:-2])
    results = page.get_by_test_id("search-messages")
    hit = results.get_by_test_id("search-message-result").filter(has_text=customer)
    expect(hit).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(hit.get_by_test_id("search-snippet")).to_contain_text(f"vaso {word.upper()} em estoque")
    expect(hit.locator("mark")).to_have_text(word[:-2].upper())
    expect(results.get_by_test_id("search-message-result")).to_have_count(1)
    expect(page.get_by_role("heading", name="Conversas")).to_be_visible()
    expect(conversation_row(page, customer)).to_have_count(0)  # its name does not have the word
    shot(page, "01-message-found")

    # Clicking it opens that conversation's chat, with the message in it.
    hit.click()
    chat = page.get_by_test_id("chat-pane")
    expect(chat.get_by_test_id("chat-title")).to_have_text(customer, timeout=LIVE_TIMEOUT_MS)
    expect(chat.get_by_test_id("message-bubble").filter(has_text=word.upper())).to_be_visible()
    shot(page, "02-chat-opened")

    # A word nobody wrote: an empty "Mensagens" section says so.
    page.get_by_label("Buscar conversas").fill(f"inexistente{uuid.uuid4().hex[:6]}")
    expect(page.get_by_test_id("search-messages-empty")).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    assert page_errors == []


def test_contacts_page_finds_a_contact_by_the_last_digits_and_a_middle_name(page: Page, platform, page_errors):
    last = f"{random.randint(0, 9999):04d}"
    phone = f"+55 11 9{random.randint(1000, 9999)}-{last}"
    surname = f"Quintela{uuid.uuid4().hex[:4]}"
    name = f"Helena {surname} Prado"
    with api_login(platform.base_url, platform.admin_email, platform.password) as admin:
        r = admin.post("/api/contacts", json={"phone": phone, "name": name})
        assert r.status_code == 201, r.text
    sign_in(page, platform.admin_email, platform.password)
    page.goto("/contacts")
    search = page.get_by_label("Buscar contatos")
    table = page.get_by_test_id("contacts-table")

    digits = phone[-6:].replace("-", "")  # e.g. "1-2345" -> the last five digits
    search.fill(digits)
    row = table.get_by_test_id("contact-row").filter(has_text=name)
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    shot(page, "03-contact-by-last-digits")

    search.fill(surname.lower())
    expect(table.get_by_test_id("contact-row")).to_have_count(1, timeout=LIVE_TIMEOUT_MS)
    expect(row).to_be_visible()
    shot(page, "04-contact-by-middle-name")
    assert page_errors == []
