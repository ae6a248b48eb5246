"""Pure ASGI middlewares: request log context, the body-size limit, valid Unicode in JSON bodies, security
headers, and the last-resort 500.

Pure ASGI (not BaseHTTPMiddleware) so they behave the same under uvicorn and under Mangum in Lambda.
"""
from __future__ import annotations

import json
import re
from typing import Any

from fastapi import HTTPException
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alrea import security_headers
from alrea.api.errors import INTERNAL, error_body
from alrea.core.log import logger

REQUEST_KEYS = ["tenant_id", "user_id"]


def too_large_message(max_bytes: int) -> str:
    return f"Corpo da requisição grande demais: o limite é {max_bytes // 1024} KB."


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` while the app reads a body past the limit; answered 413 by api.errors.

    A FastAPI HTTPException on purpose: FastAPI re-raises those from body parsing instead of turning them
    into a 400.
    """

    def __init__(self, max_bytes: int) -> None:
        super().__init__(status_code=413, detail=too_large_message(max_bytes))


class BodyLimit:
    """Refuse bodies over ``max_bytes``: at once when Content-Length says so, else while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                length = int(declared)
            except ValueError:
                await JSONResponse(error_body("bad_request", "Cabeçalho Content-Length inválido."), 400)(
                    scope, receive, send)
                return
            if length > self.max_bytes:
                await JSONResponse(error_body("payload_too_large", too_large_message(self.max_bytes)), 413)(
                    scope, receive, send)
                return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.max_bytes)
            return message

        await self.app(scope, limited, send)


INVALID_UNICODE = ("Texto com caracteres Unicode inválidos (um surrogate isolado, como \\ud800): "
                   "corrija o texto e envie de novo.")
_SURROGATE = re.compile("[\ud800-\udfff]")


def has_invalid_unicode(value: Any) -> bool:
    """True when any string (key or value) of a parsed JSON document holds a lone surrogate: JSON's
    ``\\ud800`` escapes decode to text no store or encoder accepts."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class ValidUnicode:
    """Every route at once: a JSON body with a lone surrogate answers 400 before any route parses it.

    Sits inside BodyLimit (the body is already bounded) and replays the body it read to the app. A body that
    is not JSON at all is left to the route's parsing (400 malformed_json, in api.errors).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        content_type = dict(scope.get("headers") or []).get(b"content-type", b"").decode("latin-1").lower()
        if content_type and "json" not in content_type:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        more = True
        while more:
            try:
                message = await receive()
            except BodyTooLarge as exc:  # raised by BodyLimit's receive, outside the app's error handlers
                await JSONResponse(error_body("payload_too_large", str(exc.detail)), 413)(scope, receive, send)
                return
            if message["type"] != "http.request":  # the client left
                await self.app(scope, _replay([message]), send)
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if b"\\u" in body:  # only an escape can produce a lone surrogate from valid UTF-8 bytes
            try:
                document = json.loads(body)
            except ValueError:
                document = None
            if has_invalid_unicode(document):
                await JSONResponse(error_body("invalid_unicode", INVALID_UNICODE), 400)(scope, receive, send)
                return
        await self.app(scope, _replay([{"type": "http.request", "body": body, "more_body": False}], receive),
                       send)


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        if then is not None:
            return await then()
        return {"type": "http.disconnect"}

    return replay


class SecurityHeaders:
    """Every API answer gets the headers of alrea.security_headers.api_headers (nosniff; no-store on the auth
    routes) and loses any header naming the stack (``Server``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = [(k.lower().encode("latin-1"), v.encode("latin-1"))
                 for k, v in security_headers.api_headers(scope.get("path") or "").items()]
        drop = {name.encode() for name in security_headers.DROPPED_HEADERS} | {k for k, _ in extra}

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers") or [] if k.lower() not in drop]
                message = {**message, "headers": headers + extra}
            await send(message)

        await self.app(scope, receive, with_headers)


class RequestLogContext:
    """Each request starts with no tenant/user log keys (deps.current_user adds them once verified)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            logger.remove_keys(REQUEST_KEYS)
        await self.app(scope, receive, send)


class CatchAll:
    """An exception nobody mapped: log it with its traceback, answer 500 without one.

    (Starlette's ServerErrorMiddleware would answer too, but then re-raise into the server/Mangum.)
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:  # noqa: BLE001 - the last resort, by design
            logger.exception("unhandled error",
                             extra={"method": scope.get("method"), "path": scope.get("path")})
            if not started:
                await JSONResponse(INTERNAL, 500)(scope, receive, send)
