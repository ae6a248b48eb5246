"""/v1/messages on the local runtime over HTTP: the gateway → the api function (key, rate, Idempotency-Key,
opt-out, accept) → chat_send_message (SQS FIFO on moto) → the chat_send function → the Evolution simulator over
HTTP → its webhooks → webhook_ingest → webhook_process (echo, receipts). Sends are counted at the simulator.

A partner's message reaches the customer once (also when the request is repeated with the same
Idempotency-Key), appears in the agents' inbox as sent by the key, in a new conversation routed like any other,
moves queued → sent → delivered → read on GET /v1/messages/{id}; an opted-out or erased phone answers 409
``opted_out`` and nothing is sent; another tenant's key sees 404.
"""
from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest

from local_platform import local_platform, wait_for

FUNCTIONS = ("api", "chat_send", "webhook_ingest", "webhook_process")
PASSWORD = "Senha-Forte-123"
pytestmark = pytest.mark.usefixtures("roomy_partner_rate")


@pytest.fixture(scope="module")
def platform(moto_server):
    with local_platform("pmsg", FUNCTIONS) as rt:
        yield rt


class Tenant:
    """A signed-up tenant on the platform: its admin's HTTP client, one connected number, keys."""

    def __init__(self, rt: Any, company: str) -> None:
        self.rt = rt
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{rt.options.port}", timeout=20)
        email = f"admin.{uuid.uuid4().hex[:10]}@acme.com.br"
        r = self.http.post("/api/auth/signup", json={"company": company, "name": "Ana Admin", "email": email,
                                                     "password": PASSWORD})
        assert r.status_code == 201, r.text
        self.tenant_id = r.json()["tenant"]["id"]
        from alrea.services import subscriptions

        subscriptions.apply_subscription(self.tenant_id, "professional")  # the API is not Starter's
        self.admin = {"Authorization": f"Bearer {r.json()['access']}"}
        self.number = self._connected_number()

    def _connected_number(self) -> dict[str, Any]:
        from alrea.store import instances as instance_store

        r = self.http.post("/api/instances", headers=self.admin, json={"name": "Vendas"})
        assert r.status_code == 201, r.text
        inst = instance_store.get(self.tenant_id, r.json()["id"])
        sim = self.rt.simulator.url
        httpx.post(f"{sim}/_sim/instances/{inst.evolution_name}/scan", timeout=5,
                   json={"number": f"55119{uuid.uuid4().int % 10**8:08d}"}).raise_for_status()
        # the simulator posts connection.update (open): webhook_ingest → webhook_process store the state
        wait_for(lambda: instance_store.get(self.tenant_id, inst.instance_id).state == "open")
        return r.json()

    def key(self, *scopes: str) -> dict[str, str]:
        r = self.http.post("/api/api-keys", headers=self.admin, json={"name": "ERP", "scopes": list(scopes)})
        assert r.status_code == 201, r.text
        return {"Authorization": f"Bearer {r.json()['secret']}"}


@pytest.fixture(scope="module")
def shop(platform):
    return Tenant(platform, "Loja Partner")


def sent_to(platform, phone: str) -> list[dict[str, Any]]:
    """What the simulator sent to ``phone``, in the order it sent it."""
    sent = httpx.get(platform.simulator.url + "/_sim/sent", timeout=5).json()
    return [s for s in sent if s["number"] == phone.lstrip("+")]


def new_phone() -> str:
    return f"+55119{uuid.uuid4().int % 10**8:08d}"


def test_a_message_is_sent_once_and_reaches_read_and_the_inbox_shows_it(platform, shop):
    h = shop.key("messages:send", "messages:read")
    phone = new_phone()
    body = {"to": phone, "text": "Seu pedido 1234 saiu para entrega."}
    first = shop.http.post("/v1/messages", headers={**h, "Idempotency-Key": "order-1234"}, json=body)
    assert first.status_code == 202, first.text
    accepted = first.json()
    assert accepted["status"] == "queued" and accepted["to"] == phone
    assert accepted["number_id"] == shop.number["id"]
    again = shop.http.post("/v1/messages", headers={**h, "Idempotency-Key": "order-1234"}, json=body)
    assert again.status_code == 202 and again.json() == accepted  # the first answer, nothing done again
    other = shop.http.post("/v1/messages", headers={**h, "Idempotency-Key": "order-1234"},
                           json={**body, "text": "outro texto"})
    assert other.status_code == 422 and other.json()["field"] == "Idempotency-Key"

    def status() -> str:
        r = shop.http.get(f"/v1/messages/{accepted['id']}", headers=h)
        assert r.status_code == 200, r.text
        return r.json()["status"]

    wait_for(lambda: status() == "read")
    assert len(sent_to(platform, phone)) == 1  # the repeated request sent nothing more
    # the agents' inbox: a new conversation with the message, sent by the key
    conv = shop.http.get(f"/api/conversations/{accepted['conversation_id']}", headers=shop.admin)
    assert conv.status_code == 200, conv.text
    assert conv.json()["phone"] == phone and conv.json()["last_message_preview"] == body["text"]
    msgs = shop.http.get(f"/api/conversations/{accepted['conversation_id']}/messages", headers=shop.admin).json()
    [message] = [m for m in msgs["items"] if m["id"] == accepted["id"]]
    assert message["sent_by_name"] == "API: ERP" and message["status"] == "read" and message["wamid"]


def test_partner_and_agent_messages_of_one_chat_keep_their_order(platform, shop):
    h = shop.key("messages:send", "messages:read")
    phone = new_phone()
    ids = [shop.http.post("/v1/messages", headers=h, json={"to": phone, "text": f"mensagem {n}"}).json()["id"]
           for n in range(3)]
    conv_id = shop.http.get(f"/v1/messages/{ids[0]}", headers=h).json()["conversation_id"]
    wait_for(lambda: shop.http.get(f"/api/conversations/{conv_id}", headers=shop.admin).status_code == 200)
    reply = shop.http.post(f"/api/conversations/{conv_id}/messages", headers=shop.admin, json={"text": "agente"})
    assert reply.status_code == 202, reply.text
    wait_for(lambda: len(sent_to(platform, phone)) == 4)
    texts = [s["text"] for s in sent_to(platform, phone)]
    assert texts == ["mensagem 0", "mensagem 1", "mensagem 2", "agente"], texts


def test_opted_out_and_erased_phones_get_409_and_nothing_is_sent(platform, shop):
    h = {**shop.key("messages:send", "contacts:write", "contacts:read")}
    phone = new_phone()
    contact = shop.http.post("/v1/contacts", headers=h, json={"phone": phone, "name": "Rui"}).json()
    assert shop.http.post(f"/v1/contacts/{contact['id']}/opt-out", headers=h, json={}).status_code == 200
    refused = shop.http.post("/v1/messages", headers=h, json={"to": phone, "text": "promoção!"})
    assert refused.status_code == 409 and refused.json()["error"] == "opted_out", refused.text
    erased_phone = new_phone()
    erased = shop.http.post("/v1/contacts", headers=h, json={"phone": erased_phone, "name": "Lia"}).json()
    r = shop.http.post(f"/api/contacts/{erased['id']}/erase", headers=shop.admin)
    assert r.status_code == 200, r.text
    gone = shop.http.post("/v1/messages", headers=h, json={"to": erased_phone, "text": "oi"})
    assert gone.status_code == 409 and gone.json()["error"] == "opted_out", gone.text
    time.sleep(1.0)
    assert sent_to(platform, phone) == [] and sent_to(platform, erased_phone) == []


def test_media_by_url_and_bad_requests(platform, shop):
    h = shop.key("messages:send", "messages:read")
    phone = new_phone()
    r = shop.http.post("/v1/messages", headers=h, json={
        "to": phone, "media": {"kind": "image", "url": "https://example.com/promo.jpg", "caption": "Oferta"}})
    assert r.status_code == 202, r.text
    wait_for(lambda: sent_to(platform, phone))
    [sent] = sent_to(platform, phone)
    assert sent["mediatype"] == "image" and sent["caption"] == "Oferta"
    for body, field in (({"to": "1234", "text": "x"}, "to"), ({"to": phone}, "text"),
                        ({"to": phone, "media": {"kind": "image", "url": "http://example.com/a.jpg"}}, "media.url"),
                        ({"to": phone, "media": {"kind": "image", "key": "t/other/api/x.jpg"}}, "media.key")):
        bad = shop.http.post("/v1/messages", headers=h, json=body)
        assert bad.status_code == 422 and bad.json()["field"] == field, (body, bad.text)
    missing = shop.http.post("/v1/messages", headers=h, json={"to": phone, "text": "x", "number_id": str(uuid.uuid4())})
    assert missing.status_code == 404


def test_uploaded_media_is_sent_from_our_storage(platform, shop):
    h = shop.key("messages:send", "messages:read")
    phone = new_phone()
    up = shop.http.post("/v1/media", headers=h, json={"file_name": "catálogo 2026.pdf", "mimetype": "application/pdf",
                                                      "size": 11})
    assert up.status_code == 201, up.text
    put = httpx.put(up.json()["upload_url"], content=b"%PDF-1.4 hi", headers=up.json()["headers"], timeout=10)
    assert put.status_code in (200, 204), put.text
    r = shop.http.post("/v1/messages", headers=h, json={
        "to": phone, "media": {"kind": "document", "key": up.json()["key"], "caption": "Catálogo",
                               "mimetype": "application/pdf"}})
    assert r.status_code == 202, r.text
    wait_for(lambda: shop.http.get(f"/v1/messages/{r.json()['id']}", headers=h).json()["status"]
             in ("sent", "delivered", "read"))
    [sent] = sent_to(platform, phone)
    assert sent["mediatype"] == "document" and sent["caption"] == "Catálogo"
    assert sent["file_name"].endswith("cat_logo_2026.pdf"), sent


def test_scopes_and_tenants(platform, shop):
    reader_only = shop.key("messages:read")
    denied = shop.http.post("/v1/messages", headers=reader_only, json={"to": new_phone(), "text": "x"})
    assert denied.status_code == 403 and denied.json()["scope"] == "messages:send"
    h = shop.key("messages:send", "messages:read")
    mine = shop.http.post("/v1/messages", headers=h, json={"to": new_phone(), "text": "x"}).json()
    other = Tenant(platform, "Outra Loja")
    theirs = other.key("messages:send", "messages:read")
    assert shop.http.get(f"/v1/messages/{mine['id']}", headers=theirs).status_code == 404
    # another tenant's number cannot be named
    r = shop.http.post("/v1/messages", headers=theirs, json={"to": new_phone(), "text": "x",
                                                               "number_id": shop.number["id"]})
    assert r.status_code == 404
    assert shop.http.get(f"/v1/messages/{uuid.uuid4()}", headers=h).status_code == 404
    assert shop.http.post("/v1/messages", json={"to": new_phone(), "text": "x"}).status_code == 401
