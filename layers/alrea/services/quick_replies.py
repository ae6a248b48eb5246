"""Quick replies of a tenant: ``/shortcut`` → text. Everyone reads (and looks up by prefix); admins and
managers write."""
from __future__ import annotations

import re
from alrea.core.clock import new_id
from alrea.core.errors import Invalid
from alrea.domain.accounts import QuickReply
from alrea.domain.roles import Principal
from alrea.store import quick_replies as store

SHORTCUT = re.compile(r"^[\w\-.]{1,40}$", re.UNICODE)
MAX_TEXT = 4096


def _shortcut(value: str) -> str:
    value = (value or "").strip().lstrip("/").lower()
    if not SHORTCUT.match(value):
        raise Invalid("O atalho deve ter de 1 a 40 letras, números, '-', '_' ou '.', sem espaços.", field="shortcut")
    return value


def _text(value: str) -> str:
    value = (value or "").strip()
    if not value or len(value) > MAX_TEXT:
        raise Invalid(f"O texto deve ter de 1 a {MAX_TEXT} caracteres.", field="text")
    return value


def create(caller: Principal, shortcut: str, text: str) -> QuickReply:
    return store.create(caller.tenant_id, new_id(), _shortcut(shortcut), _text(text))


def list_all(caller: Principal, prefix: str | None = None) -> list[QuickReply]:
    clean = (prefix or "").strip().lstrip("/").lower()
    if clean and not SHORTCUT.match(clean):
        return []
    return store.list_prefix(caller.tenant_id, clean)


def get(caller: Principal, reply_id: str) -> QuickReply:
    return store.get(caller.tenant_id, reply_id)


def update(caller: Principal, reply_id: str, shortcut: str, text: str) -> QuickReply:
    return store.update(caller.tenant_id, reply_id, _shortcut(shortcut), _text(text))


def delete(caller: Principal, reply_id: str) -> None:
    store.delete(caller.tenant_id, reply_id)
