"""Notifications centre and the account screens in Chromium against ``alrea dev``.

- an agent away from the inbox sees the bell count a conversation assigned to them, and opening it clears it;
- an admin creates, edits and deletes a quick reply and uses it in a chat;
- a new tenant's admin connects a number (the onboarding checklist ticks), sees the campaign auto-pause alert
  as a toast and in the centre, then disconnects and deletes the number.
"""
from __future__ import annotations

import re
import secrets
import time
from uuid import uuid4

import httpx
import pytest
from playwright.sync_api import Page, expect

from browsing import api_login, items, log_in, shot, open_inbox

pytestmark = pytest.mark.e2e
PREFIX = "notifications"


def _user_id(api: httpx.Client, email: str) -> str:
    return next(u["id"] for u in items(api.get("/api/users").json()) if u["email"] == email)


def _conversation_of(api: httpx.Client, phone: str) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for c in items(api.get("/api/conversations", params={"limit": 50}).json()):
            if (c.get("phone") or "").lstrip("+") == phone:
                return c["id"]
        time.sleep(0.3)
    raise AssertionError(f"no conversation for {phone}")


def test_bell_counts_an_assignment_made_while_the_agent_is_elsewhere(page: Page, platform, page_errors):
    page.goto("/login")
    log_in(page, platform.agent_email, platform.password)
    open_inbox(page)
    sidebar = page.get_by_role("complementary", name="Menu principal")
    # an agent's menu has no Campanhas (it would only lead to "Acesso restrito")
    expect(sidebar.get_by_role("link", name="Campanhas")).to_have_count(0)
    sidebar.get_by_role("link", name="Contatos").click()
    expect(page).to_have_url(re.compile(r"/contacts$"))
    expect(page.get_by_test_id("connection-indicator")).to_have_text("Conectado", timeout=20_000)
    expect(page.get_by_test_id("notification-count")).to_have_count(0)

    phone = f"55119{secrets.randbelow(10**8):08d}"
    with api_login(platform.base_url, platform.admin_email, platform.password) as admin:
        platform.inject(phone, "Olá, preciso de ajuda com meu pedido", push_name="Cliente Sino")
        cid = _conversation_of(admin, phone)
        r = admin.post(f"/api/conversations/{cid}/assign", json={"user_id": _user_id(admin, platform.agent_email)})
        assert r.status_code == 200, r.text

    expect(page.get_by_test_id("notification-count")).to_have_text("1")
    toast = page.locator("[data-sonner-toast]").filter(has_text="Nova conversa para você")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text("Cliente Sino")
    shot(page, "01-bell-counts", prefix=PREFIX)

    page.get_by_test_id("notification-bell").click()
    centre = page.get_by_test_id("notification-centre")
    expect(centre).to_be_visible()
    first = centre.get_by_test_id("notification-item").first
    expect(first).to_contain_text("Nova conversa para você")
    expect(first).to_contain_text("Cliente Sino")
    expect(page.get_by_test_id("notification-count")).to_have_count(0)  # cleared on open
    page.wait_for_timeout(500)  # the panel's slide-in, for the screenshot
    shot(page, "02-centre-open", prefix=PREFIX)
    first.click()  # goes to the conversation
    expect(page).to_have_url(re.compile(rf"/inbox/{cid}$"))
    assert not page_errors, page_errors


def test_admin_creates_edits_deletes_a_quick_reply_and_uses_it_in_a_chat(page: Page, platform, page_errors):
    shortcut = f"e2e{secrets.token_hex(2)}"
    phone = f"55119{secrets.randbelow(10**8):08d}"
    platform.inject(phone, "Oi, qual o horário de vocês?", push_name="Cliente Atalho")
    with api_login(platform.base_url, platform.admin_email, platform.password) as admin:
        cid = _conversation_of(admin, phone)

    page.goto("/login")
    log_in(page, platform.admin_email, platform.password)
    open_inbox(page)
    page.get_by_role("complementary", name="Menu principal").get_by_role("link", name="Respostas rápidas").click()
    expect(page).to_have_url(re.compile(r"/settings/quick-replies$"))

    page.get_by_role("button", name="Nova resposta").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Atalho").fill(shortcut)
    dialog.get_by_label("Mensagem").fill("Atendemos de segunda a sexta.")
    dialog.get_by_role("button", name="Salvar").click()
    row = page.get_by_test_id("quick-reply-row").filter(has_text=f"/{shortcut}")
    expect(row).to_contain_text("Atendemos de segunda a sexta.")

    row.get_by_role("button", name=f"Ações para /{shortcut}").click()
    page.get_by_role("menuitem", name="Editar").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Mensagem").fill("Atendemos de segunda a sábado, das 8h às 18h.")
    dialog.get_by_role("button", name="Salvar").click()
    expect(row).to_contain_text("das 8h às 18h")
    shot(page, "03-quick-replies", prefix=PREFIX)

    # use it in a chat: "/" + shortcut, pick it, send
    page.goto(f"/inbox/{cid}")
    composer = page.get_by_test_id("composer-input")
    composer.fill(f"/{shortcut}")
    popup = page.get_by_test_id("quick-replies")
    expect(popup).to_contain_text("das 8h às 18h")
    popup.get_by_role("option").first.dispatch_event("mousedown")
    expect(composer).to_have_value("Atendemos de segunda a sábado, das 8h às 18h.")
    composer.press("Enter")
    expect(page.locator("[data-sonner-toast]").filter(has_text="Mensagem enviada!")).to_be_visible()
    expect(page.get_by_text("Atendemos de segunda a sábado, das 8h às 18h.").first).to_be_visible()
    shot(page, "04-quick-reply-used", prefix=PREFIX)

    page.goto("/settings/quick-replies")
    row = page.get_by_test_id("quick-reply-row").filter(has_text=f"/{shortcut}")
    row.get_by_role("button", name=f"Ações para /{shortcut}").click()
    page.get_by_role("menuitem", name="Excluir").click()
    page.get_by_role("dialog").get_by_role("button", name="Excluir").click()
    expect(row).to_have_count(0)
    assert not page_errors, page_errors


def _sim(platform, path: str, body: dict | None = None) -> dict:
    r = httpx.post(f"{platform.simulator_url}/_sim/instances/{path}", json=body or {}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def _wait(fn, what: str, timeout_s: float = 20):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = fn()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(what)


def test_new_tenant_onboarding_auto_pause_alert_and_number_removal(page: Page, platform, page_errors):
    email = f"e2e.{uuid4().hex[:10]}@padaria.com.br"
    password = "Pao-Quente-Sovado-2026!"
    signup = httpx.post(f"{platform.base_url}/api/auth/signup", timeout=15, json={
        "company": "Padaria Sino", "name": "Paula Dona", "email": email, "password": password})
    assert signup.status_code == 201, signup.text

    page.goto("/login")
    log_in(page, email, password)
    open_inbox(page)
    onboarding = page.get_by_test_id("onboarding")
    expect(onboarding).to_be_visible()
    expect(page.get_by_test_id("onboarding-progress")).to_have_text("0 de 4")
    expect(page.get_by_test_id("onboarding-step-connect_number")).to_have_attribute("data-done", "false")
    expect(page.get_by_test_id("no-number-hint")).to_contain_text("Nenhum número conectado")
    expect(page.get_by_test_id("plan-badge")).to_have_text("Professional (teste)")
    shot(page, "05-new-tenant", prefix=PREFIX)

    # connect a number: the first-run hint leads there; the QR is "scanned" at the simulator
    page.get_by_test_id("no-number-hint").get_by_role("link", name="Conectar um número").click()
    expect(page).to_have_url(re.compile(r"/settings/numbers$"))
    page.get_by_role("button", name="Adicionar número").first.click()
    page.get_by_role("dialog").get_by_label("Nome").fill("padaria-centro")
    page.get_by_role("dialog").get_by_role("button", name="Adicionar").click()
    with api_login(platform.base_url, email, password) as api:
        number = _wait(lambda: items(api.get("/api/instances").json()), "the number was not created")[0]
        _sim(platform, f"{number['evolution_name']}/scan")
        _wait(lambda: api.get(f"/api/instances/{number['id']}").json()["state"] == "open", "not connected")
        page.keyboard.press("Escape")
        expect(page.get_by_test_id("onboarding-step-connect_number")).to_have_attribute("data-done", "true")
        expect(page.get_by_test_id("onboarding-progress")).to_have_text(re.compile(r"^[1-4] de 4$"))
        shot(page, "06-checklist-ticked", prefix=PREFIX)

        # this number distributes its conversations automatically, whatever the company's default
        card = page.get_by_test_id("instance-card").filter(has_text="padaria-centro")
        switch = card.get_by_role("switch", name="Distribuição automática em padaria-centro")
        expect(switch).not_to_be_checked()
        switch.click()
        expect(page.locator("[data-sonner-toast]").filter(has_text="ligada neste número")).to_be_visible()
        expect(switch).to_be_checked()
        expect(card.get_by_role("button", name="Seguir o padrão da empresa")).to_be_visible()
        assert items(api.get("/api/number-settings").json())[0]["override"] is True
        card.get_by_role("button", name="Renomear").click()
        page.get_by_role("dialog").get_by_label("Nome").fill("padaria-centro")
        page.get_by_role("dialog").get_by_role("button", name="Salvar").click()
        expect(page.locator("[data-sonner-toast]").filter(has_text="Número renomeado")).to_be_visible()

        # a running campaign on it, then the number drops: the campaign pauses and the admin is told
        tag = f"sino{secrets.token_hex(2)}"
        for i in range(3):
            assert api.post("/api/contacts", json={"phone": f"+55119{secrets.randbelow(10**8):08d}",
                                                   "name": f"Cliente {i}", "tags": [tag]}).status_code == 201
        campaign = api.post("/api/campaigns", json={
            "name": "Pão de queijo", "variants": [{"text": "Fornada nova saindo!"}], "audience": {"tags": [tag]},
            "instance_ids": [number["id"]],
            "pacing": {"min_delay_s": 600, "max_delay_s": 900, "window_start": "00:00", "window_end": "23:59",
                       "weekdays": [0, 1, 2, 3, 4, 5, 6], "daily_cap_per_number": 200}})
        assert campaign.status_code == 201, campaign.text
        started = api.post(f"/api/campaigns/{campaign.json()['id']}/start")
        assert started.status_code == 200, started.text
        _sim(platform, f"{number['evolution_name']}/disconnect", {"reason": 401})

        alert = page.locator("[data-sonner-toast]").filter(has_text="pausada")
        expect(alert).to_be_visible(timeout=20_000)
        expect(alert).to_contain_text("Pão de queijo")
        shot(page, "07-auto-pause-toast", prefix=PREFIX)
        page.get_by_test_id("notification-bell").click()
        centre = page.get_by_test_id("notification-centre")
        expect(centre.get_by_test_id("notification-item").filter(has_text="Campanha “Pão de queijo” pausada")
               ).to_be_visible()
        expect(centre.get_by_test_id("notification-item").filter(has_text="Número desconectado")).to_be_visible()
        expect(page.get_by_test_id("notification-count")).to_have_count(0)
        page.wait_for_timeout(500)  # the panel's slide-in, for the screenshot
        shot(page, "08-auto-pause-centre", prefix=PREFIX)
        page.keyboard.press("Escape")

        # connected again, then the admin disconnects and deletes it from the numbers screen
        _sim(platform, f"{number['evolution_name']}/scan")
        _wait(lambda: api.get(f"/api/instances/{number['id']}").json()["state"] == "open", "not reconnected")
    card = page.get_by_test_id("instance-card").filter(has_text="padaria-centro")
    expect(card.get_by_role("button", name="Desconectar")).to_be_visible(timeout=20_000)
    card.get_by_role("button", name="Desconectar").click()
    page.get_by_role("dialog").get_by_role("button", name="Desconectar").click()
    expect(card.get_by_role("button", name="Conectar com QR code")).to_be_visible(timeout=20_000)
    shot(page, "09-number-disconnected", prefix=PREFIX)
    card.get_by_role("button", name="Excluir").click()
    page.get_by_role("dialog").get_by_role("button", name="Excluir").click()
    expect(page.get_by_test_id("instance-card")).to_have_count(0)
    expect(page.get_by_text("Nenhum número conectado")).to_be_visible()
    # once seen done, the step stays ticked
    expect(page.get_by_test_id("onboarding-step-connect_number")).to_have_attribute("data-done", "true")
    shot(page, "10-number-deleted", prefix=PREFIX)
    assert not page_errors, page_errors


def test_profile_contacts_and_pt_br_validation(page: Page, platform, page_errors):
    """A manager renames themself and turns a notification kind off; creates a contact (the form speaks
    pt-BR, not the browser's language) and deletes it."""
    page.goto("/login")
    page.get_by_role("button", name="Entrar").click()  # empty form: the browser's check, in our words
    message = page.get_by_label("E-mail").evaluate("el => el.validationMessage")
    assert message == "Preencha este campo.", message
    log_in(page, platform.manager_email, platform.password)
    open_inbox(page)
    page.get_by_test_id("user-menu").click()
    expect(page.get_by_role("menu")).to_contain_text("Gerente")
    page.get_by_role("menuitem", name="Meu perfil").click()
    expect(page).to_have_url(re.compile(r"/settings/profile$"))

    name = page.get_by_label("Nome", exact=True)
    original = name.input_value()
    name.fill("   ")
    expect(page.get_by_role("button", name="Salvar nome")).to_be_disabled()
    name.fill(f"{original} Silva")
    page.get_by_role("button", name="Salvar nome").click()
    expect(page.get_by_test_id("user-menu")).to_contain_text(f"{original} Silva")
    prefs = page.get_by_test_id("notification-preferences")
    expect(prefs.get_by_text("Número desconectado")).to_have_count(0)  # admins only
    switch = prefs.get_by_role("switch", name="Campanha concluída")
    expect(switch).to_be_checked()
    switch.click()
    expect(page.locator("[data-sonner-toast]").filter(has_text="Preferências de notificação salvas")).to_be_visible()
    expect(switch).not_to_be_checked()
    shot(page, "11-profile", prefix=PREFIX)
    with api_login(platform.base_url, platform.manager_email, platform.password) as api:
        assert api.get("/api/notifications/preferences").json()["muted"] == ["campaign_completed"]
        api.put("/api/notifications/preferences", json={"muted": []})
        assert api.patch("/api/me/profile", json={"name": original}).status_code == 200

    page.get_by_role("complementary", name="Menu principal").get_by_role("link", name="Contatos").click()
    page.get_by_role("button", name="Novo contato").click()
    dialog = page.get_by_role("dialog")
    phone_input = dialog.get_by_label("Telefone")
    phone_input.fill("1234")
    phone_input.blur()
    expect(dialog).to_contain_text("Informe o telefone com DDD")
    expect(dialog.get_by_role("button", name="Criar contato")).to_be_disabled()
    email_input = dialog.get_by_label("E-mail")
    email_input.fill("nao-e-email")
    expect(dialog).to_contain_text("Informe um e-mail válido.")
    email_input.fill("")
    phone = f"119{secrets.randbelow(10**8):08d}"
    phone_input.fill(phone)
    dialog.get_by_label("Nome", exact=True).fill("Contato Criado E2E")
    shot(page, "12-new-contact", prefix=PREFIX)
    dialog.get_by_role("button", name="Criar contato").click()
    expect(page.locator("[data-sonner-toast]").filter(has_text="Contato criado")).to_be_visible()
    drawer = page.get_by_role("dialog")
    expect(drawer).to_contain_text("Contato Criado E2E")
    drawer.get_by_role("button", name="Excluir contato").click()
    page.get_by_role("dialog").filter(has_text="Excluir Contato Criado E2E?").get_by_role("button", name="Excluir").click()
    expect(page.locator("[data-sonner-toast]").filter(has_text="Contato excluído")).to_be_visible()
    page.get_by_label("Buscar contatos").fill(phone)
    expect(page.get_by_test_id("contact-row").filter(has_text="Contato Criado E2E")).to_have_count(0)
    shot(page, "13-contact-deleted", prefix=PREFIX)
    assert not page_errors, page_errors
