"""Contacts as a person uses them: import a CSV through the wizard (mapping with a preview, progress bar to
100 %, result with counts and the error report), filter by a tag, open a contact and opt it out.

Runs Chromium against `alrea dev` (the `platform` fixture): the file goes from the browser straight to S3 (moto)
with the presigned URL, the S3 event reaches the contacts_import function through the queue, progress comes back
over the WebSocket.
"""
from __future__ import annotations

import csv
import io
import re
import uuid
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from browsing import shot as _shot, open_inbox
from browsing import log_in

pytestmark = pytest.mark.e2e


def shot(page: Page, name: str) -> None:
    _shot(page, name, prefix="spa")


def make_csv(tmp_path: Path, tag: str) -> tuple[Path, int, list[int]]:
    """20 good rows (every 2nd tagged), 2 invalid phones, 1 repeated phone, 1 empty line; `;`, Latin-1."""
    base = 1_000 + uuid.uuid4().int % 9_000  # 9BBBB-00ii: a random block of valid mobile numbers per run
    lines = ["Nome;Celular;Etiquetas"]
    bad_rows: list[int] = []
    for i in range(20):
        lines.append(f"Cliente Ação {i};(11) 9{base:04d}-{i:04d};{tag if i % 2 == 0 else 'outra-e2e'}")
    lines.insert(5, "Sem telefone válido;123;")
    bad_rows.append(6)
    lines.insert(10, "")
    lines.insert(12, "Número curto;999;")
    bad_rows.append(13)
    lines.append(f"Repetido;11 9{base:04d}-0000;")
    bad_rows.append(len(lines))
    path = tmp_path / "clientes.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("latin-1"))
    return path, 10, bad_rows


def test_import_wizard_progress_error_report_tag_filter_and_opt_out(page: Page, platform, tmp_path: Path,
                                                                    page_errors: list[str]):
    tag = f"vip-{uuid.uuid4().hex[:6]}"
    path, tagged, bad_rows = make_csv(tmp_path, tag)

    page.goto("/login")
    log_in(page, platform.admin_email, platform.password)
    open_inbox(page)
    page.goto("/contacts")
    expect(page.get_by_role("heading", name="Contatos")).to_be_visible()

    # upload → mapping with the first rows parsed in the browser
    page.get_by_role("button", name="Importar CSV").click()
    wizard = page.get_by_test_id("import-wizard")
    wizard.get_by_label("Arquivo CSV").set_input_files(str(path))
    preview = wizard.get_by_test_id("import-preview")
    expect(preview).to_contain_text("Cliente Ação 0")  # Latin-1 decoded right
    expect(wizard.get_by_label("Destino da coluna Celular")).to_have_value("phone")
    expect(wizard.get_by_label("Destino da coluna Nome")).to_have_value("name")
    wizard.get_by_label("Destino da coluna Etiquetas").select_option("tags")
    shot(page, "contacts-01-mapping")
    wizard.get_by_role("button", name="Importar").click()

    # progress bar → 100 %, then the result with counts and the error report
    expect(wizard.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100", timeout=60_000)
    result = wizard.get_by_test_id("import-result")
    expect(result).to_contain_text("Importação concluída")
    expect(result.get_by_test_id("count-imported")).to_have_text("20")
    expect(result.get_by_test_id("count-failed")).to_have_text("3")
    shot(page, "contacts-02-result")
    link = result.get_by_role("link", name="Baixar relatório de erros")
    expect(link).to_be_visible()
    report = httpx.get(link.get_attribute("href") or "", timeout=10)
    assert report.status_code == 200
    rows = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert rows[0] == ["linha", "valor", "motivo"]
    assert sorted(int(r[0]) for r in rows[1:]) == sorted(bad_rows)
    assert any("repetido" in r[2] for r in rows[1:]) and any(r[2] == "telefone inválido" for r in rows[1:])
    wizard.get_by_role("button", name="Fechar", exact=True).first.click()

    # filter by the tag: exactly the tagged contacts
    page.get_by_label("Filtrar por etiqueta").select_option(label=f"{tag} ({tagged})")
    table = page.get_by_test_id("contacts-table")
    expect(table.get_by_test_id("contact-row")).to_have_count(tagged)
    shot(page, "contacts-03-tag-filter")

    # open a contact and opt it out with a reason
    table.get_by_test_id("contact-row").first.click()
    drawer = page.get_by_test_id("contact-drawer")
    expect(drawer).to_be_visible()
    drawer.get_by_label("Motivo do descadastro").fill("pediu para sair")
    drawer.get_by_role("switch", name="Descadastrado de campanhas").click()
    expect(drawer.get_by_test_id("optout-info")).to_contain_text("pediu para sair")
    shot(page, "contacts-04-opted-out")
    page.keyboard.press("Escape")
    expect(table.get_by_text("Descadastrado")).to_have_count(1)
    page.get_by_label("Filtrar por descadastro").select_option("true")
    expect(page.get_by_test_id("contacts-table").get_by_test_id("contact-row")).to_have_count(1)
    assert not page_errors, page_errors
