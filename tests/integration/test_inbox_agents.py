"""Teamwork on the real path: GET /api/inbox/agents per role, presence from live WebSocket connections (the
ws_connect / ws_disconnect / ws_default Lambda handlers fed API Gateway events, connections stored on moto),
the "Ausente" switch, auto-assignment skipping away agents, and viewing/typing activity pushed only to the
conversation's audience."""
from __future__ import annotations

import copy
import importlib.util
import json
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from inbox_world import process_webhook, staffed_tenant

from alrea.ports.push import conversation_group, user_group
from alrea.services import audience
from alrea.simulator import payloads as p
from alrea.store import conversations

ROOT = Path(__file__).resolve().parents[2]
EVO = "inbox-agents"


@dataclass
class LambdaContext:
    function_name: str = "alrea-ws"
    memory_limit_in_mb: int = 256
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:alrea-ws"
    aws_request_id: str = "req-ws"


def _handler(name: str):
    spec = importlib.util.spec_from_file_location(f"alrea_fn_{name}_handler", ROOT / "functions" / name / "handler.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.handler


def _event(kind: str, connection_id: str, **extra) -> dict:
    event = copy.deepcopy(json.loads((ROOT / "events" / "aws" / f"apigw-ws-{kind}.json").read_text()))
    event["requestContext"]["connectionId"] = connection_id
    event.update(extra)
    return event


class Sockets:
    """Opens, uses and closes WebSocket connections through the three WebSocket Lambda handlers."""

    def __init__(self) -> None:
        self.on_connect, self.on_message, self.on_disconnect = (
            _handler("ws_connect"), _handler("ws_default"), _handler("ws_disconnect"))

    def open(self, token: str) -> str:
        connection_id = "c" + uuid.uuid4().hex[:12] + "="
        out = self.on_connect(_event("connect", connection_id, queryStringParameters={"token": token},
                                     multiValueQueryStringParameters={"token": [token]}), LambdaContext())
        assert out["statusCode"] == 200, out
        return connection_id

    def say(self, connection_id: str, message: dict) -> dict:
        out = self.on_message(_event("message", connection_id, body=json.dumps(message)), LambdaContext())
        return json.loads(out["body"])

    def close(self, connection_id: str) -> None:
        assert self.on_disconnect(_event("disconnect", connection_id), LambdaContext())["statusCode"] == 200


STAFF = {"mgr_v": ("manager", "Vendas"), "ag_v1": ("agent", "Vendas"), "ag_v2": ("agent", "Vendas"),
         "ag_s": ("agent", "Suporte"), "mgr_s": ("manager", "Suporte")}


@pytest.fixture
def world(client, new_tenant, api_runtime):
    return {**staffed_tenant(new_tenant, "Equipe Ltda", STAFF, EVO), "push": api_runtime.push, "ws": Sockets()}


def inbound_text(world, phone: str, text: str) -> str:
    jid = f"{phone}@s.whatsapp.net"
    data = p.inbound_message(world["instance"].instance_id, jid, p.text_content(text), "conversation", "Maria",
                             now=int(time.time()))
    process_webhook(world, "messages.upsert", data)
    return conversations.conversation_id(world["tid"], world["instance"].instance_id, jid)


def agents(account) -> dict[str, dict]:
    r = account.get("/api/inbox/agents")
    assert r.status_code == 200, r.text
    return {a["id"]: a for a in r.json()["items"]}


def events(world, group: str, type_: str) -> list[dict]:
    return [e for e in world["push"].events(group) if e["type"] == type_]


def test_agents_per_role_and_never_another_tenants(world, new_tenant):
    people, a = world["people"], world["as"]
    other = new_tenant("Outra Ltda")
    outsider = other.user("agent", other.department("Vendas"))
    everyone = agents(world["admin"])
    assert set(everyone) == {world["admin"].user_id, *(v["id"] for v in people.values())}
    assert outsider["id"] not in everyone
    mine = agents(a["mgr_v"])
    assert set(mine) == {people["mgr_v"]["id"], people["ag_v1"]["id"], people["ag_v2"]["id"]}
    one = mine[people["ag_v1"]["id"]]
    assert (one["name"], one["role"], one["department_id"], one["presence"], one["load"]) == (
        people["ag_v1"]["name"], "agent", world["vendas"], "offline", 0)
    assert set(agents(a["mgr_s"])) == {people["mgr_s"]["id"], people["ag_s"]["id"]}
    r = a["ag_v1"].get("/api/inbox/agents")
    assert r.status_code == 403 and "atribuem" in r.json()["message"]
    assert world["admin"].client.get("/api/inbox/agents").status_code == 401
    # a deactivated user is not offered
    assert world["admin"].post(f"/api/users/{people['ag_v2']['id']}/deactivate").status_code == 200
    assert people["ag_v2"]["id"] not in agents(a["mgr_v"])


def test_presence_follows_connections_and_the_away_switch(world):
    ws, people, a, tid = world["ws"], world["people"], world["as"], world["tid"]
    agent_id = people["ag_v1"]["id"]
    mgr_group = user_group(tid, people["mgr_v"]["id"])
    first = ws.open(a["ag_v1"].access)
    assert agents(a["mgr_v"])[agent_id]["presence"] == "online"
    assert agents(world["admin"])[agent_id]["online"] is True
    assert [e["presence"] for e in events(world, mgr_group, "presence")] == ["online"]
    assert events(world, user_group(tid, world["admin"].user_id), "presence")[-1]["user_id"] == agent_id
    # the other department's manager and the agent's colleagues hear nothing about a Vendas agent
    assert events(world, user_group(tid, people["mgr_s"]["id"]), "presence") == []
    assert events(world, user_group(tid, people["ag_v2"]["id"]), "presence") == []
    second = ws.open(a["ag_v1"].access)  # a second tab: no new announcement
    ws.close(first)
    assert agents(a["mgr_v"])[agent_id]["presence"] == "online"
    assert [e["presence"] for e in events(world, mgr_group, "presence")] == ["online"]

    r = a["ag_v1"].put("/api/me/presence", {"away": True})
    assert r.status_code == 200 and r.json() == {"away": True, "presence": "away"}
    assert agents(a["mgr_v"])[agent_id]["presence"] == "away"
    assert a["ag_v1"].get("/api/me").json()["user"]["away"] is True
    assert events(world, mgr_group, "presence")[-1]["presence"] == "away"
    assert events(world, user_group(tid, agent_id), "presence") == []  # never to themselves
    assert a["ag_v1"].put("/api/me/presence", {"away": "talvez"}).status_code == 422
    assert a["ag_v1"].put("/api/me/presence", {}).status_code == 422

    assert a["ag_v1"].put("/api/me/presence", {"away": False}).json()["presence"] == "online"
    ws.close(second)
    assert agents(a["mgr_v"])[agent_id]["presence"] == "offline"
    assert events(world, mgr_group, "presence")[-1]["presence"] == "offline"
    ws.close(second)  # $disconnect may arrive twice: idempotent, no second announcement
    assert [e["presence"] for e in events(world, mgr_group, "presence")] == ["online", "away", "online", "offline"]


def test_auto_assign_skips_away_agents(world):
    ws, people, a = world["ws"], world["people"], world["as"]
    assert world["admin"].put("/api/inbox/settings", {"auto_assign": True}).status_code == 200
    ws.open(a["ag_v1"].access)
    ws.open(a["ag_v2"].access)
    assert a["ag_v1"].put("/api/me/presence", {"away": True}).status_code == 200
    first = inbound_text(world, "5511933330001", "Oi")
    second = inbound_text(world, "5511933330002", "Olá")
    owners = {world["admin"].get(f"/api/conversations/{c}").json()["assigned_user_id"] for c in (first, second)}
    assert owners == {people["ag_v2"]["id"]}  # never the away agent, even though they are less busy
    assert agents(a["mgr_v"])[people["ag_v2"]["id"]]["load"] == 2
    assert a["ag_v2"].put("/api/me/presence", {"away": True}).status_code == 200
    third = inbound_text(world, "5511933330003", "Bom dia")
    view = world["admin"].get(f"/api/conversations/{third}").json()
    assert (view["assigned_user_id"], view["department_id"]) == (None, world["vendas"])  # the queue


def test_viewing_and_typing_reach_only_the_conversations_audience(world):
    ws, people, a, tid = world["ws"], world["people"], world["as"], world["tid"]
    cid = inbound_text(world, "5511944440001", "Preciso de ajuda")  # Vendas queue, unassigned
    v1, v2, s = ws.open(a["ag_v1"].access), ws.open(a["ag_v2"].access), ws.open(a["ag_s"].access)
    world["push"].clear()
    assert ws.say(v1, {"action": "viewing", "conversation_id": cid}) == {
        "type": "activity_sent", "conversation_id": cid, "what": "viewing"}
    expected = {"type": "activity", "conversation_id": cid, "user_id": people["ag_v1"]["id"],
                "name": people["ag_v1"]["name"], "what": "viewing", "ttl_s": 12}
    assert events(world, audience.dept_group(tid, world["vendas"]), "activity") == [expected]
    assert events(world, audience.deptmgr_group(tid, world["vendas"]), "activity") == [expected]
    assert events(world, audience.admins_group(tid), "activity") == [expected]
    # Suporte (its agent's groups and its department) receives nothing
    for group in (audience.dept_group(tid, world["suporte"]), audience.deptmgr_group(tid, world["suporte"]),
                  user_group(tid, people["ag_s"]["id"])):
        assert world["push"].events(group) == []
    # the Suporte agent may not see it: refused, nothing pushed
    world["push"].clear()
    assert ws.say(s, {"action": "typing", "conversation_id": cid})["type"] == "error"
    assert ws.say(v1, {"action": "typing", "conversation_id": "nope"})["message"] == "conversation_id inválido."
    assert events(world, audience.admins_group(tid), "activity") == []

    # once assigned to agent 1, agent 2 (department queue) no longer hears about it, nor may they announce
    assert a["ag_v1"].post(f"/api/conversations/{cid}/assign", {"user_id": people["ag_v1"]["id"]}).status_code == 200
    world["push"].clear()
    assert ws.say(v1, {"action": "typing", "conversation_id": cid})["what"] == "typing"
    assert events(world, user_group(tid, people["ag_v1"]["id"]), "activity")[0]["what"] == "typing"
    assert events(world, audience.deptmgr_group(tid, world["vendas"]), "activity")[0]["ttl_s"] == 6
    assert events(world, audience.dept_group(tid, world["vendas"]), "activity") == []
    assert events(world, user_group(tid, people["ag_v2"]["id"]), "activity") == []
    assert ws.say(v2, {"action": "viewing", "conversation_id": cid})["type"] == "error"
    assert ws.say(v1, {"action": "dancing", "conversation_id": cid})["type"] == "error"


def test_customer_typing_reaches_the_conversation_subscribers(world):
    ws, a, tid = world["ws"], world["as"], world["tid"]
    cid = inbound_text(world, "5511955550001", "Oi")
    conn = ws.open(a["mgr_v"].access)
    assert ws.say(conn, {"action": "subscribe", "conversation_id": cid})["type"] == "subscribed"
    world["push"].clear()
    jid = "5511955550001@s.whatsapp.net"
    for state in ("composing", "paused"):
        process_webhook(world, "presence.update", {"id": jid, "presences": {jid: {"lastKnownPresence": state}}})
    assert [e["what"] for e in events(world, conversation_group(tid, cid), "activity")] == [
        "customer_typing", "customer_idle"]
    assert events(world, audience.admins_group(tid), "activity") == []


# ---------------------------------------------------------------- the same over real WebSockets
@pytest.fixture
def local(moto_server):
    """The local runtime (gateway: REST api + /ws) on its own table; no simulator, no seed."""
    from alrea import registry
    from alrea.local.moto import free_port
    from alrea.local.runtime import LocalRuntime, RuntimeOptions

    suffix = uuid.uuid4().hex[:8]
    functions = [fn for fn in registry.FUNCTIONS
                 if isinstance(fn.trigger, registry.WebSocket) or fn.name == "api"]
    runtime = LocalRuntime(RuntimeOptions(port=free_port(), table_name=f"team-{suffix}",
                                          bucket_name=f"team-media-{suffix}", queue_prefix=f"team{suffix}-",
                                          spa_dir=None, simulator=False, seed=False, functions=functions))
    runtime.start()
    yield runtime
    runtime.stop()


async def test_presence_over_real_websockets_reaches_the_manager_live(local):
    import asyncio

    import httpx
    import websockets

    from alrea.domain.roles import Principal
    from alrea.services import auth, departments, subscriptions, users

    password = "s3nha-Segura!"
    signed = await asyncio.to_thread(auth.signup, "Equipe Real", "Ana Admin", f"a-{uuid.uuid4().hex[:8]}@team.test",
                                     password)
    tid = signed.tenant.tenant_id
    await asyncio.to_thread(subscriptions.apply_subscription, tid, "professional")  # Starter has one seat
    admin = Principal(tenant_id=tid, user_id=signed.user.user_id, role="admin", name="Ana Admin")
    dept = await asyncio.to_thread(departments.create, admin, "Atendimento")
    people = {}
    for role, name in (("manager", "Gustavo Gerente"), ("agent", "Alice Atendente")):
        email = f"{role}-{uuid.uuid4().hex[:8]}@team.test"
        user = await asyncio.to_thread(users.create, admin, name=name, email=email, password=password, role=role,
                                       department_id=dept.department_id)
        people[role] = {"id": user.user_id, "token": (await asyncio.to_thread(auth.login, email, password)).access}

    async def recv_type(ws, type_: str) -> dict:
        while True:
            event = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if event.get("type") == type_:
                return event

    async with httpx.AsyncClient(base_url=local.base_url, timeout=10,
                                 headers={"Authorization": f"Bearer {people['manager']['token']}"}) as api:
        async def presence_of_agent() -> str:
            r = await api.get("/api/inbox/agents")
            assert r.status_code == 200, r.text
            return {a["id"]: a for a in r.json()["items"]}[people["agent"]["id"]]["presence"]

        assert await presence_of_agent() == "offline"
        async with websockets.connect(f"{local.ws_url}?token={people['manager']['token']}") as manager:
            await manager.send(json.dumps({"action": "ping"}))
            assert await recv_type(manager, "pong") == {"type": "pong"}
            async with websockets.connect(f"{local.ws_url}?token={people['agent']['token']}") as agent:
                event = await recv_type(manager, "presence")
                assert (event["user_id"], event["name"], event["presence"]) == (
                    people["agent"]["id"], "Alice Atendente", "online")
                assert await presence_of_agent() == "online"
                await agent.send(json.dumps({"action": "ping"}))
                assert json.loads(await asyncio.wait_for(agent.recv(), 10)) == {"type": "pong"}  # not its own
            event = await recv_type(manager, "presence")
            assert (event["user_id"], event["presence"]) == (people["agent"]["id"], "offline")
            assert await presence_of_agent() == "offline"
