"""A manager builds an image campaign with the live WhatsApp-style preview, runs it on two numbers, one of them
drops mid-run, and the campaign completes on the other (issue 16).

Setup through the public API (a second number connected at the simulator, a tag of fresh contacts); what is
checked is what the manager sees, cross-checked with what the simulator received. Screenshots land in
test-artifacts/.
"""
from __future__ import annotations

import re
import secrets
import time

import httpx
import pytest
from playwright.sync_api import Page, expect

from browsing import shot as _shot, open_inbox
from test_campaigns import admin_client, connected_number, digits, items, simulator_url, tagged_contacts

pytestmark = pytest.mark.e2e
RUN_TIMEOUT_MS = 60_000


def shot(page: Page, name: str) -> None:
    _shot(page, name, prefix="campaign-media")


def allow_numbers(api: httpx.Client, platform, count: int) -> None:
    """The demo tenant's plan allows one number: raise its limit in the platform's own table (no API changes
    plans; billing will)."""
    import jwt

    from alrea.store.base import bind
    from alrea.store.tenants import set_limits

    moto = re.search(r'"message":"moto started".*?"url":"(http://[^"]+)"', platform.log())
    assert moto, "alrea dev did not log its moto URL"
    claims = jwt.decode(api.headers["Authorization"].split()[1], options={"verify_signature": False})
    bind(table_name="alrea", host=moto.group(1))
    set_limits(claims["tid"], max_numbers=count)


def second_number(api: httpx.Client, platform) -> dict:
    """A fresh number, connected now (so it is warming up), to be dropped mid-campaign."""
    allow_numbers(api, platform, 5)
    created = api.post("/instances", json={"name": f"Reserva {secrets.token_hex(2)}"})
    assert created.status_code == 201, created.text
    instance = created.json()
    scan = httpx.post(f"{simulator_url(platform)}/_sim/instances/{instance['evolution_name']}/scan", json={},
                      timeout=10)
    assert scan.status_code == 200, scan.text
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        found = [i for i in items(api.get("/instances").json()) if i["id"] == instance["id"]]
        if found and found[0].get("state") == "open":
            return found[0]
        time.sleep(0.3)
    raise AssertionError(f"number {instance['name']} did not connect")


def test_image_campaign_with_preview_completes_with_a_number_failing_over(page: Page, platform, tmp_path,
                                                                           page_errors: list[str]):
    from alrea.simulator import payloads

    api = admin_client(platform)
    main = connected_number(api, platform)
    spare = second_number(api, platform)
    tag = f"midia-{secrets.token_hex(3)}"
    contacts = tagged_contacts(api, tag, 8)
    image = tmp_path / "oferta.png"
    image.write_bytes(payloads.png())
    name = f"Oferta com imagem {tag}"

    # The manager signs in and opens a new campaign.
    page.goto("/login")
    page.get_by_label("E-mail").fill(platform.manager_email)
    page.get_by_label("Senha").fill(platform.password)
    page.get_by_role("button", name="Entrar").click()
    open_inbox(page)
    page.goto("/campaigns/new")

    # Mensagem: text with a variable and an emoji, then the image; the preview shows both, live.
    page.get_by_label("Nome da campanha").fill(name)
    text = page.get_by_label("Mensagem")
    text.fill("Olá {{nome}}, *oferta* só hoje! ")
    preview = page.get_by_test_id("whatsapp-preview")
    expect(preview.get_by_test_id("preview-text")).to_have_text("Olá Maria, oferta só hoje!")
    expect(preview.locator("strong")).to_have_text("oferta")  # WhatsApp's *bold*
    text.focus()
    page.keyboard.press("End")
    page.get_by_role("button", name="Emoji").click()
    grinning = page.get_by_test_id("emoji-picker").locator('[data-epr-unified="1f600"]').first
    expect(grinning).to_be_visible(timeout=20_000)
    grinning.click()
    expect(text).to_have_value(re.compile(r"só hoje! 😀$"))
    page.keyboard.press("Escape")
    page.get_by_test_id("campaign-media-input").set_input_files(str(image))
    expect(page.get_by_test_id("campaign-media")).to_contain_text("oferta.png")
    expect(preview.get_by_test_id("preview-image")).to_be_visible()
    expect(preview.get_by_test_id("preview-text")).to_contain_text("Olá Maria, oferta só hoje! 😀")
    expect(page.get_by_label("Legenda")).to_be_visible()  # with a file, the text is its caption
    expect(page.get_by_test_id("char-count")).to_have_text(re.compile(r"^\d+ / 1024 caracteres$"))
    assert preview.get_by_test_id("preview-image").evaluate("img => img.complete && img.naturalWidth > 0")
    shot(page, "01-message-preview")
    next_step = page.get_by_role("button", name="Próximo")
    next_step.click()

    # Público.
    page.get_by_role("button", name=re.compile(re.escape(tag))).click()
    expect(page.get_by_test_id("audience-count")).to_have_attribute("data-count", "8")
    next_step.click()

    # Números: both; the one connected today is warming up.
    page.get_by_role("checkbox", name=main["name"]).check()
    page.get_by_role("checkbox", name=spare["name"]).check()
    spare_card = page.get_by_test_id("campaign-numbers").locator("label").filter(has_text=spare["name"])
    expect(spare_card.get_by_test_id("number-warmup")).to_have_text(
        re.compile(r"Este número está em aquecimento: até \d+ envios hoje"))
    shot(page, "02-numbers-warmup")
    next_step.click()

    # Ritmo: 2–3 s per number, open all day every day.
    page.get_by_label("Mínimo (segundos)").fill("2")
    page.get_by_label("Máximo (segundos)").fill("3")
    page.get_by_label("Início").fill("00:00")
    page.get_by_label("Término").fill("00:00")
    days = page.get_by_role("group", name="Dias da semana").get_by_role("button")
    for i in range(days.count()):
        if days.nth(i).get_attribute("aria-pressed") != "true":
            days.nth(i).click()
    page.get_by_label("Limite diário por número").fill("100")
    next_step.click()
    next_step.click()  # Agendamento: now

    review = page.get_by_test_id("campaign-review")
    expect(review).to_contain_text(name)
    page.get_by_role("button", name="Iniciar campanha").click()

    # Running: once a few went out, the spare number drops at the simulator.
    expect(page).to_have_url(re.compile(r"/campaigns/(?!new$)[^/]+$"))
    expect(page.get_by_test_id("campaign-status")).to_have_text("Em andamento")
    expect(page.get_by_test_id("counter-sent")).to_have_attribute("data-value", re.compile(r"^[2-7]$"),
                                                                 timeout=RUN_TIMEOUT_MS)
    dropped = httpx.post(f"{simulator_url(platform)}/_sim/instances/{spare['evolution_name']}/disconnect",
                         json={"reason": 401}, timeout=10)
    assert dropped.status_code == 200, dropped.text
    banner = page.get_by_test_id("campaign-failover")
    expect(banner).to_contain_text(spare["name"], timeout=20_000)
    expect(banner).to_contain_text("passaram para os outros números")
    expect(page.get_by_test_id("campaign-status")).to_have_text("Em andamento")  # not paused
    shot(page, "03-failover")

    # Concluída on the remaining number: everyone once, with the image and their own caption.
    expect(page.get_by_test_id("campaign-status")).to_have_text("Concluída", timeout=RUN_TIMEOUT_MS)
    expect(page.get_by_test_id("counter-sent")).to_have_attribute("data-value", "8")
    expect(page.get_by_test_id("counter-failed")).to_have_attribute("data-value", "0")
    expect(page.get_by_test_id("recipient-row")).to_have_count(8)
    shot(page, "04-completed")

    sent = httpx.get(f"{simulator_url(platform)}/_sim/sent", timeout=10).json()
    wanted = {digits(c["phone"]): c["name"].split()[0] for c in contacts}
    ours = [s for s in sent if digits(str(s.get("number", ""))) in wanted]
    assert sorted(digits(s["number"]) for s in ours) == sorted(wanted)  # each exactly once
    assert {s["mediatype"] for s in ours} == {"image"}
    assert all(s["caption"] == f"Olá {wanted[digits(s['number'])]}, *oferta* só hoje! 😀" for s in ours), ours
    assert {s["instance"] for s in ours} == {main["evolution_name"], spare["evolution_name"]}
    assert not page_errors, page_errors
