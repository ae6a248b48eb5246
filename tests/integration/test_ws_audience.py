"""Real-time pushes reach only the people entitled to them, over real WebSockets of the local runtime (moto,
the simulator, every function): an agent of one department receives nothing of another department's
conversation across every event type (new message, conversation update, the media download's message update,
send statuses, QR codes, notifications, campaign events); a deactivated user's open socket is dropped at once
and cannot come back; a department change drops the socket, and the reconnect gets the new groups only."""
from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import websockets

PASSWORD = "s3nha-Segura!"
WAIT_S = 30.0
CLOSE_WITHIN_S = 5.0
# what an agent may get from outside its conversations: the numbers page's instance state (no conversation data)
TENANT_WIDE = {"instance_status"}


@pytest.fixture(scope="module")
def local(moto_server):
    from alrea.local.moto import free_port
    from alrea.local.runtime import LocalRuntime, RuntimeOptions

    suffix = uuid.uuid4().hex[:8]
    runtime = LocalRuntime(RuntimeOptions(port=free_port(), table_name=f"wsa-{suffix}", bucket_name=f"wsa-{suffix}",
                                          queue_prefix=f"wa{suffix}-", spa_dir=None, visibility_override_s=5,
                                          poll_wait_s=0.5))
    runtime.start()
    yield runtime
    runtime.stop()


@pytest.fixture(scope="module")
def http(local):
    with httpx.Client(base_url=local.base_url, timeout=20) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def login(http, email: str, password: str = PASSWORD) -> str:
    r = http.post("/api/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["access"]


@pytest.fixture(scope="module")
def demo(local, http):
    """The demo tenant: its admin, the departments (agent of 'Atendimento' = department 1, 'Vendas' = 2), and
    the demo number routing new conversations to Vendas."""
    from alrea.local.seed import ADMIN_EMAIL, AGENT_EMAIL, demo_password
    from alrea.store import instances
    from alrea.store.tenants import Tenant

    Tenant(*Tenant.key(local.demo.tenant_id)).update(actions=[Tenant.limits.max_users.set(20)])  # a bigger plan
    admin = bearer(login(http, ADMIN_EMAIL, demo_password()))
    depts = {d["name"]: d["id"] for d in http.get("/api/departments", headers=admin).json()["items"]}
    tid = local.demo.tenant_id
    instance = next(i for i in instances.list_instances(tid) if i.evolution_name == local.demo_number)
    r = http.put(f"/api/instances/{instance.instance_id}", json={"default_department_id": depts["Vendas"]},
                 headers=admin)
    assert r.status_code == 200, r.text
    return {"tid": tid, "admin": admin, "depts": depts, "instance": instance,
            "agent1_token": login(http, AGENT_EMAIL, demo_password())}


def new_user(http, demo, department: str, role: str = "agent") -> dict[str, Any]:
    email = f"{role}.{uuid.uuid4().hex[:8]}@demo.alrea.dev"
    r = http.post("/api/users", json={"name": f"Pessoa {uuid.uuid4().hex[:4]}", "email": email, "password": PASSWORD,
                                      "role": role, "department_id": demo["depts"][department]},
                  headers=demo["admin"])
    assert r.status_code == 201, r.text
    return {"id": r.json()["id"], "token": login(http, email)}


def ws_url(local, token: str) -> str:
    return f"{local.ws_url}?token={token}"


async def ask(ws, message: dict[str, Any]) -> dict[str, Any]:
    await ws.send(json.dumps(message))
    return json.loads(await asyncio.wait_for(ws.recv(), 10))


class Inbox:
    """Everything a socket receives, collected in the background."""

    def __init__(self, ws) -> None:
        self.ws = ws
        self.events: list[dict[str, Any]] = []
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                self.events.append(json.loads(frame))
        except websockets.ConnectionClosed:
            pass

    async def wait_for(self, predicate: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            found = next((e for e in self.events if predicate(e)), None)
            if found is not None:
                return found
            await asyncio.sleep(0.1)
        raise AssertionError(f"{what} not received within {WAIT_S}s; got {[e.get('type') for e in self.events]}")


async def test_an_agent_receives_nothing_of_another_departments_conversation(local, http, demo):
    from alrea.services import campaigns, inbound
    from alrea.simulator import payloads as p
    from alrea.store import conversations

    tid, phone = demo["tid"], f"55119{uuid.uuid4().int % 10**8:08d}"
    cid = conversations.conversation_id(tid, demo["instance"].instance_id, f"{phone}@s.whatsapp.net")
    colleague = new_user(http, demo, "Vendas")  # the control: an agent of the conversation's department
    async with websockets.connect(ws_url(local, demo["agent1_token"])) as ws1, \
            websockets.connect(ws_url(local, colleague["token"])) as ws2, \
            websockets.connect(ws_url(local, login(http, "admin@demo.alrea.dev", _demo_password()))) as ws_admin:
        for ws in (ws1, ws2, ws_admin):
            assert await ask(ws, {"action": "ping"}) == {"type": "pong"}
        agent1, agent2, admin = Inbox(ws1), Inbox(ws2), Inbox(ws_admin)

        # a customer sends an image: message_received, conversation_updated, then the media download's update
        async with httpx.AsyncClient(timeout=20) as client:
            r = await client.post(f"{local.simulator_url}/_sim/instances/{local.demo_number}/inbound",
                                  json={"from": phone, "image": True, "caption": "segredo da Vendas"})
        assert r.status_code == 200, r.text
        wamid = r.json()["key"]["id"]
        await agent2.wait_for(lambda e: e.get("type") == "message_received", "the department's message")
        await admin.wait_for(lambda e: e.get("type") == "message_updated" and e["message"]["id"] == wamid
                             and e["message"].get("media_key"), "the media download's update")
        await agent2.wait_for(lambda e: e.get("type") == "message_updated" and e["message"]["id"] == wamid,
                              "the media update in the department")
        # the admin answers: the send's statuses come back through the webhooks
        sent = await asyncio.to_thread(http.post, f"/api/conversations/{cid}/messages",
                                       json={"text": "Olá! Já vamos ver."}, headers=demo["admin"])
        assert sent.status_code == 202, sent.text
        await admin.wait_for(lambda e: e.get("type") == "message_status", "a send status")
        # a QR code (pairs a phone with the account) and a disconnection notice: admins only
        envelope = p.envelope("qrcode.updated", local.demo_number, p.qr_payload(local.demo_number), "http://x",
                              "http://s", None)
        await asyncio.to_thread(inbound.process, {
            "tenant_id": tid, "instance_id": demo["instance"].instance_id, "event": "qrcode.updated",
            "received_at": "2026-01-01T00:00:00.000Z", "envelope": envelope})
        await admin.wait_for(lambda e: e.get("type") == "instance_qrcode", "the QR code")
        # campaign events: admins and managers only
        await asyncio.to_thread(campaigns.alert, tid, str(uuid.uuid4()), "auto_pause", "Campanha pausada")
        await admin.wait_for(lambda e: e.get("type") == "campaign_alert", "the campaign alert")
        # the agent cannot subscribe to it either
        assert (await _ask_via(agent1, ws1, {"action": "subscribe", "conversation_id": cid}))["type"] == "error"
        await asyncio.sleep(1.0)  # late stragglers of the same pushes

        leaked = [e for e in agent1.events if e.get("type") not in TENANT_WIDE | {"error"}]
        assert leaked == [], f"department 1's agent received {[e.get('type') for e in leaked]}"
        assert cid not in json.dumps(agent1.events) and phone not in json.dumps(agent1.events)
        assert "segredo da Vendas" not in json.dumps(agent1.events)
        # the control saw the conversation's events, and nothing for admins only
        kinds = {e.get("type") for e in agent2.events}
        assert {"message_received", "conversation_updated", "message_updated", "message_status"} <= kinds, kinds
        assert not kinds & {"instance_qrcode", "campaign_alert", "notification"}, kinds


async def _ask_via(inbox: Inbox, ws, message: dict[str, Any]) -> dict[str, Any]:
    """Ask on a socket whose frames a background reader collects."""
    before = len(inbox.events)
    await ws.send(json.dumps(message))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        answer = next((e for e in inbox.events[before:] if e.get("type") in ("error", "subscribed")), None)
        if answer is not None:
            return answer
        await asyncio.sleep(0.05)
    raise AssertionError("no answer to " + json.dumps(message))


def _demo_password() -> str:
    from alrea.local.seed import demo_password

    return demo_password()


async def _closed_within(ws, seconds: float) -> websockets.ConnectionClosed:
    try:
        while True:
            await asyncio.wait_for(ws.recv(), seconds)
    except websockets.ConnectionClosed as closed:
        return closed
    except TimeoutError:
        pytest.fail(f"the socket stayed open for {seconds}s")


async def test_a_deactivated_users_socket_is_dropped_at_once_and_cannot_return(local, http, demo):
    from alrea.ports.push import tenant_group, user_group
    from alrea.services.audience import dept_group
    from alrea.store import connections

    agent = new_user(http, demo, "Vendas")
    async with websockets.connect(ws_url(local, agent["token"])) as ws:
        assert await ask(ws, {"action": "ping"}) == {"type": "pong"}
        r = await asyncio.to_thread(http.post, f"/api/users/{agent['id']}/deactivate", headers=demo["admin"])
        assert r.status_code == 200, r.text
        closed = await _closed_within(ws, CLOSE_WITHIN_S)
        assert closed.rcvd is not None and closed.rcvd.code == 4403
    # its memberships are gone: pushes to its former groups find no connection of it
    assert connections.members(user_group(demo["tid"], agent["id"])) == []
    for group in (tenant_group(demo["tid"]), dept_group(demo["tid"], demo["depts"]["Vendas"])):
        owners = {c.user_id for c in map(connections.get, connections.members(group)) if c is not None}
        assert agent["id"] not in owners
    # and the still-valid access token cannot open a new one
    async with websockets.connect(ws_url(local, agent["token"])) as ws:
        with pytest.raises(websockets.ConnectionClosed) as refused:
            await asyncio.wait_for(ws.recv(), 10)
    assert refused.value.rcvd is not None and refused.value.rcvd.code == 4401


async def test_a_department_change_drops_the_socket_and_the_reconnect_gets_the_new_groups(local, http, demo):
    from alrea.ports.push import user_group
    from alrea.services.audience import dept_group
    from alrea.store import connections

    agent = new_user(http, demo, "Vendas")
    vendas, atendimento = demo["depts"]["Vendas"], demo["depts"]["Atendimento"]
    async with websockets.connect(ws_url(local, agent["token"])) as ws:
        assert await ask(ws, {"action": "ping"}) == {"type": "pong"}
        r = await asyncio.to_thread(http.patch, f"/api/users/{agent['id']}", json={"department_id": atendimento},
                                    headers=demo["admin"])
        assert r.status_code == 200 and r.json()["department_id"] == atendimento, r.text
        await _closed_within(ws, CLOSE_WITHIN_S)
    async with websockets.connect(ws_url(local, agent["token"])) as ws:  # the SPA reconnects by itself
        assert await ask(ws, {"action": "ping"}) == {"type": "pong"}
        [connection_id] = connections.members(user_group(demo["tid"], agent["id"]))
        groups = connections.get(connection_id).groups
        assert dept_group(demo["tid"], atendimento) in groups and dept_group(demo["tid"], vendas) not in groups
