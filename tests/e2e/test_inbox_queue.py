"""Every customer seen: the inbox opens on "Atender" (my queue + my open chats), a customer's FIRST message shows
up there live with a count on the tab, a chime and the unread count in the browser tab's title; and what one
person reads never clears another's badge.

Chromium against the `platform` fixture (a real ``alrea dev`` with the Evolution simulator).
Screenshots land in test-artifacts/queue-*.png.
"""
from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from browsing import api_login
from browsing import shot as _shot
from test_inbox import LIVE_TIMEOUT_MS, conversation_row, new_phone, sign_in

pytestmark = pytest.mark.e2e


def shot(page: Page, name: str) -> None:
    _shot(page, name, prefix="queue")


def tab(page: Page, name: str):
    return page.get_by_role("tablist", name="Situação").get_by_role("tab", name=re.compile(f"^{name}"))


def title_for(unread: int) -> str:
    return f"({unread}) ALREA Flow" if unread else "ALREA Flow"


def count_of(page: Page, locator) -> int:
    """A tab's count as shown now (0 when the tab shows none)."""
    counts = locator.get_by_test_id("tab-count")
    return int(counts.inner_text()) if counts.count() else 0


def test_a_first_message_lands_in_the_default_view_with_counts_and_title(page: Page, platform, page_errors):
    customer = f"Primeira {uuid.uuid4().hex[:6]}"
    phone = new_phone()
    sign_in(page, platform.agent_email, platform.password)

    # The inbox opens on "Atender". Other journeys of this platform may have left chats in the agent's queue:
    # the counts below are relative to what the screen shows before the customer writes.
    expect(tab(page, "Atender")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_label("Ordenar conversas")).to_have_value("newest")
    expect(page.get_by_role("button", name="Ativar notificações")).to_be_visible()
    expect(page.get_by_role("switch", name="Som de novas mensagens")).to_be_checked()
    page.wait_for_load_state("networkidle")
    # the counts the server has now, shown on the tabs before they are read (a count still loading reads 0)
    with api_login(platform.base_url, platform.agent_email, platform.password) as agent_api:
        counts = agent_api.get("/api/conversations/counts").json()
    for name, key in (("Atender", "inbox"), ("Pendentes", "pending")):
        shown = tab(page, name).get_by_test_id("tab-count")
        expect(shown).to_have_text(str(counts[key])) if counts[key] else expect(shown).to_have_count(0)
    unread_tab = page.get_by_role("button", name=re.compile("^Não lidas"))
    atender0, pendentes0, unread0 = (count_of(page, tab(page, "Atender")), count_of(page, tab(page, "Pendentes")),
                                     count_of(page, unread_tab))
    expect(page).to_have_title(title_for(unread0))
    chimes = int(page.get_by_test_id("inbox-alerts").get_attribute("data-chimes") or "0")

    # A new customer writes for the first time: it shows up here, live, counted, and the title says so.
    platform.inject(phone, "Oi! Vocês trabalham com entrega?", push_name=customer)
    row = conversation_row(page, customer)
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(row.get_by_test_id("unread-badge")).to_have_text("1")
    expect(row.get_by_test_id("wait-timer")).to_have_attribute("data-level", "ok")
    expect(row.get_by_test_id("wait-timer")).to_have_text(re.compile(r"agora|há \d+ min"))
    expect(tab(page, "Atender").get_by_test_id("tab-count")).to_have_text(str(atender0 + 1), timeout=LIVE_TIMEOUT_MS)
    expect(tab(page, "Pendentes").get_by_test_id("tab-count")).to_have_text(str(pendentes0 + 1))
    expect(unread_tab.get_by_test_id("tab-count")).to_have_text(str(unread0 + 1))
    expect(page).to_have_title(title_for(unread0 + 1), timeout=LIVE_TIMEOUT_MS)
    expect(page.get_by_test_id("inbox-alerts")).to_have_attribute("data-chimes", str(chimes + 1))
    shot(page, "01-first-message-in-default-view")

    # Opening it reads it: the badge goes and the title is restored.
    row.click()
    expect(page.get_by_test_id("chat-pane").get_by_test_id("message-bubble").filter(
        has_text="entrega")).to_be_visible()
    expect(row.get_by_test_id("unread-badge")).to_have_count(0)
    expect(page).to_have_title(title_for(unread0), timeout=LIVE_TIMEOUT_MS)

    # The agent answers: the customer is no longer waiting (the timer goes).
    composer = page.get_by_test_id("chat-pane").get_by_test_id("composer-input")
    composer.fill("Trabalhamos sim!")
    composer.press("Enter")
    expect(row.get_by_test_id("wait-timer")).to_have_count(0, timeout=LIVE_TIMEOUT_MS)

    # The sound switch is remembered by this browser.
    page.get_by_role("switch", name="Som de novas mensagens").click()
    page.reload()
    expect(page.get_by_role("switch", name="Som de novas mensagens")).not_to_be_checked()
    page.get_by_role("switch", name="Som de novas mensagens").click()
    shot(page, "02-answered")
    assert not page_errors, page_errors


def test_b_agent_badge_survives_a_manager_reading_the_chat(page: Page, browser, platform, page_errors):
    customer = f"Badge {uuid.uuid4().hex[:6]}"
    phone = new_phone()
    sign_in(page, platform.agent_email, platform.password)
    platform.inject(phone, "Preciso de um orçamento", push_name=customer)
    platform.inject(phone, "Para 30 unidades", push_name=customer)
    agent_row = conversation_row(page, customer)
    expect(agent_row.get_by_test_id("unread-badge")).to_have_text("2", timeout=LIVE_TIMEOUT_MS)

    # The manager, in another browser, glances at the chat.
    context = browser.new_context(base_url=platform.base_url, locale="pt-BR", viewport={"width": 1440, "height": 900})
    try:
        manager = context.new_page()
        manager.set_default_timeout(15_000)
        sign_in(manager, platform.manager_email, platform.password)
        manager_row = conversation_row(manager, customer)
        expect(manager_row.get_by_test_id("unread-badge")).to_have_text("2", timeout=LIVE_TIMEOUT_MS)
        with manager.expect_response(lambda r: r.url.endswith("/read") and r.request.method == "POST") as read:
            manager_row.click()
        assert read.value.status == 200
        expect(manager_row.get_by_test_id("unread-badge")).to_have_count(0)
        expect(manager.get_by_test_id("chat-pane").get_by_test_id("message-bubble").filter(
            has_text="30 unidades")).to_be_visible()
        shot(manager, "03-manager-read")
        # and after a reload the manager's own badge stays gone
        manager.reload()
        expect(conversation_row(manager, customer)).to_be_visible(timeout=LIVE_TIMEOUT_MS)
        expect(conversation_row(manager, customer).get_by_test_id("unread-badge")).to_have_count(0)
    finally:
        context.close()

    # The agent's badge is untouched, live and after a reload.
    expect(agent_row.get_by_test_id("unread-badge")).to_have_text("2")
    page.reload()
    agent_row = conversation_row(page, customer)
    expect(agent_row).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(agent_row.get_by_test_id("unread-badge")).to_have_text("2")
    expect(page).to_have_title(re.compile(r"^\(\d+\) ALREA Flow$"), timeout=LIVE_TIMEOUT_MS)
    shot(page, "04-agent-badge-kept")
    assert not page_errors, page_errors


def test_c_admin_sets_wait_thresholds_and_timers_turn_amber_then_red(page: Page, browser, platform, page_errors):
    late, later = f"Espera {uuid.uuid4().hex[:6]}", f"Demora {uuid.uuid4().hex[:6]}"
    # Two customers whose messages were written 8 and 20 minutes ago (delivered late).
    platform.inject(new_phone(), "Ainda estou esperando", push_name=late, ago_s=8 * 60)
    platform.inject(new_phone(), "Alguém vai me atender?", push_name=later, ago_s=20 * 60)

    sign_in(page, platform.admin_email, platform.password)
    page.get_by_role("link", name="Atendimento").click()
    form = page.get_by_test_id("inbox-settings")
    warn, alert = form.get_by_label("Atenção (amarelo)"), form.get_by_label("Alerta (vermelho)")
    expect(warn).to_have_value("5")
    expect(alert).to_have_value("15")
    # a wrong pair is explained before saving
    alert.fill("4")
    expect(form.get_by_text("deve ser maior")).to_be_visible()
    expect(form.get_by_role("button", name="Salvar")).to_be_disabled()
    warn.fill("10")
    alert.fill("30")
    form.get_by_role("button", name="Salvar").click()
    expect(page.get_by_text("Configurações de atendimento salvas")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("inbox-settings").get_by_label("Atenção (amarelo)")).to_have_value("10")
    expect(page.get_by_test_id("inbox-settings").get_by_label("Alerta (vermelho)")).to_have_value("30")
    shot(page, "05-settings")

    # The agent sees both waiting, longest first when asked, with the admin's thresholds: 8 min is still
    # calm, 20 min is amber (10..30).
    agent = browser.new_context(base_url=platform.base_url, locale="pt-BR", viewport={"width": 1440, "height": 900})
    try:
        a = agent.new_page()
        a.set_default_timeout(15_000)
        sign_in(a, platform.agent_email, platform.password)
        calm, amber = conversation_row(a, late), conversation_row(a, later)
        expect(calm.get_by_test_id("wait-timer")).to_have_text(re.compile(r"há [89] min"), timeout=LIVE_TIMEOUT_MS)
        expect(calm.get_by_test_id("wait-timer")).to_have_attribute("data-level", "ok")
        expect(amber.get_by_test_id("wait-timer")).to_have_text(re.compile(r"há 2[01] min"))
        expect(amber.get_by_test_id("wait-timer")).to_have_attribute("data-level", "warn")
        a.get_by_label("Ordenar conversas").select_option("oldest")
        names = a.get_by_test_id("conversation-item")
        expect(names.first).to_contain_text(later, timeout=LIVE_TIMEOUT_MS)
        shot(a, "06-wait-timers-oldest-first")
    finally:
        agent.close()

    # Tighter thresholds: 8 min turns amber, 20 min red.
    form = page.get_by_test_id("inbox-settings")
    form.get_by_label("Atenção (amarelo)").fill("5")
    form.get_by_label("Alerta (vermelho)").fill("15")
    form.get_by_role("button", name="Salvar").click()
    expect(page.get_by_text("Configurações de atendimento salvas").first).to_be_visible()
    page.get_by_role("link", name="Flow Chat").click()
    expect(conversation_row(page, late).get_by_test_id("wait-timer")).to_have_attribute(
        "data-level", "warn", timeout=LIVE_TIMEOUT_MS)
    expect(conversation_row(page, later).get_by_test_id("wait-timer")).to_have_attribute("data-level", "alert")
    shot(page, "07-wait-timers-amber-red")
    assert not page_errors, page_errors
