"""The SPA under its Content-Security-Policy (alrea.security_headers): an agent signs in, works live over the
WebSocket, opens a conversation whose customer sent a photo, the page loads that photo from its presigned S3 URL,
and the agent browses the other pages — the page is served with the CSP and the browser reports no violation."""
from __future__ import annotations

import time
import uuid

from browsing import api_login, items, shot
from playwright.sync_api import Page, expect
from test_inbox import LIVE_TIMEOUT_MS, conversation_row, new_phone, sign_in

VIOLATIONS_JS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + e.blockedURI);
});
"""


def test_the_spa_works_under_its_content_security_policy(page: Page, platform, page_errors):
    console_violations: list[str] = []
    page.on("console", lambda m: console_violations.append(m.text)
            if "Content Security Policy" in m.text else None)
    page.add_init_script(VIOLATIONS_JS)
    served = page.request.get("/login")
    csp = served.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert served.headers["x-frame-options"] == "DENY"

    customer = f"Foto {uuid.uuid4().hex[:6]}"
    sign_in(page, platform.agent_email, platform.password)  # the live indicator needs the WebSocket (connect-src)
    page.get_by_role("tablist", name="Situação").get_by_role("tab", name="Pendentes").click()
    platform.inject(new_phone(), "", image=True, caption="Olha o produto", push_name=customer)
    row = conversation_row(page, customer)
    expect(row).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    row.click()
    expect(page.get_by_test_id("chat-pane").get_by_test_id("message-bubble").filter(has_text="Olha o produto")
           ).to_be_visible()
    # the photo's presigned S3 URL, as the SPA gets it; the page loads it as an image (img-src)
    url = presigned_photo_url(platform, customer)
    width = page.evaluate("""(url) => new Promise((done) => {
        const img = new Image(); img.onload = () => done(img.naturalWidth); img.onerror = () => done(-1);
        img.src = url; })""", url)
    assert width > 0, "the presigned S3 image did not load in the page"
    shot(page, "01-photo-under-csp", prefix="csp")
    for name in ("Contatos", "Sobre"):
        page.get_by_role("link", name=name).click()
        page.wait_for_load_state("networkidle")
    shot(page, "02-pages-under-csp", prefix="csp")

    assert page.evaluate("window.__csp") == []
    assert console_violations == []
    assert page_errors == []


def presigned_photo_url(platform, customer: str) -> str:
    with api_login(platform.base_url, platform.admin_email, platform.password) as api:
        [conversation] = [c for c in items(api.get("/api/conversations", params={"q": customer}).json())
                          if c.get("contact_name") == customer]
        [photo] = [m for m in items(api.get(f"/api/conversations/{conversation['id']}/messages").json())
                   if m.get("kind") == "image"]
        deadline = time.monotonic() + LIVE_TIMEOUT_MS / 1000
        while True:  # the download job stores the file shortly after the message
            answer = api.get(f"/api/media/{conversation['id']}/{photo['id']}")
            if answer.status_code == 200 or time.monotonic() > deadline:
                assert answer.status_code == 200, answer.text
                return answer.json()["url"]
            time.sleep(0.2)
