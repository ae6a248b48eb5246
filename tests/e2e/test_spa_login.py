"""The SPA as a person uses it: sign in, see the shell go live, read the credits, list the team.

Runs Chromium (system binary) against the local runtime started by the `platform` fixture
(tests/e2e/conftest.py), which serves frontend/dist, the API and the WebSocket on one origin.
Screenshots land in test-artifacts/ (gitignored) for a human to look at.
"""
from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from browsing import shot as _shot, open_inbox
from browsing import log_in

pytestmark = pytest.mark.e2e


def shot(page: Page, name: str) -> None:
    _shot(page, name, prefix="spa")


def test_admin_signs_in_sees_live_shell_credits_and_team(page: Page, platform, page_errors: list[str]):
    admin, agent, password = platform.admin_email, platform.agent_email, platform.password

    # Without a session the app sends the visitor to the login page.
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("button", name="Entrar")).to_be_visible()
    shot(page, "01-login")

    log_in(page, admin, password)

    # The shell: an admin lands on the dashboard (issue 17), products in the sidebar, the realtime channel comes up.
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    open_inbox(page)
    expect(page.get_by_test_id("app-shell")).to_be_visible()
    sidebar = page.get_by_role("complementary", name="Menu principal")
    for label in ("Flow Chat", "Contatos", "Campanhas", "Usuários", "Departamentos", "Números", "Sobre"):
        expect(sidebar.get_by_role("link", name=label)).to_be_visible()
    # the inbox module is mounted (other e2e tests may already have created conversations)
    expect(page.get_by_test_id("conversation-list")).to_be_visible()
    indicator = page.get_by_test_id("connection-indicator")
    expect(indicator).to_have_text("Conectado", timeout=20_000)
    expect(indicator).to_have_attribute("data-status", "connected")
    expect(page.get_by_test_id("user-menu")).to_contain_text("Ana Admin")
    shot(page, "02-inbox")

    # Configurações → Sobre: the visible Evolution API credit the licence asks for.
    sidebar.get_by_role("link", name="Sobre").click()
    expect(page).to_have_url(re.compile(r"/settings/about$"))
    credit = page.get_by_test_id("evolution-credit")
    expect(credit).to_be_visible()
    expect(credit).to_contain_text("Integração com WhatsApp via Evolution API")
    expect(credit).to_contain_text("https://github.com/EvolutionAPI/evolution-api")
    expect(credit).to_contain_text("software de código aberto sob licença Apache 2.0")
    expect(credit.get_by_role("link")).to_have_attribute("href", "https://github.com/EvolutionAPI/evolution-api")
    expect(page.get_by_test_id("evolution-credit-compact")).to_have_text("Powered by Evolution API")
    expect(page.get_by_test_id("app-version")).to_have_text(re.compile(r"\d+\.\d+\.\d+"))
    shot(page, "03-about")

    # Configurações → Usuários: the demo team, read from the API.
    sidebar.get_by_role("link", name="Usuários").click()
    expect(page).to_have_url(re.compile(r"/settings/users$"))
    table = page.get_by_test_id("users-table")
    expect(table).to_be_visible()
    expect(table.get_by_role("cell", name=admin, exact=True)).to_be_visible()
    expect(table.get_by_role("cell", name=agent, exact=True)).to_be_visible()
    expect(table.get_by_text("Administrador", exact=True)).to_be_visible()
    expect(table.get_by_text("Atendente", exact=True)).to_be_visible()
    expect(indicator).to_have_text("Conectado")
    shot(page, "04-users")

    # A reload keeps the session (persisted), and "Sair" ends it.
    page.reload()
    expect(page.get_by_test_id("users-table")).to_be_visible()
    page.get_by_test_id("user-menu").click()
    page.get_by_role("menuitem", name="Sair").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto("/settings/users")
    expect(page).to_have_url(re.compile(r"/login$"))

    assert not page_errors, page_errors


def test_wrong_password_shows_the_servers_message_and_stays_on_login(page: Page, platform):
    admin = platform.admin_email
    # What the API says about a wrong password is what the person must read in the toast.
    answer = httpx.post(f"{platform.base_url}/api/auth/login", json={"email": admin, "password": "definitely-wrong"})
    assert answer.status_code == 401
    message = answer.json()["message"]
    assert message

    page.goto("/login")
    log_in(page, admin, "definitely-wrong")
    toast = page.locator("[data-sonner-toast]").first
    expect(toast).to_be_visible()
    expect(toast).to_contain_text(message)
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_test_id("app-shell")).to_have_count(0)
    shot(page, "05-login-error")


def test_agent_sees_no_admin_settings(page: Page, platform):
    agent, password = platform.agent_email, platform.password
    page.goto("/login")
    log_in(page, agent, password)
    open_inbox(page)
    sidebar = page.get_by_role("complementary", name="Menu principal")
    expect(sidebar.get_by_role("link", name="Sobre")).to_be_visible()
    expect(sidebar.get_by_role("link", name="Usuários")).to_have_count(0)
    expect(sidebar.get_by_role("link", name="Números")).to_have_count(0)
    # Typing the address does not open the page either.
    page.goto("/settings/users")
    expect(page.get_by_text("Acesso restrito")).to_be_visible()
    expect(page.get_by_test_id("users-table")).to_have_count(0)
