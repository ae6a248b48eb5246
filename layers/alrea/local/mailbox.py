"""The dev mail sink's pages, served by the local gateway only (``alrea dev``; never deployed):

- ``GET /dev/mail``: every e-mail the platform "sent", newest first, the plain-text part with its links
  clickable (``?to=<address>`` filters);
- ``GET /dev/mail.json``: the same as JSON (``{"items": [...]}``), for tests and scripts;
- ``GET /dev/mail/<id>``: one message's HTML part, as a mail client would show it.

No script runs on these pages (their CSP allows none).
"""
from __future__ import annotations

import re
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from alrea.adapters.memory.mail import MailSink, SunkMail

PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"
HEADERS = {"Content-Security-Policy": PAGE_CSP, "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store",
           "Referrer-Policy": "no-referrer"}
URL = re.compile(r"https?://[^\s<>\"']+")


def _linkify(text: str) -> str:
    out, last = [], 0
    for found in URL.finditer(text):
        out.append(escape(text[last:found.start()]))
        url = escape(found.group(0), quote=True)
        out.append(f'<a href="{url}">{url}</a>')
        last = found.end()
    out.append(escape(text[last:]))
    return "".join(out)


def _article(m: SunkMail) -> str:
    return (f'<article data-testid="mail" data-kind="{escape(m.kind, quote=True)}">'
            f'<h2>{escape(m.subject)}</h2>'
            f'<p class="meta">Para <b>{escape(m.to)}</b> · {escape(m.sent_at)} · {escape(m.kind)} · '
            f'<a href="/dev/mail/{escape(m.id, quote=True)}">ver HTML</a></p>'
            f'<pre>{_linkify(m.text)}</pre></article>')


def inbox_html(messages: list[SunkMail], to: str | None) -> str:
    body = "".join(_article(m) for m in messages) or '<p class="empty">Nenhum e-mail enviado ainda.</p>'
    scope = f" para {escape(to)}" if to else ""
    return ('<!doctype html><html lang="pt-BR"><head><meta charset="utf-8">'
            '<title>Caixa de e-mails (dev) · ALREA Flow</title><style>'
            'body{font-family:system-ui,Arial,sans-serif;background:#f4f4f5;margin:0;padding:24px;color:#18181b}'
            'main{max-width:860px;margin:0 auto}header p{color:#52525b}'
            'article{background:#fff;border:1px solid #e4e4e7;border-radius:8px;padding:16px 20px;margin:12px 0}'
            'h2{font-size:17px;margin:0 0 4px}.meta{color:#52525b;font-size:13px;margin:0 0 12px}'
            'pre{white-space:pre-wrap;font:14px/1.5 system-ui,Arial,sans-serif;margin:0}'
            '.empty{color:#52525b}</style></head><body><main><header>'
            f'<h1>Caixa de e-mails (dev){scope}</h1><p>E-mails que o ALREA Flow enviaria, guardados só nesta '
            'máquina (ambiente local). Nada sai daqui. <a href="/dev/mail">Atualizar</a></p></header>'
            f'{body}</main></body></html>')


class Mailbox:
    def __init__(self, sink: MailSink) -> None:
        self.sink = sink

    async def inbox(self, request: Request) -> Response:
        to = request.query_params.get("to") or None
        return HTMLResponse(inbox_html(self.sink.messages(to), to), headers=HEADERS)

    async def json(self, request: Request) -> Response:
        to = request.query_params.get("to") or None
        return JSONResponse({"items": [m.as_dict() for m in self.sink.messages(to)]}, headers=HEADERS)

    async def message(self, request: Request) -> Response:
        found = self.sink.get(request.path_params["message_id"])
        if found is None:
            return HTMLResponse("<p>E-mail não encontrado.</p>", status_code=404, headers=HEADERS)
        return HTMLResponse(found.html, headers=HEADERS)
