"""EvolutionClient against httpx.MockTransport: Evolution's real error bodies -> typed errors, and the retry
policy (what is retried, how often, and that a send is never repeated when it may have gone out)."""
from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from alrea.adapters.evolution.client import EvolutionClient
from alrea.adapters.evolution.errors import messages_of
from alrea.ports import whatsapp as wa

RESPONSES = Path(__file__).resolve().parents[2] / "events" / "evolution" / "responses"


def body(name: str):
    return json.loads((RESPONSES / name).read_text())


class Script:
    """A transport answering from a list of (status, body) or exceptions, recording every request."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        status, payload = answer
        return httpx.Response(status, json=payload)


def client(script: Script) -> EvolutionClient:
    return EvolutionClient("http://evo.test", "key-1", timeout=1.0, backoff_s=0.001,
                           transport=httpx.MockTransport(script))


@pytest.mark.parametrize("raw, expected", [
    ({"status": 401, "error": "Unauthorized", "response": {"message": "Unauthorized"}}, ["Unauthorized"]),
    ({"response": {"message": ["Error: Connection Closed"]}}, ["Error: Connection Closed"]),
    ({"response": {"message": [["instance requires property \"text\""]]}}, ['instance requires property "text"']),
    ({"response": {"message": [{"jid": "1@s.whatsapp.net", "exists": False, "number": "1"}]}},
     [{"jid": "1@s.whatsapp.net", "exists": False, "number": "1"}]),
    ({"error": "Bad Gateway"}, ["Bad Gateway"]),
    ("plain text", ["plain text"]),
])
def test_messages_of_flattens_every_shape_evolution_uses(raw, expected):
    assert messages_of(raw) == expected


def test_send_text_returns_the_whatsapp_id_and_sends_apikey_and_body():
    script = Script((201, body("message.sendText.201.json")))
    sent = client(script).send_text("acme", "5511912345678", "Olá", delay_ms=1200, quoted_id="ABC")
    assert sent.id == "3EB0A1B2C3D4E5F6A7B8C9"
    assert sent.remote_jid == "5511912345678@s.whatsapp.net"
    assert sent.timestamp == 1762352250 and sent.status == "PENDING"
    request = script.requests[0]
    assert request.url.path == "/message/sendText/acme"
    assert request.headers["apikey"] == "key-1"
    assert json.loads(request.content) == {"number": "5511912345678", "text": "Olá", "delay": 1200,
                                           "quoted": {"key": {"id": "ABC"}}}


def test_number_not_on_whatsapp_is_typed_with_the_number_and_not_retried():
    script = Script((400, body("message.sendText.400.number-not-on-whatsapp.json")))
    with pytest.raises(wa.NumberNotOnWhatsApp) as err:
        client(script).send_text("acme", "5511900000000", "x")
    assert err.value.number == "5511900000000"
    assert err.value.jid == "5511900000000@s.whatsapp.net"
    assert len(script.requests) == 1


@pytest.mark.parametrize("status, name, error", [
    (401, "any.401.unauthorized.json", wa.Unauthorized),
    (404, "any.404.instance-not-found.json", wa.InstanceNotFound),
    (400, "message.sendText.400.validation.json", wa.BadRequest),
    (400, "message.sendText.400.connection-closed.json", wa.ConnectionClosed),
    (404, "any.404.route-not-found.json", wa.BadRequest),
])
def test_4xx_are_typed_and_never_retried(status, name, error):
    script = Script((status, body(name)))
    with pytest.raises(error) as err:
        client(script).connection_state("acme")
    assert len(script.requests) == 1
    assert err.value.status == status and err.value.messages


def test_validation_error_keeps_the_flattened_messages():
    script = Script((400, body("message.sendText.400.validation.json")))
    with pytest.raises(wa.BadRequest) as err:
        client(script).send_text("acme", "5511912345678", "")
    assert err.value.messages == ['instance requires property "text"']


def test_duplicate_instance_name_is_typed():
    script = Script((403, {"status": 403, "error": "Forbidden",
                           "response": {"message": ['This name "acme" is already in use.']}}))
    with pytest.raises(wa.InstanceNameTaken):
        client(script).create_instance("acme", "https://h", {"jwt_key": "k"})


def test_reads_retry_5xx_and_timeouts_then_succeed():
    state = {"instance": {"instanceName": "acme", "state": "open"}}
    script = Script((502, {"error": "Bad Gateway"}), httpx.ReadTimeout("slow"), (200, state))
    assert client(script).connection_state("acme") == "open"
    assert len(script.requests) == 3


def test_reads_give_up_after_three_tries_with_evolution_unavailable():
    script = Script((503, {"error": "Service Unavailable"}))
    with pytest.raises(wa.EvolutionUnavailable) as err:
        client(script).check_numbers("acme", ["5511912345678"])
    assert len(script.requests) == 3
    assert not isinstance(err.value, wa.ConnectionClosed)


def test_send_is_retried_on_connect_errors_and_socket_closed_5xx_only():
    script = Script(httpx.ConnectError("refused"), (500, body("message.sendText.500.connection-closed.json")),
                    (201, body("message.sendText.201.json")))
    assert client(script).send_text("acme", "5511912345678", "x").id == "3EB0A1B2C3D4E5F6A7B8C9"
    assert len(script.requests) == 3


def test_send_keeps_failing_on_closed_socket_raises_connection_closed_a_kind_of_unavailable():
    script = Script((500, body("message.sendText.500.connection-closed.json")))
    with pytest.raises(wa.ConnectionClosed) as err:
        client(script).send_text("acme", "5511912345678", "x")
    assert isinstance(err.value, wa.EvolutionUnavailable)
    assert len(script.requests) == 3


def test_send_read_timeout_is_outcome_unknown_and_never_resent():
    script = Script(httpx.ReadTimeout("no answer"), (201, body("message.sendText.201.json")))
    with pytest.raises(wa.SendOutcomeUnknown):
        client(script).send_text("acme", "5511912345678", "x")
    assert len(script.requests) == 1


def test_send_generic_5xx_may_have_sent_so_it_is_outcome_unknown():
    script = Script((500, {"status": 500, "error": "Internal Server Error",
                           "response": {"message": "Internal Server Error"}}))
    with pytest.raises(wa.SendOutcomeUnknown) as err:
        client(script).send_media("acme", "5511912345678", "image", "https://x/y.png")
    assert err.value.status == 500
    assert len(script.requests) == 1


def test_send_unreachable_after_retries_is_unavailable_not_unknown():
    script = Script(httpx.ConnectError("refused"))
    with pytest.raises(wa.EvolutionUnavailable):
        client(script).send_text("acme", "5511912345678", "x")
    assert len(script.requests) == 3


def test_create_instance_sends_the_webhook_object_with_jwt_key():
    script = Script((201, body("instance.create.201.json")))
    created = client(script).create_instance("acme-support", "https://h/webhooks/evolution/tok",
                                             {"jwt_key": "secret"}, ["MESSAGES_UPSERT"])
    assert created.instance_id == "3f1c2a9e-7b4d-4e8a-9c2f-5d6e7a8b9c01"
    assert created.status == "connecting" and created.qr is not None and created.qr.code.startswith("2@")
    sent = json.loads(script.requests[0].content)
    assert sent["instanceName"] == "acme-support" and sent["integration"] == "WHATSAPP-BAILEYS"
    assert sent["webhook"] == {"url": "https://h/webhooks/evolution/tok", "byEvents": False, "base64": False,
                               "headers": {"jwt_key": "secret"}, "events": ["MESSAGES_UPSERT"]}


def test_set_webhook_wraps_the_body():
    script = Script((201, body("webhook.set.201.json")))
    client(script).set_webhook("acme", "https://h", {"jwt_key": "k"}, ["SEND_MESSAGE"], by_events=True)
    sent = json.loads(script.requests[0].content)
    assert list(sent) == ["webhook"]
    assert sent["webhook"]["byEvents"] is True and sent["webhook"]["headers"] == {"jwt_key": "k"}


def test_connect_returns_qr_or_open_state():
    qr = client(Script((200, body("instance.connect.200.qrcode.json")))).connect("acme")
    assert qr.state == "connecting" and qr.qr.base64.startswith("data:image/png;base64,")
    opened = client(Script((200, body("instance.connectionState.200.json")))).connect("acme")
    assert opened.state == "open" and opened.qr is None


def test_helpers_parse_their_answers():
    numbers = client(Script((200, body("chat.whatsappNumbers.200.json")))).check_numbers("acme", ["a", "b"])
    assert [(n.number, n.exists) for n in numbers] == [("5511912345678", True), ("5511900000000", False)]
    picture = client(Script((200, body("chat.fetchProfilePictureUrl.200.json"))))
    assert picture.fetch_profile_picture("acme", "5511912345678").startswith("https://pps.whatsapp.net/")
    assert client(Script((200, {"wuid": "x", "profilePictureUrl": None}))).fetch_profile_picture("a", "1") is None
    media = client(Script((201, body("chat.getBase64FromMediaMessage.201.json")))).get_media_base64("acme", "ID")
    assert media.data.startswith(b"\xff\xd8\xff") and media.mimetype == "image/jpeg"
    assert media.file_name.endswith(".jpeg") and media.caption == "Here is the receipt"


def test_find_sent_asks_for_the_chats_own_messages_in_the_window_and_keeps_only_those():
    sent = body("message.sendText.201.json")  # messageTimestamp 1762352250
    other_chat_time = {**sent, "key": {**sent["key"], "id": "3EB0OLD"}, "messageTimestamp": 1762350000}
    theirs = {**sent, "key": {**sent["key"], "fromMe": False, "id": "INBOUND"}}
    script = Script((200, {"messages": {"total": 3, "pages": 1, "currentPage": 1,
                                        "records": [sent, other_chat_time, theirs]}}))
    found = client(script).find_sent("acme", "+55 11 91234-5678", since=1762352240, until=1762352300)
    assert [m.id for m in found] == ["3EB0A1B2C3D4E5F6A7B8C9"]
    request = script.requests[0]
    assert request.url.path == "/chat/findMessages/acme"
    assert json.loads(request.content)["where"] == {
        "key": {"remoteJid": "5511912345678@s.whatsapp.net", "fromMe": True},
        "messageTimestamp": {"gte": "2025-11-05T14:17:20Z", "lte": "2025-11-05T14:18:20Z"}}
