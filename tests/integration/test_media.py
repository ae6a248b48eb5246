"""Media and profile pictures on the real local path: an image injected at the Evolution simulator → webhook →
webhook_inbound (SQS on moto) → webhook_process → chat_download_attachment → Evolution getBase64 → S3 under the
tenant's prefix → GET /api/media/{conversation}/{message} → a presigned URL that serves the bytes; another
tenant's user gets 404. The same inbound message queues chat_fetch_profile_pic, which caches the contact's
picture (served by the simulator, as WhatsApp's CDN would) under the tenant's avatars prefix."""
from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from local_platform import wait_for

WAIT_S = 30.0
IMAGE_FROM = "5511955550101"
TEXT_FROM = "5511955550102"


@pytest.fixture(scope="module")
def local(moto_server):
    from alrea.local.moto import free_port
    from alrea.local.runtime import LocalRuntime, RuntimeOptions

    suffix = uuid.uuid4().hex[:8]
    runtime = LocalRuntime(RuntimeOptions(port=free_port(), table_name=f"media-{suffix}",
                                          bucket_name=f"media-{suffix}", queue_prefix=f"md{suffix}-",
                                          spa_dir=None, visibility_override_s=5, poll_wait_s=0.5))
    runtime.start()
    yield runtime
    runtime.stop()


@pytest.fixture(scope="module")
def http(local):
    with httpx.Client(base_url=local.base_url, timeout=15) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def demo(local, http):
    from alrea.local.seed import ADMIN_EMAIL, demo_password
    from alrea.store import instances

    r = http.post("/api/auth/login", json={"email": ADMIN_EMAIL, "password": demo_password()})
    assert r.status_code == 200, r.text
    tid = local.demo.tenant_id
    instance = next(i for i in instances.list_instances(tid) if i.evolution_name == local.demo_number)
    return {"tenant_id": tid, "instance_id": instance.instance_id, "headers": bearer(r.json()["access"])}


@pytest.fixture(scope="module")
def other(http):
    r = http.post("/api/auth/signup", json={"company": "Outra Empresa", "name": "Olga",
                                            "email": f"olga.{uuid.uuid4().hex[:8]}@outra.com.br",
                                            "password": "s3nha-Segura!"})
    assert r.status_code == 201, r.text
    return {"tenant_id": r.json()["tenant"]["id"], "headers": bearer(r.json()["access"])}


def phone() -> str:
    return "55119" + str(uuid.uuid4().int)[:8]


def inject(local, from_phone: str, **body: Any) -> str:
    """A customer writes to the demo number through the simulator; answers the WhatsApp message id."""
    r = httpx.post(f"{local.simulator_url}/_sim/instances/{local.demo_number}/inbound",
                   json={"from": from_phone, **body})
    assert r.status_code == 200, r.text
    return r.json()["key"]["id"]


def conversation_of(demo, from_phone: str) -> str:
    from alrea.store import conversations

    return conversations.conversation_id(demo["tenant_id"], demo["instance_id"], f"{from_phone}@s.whatsapp.net")


def test_an_image_message_is_stored_in_s3_and_served_only_to_its_tenant(local, http, demo, other):
    from alrea.simulator.payloads import png

    wamid = inject(local, IMAGE_FROM, image=True, caption="Foto do produto")
    cid = conversation_of(demo, IMAGE_FROM)
    path = f"/api/media/{cid}/{wamid}"

    answer = wait_for(lambda: (r := http.get(path, headers=demo["headers"])).status_code == 200 and r,
                      what="the image downloaded and served", timeout=WAIT_S)
    body = answer.json()
    assert body["mimetype"] == "image/png" and body["expires_in"] == 300
    # the message carries the S3 key, under the tenant's prefix and the conversation
    page = http.get(f"/api/conversations/{cid}/messages", headers=demo["headers"])
    assert page.status_code == 200, page.text
    message = next(m for m in page.json()["items"] if m["id"] == wamid)
    key = message["media_key"]
    assert key == f"t/{demo['tenant_id']}/media/{cid}/{wamid}.png"
    assert local.runtime.storage.get(key) == png()
    # the presigned URL is for that key only, signed, and serves exactly the bytes with no other credential
    assert body["url"].startswith(local.endpoint_url) and f"/{key}?" in body["url"]
    assert "Signature=" in body["url"] and "Expires=" in body["url"]
    download = httpx.get(body["url"], timeout=10)
    assert download.status_code == 200 and download.content == png()

    # another tenant's user: 404, with no hint the conversation or the file exists
    for probe in (path, f"/api/conversations/{cid}/messages"):
        refused = http.get(probe, headers=other["headers"])
        assert refused.status_code == 404, (probe, refused.text)
        assert "url" not in refused.json() and refused.json()["error"]
    assert http.get(path).status_code == 401


def test_media_url_refusals_are_clear_4xx(local, http, demo):
    wamid = inject(local, TEXT_FROM, text="Só texto, sem anexo")
    cid = conversation_of(demo, TEXT_FROM)
    wait_for(lambda: http.get(f"/api/conversations/{cid}", headers=demo["headers"]).status_code == 200,
             what="the text message stored", timeout=WAIT_S)
    no_file = http.get(f"/api/media/{cid}/{wamid}", headers=demo["headers"])
    assert no_file.status_code == 404 and no_file.json()["message"] == "Mídia não encontrada."
    unknown = http.get(f"/api/media/{cid}/3EB0{uuid.uuid4().hex[:16].upper()}", headers=demo["headers"])
    assert unknown.status_code == 404
    wrong_conversation = http.get(f"/api/media/{uuid.uuid4()}/{wamid}", headers=demo["headers"])
    assert wrong_conversation.status_code == 404
    bad_id = http.get(f"/api/media/{cid}/not%20an%20id%21", headers=demo["headers"])
    assert 400 <= bad_id.status_code < 500 and bad_id.status_code != 404 and "error" in bad_id.json()


def test_an_inbound_contact_gets_its_profile_picture_cached(local, demo):
    from alrea.services import profile_pics
    from alrea.simulator.payloads import profile_picture
    from alrea.store import contacts

    phone = "5511955550103"
    inject(local, phone, text="Oi! Tenho uma dúvida")
    contact = wait_for(lambda: (c := contacts.get(demo["tenant_id"], "+" + phone)) and c.avatar_key and c,
                       what="the contact's avatar cached", timeout=WAIT_S)
    assert contact.avatar_key == f"t/{demo['tenant_id']}/avatars/{phone}.png"
    assert contact.avatar_fetched_at and profile_pics.is_fresh(contact)
    assert local.runtime.storage.get(contact.avatar_key) == profile_picture(phone)
    url = profile_pics.avatar_url(demo["tenant_id"], "+" + phone)
    assert url is not None
    served = httpx.get(url, timeout=10)
    assert served.status_code == 200 and served.content == profile_picture(phone)
    assert served.headers["content-type"] == "image/png"
    # another tenant has no such contact: no URL
    assert profile_pics.avatar_url(str(uuid.uuid4()), "+" + phone) is None
