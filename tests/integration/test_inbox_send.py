"""Sending from the inbox on the real path: REST API → chat_send_message (SQS FIFO on moto) → chat_send handler →
EvolutionClient → the Evolution simulator over HTTP → its webhooks (send.message echo, DELIVERY_ACK, READ)
caught by a local HTTP receiver → webhook_ingest handler → webhook_inbound → webhook_process handler.

The message goes pending → sent → delivered → read with NO duplicate, also when the echo is processed before
the sender recorded WhatsApp's id; a send to a number without WhatsApp fails with a readable reason and the
agent's retry works; notes never reach the simulator; quick replies answer prefix lookups.
"""
from __future__ import annotations

import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from alrea.local.events import failed_message_ids, proxy_answer, queue_arn, rest_event, sqs_event
from alrea.resources import queue as queue_def
from alrea.services import audience, chat_send
from alrea.store import conversations, instances


def load_handler(name: str):
    import importlib.util
    import sys

    from alrea import registry

    module_name = f"test_inbox_fn_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, registry.by_name(name).handler_file)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name].handler


def context(name: str):
    from alrea import registry
    from alrea.local.events import LambdaContext

    fn = registry.by_name(name)
    return LambdaContext(function_name=name, memory_limit_in_mb=fn.memory_mb, timeout_s=fn.timeout_s)

REGION = "us-east-1"
CUSTOMER = "5511912345678"


class Receiver:
    """Evolution's webhook destination: records every POST (path, headers, body)."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                with outer.lock:
                    outer.posts.append((self.path, dict(self.headers.items()), body))
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok":true}')

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def take(self) -> list[tuple[str, dict[str, str], bytes]]:
        with self.lock:
            taken, self.posts = self.posts, []
        return taken


@pytest.fixture(scope="module")
def sim():
    from alrea.simulator.server import SimulatorServer
    from alrea.simulator.state import Timing

    with SimulatorServer(port=0, timing=Timing(delivery_delay_s=0.2, read_delay_s=0.4)) as server:
        yield server


@pytest.fixture
def world(client, new_tenant, aws, sim):
    from alrea.adapters.aws.s3 import S3Storage
    from alrea.adapters.aws.sqs import SqsBus
    from alrea.adapters.evolution.client import EvolutionClient
    from alrea.adapters.memory.push import MemoryPush
    from alrea.wiring import Runtime, set_runtime

    receiver = Receiver()
    bus = SqsBus(aws.queue_urls)
    push = MemoryPush()
    set_runtime(Runtime(bus=bus, push=push, pacer=None, whatsapp=EvolutionClient(sim.url, sim.api_key),  # type: ignore[arg-type]
                        storage=S3Storage(aws.bucket_name)))
    admin = new_tenant("Envios Ltda")
    name = f"send-{uuid.uuid4().hex[:8]}"
    instance = instances.create(instances.Instance(
        tenant_id=admin.tenant_id, instance_id=str(uuid.uuid4()), name="Loja", evolution_name=name,
        webhook_token="hook_" + uuid.uuid4().hex, jwt_key="k" + uuid.uuid4().hex), max_numbers=5,
        limit_message="limite")
    sim.add_instance(name, webhook_url=f"{receiver.url}/webhooks/evolution/{instance.webhook_token}",
                     headers={"jwt_key": instance.jwt_key}, connected=True, number="5511987650000")
    w = World(admin=admin, bus=bus, push=push, sim=sim, receiver=receiver, instance=instance)
    yield w
    httpx.post(f"{sim.url}/_sim/faults", json={"unknown_numbers": [], "fail_next": 0})
    receiver.server.shutdown()


class World:
    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)
        self.ingest = load_handler("webhook_ingest")
        self.process = load_handler("webhook_process")
        self.send = load_handler("chat_send")

    # ---- queues, the way Lambda's event source mapping runs them
    def drain(self, queue: str, handler, fn: str, *, wait_s: float = 0.2, idle_rounds: int = 1) -> int:
        done = idle = 0
        arn = queue_arn(queue_def(queue).physical_name, REGION)
        for _ in range(50):
            deliveries = self.bus.receive(queue, max_messages=10, wait_s=wait_s)
            if not deliveries:
                idle += 1
                if idle >= idle_rounds:
                    break
                continue
            event = sqs_event(deliveries, arn=arn, region=REGION)
            try:
                failed = failed_message_ids(handler(event, context(fn)), event["Records"])
            except Exception:  # noqa: BLE001
                failed = {d.message_id for d in deliveries}
            for d in deliveries:
                (self.bus.nack if d.message_id in failed else self.bus.ack)(d)
            done += len(deliveries) - len(failed)
        return done

    def deliver_webhooks(self) -> int:
        """Forward what Evolution posted to the ingest function, then run the processor."""
        posts = self.receiver.take()
        for path, headers, body in posts:
            token = path.rsplit("/", 1)[-1]
            event = rest_event(method="POST", path=path, resource="/webhooks/evolution/{token}",
                               headers=list(headers.items()), path_parameters={"token": token}, body=body)
            assert proxy_answer(self.ingest(event, context("webhook_ingest"))).status == 200
        if posts:
            self.drain("webhook_inbound", self.process, "webhook_process")
        return len(posts)

    def sends(self) -> int:
        return self.drain("chat_send_message", self.send, "chat_send")

    def pump_until(self, check, timeout: float = 15.0):
        deadline = time.monotonic() + timeout
        while True:
            self.deliver_webhooks()
            value = check()
            if value:
                return value
            assert time.monotonic() < deadline, "condition not met in time"
            time.sleep(0.1)

    def sim_sent(self) -> list[dict]:
        return httpx.get(f"{self.sim.url}/_sim/sent", params={"instance": self.instance.evolution_name}).json()

    def customer_writes(self, text: str, number: str = CUSTOMER) -> str:
        r = httpx.post(f"{self.sim.url}/_sim/instances/{self.instance.evolution_name}/inbound",
                       json={"from": number, "text": text, "push_name": "Maria"})
        assert r.status_code == 200, r.text
        cid = conversations.conversation_id(self.admin.tenant_id, self.instance.instance_id,
                                            f"{number}@s.whatsapp.net")
        self.pump_until(lambda: conversations.get(self.admin.tenant_id, cid))
        return cid

    def messages(self, cid: str) -> list[dict]:
        r = self.admin.get(f"/api/conversations/{cid}/messages", params={"limit": 100})
        assert r.status_code == 200, r.text
        return r.json()["items"]

    def message(self, cid: str, message_id: str) -> dict:
        return next(m for m in self.messages(cid) if m["id"] == message_id)


def statuses_pushed(world, message_id: str) -> list[str]:
    return [e["status"] for e in world.push.events(audience.admins_group(world.admin.tenant_id))
            if e["type"] == "message_status" and e["message_id"] == message_id]


def test_text_goes_pending_sent_delivered_read_without_duplicates(world):
    cid = world.customer_writes("Oi, vocês abrem amanhã?")
    r = world.admin.post(f"/api/conversations/{cid}/messages", {"text": "Abrimos às 9h!"})
    assert r.status_code == 202, r.text
    pending = r.json()
    assert (pending["status"], pending["direction"], pending["sent_by"]) == ("pending", "out", world.admin.user_id)
    uuid.UUID(pending["id"])
    pushed = [e for e in world.push.events(audience.admins_group(world.admin.tenant_id))
              if e["type"] == "message_received" and e["message"]["id"] == pending["id"]]
    assert len(pushed) == 1

    assert world.sends() == 1
    [sent] = [s for s in world.sim_sent() if s["text"] == "Abrimos às 9h!"]
    assert sent["number"] == CUSTOMER
    stored = world.message(cid, pending["id"])
    assert stored["status"] in ("sent", "delivered", "read") and stored["wamid"] == sent["id"]
    world.pump_until(lambda: world.message(cid, pending["id"])["status"] == "read")
    outbound = [m for m in world.messages(cid) if m["direction"] == "out"]
    assert [m["id"] for m in outbound] == [pending["id"]]  # the echo did not create a second message
    assert statuses_pushed(world, pending["id"]) == ["sent", "delivered", "read"]
    view = world.admin.get(f"/api/conversations/{cid}").json()
    assert view["last_message_preview"] == "Abrimos às 9h!" and view["last_message_direction"] == "out"


def test_the_echo_processed_before_the_sender_recorded_the_id(world, monkeypatch):
    cid = world.customer_writes("Tem desconto?")
    deferred: list[tuple] = []
    original = chat_send.record_sent
    monkeypatch.setattr(chat_send, "record_sent", lambda *args: deferred.append(args))
    message_id = world.admin.post(f"/api/conversations/{cid}/messages", {"text": "Tem sim: 10%"}).json()["id"]
    assert world.sends() == 1 and len(deferred) == 1
    # Evolution's send.message echo arrives and is processed first: it claims the pending message
    world.pump_until(lambda: world.message(cid, message_id)["wamid"])
    original(*deferred[0])  # the sender now records the same id: no duplicate, the status only moves forward
    world.pump_until(lambda: world.message(cid, message_id)["status"] == "read")
    assert [m["id"] for m in world.messages(cid) if m["direction"] == "out"] == [message_id]
    [sent] = [s for s in world.sim_sent() if s["text"] == "Tem sim: 10%"]
    assert world.message(cid, message_id)["wamid"] == sent["id"]


def test_a_failed_send_shows_why_and_the_retry_works(world):
    number = "5511955550001"
    cid = world.customer_writes("Oi", number=number)
    httpx.post(f"{world.sim.url}/_sim/faults", json={"unknown_numbers": [number]})
    message_id = world.admin.post(f"/api/conversations/{cid}/messages", {"text": "Olá!"}).json()["id"]
    world.sends()
    failed = world.message(cid, message_id)
    assert (failed["status"], failed["failure_reason"]) == ("failed", "Este número não tem WhatsApp.")
    assert not [s for s in world.sim_sent() if s["number"] == number]
    assert world.sends() == 0  # no retry by itself
    httpx.post(f"{world.sim.url}/_sim/faults", json={"unknown_numbers": []})
    r = world.admin.post(f"/api/conversations/{cid}/messages/{message_id}/retry")
    assert r.status_code == 202 and r.json()["status"] == "pending"
    assert world.admin.post(f"/api/conversations/{cid}/messages/{message_id}/retry").status_code == 409
    world.sends()
    assert world.message(cid, message_id)["status"] in ("sent", "delivered", "read")
    assert [s["text"] for s in world.sim_sent() if s["number"] == number] == ["Olá!"]
    assert world.admin.post(f"/api/conversations/{cid}/messages/{uuid.uuid4()}/retry").status_code == 404


def test_gateway_down_is_retried_then_marked_failed_on_the_last_attempt(world):
    cid = world.customer_writes("Oi de novo")
    message_id = world.admin.post(f"/api/conversations/{cid}/messages", {"text": "Já volto"}).json()["id"]
    world.sim.state.faults.fail_next = 1000  # 500 "Connection Closed": nothing went out, try later
    world.sim.state.faults.error_kind = "closed"
    try:
        from alrea.store import messages as message_store

        [item] = [m for m in message_store.list_newest_first(world.admin.tenant_id, cid, limit=10)[0]
                  if m.id == message_id]
        body = {"tenant_id": world.admin.tenant_id, "conversation_id": cid, "message_sk": item.sk}
        from alrea.ports.whatsapp import EvolutionUnavailable

        with pytest.raises(EvolutionUnavailable):
            chat_send.send(body, attempt=1, max_attempts=2)
        assert world.message(cid, message_id)["status"] == "pending"
        chat_send.send(body, attempt=2, max_attempts=2)
        failed = world.message(cid, message_id)
        assert failed["status"] == "failed" and "indisponível" in failed["failure_reason"]
    finally:
        world.sim.state.faults.fail_next = 0
        world.sim.state.faults.error_kind = "closed"


def test_media_by_presigned_upload_and_notes_never_reach_whatsapp(world):
    cid = world.customer_writes("Manda o catálogo")
    up = world.admin.post(f"/api/conversations/{cid}/uploads",
                          {"file_name": "catálogo 2025.png", "mimetype": "image/png", "size": 67})
    assert up.status_code == 201, up.text
    from alrea.simulator.payloads import png

    assert httpx.put(up.json()["upload_url"], content=png(), headers=up.json()["headers"]).status_code == 200
    r = world.admin.post(f"/api/conversations/{cid}/messages",
                         {"media": {"key": up.json()["key"], "mimetype": "image/png", "file_name": "catalogo.png",
                                    "caption": "Nosso catálogo"}})
    assert r.status_code == 202, r.text
    assert r.json()["kind"] == "image" and r.json()["text"] == "Nosso catálogo"
    world.sends()
    [sent] = [s for s in world.sim_sent() if s["caption"] == "Nosso catálogo"]
    assert sent["mediatype"] == "image"
    world.pump_until(lambda: world.message(cid, r.json()["id"])["status"] == "read")
    # a key outside this conversation's uploads is refused
    bad = world.admin.post(f"/api/conversations/{cid}/messages",
                           {"media": {"key": f"t/{world.admin.tenant_id}/other.png", "mimetype": "image/png"}})
    assert bad.status_code == 422
    assert world.admin.post(f"/api/conversations/{cid}/messages", {"text": "   "}).status_code == 422

    before = len(world.sim_sent())
    note = world.admin.post(f"/api/conversations/{cid}/notes", {"text": "Cliente VIP, dar prioridade"})
    assert note.status_code == 201 and note.json()["kind"] == "note"
    assert world.sends() == 0
    assert len(world.sim_sent()) == before
    assert [m["text"] for m in world.messages(cid) if m["kind"] == "note"] == ["Cliente VIP, dar prioridade"]


def test_quick_replies_crud_and_prefix_lookup(world):
    admin = world.admin
    made = {}
    for shortcut, text in (("ola", "Olá! Como posso ajudar?"), ("obrigado", "Obrigado pelo contato!"),
                           ("horario", "Atendemos das 9h às 18h.")):
        r = admin.post("/api/quick-replies", {"shortcut": shortcut, "text": text})
        assert r.status_code == 201, r.text
        made[shortcut] = r.json()
    assert admin.post("/api/quick-replies", {"shortcut": "ola", "text": "x"}).status_code == 409
    assert admin.post("/api/quick-replies", {"shortcut": "com espaço", "text": "x"}).status_code == 422
    found = admin.get("/api/quick-replies", params={"prefix": "/o"}).json()["items"]
    assert [q["shortcut"] for q in found] == ["obrigado", "ola"]
    assert [q["shortcut"] for q in admin.get("/api/quick-replies", params={"prefix": "/h"}).json()["items"]] == [
        "horario"]
    r = admin.client.put(f"/api/quick-replies/{made['ola']['id']}", json={"shortcut": "oi", "text": "Oi!"},
                         headers=admin.headers)
    assert r.status_code == 200 and r.json()["shortcut"] == "oi"
    assert [q["shortcut"] for q in admin.get("/api/quick-replies", params={"prefix": "o"}).json()["items"]] == [
        "obrigado", "oi"]
    assert admin.delete(f"/api/quick-replies/{made['horario']['id']}").status_code == 204
    assert admin.get(f"/api/quick-replies/{made['horario']['id']}").status_code == 404
    other = admin.client.post("/api/auth/signup", json={"company": "Outra", "name": "O", "email":
                                                        f"q{uuid.uuid4().hex[:8]}@x.com.br",
                                                        "password": "s3nha-Segura!"}).json()
    assert admin.client.get("/api/quick-replies", headers={"Authorization": f"Bearer {other['access']}"}
                            ).json()["items"] == []
