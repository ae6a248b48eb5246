"""Every customer seen: the default "Atender" view, tab counts, waiting timers and per-user unread — on the real
path (signed-up tenant, users with real tokens, inbound webhooks through the processor, REST over moto)."""
from __future__ import annotations

import time

import pytest
from inbox_world import process_webhook, staffed_tenant

from alrea.ports.push import user_group
from alrea.services import audience
from alrea.simulator import payloads as p
from alrea.store import conversations

EVO = "inbox-counts"


def customer_writes(world, phone: str, text: str, name: str = "Cliente", now: int | None = None) -> str:
    jid = f"{phone}@s.whatsapp.net"
    process_webhook(world, "messages.upsert", p.inbound_message(world["instance"].instance_id, jid, p.text_content(text),
                                                         "conversation", name, now=now or int(time.time())))
    return conversations.conversation_id(world["tid"], world["instance"].instance_id, jid)


def phone_answers(world, phone: str, text: str) -> None:
    """An attendant answers from the phone itself: the fromMe echo comes through the webhook."""
    jid = f"{phone}@s.whatsapp.net"
    process_webhook(world, "messages.upsert", p.sent_message(world["instance"].instance_id, jid, p.text_content(text),
                                                      "conversation"))


STAFF = {"mgr_v": ("manager", "Vendas"), "ag_v": ("agent", "Vendas"), "ag_v2": ("agent", "Vendas"),
         "ag_s": ("agent", "Suporte")}


@pytest.fixture
def world(client, new_tenant, api_runtime):
    return {**staffed_tenant(new_tenant, "Contagens Ltda", STAFF, EVO), "push": api_runtime.push}


def listed(account, **params) -> list[str]:
    r = account.get("/api/conversations", params=params)
    assert r.status_code == 200, r.text
    return [c["id"] for c in r.json()["items"]]


def counts(account) -> dict:
    r = account.get("/api/conversations/counts")
    assert r.status_code == 200, r.text
    return r.json()


def test_default_view_and_counts_per_role(world):
    a, admin, people = world["as"], world["admin"], world["people"]
    first = customer_writes(world, "5511933330001", "Oi", "Maria", now=int(time.time()) - 60)
    second = customer_writes(world, "5511933330002", "Olá", "João")
    # nothing assigned yet: the new chats are pending in Vendas' queue, and that is what the default view shows
    assert listed(a["ag_v"], view="inbox") == [second, first]
    assert listed(a["ag_v"], view="inbox", sort="oldest") == [first, second]
    assert listed(a["mgr_v"], view="inbox") == [second, first]
    assert listed(admin, view="inbox") == [second, first]
    assert listed(a["ag_s"], view="inbox") == []
    assert counts(a["ag_v"]) == {"inbox": 2, "pending": 2, "mine": 0, "open": 0, "unread": 2, "cap": 100}
    assert counts(a["ag_s"]) == {"inbox": 0, "pending": 0, "mine": 0, "open": 0, "unread": 0, "cap": 100}

    # agent 1 takes the first: it stays in their default view (their open chat), leaves agent 2's
    r = a["ag_v"].post(f"/api/conversations/{first}/assign", {"user_id": people["ag_v"]["id"]})
    assert r.status_code == 200, r.text
    assert listed(a["ag_v"], view="inbox") == [second, first]
    assert listed(a["ag_v2"], view="inbox") == [second]
    assert counts(a["ag_v"])["inbox"] == 2 and counts(a["ag_v"])["mine"] == 1
    assert counts(a["ag_v2"]) == {"inbox": 1, "pending": 1, "mine": 0, "open": 0, "unread": 1, "cap": 100}
    # the manager: the queue in the default view, every open chat of the department in "open"
    assert listed(a["mgr_v"], view="inbox") == [second]
    assert counts(a["mgr_v"]) | {"unread": None} == {"inbox": 1, "pending": 1, "mine": 0, "open": 1,
                                                     "unread": None, "cap": 100}
    # the admin: every pending chat + their own open ones
    assert listed(admin, view="inbox") == [second]
    assert counts(admin)["inbox"] == 1 and counts(admin)["open"] == 1 and counts(admin)["pending"] == 1
    # the default view combines with the other filters
    assert listed(a["ag_v"], view="inbox", q="maria") == [first]
    # a closed chat leaves every count
    assert a["ag_v"].post(f"/api/conversations/{first}/close").status_code == 200
    assert counts(a["ag_v"])["inbox"] == 1 and counts(a["ag_v"])["mine"] == 0
    for bad in ({"view": "tudo"}, {"sort": "sideways"}):
        r = a["ag_v"].get("/api/conversations", params=bad)
        assert r.status_code == 422 and r.json()["message"]


def test_waiting_since_set_by_the_customer_cleared_by_our_answer(world):
    a = world["as"]
    cid = customer_writes(world, "5511944440001", "Tem alguém?", now=int(time.time()) - 120)
    view = a["ag_v"].get(f"/api/conversations/{cid}").json()
    since = view["waiting_since"]
    assert since and since.endswith("Z")
    # a second message keeps the first wait time
    customer_writes(world, "5511944440001", "Alô?")
    assert a["ag_v"].get(f"/api/conversations/{cid}").json()["waiting_since"] == since
    # an attendant answers in the inbox: no longer waiting
    r = a["ag_v"].post(f"/api/conversations/{cid}/messages", {"text": "Olá! Como posso ajudar?"})
    assert r.status_code == 202, r.text
    assert a["ag_v"].get(f"/api/conversations/{cid}").json()["waiting_since"] is None
    # the customer writes again: waiting again; an answer from the phone (fromMe echo) ends it too
    customer_writes(world, "5511944440001", "Quero saber o preço")
    assert a["ag_v"].get(f"/api/conversations/{cid}").json()["waiting_since"]
    phone_answers(world, "5511944440001", "Custa 10 reais")
    assert a["ag_v"].get(f"/api/conversations/{cid}").json()["waiting_since"] is None


def test_wait_thresholds_settings(world):
    a, admin = world["as"], world["admin"]
    r = a["ag_v"].get("/api/inbox/settings")
    assert r.status_code == 200
    assert (r.json()["wait_warn_minutes"], r.json()["wait_alert_minutes"]) == (5, 15)
    r = admin.put("/api/inbox/settings", json={"wait_warn_minutes": 3, "wait_alert_minutes": 10})
    assert r.status_code == 200, r.text
    assert (r.json()["wait_warn_minutes"], r.json()["wait_alert_minutes"], r.json()["auto_assign"]) == (3, 10, False)
    # a partial PUT keeps the rest
    r = admin.put("/api/inbox/settings", json={"auto_assign": True})
    assert (r.json()["wait_warn_minutes"], r.json()["wait_alert_minutes"], r.json()["auto_assign"]) == (3, 10, True)
    assert a["mgr_v"].get("/api/inbox/settings").json()["wait_alert_minutes"] == 10
    for body in ({"wait_warn_minutes": 0}, {"wait_alert_minutes": 2},
                 {"wait_warn_minutes": 20, "wait_alert_minutes": 20}, {"wait_alert_minutes": 100000},
                 {"wait_warn_minutes": "muito"}, {"wait_warn_minutes": 2.5}):
        r = admin.put("/api/inbox/settings", json=body)
        assert r.status_code in (400, 422), (body, r.text)
        assert r.json()["message"], body
    for who in ("ag_v", "mgr_v"):
        r = a[who].put("/api/inbox/settings", json={"wait_warn_minutes": 1})
        assert r.status_code == 403 and r.json()["message"]
    assert admin.get("/api/inbox/settings").json()["wait_warn_minutes"] == 3


def test_per_user_unread_survives_someone_elses_read(world):
    a, admin, tid, people = world["as"], world["admin"], world["tid"], world["people"]
    cid = customer_writes(world, "5511955550001", "Bom dia", "Ana")
    customer_writes(world, "5511955550001", "Preciso de ajuda", "Ana")
    unread = lambda account: a[account].get(f"/api/conversations/{cid}").json()["unread"]  # noqa: E731
    assert unread("ag_v") == unread("mgr_v") == 2
    # the manager glances at the chat: only their own badge goes; only their own screens are told
    world["push"].clear()
    r = a["mgr_v"].post(f"/api/conversations/{cid}/read")
    assert r.status_code == 200 and r.json()["unread"] == 0
    assert unread("mgr_v") == 0 and unread("ag_v") == 2 and admin.get(f"/api/conversations/{cid}").json()["unread"] == 2
    assert [e["type"] for e in world["push"].events(user_group(tid, people["mgr_v"]["id"]))] == ["conversation_read"]
    assert world["push"].events(user_group(tid, people["ag_v"]["id"])) == []
    assert not world["push"].events(audience.admins_group(tid))
    # lists and the "Não lidas" filter are per user too
    page = a["ag_v"].get("/api/conversations", params={"view": "inbox"}).json()["items"]
    assert [(c["id"], c["unread"]) for c in page] == [(cid, 2)]
    assert listed(a["ag_v"], view="inbox", unread="true") == [cid]
    assert listed(a["mgr_v"], view="inbox", unread="true") == []
    assert counts(a["ag_v"])["unread"] == 1 and counts(a["mgr_v"])["unread"] == 0
    # a new message counts again for the manager from where they stopped
    customer_writes(world, "5511955550001", "Alô?", "Ana")
    assert unread("mgr_v") == 1 and unread("ag_v") == 3
    # the agent reads: their badge goes, the manager's stays
    assert a["ag_v"].post(f"/api/conversations/{cid}/read").json()["unread"] == 0
    assert unread("ag_v") == 0 and unread("mgr_v") == 1
    assert listed(a["ag_v"], unread="true", status="pending") == []


def test_another_tenants_ids_answer_404(world, new_tenant):
    cid = customer_writes(world, "5511966660001", "Oi")
    other = new_tenant("Outra Ltda")
    for method, path in (("get", f"/api/conversations/{cid}"), ("post", f"/api/conversations/{cid}/read")):
        r = getattr(other, method)(path)
        assert r.status_code == 404 and r.json()["message"]
    assert listed(other, view="inbox") == []
    assert counts(other) == {"inbox": 0, "pending": 0, "mine": 0, "open": 0, "unread": 0, "cap": 100}
    # an agent of another department does not see it either
    assert world["as"]["ag_s"].post(f"/api/conversations/{cid}/read").status_code == 404
    assert world["as"]["ag_v"].get(f"/api/conversations/{cid}").json()["unread"] == 1
