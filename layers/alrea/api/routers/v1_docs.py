"""/v1/openapi.json: the partner API's own OpenAPI document (only the ``/v1`` routes; public, like any API
reference). docs/API.md is the guide around it."""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from fastapi import APIRouter
from fastapi.openapi.utils import get_openapi

from alrea.api import routers

router = APIRouter(prefix="/v1", tags=["docs"])
DESCRIPTION = ("ALREA Flow's partner API. Authenticate with `Authorization: Bearer alr_live_…` (or `X-Api-Key`); "
               "every answer carries `RateLimit-*` headers; POSTs accept `Idempotency-Key`. See docs/API.md.")


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    routes = [route for module, prefixes in routers.ROUTERS.items() if module != "v1_docs"
              and any(p.startswith("v1/") for p in prefixes) for route in routers.load(module).routes]
    doc = get_openapi(title="ALREA Flow partner API", version="1", description=DESCRIPTION, routes=routes)
    for route in routes:
        scope = _scope(route)
        for method in getattr(route, "methods", ()) if scope else ():
            operation = doc["paths"].get(route.path_format, {}).get(method.lower())
            if operation is not None:  # the key's scope: as an extension and in the text a reader sees
                operation["x-scope"] = scope
                operation["description"] = "\n\n".join(filter(None, (f"Scope: `{scope}`.",
                                                                        operation.get("description"))))
    return doc


def _scope(route: Any) -> str | None:
    """The scope of the route's PartnerKey dependency (api/partner.py), if it has one."""
    dependant = getattr(route, "dependant", None)
    for dependency in dependant.dependencies if dependant else ():
        scope = getattr(dependency.call, "scope", None)
        if isinstance(scope, str):
            return scope
    return None


@router.get("/openapi.json", include_in_schema=False)
def partner_openapi() -> dict[str, Any]:
    return document()
