"""Transactional e-mails: the pt-BR templates (plain text + simple HTML, from the same parts) and their
delivery through the Email port. A failed delivery is logged, never raised: the flows that send answer the
same whatever happened to the message (no user enumeration), and an admin can resend an invitation."""
from __future__ import annotations

from dataclasses import dataclass
from html import escape

from alrea.core.log import logger
from alrea.ports.email import OutgoingMail
from alrea.wiring import runtime

PRODUCT = "ALREA Flow"
IGNORE = "Se você não pediu isto, ignore este e-mail."


@dataclass(frozen=True)
class Template:
    kind: str
    subject: str
    greeting: str
    paragraphs: tuple[str, ...]
    action: str | None = None  # the button's label (the link comes with the message)
    footer: str = IGNORE


def render(template: Template, to: str, url: str | None = None) -> OutgoingMail:
    text_lines = [template.greeting, "", *(p for para in template.paragraphs for p in (para, ""))]
    if template.action and url:
        text_lines += [f"{template.action}: {url}", ""]
    text_lines += [template.footer, "", f"— {PRODUCT}"]
    paragraphs = "".join(f'<p style="margin:0 0 16px">{escape(p)}</p>' for p in template.paragraphs)
    button = ""
    if template.action and url:
        link = escape(url, quote=True)
        button = (f'<p style="margin:24px 0"><a href="{link}" style="background:#16a34a;color:#ffffff;'
                  f'padding:12px 20px;border-radius:6px;text-decoration:none;font-weight:600">'
                  f'{escape(template.action)}</a></p>'
                  f'<p style="margin:0 0 16px;font-size:13px;color:#555">Ou copie o endereço: '
                  f'<a href="{link}">{escape(url)}</a></p>')
    html = ('<!doctype html><html lang="pt-BR"><head><meta charset="utf-8"><title>'
            f'{escape(template.subject)}</title></head><body style="font-family:Arial,Helvetica,sans-serif;'
            'color:#111;background:#f6f6f6;padding:24px"><div style="max-width:560px;margin:0 auto;'
            f'background:#fff;border-radius:8px;padding:32px"><p style="margin:0 0 16px;font-weight:600">'
            f'{escape(template.greeting)}</p>{paragraphs}{button}<p style="margin:24px 0 0;font-size:13px;'
            f'color:#555">{escape(template.footer)}</p><p style="margin:8px 0 0;font-size:13px;color:#555">'
            f'— {PRODUCT}</p></div></body></html>')
    return OutgoingMail(to=to, subject=template.subject, text="\n".join(text_lines), html=html,
                        kind=template.kind)


def deliver(template: Template, to: str, url: str | None = None) -> bool:
    """Render and send; False (logged, not raised) when the provider refused or failed."""
    try:
        runtime().email.send(render(template, to, url))
    except Exception as exc:  # noqa: BLE001 - a lost e-mail must not change the flow's answer
        logger.warning("e-mail not sent", extra={"kind": template.kind, "error": type(exc).__name__})
        return False
    logger.info("e-mail sent", extra={"kind": template.kind})
    return True


# ---------------------------------------------------------------- the templates
def verify_email(name: str, company: str) -> Template:
    return Template(
        kind="verify_email", subject=f"Confirme seu e-mail no {PRODUCT}", greeting=f"Olá, {name}!",
        paragraphs=(f"A conta da {company} no {PRODUCT} foi criada.",
                    "Confirme que este e-mail é seu para receber avisos importantes e poder convidar a "
                    "sua equipe. O link vale por 3 dias."),
        action="Confirmar e-mail", footer="Se você não criou esta conta, ignore este e-mail.")


def reset_password(name: str) -> Template:
    return Template(
        kind="reset_password", subject=f"Redefinição de senha do {PRODUCT}", greeting=f"Olá, {name}!",
        paragraphs=("Recebemos um pedido para redefinir a sua senha.",
                    "O link abaixo vale por 30 minutos e pode ser usado uma única vez. Ao definir a nova "
                    "senha, todas as sessões abertas com a senha antiga são encerradas."),
        action="Definir nova senha")


def invitation(name: str, company: str, inviter: str, role_label: str) -> Template:
    return Template(
        kind="invitation", subject=f"{inviter} convidou você para a {company} no {PRODUCT}",
        greeting=f"Olá, {name}!",
        paragraphs=(f"{inviter} convidou você para entrar na equipe da {company} no {PRODUCT} como "
                    f"{role_label}.",
                    "Abra o link para criar a sua senha. O convite vale por 7 dias."),
        action="Aceitar convite", footer="Se você não esperava este convite, ignore este e-mail.")


def password_changed(name: str) -> Template:
    return Template(
        kind="password_changed", subject=f"Sua senha do {PRODUCT} foi alterada", greeting=f"Olá, {name}!",
        paragraphs=("A senha da sua conta acabou de ser alterada e as outras sessões foram encerradas.",),
        footer="Se não foi você, use \"Esqueci minha senha\" na tela de entrada agora mesmo e avise o "
               "administrador da sua empresa.")
