"""Accounts as people live them, through the dev mail sink of `alrea dev` (/dev/mail): a visitor signs up and
confirms the e-mail, someone who forgot the password sets a new one, an admin invites a colleague who
accepts and gets in. Screenshots: test-artifacts/accounts-*.png."""
from __future__ import annotations

import re
import uuid

import httpx
import pytest
from playwright.sync_api import Page, expect

from browsing import log_in, open_inbox
from browsing import shot as _shot

pytestmark = pytest.mark.e2e

PASSWORD = "Frase-de-teste-segura-2026"
NEW_PASSWORD = "Outra-frase-bem-comprida-77"


def shot(page: Page, name: str) -> None:
    _shot(page, name, prefix="accounts")


def unique_email(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4().hex[:8]}@exemplo.com.br"


def sink(platform, to: str) -> list[dict]:
    answer = httpx.get(f"{platform.base_url}/dev/mail.json", params={"to": to}, timeout=10)
    answer.raise_for_status()
    return answer.json()["items"]


def link_in(mail: dict, path: str) -> str:
    (url,) = [u for u in re.findall(r"https?://\S+", mail["text"]) if path in u]
    return url


def sign_up(platform, company: str, email: str) -> dict:
    """A tenant made over the API, its e-mail verified through the sink (so its admin may invite)."""
    with httpx.Client(base_url=platform.base_url, timeout=15) as http:
        answer = http.post("/api/auth/signup", json={"company": company, "name": "Rita Dona", "email": email,
                                                      "password": PASSWORD})
        assert answer.status_code == 201, answer.text
        (mail,) = [m for m in sink(platform, email) if m["kind"] == "verify_email"]
        token = link_in(mail, "/verificar-email").split("token=")[1]
        assert http.post("/api/auth/email/verify", json={"token": token}).status_code == 204
        return answer.json()


def test_a_visitor_signs_up_and_confirms_the_email_through_the_dev_mail_sink(page: Page, platform,
                                                                              page_errors: list[str]):
    email = unique_email("fundadora")
    page.goto("/login")
    expect(page.get_by_test_id("dev-banner")).to_contain_text("Caixa de e-mails (dev)")
    shot(page, "01-login")
    page.get_by_role("link", name="Criar conta grátis").click()
    expect(page).to_have_url(re.compile(r"/cadastro$"))
    page.get_by_label("Empresa").fill("Floricultura Ipê")
    page.get_by_label("Seu nome").fill("Marina Flores")
    page.get_by_label("E-mail de trabalho").fill(email)
    page.get_by_label("Senha").fill(PASSWORD)
    shot(page, "02-signup")
    page.get_by_role("button", name="Criar conta").click()

    # In the app at once; a banner asks for the e-mail to be confirmed.
    open_inbox(page)
    banner = page.get_by_test_id("verify-email-banner")
    expect(banner).to_contain_text(f"enviamos um link para {email}")
    expect(page.get_by_test_id("user-menu")).to_contain_text("Marina Flores")
    shot(page, "03-unverified-banner")

    # Until then the one thing refused is inviting people (e-mail to third parties from our domain).
    page.goto("/settings/users")
    page.get_by_role("button", name="Convidar pessoa").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Nome").fill("Sócia")
    dialog.get_by_label("E-mail").fill(unique_email("socia"))
    dialog.get_by_label("Papel").click()
    page.get_by_role("option", name="Administrador").click()
    dialog.get_by_role("button", name="Enviar convite").click()
    expect(page.get_by_text("Confirme o seu e-mail antes de convidar pessoas")).to_be_visible()
    shot(page, "03b-unverified-cannot-invite")
    dialog.get_by_role("button", name="Cancelar").click()

    # The dev banner opens the local mail sink, where the verification e-mail waits.
    with page.context.expect_page() as opened:
        page.get_by_test_id("dev-banner").get_by_role("link", name="Caixa de e-mails (dev)").click()
    inbox = opened.value
    inbox.wait_for_load_state()
    expect(inbox).to_have_url(re.compile(r"/dev/mail$"))
    mail = inbox.locator("article[data-kind=verify_email]", has_text=email).first
    expect(mail).to_contain_text("Confirme seu e-mail no ALREA Flow")
    expect(mail).to_contain_text("Floricultura Ipê")
    _shot(inbox, "04-mail-sink", prefix="accounts")
    mail.get_by_role("link", name=re.compile(r"verificar-email\?token=")).click()

    expect(inbox.get_by_test_id("verify-result")).to_have_text("Obrigado! Seu e-mail está confirmado.")
    _shot(inbox, "05-verified", prefix="accounts")
    inbox.get_by_role("link", name="Ir para o ALREA Flow").click()
    open_inbox(inbox)
    expect(inbox.get_by_test_id("app-shell")).to_be_visible()
    expect(inbox.get_by_test_id("verify-email-banner")).to_have_count(0)
    inbox.close()
    page.reload()
    expect(page.get_by_test_id("app-shell")).to_be_visible()
    expect(page.get_by_test_id("verify-email-banner")).to_have_count(0)
    assert page_errors == []


def test_forgot_password_through_the_mail_sink_then_log_in_with_the_new_one(page: Page, platform,
                                                                          page_errors: list[str]):
    email = unique_email("esquecida")
    sign_up(platform, "Sapataria Passo Firme", email)

    page.goto("/login")
    page.get_by_role("link", name="Esqueci minha senha").click()
    expect(page).to_have_url(re.compile(r"/esqueci-senha$"))
    page.get_by_label("E-mail").fill(email)
    page.get_by_role("button", name="Enviar link").click()
    expect(page.get_by_test_id("forgot-sent")).to_contain_text("Se houver uma conta com este e-mail")
    shot(page, "06-forgot-sent")

    page.goto(f"/dev/mail?to={email}")
    mail = page.locator("article[data-kind=reset_password]").first
    expect(mail).to_contain_text("Redefinição de senha do ALREA Flow")
    expect(mail).to_contain_text("30 minutos")
    shot(page, "07-reset-mail")
    mail.get_by_role("link", name=re.compile(r"redefinir-senha\?token=")).click()

    expect(page).to_have_url(re.compile(r"/redefinir-senha\?token="))
    page.get_by_label("Nova senha", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repita a nova senha").fill(NEW_PASSWORD)
    shot(page, "08-new-password")
    page.get_by_role("button", name="Salvar nova senha").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.get_by_text("Senha redefinida. Entre com a nova senha.")).to_be_visible()

    log_in(page, email, PASSWORD)  # the old one no longer works
    expect(page.get_by_text("E-mail ou senha incorretos.")).to_be_visible()
    page.get_by_label("Senha").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    open_inbox(page)
    expect(page.get_by_test_id("user-menu")).to_contain_text("Rita Dona")
    shot(page, "09-in-with-new-password")

    # the link worked once: opening it again is refused
    page.goto(link_in([m for m in sink(platform, email) if m["kind"] == "reset_password"][0], "/redefinir-senha")
              .replace(platform.base_url, ""))
    page.get_by_label("Nova senha", exact=True).fill("Mais-uma-frase-segura-55")
    page.get_by_label("Repita a nova senha").fill("Mais-uma-frase-segura-55")
    page.get_by_role("button", name="Salvar nova senha").click()
    expect(page.get_by_text("Link inválido, expirado ou já usado. Peça um novo.")).to_be_visible()
    assert page_errors == []


def test_an_admin_invites_a_colleague_who_accepts_and_logs_in(page: Page, browser, platform,
                                                             page_errors: list[str]):
    admin_email, invitee = unique_email("dona"), unique_email("colega")
    signed = sign_up(platform, "Mercearia Bom Preço", admin_email)
    made = httpx.post(f"{platform.base_url}/api/departments", json={"name": "Atendimento"}, timeout=10,
                      headers={"Authorization": f"Bearer {signed['access']}"})
    assert made.status_code == 201, made.text

    page.goto("/login")
    log_in(page, admin_email, PASSWORD)
    open_inbox(page)

    page.goto("/settings/users")
    page.get_by_role("button", name="Convidar pessoa").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Nome").fill("Caio Colega")
    dialog.get_by_label("E-mail").fill(invitee)
    shot(page, "10-invite-dialog")
    dialog.get_by_role("button", name="Enviar convite").click()
    expect(page.get_by_text(f"Convite enviado para {invitee}")).to_be_visible()
    row = page.get_by_test_id("invitation-row").filter(has_text=invitee)
    expect(row).to_contain_text("Caio Colega")
    expect(row).to_contain_text("Atendente")
    expect(row).to_contain_text("Atendimento")
    expect(row).to_contain_text("Expira em 7 dias")
    expect(page.get_by_test_id("users-table")).not_to_contain_text(invitee)
    shot(page, "11-pending-invitation")

    # The colleague, in a browser of their own, opens the invitation from the mail sink.
    context = browser.new_context(base_url=platform.base_url, locale="pt-BR", viewport={"width": 1280, "height": 860})
    colleague = context.new_page()
    colleague.on("pageerror", lambda exc: page_errors.append(str(exc)))
    try:
        colleague.goto(f"/dev/mail?to={invitee}")
        mail = colleague.locator("article[data-kind=invitation]").first
        expect(mail).to_contain_text("Rita Dona convidou você para a Mercearia Bom Preço no ALREA Flow")
        mail.get_by_role("link", name=re.compile(r"aceitar-convite\?token=")).click()
        expect(colleague.get_by_text("Entrar na equipe da Mercearia Bom Preço")).to_be_visible()
        expect(colleague.get_by_test_id("invite-email")).to_have_text(invitee)
        colleague.get_by_label("Crie sua senha").fill(NEW_PASSWORD)
        _shot(colleague, "12-accept-invitation", prefix="accounts")
        colleague.get_by_role("button", name="Aceitar convite").click()
        open_inbox(colleague)
        expect(colleague.get_by_test_id("user-menu")).to_contain_text("Caio Colega")
        expect(colleague.get_by_test_id("verify-email-banner")).to_have_count(0)  # the link proved the e-mail
        _shot(colleague, "13-colleague-in", prefix="accounts")

        # and later logs in with the password they chose
        colleague.get_by_test_id("user-menu").click()
        colleague.get_by_role("menuitem", name="Sair").click()
        expect(colleague).to_have_url(re.compile(r"/login$"))
        log_in(colleague, invitee, NEW_PASSWORD)
        open_inbox(colleague)
    finally:
        context.close()

    page.reload()
    expect(page.get_by_test_id("users-table")).to_contain_text(invitee)
    expect(page.get_by_test_id("invitation-row")).to_have_count(0)
    shot(page, "14-colleague-is-a-user")
    assert page_errors == []


def test_an_admin_edits_the_company_and_changes_the_password(page: Page, platform, page_errors: list[str]):
    email = unique_email("gerencia")
    signed = sign_up(platform, "Oficina Motor Bom", email)

    page.goto("/login")
    log_in(page, email, PASSWORD)
    open_inbox(page)
    sidebar = page.get_by_role("complementary", name="Menu principal")
    sidebar.get_by_role("link", name="Empresa").click()
    expect(page).to_have_url(re.compile(r"/settings/company$"))
    page.get_by_label("Nome da empresa").fill("Oficina Motor Bom Ltda")
    page.get_by_label("Fuso horário").click()
    page.get_by_role("option", name=re.compile("Amazonas")).click()
    page.get_by_role("button", name="Salvar").click()
    expect(page.get_by_text("Dados da empresa salvos")).to_be_visible()
    expect(sidebar).to_contain_text("Oficina Motor Bom Ltda")
    shot(page, "15-company")
    with httpx.Client(base_url=platform.base_url, timeout=10) as http:
        me = http.get("/api/me", headers={"Authorization": f"Bearer {signed['access']}"}).json()
    assert me["tenant"]["timezone"] == "America/Manaus" and me["tenant"]["name"] == "Oficina Motor Bom Ltda"

    sidebar.get_by_role("link", name="Meu perfil").click()
    page.get_by_label("Senha atual").fill(PASSWORD)
    page.get_by_label("Nova senha", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repita a nova senha").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Trocar senha").click()
    expect(page.get_by_text("Senha alterada. As outras sessões foram encerradas.")).to_be_visible()
    shot(page, "16-password-changed")
    # the sign-up's session (another "device") is over; this tab keeps working
    with httpx.Client(base_url=platform.base_url, timeout=10) as http:
        assert http.post("/api/auth/refresh", json={"refresh": signed["refresh"]}).status_code == 401
    page.reload()
    expect(page.get_by_label("Senha atual")).to_be_visible()
    page.get_by_test_id("user-menu").click()
    page.get_by_role("menuitem", name="Sair").click()
    log_in(page, email, NEW_PASSWORD)
    open_inbox(page)
    assert page_errors == []
