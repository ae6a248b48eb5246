"""The inbound pipeline on the real path: API Gateway proxy event → webhook_ingest handler → Bus (SQS on moto
over HTTP, or RabbitMQ over AMQP) → receive → SQS event → webhook_process handler → DynamoDB (moto) + pushes.

Every sample in events/evolution is posted in its timeline order and the stored conversations, messages,
contacts and instance are compared field by field.
"""
from __future__ import annotations

import importlib.util
import json
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
import pytest

from alrea import registry
from alrea.adapters.memory.push import MemoryPush
from alrea.local.events import LambdaContext, failed_message_ids, proxy_answer, queue_arn, rest_event, sqs_event
from alrea.ports.push import conversation_group
from alrea.resources import queue as queue_def
from alrea.domain.conversations import conversation_view
from alrea.domain.messages import message_view
from alrea.store import contacts, conversations, instances, messages
from alrea.wiring import Runtime, set_runtime

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "events" / "evolution"
REGION = "us-east-1"
EVO_NAME = "acme-support"
MARIA = "5511912345678@s.whatsapp.net"
GROUP = "120363298765432101@g.us"
JOAO = "5585993074699@s.whatsapp.net"
ANA = "25151362101280@lid"
QUEUE = "webhook_inbound"


def sample(name: str) -> dict:
    return json.loads((SAMPLES / f"{name}.json").read_text())


def load_handler(name: str):
    fn = registry.by_name(name)
    module_name = f"test_fn_{name}"
    if module_name not in sys.modules:
        spec = importlib.util.spec_from_file_location(module_name, fn.handler_file)
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        spec.loader.exec_module(module)
    return sys.modules[module_name].handler


def context(name: str) -> LambdaContext:
    fn = registry.by_name(name)
    return LambdaContext(function_name=name, memory_limit_in_mb=fn.memory_mb, timeout_s=fn.timeout_s)


def evolution_jwt(key: str, *, exp_in: int = 600) -> str:
    now = int(time.time())
    return jwt.encode({"iat": now, "exp": now + exp_in, "app": "evolution", "action": "webhook"}, key, "HS256")


@dataclass
class World:
    bus: Any
    push: MemoryPush
    tenant_id: str
    instance: instances.Instance
    ingest: Any = field(default=None)
    process: Any = field(default=None)

    def post(self, body: bytes | dict, *, token: str | None = None, authorization: str | None = "valid",
             event_suffix: str | None = None):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        token = self.instance.webhook_token if token is None else token
        if authorization == "valid":
            authorization = "Bearer " + evolution_jwt(self.instance.jwt_key)
        headers = [("content-type", "application/json"), ("user-agent", "axios/1.7.9")]
        if authorization:
            headers.append(("authorization", authorization))
        params = {"token": token} | ({"event": event_suffix} if event_suffix else {})
        path = f"/webhooks/evolution/{token}" + (f"/{event_suffix}" if event_suffix else "")
        resource = "/webhooks/evolution/{token}" + ("/{event}" if event_suffix else "")
        event = rest_event(method="POST", path=path, resource=resource, headers=headers, path_parameters=params,
                           body=raw)
        answer = proxy_answer(self.ingest(event, context("webhook_ingest")))
        return answer.status, json.loads(answer.body)

    def drain(self, *, wait_s: float = 0.3, idle_rounds: int = 2, max_rounds: int = 80) -> int:
        """Run the processor over the queue like Lambda's event source mapping, until the queue is idle."""
        processed = idle = 0
        arn = queue_arn(queue_def(QUEUE).physical_name, REGION)
        for _ in range(max_rounds):
            deliveries = self.bus.receive(QUEUE, max_messages=10, wait_s=wait_s)
            if not deliveries:
                idle += 1
                if idle >= idle_rounds:
                    break
                continue
            idle = 0
            event = sqs_event(deliveries, arn=arn, region=REGION)
            try:
                failed = failed_message_ids(self.process(event, context("webhook_process")), event["Records"])
            except Exception:  # noqa: BLE001 - Lambda: a raising invocation fails the whole batch
                failed = {d.message_id for d in deliveries}
            for delivery in deliveries:
                (self.bus.nack if delivery.message_id in failed else self.bus.ack)(delivery)
            processed += len(deliveries) - len(failed)
        return processed

    def cid(self, jid: str) -> str:
        return conversations.conversation_id(self.tenant_id, self.instance.instance_id, jid)

    def message(self, wamid: str) -> dict:
        item = messages.find(self.tenant_id, self.instance.instance_id, wamid)
        assert item is not None, f"message {wamid} not stored"
        return message_view(item)

    def pushed(self, type_: str, group: str | None = None) -> list[dict]:
        return [e for e in self.push.events(group or f"admins:{self.tenant_id}") if e["type"] == type_]


def make_instance(tenant_id: str, name: str = EVO_NAME) -> instances.Instance:
    instance = instances.Instance(tenant_id=tenant_id, instance_id=str(uuid.uuid4()), name="Suporte",
                                  evolution_name=name, webhook_token="hook_" + uuid.uuid4().hex,
                                  jwt_key="jwt-" + uuid.uuid4().hex, created_at="2025-11-05T10:00:00.000Z")
    return instances.create(instance, max_numbers=5, limit_message="limite")


def _make_bus(kind: str, request, aws):
    if kind == "sqs":
        from alrea.adapters.aws.sqs import SqsBus

        return SqsBus(aws.queue_urls)
    from alrea.adapters.rabbitmq.bus import RabbitBus

    return RabbitBus(request.getfixturevalue("rabbitmq_url"), prefix=f"test-{uuid.uuid4().hex[:10]}.")


def _tenant_item(tenant_id: str) -> None:
    """The tenant's item (plan Enterprise: every product, so its pushes and routes are not gated)."""
    from alrea.core.clock import iso, utcnow
    from alrea.domain.accounts import Tenant
    from alrea.domain.plans import PLANS
    from alrea.store.tenants import item_of

    item_of(Tenant(tenant_id=tenant_id, name="Inbound Ltda", created_at=iso(utcnow()), plan="enterprise",
                   limits=PLANS["enterprise"].limits)).save()


def _world(kind: str, request, aws):
    bus = _make_bus(kind, request, aws)
    push = MemoryPush()
    set_runtime(Runtime(bus=bus, push=push, pacer=None, whatsapp=None, storage=None))  # type: ignore[arg-type]
    tenant_id = str(uuid.uuid4())
    _tenant_item(tenant_id)
    world = World(bus=bus, push=push, tenant_id=tenant_id, instance=make_instance(tenant_id),
                  ingest=load_handler("webhook_ingest"), process=load_handler("webhook_process"))
    return world, bus


def _close(kind: str, bus) -> None:
    set_runtime(None)
    if kind == "rabbitmq" and bus.health() == "ok":
        bus.delete_queues()
    bus.close()


@pytest.fixture(params=["sqs", "rabbitmq"])
def world(request, aws):
    w, bus = _world(request.param, request, aws)
    yield w
    _close(request.param, bus)


@pytest.fixture
def sqs_world(request, aws):
    w, bus = _world("sqs", request, aws)
    yield w
    _close("sqs", bus)


# ---------------------------------------------------------------- every sample, field by field
TIMELINE = sorted(
    (p.stem for p in SAMPLES.glob("*.json") if p.stem != "malformed.missing-fields"),
    key=lambda name: (sample(name)["date_time"], name),
)
NOT_HANDLED = {"unknown-event", "remove.instance.data-null", "error-webhook.global-errors"}
T = "2025-11-05T14:{}.000Z"


def expected_message(world: World, wamid: str, *, cid: str | None = None, **overrides) -> dict:
    base = {
        "id": wamid, "conversation_id": cid or world.cid(MARIA), "instance_id": world.instance.instance_id,
        "direction": "in", "kind": "text", "text": None, "media": None, "media_key": None, "location": None,
        "contacts": None, "status": "delivered", "from_me": False, "author_jid": None, "author_phone": None,
        "author_name": None, "quoted_id": None, "quoted": None, "reaction_target": None, "reaction_emoji": None,
        "reactions": {},
        "deleted": False, "deleted_at": None, "media_error": None,
    }
    base.update(overrides)
    base["sk"] = f"MSG#{base['sent_at']}#{wamid}"
    return base


def test_every_sample_is_stored_field_by_field(world):
    answers = {}
    for name in TIMELINE:
        answers[name] = world.post(sample(name))
        world.drain(idle_rounds=1)
    for name, (status, body) in answers.items():
        if name in NOT_HANDLED:
            assert (status, body["ok"]) == (202, True), name
        else:
            assert (status, body) == (200, {"ok": True}), name

    w = world
    msg = lambda wamid, **kw: expected_message(w, wamid, **kw)  # noqa: E731
    expected = [
        msg("AC3F9B1E2D4C5A6B7C8D9E0F1A2B3C4D", text="Hi! Are you open tomorrow morning? 🙂", sent_at=T.format("15:30")),
        msg("3A7F2C9D1E4B6A8C0D2E", direction="out", from_me=True, status="sent", text="Yes, from 9am to 6pm.",
            sent_at=T.format("16:30")),
        msg("3EB0A1B2C3D4E5F6A7B8C9", direction="out", from_me=True, status="read",
            text="Your order #1042 has shipped.", reactions={"+5511912345678": "👍"}, sent_at=T.format("17:30")),
        msg("AC77E10B2C3D4E5F60718293A4B5C6D7", kind="audio", sent_at=T.format("19:30"),
            media={"mimetype": "audio/ogg; codecs=opus", "size": 23817, "seconds": 9, "ptt": True}),
        msg("3A1B2C3D4E5F60718293", kind="document", text="Invoice attached", sent_at=T.format("20:30"),
            media={"mimetype": "application/pdf", "file_name": "invoice-2025-11.pdf", "size": 248113,
                   "page_count": 2}),
        msg("ACD0E1F2A3B4C5D6E7F8091A2B3C4D5E", kind="reaction", reaction_target="3EB0A1B2C3D4E5F6A7B8C9",
            reaction_emoji="👍", sent_at=T.format("21:30")),
        msg("AC1234567890ABCDEF1234567890ABCD", kind="sticker", sent_at=T.format("25:30"),
            media={"mimetype": "image/webp", "size": 21454, "width": 512, "height": 512}),
        msg("3A99887766554433221A", kind="location", sent_at=T.format("26:30"),
            location={"latitude": -23.561414, "longitude": -46.655881, "name": "Av. Paulista, 1578",
                      "address": "Bela Vista, São Paulo - SP"}),
        msg("ACABCDEF0123456789ABCDEF01234567", kind="contact", text="Pedro Alves", sent_at=T.format("27:30"),
            contacts=[{"display_name": "Pedro Alves", "phones": ["+5511933332222"],
                       "vcard": sample("messages.upsert.contact-card")["data"]["message"]["contactMessage"]["vcard"]}]),
        msg("3EB0C0BD05DCA97A7C09CC", direction="out", from_me=True, status="played", kind="audio",
            sent_at=T.format("30:01"), media={"mimetype": "audio/ogg; codecs=opus", "size": 15872, "seconds": 6,
                                              "ptt": True}),
        msg("AC5E6F708192A3B4C5D6E7F8091A2B3C", kind="video", text="Olha o vídeo do pedido",
            quoted_id="3EB0A1B2C3D4E5F6A7B8C9", sent_at=T.format("31:42"),
            quoted={"id": "3EB0A1B2C3D4E5F6A7B8C9", "text": "Your order #1042 has shipped.", "from_me": True},
            media={"mimetype": "video/mp4", "size": 1048576, "seconds": 14, "width": 480, "height": 848}),
        msg("A5B6C7D8E9F00112233445566778899A", cid=w.cid(GROUP), text="Meeting moved to 3pm, everyone ok?",
            author_jid="218734561234567@lid", author_phone="+5511955554444", author_name="Carlos Lima",
            sent_at=T.format("22:30")),
        msg("ACF74C317ABADED4BE7EDC7E41BE13EF", cid=w.cid(JOAO), text="Hello, I saw your ad",
            sent_at=T.format("23:30")),
        msg("AC0A1B2C3D4E5F60718293A4B5C6D7E8", cid=w.cid(ANA), text="Hello, I saw your ad",
            sent_at=T.format("23:30")),
    ]
    for want in expected:
        got = w.message(want["id"])
        created_at, status_at = got.pop("created_at"), got.pop("status_at")
        assert created_at.endswith("Z")
        assert got == want, want["id"]
        assert (status_at is not None) == (want["id"] in {"3EB0A1B2C3D4E5F6A7B8C9", "3EB0C0BD05DCA97A7C09CC"})

    # the revoked image keeps its content, flagged deleted
    image = w.message("A51C0F3E9D8B7A6C5E4D3C2B1A0F9E8D")
    deleted_at = image.pop("deleted_at")
    image.pop("created_at"), image.pop("status_at")
    want = msg("A51C0F3E9D8B7A6C5E4D3C2B1A0F9E8D", kind="image", text="Here is the receipt",
               sent_at=T.format("18:30"), deleted=True,
               media={"mimetype": "image/jpeg", "size": 184532, "width": 1200, "height": 1600})
    want.pop("deleted_at")
    assert deleted_at.endswith("Z") and image == want

    # the byte-identical retry stored nothing twice: 12 messages with Maria, newest first
    page, _ = messages.list_newest_first(w.tenant_id, w.cid(MARIA), limit=100)
    assert [m.id for m in page] == [
        "AC5E6F708192A3B4C5D6E7F8091A2B3C", "3EB0C0BD05DCA97A7C09CC", "ACABCDEF0123456789ABCDEF01234567",
        "3A99887766554433221A", "AC1234567890ABCDEF1234567890ABCD", "ACD0E1F2A3B4C5D6E7F8091A2B3C4D5E",
        "3A1B2C3D4E5F60718293", "AC77E10B2C3D4E5F60718293A4B5C6D7", "A51C0F3E9D8B7A6C5E4D3C2B1A0F9E8D",
        "3EB0A1B2C3D4E5F6A7B8C9", "3A7F2C9D1E4B6A8C0D2E", "AC3F9B1E2D4C5A6B7C8D9E0F1A2B3C4D",
    ]

    def conversation(jid: str) -> dict:
        view = conversation_view(conversations.find(w.tenant_id, w.cid(jid)))
        assert view.pop("created_at").endswith("Z") and view.pop("updated_at").endswith("Z")
        return view

    common = {"instance_id": w.instance.instance_id, "is_group": False, "last_message_direction": "in",
              # inbox fields (issue 4): this tenant has no department, so nothing routes or assigns them
              "status": "pending", "department_id": None, "assigned_user_id": None, "assigned_user_name": None,
              "tags": []}
    # unread counts every inbound message except the reaction; chats.upsert's unreadMessages (WhatsApp's count
    # on the phone, 0 after every receipt) does not reset it: only an agent's read does
    assert conversation(MARIA) == common | {
        "id": w.cid(MARIA), "chat_jid": MARIA, "contact_key": "+5511912345678", "contact_name": "Maria Souza",
        "phone": "+5511912345678", "lid": "178943561234567@lid", "last_message_at": T.format("31:42"),
        "last_message_preview": "🎥 Vídeo: Olha o vídeo do pedido",
        "last_message_id": "AC5E6F708192A3B4C5D6E7F8091A2B3C", "inbound_count": 8, "waiting_since": T.format("31:42")}
    assert conversation(GROUP) == common | {
        "id": w.cid(GROUP), "chat_jid": GROUP, "is_group": True, "contact_key": None, "contact_name": None,
        "phone": None, "lid": None, "last_message_at": T.format("22:30"),
        "last_message_preview": "Meeting moved to 3pm, everyone ok?",
        "last_message_id": "A5B6C7D8E9F00112233445566778899A", "inbound_count": 1, "waiting_since": T.format("22:30")}
    assert conversation(JOAO) == common | {
        "id": w.cid(JOAO), "chat_jid": JOAO, "contact_key": "+5585993074699", "contact_name": "João Pereira",
        "phone": "+5585993074699", "lid": "76201477542116@lid", "last_message_at": T.format("23:30"),
        "last_message_preview": "Hello, I saw your ad", "last_message_id": "ACF74C317ABADED4BE7EDC7E41BE13EF",
        "inbound_count": 1, "waiting_since": T.format("23:30")}
    assert conversation(ANA) == common | {
        "id": w.cid(ANA), "chat_jid": ANA, "contact_key": ANA, "contact_name": "Ana", "phone": None, "lid": ANA,
        "last_message_at": T.format("23:30"), "last_message_preview": "Hello, I saw your ad",
        "last_message_id": "AC0A1B2C3D4E5F60718293A4B5C6D7E8", "inbound_count": 1, "waiting_since": T.format("23:30")}
    listed = list(conversations.iter_all(w.tenant_id))
    assert [c.chat_jid for c in listed][0] == MARIA and [c.chat_jid for c in listed][-1] == GROUP
    assert len(listed) == 4  # Lucas (contacts.upsert only) has no conversation

    def contact(key: str) -> dict:
        found = contacts.get(w.tenant_id, key)
        view = {k: getattr(found, k) for k in ("key", "phone", "lid", "name", "profile_pic_url", "created_at",
                                               "updated_at")}
        assert view.pop("created_at").endswith("Z") and view.pop("updated_at").endswith("Z")
        return view

    maria_pic = sample("contacts.update.single-with-profilePicUrl")["data"]["profilePicUrl"]
    assert contact("+5511912345678") == {"key": "+5511912345678", "phone": "+5511912345678",
                                         "lid": "178943561234567@lid", "name": "Maria Souza",
                                         "profile_pic_url": maria_pic}
    assert contact("+5585993074699") == {"key": "+5585993074699", "phone": "+5585993074699",
                                         "lid": "76201477542116@lid", "name": "João Pereira", "profile_pic_url": None}
    assert contact(ANA) == {"key": ANA, "phone": None, "lid": ANA, "name": "Ana", "profile_pic_url": None}
    assert contact("+5511955554444") == {"key": "+5511955554444", "phone": "+5511955554444",
                                         "lid": "218734561234567@lid", "name": "Carlos Lima", "profile_pic_url": None}
    assert contact("+5511977776666") == {"key": "+5511977776666", "phone": "+5511977776666", "lid": None,
                                         "name": "Lucas", "profile_pic_url": None}
    assert contacts.get(w.tenant_id, "+5511987650000") is None  # our own account is not a contact

    # the instance followed connecting → open → close (401: logged out)
    inst = instances.get(w.tenant_id, w.instance.instance_id)
    assert (inst.state, inst.wuid, inst.phone, inst.profile_name) == (
        "close", "5511987650000@s.whatsapp.net", "+5511987650000", "Acme Support")

    # pushes
    received = w.pushed("message_received")
    assert len(received) == 15
    assert received[0]["message"] == {**w.message("AC3F9B1E2D4C5A6B7C8D9E0F1A2B3C4D"),
                                      "created_at": received[0]["message"]["created_at"]}
    maria_group = conversation_group(w.tenant_id, w.cid(MARIA))
    assert len(w.pushed("message_received", maria_group)) == 12
    assert [(e["message_id"], e["status"]) for e in w.pushed("message_status")] == [
        ("3EB0A1B2C3D4E5F6A7B8C9", "delivered"), ("3EB0A1B2C3D4E5F6A7B8C9", "read"),
        ("3EB0C0BD05DCA97A7C09CC", "played")]
    assert [e["message"]["id"] for e in w.pushed("message_updated")] == [
        "3EB0A1B2C3D4E5F6A7B8C9", "A51C0F3E9D8B7A6C5E4D3C2B1A0F9E8D"]
    assert [e["state"] for e in w.pushed("instance_status")] == ["connecting", "open", "close"]
    [qr] = w.pushed("instance_qrcode")
    assert qr["base64"] == sample("qrcode.updated")["data"]["qrcode"]["base64"]
    assert qr["instance_id"] == w.instance.instance_id
    [note] = w.pushed("notification")
    assert (note["kind"], note["status_reason"]) == ("instance_disconnected", 401)
    last_update = w.pushed("conversation_updated")[-1]["conversation"]
    assert (last_update["id"], last_update["inbound_count"]) == (w.cid(MARIA), 8)
    assert "unread" not in last_update  # per user: pushes never carry one person's unread
    assert w.pushed("presence", maria_group) == [
        {"type": "presence", "conversation_id": w.cid(MARIA), "presence": "composing"}]

    # every media message queued one download job
    jobs = []
    for _ in range(10):
        batch = w.bus.receive("chat_download_attachment", max_messages=10, wait_s=0.3)
        if not batch:
            break
        jobs += [d.json() for d in batch]
        for d in batch:
            w.bus.ack(d)
    assert sorted(j["wamid"] for j in jobs) == sorted([
        "A51C0F3E9D8B7A6C5E4D3C2B1A0F9E8D", "AC77E10B2C3D4E5F60718293A4B5C6D7", "3A1B2C3D4E5F60718293",
        "AC1234567890ABCDEF1234567890ABCD", "3EB0C0BD05DCA97A7C09CC", "AC5E6F708192A3B4C5D6E7F8091A2B3C"])
    for job in jobs:
        stored = w.message(job["wamid"])
        assert job == {"tenant_id": w.tenant_id, "instance_id": w.instance.instance_id,
                       "conversation_id": stored["conversation_id"], "message_sk": stored["sk"],
                       "wamid": job["wamid"]}


# ---------------------------------------------------------------- duplicates, ordering, poison
def test_ten_concurrent_duplicate_deliveries_store_one_message(world):
    body = sample("messages.upsert.text-inbound")
    answers: list[tuple[int, dict]] = []
    threads = [threading.Thread(target=lambda: answers.append(world.post(body))) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert answers == [(200, {"ok": True})] * 10
    world.drain()
    # past the queue's dedupe window the same delivery reaches the processor again; FIFO hands a group's
    # messages out one at a time, so repeats arrive one after another (concurrent conditional writes are
    # DynamoDB's isolation to keep, which moto's threaded server does not emulate)
    job = {"tenant_id": world.tenant_id, "instance_id": world.instance.instance_id, "event": "messages.upsert",
           "received_at": "2025-11-05T14:15:31.000Z", "envelope": body}
    for _ in range(10):
        world.bus.publish(QUEUE, job, group=f"{world.instance.instance_id}:{MARIA}", dedupe_id=uuid.uuid4().hex)
    assert world.drain() == 10
    page, _ = messages.list_newest_first(world.tenant_id, world.cid(MARIA), limit=100)
    assert [m.id for m in page] == ["AC3F9B1E2D4C5A6B7C8D9E0F1A2B3C4D"]
    conv = conversations.get(world.tenant_id, world.cid(MARIA))
    assert conv.inbound_count == 1
    assert len(world.pushed("message_received")) == 1


def _status(wamid: str, status: Any) -> dict:
    body = sample("messages.update.delivered")
    body["data"].update(keyId=wamid, status=status)
    return body


def test_out_of_order_statuses_end_at_the_highest(world):
    assert world.post(sample("send.message.text"))[0] == 200
    world.drain()
    wamid = "3EB0A1B2C3D4E5F6A7B8C9"
    assert world.message(wamid)["status"] == "pending"
    for status in ("READ", "DELIVERY_ACK", "SERVER_ACK", 3, "ERROR", "PENDING"):
        assert world.post(_status(wamid, status))[0] == 200
        world.drain(idle_rounds=1)
        assert world.message(wamid)["status"] == "read", status
    assert world.post(_status(wamid, "PLAYED"))[0] == 200
    assert world.post(_status(wamid, "READ"))[0] == 200  # a repeat of READ is a new dedupe id: processed, stale
    world.drain()
    assert world.message(wamid)["status"] == "played"
    assert [e["status"] for e in world.pushed("message_status")] == ["read", "played"]
    # a status for a message we never stored changes nothing and does not fail
    assert world.post(_status("3EB0FFFFFFFFFFFFFFFFFF", "READ"))[0] == 200
    assert world.drain() == 1


def test_error_status_moves_a_pending_message_to_failed(world):
    world.post(sample("send.message.text"))
    world.post(_status("3EB0A1B2C3D4E5F6A7B8C9", 0))
    world.drain()
    assert world.message("3EB0A1B2C3D4E5F6A7B8C9")["status"] == "failed"


def test_poison_message_goes_to_the_dlq_while_its_batch_neighbours_are_stored(world):
    poison = sample("malformed.missing-fields")
    assert world.post(poison) == (200, {"ok": True})  # the edge checks the envelope, not the content
    assert world.post(sample("messages.upsert.lid.v2.3.6"))[0] == 200
    assert world.post(sample("messages.upsert.group-text"))[0] == 200
    world.drain(idle_rounds=3, wait_s=0.5)
    assert world.message("ACF74C317ABADED4BE7EDC7E41BE13EF")["text"] == "Hello, I saw your ad"
    assert world.message("A5B6C7D8E9F00112233445566778899A")["author_phone"] == "+5511955554444"
    dead = []
    for _ in range(20):
        dead += world.bus.dead_letters(QUEUE)
        if dead:
            break
        world.drain(idle_rounds=1, wait_s=0.5)
    assert len(dead) == 1
    job = dead[0].json()
    assert job["envelope"]["data"]["key"]["id"] == "AC3F9B1E2D4C5A6B7C8D9E0F1A2B3C4D"
    assert job["tenant_id"] == world.tenant_id and "apikey" not in job["envelope"]
    assert messages.find(world.tenant_id, world.instance.instance_id, "AC3F9B1E2D4C5A6B7C8D9E0F1A2B3C4D") is None


# ---------------------------------------------------------------- the edge's answers
def test_ingest_refusals_and_accepted_forms(sqs_world):
    w = sqs_world
    good = sample("messages.upsert.text-inbound")
    assert w.post(good, token="hook_" + "0" * 32)[0] == 404
    assert w.post(good, token="../../etc")[0] == 404
    status, body = w.post(good, authorization=None)
    assert status == 401 and body["error"] == "unauthorized"
    assert w.post(good, authorization="Bearer " + evolution_jwt("another-key"))[0] == 401
    assert w.post(good, authorization="Bearer " + evolution_jwt(w.instance.jwt_key, exp_in=-600))[0] == 401
    assert w.post(good, authorization="Bearer not.a.jwt")[0] == 401
    none_alg = jwt.encode({"exp": int(time.time()) + 60}, None, algorithm="none")
    assert w.post(good, authorization="Bearer " + none_alg)[0] == 401
    status, body = w.post(b'{"event": "messages.upsert", "data": {')
    assert status == 400 and "JSON" in body["message"]
    assert w.post(b"[1, 2]")[0] == 400
    assert w.post({"instance": EVO_NAME, "data": {}})[0] == 400  # no event
    other = dict(good, instance="someone-else")
    status, body = w.post(other)
    assert status == 400 and "someone-else" in body["message"]
    assert w.post(b"{" + b" " * (256 * 1024) + b"}")[0] == 413
    status, body = w.post(sample("unknown-event"))
    assert (status, body) == (202, {"ok": True, "ignored": "labels.association"})
    # by-events URL form: the suffix names the event; a contradicting suffix is refused
    assert w.post(good, event_suffix="messages-upsert") == (200, {"ok": True})
    assert w.post(good, event_suffix="messages-update")[0] == 400
    no_event = {k: v for k, v in sample("messages.update.read").items() if k != "event"}
    assert w.post(no_event, event_suffix="messages-update") == (200, {"ok": True})
    assert w.drain() == 2
    assert w.message("AC3F9B1E2D4C5A6B7C8D9E0F1A2B3C4D")["text"] == "Hi! Are you open tomorrow morning? 🙂"


def test_instance_without_jwt_key_accepts_unsigned_deliveries(sqs_world, aws):
    w = sqs_world
    plain = instances.Instance(tenant_id=w.tenant_id, instance_id=str(uuid.uuid4()), name="Vendas",
                               evolution_name="acme-sales", webhook_token="hook_" + uuid.uuid4().hex, jwt_key="",
                               created_at="2025-11-05T10:00:00.000Z")
    instances.create(plain, max_numbers=5, limit_message="limite")
    body = dict(sample("messages.upsert.text-inbound"), instance="acme-sales")
    assert w.post(body, token=plain.webhook_token, authorization=None) == (200, {"ok": True})
    assert w.drain() == 1
    item = messages.find(w.tenant_id, plain.instance_id, "AC3F9B1E2D4C5A6B7C8D9E0F1A2B3C4D")
    # the same WhatsApp id on another instance is another message, in another conversation
    assert item is not None and item.conversation_id != w.cid(MARIA)


# ---------------------------------------------------------------- reads over the REST API
def test_conversation_reads_newest_first_with_cursors_and_tenant_isolation(sqs_world):
    from fastapi.testclient import TestClient

    from alrea.api.app import create_app
    from alrea.api.deps import current_user
    from alrea.domain.roles import Principal

    w = sqs_world
    for name in ("messages.upsert.text-inbound", "messages.upsert.text-outbound-fromMe",
                 "messages.upsert.group-text", "messages.upsert.lid.v2.3.6", "messages.upsert.lid-unresolved"):
        assert w.post(sample(name))[0] == 200
    assert w.drain() == 5
    app = create_app()
    client = TestClient(app)
    assert client.get("/api/conversations").status_code == 401  # no token
    # an admin sees the whole tenant (role scoping is tested in tests/integration/test_inbox_*.py)
    caller = {"who": Principal(tenant_id=w.tenant_id, user_id=str(uuid.uuid4()), role="admin")}
    app.dependency_overrides[current_user] = lambda: caller["who"]

    first = client.get("/api/conversations", params={"limit": 2})
    assert first.status_code == 200
    page1 = first.json()
    second = client.get("/api/conversations", params={"limit": 2, "cursor": page1["next_cursor"]}).json()
    ids = [c["id"] for c in page1["items"] + second["items"]]
    # Ana and João share the same last activity (14:23:30): ties are ordered by conversation id, descending
    tied = sorted([w.cid(JOAO), w.cid(ANA)], reverse=True)
    assert ids == tied + [w.cid(GROUP), w.cid(MARIA)]
    assert page1["items"][0]["last_message_at"] == T.format("23:30")
    maria = (page1["items"] + second["items"])[-1]
    assert (maria["last_message_preview"], maria["last_message_direction"], maria["unread"]) == (
        "Yes, from 9am to 6pm.", "out", 1)
    if second["next_cursor"]:
        assert client.get("/api/conversations", params={"cursor": second["next_cursor"]}).json()["items"] == []

    newest = client.get(f"/api/conversations/{w.cid(MARIA)}/messages", params={"limit": 1}).json()
    assert [m["id"] for m in newest["items"]] == ["3A7F2C9D1E4B6A8C0D2E"]
    older = client.get(f"/api/conversations/{w.cid(MARIA)}/messages",
                       params={"limit": 1, "cursor": newest["next_cursor"]}).json()
    assert [m["id"] for m in older["items"]] == ["AC3F9B1E2D4C5A6B7C8D9E0F1A2B3C4D"]
    assert older["items"][0]["sent_at"] == T.format("15:30")
    assert client.get(f"/api/conversations/{w.cid(MARIA)}").json()["contact_name"] == "Maria Souza"

    for bad in ({"limit": 0}, {"limit": 101}, {"cursor": "!!!"}, {"cursor": "e30"}):
        response = client.get("/api/conversations", params=bad)
        assert response.status_code == 422, bad
    tenant_cursor = page1["next_cursor"]
    messages_cursor = newest["next_cursor"]

    # another tenant: sees nothing, and the first tenant's ids and cursors answer 404 / 422
    other = str(uuid.uuid4())
    _tenant_item(other)
    caller["who"] = Principal(tenant_id=other, user_id=str(uuid.uuid4()), role="admin")
    assert client.get("/api/conversations").json() == {"items": [], "next_cursor": None}
    response = client.get(f"/api/conversations/{w.cid(MARIA)}/messages")
    assert response.status_code == 404 and response.json()["error"] == "not_found"
    assert client.get(f"/api/conversations/{w.cid(MARIA)}").status_code == 404
    # a cursor is bound to the tenant (and caller and filters) that got it (store/paging.py): refused elsewhere
    assert client.get("/api/conversations", params={"cursor": tenant_cursor}).status_code == 422
    assert client.get(f"/api/conversations/{w.cid(MARIA)}/messages",
                      params={"cursor": messages_cursor}).status_code == 404


# ---------------------------------------------------------------- inbound media into S3
def test_media_message_is_downloaded_into_the_tenant_prefix(sqs_world, aws):
    from alrea.adapters.aws.s3 import S3Storage
    from alrea.ports.whatsapp import MediaFile

    class EvolutionMediaFake:  # the WhatsApp port's one method this flow uses; the adapter has its own tests
        def __init__(self) -> None:
            self.calls: list[tuple[str, Any]] = []

        def get_media_base64(self, name: str, message: Any) -> MediaFile:
            self.calls.append((name, message))
            return MediaFile(data=b"\xff\xd8\xff\xe0 receipt jpeg", mimetype="image/jpeg", file_name=None)

    w = sqs_world
    fake = EvolutionMediaFake()
    storage = S3Storage(aws.bucket_name)
    set_runtime(Runtime(bus=w.bus, push=w.push, pacer=None, whatsapp=fake, storage=storage))  # type: ignore[arg-type]
    assert w.post(sample("messages.upsert.image-caption"))[0] == 200
    assert w.drain() == 1
    [job] = w.bus.receive("chat_download_attachment", max_messages=10, wait_s=1)
    event = sqs_event([job], arn=queue_arn("chat_download_attachment", REGION), region=REGION)
    handler = load_handler("chat_download_attachment")
    for _ in range(2):  # a redelivered job fetches nothing twice
        assert handler(event, context("chat_download_attachment")) == {"batchItemFailures": []}
    wamid = "A51C0F3E9D8B7A6C5E4D3C2B1A0F9E8D"
    assert fake.calls == [(EVO_NAME, wamid)]
    key = w.message(wamid)["media_key"]
    assert key == f"t/{w.tenant_id}/media/{w.cid(MARIA)}/{wamid}.jpg"
    assert storage.get(key) == b"\xff\xd8\xff\xe0 receipt jpeg"
    [update] = w.pushed("message_updated", conversation_group(w.tenant_id, w.cid(MARIA)))
    assert update["message"]["media_key"] == key and update["message"]["id"] == wamid
