"""A list whose request fails says so — "Não foi possível carregar …" with "Tentar novamente" — instead of
pretending to be empty; once the API answers again, "Tentar novamente" shows the real content (or the real
empty state). The failures are made in the browser (page.route answering 500 or aborting the request).
Screenshots: test-artifacts/errors-*.png.
"""
from __future__ import annotations

import uuid
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, Route, expect

from browsing import api_login
from browsing import shot as _shot
from test_inbox import LIVE_TIMEOUT_MS, conversation_row, new_phone, sign_in

pytestmark = pytest.mark.e2e


def shot(page: Page, name: str) -> None:
    _shot(page, name, prefix="errors")


def list_request(path: str):
    """A route matcher for GET <path> (query strings allowed), and nothing below it."""
    return lambda url: urlparse(url).path == path


def fail_500(route: Route) -> None:
    if route.request.method != "GET":
        route.fallback()
        return
    route.fulfill(status=500, json={"error": "internal", "message": "Erro interno simulado."})


def abort(route: Route) -> None:
    if route.request.method != "GET":
        route.fallback()
        return
    route.abort("connectionrefused")


def error_state(page: Page):
    return page.get_by_test_id("error-state")


def test_campaigns_list_failure_then_retry_shows_the_real_list(page: Page, platform, page_errors):
    sign_in(page, platform.admin_email, platform.password)
    matcher = list_request("/api/campaigns")
    page.route(matcher, fail_500)
    page.goto("/campaigns")
    expect(error_state(page)).to_contain_text("Não foi possível carregar as campanhas")
    expect(page.get_by_text("Nenhuma campanha ainda")).to_have_count(0)  # never the empty state on a failure
    expect(error_state(page).get_by_role("button", name="Tentar novamente")).to_be_visible()
    shot(page, "01-campaigns-failed")
    page.unroute(matcher, fail_500)
    error_state(page).get_by_role("button", name="Tentar novamente").click()
    expect(error_state(page)).to_have_count(0)
    expect(page.get_by_test_id("campaigns-table").or_(page.get_by_text("Nenhuma campanha ainda"))).to_be_visible()
    shot(page, "02-campaigns-after-retry")
    assert page_errors == []


def test_contacts_list_failure_then_retry_shows_the_contacts(page: Page, platform, page_errors):
    name = f"Contato Erro {uuid.uuid4().hex[:5]}"
    with api_login(platform.base_url, platform.admin_email, platform.password) as api:
        assert api.post("/api/contacts", json={"name": name, "phone": new_phone()}).status_code in (200, 201)
    sign_in(page, platform.admin_email, platform.password)
    matcher = list_request("/api/contacts")
    page.route(matcher, abort)  # the network, not the server, fails this time
    page.goto("/contacts")
    expect(error_state(page)).to_contain_text("Não foi possível carregar os contatos")
    expect(page.get_by_text("Importe um CSV para começar")).to_have_count(0)
    shot(page, "03-contacts-failed")
    page.unroute(matcher, abort)
    error_state(page).get_by_role("button", name="Tentar novamente").click()
    expect(page.get_by_test_id("contact-row").filter(has_text=name)).to_be_visible()
    expect(error_state(page)).to_have_count(0)
    shot(page, "04-contacts-after-retry")
    assert page_errors == []


def test_conversation_list_failure_then_retry_shows_the_conversations(page: Page, platform, page_errors):
    customer = f"Cliente {uuid.uuid4().hex[:6]}"
    platform.inject(new_phone(), "Vocês fazem entrega?", push_name=customer)
    matcher = list_request("/api/conversations")
    page.route(matcher, fail_500)
    sign_in(page, platform.admin_email, platform.password)
    listing = page.get_by_test_id("conversation-list")
    expect(listing.get_by_test_id("error-state")).to_contain_text("Não foi possível carregar as conversas")
    expect(page.get_by_test_id("conversation-list-empty")).to_have_count(0)
    shot(page, "05-conversations-failed")
    page.unroute(matcher, fail_500)
    page.get_by_role("tablist", name="Situação").get_by_role("tab", name="Pendentes").click()
    expect(conversation_row(page, customer)).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(listing.get_by_test_id("error-state")).to_have_count(0)
    # and with the default tab again, through the button itself
    page.route(matcher, fail_500)
    page.get_by_role("tablist", name="Situação").get_by_role("tab", name="Abertas").click()
    expect(listing.get_by_test_id("error-state")).to_be_visible()
    page.unroute(matcher, fail_500)
    listing.get_by_role("button", name="Tentar novamente").click()
    expect(listing.get_by_test_id("error-state")).to_have_count(0)
    expect(listing.get_by_test_id("conversation-item").first.or_(
        page.get_by_test_id("conversation-list-empty"))).to_be_visible()
    shot(page, "06-conversations-after-retry")
    assert page_errors == []


def test_settings_users_failure_then_retry(page: Page, platform, page_errors):
    sign_in(page, platform.admin_email, platform.password)
    matcher = list_request("/api/users")
    page.route(matcher, fail_500)
    page.goto("/settings/users")
    expect(error_state(page)).to_contain_text("Não foi possível carregar os usuários")
    shot(page, "07-users-failed")
    page.unroute(matcher, fail_500)
    error_state(page).get_by_role("button", name="Tentar novamente").click()
    expect(page.get_by_test_id("users-table")).to_contain_text("Alice Atendente")
    assert page_errors == []
