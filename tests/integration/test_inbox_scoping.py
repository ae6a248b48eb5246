"""Inbox role scoping, on the real path: signed-up tenant, users with real tokens, inbound webhooks through the
processor (routing to the instance's department), the REST API over moto and pushes recorded per group.

A manager never sees another department's conversation, an agent never sees another agent's — in lists,
details, messages and pushes; assign / transfer / close / reopen / read move lists and pushes live.
"""
from __future__ import annotations

import time
import uuid

import pytest

from alrea.ports.push import conversation_group, user_group
from alrea.services import audience, inbound
from alrea.simulator import payloads as p
from alrea.store import connections, conversations, instances

EVO = "inbox-scope"


def inbound_text(world, phone: str, text: str, name: str, now: int | None = None) -> str:
    """A customer writes: one messages.upsert through the processor. Answers the conversation id."""
    jid = f"{phone}@s.whatsapp.net"
    data = p.inbound_message(world["instance"].instance_id, jid, p.text_content(text), "conversation", name,
                             now=now or int(time.time()))
    envelope = p.envelope("messages.upsert", EVO, data, "http://x/webhook", "http://sim", None)
    inbound.process({"tenant_id": world["tid"], "instance_id": world["instance"].instance_id,
                     "event": "messages.upsert", "received_at": "2025-11-05T10:00:00.000Z", "envelope": envelope})
    return conversations.conversation_id(world["tid"], world["instance"].instance_id, jid)


@pytest.fixture
def world(client, new_tenant, api_runtime):
    from alrea.store.tenants import Tenant

    admin = new_tenant("Scoping Ltda")
    Tenant(*Tenant.key(admin.tenant_id)).update(actions=[Tenant.limits.max_users.set(20)])  # a bigger plan
    vendas, suporte = admin.department("Vendas"), admin.department("Suporte")
    people = {
        "mgr_v": admin.user("manager", vendas), "mgr_s": admin.user("manager", suporte),
        "ag_v1": admin.user("agent", vendas), "ag_v2": admin.user("agent", vendas),
        "ag_s": admin.user("agent", suporte),
    }
    accounts = {k: admin.login_as(v["email"]) for k, v in people.items()}
    instance = instances.create(instances.Instance(
        tenant_id=admin.tenant_id, instance_id=str(uuid.uuid4()), name="Loja", evolution_name=EVO,
        webhook_token="hook_" + uuid.uuid4().hex, jwt_key="k" + uuid.uuid4().hex), max_numbers=5,
        limit_message="limite")
    r = admin.client.put(f"/api/instances/{instance.instance_id}", json={"default_department_id": vendas},
                         headers=admin.headers)
    assert r.status_code == 200 and r.json()["default_department_id"] == vendas
    return {"admin": admin, "tid": admin.tenant_id, "vendas": vendas, "suporte": suporte, "people": people,
            "as": accounts, "instance": instance, "push": api_runtime.push}


def ids(account, **params) -> list[str]:
    r = account.get("/api/conversations", params=params)
    assert r.status_code == 200, r.text
    return [c["id"] for c in r.json()["items"]]


def events(world, group: str, type_: str | None = None) -> list[dict]:
    return [e for e in world["push"].events(group) if type_ is None or e["type"] == type_]


def test_role_scoping_in_lists_details_messages_and_pushes(world):
    a, admin = world["as"], world["admin"]
    tid = world["tid"]
    c1 = inbound_text(world, "5511911110001", "Oi, quero um orçamento", "Maria")
    c2 = inbound_text(world, "5511911110002", "Olá", "João")
    # both went to the instance's default department (Vendas), unassigned: the Vendas queue
    view = admin.get(f"/api/conversations/{c1}").json()
    assert (view["department_id"], view["assigned_user_id"], view["status"]) == (world["vendas"], None, "pending")
    assert set(ids(a["ag_v1"])) == set(ids(a["ag_v2"])) == set(ids(a["mgr_v"])) == {c1, c2}
    assert ids(a["mgr_s"]) == ids(a["ag_s"]) == []
    # the message push went to the admins, the department's managers and its queue, never to Suporte
    assert events(world, audience.admins_group(tid), "message_received")
    assert events(world, audience.dept_group(tid, world["vendas"]), "message_received")
    assert not events(world, audience.dept_group(tid, world["suporte"]))
    assert not events(world, audience.deptmgr_group(tid, world["suporte"]))

    # agent 1 takes c1 from the queue: agent 2 loses it (list, details, messages), the manager keeps it
    world["push"].clear()
    r = a["ag_v1"].post(f"/api/conversations/{c1}/assign", {"user_id": world["people"]["ag_v1"]["id"]})
    assert r.status_code == 200, r.text
    assert (r.json()["assigned_user_id"], r.json()["status"]) == (world["people"]["ag_v1"]["id"], "open")
    assert ids(a["ag_v1"]) == [c2, c1] or set(ids(a["ag_v1"])) == {c1, c2}
    assert ids(a["ag_v2"]) == [c2]
    assert set(ids(a["mgr_v"])) == {c1, c2}
    assert ids(a["ag_v1"], assigned_user_id="me") == [c1]
    assert ids(a["ag_v1"], assigned_user_id="none") == [c2]
    assert ids(a["ag_v1"], status="open") == [c1]
    for path in (f"/api/conversations/{c1}", f"/api/conversations/{c1}/messages"):
        assert a["ag_v2"].get(path).status_code == 404
        assert a["mgr_s"].get(path).status_code == 404
        assert a["ag_v1"].get(path).status_code == 200
    assert a["ag_v2"].post(f"/api/conversations/{c1}/read").status_code == 404
    assert a["ag_v2"].post(f"/api/conversations/{c1}/assign", {"user_id": world["people"]["ag_v2"]["id"]}
                           ).status_code == 404
    # pushes: removed from the queue group first, then updated to the new audience; agent 2's user group
    # gets nothing about it, agent 1 gets the conversation (no self-notification)
    dept = audience.dept_group(tid, world["vendas"])
    assert [e["type"] for e in events(world, dept)] == ["conversation_removed"]
    assert events(world, user_group(tid, world["people"]["ag_v1"]["id"]), "conversation_updated")
    assert events(world, user_group(tid, world["people"]["ag_v2"]["id"])) == []

    # a new message on c1 reaches agent 1 and the managers, not agent 2 (who is only in the queue group)
    world["push"].clear()
    inbound_text(world, "5511911110001", "Alguém aí?", "Maria")
    assert [e["message"]["text"] for e in events(world, user_group(tid, world["people"]["ag_v1"]["id"]),
                                                  "message_received")] == ["Alguém aí?"]
    assert events(world, audience.deptmgr_group(tid, world["vendas"]), "message_received")
    assert events(world, dept) == []
    # unread counts (per user), read clears the reader's and tells the reader's other screens only
    assert admin.get(f"/api/conversations/{c1}").json()["unread"] == 2
    assert ids(a["ag_v1"], unread="true") == [c1, c2] or set(ids(a["ag_v1"], unread="true")) == {c1, c2}
    world["push"].clear()
    r = a["ag_v1"].post(f"/api/conversations/{c1}/read")
    assert r.status_code == 200 and r.json()["unread"] == 0
    assert c1 not in ids(a["ag_v1"], unread="true")
    [update] = events(world, user_group(tid, world["people"]["ag_v1"]["id"]), "conversation_read")
    assert update["conversation_id"] == c1
    assert not events(world, audience.admins_group(tid))
    assert admin.get(f"/api/conversations/{c1}").json()["unread"] == 2


def test_transfer_close_reopen_and_notifications(world):
    a, admin, tid = world["as"], world["admin"], world["tid"]
    people = world["people"]
    c1 = inbound_text(world, "5511922220001", "Preciso de suporte", "Ana")
    # the Vendas manager assigns it to agent 2 of Vendas: agent 2 is notified
    r = a["mgr_v"].post(f"/api/conversations/{c1}/assign", {"user_id": people["ag_v2"]["id"]})
    assert r.status_code == 200, r.text
    [note] = events(world, user_group(tid, people["ag_v2"]["id"]), "notification")
    assert note["kind"] == "assigned" and note["conversation_id"] == c1
    # a manager cannot assign outside the department; an agent cannot assign to someone else
    assert a["mgr_v"].post(f"/api/conversations/{c1}/assign", {"user_id": people["ag_s"]["id"]}).status_code == 403
    assert a["ag_v2"].post(f"/api/conversations/{c1}/assign", {"user_id": people["ag_v1"]["id"]}).status_code == 403

    # agent 2 transfers it to Suporte's agent: it leaves agent 2 and Vendas, Suporte sees it
    world["push"].clear()
    r = a["ag_v2"].post(f"/api/conversations/{c1}/transfer",
                        {"department_id": world["suporte"], "user_id": people["ag_s"]["id"]})
    assert r.status_code == 200, r.text
    assert (r.json()["department_id"], r.json()["assigned_user_id"]) == (world["suporte"], people["ag_s"]["id"])
    assert c1 not in ids(a["ag_v2"]) and c1 not in ids(a["mgr_v"])
    assert ids(a["ag_s"]) == [c1] and ids(a["mgr_s"]) == [c1]
    assert a["ag_v2"].get(f"/api/conversations/{c1}").status_code == 404
    assert [e["conversation_id"] for e in events(world, user_group(tid, people["ag_v2"]["id"]),
                                                   "conversation_removed")] == [c1]
    assert [e["conversation_id"] for e in events(world, audience.deptmgr_group(tid, world["vendas"]),
                                                   "conversation_removed")] == [c1]
    assert events(world, audience.deptmgr_group(tid, world["suporte"]), "conversation_updated")
    assert [n["kind"] for n in events(world, user_group(tid, people["ag_s"]["id"]), "notification")] == ["assigned"]
    # a bad transfer answers a clear 4xx
    assert a["ag_s"].post(f"/api/conversations/{c1}/transfer", {"department_id": str(uuid.uuid4())}
                          ).status_code == 422
    assert a["ag_s"].post(f"/api/conversations/{c1}/transfer",
                          {"department_id": world["vendas"], "user_id": people["ag_s"]["id"]}).status_code == 422

    # close / reopen, with status filters
    r = a["ag_s"].post(f"/api/conversations/{c1}/close")
    assert r.status_code == 200 and r.json()["status"] == "closed"
    assert ids(a["mgr_s"], status="closed") == [c1] and ids(a["mgr_s"], status="open") == []
    assert a["ag_s"].post(f"/api/conversations/{c1}/reopen").json()["status"] == "open"
    # admin: anywhere, including back to a department's queue
    r = admin.post(f"/api/conversations/{c1}/transfer", {"department_id": world["vendas"]})
    assert (r.json()["status"], r.json()["assigned_user_id"]) == ("pending", None)
    assert c1 in ids(a["ag_v1"], assigned_user_id="none")
    assert set(ids(admin, department_id=world["vendas"])) >= {c1}
    # another tenant: 404 for every path
    other = admin.client.post("/api/auth/signup", json={"company": "Outra", "name": "O", "email":
                                                        f"o{uuid.uuid4().hex[:8]}@x.com.br",
                                                        "password": "s3nha-Segura!"}).json()
    headers = {"Authorization": f"Bearer {other['access']}"}
    for method, path in (("get", f"/api/conversations/{c1}"), ("get", f"/api/conversations/{c1}/messages"),
                         ("post", f"/api/conversations/{c1}/close"), ("post", f"/api/conversations/{c1}/read")):
        assert getattr(admin.client, method)(path, headers=headers).status_code == 404
    assert admin.client.get("/api/conversations", headers=headers).json()["items"] == []


def test_auto_assignment_to_the_least_busy_online_agent(world):
    a, admin, tid, people = world["as"], world["admin"], world["tid"], world["people"]
    assert admin.client.put("/api/inbox/settings", json={"auto_assign": True},
                            headers=a["ag_v1"].headers).status_code == 403
    r = admin.client.put("/api/inbox/settings", json={"auto_assign": True}, headers=admin.headers)
    assert r.status_code == 200 and r.json()["auto_assign"] is True
    # nobody online: stays in the queue
    c0 = inbound_text(world, "5511933330000", "oi", "Zé")
    assert admin.get(f"/api/conversations/{c0}").json()["assigned_user_id"] is None
    # both Vendas agents online (a live connection in their user group); agent 1 already has one open
    for key in ("ag_v1", "ag_v2"):
        uid = people[key]["id"]
        connections.connect(f"conn-{key}-{uuid.uuid4().hex[:6]}", tid, uid,
                            audience.connection_groups(tid, uid, "agent", world["vendas"]))
    a["ag_v1"].post(f"/api/conversations/{c0}/assign", {"user_id": people["ag_v1"]["id"]})
    c1 = inbound_text(world, "5511933330001", "oi", "Bia")
    assert admin.get(f"/api/conversations/{c1}").json()["assigned_user_id"] == people["ag_v2"]["id"]
    c2 = inbound_text(world, "5511933330002", "oi", "Caio")
    c3 = inbound_text(world, "5511933330003", "oi", "Duda")
    owners = [admin.get(f"/api/conversations/{c}").json()["assigned_user_id"] for c in (c2, c3)]
    assert sorted(owners) == sorted([people["ag_v1"]["id"], people["ag_v2"]["id"]])
    assert [n["conversation_id"] for n in events(world, user_group(tid, people["ag_v2"]["id"]), "notification")
            ][:1] == [c1]
    # the subscription rule: agent 2 may not subscribe to agent 1's conversation
    from alrea.services import realtime

    conn = f"conn-sub-{uuid.uuid4().hex[:6]}"
    connections.connect(conn, tid, people["ag_v2"]["id"], [user_group(tid, people["ag_v2"]["id"])])
    assert realtime.handle_message(conn, f'{{"action":"subscribe","conversation_id":"{c0}"}}')["type"] == "error"
    assert realtime.handle_message(conn, f'{{"action":"subscribe","conversation_id":"{c1}"}}')["type"] == "subscribed"
    assert conn in connections.members(conversation_group(tid, c1))
    # transferring c1 away prunes agent 2's subscription
    admin.post(f"/api/conversations/{c1}/transfer", {"department_id": world["suporte"]})
    assert conn not in connections.members(conversation_group(tid, c1))


def test_list_pagination_filters_and_bad_input(world):
    admin, a = world["admin"], world["as"]
    base = int(time.time()) - 100
    made = [inbound_text(world, f"55119444400{i:02d}", f"msg {i}", f"Cliente {i}", base + i) for i in range(7)]
    seen, cursor = [], None
    for _ in range(10):
        body = a["ag_v1"].get("/api/conversations", params={"limit": 3, **({"cursor": cursor} if cursor else {})}
                              ).json()
        seen += [c["id"] for c in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(made))
    assert ids(admin, q="cliente 3") == [made[3]]
    assert ids(admin, q="44440006") == [made[6]]
    assert ids(admin, q="Clíente") == list(reversed(made))  # accents and case folded
    for bad in ({"status": "x"}, {"assigned_user_id": "abc"}, {"department_id": "nope"}, {"cursor": "e30"},
                {"limit": 0}):
        r = admin.get("/api/conversations", params=bad)
        assert r.status_code == 422, bad
