"""Plans as a customer meets them: a company on Starter sees the modules its plan lacks locked in
the menu and an upgrade prompt in their place, and "Plano e cobrança" shows its real usage of every limit and
the plan comparison read from the catalogue."""
from __future__ import annotations

import re
import uuid

from alrea.local.seed import STARTER_EMAIL
from browsing import api_login, log_in, shot
from playwright.sync_api import Page, expect

PREFIX = "plans"


def test_a_starter_tenant_sees_locks_an_upgrade_prompt_and_its_usage(page: Page, platform, page_errors):
    # the Starter company `alrea dev` seeds next to the demo (a sign-up gets Professional in trial)
    email, password = STARTER_EMAIL, platform.password
    with api_login(platform.base_url, email, password) as api:
        for i in range(3):  # real usage for the bars
            r = api.post("/api/contacts", json={"phone": f"+5511976{uuid.uuid4().int % 10**6:06d}",
                                                "name": f"Cliente {i}"})
            assert r.status_code == 201, r.text
        contacts = api.get("/api/me").json()["usage"]["max_contacts"]["used"]
        refused = api.get("/api/api-keys")  # the server refuses what the screen locks
        assert refused.status_code == 403 and refused.json()["product"] == "api"

    page.goto("/login")
    log_in(page, email, password)
    expect(page).to_have_url(re.compile(r"/dashboard$"))  # an admin lands on the dashboard (Flow is Starter's)
    expect(page.get_by_test_id("plan-badge")).to_have_text("Starter")
    menu = page.get_by_role("navigation", name="Configurações")
    api_item = menu.get_by_role("link", name="API Bloqueado")  # the lock names itself to screen readers
    expect(api_item.get_by_test_id("nav-lock")).to_be_visible()
    expect(menu.get_by_role("link", name="Webhooks Bloqueado").get_by_test_id("nav-lock")).to_be_visible()
    products = page.get_by_role("navigation", name="Produtos")
    expect(products.get_by_role("link", name="Flow Chat").get_by_test_id("nav-lock")).to_have_count(0)

    # a locked module: the prompt in its place, and the way to the plans
    api_item.click()
    expect(page).to_have_url(re.compile(r"/settings/api$"))
    prompt = page.get_by_test_id("upgrade-prompt")
    expect(prompt).to_be_visible()
    expect(prompt).to_have_attribute("data-product", "api")
    expect(prompt).to_contain_text("API pública não faz parte do seu plano")
    expect(prompt).to_contain_text("Seu plano atual é o Starter.")
    expect(page.get_by_role("button", name="Criar chave")).to_have_count(0)
    shot(page, "01-upgrade-prompt", prefix=PREFIX)

    prompt.get_by_role("link", name="Ver planos").click()
    expect(page).to_have_url(re.compile(r"/settings/billing$"))
    expect(page.get_by_role("heading", name="Plano e cobrança")).to_be_visible()
    expect(page.get_by_test_id("current-plan-title")).to_have_text("Starter")
    expect(page.get_by_test_id("plan-status")).to_have_text("Ativo")
    expect(page.get_by_test_id("current-products")).to_have_text("Flow, Notificações")
    expect(page.get_by_test_id("usage-max_users-text")).to_have_text("1 de 1")
    expect(page.get_by_test_id("usage-max_contacts-text")).to_have_text(f"{contacts} de 1.000")
    expect(page.get_by_test_id("usage-max_numbers-text")).to_have_text("0 de 1")
    expect(page.get_by_test_id("usage-max_campaigns_per_month-text")).to_have_text("0 de 10")
    expect(page.get_by_test_id("usage-max_users")).to_contain_text("Limite do plano atingido")
    bar = page.get_by_role("progressbar", name="Contatos")
    expect(bar).to_have_attribute("aria-valuenow", str(contacts))

    table = page.get_by_test_id("plan-comparison")
    for title in ("Starter", "Professional", "Enterprise", "API Only"):
        expect(table.get_by_role("columnheader", name=re.compile(title))).to_be_visible()
    expect(page.get_by_test_id("plan-column-starter").get_by_test_id("plan-current-marker")).to_be_visible()
    expect(table.get_by_role("row", name=re.compile(r"^Usuários ativos"))).to_contain_text("Ilimitado")
    expect(page.get_by_test_id("billing-actions")).to_be_attached()  # the slot the Stripe buttons go in
    shot(page, "02-plan-and-usage", prefix=PREFIX)
    assert page_errors == []
