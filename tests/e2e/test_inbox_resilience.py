"""No message is lost when the agent's connection drops mid-conversation: the SPA catches up by itself.

The page's WebSocket goes through Playwright's WebSocket routing (a proxy to the real server), so the test can
drop it the way a dying server or network does: the socket is closed, new sockets are refused, and the browser
is put offline (every HTTP call fails too — Chromium's offline emulation alone leaves an open WebSocket up).
Customers keep writing meanwhile. When the network comes back the realtime client reconnects and the inbox
resyncs (list first page + the open conversation's newest page): the test checks the chat and the list hold
every message, once, in order — without a reload.
"""
from __future__ import annotations

import time
import uuid

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect
from browsing import api_login, items
from test_inbox import LIVE_TIMEOUT_MS, conversation_row, new_phone, shot, sign_in

pytestmark = pytest.mark.e2e


def wait_stored(platform, conversation_id: str, texts: list[str], timeout_s: float = 20) -> None:
    """Until the API holds every text in the conversation (the platform processed them)."""
    with api_login(platform.base_url, platform.agent_email, platform.password) as agent:
        deadline = time.monotonic() + timeout_s
        while True:
            stored = {m.get("text") for m in items(agent.get(f"/api/conversations/{conversation_id}/messages").json())}
            if all(t in stored for t in texts):
                return
            assert time.monotonic() < deadline, f"the platform never stored {texts}; has {stored}"
            time.sleep(0.2)


class Link:
    """The page's WebSocket, proxied to the server until the test cuts it."""

    def __init__(self) -> None:
        self.down = False
        self.routes: list[WebSocketRoute] = []

    def handle(self, route: WebSocketRoute) -> None:
        if self.down:
            route.close(code=1011, reason="server unavailable")
            return
        route.connect_to_server()
        self.routes.append(route)

    def cut(self, page: Page) -> None:
        self.down = True
        page.context.set_offline(True)
        for route in self.routes:
            route.close(code=1012, reason="server restarting")
        self.routes.clear()

    def restore(self, page: Page) -> None:
        self.down = False
        page.context.set_offline(False)


def test_offline_agent_catches_up_on_every_message(page: Page, platform, page_errors):
    customer, newcomer = f"Cliente {uuid.uuid4().hex[:6]}", f"Novo {uuid.uuid4().hex[:6]}"
    phone = new_phone()
    link = Link()
    page.route_web_socket("**/ws**", link.handle)
    sign_in(page, platform.agent_email, platform.password)
    page.get_by_role("tablist", name="Situação").get_by_role("tab", name="Pendentes").click()

    platform.inject(phone, "Oi, tudo bem?", push_name=customer)
    row = conversation_row(page, customer)
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    row.click()
    chat = page.get_by_test_id("chat-pane")
    bubbles = chat.get_by_test_id("message-bubble")
    expect(bubbles.filter(has_text="Oi, tudo bem?")).to_be_visible()
    conversation_id = row.get_attribute("data-conversation-id")
    assert conversation_id

    # The agent's connection dies: the channel is down (the indicator says so).
    link.cut(page)
    indicator = page.get_by_test_id("connection-indicator")
    expect(indicator).not_to_have_attribute("data-status", "connected", timeout=LIVE_TIMEOUT_MS)

    # Meanwhile the customer writes three times and a new customer arrives.
    texts = [f"Mensagem {i} enquanto você estava fora" for i in (1, 2, 3)]
    for text in texts:
        platform.inject(phone, text, push_name=customer)
    platform.inject(new_phone(), "Alguém aí?", push_name=newcomer)
    wait_stored(platform, conversation_id, texts)
    for text in texts:  # nothing reached the page while offline: what follows is the catch-up
        expect(bubbles.filter(has_text=text)).to_have_count(0)
    expect(conversation_row(page, newcomer)).to_have_count(0)
    shot(page, "10-offline")

    # Back online: reconnect + resync, no reload.
    link.restore(page)
    expect(indicator).to_have_attribute("data-status", "connected", timeout=LIVE_TIMEOUT_MS)
    for text in texts:
        expect(bubbles.filter(has_text=text)).to_have_count(1, timeout=LIVE_TIMEOUT_MS)
    expect(conversation_row(page, newcomer)).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(row.get_by_test_id("conversation-preview")).to_contain_text(texts[-1])
    shown = [t for t in bubbles.all_inner_texts() if "enquanto você estava fora" in t or "Oi, tudo bem?" in t]
    assert [next(x for x in ["Oi, tudo bem?", *texts] if x in t) for t in shown] == ["Oi, tudo bem?", *texts], shown
    shot(page, "11-caught-up")
    assert not page_errors, page_errors
