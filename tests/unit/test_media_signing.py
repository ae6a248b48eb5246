"""Offline pieces of media handling: S3 presigned URLs are SigV4 (GET and PUT, the PUT signs its
Content-Type), the bucket's CORS rule, and the voice-note call to Evolution (sendWhatsAppAudio)."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest

from alrea.adapters.evolution.client import EvolutionClient
from alrea.ports import whatsapp as wa

RESPONSES = Path(__file__).resolve().parents[2] / "events" / "evolution" / "responses"


@pytest.fixture
def s3_storage(monkeypatch):
    from alrea.adapters.aws.clients import reset_clients
    from alrea.adapters.aws.s3 import S3Storage

    for name, value in {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret",
                        "AWS_DEFAULT_REGION": "sa-east-1"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    reset_clients()
    yield S3Storage("alrea-media-test")
    reset_clients()


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlparse(url).query)


def test_presigned_get_is_sigv4_with_the_download_name(s3_storage):
    url = s3_storage.presign_get("t/tid/media/cid/ABC.pdf", 300, 'nota "fiscal".pdf')
    q = query(url)
    assert q["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"] and q["X-Amz-Expires"] == ["300"]
    assert q["X-Amz-Credential"][0].startswith("AKIDEXAMPLE/") and "/sa-east-1/s3/aws4_request" in q[
        "X-Amz-Credential"][0]
    assert q["X-Amz-SignedHeaders"] == ["host"] and len(q["X-Amz-Signature"][0]) == 64
    assert q["response-content-disposition"] == ['attachment; filename="nota fiscal.pdf"']
    assert "AWSAccessKeyId" not in q and "Signature" not in q and "Expires" not in q


def test_presigned_put_signs_its_content_type(s3_storage):
    q = query(s3_storage.presign_put("t/tid/outbox/cid/x-voz.webm", 900, "audio/webm"))
    assert q["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert q["X-Amz-SignedHeaders"] == ["content-type;host"]
    # SigV2 put the type in the query (content-type=…), which moto then demanded on the OPTIONS preflight
    assert "content-type" not in q and "AWSAccessKeyId" not in q
    # no type: nothing to send, nothing signed (the contacts CSV upload)
    untyped = query(s3_storage.presign_put("t/tid/imports/1.import.csv", 900, ""))
    assert untyped["X-Amz-SignedHeaders"] == ["host"]


def test_the_bucket_cors_rule_names_its_origins_and_never_a_wildcard():
    from alrea.local.provision import bucket_cors
    from alrea.resources import BUCKET

    (rule,) = bucket_cors([*BUCKET.local_origins, "http://127.0.0.1:8000", "http://localhost:9000"])[
        "CORSRules"]
    # deduplicated, in order
    assert rule["AllowedOrigins"] == [*BUCKET.local_origins, "http://localhost:9000"]
    assert "*" not in rule["AllowedOrigins"]
    assert rule["AllowedMethods"] == ["GET", "PUT", "HEAD"]
    assert rule["AllowedHeaders"] == ["content-type"] and rule["ExposeHeaders"] == ["ETag"]


class Script:
    def __init__(self, status: int, payload):
        self.status, self.payload = status, payload
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, json=self.payload)


def evolution(script: Script) -> EvolutionClient:
    return EvolutionClient("http://evo.test", "key-1", timeout=1.0, backoff_s=0.001,
                           transport=httpx.MockTransport(script))


def test_a_voice_note_goes_to_send_whatsapp_audio():
    answer = json.loads((RESPONSES / "message.sendMedia.201.image.json").read_text())
    script = Script(201, answer)
    sent = evolution(script).send_audio("acme", "5511912345678", "https://s3.test/voz.webm?X-Amz-Signature=1")
    (request,) = script.requests
    assert request.method == "POST" and request.url.path == "/message/sendWhatsAppAudio/acme"
    assert request.headers["apikey"] == "key-1"
    assert json.loads(request.content) == {"number": "5511912345678", "encoding": True,
                                           "audio": "https://s3.test/voz.webm?X-Amz-Signature=1"}
    assert sent.id == answer["key"]["id"]


def test_a_voice_note_that_may_have_gone_out_is_not_repeated():
    script = Script(500, {"status": 500, "error": "Internal Server Error",
                          "response": {"message": "Internal Server Error"}})
    with pytest.raises(wa.SendOutcomeUnknown):
        evolution(script).send_audio("acme", "5511912345678", "https://s3.test/voz.webm")
    assert len(script.requests) == 1
