"""The FastAPI app: routers from alrea.api.routers.ROUTERS, errors mapped in api.errors, body limit, valid
Unicode, security headers."""
from __future__ import annotations

from fastapi import FastAPI

from alrea.api import errors
from alrea.api.middleware import BodyLimit, CatchAll, RequestLogContext, SecurityHeaders, ValidUnicode
from alrea.api.routers import ROUTERS
from alrea.core.config import get_settings


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
    for router in ROUTERS:
        app.include_router(router)
    # added last = outermost: the security headers on every answer (the 500 included), CatchAll, the log
    # context, the body limit, valid Unicode
    app.add_middleware(ValidUnicode)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestLogContext)
    app.add_middleware(CatchAll)
    app.add_middleware(SecurityHeaders)
    return app
