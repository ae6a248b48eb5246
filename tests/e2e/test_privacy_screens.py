"""LGPD as an admin uses it: Configurações → Privacidade (export with a download link, retention, tenant
deletion scheduled then cancelled) and "Apagar dados (LGPD)" in a contact's drawer; an agent has no such menu.

Runs Chromium against `alrea dev` (the `platform` fixture): the export goes through the privacy_export queue
function into S3 (moto) and the page polls its status until the presigned link appears.
"""
from __future__ import annotations

import io
import re
import time
import uuid
import zipfile

import httpx
import pytest
from playwright.sync_api import Page, expect

from browsing import api_login
from browsing import shot as _shot
from test_inbox import new_phone, sign_in

pytestmark = pytest.mark.e2e
LIVE_MS = 20_000


def shot(page: Page, name: str) -> None:
    _shot(page, name, prefix="lgpd")


def test_admin_exports_sets_retention_schedules_and_cancels_deletion(page: Page, platform, page_errors):
    sign_in(page, platform.admin_email, platform.password)
    page.get_by_role("link", name="Privacidade").click()
    expect(page).to_have_url(re.compile(r"/settings/privacy$"))
    expect(page.get_by_role("heading", name="Privacidade (LGPD)")).to_be_visible()

    # export: status, then the download link; the archive opens and has its manifest
    export = page.get_by_test_id("privacy-export")
    export.get_by_role("button", name="Gerar exportação").click()
    expect(export.get_by_test_id("privacy-export-status")).to_contain_text("Pronto para baixar", timeout=LIVE_MS)
    link = export.get_by_test_id("privacy-export-download")
    expect(link).to_be_visible()
    shot(page, "01-export-ready")
    archive = httpx.get(link.get_attribute("href") or "", timeout=20)
    assert archive.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(archive.content)).namelist()
    assert "manifest.json" in names and "contacts.jsonl" in names

    # retention: choose 90 days for messages, 1 year for media; saved and shown again after a reload
    retention = page.get_by_test_id("privacy-retention")
    retention.get_by_label("Mensagens").select_option("90")
    retention.get_by_label("Arquivos de mídia").select_option("365")
    retention.get_by_role("button", name="Salvar retenção").click()
    expect(page.get_by_text("Retenção salva")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("privacy-retention").get_by_label("Mensagens")).to_have_value("90")
    expect(page.get_by_test_id("privacy-retention").get_by_label("Arquivos de mídia")).to_have_value("365")
    shot(page, "02-retention")

    # deletion: a wrong name is refused with a message; the right one schedules; then it is cancelled
    deletion = page.get_by_test_id("privacy-deletion")
    deletion.get_by_role("button", name="Excluir empresa…").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Nome da empresa").fill("Outra empresa qualquer")
    dialog.get_by_role("button", name="Agendar exclusão").click()
    expect(page.get_by_text("Para confirmar, digite exatamente o nome da empresa.")).to_be_visible()
    company = page.get_by_text(re.compile(r"digite o nome da empresa: ")).inner_text().split(": ", 1)[1]
    dialog.get_by_label("Nome da empresa").fill(company)
    shot(page, "03-deletion-confirm")
    dialog.get_by_role("button", name="Agendar exclusão").click()
    expect(deletion.get_by_test_id("privacy-deletion-scheduled")).to_contain_text("Exclusão agendada para")
    shot(page, "04-deletion-scheduled")
    # signing in again while it is pending still works, and the admin is told it can be cancelled
    page.reload()
    expect(page.get_by_text(re.compile("A exclusão da empresa está agendada para .* Você ainda pode cancelar"))
           ).to_be_visible(timeout=LIVE_MS)
    deletion = page.get_by_test_id("privacy-deletion")
    expect(deletion.get_by_test_id("privacy-deletion-scheduled")).to_be_visible()
    expect(page.get_by_role("button", name="Ver", exact=True)).to_be_visible()
    page.wait_for_timeout(500)  # the toast's slide-in, for the screenshot only
    shot(page, "04b-pending-notice")
    deletion.get_by_role("button", name="Cancelar exclusão").click()
    page.get_by_role("dialog").get_by_role("button", name="Cancelar exclusão").click()
    expect(page.get_by_text("Exclusão cancelada")).to_be_visible()
    expect(page.get_by_text(re.compile("A exclusão da empresa está agendada"))).to_have_count(0)
    expect(deletion.get_by_role("button", name="Excluir empresa…")).to_be_visible()
    with api_login(platform.base_url, platform.admin_email, platform.password) as api:
        assert api.get("/api/privacy/tenant-deletion").json()["scheduled_for"] is None
        api.put("/api/privacy/retention", json={"messages_days": None, "media_days": None})
    assert page_errors == []


def test_admin_erases_a_contact_from_the_drawer(page: Page, platform, page_errors):
    name = f"Titular {uuid.uuid4().hex[:6]}"
    phone = new_phone()
    platform.inject(phone, "Quero que apaguem meus dados", push_name=name)
    with api_login(platform.base_url, platform.admin_email, platform.password) as api:
        def found() -> list:
            return [c for c in api.get("/api/contacts", params={"q": phone}).json()["items"]
                    if c["phone"] == "+" + phone]

        deadline = time.monotonic() + 20
        while not found() and time.monotonic() < deadline:
            time.sleep(0.3)
        contact = found()[0]

    sign_in(page, platform.admin_email, platform.password)
    page.goto("/contacts")
    page.get_by_label("Buscar contatos").fill(phone)
    table = page.get_by_test_id("contacts-table")
    expect(table.get_by_test_id("contact-row")).to_have_count(1, timeout=LIVE_MS)
    table.get_by_test_id("contact-row").first.click()
    drawer = page.get_by_test_id("contact-drawer")
    drawer.get_by_role("button", name="Apagar dados (LGPD)").click()
    dialog = page.get_by_role("dialog").filter(has_text="Apagar todos os dados")
    expect(dialog).to_contain_text("código irreversível")
    shot(page, "05-erase-confirm")
    dialog.get_by_role("button", name="Apagar dados").click()
    expect(page.get_by_text("Dados do contato apagados")).to_be_visible()
    expect(page.get_by_test_id("contact-drawer")).to_have_count(0)
    expect(page.get_by_test_id("contacts-table").get_by_test_id("contact-row")).to_have_count(0, timeout=LIVE_MS)
    shot(page, "06-erased")
    with api_login(platform.base_url, platform.admin_email, platform.password) as api:
        assert api.get(f"/api/contacts/{contact['id']}").status_code == 404
    assert page_errors == []


def test_an_agent_has_no_privacy_menu(page: Page, platform):
    sign_in(page, platform.agent_email, platform.password)
    expect(page.get_by_role("link", name="Privacidade")).to_have_count(0)
    with api_login(platform.base_url, platform.agent_email, platform.password) as api:
        assert api.post("/api/privacy/exports").status_code == 403
