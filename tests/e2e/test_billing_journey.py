"""Billing as an admin lives it, on `alrea dev` with its fake Stripe: Configurações → Plano e cobrança →
"Assinar" → the (fake) hosted checkout → "Pagar" → back in the SPA with the plan active and its invoice; then a
renewal's payment fails and every page shows the past-due banner with the days left.
Screenshots: test-artifacts/billing-*.png."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from browsing import log_in
from browsing import shot as _shot

pytestmark = pytest.mark.e2e

PASSWORD = "Frase-de-teste-segura-2026"


def shot(page: Page, name: str) -> None:
    _shot(page, name, prefix="billing")


def operator(*args: str) -> str:
    """``alrea tenants …`` as an operator types it: it finds the running `alrea dev` through its data dir."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALREA_", "AWS_ENDPOINT_URL"))}
    done = subprocess.run([sys.executable, "-m", "alrea.local.cli", "tenants", *args], env=env, timeout=60,
                          cwd=Path(__file__).resolve().parents[2], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def stripe_url(platform) -> str:
    found = re.search(r"Stripe\s+(http://\S+)", platform.log())
    assert found, "alrea dev's banner names no fake Stripe"
    return found.group(1)


def test_an_admin_subscribes_through_checkout_and_sees_the_past_due_banner(page: Page, platform,
                                                                           page_errors: list[str]):
    from alrea.domain.billing import local_prices
    from alrea.domain.plans import PLANS

    plan = next(p.split(":")[1] for p in local_prices().values() if p.startswith("plan:"))
    email = f"cobranca.{uuid.uuid4().hex[:8]}@exemplo.com.br"
    with httpx.Client(base_url=platform.base_url, timeout=15) as http:
        answer = http.post("/api/auth/signup", json={"company": "Padaria Pão Quente", "name": "Rita Dona",
                                                     "email": email, "password": PASSWORD})
        assert answer.status_code == 201, answer.text
    page.goto("/login")
    log_in(page, email, PASSWORD)
    expect(page.get_by_test_id("app-shell")).to_be_visible()
    page.get_by_role("link", name="Plano e cobrança").click()
    expect(page).to_have_url(re.compile(r"/settings/billing$"))
    expect(page.get_by_role("heading", name="Plano e cobrança")).to_be_visible()
    expect(page.get_by_test_id("billing-status")).to_have_text("Sem assinatura")
    expect(page.get_by_text("Nenhuma fatura ainda.")).to_be_visible()
    page.get_by_label("Sense (análise IA)").check()
    shot(page, "01-before")

    page.get_by_test_id(f"checkout-{plan}").click()
    expect(page).to_have_url(re.compile(re.escape(stripe_url(platform)) + r"/checkout/cs_test_"))
    expect(page.get_by_role("heading", name="Assinar")).to_be_visible()
    expect(page.get_by_text("Adicional Sense")).to_be_visible()
    expect(page.get_by_text(email)).to_be_visible()
    shot(page, "02-checkout")
    page.get_by_role("button", name="Pagar").click()

    expect(page).to_have_url(re.compile(r"/settings/billing$"))  # back, the query consumed
    expect(page.get_by_text("Assinatura confirmada. Obrigado!")).to_be_visible()
    expect(page.get_by_test_id("billing-plan")).to_have_text(PLANS[plan].title)
    expect(page.get_by_test_id("billing-status")).to_have_text("Ativa")
    expect(page.get_by_text("Adicionais: Sense (análise IA)")).to_be_visible()
    expect(page.get_by_role("cell", name="Paga")).to_be_visible()
    expect(page.get_by_role("button", name="Gerenciar pagamento")).to_be_visible()
    expect(page.get_by_test_id("past-due-banner")).to_have_count(0)
    shot(page, "03-subscribed")

    # the renewal's charge fails: the grace period starts, every page shows the banner with the days left
    fake = stripe_url(platform)
    customer = httpx.get(f"{platform.base_url}/api/billing", timeout=10,
                         headers={"Authorization": "Bearer " + page.evaluate(
                             "JSON.parse(localStorage.getItem('alrea-auth')).state.access")}).json()
    assert customer["has_customer"] is True
    events = httpx.get(f"{fake}/_fake/events", timeout=10).json()["events"]
    (created,) = [e["data"]["object"] for e in events if e["type"] == "customer.subscription.created"
                  and e["data"]["object"]["metadata"].get("tenant_id") == answer.json()["tenant"]["id"]]
    httpx.post(f"{fake}/_fake/customers/{created['customer']}/fail_next_payment", timeout=10).raise_for_status()
    httpx.post(f"{fake}/_fake/subscriptions/{created['id']}/renew", timeout=30).raise_for_status()

    page.goto("/inbox")
    banner = page.get_by_test_id("past-due-banner")
    expect(banner).to_contain_text("Pagamento pendente: regularize em até 7 dias")
    expect(banner.get_by_role("link", name="Regularizar pagamento")).to_be_visible()
    shot(page, "04-past-due-banner")
    banner.get_by_role("link", name="Regularizar pagamento").click()
    expect(page.get_by_test_id("billing-status")).to_have_text("Pagamento pendente")
    expect(page.get_by_role("cell", name="Em aberto")).to_be_visible()
    shot(page, "05-past-due-billing")

    httpx.post(f"{fake}/_fake/subscriptions/{created['id']}/pay", timeout=30).raise_for_status()
    page.reload()
    expect(page.get_by_test_id("billing-status")).to_have_text("Ativa")
    expect(page.get_by_test_id("past-due-banner")).to_have_count(0)

    # an operator suspends the tenant: read-only, the import button disabled and saying why
    tenant_id = answer.json()["tenant"]["id"]
    assert tenant_id in operator("list")
    operator("suspend", tenant_id, "--reason", "contrato vencido")
    page.goto("/contacts")
    expect(page.get_by_test_id("past-due-banner")).to_contain_text("Conta suspensa")
    expect(page.get_by_role("button", name="Importar CSV")).to_be_disabled()
    expect(page.get_by_test_id("read-only-hint")).to_have_attribute("title", re.compile("Conta suspensa"))
    shot(page, "06-suspended")
    operator("reactivate", tenant_id)
    page.reload()
    expect(page.get_by_role("button", name="Importar CSV")).to_be_enabled()
    expect(page.get_by_test_id("past-due-banner")).to_have_count(0)
    assert page_errors == []
