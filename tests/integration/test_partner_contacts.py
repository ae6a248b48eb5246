"""/v1/contacts: partners list, search, read, upsert by phone (E.164 as in the app), patch, tag, opt out and in —
scoped, idempotent on POSTs, and bound to the key's tenant."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.usefixtures("roomy_partner_rate")  # dozens of calls a second


def key(account, *scopes: str) -> dict[str, str]:
    r = account.post("/api/api-keys", {"name": "CRM", "scopes": list(scopes)})
    assert r.status_code == 201, r.text
    return {"Authorization": f"Bearer {r.json()['secret']}"}


@pytest.fixture
def crm(tenant_a):
    return tenant_a.client, key(tenant_a, "contacts:read", "contacts:write")


def test_upsert_by_phone_creates_then_updates_the_same_contact(crm, tenant_a):
    http, h = crm
    first = http.post("/v1/contacts", headers=h, json={"phone": "(11) 98888-7777", "name": "Bia", "tags": ["lead"]})
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["phone"] == "+5511988887777" and body["created"] is True and body["tags"] == ["lead"]
    again = http.post("/v1/contacts", headers=h, json={"phone": "+55 11 98888-7777", "email": "bia@x.com.br"})
    assert again.status_code == 200 and again.json()["id"] == body["id"] and again.json()["created"] is False
    assert again.json()["name"] == "Bia" and again.json()["email"] == "bia@x.com.br"  # untouched fields stay
    # the app sees the same contact
    assert tenant_a.get(f"/api/contacts/{body['id']}").json()["email"] == "bia@x.com.br"
    bad = http.post("/v1/contacts", headers=h, json={"phone": "12"})
    assert bad.status_code == 422 and bad.json()["field"] == "phone"


def test_list_search_get_patch_tags_and_opt_out(crm):
    http, h = crm
    cid = http.post("/v1/contacts", headers=h, json={"phone": "11977776666", "name": "Caio Prado"}).json()["id"]
    http.post("/v1/contacts", headers=h, json={"phone": "11977775555", "name": "Dora"})
    found = http.get("/v1/contacts", headers=h, params={"q": "caio"}).json()
    assert [c["id"] for c in found["items"]] == [cid] and "next_cursor" in found
    page = http.get("/v1/contacts", headers=h, params={"limit": 1}).json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = http.get("/v1/contacts", headers=h, params={"limit": 1, "cursor": page["next_cursor"]}).json()
    assert rest["items"][0]["id"] != page["items"][0]["id"]
    assert http.get("/v1/contacts", headers=h, params={"cursor": page["next_cursor"], "q": "x"}).status_code == 422
    assert http.patch(f"/v1/contacts/{cid}", headers=h, json={"name": "Caio P."}).json()["name"] == "Caio P."
    tagged = http.post(f"/v1/contacts/{cid}/tags", headers=h, json={"add": ["vip", "sp"]}).json()
    assert tagged["tags"] == ["sp", "vip"]
    assert http.post(f"/v1/contacts/{cid}/tags", headers=h, json={"remove": ["sp"]}).json()["tags"] == ["vip"]
    out = http.post(f"/v1/contacts/{cid}/opt-out", headers=h, json={"reason": "pediu no ERP"})
    assert out.status_code == 200 and "opted_out" in out.json(), out.text
    out = out.json()
    assert out["opted_out"]["reason"] == "pediu no ERP"
    opted = http.get("/v1/contacts", headers=h, params={"opted_out": "true"})
    assert opted.status_code == 200, opted.text
    assert opted.json()["items"][0]["id"] == cid
    assert http.post(f"/v1/contacts/{cid}/opt-in", headers=h).json()["opted_out"] is None


def test_scopes_tenants_and_idempotency(tenant_a, tenant_b):
    http = tenant_a.client
    reader = key(tenant_a, "contacts:read")
    writer = key(tenant_a, "contacts:write", "contacts:read")
    created = http.post("/v1/contacts", headers={**writer, "Idempotency-Key": "crm-1"},
                        json={"phone": "11966665555", "name": "Eva"})
    replay = http.post("/v1/contacts", headers={**writer, "Idempotency-Key": "crm-1"},
                       json={"phone": "11966665555", "name": "Eva"})
    assert created.status_code == replay.status_code == 201 and replay.json() == created.json()
    reused = http.post("/v1/contacts", headers={**writer, "Idempotency-Key": "crm-1"},
                       json={"phone": "11966665555", "name": "Outra"})
    assert reused.status_code == 422 and "Idempotency-Key" in reused.json()["message"]
    cid = created.json()["id"]
    denied = http.post("/v1/contacts", headers=reader, json={"phone": "11966664444"})
    assert denied.status_code == 403 and denied.json()["scope"] == "contacts:write"
    other = key(tenant_b, "contacts:read", "contacts:write")
    for method, path, body in (("GET", f"/v1/contacts/{cid}", None), ("PATCH", f"/v1/contacts/{cid}", {"name": "x"}),
                               ("POST", f"/v1/contacts/{cid}/tags", {"add": ["x"]}),
                               ("POST", f"/v1/contacts/{cid}/opt-out", {}), ("POST", f"/v1/contacts/{cid}/opt-in", None)):
        assert http.request(method, path, headers=other, json=body).status_code == 404, (method, path)
    assert http.get("/v1/contacts", headers=other).json()["items"] == []
    # the same phone in tenant B is B's own contact
    assert http.post("/v1/contacts", headers=other, json={"phone": "11966665555"}).status_code == 201
    assert http.get(f"/v1/contacts/{cid}", headers=reader).json()["name"] == "Eva"
