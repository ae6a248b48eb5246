"""Profile picture cache rules on moto (DynamoDB, SQS, S3 over HTTP) with a real HTTP picture server:
refresh age, which messages ask for a fetch, and what a downloaded "picture" must be (no open proxy)."""
from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from alrea.core.clock import iso, utcnow
from alrea.simulator.payloads import png
from alrea.store import contacts, instances

PHONE = "+5511912345678"
PICTURE = png(16, 16, (10, 20, 30))
ROUTES: dict[str, tuple[int, dict[str, str], bytes]] = {
    "/ok.png": (200, {"Content-Type": "image/png"}, PICTURE),
    "/ok.jpg": (200, {"Content-Type": "image/jpeg; charset=binary"}, b"\xff\xd8\xff\xe0fake-jpeg"),
    "/page": (200, {"Content-Type": "text/html"}, b"<html>login</html>"),
    "/huge.png": (200, {"Content-Type": "image/png"}, b"\x89PNG" + b"\0" * (2 * 1024 * 1024 + 10)),
    "/moved": (302, {"Location": "/ok.png"}, b""),
    "/gone": (404, {"Content-Type": "text/plain"}, b"not found"),
    "/broken": (503, {"Content-Type": "text/plain"}, b"try later"),
}


class PictureServer:
    def __init__(self) -> None:
        self.hits: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                outer.hits.append(self.path)
                status, headers, body = ROUTES.get(self.path.split("?")[0], (404, {}, b""))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "/huge" not in self.path:  # the huge one streams without a length
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class FakeWhatsApp:
    """Only the port method the cache uses; records who asked for what."""

    def __init__(self) -> None:
        self.url: str | None = None
        self.error: Exception | None = None
        self.calls: list[tuple[str, str]] = []

    def fetch_profile_picture(self, name: str, number: str) -> str | None:
        self.calls.append((name, number))
        if self.error:
            raise self.error
        return self.url


@pytest.fixture
def pictures():
    server = PictureServer()
    yield server
    server.close()


@pytest.fixture
def world(aws, pictures, monkeypatch):
    """A tenant with an instance and a contact; the picture server stands where Evolution is configured."""
    from alrea.adapters.aws.s3 import S3Storage
    from alrea.adapters.aws.sqs import SqsBus
    from alrea.adapters.memory.push import MemoryPush
    from alrea.core.config import reset_settings
    from alrea.wiring import Runtime, set_runtime

    monkeypatch.setenv("ALREA_EVOLUTION_URL", pictures.url)
    reset_settings()
    whatsapp = FakeWhatsApp()
    rt = Runtime(bus=SqsBus(aws.queue_urls), push=MemoryPush(), pacer=None, whatsapp=whatsapp,  # type: ignore[arg-type]
                 storage=S3Storage(aws.bucket_name))
    set_runtime(rt)
    tid = str(uuid.uuid4())
    instance = instances.create(instances.Instance(
        tenant_id=tid, instance_id=str(uuid.uuid4()), name="Suporte", evolution_name="acme-pics",
        webhook_token="hook_" + uuid.uuid4().hex, jwt_key="k", created_at=iso(utcnow())),
        max_numbers=5, limit_message="limite")
    contacts.upsert(tid, PHONE, phone=PHONE, name="Maria")
    yield {"rt": rt, "wa": whatsapp, "tid": tid, "instance": instance, "pictures": pictures}
    set_runtime(None)
    monkeypatch.delenv("ALREA_EVOLUTION_URL")
    reset_settings()


def job(w, key: str = PHONE) -> dict[str, str]:
    return {"tenant_id": w["tid"], "instance_id": w["instance"].instance_id, "contact_key": key}


def fact(w, **overrides: Any):
    from alrea.services.hooks import MessageStored

    base = dict(tenant_id=w["tid"], instance_id=w["instance"].instance_id, conversation_id=str(uuid.uuid4()),
                wamid=uuid.uuid4().hex.upper(), direction="in", kind="text", text="oi", at=iso(utcnow()),
                contact_key=PHONE, is_group=False)
    return MessageStored(**{**base, **overrides})


def queued(w) -> list[dict]:
    import json

    deliveries = w["rt"].bus.receive("chat_fetch_profile_pic", max_messages=10, wait_s=0.2)
    for d in deliveries:
        w["rt"].bus.ack(d)
    return [json.loads(d.body) if isinstance(d.body, str) else d.body for d in deliveries]


def test_a_picture_is_cached_under_the_tenant_prefix_and_not_fetched_again_within_a_day(world):
    from alrea.services import profile_pics

    w = world
    w["wa"].url = w["pictures"].url + "/ok.png?oh=abc"
    key = profile_pics.fetch_profile_pic(job(w))
    assert key == f"t/{w['tid']}/avatars/5511912345678.png"
    assert w["rt"].storage.get(key) == PICTURE
    assert w["wa"].calls == [("acme-pics", "5511912345678")]
    contact = contacts.get(w["tid"], PHONE)
    assert contact.avatar_key == key and profile_pics.is_fresh(contact)
    # fresh: neither Evolution nor the CDN is asked again, and no job is queued for new messages
    assert profile_pics.fetch_profile_pic(job(w)) == key and len(w["wa"].calls) == 1
    profile_pics.request_fetch(fact(w))
    assert queued(w) == []
    served = httpx.get(profile_pics.avatar_url(w["tid"], PHONE))
    assert served.status_code == 200 and served.content == PICTURE


def test_a_stale_picture_is_refreshed_and_a_removed_one_forgotten(world):
    from alrea.services import profile_pics

    w = world
    w["wa"].url = w["pictures"].url + "/ok.jpg"
    old = iso(utcnow() - profile_pics.REFRESH_AGE - timedelta(minutes=1))
    contacts.set_avatar(w["tid"], PHONE, f"t/{w['tid']}/avatars/5511912345678.png", old)
    assert not profile_pics.is_fresh(contacts.get(w["tid"], PHONE))
    profile_pics.request_fetch(fact(w))
    assert queued(w) == [job(w)]
    assert profile_pics.fetch_profile_pic(job(w)) == f"t/{w['tid']}/avatars/5511912345678.jpg"
    # the contact hid its picture: the cached key is dropped, and the fetch still counts for a day
    contacts.set_avatar(w["tid"], PHONE, "x", old)
    w["wa"].url = None
    assert profile_pics.fetch_profile_pic(job(w)) is None
    contact = contacts.get(w["tid"], PHONE)
    assert contact.avatar_key is None and profile_pics.is_fresh(contact)
    assert profile_pics.avatar_url(w["tid"], PHONE) is None


def test_only_inbound_one_to_one_messages_of_a_known_number_ask_for_a_picture(world):
    from alrea.services import profile_pics

    w = world
    for skipped in (fact(w, direction="out"), fact(w, is_group=True), fact(w, contact_key="25151362101280@lid"),
                    fact(w, contact_key=None)):
        profile_pics.request_fetch(skipped)
    assert queued(w) == []
    profile_pics.request_fetch(fact(w))
    assert queued(w) == [job(w)]
    # a job for an unknown contact or a LID contact does nothing at all
    assert profile_pics.fetch_profile_pic(job(w, "+5521999990000")) is None
    assert profile_pics.fetch_profile_pic(job(w, "25151362101280@lid")) is None
    assert w["wa"].calls == []


@pytest.mark.parametrize("path", ["/page", "/huge.png", "/moved", "/gone"])
def test_what_is_not_a_small_image_is_refused_and_not_retried(world, path):
    from alrea.services import profile_pics

    w = world
    w["wa"].url = w["pictures"].url + path
    assert profile_pics.fetch_profile_pic(job(w)) is None
    assert w["pictures"].hits == [path]  # asked once; a redirect is not followed
    contact = contacts.get(w["tid"], PHONE)
    assert contact.avatar_key is None and profile_pics.is_fresh(contact)


def test_an_unavailable_cdn_or_evolution_raises_for_a_retry(world):
    from alrea.ports.pictures import PictureUnavailable
    from alrea.ports.whatsapp import EvolutionUnavailable
    from alrea.services import profile_pics

    w = world
    w["wa"].url = w["pictures"].url + "/broken"
    with pytest.raises(PictureUnavailable):
        profile_pics.fetch_profile_pic(job(w))
    w["wa"].url, w["wa"].error = None, EvolutionUnavailable("down")
    with pytest.raises(EvolutionUnavailable):
        profile_pics.fetch_profile_pic(job(w))
    assert contacts.get(w["tid"], PHONE).avatar_fetched_at is None  # nothing recorded: the retry tries again


@pytest.mark.parametrize("url, ok", [
    ("https://pps.whatsapp.net/v/t61.24694-24/1_2_n.jpg?oh=x", True),
    ("https://mmg.whatsapp.net/x.jpg", True),
    ("http://pps.whatsapp.net/x.jpg", False),
    ("https://pps.whatsapp.net.evil.com/x.jpg", False),
    ("https://evil.com/pps.whatsapp.net/x.jpg", False),
    ("https://whatsapp.net@169.254.169.254/latest/meta-data", False),
    ("file:///etc/passwd", False),
    ("EVOLUTION/_sim/pictures/1.png", True),
    ("http://127.0.0.1:1/_sim/pictures/1.png", False),
])
def test_only_whatsapps_cdn_and_the_evolution_server_are_fetched(monkeypatch, url, ok):
    from alrea.core.config import reset_settings
    from alrea.services import profile_pics

    monkeypatch.setenv("ALREA_EVOLUTION_URL", "http://127.0.0.1:8081")
    reset_settings()
    try:
        assert profile_pics.allowed(url.replace("EVOLUTION", "http://127.0.0.1:8081")) is ok
    finally:
        monkeypatch.delenv("ALREA_EVOLUTION_URL")
        reset_settings()
