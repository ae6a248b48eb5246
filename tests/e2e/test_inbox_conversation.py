"""The conversation as an attendant uses it: reply to (quote) a customer's message, react with 👍, insert an
emoji from the picker at the caret, edit the contact (name, tags) and the conversation's labels from the contact
panel, and reopen a closed chat from where the composer would be.

Chromium (system binary) against the `platform` fixture (a real ``alrea dev``: API, WebSocket, SPA, the
Evolution simulator). What WhatsApp received is read back from the simulator (``platform.sent()``).
Screenshots land in test-artifacts/conversation-*.png.
"""
from __future__ import annotations

import time
import uuid
from typing import Any, Callable

import pytest
from playwright.sync_api import Page, expect

from browsing import shot as _shot
from test_inbox import LIVE_TIMEOUT_MS, conversation_row, new_phone, sign_in

pytestmark = pytest.mark.e2e


def shot(page: Page, name: str) -> None:
    _shot(page, name, prefix="conversation")


def wait_sent(platform, match: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
    deadline = time.monotonic() + 20
    while True:
        found = [s for s in platform.sent() if match(s)]
        if found:
            return found[-1]
        assert time.monotonic() < deadline, f"the simulator never received {what}"
        time.sleep(0.2)


def test_reply_react_emoji_contact_panel_and_reopen(page: Page, platform, page_errors):
    customer = f"Cliente {uuid.uuid4().hex[:6]}"
    phone = new_phone()
    question = f"Vocês têm o tênis 42 em azul? #{uuid.uuid4().hex[:4]}"
    sign_in(page, platform.agent_email, platform.password)
    page.get_by_role("tablist", name="Situação").get_by_role("tab", name="Pendentes").click()
    wamid = platform.inject(phone, question, push_name=customer)["key"]["id"]

    row = conversation_row(page, customer)
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(row.get_by_test_id("contact-avatar")).to_be_visible()
    row.click()
    chat = page.get_by_test_id("chat-pane")
    expect(chat.get_by_test_id("chat-title")).to_have_text(customer)
    # the profile picture (cached from WhatsApp in S3, served by a presigned URL) in the header and the panel
    expect(chat.get_by_test_id("contact-avatar-image")).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(page.get_by_test_id("contact-panel").get_by_test_id("contact-avatar-image")).to_be_visible()
    chat.get_by_role("button", name="Assumir").click()
    expect(page.get_by_test_id("contact-assignee")).to_have_text("Alice Atendente")
    shot(page, "01-chat-open")

    # Reply: hover the customer's message → "Responder" → the composer shows the quote; send it.
    asked = chat.locator(f'[data-testid=message-bubble][data-message-id="{wamid}"]')
    expect(asked).to_contain_text(question)
    asked.hover()
    actions = chat.locator(f'[data-testid=message-actions][data-message-id="{wamid}"]')
    actions.get_by_role("button", name="Responder").click()
    quote = chat.get_by_test_id("composer-quote")
    expect(quote).to_contain_text(question)
    expect(quote).to_contain_text(customer)
    composer = chat.get_by_test_id("composer-input")
    expect(composer).to_be_focused()
    # Esc cancels the reply; "Responder" again brings it back
    composer.press("Escape")
    expect(quote).to_have_count(0)
    asked.hover()
    actions.get_by_role("button", name="Responder").click()
    expect(quote).to_contain_text(question)
    shot(page, "02-replying")
    answer = f"Temos sim, no 42! #{uuid.uuid4().hex[:4]}"
    composer.fill(answer)
    composer.press("Enter")
    expect(composer).to_have_value("")
    expect(quote).to_have_count(0)
    mine = chat.get_by_test_id("message-bubble").filter(has_text=answer)
    expect(mine).to_have_attribute("data-direction", "out")
    expect(mine.get_by_test_id("message-quote")).to_contain_text(question)
    expect(mine.get_by_test_id("message-quote")).to_contain_text(customer)
    sent = wait_sent(platform, lambda s: s.get("text") == answer, "the reply")
    assert sent["quoted"]["key"]["id"] == wamid, sent
    assert sent["quoted"]["key"]["fromMe"] is False and sent["quoted"]["message"] == {"conversation": question}
    expect(mine.get_by_test_id("message-ticks")).not_to_have_attribute("data-status", "pending",
                                                                      timeout=LIVE_TIMEOUT_MS)
    # The customer answers quoting our reply (WhatsApp's contextInfo): that bubble shows the quote too.
    platform.inject(phone, "Perfeito, vou querer!", push_name=customer, quoted_id=sent["id"])
    theirs = chat.locator("[data-testid=message-bubble][data-direction=in]").filter(has_text="Perfeito, vou querer!")
    expect(theirs.get_by_test_id("message-quote")).to_contain_text(answer, timeout=LIVE_TIMEOUT_MS)
    expect(theirs.get_by_test_id("message-quote")).to_contain_text("Você")
    shot(page, "03-reply-sent")

    # React 👍 on the customer's message: shown on the bubble, received by WhatsApp (the simulator).
    asked.hover()
    actions.get_by_role("button", name="Reagir").click()
    page.get_by_test_id("reaction-picker").get_by_role("menuitem", name="Reagir com 👍").click()
    expect(asked.get_by_test_id("message-reactions")).to_have_text("👍", timeout=LIVE_TIMEOUT_MS)
    reaction = wait_sent(platform, lambda s: s.get("type") == "reactionMessage" and s["key"]["id"] == wamid,
                         "the reaction")
    assert reaction["reaction"] == "👍" and reaction["key"]["fromMe"] is False, reaction
    shot(page, "04-reacted")

    # The emoji picker inserts at the caret.
    composer.fill("Olá mundo")
    composer.evaluate("el => el.setSelectionRange(4, 4)")
    chat.get_by_role("button", name="Emoji").click()
    picker = page.get_by_test_id("emoji-picker")
    grinning = picker.locator('[data-epr-unified="1f600"]').first
    expect(grinning).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    shot(page, "05-emoji-picker")
    grinning.click()
    expect(composer).to_have_value("Olá 😀mundo")
    page.keyboard.press("Escape")
    expect(picker).to_have_count(0)
    composer.fill("")

    # The contact panel: rename the contact, tag it, label the conversation; list and header follow.
    panel = page.get_by_test_id("contact-panel")
    form = panel.get_by_test_id("contact-form")
    expect(form.get_by_label("Nome")).to_have_value(customer, timeout=LIVE_TIMEOUT_MS)
    renamed = f"{customer} Souza"
    form.get_by_label("Nome").fill(renamed)
    form.get_by_label("Etiquetas do contato (separadas por vírgula)").fill("vip, calçados")
    form.get_by_role("button", name="Salvar contato").click()
    expect(chat.get_by_test_id("chat-title")).to_have_text(renamed, timeout=LIVE_TIMEOUT_MS)
    page.get_by_role("tablist", name="Situação").get_by_role("tab", name="Abertas").click()
    expect(conversation_row(page, renamed)).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    panel.get_by_label("Nova etiqueta da conversa").fill("troca")
    panel.get_by_role("button", name="Adicionar etiqueta").click()
    expect(panel.get_by_test_id("conversation-tag")).to_have_text("troca")
    expect(panel.get_by_test_id("contact-campaigns")).to_be_visible()
    shot(page, "06-contact-panel")
    page.reload()  # what was saved is what the server answers
    page.get_by_role("tablist", name="Situação").get_by_role("tab", name="Abertas").click()
    conversation_row(page, renamed).click()
    expect(chat.get_by_test_id("chat-title")).to_have_text(renamed)
    expect(panel.get_by_test_id("conversation-tag")).to_have_text("troca")
    expect(panel.get_by_test_id("contact-form").get_by_label("Etiquetas do contato (separadas por vírgula)")
           ).to_have_value("calçados, vip")

    # Narrow screens: the same panel is a drawer opened from the chat header.
    page.set_viewport_size({"width": 900, "height": 900})
    expect(panel).to_have_count(0)
    chat.get_by_role("button", name="Contato").click()
    expect(page.get_by_test_id("contact-panel").get_by_test_id("contact-panel-name")).to_have_text(renamed)
    shot(page, "07-contact-drawer")
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("contact-panel")).to_have_count(0)
    page.set_viewport_size({"width": 1440, "height": 900})

    # A closed chat says why nothing can be typed, and reopens right there.
    chat.get_by_role("button", name="Encerrar").click()
    notice = chat.get_by_test_id("closed-chat-notice")
    expect(notice).to_contain_text("Conversa encerrada — reabra para responder.")
    expect(composer).to_be_disabled()
    shot(page, "08-closed")
    notice.get_by_role("button", name="Reabrir").click()
    expect(notice).to_have_count(0)
    expect(composer).to_be_enabled()
    composer.fill("De volta!")
    expect(composer).to_have_value("De volta!")
    shot(page, "09-reopened")

    # The contacts page shows the new name with the same picture.
    page.goto("/contacts")
    page.get_by_placeholder("Buscar por nome ou telefone").fill(renamed)
    contact_row = page.get_by_role("row").filter(has_text=renamed)
    expect(contact_row).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(contact_row.get_by_test_id("contact-avatar-image")).to_be_visible()
    shot(page, "10-contacts-page")
    assert not page_errors, page_errors
