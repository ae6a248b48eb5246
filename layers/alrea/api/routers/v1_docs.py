"""/v1/openapi.json and /v1/docs: the partner API's own reference (only the ``/v1`` routes; public, like any API
reference). Each operation carries the scope its key needs (``x-scope``, read from its ``PartnerKey``
dependency) and the examples of its body. /v1/docs renders the same document as one self-contained HTML page
(no script, no CDN). docs/API.md is the guide around it."""
from __future__ import annotations

import html
import json
from functools import lru_cache
from typing import Any

from fastapi import APIRouter
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute

from alrea.api import routers

router = APIRouter(prefix="/v1", tags=["docs"])
DESCRIPTION = ("ALREA Flow's partner API. Authenticate with `Authorization: Bearer alr_live_…` (or `X-Api-Key`); "
               "every answer carries `RateLimit-*` headers; POSTs accept `Idempotency-Key`. See docs/API.md.")
PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"


def scope_of(route: APIRoute) -> str | None:
    """The scope a route's ``PartnerKey`` dependency requires."""
    stack = list(route.dependant.dependencies)
    while stack:
        dep = stack.pop()
        if getattr(dep.call, "scope", None):
            return dep.call.scope  # type: ignore[union-attr]
        stack.extend(dep.dependencies)
    return None


def _routes() -> list[APIRoute]:
    return [route for module, prefixes in routers.ROUTERS.items() if module != "v1_docs"
            and any(p.startswith("v1/") for p in prefixes) for route in routers.load(module).routes
            if isinstance(route, APIRoute) and route.include_in_schema]


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    routes = _routes()
    doc = get_openapi(title="ALREA Flow partner API", version="1", description=DESCRIPTION, routes=routes)
    for route in routes:
        scope = scope_of(route)
        for method in route.methods:
            op = doc["paths"][route.path_format][method.lower()]
            op["x-scope"] = scope
            op["description"] = f"Scope: `{scope}`.\n\n{op.get('description') or ''}".strip()
    return doc


def _examples(schema: dict[str, Any] | None, doc: dict[str, Any]) -> list[Any]:
    if not schema:
        return []
    ref = schema.get("$ref")
    if ref:
        schema = doc["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return list(schema.get("examples") or [])


def body_examples(op: dict[str, Any], doc: dict[str, Any]) -> list[Any]:
    """The examples of an operation's JSON body (from its model)."""
    content = (op.get("requestBody") or {}).get("content", {}).get("application/json", {})
    return _examples(content.get("schema"), doc)


def render(doc: dict[str, Any]) -> str:
    e = html.escape
    parts = [f"<h1>{e(doc['info']['title'])}</h1><p>{e(doc['info']['description'])}</p>"]
    for path, operations in doc["paths"].items():
        for method, op in operations.items():
            params = "".join(f"<li><code>{e(p['name'])}</code> ({e(p['in'])})"
                             f"{' — ' + e(p['description']) if p.get('description') else ''}</li>"
                             for p in op.get("parameters", []))
            examples = "".join(f"<pre>{e(json.dumps(x, ensure_ascii=False, indent=2))}</pre>"
                               for x in body_examples(op, doc))
            answers = "".join(f"<li><b>{e(code)}</b> {e(r.get('description', ''))}</li>"
                              for code, r in op["responses"].items())
            parts.append(
                f"<section><h2><span class=m>{e(method.upper())}</span> <code>{e(path)}</code></h2>"
                f"<p class=s>scope <code>{e(op.get('x-scope') or '—')}</code></p>"
                f"<p>{e(op.get('summary', ''))}</p><p>{e(op.get('description', ''))}</p>"
                f"{'<h3>Parâmetros</h3><ul>' + params + '</ul>' if params else ''}"
                f"{'<h3>Exemplo de corpo</h3>' + examples if examples else ''}"
                f"<h3>Respostas</h3><ul>{answers}</ul></section>")
    style = ("body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1f2937}"
             "section{border-top:1px solid #e5e7eb;padding:.5rem 0}.m{background:#065f46;color:#fff;padding:0 .4rem;"
             "border-radius:4px;font-size:.8em}pre{background:#f3f4f6;padding:.6rem;overflow:auto}.s{color:#6b7280}")
    return (f"<!doctype html><html lang=pt-BR><head><meta charset=utf-8><title>ALREA Flow — API de parceiros"
            f"</title><style>{style}</style></head><body>{''.join(parts)}"
            f"<p><a href=\"/v1/openapi.json\">openapi.json</a></p></body></html>")


@router.get("/openapi.json", include_in_schema=False)
def partner_openapi() -> dict[str, Any]:
    return document()


@router.get("/docs", include_in_schema=False, response_class=HTMLResponse)
def partner_docs() -> HTMLResponse:
    return HTMLResponse(render(document()), headers={"Content-Security-Policy": PAGE_CSP})
