"""The notifications centre on the real path (REST API over moto, pushes recorded per group): each kind is
stored only for the users entitled to it (role and department), read / all read, TTL, preferences, dedupe, and
the polling read answers exactly what the WebSocket pushed."""
from __future__ import annotations

import time
import uuid

import pytest

from alrea.core.clock import parse_iso
from alrea.domain import notifications as dom
from alrea.ports.push import user_group
from alrea.services import hooks, inbound
from alrea.simulator import payloads as p
from alrea.store import conversations, instances
from alrea.store import notifications as store

EVO = "notif-evo"


def _text_in(w, phone: str, text: str, name: str) -> str:
    jid = f"{phone}@s.whatsapp.net"
    data = p.inbound_message(w["instance"].instance_id, jid, p.text_content(text), "conversation", name,
                             now=int(time.time()))
    envelope = p.envelope("messages.upsert", EVO, data, "http://x/webhook", "http://sim", None)
    inbound.process({"tenant_id": w["tid"], "instance_id": w["instance"].instance_id, "event": "messages.upsert",
                     "received_at": "2025-11-05T10:00:00.000Z", "envelope": envelope})
    return conversations.conversation_id(w["tid"], w["instance"].instance_id, jid)


@pytest.fixture
def w(client, new_tenant, api_runtime):
    from alrea.store.tenants import Tenant

    admin = new_tenant("Avisos Ltda")
    Tenant(*Tenant.key(admin.tenant_id)).update(actions=[Tenant.limits.max_users.set(20)])
    vendas, suporte = admin.department("Vendas"), admin.department("Suporte")
    names = {"mgr_v": ("manager", vendas, "Marta Gerente"), "mgr_s": ("manager", suporte, "Sergio Gerente"),
             "ag_v": ("agent", vendas, "Vitor Atendente"), "ag_v2": ("agent", vendas, "Vera Atendente"),
             "ag_s": ("agent", suporte, "Silvia Atendente")}
    people = {k: admin.user(role, dept, name=name) for k, (role, dept, name) in names.items()}
    accounts = {k: admin.login_as(v["email"]) for k, v in people.items()}
    instance = instances.create(instances.Instance(
        tenant_id=admin.tenant_id, instance_id=str(uuid.uuid4()), name="Loja Centro", evolution_name=EVO,
        webhook_token="hook_" + uuid.uuid4().hex, jwt_key="k" + uuid.uuid4().hex), max_numbers=5,
        limit_message="limite")
    assert admin.put(f"/api/instances/{instance.instance_id}", {"default_department_id": vendas}).status_code == 200
    return {"admin": admin, "tid": admin.tenant_id, "people": people, "as": accounts, "instance": instance,
            "push": api_runtime.push}


def listed(account, **params) -> dict:
    r = account.get("/api/notifications", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def kinds(account) -> list[str]:
    return [n["kind"] for n in listed(account)["items"]]


def everyone(w) -> dict:
    return {"admin": w["admin"], **w["as"]}


def test_assignment_and_transfer_notify_only_the_new_assignee(w):
    cid = _text_in(w, "5511977001001", "Oi", "Cliente Ana")
    admin, ag_v = w["admin"], w["as"]["ag_v"]
    r = admin.post(f"/api/conversations/{cid}/assign", {"user_id": ag_v.user_id})
    assert r.status_code == 200, r.text
    got = listed(ag_v)
    assert [n["kind"] for n in got["items"]] == ["assigned"] and got["unread"] == 1
    n = got["items"][0]
    assert n["link"] == f"/inbox/{cid}" and "Ana Admin passou a conversa com Cliente Ana" in n["body"]
    for who, account in everyone(w).items():
        if who != "ag_v":
            assert kinds(account) == [], who
    # an agent who takes a chat for themself is not told about it
    cid2 = _text_in(w, "5511977001002", "Olá", "Cliente Beto")
    assert w["as"]["ag_v2"].post(f"/api/conversations/{cid2}/assign", {"user_id": w["as"]["ag_v2"].user_id}
                                 ).status_code == 200
    assert kinds(w["as"]["ag_v2"]) == []


def test_a_mention_reaches_only_mentioned_people_who_may_see_the_conversation(w):
    cid = _text_in(w, "5511977001003", "Oi", "Cliente Caio")  # routed to Vendas, unassigned
    admin = w["admin"]
    text = "@Marta Gerente e @vitor, vejam isto. @Sergio Gerente também, e @Ana Admin"
    assert admin.post(f"/api/conversations/{cid}/notes", {"text": text}).status_code in (200, 201)
    assert kinds(w["as"]["mgr_v"]) == ["mention"]  # the department's manager
    assert kinds(w["as"]["ag_v"]) == ["mention"]  # first name, unique; sees the department's queue
    assert kinds(w["as"]["mgr_s"]) == []  # mentioned, but the conversation is not his department's
    assert kinds(admin) == []  # the author is never told about their own note
    assert kinds(w["as"]["ag_v2"]) == [] and kinds(w["as"]["ag_s"]) == []
    note = listed(w["as"]["mgr_v"])["items"][0]
    assert note["title"] == "Ana Admin mencionou você em uma nota" and note["link"] == f"/inbox/{cid}"


def test_campaign_completed_and_auto_paused_go_to_admins_and_managers(w, api_runtime):
    from alrea.services import campaigns as campaign_service
    from alrea.store import campaigns as campaign_store

    class Pacer:
        def start(self, *args):
            pass

    api_runtime.pacer = Pacer()
    body = {"name": "Natal", "variants": [{"text": "Oi!"}], "audience": {"tags": ["vip"]},
            "instance_ids": [w["instance"].instance_id]}
    cid = w["admin"].post("/api/campaigns", body).json()["id"]
    assert campaign_store.start_run(w["tid"], cid, str(uuid.uuid4()), "2026-12-02T10:00:00Z") is not None
    campaign_service.alert(w["tid"], cid, "failures", "Campanha pausada: muitas falhas seguidas.")
    assert campaign_service.complete_if_done(w["tid"], cid) is not None
    for who in ("admin", "mgr_v", "mgr_s"):
        got = listed(everyone(w)[who])["items"]
        assert [n["kind"] for n in got] == ["campaign_completed", "campaign_paused"], who
        assert got[1]["body"] == "Campanha pausada: muitas falhas seguidas." and got[1]["data"]["reason"] == "failures"
        assert got[0]["link"] == f"/campaigns/{cid}"
    for who in ("ag_v", "ag_v2", "ag_s"):
        assert kinds(w["as"][who]) == [], who
    # a producer that runs again (a retried message) does not notify twice
    hooks.campaign_finished(hooks.CampaignFinished(w["tid"], cid, "completed", name="Natal"))
    assert kinds(w["admin"]) == ["campaign_completed", "campaign_paused"]


def test_import_finished_goes_to_its_author_and_a_dropped_number_to_the_admins(w):
    mgr = w["as"]["mgr_v"]
    hooks.import_finished(hooks.ImportFinished(w["tid"], str(uuid.uuid4()), mgr.user_id, "done", "lista.csv",
                                               imported=1, updated=2, failed=0))
    got = listed(mgr)["items"]
    assert [n["kind"] for n in got] == ["import_finished"]
    assert got[0]["body"] == "1 contato novo, 2 atualizados, 0 linhas com erro."
    assert all(kinds(a) == [] for k, a in everyone(w).items() if k != "mgr_v")

    hooks.connection_changed(hooks.ConnectionChanged(w["tid"], w["instance"].instance_id, "close", dropped=True))
    dropped = listed(w["admin"])["items"]
    assert [n["kind"] for n in dropped] == ["number_disconnected"] and "Loja Centro" in dropped[0]["body"]
    assert [k for k, a in everyone(w).items() if "number_disconnected" in kinds(a)] == ["admin"]


def test_read_all_read_ttl_preferences_and_polling_equals_push(w):
    ag = w["as"]["ag_v"]
    tid = w["tid"]
    cids = [_text_in(w, f"55119770020{i:02d}", "Oi", f"Cliente {i}") for i in range(3)]
    for cid in cids:
        assert w["admin"].post(f"/api/conversations/{cid}/assign", {"user_id": ag.user_id}).status_code == 200
    pushed = [e for e in w["push"].events(user_group(tid, ag.user_id)) if e["type"] == "notification_created"]
    assert [e["unread"] for e in pushed] == [1, 2, 3]
    polled = listed(ag)
    # what the socket pushed is what the polling fallback answers, newest first
    assert polled["items"] == [e["notification"] for e in reversed(pushed)]
    assert polled["unread"] == 3 and ag.get("/api/notifications/unread-count").json() == {"unread": 3}

    first = polled["items"][0]
    stored = store.stored_ttl(tid, ag.user_id, first["id"])
    expected = (parse_iso(first["created_at"]) + dom.KEEP_FOR).timestamp()
    assert stored is not None and abs(stored - expected) < 2

    r = ag.post(f"/api/notifications/{first['id']}/read")
    assert r.status_code == 200 and r.json()["unread"] == 2 and r.json()["notification"]["read_at"]
    again = ag.post(f"/api/notifications/{first['id']}/read").json()
    assert again["notification"]["read_at"] == r.json()["notification"]["read_at"]  # idempotent
    assert [n["id"] for n in listed(ag, unread="true")["items"]] == [n["id"] for n in polled["items"][1:]]
    # paging: one codec, tied to the caller
    page1 = listed(ag, limit=2)
    assert len(page1["items"]) == 2 and page1["next_cursor"]
    page2 = listed(ag, limit=2, cursor=page1["next_cursor"])
    assert [n["id"] for n in page1["items"] + page2["items"]] == [n["id"] for n in polled["items"]]
    assert w["admin"].get("/api/notifications", params={"cursor": page1["next_cursor"]}).status_code == 422

    assert ag.post("/api/notifications/read-all").json() == {"changed": 2, "unread": 0}
    assert all(not n["unread"] for n in listed(ag)["items"])
    assert ag.post(f"/api/notifications/{uuid.uuid4()}/read").status_code == 404
    assert ag.post("/api/notifications/nao-e-um-id/read").status_code == 404
    # another user cannot read someone else's notification by id
    assert w["as"]["ag_v2"].post(f"/api/notifications/{first['id']}/read").status_code == 404

    # preferences: a muted kind is neither stored nor pushed
    r = ag.put("/api/notifications/preferences", {"muted": ["assigned"]})
    assert r.status_code == 200 and r.json()["kinds"]["assigned"] is False and r.json()["kinds"]["mention"] is True
    assert ag.put("/api/notifications/preferences", {"muted": ["spam"]}).status_code == 422
    before = len(w["push"].events(user_group(tid, ag.user_id)))
    cid = _text_in(w, "5511977003001", "Oi", "Cliente Mudo")
    assert w["admin"].post(f"/api/conversations/{cid}/assign", {"user_id": ag.user_id}).status_code == 200
    assert len(listed(ag)["items"]) == 3
    assert not [e for e in w["push"].events(user_group(tid, ag.user_id))[before:]
                if e["type"] == "notification_created"]


def test_profile_name_number_rename_and_onboarding(w):
    admin, agent = w["admin"], w["as"]["ag_v"]
    r = agent.patch("/api/me/profile", {"name": "  Vitor   Souza "})
    assert r.status_code == 200 and r.json()["user"]["name"] == "Vitor Souza"
    assert agent.patch("/api/me/profile", {"name": "   "}).status_code == 422
    iid = w["instance"].instance_id
    r = admin.put(f"/api/instances/{iid}/name", {"name": "Loja Sul"})
    assert r.status_code == 200 and r.json()["name"] == "Loja Sul"
    assert agent.put(f"/api/instances/{iid}/name", {"name": "X"}).status_code == 403
    steps = {s["id"]: s["done"] for s in admin.get("/api/onboarding").json()["steps"]}
    assert steps == {"connect_number": False, "import_contacts": False, "answer_chat": False,
                     "send_campaign": False}
    instances.update_state(w["tid"], iid, "open")
    assert admin.post("/api/contacts", {"phone": "11977770009", "name": "Cliente"}).status_code == 201
    hooks.status_changed(hooks.StatusChanged(w["tid"], iid, "WAID1", "delivered", 3, "2025-11-05T10:00:00.000Z",
                                             known_message=True))
    got = admin.get("/api/onboarding").json()
    assert {s["id"]: s["done"] for s in got["steps"]} == {"connect_number": True, "import_contacts": True,
                                                          "answer_chat": True, "send_campaign": False}
    assert got["done_count"] == 3 and not got["complete"]
    instances.update_state(w["tid"], iid, "close")  # a step once seen done stays ticked
    assert admin.get("/api/onboarding").json()["done_count"] == 3


def test_a_number_can_turn_automatic_distribution_off_or_on_over_the_tenants_setting(w):
    from alrea.services import audience
    from alrea.store import connections

    admin, tid, iid = w["admin"], w["tid"], w["instance"].instance_id
    agent = w["people"]["ag_v"]
    vendas = w["as"]["ag_v"]  # any Vendas agent account, for the department id
    dept = admin.get(f"/api/users/{agent['id']}").json()["department_id"]
    connections.connect(f"conn-{uuid.uuid4().hex[:6]}", tid, agent["id"],
                        audience.connection_groups(tid, agent["id"], "agent", dept))
    assert vendas.get("/api/number-settings").status_code == 403
    assert admin.put("/api/inbox/settings", {"auto_assign": True}).status_code == 200
    assert admin.get("/api/number-settings").json()["items"] == [
        {"instance_id": iid, "auto_assign": True, "override": False, "tenant_default": True}]

    r = admin.put(f"/api/instances/{iid}/auto-assign", {"enabled": False})
    assert r.status_code == 200 and r.json()["auto_assign"] is False and r.json()["override"] is True
    off = _text_in(w, "5511977004001", "Oi", "Sem Distribuir")
    assert admin.get(f"/api/conversations/{off}").json()["assigned_user_id"] is None

    assert admin.put(f"/api/instances/{iid}/auto-assign", {"enabled": None}).json()["override"] is False
    on = _text_in(w, "5511977004002", "Oi", "Distribuir")
    assert admin.get(f"/api/conversations/{on}").json()["assigned_user_id"] == agent["id"]

    assert admin.put("/api/inbox/settings", {"auto_assign": False}).status_code == 200
    assert admin.put(f"/api/instances/{iid}/auto-assign", {"enabled": True}).json()["auto_assign"] is True
    forced = _text_in(w, "5511977004003", "Oi", "Forçado")
    assert admin.get(f"/api/conversations/{forced}").json()["assigned_user_id"] == agent["id"]
    assert admin.put(f"/api/instances/{uuid.uuid4()}/auto-assign", {"enabled": True}).status_code == 404


def test_read_all_goes_item_by_item_when_one_was_read_meanwhile(w, monkeypatch):
    from alrea.services import notifications

    tid, uid = w["tid"], w["as"]["ag_s"].user_id
    made = [notifications.notify(tid, [uid], dom.Draft("mention", f"Aviso {i}", "Texto"))[0] for i in range(3)]
    real = store.Transaction

    class Racing(real):  # another tab reads one of them between the query and the transaction
        def __enter__(self):
            store.mark_read(tid, uid, made[0].id)
            return super().__enter__()

    monkeypatch.setattr(store, "Transaction", Racing)
    assert store.mark_all_read(tid, uid) == 2
    assert store.unread_count(tid, uid) == 0
    assert all(n.read_at for n in store.list_for(tid, uid, cursor=None, limit=10).items)
