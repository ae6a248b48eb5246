"""LGPD on the real local path (`alrea dev`'s runtime on moto over HTTP, the Evolution simulator, the queue
pollers): the tenant export round-trips, a contact's erasure leaves no item or object of theirs (checked key
by key: GetItem / HeadObject) and later campaigns skip the phone, a tenant deletion is scheduled, cancelled
and executed when due (injected clock), retention sets ``ttl`` on new messages, role and tenant checks.
"""
from __future__ import annotations

import hashlib

import io
import json
import time
import uuid
import zipfile
from datetime import timedelta
from typing import Any

import httpx
import pytest
# the local runtime (its own table, bucket and queues) and helpers of the media pipeline tests
from test_media import bearer, conversation_of, http, inject, local, phone, wait_for  # noqa: F401 - fixtures

PASSWORD = "s3nha-Segura!"
PACING = {"min_delay_s": 10, "max_delay_s": 30, "window_start": "00:00", "window_end": "23:59",
          "weekdays": [0, 1, 2, 3, 4, 5, 6], "daily_cap_per_number": 200}


def login(http, email: str, password: str) -> dict[str, str]:
    r = http.post("/api/auth/login", json={"email": email, "password": password})
    assert r.status_code == 200, r.text
    return bearer(r.json()["access"])


@pytest.fixture(scope="module")
def demo(local, http):
    from alrea.local.seed import ADMIN_EMAIL, AGENT_EMAIL, demo_password
    from alrea.store import instances

    tid = local.demo.tenant_id
    instance = next(i for i in instances.list_instances(tid) if i.evolution_name == local.demo_number)
    return {"tenant_id": tid, "instance_id": instance.instance_id,
            "headers": login(http, ADMIN_EMAIL, demo_password()),
            "agent": login(http, AGENT_EMAIL, demo_password())}


def signup(http, company: str) -> dict[str, Any]:
    email = f"lgpd.{uuid.uuid4().hex[:8]}@empresa.com.br"
    r = http.post("/api/auth/signup", json={"company": company, "name": "Lia", "email": email,
                                            "password": PASSWORD})
    assert r.status_code == 201, r.text
    body = r.json()
    return {"tenant_id": body["tenant"]["id"], "email": email, "headers": bearer(body["access"]),
            "user_id": body["user"]["id"]}


@pytest.fixture(scope="module")
def other(http):
    return signup(http, "Outra Empresa")


def listed(http, headers, path: str, **params: Any) -> list[dict[str, Any]]:
    """Every item of a paged API listing."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        r = http.get(path, headers=headers, params={**params, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200, r.text
        body = r.json()
        items += body["items"]
        cursor = body.get("next_cursor") or body.get("cursor")
        if not cursor:
            return items


def messages_of(http, demo, cid: str) -> list[dict[str, Any]]:
    return listed(http, demo["headers"], f"/api/conversations/{cid}/messages")


def stored_messages(http, demo, cid: str) -> list[dict[str, Any]]:
    """The conversation's messages, or none while the pipeline has not stored it yet."""
    if http.get(f"/api/conversations/{cid}", headers=demo["headers"]).status_code == 404:
        return []
    return messages_of(http, demo, cid)


def a_customer_with_media(local, http, demo) -> tuple[str, str, list[dict[str, Any]]]:
    """A customer who wrote a text and sent a picture (stored in S3): (phone, conversation id, messages)."""
    sender = phone()
    inject(local, sender, text="Olá, quero meus dados")
    image = inject(local, sender, image=True, caption="Foto do documento")
    cid = conversation_of(demo, sender)
    wait_for(lambda: any(m["id"] == image and m.get("media_key") for m in stored_messages(http, demo, cid)),
             what="the picture stored in S3")
    return sender, cid, messages_of(http, demo, cid)


def contact_of(http, headers, e164: str) -> dict[str, Any]:
    found = wait_for(lambda: [c for c in http.get("/api/contacts", headers=headers,
                                                  params={"q": e164.lstrip("+")}).json()["items"]
                              if c["phone"] == e164], what="the contact stored")
    return found[0]


def campaign(http, demo, name: str, tag: str) -> dict[str, Any]:
    r = http.post("/api/campaigns", headers=demo["headers"], json={
        "name": name, "variants": [{"text": "Oi {{nome|cliente}}!"}], "audience": {"tags": [tag]},
        "instance_ids": [demo["instance_id"]], "pacing": PACING})
    assert r.status_code == 201, r.text
    return r.json()


# ---------------------------------------------------------------- export
def test_the_export_archive_holds_what_the_api_lists(local, http, demo, other):
    sender, cid, _ = a_customer_with_media(local, http, demo)
    contact = contact_of(http, demo["headers"], "+" + sender)
    tag = "exp" + uuid.uuid4().hex[:5]
    assert http.patch(f"/api/contacts/{contact['id']}", headers=demo["headers"],
                      json={"tags": [tag]}).status_code == 200
    r = http.post("/api/contacts", headers=demo["headers"],
                  json={"phone": "+55 11 9" + str(uuid.uuid4().int)[:8], "name": "Zé Exportado", "tags": [tag]})
    assert r.status_code == 201, r.text
    camp = campaign(http, demo, "Exportável", tag)
    assert http.post(f"/api/campaigns/{camp['id']}/start", headers=demo["headers"]).status_code == 200
    assert http.post(f"/api/campaigns/{camp['id']}/pause", headers=demo["headers"]).status_code == 200

    # only admins; another tenant cannot read this export
    assert http.post("/api/privacy/exports", headers=demo["agent"]).status_code == 403
    r = http.post("/api/privacy/exports", headers=demo["headers"])
    assert r.status_code == 202, r.text
    export_id = r.json()["id"]
    assert r.json()["status"] == "pending" and r.json()["url"] is None
    assert http.get(f"/api/privacy/exports/{export_id}", headers=other["headers"]).status_code == 404
    assert http.get(f"/api/privacy/exports/{export_id}", headers=demo["agent"]).status_code == 403

    done = wait_for(lambda: (lambda b: b if b["status"] in ("ready", "failed") else None)(
        http.get(f"/api/privacy/exports/{export_id}", headers=demo["headers"]).json()), what="the export ready")
    assert done["status"] == "ready", done
    assert "X-Amz-Signature" in done["url"] and done["url_expires_in_s"] == 300
    archive = httpx.get(done["url"], timeout=20)
    assert archive.status_code == 200
    zf = zipfile.ZipFile(io.BytesIO(archive.content))
    files = {name: [json.loads(line) for line in zf.read(name).decode().splitlines()]
             for name in zf.namelist() if name.endswith(".jsonl")}
    manifest = json.loads(zf.read("manifest.json"))
    assert set(files) == {"contacts.jsonl", "conversations.jsonl", "messages.jsonl", "campaigns.jsonl",
                          "campaign_recipients.jsonl"}
    assert manifest["files"] == {name: len(rows) for name, rows in files.items()} == {
        f"{k}.jsonl": v for k, v in done["counts"].items()}
    # the archive sits under the tenant's prefix
    assert local.runtime.storage.exists(f"t/{demo['tenant_id']}/exports/{export_id}.zip")

    # what is exported is what the API lists
    api_contacts = {c["id"]: c for c in listed(http, demo["headers"], "/api/contacts", limit=200)}
    exp_contacts = {c["id"]: c for c in files["contacts.jsonl"]}
    assert set(exp_contacts) == set(api_contacts) and contact["id"] in exp_contacts
    for cid_, c in exp_contacts.items():
        assert {k: c[k] for k in ("phone", "name", "tags", "opted_out")} == {
            k: api_contacts[cid_][k] for k in ("phone", "name", "tags", "opted_out")}
    api_convs = listed(http, demo["headers"], "/api/conversations", limit=100)
    assert {c["id"] for c in files["conversations.jsonl"]} == {c["id"] for c in api_convs} and cid in {
        c["id"] for c in api_convs}
    exported_messages = {(m["conversation_id"], m["id"]): m for m in files["messages.jsonl"]}
    api_messages = {(c["id"], m["id"]): m for c in api_convs for m in messages_of(http, demo, c["id"])}
    assert set(exported_messages) == set(api_messages)
    for key, m in api_messages.items():
        assert (exported_messages[key]["text"], exported_messages[key]["media_key"]) == (m["text"], m["media_key"])
    api_campaigns = listed(http, demo["headers"], "/api/campaigns")
    assert {c["id"] for c in files["campaigns.jsonl"]} == {c["id"] for c in api_campaigns}
    api_recipients = listed(http, demo["headers"], f"/api/campaigns/{camp['id']}/recipients")
    assert sorted(r["phone"] for r in files["campaign_recipients.jsonl"] if r["campaign_id"] == camp["id"]) == \
        sorted(r["phone"] for r in api_recipients) and len(api_recipients) == 2


# ---------------------------------------------------------------- contact erasure
def test_erasing_a_contact_leaves_nothing_of_theirs_and_campaigns_skip_them(local, http, demo, other):
    from alrea.domain.privacy import phone_hash
    from alrea.store import privacy as pstore
    from alrea.store import recipients as rstore
    from alrea.store.keys import tenant_pk

    tid = demo["tenant_id"]
    sender, cid, msgs = a_customer_with_media(local, http, demo)
    e164 = "+" + sender
    contact = contact_of(http, demo["headers"], e164)
    tag = "era" + uuid.uuid4().hex[:5]
    assert http.patch(f"/api/contacts/{contact['id']}", headers=demo["headers"],
                      json={"tags": [tag]}).status_code == 200
    camp = campaign(http, demo, "Antes do apagamento", tag)
    assert http.post(f"/api/campaigns/{camp['id']}/start", headers=demo["headers"]).status_code == 200
    assert http.post(f"/api/campaigns/{camp['id']}/pause", headers=demo["headers"]).status_code == 200

    # every key we know of, before the erasure
    media_keys = [m["media_key"] for m in msgs if m.get("media_key")]
    assert media_keys and all(local.runtime.storage.exists(k) for k in media_keys)
    message_keys = [(f"T#{tid}#CONV#{cid}", m["sk"]) for m in msgs]
    pointer_keys = [(f"T#{tid}#WAMSG#{demo['instance_id']}#{m['id']}", "WAMSG") for m in msgs]
    item_keys = [(tenant_pk(tid), f"CONTACT#{e164}"), (tenant_pk(tid), f"CONV#{cid}"),
                 (f"T#{tid}#TAG#{tag}", f"CONTACT#{e164}"), (f"T#{tid}#CAMP#{camp['id']}", f"R#{e164}"),
                 *message_keys, *pointer_keys]
    assert all(pstore.exists(*k) for k in item_keys), [k for k in item_keys if not pstore.exists(*k)]
    tags_before = {t["tag"]: t["count"] for t in http.get("/api/contacts/tags", headers=demo["headers"]).json()[
        "items"]}
    assert tags_before[tag] == 1

    # roles and tenants
    assert http.post(f"/api/contacts/{contact['id']}/erase", headers=demo["agent"]).status_code == 403
    refused = http.post(f"/api/contacts/{contact['id']}/erase", headers=other["headers"])
    assert refused.status_code == 404 and refused.json()["message"]
    assert pstore.exists(tenant_pk(tid), f"CONTACT#{e164}")

    r = http.post(f"/api/contacts/{contact['id']}/erase", headers=demo["headers"])
    assert r.status_code == 200, r.text
    assert r.json()["conversations"] == 1 and r.json()["campaign_recipients"] == 1
    left = [k for k in item_keys if pstore.exists(*k)]
    assert left == []
    assert not any(local.runtime.storage.exists(k) for k in media_keys)
    assert http.get(f"/api/contacts/{contact['id']}", headers=demo["headers"]).status_code == 404
    assert http.get(f"/api/conversations/{cid}", headers=demo["headers"]).status_code == 404
    tags_after = {t["tag"]: t["count"] for t in http.get("/api/contacts/tags", headers=demo["headers"]).json()[
        "items"]}
    assert tags_after.get(tag, 0) == 0
    # only a hash stays
    assert pstore.exists(tenant_pk(tid), f"SUPPRESS#{phone_hash(tid, e164)}")
    assert http.post(f"/api/contacts/{contact['id']}/erase", headers=demo["headers"]).status_code == 404

    # re-imported with the same tag, next to someone else: a new campaign skips the erased phone
    again = http.post("/api/contacts", headers=demo["headers"], json={"phone": e164, "tags": [tag]})
    assert again.status_code == 201, again.text
    friend = "+55119" + str(uuid.uuid4().int)[:8]
    assert http.post("/api/contacts", headers=demo["headers"],
                     json={"phone": friend, "tags": [tag]}).status_code == 201
    count = http.get("/api/campaigns/audience-count", headers=demo["headers"], params={"tags": tag})
    assert count.json() == {"count": 1}
    later = campaign(http, demo, "Depois do apagamento", tag)
    started = http.post(f"/api/campaigns/{later['id']}/start", headers=demo["headers"])
    assert started.status_code == 200, started.text
    assert started.json()["counters"]["total"] == 1
    http.post(f"/api/campaigns/{later['id']}/pause", headers=demo["headers"])
    assert rstore.get(tid, later["id"], e164) is None
    assert rstore.get(tid, later["id"], friend) is not None


# ---------------------------------------------------------------- retention
def test_retention_sets_ttl_on_new_messages(local, http, demo, other):
    from alrea.store import messages as mstore

    tid = demo["tenant_id"]
    assert http.get("/api/privacy/retention", headers=demo["agent"]).status_code == 403
    for bad in ({"messages_days": 7}, {"media_days": -1}, {"messages_days": "muito"}, {"extra": 1}):
        r = http.put("/api/privacy/retention", headers=demo["headers"], json=bad)
        assert 400 <= r.status_code < 500 and r.json()["message"], (bad, r.text)
    r = http.put("/api/privacy/retention", headers=demo["headers"], json={"messages_days": 30, "media_days": 90})
    assert r.status_code == 200, r.text
    assert r.json()["messages_days"] == 30 and r.json()["media_days"] == 90
    assert http.get("/api/privacy/retention", headers=demo["headers"]).json()["messages_days"] == 30
    assert http.get("/api/privacy/retention", headers=other["headers"]).json()["messages_days"] is None

    from alrea.services import retention

    retention.forget(tid)  # the pollers run in this process: no stale minute of cache
    sender = phone()
    wamid = inject(local, sender, text="Mensagem com prazo")
    cid = conversation_of(demo, sender)
    stored = wait_for(lambda: next((m for m in stored_messages(http, demo, cid) if m["id"] == wamid), None),
                      what="the message stored")
    item = mstore.get(tid, cid, stored["sk"])
    expected = time.time() + 30 * 86400
    assert item.ttl is not None and abs(item.ttl - expected) < 300
    # media stored now carries the retention tag its lifecycle rule matches
    import boto3

    image = inject(local, sender, image=True, caption="Com prazo")
    pic = wait_for(lambda: next((m for m in stored_messages(http, demo, cid) if m["id"] == image
                                 and m.get("media_key")), None), what="the picture stored")
    tagging = boto3.client("s3").get_object_tagging(Bucket=local.options.bucket_name, Key=pic["media_key"])
    assert tagging["TagSet"] == [{"Key": "retention", "Value": "90"}]
    note = http.post(f"/api/conversations/{cid}/notes", headers=demo["headers"], json={"text": "nota"})
    assert note.status_code == 201, note.text
    n = next(m for m in messages_of(http, demo, cid) if m["id"] == note.json()["id"])
    assert abs(mstore.get(tid, cid, n["sk"]).ttl - expected) < 300

    # back to keeping: new messages get no ttl
    assert http.put("/api/privacy/retention", headers=demo["headers"],
                    json={"messages_days": None, "media_days": None}).status_code == 200
    retention.forget(tid)
    kept = inject(local, sender, text="Sem prazo")
    stored = wait_for(lambda: next((m for m in messages_of(http, demo, cid) if m["id"] == kept), None),
                      what="the second message stored")
    assert mstore.get(tid, cid, stored["sk"]).ttl is None


# ---------------------------------------------------------------- tenant deletion
def test_tenant_deletion_is_scheduled_cancelled_and_executed_when_due(local, http, other):
    from alrea.core.clock import parse_iso, utcnow
    from alrea.services import privacy
    from alrea.store import privacy as pstore
    from alrea.store.keys import tenant_pk

    gone = signup(http, "Empresa Que Sai")
    tid, h = gone["tenant_id"], gone["headers"]
    agent_email = f"agente.{uuid.uuid4().hex[:6]}@empresa.com.br"
    dept = http.post("/api/departments", headers=h, json={"name": "Suporte"})
    assert dept.status_code == 201, dept.text
    r = http.post("/api/users", headers=h, json={"name": "Ari", "email": agent_email, "password": PASSWORD,
                                                 "role": "agent", "department_id": dept.json()["id"]})
    assert r.status_code == 201, r.text
    agent = login(http, agent_email, PASSWORD)
    inst = http.post("/api/instances", headers=h, json={"name": "Número que sai"})
    assert inst.status_code == 201, inst.text
    contact = http.post("/api/contacts", headers=h, json={"phone": "+5511955554444", "tags": ["sai"]}).json()
    camp = http.post("/api/campaigns", headers=h, json={
        "name": "Some", "variants": [{"text": "Oi"}], "audience": {"tags": ["sai"]},
        "instance_ids": [inst.json()["id"]], "pacing": PACING})
    assert camp.status_code == 201, camp.text
    key = http.post("/api/api-keys", headers=h, json={"name": "ERP", "scopes": ["numbers:read"]})
    assert key.status_code == 201, key.text
    secret = key.json()["secret"]
    # a pending invitation (its admin verified through the mail sink): the invitation and its link go too
    verify_mail = next(m for m in local.mail.messages(gone["email"]) if m.kind == "verify_email")
    verify_token = verify_mail.text.split("token=", 1)[1].split()[0]
    assert http.post("/api/auth/email/verify", json={"token": verify_token}).status_code == 204
    invited = http.post("/api/invitations", headers=h, json={
        "name": "Bia", "email": f"bia.{uuid.uuid4().hex[:6]}@empresa.com.br", "role": "admin"})
    assert invited.status_code == 201, invited.text
    from alrea.store import account_links

    invitation = account_links.get_invitation(tid, invited.json()["id"])
    local.runtime.storage.put(f"t/{tid}/imports/x.csv", b"phone\n+5511955554444\n", "text/csv")
    from alrea.store import instances as istore
    from alrea.store.users import EmailPointer

    instance = istore.get(tid, inst.json()["id"])
    keys = [(tenant_pk(tid), "TENANT"), (tenant_pk(tid), f"USER#{gone['user_id']}"),
            EmailPointer.key(gone["email"]), EmailPointer.key(agent_email),
            (f"HOOK#{instance.webhook_token}", "HOOK"), (f"EVO#{instance.evolution_name}", "EVO"),
            (tenant_pk(tid), f"CONTACT#{contact['phone']}"), (f"T#{tid}#TAG#sai", f"CONTACT#{contact['phone']}"),
            (tenant_pk(tid), f"CAMP#{camp.json()['id']}"), (tenant_pk(tid), f"APIKEY#{key.json()['id']}"),
            (f"APIKEY#{hashlib.sha256(secret.encode()).hexdigest()}", "APIKEY"),
            (tenant_pk(tid), f"INVITE#{invitation.invitation_id}"),
            account_links.LinkItem.key(invitation.token_hash)]
    assert all(pstore.exists(*k) for k in keys), [k for k in keys if not pstore.exists(*k)]

    # confirmation, roles
    assert http.post("/api/privacy/tenant-deletion", headers=agent,
                     json={"confirm": "Empresa Que Sai"}).status_code == 403
    wrong = http.post("/api/privacy/tenant-deletion", headers=h, json={"confirm": "Outra"})
    assert wrong.status_code == 422 and "nome da empresa" in wrong.json()["message"]
    assert http.delete("/api/privacy/tenant-deletion", headers=h).status_code == 404

    r = http.post("/api/privacy/tenant-deletion", headers=h, json={"confirm": "empresa que sai"})
    assert r.status_code == 202, r.text
    due = parse_iso(r.json()["scheduled_for"])
    assert timedelta(days=6, hours=23) < due - utcnow() <= timedelta(days=7)
    assert "cancelar" in r.json()["message"]
    assert http.post("/api/privacy/tenant-deletion", headers=h,
                     json={"confirm": "Empresa Que Sai"}).status_code == 409
    # another tenant sees nothing scheduled and cannot cancel this one
    assert http.get("/api/privacy/tenant-deletion", headers=other["headers"]).json()["scheduled_for"] is None
    assert http.delete("/api/privacy/tenant-deletion", headers=other["headers"]).status_code == 404
    # logins still work while pending, so an admin can cancel
    login(http, gone["email"], PASSWORD)
    assert privacy.run_due_deletions(now=utcnow()) == 0  # not due yet
    assert all(pstore.exists(*k) for k in keys)

    cancelled = http.delete("/api/privacy/tenant-deletion", headers=h)
    assert cancelled.status_code == 200 and cancelled.json()["scheduled_for"] is None
    assert privacy.run_due_deletions(now=utcnow() + timedelta(days=8)) == 0  # cancelled: nothing due
    assert all(pstore.exists(*k) for k in keys)

    assert http.post("/api/privacy/tenant-deletion", headers=h,
                     json={"confirm": "Empresa Que Sai"}).status_code == 202
    assert privacy.run_due_deletions(now=utcnow() + timedelta(days=8)) >= 1
    assert [k for k in keys if pstore.exists(*k)] == []
    assert list(pstore.partition_keys(tenant_pk(tid))) == []
    assert list(local.runtime.storage.list_keys(f"t/{tid}/")) == []
    assert http.post("/api/auth/login", json={"email": gone["email"], "password": PASSWORD}).status_code == 401
    assert http.get("/v1/numbers", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    # the other tenant is untouched
    assert http.get("/api/privacy/retention", headers=other["headers"]).status_code == 200
