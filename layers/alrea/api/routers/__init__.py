"""Routers of the REST API. Each product module adds its router to ROUTERS (one line)."""
from __future__ import annotations

from importlib import import_module

from fastapi import APIRouter


def _router(module: str) -> APIRouter:
    return import_module(f"alrea.api.routers.{module}").router


ROUTERS: list[APIRouter] = [
    _router("health"),
    _router("auth"),
    _router("me"),
    _router("users"),
    _router("departments"),
    _router("conversations"),
    _router("instances"),
    _router("quick_replies"),
    _router("inbox_settings"),
    _router("presence"),
    _router("contacts"),
    _router("media"),
    _router("campaigns"),
    _router("privacy"),
    _router("search"),
    _router("notifications"),
    _router("account"),
]
