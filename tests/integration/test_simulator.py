"""EvolutionClient against the Evolution simulator over real HTTP, and the simulator's webhooks arriving at a
real HTTP receiver: shapes, order, JWT auth, by-events URLs, inbound injection, faults."""
from __future__ import annotations

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from alrea.adapters.evolution.client import EvolutionClient
from alrea.ports import whatsapp as wa
from alrea.simulator.server import SimulatorServer
from alrea.simulator.state import Timing, WebhookConfig

EVENTS = Path(__file__).resolve().parents[2] / "events" / "evolution"
API_KEY = "sim-test-key"
JWT_KEY = "jwt-key-for-tests-0123456789abcdefghijkl"
PHONE = "5511912345678"


class Receiver:
    """A real HTTP server that records webhook posts (path, headers, body) and answers a chosen status."""

    def __init__(self) -> None:
        self.posts: list[dict[str, Any]] = []
        self.status = 200
        self.cond = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with outer.cond:
                    outer.posts.append({"path": self.path, "headers": dict(self.headers),
                                        "body": json.loads(raw)})
                    outer.cond.notify_all()
                self.send_response(outer.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/evolution/tok"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, predicate, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                found = [p for p in self.posts if predicate(p)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    events = [(p["body"].get("event"), p["path"]) for p in self.posts]
                    raise AssertionError(f"webhook not received in {timeout}s; got {events}")
                self.cond.wait(left)

    def event(self, name: str, count: int = 1, **match: Any) -> list[dict[str, Any]]:
        def ok(p: dict[str, Any]) -> bool:
            data = p["body"].get("data")
            return p["body"].get("event") == name and all(
                isinstance(data, dict) and data.get(k) == v for k, v in match.items())
        return self.wait_for(ok, count)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def sim():
    timing = Timing(delivery_delay_s=0.1, read_delay_s=0.3, webhook_retry_initial_s=0.05,
                    webhook_timeout_s=3.0)
    with SimulatorServer(api_key=API_KEY, timing=timing, seed=7) as server:
        yield server


@pytest.fixture(autouse=True)
def clean_sim(sim):
    httpx.post(sim.url + "/_sim/reset")


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def evo(sim):
    with EvolutionClient(sim.url, API_KEY, timeout=1.0, connect_timeout=1.0, backoff_s=0.01) as client:
        yield client


def connected(sim, receiver, name: str = "acme", **hook: Any) -> str:
    sim.add_instance(name, webhook_url=receiver.url, headers={"jwt_key": JWT_KEY}, number="5511987650000",
                     profile_name="Acme", **hook)
    return name


def shape(path: str) -> dict[str, Any]:
    return json.loads((EVENTS / path).read_text())


# ---------------------------------------------------------------- client over HTTP
def test_send_text_answers_201_with_an_api_message_id(sim, evo, receiver):
    name = connected(sim, receiver)
    sent = evo.send_text(name, PHONE, "Olá, tudo bem?")
    assert len(sent.id) == 22 and sent.id.startswith("3EB0") and sent.id == sent.id.upper()
    assert sent.remote_jid == f"{PHONE}@s.whatsapp.net" and sent.status == "PENDING"
    assert set(sent.raw) == set(json.loads((EVENTS / "responses" / "message.sendText.201.json").read_text()))
    log = httpx.get(sim.url + "/_sim/sent", params={"instance": name}).json()
    assert [(s["id"], s["text"]) for s in log] == [(sent.id, "Olá, tudo bem?")]


def test_unknown_number_raises_number_not_on_whatsapp(sim, evo, receiver):
    name = connected(sim, receiver)
    httpx.post(sim.url + "/_sim/faults", json={"unknown_numbers": ["5511900000000"]})
    with pytest.raises(wa.NumberNotOnWhatsApp) as err:
        evo.send_text(name, "5511900000000", "x")
    assert err.value.number == "5511900000000"
    checks = evo.check_numbers(name, ["5511900000000", PHONE])
    assert [(c.number, c.exists) for c in checks] == [("5511900000000", False), (PHONE, True)]
    assert httpx.get(sim.url + "/_sim/sent").json() == []


def test_5xx_are_retried_until_success(sim, evo, receiver):
    name = connected(sim, receiver)
    httpx.post(sim.url + "/_sim/faults", json={"fail_next": 2, "error_kind": "closed"})
    sent = evo.send_text(name, PHONE, "third time lucky")
    assert sim.state.requests == 3
    assert [s["id"] for s in httpx.get(sim.url + "/_sim/sent").json()] == [sent.id]


def test_5xx_that_do_not_stop_give_evolution_unavailable(sim, evo, receiver):
    name = connected(sim, receiver)
    httpx.post(sim.url + "/_sim/faults", json={"error_rate": 1.0, "error_kind": "generic"})
    with pytest.raises(wa.EvolutionUnavailable):
        evo.connection_state(name)
    assert sim.state.requests == 3


def test_a_generic_5xx_on_a_send_is_not_resent(sim, evo, receiver):
    name = connected(sim, receiver)
    httpx.post(sim.url + "/_sim/faults", json={"fail_next": 1, "error_kind": "generic"})
    with pytest.raises(wa.SendOutcomeUnknown):
        evo.send_text(name, PHONE, "x")
    assert sim.state.requests == 1


def test_timeout_on_send_is_outcome_unknown_and_the_message_did_go_out(sim, evo, receiver):
    name = connected(sim, receiver)
    httpx.post(sim.url + "/_sim/faults", json={"hang_s": 2.0})
    with pytest.raises(wa.SendOutcomeUnknown):
        evo.send_text(name, PHONE, "slow")
    httpx.post(sim.url + "/_sim/faults", json={"hang_s": 0})
    # why no blind resend: the simulator, like Evolution, did send it
    assert [s["text"] for s in httpx.get(sim.url + "/_sim/sent").json()] == ["slow"]
    assert sim.state.requests == 1


def test_a_5xx_after_the_work_and_a_late_echo_then_find_messages_tells_what_went_out(sim, evo, receiver):
    name = connected(sim, receiver)
    before = time.time()
    httpx.post(sim.url + "/_sim/faults", json={"fail_next": 1, "error_kind": "sent", "echo_delay_s": 1.5})
    with pytest.raises(wa.SendOutcomeUnknown):  # 500 to a send: it may have gone out (here it did)
        evo.send_text(name, PHONE, "sent, then 500")
    assert not [p for p in receiver.posts if p["body"].get("event") == "send.message"]  # the echo comes late
    httpx.post(sim.url + "/_sim/faults", json={"fail_next": 1, "error_kind": "generic", "echo_delay_s": 0})
    with pytest.raises(wa.SendOutcomeUnknown):  # 500 before the work: nothing went out
        evo.send_text(name, PHONE, "never sent")
    found = evo.find_sent(name, PHONE, since=before - 5, until=time.time() + 5)
    assert [m.remote_jid for m in found] == [f"{PHONE}@s.whatsapp.net"] and found[0].id.startswith("3EB0")
    assert evo.find_sent(name, PHONE, since=before - 600, until=before - 60) == []  # outside the window
    assert evo.find_sent(name, "5511900000001", since=before - 5, until=time.time() + 5) == []  # other chat
    echo = receiver.event("send.message")[0]
    assert echo["body"]["data"]["key"]["id"] == found[0].id


def test_wrong_apikey_is_unauthorized_and_unknown_instance_is_checked_first(sim, receiver):
    name = connected(sim, receiver)
    with EvolutionClient(sim.url, "wrong-key", timeout=1.0, backoff_s=0.01) as bad:
        with pytest.raises(wa.Unauthorized):
            bad.send_text(name, PHONE, "x")
        with pytest.raises(wa.InstanceNotFound) as err:  # 404 before 401, like Evolution's guards
            bad.send_text("ghost", PHONE, "x")
    assert err.value.messages == ['The "ghost" instance does not exist']
    raw = httpx.post(sim.url + "/message/sendText/ghost", headers={"apikey": API_KEY}, json={})
    assert raw.status_code == 404 and raw.json() == {"status": 404, "error": "Not Found", "response": {
        "message": ['The "ghost" instance does not exist']}}


def test_instance_token_also_authorizes(sim, receiver):
    inst = sim.add_instance("tok", webhook_url=receiver.url, number="5511987650001")
    with EvolutionClient(sim.url, inst.token, timeout=1.0) as client:
        assert client.connection_state("tok") == "open"


def test_validation_and_route_errors_have_evolution_shapes(sim, evo, receiver):
    name = connected(sim, receiver)
    r = httpx.post(f"{sim.url}/message/sendText/{name}", headers={"apikey": API_KEY},
                   json={"number": PHONE, "textMessage": {"text": "v1 body"}})
    assert r.status_code == 400
    assert r.json()["response"]["message"] == [['instance requires property "text"']]
    r = httpx.post(f"{sim.url}/webhook/set/{name}", headers={"apikey": API_KEY}, json={"url": "https://x"})
    assert r.status_code == 400 and r.json()["response"]["message"] == [['instance requires property "webhook"']]
    r = httpx.post(f"{sim.url}/message/sendTextt/{name}", headers={"apikey": API_KEY}, json={})
    assert r.status_code == 404 and r.json()["response"]["message"] == [f"Cannot POST /message/sendTextt/{name}"]


def test_instance_lifecycle_create_duplicate_qr_scan_logout_delete(sim, evo, receiver):
    created = evo.create_instance("life", receiver.url, {"jwt_key": JWT_KEY})
    assert created.status == "connecting" and created.qr and created.qr.base64.startswith("data:image/png")
    with pytest.raises(wa.InstanceNameTaken):
        evo.create_instance("life", receiver.url, {"jwt_key": JWT_KEY})
    qr = receiver.event("qrcode.updated")[0]["body"]
    assert "sender" not in qr and qr["data"]["qrcode"]["instance"] == "life"
    assert evo.connect("life").state == "connecting"
    assert evo.connection_state("life") == "connecting"
    httpx.post(sim.url + "/_sim/instances/life/scan", json={"number": "5511955554444"})
    opened = receiver.event("connection.update", state="open")[0]["body"]
    assert opened["data"]["wuid"] == "5511955554444@s.whatsapp.net"
    assert opened["sender"] == "5511955554444@s.whatsapp.net"
    assert evo.connect("life").state == "open" and evo.connection_state("life") == "open"
    evo.logout("life")
    closed = receiver.event("connection.update", state="close")[0]["body"]["data"]
    assert closed == {"instance": "life", "state": "close", "statusReason": 401}
    with pytest.raises(wa.BadRequest):
        evo.logout("life")
    with pytest.raises(wa.ConnectionClosed):
        evo.send_text("life", PHONE, "x")
    evo.delete_instance("life")
    with pytest.raises(wa.InstanceNotFound):
        evo.connection_state("life")


def test_media_round_trip_and_profile_picture(sim, evo, receiver):
    name = connected(sim, receiver)
    image = base64.b64encode(sim_png()).decode()
    sent = evo.send_media(name, PHONE, "image", image, caption="Catálogo")
    assert sent.raw["messageType"] == "imageMessage"
    assert sent.raw["message"]["imageMessage"]["fileLength"] == {"low": len(sim_png()), "high": 0,
                                                                 "unsigned": True}
    media = evo.get_media_base64(name, sent.id)
    assert media.data == sim_png() and media.mimetype == "image/png" and media.caption == "Catálogo"
    with pytest.raises(wa.BadRequest):
        evo.send_media(name, PHONE, "image", "not base64 !!")
    picture_url = evo.fetch_profile_picture(name, PHONE)
    assert picture_url.startswith(sim.url + "/_sim/pictures/") and "oh=" in picture_url
    picture = httpx.get(picture_url)  # the simulator serves it, as WhatsApp's CDN would
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
    assert picture.content.startswith(b"\x89PNG") and httpx.get(picture_url).content == picture.content


def sim_png() -> bytes:
    from alrea.simulator.payloads import png

    return png()


# ---------------------------------------------------------------- webhooks
def test_send_posts_echo_then_delivery_then_read_with_a_valid_jwt(sim, evo, receiver):
    name = connected(sim, receiver)
    sent = evo.send_text(name, PHONE, "Pedido enviado")
    echo = receiver.event("send.message")[0]
    delivered = receiver.event("messages.update", keyId=sent.id, status="DELIVERY_ACK")[0]
    read = receiver.event("messages.update", keyId=sent.id, status="READ")[0]
    order = [p["body"]["event"] + ":" + str(p["body"]["data"].get("status")) for p in receiver.posts
             if isinstance(p["body"]["data"], dict) and sent.id in (p["body"]["data"].get("keyId"),
                                                                   p["body"]["data"].get("key", {}).get("id"))]
    assert order == ["send.message:PENDING", "messages.update:DELIVERY_ACK", "messages.update:READ"]
    envelope = echo["body"]
    assert list(envelope) == list(shape("send.message.text.json"))  # same keys, same order
    assert envelope["data"]["key"]["id"] == sent.id and envelope["apikey"] is None
    assert envelope["instance"] == name and envelope["destination"] == receiver.url
    assert envelope["server_url"] == sim.url and envelope["sender"] == "5511987650000@s.whatsapp.net"
    assert envelope["date_time"].endswith("Z")
    # local wall-clock time with a false Z (Sao Paulo, UTC-3), like Evolution; messageTimestamp is the truth
    from datetime import datetime

    shown = datetime.fromisoformat(envelope["date_time"].replace("Z", "+00:00")).timestamp()
    assert abs(shown + 3 * 3600 - envelope["data"]["messageTimestamp"]) < 60
    assert set(delivered["body"]["data"]) == set(shape("messages.update.delivered.json")["data"])
    assert read["body"]["data"]["messageId"] == delivered["body"]["data"]["messageId"]
    for post in (echo, delivered, read):
        assert post["path"] == "/webhooks/evolution/tok"
        scheme, token = post["headers"]["Authorization"].split(" ")
        claims = jwt.decode(token, JWT_KEY, algorithms=["HS256"])
        assert scheme == "Bearer" and claims["app"] == "evolution" and claims["action"] == "webhook"
        assert claims["exp"] - claims["iat"] == 600
        assert "jwt_key" not in {k.lower() for k in post["headers"]}
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(token, "another-key-0123456789abcdefghijklmnop", algorithms=["HS256"])


def test_by_events_posts_to_the_event_suffix_and_filters_events(sim, evo, receiver):
    name = connected(sim, receiver, by_events=True, events=["SEND_MESSAGE", "MESSAGES_UPDATE"])
    sent = evo.send_text(name, PHONE, "by events")
    receiver.event("messages.update", keyId=sent.id, status="READ")
    paths = {p["path"] for p in receiver.posts}
    assert paths == {"/webhooks/evolution/tok/send-message", "/webhooks/evolution/tok/messages-update"}
    # connection.update of the preset login was not subscribed, so it never came
    assert all(p["body"]["event"] != "connection.update" for p in receiver.posts)


def test_injected_inbound_text_arrives_as_messages_upsert_with_contact_side_event(sim, receiver):
    name = connected(sim, receiver)
    r = httpx.post(f"{sim.url}/_sim/instances/{name}/inbound",
                   json={"from": PHONE, "text": "Oi, quero saber do pedido", "push_name": "Maria Souza"})
    assert r.status_code == 200
    upsert = receiver.event("messages.upsert")[0]["body"]
    reference = shape("messages.upsert.text-inbound.json")
    assert list(upsert) == list(reference)
    data = upsert["data"]
    assert list(data) == list(reference["data"])
    assert set(data["key"]) == {"remoteJid", "fromMe", "id", "participant", "addressingMode"}
    assert data["key"]["remoteJid"] == f"{PHONE}@s.whatsapp.net" and data["key"]["fromMe"] is False
    assert len(data["key"]["id"]) == 32 and data["source"] == "android" and data["key"]["participant"] == ""
    assert data["message"]["conversation"] == "Oi, quero saber do pedido" and data["pushName"] == "Maria Souza"
    assert isinstance(data["messageTimestamp"], int) and data["status"] == "DELIVERY_ACK"
    meta = data["message"]["messageContextInfo"]["deviceListMetadata"]
    assert set(meta["senderTimestamp"]) == {"low", "high", "unsigned"} and "0" in meta["senderKeyHash"]
    contact = receiver.event("contacts.upsert")[0]["body"]["data"]
    assert contact["remoteJid"] == f"{PHONE}@s.whatsapp.net" and contact["pushName"] == "Maria Souza"
    httpx.post(f"{sim.url}/_sim/instances/{name}/inbound", json={"from": PHONE, "text": "de novo"})
    assert receiver.event("contacts.update")[0]["body"]["data"]["profilePicUrl"].startswith(sim.url + "/_sim/pictures/")


def test_injected_lid_image_and_media_download(sim, evo, receiver):
    name = connected(sim, receiver)
    data = httpx.post(f"{sim.url}/_sim/instances/{name}/inbound",
                      json={"from": "5585993074699", "image": True, "caption": "Comprovante",
                            "lid": "76201477542116"}).json()
    upsert = receiver.event("messages.upsert")[0]["body"]["data"]
    assert upsert == data
    assert upsert["key"]["remoteJid"] == "76201477542116@lid"
    assert upsert["key"]["remoteJidAlt"] == "5585993074699@s.whatsapp.net"
    assert upsert["key"]["addressingMode"] == "lid" and upsert["messageType"] == "imageMessage"
    assert upsert["message"]["imageMessage"]["caption"] == "Comprovante"
    media = evo.get_media_base64(name, upsert)  # the full message works as well as the id
    assert media.data == sim_png() and media.caption == "Comprovante"


def test_replies_disconnect_and_webhook_retries(sim, evo, receiver):
    name = connected(sim, receiver)
    sim.state.timing.reply_probability = 1.0
    sim.state.timing.reply_delay_s = 0.2
    try:
        evo.send_text(name, PHONE, "Promoção!")
        reply = receiver.event("messages.upsert")[0]["body"]["data"]
        assert reply["key"]["remoteJid"] == f"{PHONE}@s.whatsapp.net" and reply["key"]["fromMe"] is False
    finally:
        sim.state.timing.reply_probability = 0.0
    receiver.status = 503  # retried like Evolution ...
    httpx.post(f"{sim.url}/_sim/instances/{name}/disconnect")
    posts = receiver.event("connection.update", count=2, state="close")
    assert posts[0]["body"] == posts[1]["body"]  # ... with the identical object
    receiver.status = 401  # ... and never after a non-retryable status
    before = len(receiver.posts)
    httpx.post(f"{sim.url}/_sim/instances/{name}/inbound", json={"from": PHONE, "text": "x"})
    receiver.event("contacts.update")
    time.sleep(0.3)
    assert len([p for p in receiver.posts[before:] if p["body"]["event"] == "messages.upsert"]) == 1


def test_auto_connect_for_the_demo(sim, evo, receiver):
    r = httpx.post(sim.url + "/_sim/timing", json={"auto_connect_s": 0.1, "delivery_delay_s": "0.1"})
    assert r.status_code == 200 and r.json()["auto_connect_s"] == 0.1 and r.json()["delivery_delay_s"] == 0.1
    try:
        evo.create_instance("demo", receiver.url, {})
        receiver.event("connection.update", state="open")
        assert evo.connection_state("demo") == "open"
    finally:
        sim.state.timing.auto_connect_s = None


def test_webhook_config_via_set_webhook(sim, evo, receiver):
    sim.add_instance("hooked", connected=True)  # no webhook yet
    row = evo.set_webhook("hooked", receiver.url, {"jwt_key": JWT_KEY, "x-extra": "1"}, ["MESSAGES_UPSERT"])
    assert row["url"] == receiver.url and row["events"] == ["MESSAGES_UPSERT"] and row["enabled"] is True
    httpx.post(f"{sim.url}/_sim/instances/hooked/inbound", json={"from": PHONE, "text": "olá"})
    post = receiver.event("messages.upsert")[0]
    assert post["headers"]["x-extra"] == "1" and post["headers"]["Authorization"].startswith("Bearer ")
    assert isinstance(sim.state.instances["hooked"].webhook, WebhookConfig)
