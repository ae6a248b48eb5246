"""Login throttling as a person meets it: after repeated wrong passwords the account is locked for a while, and
even the right password is refused with a pt-BR message saying how long to wait (429 + Retry-After)."""
from __future__ import annotations

import re
import uuid

import httpx
from browsing import log_in, shot
from playwright.sync_api import Page, expect

PASSWORD = "Lento-Mas-Seguro-42"


def test_repeated_wrong_passwords_lock_the_account_for_a_while(page: Page, platform):
    # a fresh account of its own, so the demo logins other journeys use stay unlocked
    email = f"trava.{uuid.uuid4().hex[:8]}@exemplo.com.br"
    signed = httpx.post(f"{platform.base_url}/api/auth/signup", timeout=15,
                        json={"company": "Trava Ltda", "name": "Tereza", "email": email, "password": PASSWORD})
    assert signed.status_code == 201, signed.text

    page.goto("/login")
    toasts = page.locator("[data-sonner-toast]")
    for attempt in range(1, 6):  # the fifth failure locks the account
        with page.expect_response(lambda r: r.url.endswith("/api/auth/login")) as answer:
            log_in(page, email, f"senha-errada-{attempt}")
        assert answer.value.status == 401
        expect(toasts.filter(has_text="E-mail ou senha incorretos.").first).to_be_visible()
    expect(toasts).to_have_count(0, timeout=20_000)  # the earlier toasts went away: the next one stands alone
    with page.expect_response(lambda r: r.url.endswith("/api/auth/login")) as answer:
        log_in(page, email, PASSWORD)  # the right one, too soon
    assert answer.value.status == 429
    locked = toasts.filter(has_text="Muitas tentativas seguidas")
    expect(locked).to_be_visible()
    expect(locked).to_contain_text(re.compile(r"Aguarde \d+ segundos"))
    expect(locked).to_have_attribute("data-mounted", "true")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_test_id("app-shell")).to_have_count(0)
    shot(page, "01-locked", prefix="lockout")

    answer = httpx.post(f"{platform.base_url}/api/auth/login", json={"email": email, "password": PASSWORD},
                        timeout=15)
    assert answer.status_code == 429 and 1 <= int(answer.headers["Retry-After"]) <= 30
