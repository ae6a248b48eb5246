"""The local API Gateway: one ASGI app that turns HTTP and WebSocket traffic into Lambda events.

- Requests under a registry Rest function's routes become REST proxy events (payload v1) for its handler,
  run in a worker thread; the proxy response becomes the HTTP response. Bodies over 10 MB get 413.
- ``/ws?token=…`` plays API Gateway WebSocket: $connect / $default / $disconnect events to the registry's
  WebSocket functions; a $default answer body goes back to the client (the route response).
- ``/dev/mail`` (+ ``.json``, ``/<id>``): the local mail sink's inbox (alrea/local/mailbox.py), when the
  runtime gives the gateway its sink.
- Anything else serves the built SPA (frontend/dist) with an index.html fallback for client routes, with the
  security headers of alrea.security_headers (CSP, no framing, Referrer-Policy).
"""
from __future__ import annotations

import base64
import json
import re
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from alrea import security_headers
from alrea.core.log import logger
from alrea.local import events
from alrea.local.sockets import LocalSender
from alrea.registry import Function, Rest
from alrea.registry import WebSocket as WebSocketTrigger

MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's payload limit
WS_PATH = "/ws"
CLOSE_UNAUTHORIZED = 4401
CLOSE_POLICY = 1008
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

Invoke = Callable[[Function, dict[str, Any]], Any]


@dataclass(frozen=True)
class RestRoute:
    function: Function
    resource: str
    pattern: re.Pattern[str]


def compile_resource(resource: str) -> re.Pattern[str]:
    """'/api/{proxy+}' → a regex with named groups, as API Gateway matches resources."""
    out = ""
    for part in re.split(r"(\{[^}]+\})", resource):
        if part.startswith("{") and part.endswith("}"):
            name = part[1:-1]
            out += f"(?P<{name[:-1]}>.+)" if name.endswith("+") else f"(?P<{name}>[^/]+)"
        else:
            out += re.escape(part)
    return re.compile(f"^{out}$")


def rest_routes(functions: Sequence[Function]) -> list[RestRoute]:
    routes = [RestRoute(fn, resource, compile_resource(resource))
              for fn in functions if isinstance(fn.trigger, Rest) for resource in fn.trigger.routes]
    # API Gateway prefers the most specific resource: literal paths before greedy ones
    return sorted(routes, key=lambda r: ("{" in r.resource, -len(r.resource)))


class Gateway:
    def __init__(self, functions: Sequence[Function], invoke: Invoke, sender: LocalSender, *,
                 spa_dir: Path | None = None, stage: str = "local", s3_origins: Sequence[str] = (),
                 mail: Any = None) -> None:
        self.routes = rest_routes(functions)
        self.ws_functions = {fn.trigger.route: fn for fn in functions if isinstance(fn.trigger, WebSocketTrigger)}
        self.invoke = invoke
        self.sender = sender
        self.spa_dir = spa_dir.resolve() if spa_dir and (spa_dir / "index.html").is_file() else None
        self.stage = stage
        self.s3_origins = [origin_of(o) for o in s3_origins if o]  # presigned URLs: the SPA's CSP allows them
        dev_routes = []
        if mail is not None:  # the local mail sink (alrea.adapters.memory.mail.MailSink)
            from alrea.local.mailbox import Mailbox

            mailbox = Mailbox(mail)
            dev_routes = [Route("/dev/mail", mailbox.inbox), Route("/dev/mail.json", mailbox.json),
                          Route("/dev/mail/{message_id}", mailbox.message)]
        self.app = Starlette(routes=[
            WebSocketRoute(WS_PATH, self.websocket),
            *dev_routes,
            Route("/{path:path}", self.http, methods=METHODS),
        ])

    # ------------------------------------------------------------ REST
    def match(self, path: str) -> tuple[RestRoute, dict[str, str]] | None:
        for route in self.routes:
            found = route.pattern.match(path)
            if found:
                return route, found.groupdict()
        return None

    async def call(self, fn: Function, event: dict[str, Any]) -> Any:
        return await anyio.to_thread.run_sync(self.invoke, fn, event)

    async def http(self, request: Request) -> Response:
        path = request.url.path
        matched = self.match(path)
        if matched is None:
            return self.spa(request)
        route, params = matched
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return too_large()
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return too_large()
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
        client = request.client.host if request.client else "127.0.0.1"
        names = {k.lower() for k, _ in headers}
        if "x-forwarded-for" not in names:
            headers.append(("X-Forwarded-For", client))
        if "x-forwarded-proto" not in names:
            headers.append(("X-Forwarded-Proto", request.url.scheme))
        if "x-forwarded-port" not in names and request.url.port:
            headers.append(("X-Forwarded-Port", str(request.url.port)))
        event = events.rest_event(
            method=request.method, path=path, resource=route.resource, headers=headers,
            query=request.query_params.multi_items(), path_parameters=params, body=bytes(body),
            source_ip=client, stage=self.stage, domain_name=request.url.hostname or "localhost",
        )
        try:
            result = await self.call(route.function, event)
        except Exception:  # noqa: BLE001 - a crashed function is API Gateway's 502, logged here
            logger.exception("function failed", extra={"function": route.function.name, "path": path})
            result = None
        answer = events.proxy_answer(result)
        response = Response(answer.body, status_code=answer.status)
        if not any(name == "content-type" for name, _ in answer.headers):
            answer.headers.append(("content-type", "application/json"))  # API Gateway's default
        response.raw_headers += [(k.encode("latin-1"), v.encode("latin-1")) for k, v in answer.headers]
        return response

    # ------------------------------------------------------------ SPA
    def spa(self, request: Request) -> Response:
        if self.spa_dir is None or request.method not in ("GET", "HEAD"):
            return JSONResponse({"message": "Not Found"}, status_code=404)
        relative = request.url.path.lstrip("/")
        candidate = (self.spa_dir / relative).resolve()
        if relative and candidate.is_file() and candidate.is_relative_to(self.spa_dir):
            cache = "public, max-age=31536000, immutable" if "/assets/" in request.url.path else "no-cache"
            return FileResponse(candidate, headers={"cache-control": cache, **self._spa_headers(request)})
        if Path(relative).suffix and not relative.endswith(".html"):
            return JSONResponse({"message": "Not Found"}, status_code=404)  # a missing asset, not a route
        return FileResponse(self.spa_dir / "index.html", headers={"cache-control": "no-cache",
                                                                 **self._spa_headers(request)})

    def _spa_headers(self, request: Request) -> dict[str, str]:
        return security_headers.spa_headers(request.headers.get("host"), self.s3_origins)

    # ------------------------------------------------------------ WebSocket
    async def websocket(self, ws: WebSocket) -> None:
        connect_fn = self.ws_functions.get("$connect")
        await ws.accept()
        connection_id = base_id()
        connected_at = int(time.time() * 1000)
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in ws.headers.raw]
        client = ws.client.host if ws.client else "127.0.0.1"
        common = {"connection_id": connection_id, "connected_at_ms": connected_at, "source_ip": client,
                  "stage": self.stage, "domain_name": ws.url.hostname or "localhost"}
        if connect_fn is not None:
            event = events.ws_event(route_key="$connect", headers=headers,
                                    query=ws.query_params.multi_items(), **common)
            status = await self._status(connect_fn, event)
            if status != 200:
                await ws.close(code=CLOSE_UNAUTHORIZED if status in (401, 403) else CLOSE_POLICY)
                return
        self.sender.register(connection_id, ws)
        close_code, reason = 1005, ""
        try:
            while True:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    close_code = message.get("code", 1005)
                    reason = message.get("reason") or ""
                    break
                await self._message(ws, message, common)
        except WebSocketDisconnect as exc:
            close_code = exc.code
        finally:
            self.sender.unregister(connection_id)
            disconnect_fn = self.ws_functions.get("$disconnect")
            if disconnect_fn is not None:
                event = events.ws_event(route_key="$disconnect", headers=headers, disconnect_status=close_code,
                                        disconnect_reason=reason, **common)
                with anyio.CancelScope(shield=True):
                    await self._status(disconnect_fn, event)

    async def _message(self, ws: WebSocket, message: dict[str, Any], common: dict[str, Any]) -> None:
        fn = self.ws_functions.get("$default")
        if fn is None:
            return
        body = message.get("text") if message.get("text") is not None else message.get("bytes")
        event = events.ws_event(route_key="$default", body=body, **common)
        try:
            result = await self.call(fn, event)
        except Exception:  # noqa: BLE001 - API Gateway tells the client, the log keeps the trace
            logger.exception("function failed", extra={"function": fn.name})
            result = None
            await ws.send_text(json.dumps({"message": "Internal server error",
                                           "connectionId": common["connection_id"],
                                           "requestId": event["requestContext"]["requestId"]}))
        if isinstance(result, dict) and result.get("body"):
            await ws.send_text(str(result["body"]))

    async def _status(self, fn: Function, event: dict[str, Any]) -> int:
        try:
            result = await self.call(fn, event)
        except Exception:  # noqa: BLE001
            logger.exception("function failed", extra={"function": fn.name})
            return 500
        if isinstance(result, dict):
            status = result.get("statusCode", 200)
            return status if isinstance(status, int) else 502
        return 200 if result is None else 502


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL (a CSP source)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else url


def base_id() -> str:
    """A connection id shaped like API Gateway's (base64, 16 chars ending in '=')."""
    return base64.b64encode(uuid.uuid4().bytes[:10]).decode("ascii").replace("/", "_").replace("+", "-")


def too_large() -> Response:
    return JSONResponse({"message": "Request Entity Too Large"}, status_code=413)
