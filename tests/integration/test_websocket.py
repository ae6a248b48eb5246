"""WebSocket through the local runtime: $connect checks the token, pushes reach only the right tenant,
$default answers ping and (un)subscriptions, $disconnect forgets the connection."""
from __future__ import annotations

import asyncio
import json
import uuid

import pytest
import websockets
from alrea import registry
from alrea.ports.push import conversation_group, tenant_group, user_group

PASSWORD = "s3nha-Segura!"
QUIET_S = 0.5  # how long a client listens to show that nothing arrives


@pytest.fixture(scope="module")
def local(moto_server):
    from alrea.local.moto import free_port
    from alrea.local.runtime import LocalRuntime, RuntimeOptions

    suffix = uuid.uuid4().hex[:8]
    functions = [fn for fn in registry.FUNCTIONS if isinstance(fn.trigger, registry.WebSocket)]
    runtime = LocalRuntime(RuntimeOptions(port=free_port(), table_name=f"ws-{suffix}", bucket_name=f"ws-media-{suffix}",
                                          queue_prefix=f"ws{suffix}-", spa_dir=None, simulator=False, seed=False,
                                          functions=functions))
    runtime.start()
    yield runtime
    runtime.stop()


@pytest.fixture(scope="module")
def tenants(local):
    """Two tenants, each with its admin's access token."""
    from alrea.services import auth, subscriptions

    out = {}
    for label in ("a", "b"):
        signed = auth.signup(f"Empresa {label.upper()}", f"Admin {label}", f"{label}-{uuid.uuid4().hex[:8]}@ws.test",
                             PASSWORD)
        subscriptions.apply_subscription(signed.tenant.tenant_id, "professional")  # room for the tests' users
        out[label] = {"tenant_id": signed.tenant.tenant_id, "user_id": signed.user.user_id, "token": signed.tokens.access,
                      "refresh": signed.tokens.refresh}
    return out


def url(local, token: str | None) -> str:
    return local.ws_url + (f"?token={token}" if token is not None else "")


async def push(local, group: str, event: dict) -> int:
    # the Push port is called from worker threads in real use (handlers), never on the server's loop
    return await asyncio.to_thread(local.runtime.push.to_group, group, event)


async def recv_json(ws, timeout: float = 10) -> dict:
    return json.loads(await asyncio.wait_for(ws.recv(), timeout))


async def ask(ws, message: dict) -> dict:
    await ws.send(json.dumps(message))
    return await recv_json(ws)


async def test_a_push_to_a_tenant_reaches_its_clients_only(local, tenants):
    a, b = tenants["a"], tenants["b"]
    async with websockets.connect(url(local, a["token"])) as ws_a, websockets.connect(url(local, b["token"])) as ws_b:
        assert await ask(ws_a, {"action": "ping"}) == {"type": "pong"}  # both connected and stored
        assert await ask(ws_b, {"action": "ping"}) == {"type": "pong"}
        assert await push(local, tenant_group(a["tenant_id"]), {"type": "campaign.progress", "sent": 3}) == 1
        assert await recv_json(ws_a) == {"type": "campaign.progress", "sent": 3}
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(ws_b.recv(), QUIET_S)
        assert await push(local, user_group(b["tenant_id"], b["user_id"]), {"type": "notification"}) == 1
        assert await recv_json(ws_b) == {"type": "notification"}
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(ws_a.recv(), QUIET_S)


@pytest.mark.parametrize("token", [None, "", "not-a-jwt", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0."])
async def test_a_bad_or_missing_token_is_refused(local, token):
    async with websockets.connect(url(local, token)) as ws:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_a_refresh_token_is_not_an_access_token(local, tenants):
    async with websockets.connect(url(local, tenants["a"]["refresh"])) as ws:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd.code == 4401


async def test_subscriptions_join_and_leave_conversation_groups(local, tenants):
    a = tenants["a"]
    conversation = str(uuid.uuid4())
    group = conversation_group(a["tenant_id"], conversation)
    async with websockets.connect(url(local, a["token"])) as ws:
        answer = await ask(ws, {"action": "subscribe", "conversation_id": conversation})
        assert answer == {"type": "subscribed", "conversation_id": conversation}
        assert await push(local, group, {"type": "message.new", "conversation_id": conversation}) == 1
        assert (await recv_json(ws))["type"] == "message.new"
        answer = await ask(ws, {"action": "unsubscribe", "conversation_id": conversation})
        assert answer == {"type": "unsubscribed", "conversation_id": conversation}
        assert await push(local, group, {"type": "message.new"}) == 0


@pytest.mark.parametrize("message, expected", [
    ("not json", "JSON"),
    ("[1, 2]", "objeto"),
    ('{"action": "dance"}', "desconhecida"),
    ('{"action": "subscribe", "conversation_id": "tenant:x"}', "inválido"),
    ('{"action": "subscribe"}', "inválido"),
])
async def test_bad_messages_get_a_clear_error(local, tenants, message, expected):
    async with websockets.connect(url(local, tenants["a"]["token"])) as ws:
        await ws.send(message)
        answer = await recv_json(ws)
    assert answer["type"] == "error" and expected in answer["message"]


async def test_disconnect_forgets_the_connection(local, tenants):
    from alrea.store import connections

    b = tenants["b"]
    group = user_group(b["tenant_id"], b["user_id"])
    before = set(await asyncio.to_thread(connections.members, group))
    async with websockets.connect(url(local, b["token"])) as ws:
        await ask(ws, {"action": "ping"})
        during = set(await asyncio.to_thread(connections.members, group))
        assert len(during - before) == 1
    for _ in range(100):  # $disconnect runs after the close handshake
        if set(await asyncio.to_thread(connections.members, group)) == before:
            break
        await asyncio.sleep(0.05)
    assert set(await asyncio.to_thread(connections.members, group)) == before
