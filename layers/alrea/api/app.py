"""The FastAPI app: routers from alrea.api.routers.ROUTERS (included on first use of their path prefix), errors
mapped in api.errors, body limit, valid Unicode, security headers."""
from __future__ import annotations

import threading
from typing import Any

from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from alrea.api import errors, routers
from alrea.api.middleware import BodyLimit, CatchAll, RequestLogContext, SecurityHeaders, ValidUnicode
from alrea.core.config import get_settings


class _Routers:
    """Includes each router module into the app once, the first time a request (or the OpenAPI document)
    needs it. Route order inside a module is kept; modules sharing a segment are included together."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.loaded: set[str] = set()
        self.lock = threading.Lock()

    def ensure(self, modules: list[str]) -> None:
        if all(m in self.loaded for m in modules):
            return
        with self.lock:
            for module in modules:
                if module not in self.loaded:
                    self.app.include_router(routers.load(module), dependencies=routers.gates(module))
                    self.loaded.add(module)
            self.app.openapi_schema = None

    def ensure_all(self) -> None:
        self.ensure(list(routers.ROUTERS))


class _LoadRoutes:
    """Innermost ASGI layer: loads the routers of the request's path before routing runs."""

    def __init__(self, app: ASGIApp, loader: _Routers) -> None:
        self.app, self.loader = app, loader

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.loader.ensure(routers.modules_for(scope["path"]))
        await self.app(scope, receive, send)


def create_app() -> FastAPI:
    settings = get_settings()
    app = FastAPI(
        title="ALREA Flow API",
        version="0.1.0",
        description="REST API of ALREA Flow: WhatsApp campaigns and a shared inbox.",
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
    )
    errors.install(app)
    loader = _Routers(app)
    app.state.routers = loader
    openapi = app.openapi

    def full_openapi() -> dict[str, Any]:
        loader.ensure_all()
        return openapi()

    app.openapi = full_openapi  # type: ignore[method-assign]
    # added first = innermost: the routes a request needs are loaded just before routing; added last =
    # outermost: the security headers on every answer (the 500 included), CatchAll, the log context, the body
    # limit, valid Unicode
    app.add_middleware(_LoadRoutes, loader=loader)
    app.add_middleware(ValidUnicode)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestLogContext)
    app.add_middleware(CatchAll)
    app.add_middleware(SecurityHeaders)
    return app
