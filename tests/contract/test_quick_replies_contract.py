"""Quick replies: the service's rules against an in-memory store (no emulator), and the same behaviour suite
run against that in-memory store and DynamoDB-on-moto, so the in-memory one stays honest."""
from __future__ import annotations

import types
import uuid
from dataclasses import replace

import pytest

from alrea.core.clock import iso, utcnow
from alrea.core.errors import Conflict, Invalid, NotFound
from alrea.domain.accounts import QuickReply
from alrea.domain.roles import Principal


def memory_store() -> types.SimpleNamespace:
    """The operations of alrea.store.quick_replies, over a dict keyed like the table: (tenant, shortcut)."""
    rows: dict[tuple[str, str], QuickReply] = {}

    def create(tenant_id: str, reply_id: str, shortcut: str, text: str) -> QuickReply:
        if (tenant_id, shortcut) in rows:
            raise Conflict("taken", field="shortcut")
        rows[(tenant_id, shortcut)] = QuickReply(reply_id, tenant_id, shortcut, text, iso(utcnow()))
        return rows[(tenant_id, shortcut)]

    def list_prefix(tenant_id: str, prefix: str = "", limit: int = 1000) -> list[QuickReply]:
        found = sorted((r for (t, s), r in rows.items() if t == tenant_id and s.startswith(prefix)),
                       key=lambda r: r.shortcut)
        return found[:limit]

    def get(tenant_id: str, reply_id: str) -> QuickReply:
        for r in list_prefix(tenant_id):
            if r.id == reply_id:
                return r
        raise NotFound("not found")

    def update(tenant_id: str, reply_id: str, shortcut: str, text: str) -> QuickReply:
        current = get(tenant_id, reply_id)
        if shortcut != current.shortcut and (tenant_id, shortcut) in rows:
            raise Conflict("taken", field="shortcut")
        del rows[(tenant_id, current.shortcut)]
        rows[(tenant_id, shortcut)] = replace(current, shortcut=shortcut, text=text, updated_at=iso(utcnow()))
        return rows[(tenant_id, shortcut)]

    def delete(tenant_id: str, reply_id: str) -> None:
        del rows[(tenant_id, get(tenant_id, reply_id).shortcut)]

    return types.SimpleNamespace(create=create, list_prefix=list_prefix, get=get, update=update, delete=delete)


@pytest.fixture(params=["memory", "dynamodb"])
def store(request):
    if request.param == "memory":
        return memory_store()
    request.getfixturevalue("aws")
    from alrea.store import quick_replies

    return quick_replies


def test_the_shortcut_is_unique_per_tenant_and_listed_by_prefix(store):
    tid, other = str(uuid.uuid4()), str(uuid.uuid4())
    first = store.create(tid, "r1", "oi", "Olá!")
    store.create(tid, "r2", "obrigado", "Obrigado pelo contato.")
    store.create(other, "r3", "oi", "Oi, aqui é outra empresa.")
    with pytest.raises(Conflict):
        store.create(tid, "r4", "oi", "de novo")
    assert [r.shortcut for r in store.list_prefix(tid)] == ["obrigado", "oi"]
    assert [r.id for r in store.list_prefix(tid, "oi")] == ["r1"]
    assert store.get(tid, "r1") == first and store.get(other, "r3").text.startswith("Oi, aqui")
    with pytest.raises(NotFound):
        store.get(other, "r1")


def test_a_new_shortcut_moves_the_reply_and_never_over_another(store):
    tid = str(uuid.uuid4())
    store.create(tid, "r1", "oi", "Olá!")
    store.create(tid, "r2", "tchau", "Até logo.")
    moved = store.update(tid, "r1", "ola", "Olá, tudo bem?")
    assert (moved.id, moved.shortcut, moved.text) == ("r1", "ola", "Olá, tudo bem?") and moved.updated_at
    assert [r.shortcut for r in store.list_prefix(tid)] == ["ola", "tchau"]
    with pytest.raises(Conflict):
        store.update(tid, "r1", "tchau", "x")
    assert store.get(tid, "r1").shortcut == "ola" and store.get(tid, "r2").text == "Até logo."
    store.delete(tid, "r2")
    with pytest.raises(NotFound):
        store.delete(tid, "r2")
    assert [r.id for r in store.list_prefix(tid)] == ["r1"]


# ---------------------------------------------------------------- the service's rules, no emulator
@pytest.fixture
def service(monkeypatch):
    from alrea.services import quick_replies

    monkeypatch.setattr(quick_replies, "store", memory_store())
    return quick_replies


def test_the_service_cleans_shortcuts_and_texts(service):
    caller = Principal(tenant_id=str(uuid.uuid4()), user_id="u1", role="manager")
    made = service.create(caller, "/Oi", "  Olá!  ")
    assert (made.shortcut, made.text) == ("oi", "Olá!")
    for shortcut, text in (("com espaço", "x"), ("", "x"), ("/" + "a" * 41, "x"), ("ok", "  "),
                           ("ok", "x" * (service.MAX_TEXT + 1))):
        with pytest.raises(Invalid):
            service.create(caller, shortcut, text)
    assert [r.shortcut for r in service.list_all(caller, "/O")] == ["oi"]
    assert service.list_all(caller, "não é atalho") == []
    assert service.update(caller, made.id, "/ola", "Oi!").shortcut == "ola"
