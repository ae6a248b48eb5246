"""Every error -> HTTP answer, in one place. Body: ``{"error": <code, English>, "message": <pt-BR>, ...}``.

- DomainError: its own status and code.
- malformed JSON: 400; validation (missing fields, wrong types, bad values): 422 with one message per field.
- HTTP errors from routing (404 unknown path, 405, 413 from the body limit): their status, same shape.
- anything else: logged with its traceback, answered 500 without one (see middleware.CatchAll).
"""
from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from alrea.core.errors import DomainError

INTERNAL = {"error": "internal", "message": "Erro interno; tente novamente em instantes."}

_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
               405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type",
               429: "too_many_requests"}
_HTTP_MESSAGES = {404: "Recurso não encontrado.", 405: "Método não permitido para este recurso."}

# pydantic error types -> pt-BR text (what the SPA shows next to a field)
_MESSAGES: dict[str, str] = {
    "missing": "campo obrigatório",
    "string_type": "deve ser um texto",
    "int_type": "deve ser um número inteiro",
    "int_parsing": "deve ser um número inteiro",
    "float_type": "deve ser um número",
    "float_parsing": "deve ser um número",
    "bool_type": "deve ser verdadeiro ou falso",
    "bool_parsing": "deve ser verdadeiro ou falso",
    "dict_type": "deve ser um objeto",
    "model_type": "deve ser um objeto JSON",
    "model_attributes_type": "deve ser um objeto JSON",
    "list_type": "deve ser uma lista",
    "value_error": "valor inválido",
    "extra_forbidden": "campo não permitido",
    "uuid_parsing": "identificador inválido",
    "uuid_type": "identificador inválido",
}


def error_body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"error": code, "message": message, **extra}


def _field_message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind == "string_too_short":
        return f"deve ter pelo menos {ctx.get('min_length')} caractere(s)"
    if kind == "string_too_long":
        return f"deve ter no máximo {ctx.get('max_length')} caracteres"
    if kind == "literal_error" or kind == "enum":
        return f"deve ser um de: {ctx.get('expected')}"
    if kind == "value_error" and "email" in str(err.get("msg", "")).lower():
        return "e-mail inválido"
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    return _MESSAGES.get(kind, str(err.get("msg", "valor inválido")))


def _field_name(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def validation_answer(errors: list[dict[str, Any]]) -> JSONResponse:
    if any(e.get("type") == "json_invalid" for e in errors):
        return JSONResponse(
            error_body("malformed_json", "Corpo JSON inválido: verifique a sintaxe do JSON enviado."), 400
        )
    fields = [{"field": _field_name(e.get("loc", ())), "message": _field_message(e)} for e in errors]
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
    return JSONResponse(error_body("invalid", f"Dados inválidos — {summary}.", fields=fields), 422)


# details of a DomainError that the answer's body carries (the rest stays in the logs): a plan limit names
# the limit and the plan that lifts it, a product gate the product
PUBLIC_DETAILS = ("field", "scope", "product", "limit", "upgrade_to")


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(_: Request, exc: DomainError) -> JSONResponse:
        extra = {k: exc.details[k] for k in PUBLIC_DETAILS if k in exc.details}
        retry_after = getattr(exc, "retry_after_s", None)
        headers = {"Retry-After": str(retry_after), **getattr(exc, "headers", {})} if retry_after else None
        return JSONResponse(error_body(exc.code, exc.message, **extra), exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_answer(list(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        message = exc.detail if isinstance(exc.detail, str) and exc.status_code not in _HTTP_MESSAGES \
            else _HTTP_MESSAGES.get(exc.status_code, str(exc.detail))
        return JSONResponse(error_body(code, message), exc.status_code, headers=getattr(exc, "headers", None))
