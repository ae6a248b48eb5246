"""What every browser test shares: Debian's Chromium flags, screenshots, and small API helpers.

Fixtures (browser, page, page_errors) live in conftest.py; these are plain functions the tests import.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import re

import httpx
from playwright.sync_api import Page, expect

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def shot(page: Page, name: str, *, prefix: str) -> None:
    """Save a full-page screenshot as test-artifacts/<prefix>-<name>.png for a person to look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{prefix}-{name}.png"), full_page=True)


def log_in(page: Page, email: str, password: str) -> None:
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Senha").fill(password)
    page.get_by_role("button", name="Entrar").click()


def open_inbox(page: Page) -> None:
    """After logging in: admins and managers land on the dashboard (issue 17), attendants in the inbox; go to
    the inbox either way (through the menu, no reload; on a phone, where the menu is a drawer, by its URL)."""
    expect(page).to_have_url(re.compile(r"/(dashboard|inbox)$"))
    if page.url.rstrip("/").endswith("/dashboard"):
        expect(page.get_by_role("heading", name="Painel")).to_be_visible()
        link = page.get_by_role("complementary", name="Menu principal").get_by_role("link", name="Flow Chat")
        if link.is_visible():
            link.click()
        else:
            page.goto("/inbox")
    expect(page).to_have_url(re.compile(r"/inbox$"))


def items(data) -> list:
    """Lists come as {"items": [...]} or a plain array."""
    return data["items"] if isinstance(data, dict) else data


@contextmanager
def api_login(base_url: str, email: str, password: str) -> Iterator[httpx.Client]:
    """An httpx client of base_url signed in as that user (Bearer access token)."""
    with httpx.Client(base_url=base_url, timeout=15) as client:
        answer = client.post("/api/auth/login", json={"email": email, "password": password})
        assert answer.status_code == 200, answer.text
        client.headers["Authorization"] = f"Bearer {answer.json()['access']}"
        yield client
