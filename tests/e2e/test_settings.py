"""Settings an admin changes in the SPA: custom contact fields (create, relabel, delete) and the opt-out keywords
(add one, save, reload, see it work on an incoming message, restore the defaults).

Chromium against `alrea dev` (the `platform` fixture). What the page shows is cross-checked with the API, and the
new keyword with the Evolution simulator: a message equal to it opts the sender out and gets the confirmation.
Screenshots land in test-artifacts/spa-settings-*.png.
"""
from __future__ import annotations

import re
import time
import uuid

import pytest
from playwright.sync_api import Page, expect

from browsing import api_login, items, log_in, open_inbox
from browsing import shot as _shot

pytestmark = pytest.mark.e2e

LIVE_TIMEOUT_S = 20


def shot(page: Page, name: str) -> None:
    _shot(page, name, prefix="spa-settings")


def sign_in_as_admin(page: Page, platform) -> None:
    page.goto("/login")
    log_in(page, platform.admin_email, platform.password)
    open_inbox(page)


def sidebar_link(page: Page, label: str):
    return page.get_by_role("complementary", name="Menu principal").get_by_role("link", name=label)


def api_fields(platform) -> dict[str, dict]:
    with api_login(platform.base_url, platform.admin_email, platform.password) as api:
        answer = api.get("/api/contacts/fields")
        assert answer.status_code == 200, answer.text
        return {f["name"]: f for f in items(answer.json())}


def api_opt_out(platform) -> dict:
    with api_login(platform.base_url, platform.admin_email, platform.password) as api:
        answer = api.get("/api/campaigns/settings/opt-out")
        assert answer.status_code == 200, answer.text
        return answer.json()


def test_custom_fields_create_relabel_delete(page: Page, platform, page_errors: list[str]):
    assert "cidade" not in api_fields(platform)
    sign_in_as_admin(page, platform)
    sidebar_link(page, "Campos personalizados").click()
    expect(page).to_have_url(re.compile(r"/settings/fields$"))
    expect(page.get_by_role("heading", name="Campos personalizados")).to_be_visible()

    # Novo campo: the name is checked as it is typed (the API's rule), and typed text is put in its form.
    page.get_by_role("button", name="Novo campo").click()
    dialog = page.get_by_role("dialog", name="Novo campo")
    name = dialog.get_by_label("Nome", exact=True)
    create = dialog.get_by_role("button", name="Criar campo")
    name.fill("2cidade")
    expect(dialog.get_by_text("Comece o nome com uma letra.")).to_be_visible()
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(create).to_be_disabled()
    name.fill("Cidade")
    expect(name).to_have_value("cidade")
    expect(name).not_to_have_attribute("aria-invalid", "true")
    expect(dialog.get_by_label("Tipo", exact=True)).to_contain_text("Texto")
    dialog.get_by_label("Rótulo", exact=True).fill("Cidade")
    shot(page, "01-new-field")
    create.click()
    expect(dialog).to_be_hidden()

    row = page.locator("[data-testid=field-row][data-field=cidade]")
    cells = row.get_by_role("cell")
    expect(cells.nth(0)).to_have_text("cidade")
    expect(cells.nth(1)).to_have_text("Texto")
    expect(cells.nth(2)).to_have_text("Cidade")
    assert {k: api_fields(platform)["cidade"][k] for k in ("type", "label")} == {"type": "text", "label": "Cidade"}
    shot(page, "02-fields")

    # Alterar rótulo: the name stays, the label changes.
    page.get_by_role("button", name="Ações para cidade").click()
    page.get_by_role("menuitem", name="Alterar rótulo").click()
    dialog = page.get_by_role("dialog", name="Alterar rótulo")
    label = dialog.get_by_label("Rótulo", exact=True)
    expect(label).to_have_value("Cidade")
    label.fill("Cidade de residência")
    dialog.get_by_role("button", name="Salvar").click()
    expect(dialog).to_be_hidden()
    expect(cells.nth(2)).to_have_text("Cidade de residência")
    expect(cells.nth(0)).to_have_text("cidade")
    assert api_fields(platform)["cidade"]["label"] == "Cidade de residência"
    shot(page, "03-field-relabeled")

    # Excluir, after a confirmation.
    page.get_by_role("button", name="Ações para cidade").click()
    page.get_by_role("menuitem", name="Excluir").click()
    dialog = page.get_by_role("dialog", name="Excluir o campo “Cidade de residência”?")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Excluir").click()
    expect(dialog).to_be_hidden()
    expect(row).to_have_count(0)
    assert "cidade" not in api_fields(platform)
    shot(page, "04-field-deleted")

    assert not page_errors, page_errors


def test_opt_out_keywords_save_reload_work_and_restore_defaults(page: Page, platform, page_errors: list[str]):
    settings = api_opt_out(platform)
    defaults, current = settings["defaults"], settings["keywords"]
    assert "CHEGA" not in current

    sign_in_as_admin(page, platform)
    sidebar_link(page, "Descadastro").click()
    expect(page).to_have_url(re.compile(r"/settings/opt-out$"))
    chips = page.get_by_test_id("optout-keyword")
    expect(chips).to_have_text(current)
    confirmation = page.get_by_label("Mensagem de confirmação")
    expect(confirmation).to_have_value(settings["confirmation"])
    save = page.get_by_role("button", name="Salvar")
    expect(save).to_be_disabled()  # nothing changed yet

    # Add "Chega!": stored like the API matches it (upper case, no punctuation).
    page.get_by_label("Adicionar palavra").fill("Chega!")
    page.get_by_role("button", name="Adicionar", exact=True).click()
    expect(chips).to_have_text([*current, "CHEGA"])
    expect(page.get_by_text("Alterações não salvas")).to_be_visible()
    shot(page, "05-opt-out-added")
    save.click()
    expect(page.locator("[data-sonner-toast]").filter(has_text="Configuração de descadastro salva")).to_be_visible()
    expect(page.get_by_text("Alterações não salvas")).to_have_count(0)  # the server's answer is the new baseline
    expect(save).to_be_disabled()
    assert api_opt_out(platform)["keywords"] == [*current, "CHEGA"]

    # A reload reads it back from the server.
    page.reload()
    expect(chips).to_have_text([*current, "CHEGA"])
    shot(page, "06-opt-out-saved")

    # And it works: a contact who writes "chega" is opted out and receives the confirmation.
    phone = "+55119" + str(uuid.uuid4().int)[:8]
    platform.inject(phone.lstrip("+"), "chega")
    deadline = time.monotonic() + LIVE_TIMEOUT_S
    with api_login(platform.base_url, platform.admin_email, platform.password) as api:
        while True:
            found = items(api.get("/api/contacts", params={"q": phone}).json())
            if found and found[0].get("opted_out"):
                break
            assert time.monotonic() < deadline, f"{phone} was not opted out by the keyword: {found}"
            time.sleep(0.3)
    assert found[0]["phone"] == phone and "chega" in found[0]["opted_out"]["reason"], found
    while not any(s.get("text") == settings["confirmation"] and str(s.get("number", "")).endswith(phone[-8:])
                  for s in platform.sent()):
        assert time.monotonic() < deadline, "the opt-out confirmation never reached the contact"
        time.sleep(0.3)

    # Restaurar padrão fills the defaults in the form; Salvar stores them.
    page.get_by_role("button", name="Restaurar padrão").click()
    expect(chips).to_have_text(defaults["keywords"])
    expect(confirmation).to_have_value(defaults["confirmation"])
    expect(save).to_be_enabled()
    save.click()
    expect(page.get_by_text("Alterações não salvas")).to_have_count(0)
    expect(save).to_be_disabled()
    stored = api_opt_out(platform)
    assert stored["keywords"] == defaults["keywords"] and stored["confirmation"] == defaults["confirmation"], stored
    shot(page, "07-opt-out-defaults")

    assert not page_errors, page_errors
