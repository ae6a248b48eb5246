"""Sense and reports in Chromium against ``alrea dev`` (issue 17): a manager lands on the dashboard, opens the
unhappy customers from it and sees the mood badge on a conversation that turned negative (and the message's
label on hover), opens a campaign's analytics (its rates and set-up) and duplicates it, and opens a number's
health."""
from __future__ import annotations

import re
import secrets
import time

import pytest
from playwright.sync_api import Page, expect

from browsing import api_login, items, log_in, shot

pytestmark = pytest.mark.e2e
PREFIX = "reports"


def _negative_conversation(api, phone: str) -> dict:
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        for c in items(api.get("/api/conversations", params={"mood": "neg", "status": "pending", "limit": 50}).json()):
            if (c.get("phone") or "").lstrip("+") == phone:
                return c
        time.sleep(0.5)
    raise AssertionError(f"no negative conversation for {phone}")


def test_manager_dashboard_unhappy_customer_campaign_analytics_and_number_health(page: Page, platform, page_errors):
    phone = f"55119{secrets.randbelow(10**8):08d}"
    customer = f"Cliente Bravo {secrets.token_hex(2)}"
    with api_login(platform.base_url, platform.admin_email, platform.password) as admin:
        assert admin.put("/api/sense/settings", json={"enabled": True}).status_code == 200
        platform.inject(phone, "Oi, boa tarde", push_name=customer)
        platform.inject(phone, "Péssimo atendimento, ninguém resolve meu problema 😡", push_name=customer)
        conv = _negative_conversation(admin, phone)
        service = next(d for d in items(admin.get("/api/departments").json()) if d["name"] == "Atendimento")
        r = admin.post(f"/api/conversations/{conv['id']}/transfer", json={"department_id": service["id"]})
        assert r.status_code == 200, r.text
        number = next(i for i in items(admin.get("/api/instances").json()) if i.get("name") == "Loja Demo")
        created = admin.post("/api/campaigns", json={
            "name": f"Análise E2E {secrets.token_hex(2)}", "variants": [{"text": "Oi {{nome}}!"}],
            "audience": {"tags": [f"e2e-{secrets.token_hex(3)}"]}, "instance_ids": [number["id"]]})
        assert created.status_code in (200, 201), created.text
        campaign = created.json()

    # the manager lands on the dashboard
    page.goto("/login")
    log_in(page, platform.manager_email, platform.password)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("heading", name="Painel")).to_be_visible()
    stats = page.get_by_test_id("dashboard-stats")
    expect(stats.get_by_test_id("stat-opened")).to_contain_text("Conversas abertas hoje")
    expect(page.get_by_test_id("day-bars")).to_be_visible()
    ticks = page.get_by_test_id("day-bars").get_attribute("data-ticks") or ""
    assert all(t.isdigit() for t in ticks.split(",")), ticks  # counts: whole-number ticks
    expect(page.get_by_test_id("mood-neg")).not_to_have_attribute("data-value", "0")
    shot(page, "01-dashboard", prefix=PREFIX)

    # "Ver clientes insatisfeitos" → the inbox filtered, the conversation's badge says it
    page.get_by_role("link", name="Ver clientes insatisfeitos").click()
    expect(page).to_have_url(re.compile(r"/inbox"))
    expect(page.get_by_test_id("filter-unhappy")).to_have_attribute("aria-pressed", "true")
    row = page.locator(f'[data-testid="conversation-item"][data-conversation-id="{conv["id"]}"]')
    expect(row).to_be_visible(timeout=15_000)
    badge = row.get_by_test_id("mood-badge")
    expect(badge).to_have_attribute("data-mood", "neg")
    expect(badge).to_have_text("Insatisfeito")
    row.click()
    bubble = page.locator('[data-testid="message-bubble"][data-sentiment="neg"]').last
    expect(bubble).to_be_visible()
    bubble.hover()
    expect(bubble.get_by_test_id("message-mood")).to_have_attribute("data-mood", "neg")
    shot(page, "02-inbox-unhappy", prefix=PREFIX)

    # a campaign's analytics
    page.goto(f"/campaigns/{campaign['id']}")
    rates = page.get_by_test_id("campaign-rates")
    expect(rates).to_be_visible()
    expect(rates.get_by_test_id("rate-delivered")).to_contain_text("Taxa de entrega")
    expect(page.get_by_test_id("campaign-setup").get_by_test_id("setup-variant")).to_have_text("Oi {{nome}}!")
    shot(page, "03-campaign-analytics", prefix=PREFIX)
    # "Duplicar": a draft copy opens in the editor
    page.get_by_test_id("campaign-duplicate").click()
    expect(page).to_have_url(re.compile(r"/campaigns/[0-9a-f-]{36}/edit$"))
    assert campaign["id"] not in page.url

    # a number's health, from the dashboard
    page.get_by_role("complementary", name="Menu principal").get_by_role("link", name="Painel").click()
    page.get_by_role("link", name="Saúde dos números").click()
    expect(page).to_have_url(re.compile(r"/reports/numbers$"))
    page.get_by_test_id("numbers-health").get_by_role("link", name="Loja Demo").click()
    health = page.get_by_test_id("number-health")
    expect(health).to_be_visible()
    expect(health.get_by_test_id("health-sent-today")).to_contain_text("/ ")
    expect(page.get_by_role("heading", name=re.compile("Saúde do número"))).to_be_visible()
    shot(page, "04-number-health", prefix=PREFIX)
    assert page_errors == []


def test_admin_tests_the_sense_analyzer_in_settings(page: Page, platform, page_errors):
    page.goto("/login")
    log_in(page, platform.admin_email, platform.password)
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    page.get_by_role("complementary", name="Menu principal").get_by_role("link", name="Sense").click()
    expect(page).to_have_url(re.compile(r"/settings/sense$"))
    form = page.get_by_test_id("sense-settings")
    expect(form).to_be_visible()
    form.get_by_label("Frase de teste").fill("não gostei, o pedido veio quebrado 😡")
    form.get_by_role("button", name="Testar").click()
    result = page.get_by_test_id("sense-test-result")
    expect(result).to_have_attribute("data-label", "neg")
    expect(result).to_contain_text("Negativo")
    # the HTTP analyzer's fields, the secret write-only
    form.get_by_label("Analisador").select_option("http")
    expect(form.get_by_label("URL do endpoint")).to_be_visible()
    expect(form.get_by_label(re.compile("Segredo"))).to_have_attribute("type", "password")
    shot(page, "05-sense-settings", prefix=PREFIX)
    assert page_errors == []
