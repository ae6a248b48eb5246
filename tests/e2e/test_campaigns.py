"""A campaign as a person runs it: build it in the wizard, start it, watch it move live, pause, resume, finish.

Chromium (system binary) against the local runtime of the `platform` fixture (tests/e2e/conftest.py): the real
API, moto's Step Functions pacing the sends, the Evolution simulator receiving them and sending receipts back.
Setup goes through the public API (a tag of fresh contacts, a connected number); everything the test checks
afterwards is what the person sees, cross-checked with what the simulator really received.
Screenshots land in test-artifacts/ (gitignored).
"""
from __future__ import annotations

import csv
import io
import re
import secrets
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from browsing import shot as _shot, open_inbox

pytestmark = pytest.mark.e2e


def shot(page: Page, name: str) -> None:
    _shot(page, name, prefix="campaigns")


FIRST_NAMES = ["Ana", "Bruno", "Carla", "Diego", "Elisa", "Fábio", "Gabi", "Heitor"]
RUN_TIMEOUT_MS = 45_000


# ---------------------------------------------------------------- setup through the public API
def simulator_url(platform) -> str:
    found = re.search(r"Evolution\s+(http://\S+)\s+\(simulator\)", platform.log())
    assert found, "alrea dev did not start the Evolution simulator"
    return found.group(1).rstrip("/")


def admin_client(platform) -> httpx.Client:
    login = httpx.post(f"{platform.base_url}/api/auth/login",
                       json={"email": platform.admin_email, "password": platform.password}, timeout=10)
    assert login.status_code == 200, login.text
    return httpx.Client(base_url=platform.base_url + "/api", timeout=15,
                        headers={"Authorization": f"Bearer {login.json()['access']}"})


def items(data) -> list[dict]:
    return data if isinstance(data, list) else data.get("items", [])


def connected_number(api: httpx.Client, platform) -> dict:
    """A connected number: the demo's "Loja Demo" (the seed connects it), else one "scanned" at the simulator."""
    def numbers() -> list[dict]:
        listed = api.get("/instances")
        assert listed.status_code == 200, listed.text
        return items(listed.json())

    def wait_open(ids: set[str], timeout_s: float) -> dict | None:
        deadline = time.monotonic() + timeout_s
        while True:  # connection.update flows through the webhook pipeline
            found = [i for i in numbers() if i["id"] in ids and i.get("state") == "open"]
            if found:
                return next((i for i in found if i.get("name") == "Loja Demo"), found[0])
            if time.monotonic() > deadline:
                return None
            time.sleep(0.3)

    existing = numbers()
    if existing and (ready := wait_open({i["id"] for i in existing}, 10)):
        return ready
    if existing:
        instance = existing[0]
    else:
        created = api.post("/instances", json={"name": f"loja-e2e-{secrets.token_hex(2)}"})
        assert created.status_code == 201, created.text
        instance = created.json()
    scan = httpx.post(f"{simulator_url(platform)}/_sim/instances/{instance['evolution_name']}/scan", json={},
                      timeout=10)
    assert scan.status_code == 200, scan.text
    ready = wait_open({instance["id"]}, 20)
    assert ready, f"number {instance['name']} did not connect: {numbers()}"
    return ready


def tagged_contacts(api: httpx.Client, tag: str, count: int) -> list[dict]:
    made = []
    for i in range(count):
        phone = f"+55119{secrets.randbelow(10**8):08d}"
        answer = api.post("/contacts", json={"phone": phone, "name": f"{FIRST_NAMES[i]} Teste", "tags": [tag]})
        assert answer.status_code == 201, answer.text
        made.append(answer.json())
    return made


def campaign_of(api: httpx.Client, campaign_id: str) -> dict:
    answer = api.get(f"/campaigns/{campaign_id}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def counter(page: Page, name: str) -> int:
    return int(page.get_by_test_id(f"counter-{name}").get_attribute("data-value") or "0")


def digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)


# ---------------------------------------------------------------- the test
def test_campaign_wizard_live_progress_pause_resume_complete(page: Page, platform, page_errors: list[str]):
    api = admin_client(platform)
    number = connected_number(api, platform)
    tag = f"e2e-{secrets.token_hex(3)}"
    contacts = tagged_contacts(api, tag, 8)
    name = f"Promoção E2E {tag}"

    # Sign in and open Campanhas → Nova campanha.
    page.goto("/login")
    page.get_by_label("E-mail").fill(platform.admin_email)
    page.get_by_label("Senha").fill(platform.password)
    page.get_by_role("button", name="Entrar").click()
    open_inbox(page)
    page.get_by_role("complementary", name="Menu principal").get_by_role("link", name="Campanhas").click()
    expect(page).to_have_url(re.compile(r"/campaigns$"))
    page.get_by_role("link", name="Nova campanha").first.click()
    expect(page).to_have_url(re.compile(r"/campaigns/new$"))

    # Mensagem: a name, a text built with the variable button, a second variant with a fallback and spintax.
    next_step = page.get_by_role("button", name="Próximo")
    next_step.click()
    expect(page.get_by_role("alert")).to_have_text("Dê um nome à campanha.")  # a step can't be skipped
    page.get_by_label("Nome da campanha").fill(name)
    text = page.get_by_label("Mensagem")
    text.fill("Olá ")
    page.get_by_role("button", name="{{nome}}", exact=True).click()
    expect(text).to_be_focused()
    page.keyboard.type(", temos novidades!")
    expect(text).to_have_value("Olá {{nome}}, temos novidades!")
    page.get_by_role("button", name="Adicionar variação").click()
    expect(page.get_by_role("tab", name="Variação 2")).to_have_attribute("aria-selected", "true")
    text.fill("Oi {{nome|cliente}}! {Confira|Veja} nossas ofertas.")
    shot(page, "01-wizard-message")
    next_step.click()

    # Público: the tag, with the live count of its contacts.
    page.get_by_role("button", name=re.compile(re.escape(tag))).click()
    count = page.get_by_test_id("audience-count")
    expect(count).to_have_attribute("data-count", "8")
    expect(count).to_contain_text("8 contatos")
    shot(page, "02-wizard-audience")
    next_step.click()

    # Números: the connected number.
    page.get_by_role("checkbox", name=number["name"]).check()
    next_step.click()

    # Ritmo: 1–2 s between sends, open all day every day (the test may run at any hour).
    page.get_by_label("Mínimo (segundos)").fill("1")
    page.get_by_label("Máximo (segundos)").fill("2")
    page.get_by_label("Início").fill("00:00")
    page.get_by_label("Término").fill("00:00")
    days = page.get_by_role("group", name="Dias da semana").get_by_role("button")
    for i in range(days.count()):
        if days.nth(i).get_attribute("aria-pressed") != "true":
            days.nth(i).click()
    expect(page.get_by_role("group", name="Dias da semana").locator("[aria-pressed=false]")).to_have_count(0)
    page.get_by_label("Limite diário por número").fill("100")
    shot(page, "03-wizard-pacing")
    next_step.click()

    # Agendamento: now.
    expect(page.get_by_role("radio", name=re.compile("Enviar agora"))).to_be_checked()
    next_step.click()

    # Revisão: the summary and the message rendered for a contact of the audience.
    review = page.get_by_test_id("campaign-review")
    expect(review).to_contain_text(name)
    expect(review).to_contain_text("1–2 s por número")
    previews = page.get_by_test_id("preview")
    expect(previews).to_have_count(2)
    first_names = "|".join(FIRST_NAMES)
    expect(previews.nth(0)).to_have_text(re.compile(rf"^Olá ({first_names}), temos novidades!$"))
    expect(previews.nth(1)).to_contain_text(re.compile(rf"Oi ({first_names})! (Confira|Veja) nossas ofertas\."))
    expect(page.get_by_test_id("missing-variables")).to_have_count(0)
    shot(page, "04-wizard-review")
    page.get_by_role("button", name="Iniciar campanha").click()

    # The campaign page: running, and the counters and the chart move without a reload.
    expect(page).to_have_url(re.compile(r"/campaigns/(?!new$)[^/]+$"))
    campaign_id = page.url.rstrip("/").rsplit("/", 1)[-1]
    status = page.get_by_test_id("campaign-status")
    expect(status).to_have_text("Em andamento")
    expect(page.get_by_test_id("counter-total")).to_have_attribute("data-value", "8")
    expect(page.get_by_test_id("counter-sent")).to_have_attribute("data-value", re.compile(r"^[2-7]$"),
                                                                 timeout=RUN_TIMEOUT_MS)
    chart = page.get_by_test_id("progress-chart")
    expect(chart).not_to_have_attribute("data-sent", "0")
    expect(chart.locator("path[data-series=sent]")).to_have_count(1)
    shot(page, "05-running")

    # Pausar: the campaign stops (at most the send already in flight lands), pending recipients wait.
    page.get_by_role("button", name="Pausar").click()
    expect(status).to_have_text("Pausada")
    assert campaign_of(api, campaign_id)["status"] == "paused"
    sent_at_pause = counter(page, "sent")
    page.wait_for_timeout(3_000)  # long enough for 1–2 s pacing to have sent more if it were still running
    refreshed = campaign_of(api, campaign_id)
    assert refreshed["counters"]["sent"] <= sent_at_pause + 1, refreshed["counters"]
    assert refreshed["counters"]["sent"] < 8, "paused campaign kept sending to the end"
    expect(page.get_by_role("button", name="Retomar")).to_be_visible()
    expect(page.get_by_role("button", name="Pausar")).to_have_count(0)
    shot(page, "06-paused")

    # Retomar → Concluída: every recipient sent once, counters and chart agree.
    page.get_by_role("button", name="Retomar").click()
    expect(status).to_have_text("Concluída", timeout=RUN_TIMEOUT_MS)
    expect(page.get_by_test_id("counter-sent")).to_have_attribute("data-value", "8")
    expect(page.get_by_test_id("counter-failed")).to_have_attribute("data-value", "0")
    final = campaign_of(api, campaign_id)["counters"]
    in_flight = {k: final.get(k, 0) for k in ("pending", "queued", "sending", "unknown")}
    assert final["sent"] == final["total"] == 8 and not any(in_flight.values()), final  # all accounted for
    expect(page.get_by_test_id("counter-pending")).to_have_attribute("data-value", "0")
    expect(page.get_by_test_id("campaign-progress")).to_have_attribute("data-percent", "100")
    expect(chart).to_have_attribute("data-sent", "8", timeout=10_000)
    expect(page.get_by_role("button", name="Pausar")).to_have_count(0)
    expect(page.get_by_role("button", name="Retomar")).to_have_count(0)
    rows = page.get_by_test_id("recipient-row")
    expect(rows).to_have_count(8)
    for s in ("pending", "queued", "sending", "failed"):
        expect(page.locator(f"[data-testid=recipient-row][data-status={s}]")).to_have_count(0)
    shot(page, "07-completed")

    # What the simulator received: each contact exactly once, from the chosen number, rendered.
    sent = httpx.get(f"{simulator_url(platform)}/_sim/sent", timeout=10).json()
    wanted = {digits(c["phone"]) for c in contacts}
    ours = [s for s in sent if digits(str(s.get("number", ""))) in wanted]
    assert sorted(digits(str(s["number"])) for s in ours) == sorted(wanted)
    assert {s["instance"] for s in ours} == {number["evolution_name"]}
    assert all("{{" not in (s.get("text") or "") and "{" not in (s.get("text") or "") for s in ours), ours

    # Exportar CSV: one line per recipient.
    with page.expect_download() as download:
        page.get_by_role("button", name="Exportar CSV").click()
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    lines = list(csv.reader(io.StringIO(body)))
    assert len(lines) == 1 + 8, body
    assert {digits(c["phone"]) for c in contacts} <= {digits(cell) for line in lines[1:] for cell in line}

    # The list shows it as Concluída with a full progress bar.
    page.get_by_role("link", name="Campanhas").first.click()
    row = page.locator(f"[data-testid=campaign-row][data-campaign-id='{campaign_id}']")
    expect(row.get_by_test_id("campaign-status")).to_have_text("Concluída")
    expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100")
    shot(page, "08-list")

    # A recipient's contact drawer lists the campaign under "Campanhas recebidas", linking back to it.
    page.get_by_role("complementary", name="Menu principal").get_by_role("link", name="Contatos").click()
    page.get_by_label("Buscar contatos").fill(contacts[0]["phone"])
    found = page.get_by_test_id("contacts-table").get_by_test_id("contact-row")
    expect(found).to_have_count(1)
    found.first.click()
    drawer = page.get_by_test_id("contact-drawer")
    drawer.evaluate("el => Promise.all(el.getAnimations().map(a => a.finished))")  # slid in, for the screenshot
    received = drawer.get_by_test_id("contact-campaigns")
    expect(received.get_by_role("heading", name="Campanhas recebidas")).to_be_visible()
    item = received.locator(f"[data-testid=contact-campaign][data-campaign-id='{campaign_id}']")
    expect(item).to_contain_text("Enviada em")
    expect(item.locator("[data-status]")).to_have_attribute("data-status", re.compile(r"^(sent|delivered|read)$"))
    expect(item.locator("[data-status]")).to_have_text(re.compile(r"^(Enviada|Entregue|Lida)$"))
    shot(page, "09-contact-drawer")
    item.get_by_role("link", name=name).click()
    expect(page).to_have_url(re.compile(rf"/campaigns/{campaign_id}$"))
    expect(page.get_by_test_id("campaign-status")).to_have_text("Concluída")

    assert not page_errors, page_errors
