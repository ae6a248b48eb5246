"""Routers of the REST API, loaded lazily per path prefix.

``ROUTERS`` maps each router module to the first path segments under ``/api`` it serves (one line per module).
The app includes a module's router the first time a request reaches one of its segments, so a cold Lambda
imports FastAPI and the app shell, not every product's routes, models and services (docs/DECISIONS.md 25).
``tests/unit/test_api_routers.py`` checks that every module is listed and serves only the segments it declares.
"""
from __future__ import annotations

from importlib import import_module

from fastapi import APIRouter

ROUTERS: dict[str, tuple[str, ...]] = {
    "health": ("health",),
    "auth": ("auth",),
    "me": ("me",),
    "users": ("users",),
    "departments": ("departments",),
    "conversations": ("conversations",),
    "instances": ("instances",),
    "quick_replies": ("quick-replies",),
    "inbox_settings": ("inbox",),
    "presence": ("inbox", "me"),
    "contacts": ("contacts",),
    "media": ("media",),
    "campaigns": ("campaigns",),
    "privacy": ("privacy",),
    "search": ("search",),
}


def segment(path: str) -> str | None:
    """The routing segment of a request path: ``/api/contacts/x`` → ``contacts``; None outside ``/api/``."""
    parts = path.split("/", 3)
    return parts[2] if len(parts) > 2 and parts[1] == "api" else None


def modules_for(path: str) -> list[str]:
    seg = segment(path)
    return [module for module, segments in ROUTERS.items() if seg in segments]


def load(module: str) -> APIRouter:
    return import_module(f"alrea.api.routers.{module}").router
