"""Routers of the REST API, loaded lazily per path prefix.

``ROUTERS`` maps each router module to the path prefixes (``api/<segment>``, ``v1/<segment>``) it serves (one
line per module).
The app includes a module's router the first time a request reaches one of its segments, so a cold Lambda
imports FastAPI and the app shell, not every product's routes, models and services (docs/DECISIONS.md 25).
``tests/unit/test_api_routers.py`` checks that every module is listed and serves only the segments it declares.
"""
from __future__ import annotations

from importlib import import_module

from fastapi import APIRouter

ROUTERS: dict[str, tuple[str, ...]] = {
    "health": ("api/health",),
    "auth": ("api/auth",),
    "me": ("api/me",),
    "users": ("api/users",),
    "departments": ("api/departments",),
    "conversations": ("api/conversations",),
    "instances": ("api/instances",),
    "quick_replies": ("api/quick-replies",),
    "inbox_settings": ("api/inbox",),
    "presence": ("api/inbox", "api/me"),
    "contacts": ("api/contacts",),
    "media": ("api/media",),
    "campaigns": ("api/campaigns",),
    "privacy": ("api/privacy",),
    "search": ("api/search",),
    "api_keys": ("api/api-keys",),
    "v1_numbers": ("v1/numbers",),
    "v1_contacts": ("v1/contacts",),
    "v1_messages": ("v1/messages", "v1/media"),
    "v1_campaigns": ("v1/campaigns",),
    "v1_docs": ("v1/openapi.json", "v1/docs"),
    "notifications": ("api/notifications",),
    "account": ("api/me", "api/instances", "api/onboarding", "api/number-settings"),
    "webhooks": ("api/webhooks",),
    "v1_webhooks": ("v1/webhooks",),
    "sense": ("api/sense",),
    "reports": ("api/reports",),
    "credentials": ("api/me",),
    "invitations": ("api/invitations",),
    "tenant": ("api/tenant",),
    "billing": ("api/billing",),
    "plans": ("api/plans",),
}
ROOTS = ("api", "v1")

# The product each router module belongs to (domain/catalogue.json); modules not listed are everyone's
# (accounts, numbers, privacy, health, the plan catalogue). The app adds the product check to every route of
# an ``api/`` module (api.deps.require_product); the ``/v1`` modules are checked by their key's dependency
# (api.partner), whose tenant comes from the key, not from a user's token.
PRODUCTS: dict[str, str] = {
    **dict.fromkeys(("conversations", "quick_replies", "inbox_settings", "presence", "contacts", "media",
                     "campaigns", "search"), "flow"),
    **dict.fromkeys(("api_keys", "webhooks", "v1_numbers", "v1_contacts", "v1_messages", "v1_campaigns",
                     "v1_webhooks"), "api"),
    "notifications": "notifications",
    "sense": "sense",
    "reports": "flow",
}


def segment(path: str) -> str | None:
    """The routing prefix of a request path: ``/api/contacts/x`` → ``api/contacts``, ``/v1/messages`` →
    ``v1/messages``; None outside ``/api/`` and ``/v1/``."""
    parts = path.split("/", 3)
    if len(parts) > 2 and parts[1] in ROOTS and parts[2]:
        return f"{parts[1]}/{parts[2]}"
    return None


def modules_for(path: str) -> list[str]:
    seg = segment(path)
    return [module for module, segments in ROUTERS.items() if seg in segments]


def load(module: str) -> APIRouter:
    return import_module(f"alrea.api.routers.{module}").router


def gates(module: str) -> list:
    """The dependencies the app adds to every route of ``module``: its product's check (``api/`` modules)."""
    product = PRODUCTS.get(module)
    if product is None or ROUTERS[module][0].startswith("v1/"):
        return []
    from fastapi import Depends

    from alrea.api.deps import require_product

    return [Depends(require_product(product))]
