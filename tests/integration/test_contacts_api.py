"""/api/contacts over moto (HTTP): CRUD, E.164 keys, search, filters, pagination, tags in bulk with counts,
opt-out and the campaign audience, custom fields, plan limit, export, tenant isolation, inbound merge."""
from __future__ import annotations

import csv
import io

import pytest

from alrea.services import contacts as svc
from alrea.store import contacts as store


def add(account, phone: str, **extra):
    r = account.post("/api/contacts", {"phone": phone, **extra})
    assert r.status_code == 201, r.text
    return r.json()


def test_create_normalises_phone_and_conflicts_on_same_number(tenant_a):
    c = add(tenant_a, "(11) 91234-5678", name="  Maria   Souza ", email="Maria@Exemplo.com.BR", tags=["VIP", "sp"])
    assert c["phone"] == "+5511912345678" and c["key"] == "+5511912345678"
    assert c["name"] == "Maria Souza" and c["email"] == "maria@exemplo.com.br"
    assert c["tags"] == ["sp", "vip"] and c["source"] == "manual" and c["id"] and c["created_at"]
    again = tenant_a.post("/api/contacts", {"phone": "+55 11 91234-5678"})
    assert again.status_code == 409 and "telefone" in again.json()["message"]
    bad = tenant_a.post("/api/contacts", {"phone": "12"})
    assert bad.status_code == 422 and bad.json()["field"] == "phone"
    bad_email = tenant_a.post("/api/contacts", {"phone": "11 98888-7777", "email": "x@"})
    assert bad_email.status_code == 422 and bad_email.json()["field"] == "email"
    assert tenant_a.get(f"/api/contacts/{c['id']}").json()["phone"] == "+5511912345678"


def test_get_patch_delete_and_isolation(tenant_a, tenant_b):
    c = add(tenant_a, "11912345678", name="Ana", tags=["a"])
    assert tenant_b.get(f"/api/contacts/{c['id']}").status_code == 404
    assert tenant_b.patch(f"/api/contacts/{c['id']}", {"name": "x"}).status_code == 404
    assert tenant_b.delete(f"/api/contacts/{c['id']}").status_code == 404
    assert tenant_b.post(f"/api/contacts/{c['id']}/opt-out", {"reason": "x"}).status_code == 404
    assert tenant_b.get("/api/contacts").json()["items"] == []
    r = tenant_a.patch(f"/api/contacts/{c['id']}", {"name": "Ana Lima", "tags": ["b"], "notes": "cliente"})
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Ana Lima" and r.json()["tags"] == ["b"] and r.json()["notes"] == "cliente"
    tags = {t["tag"]: t["count"] for t in tenant_a.get("/api/contacts/tags").json()["items"]}
    assert tags == {"b": 1}
    assert tenant_a.patch(f"/api/contacts/{c['id']}", {"phone": "+5511900000000"}).status_code == 422
    assert tenant_a.delete(f"/api/contacts/{c['id']}").status_code == 204
    assert tenant_a.get(f"/api/contacts/{c['id']}").status_code == 404
    assert tenant_a.get("/api/contacts/tags").json()["items"] == []
    assert store.counted(tenant_a.tenant_id) == 0


def test_search_filters_and_cursor_pagination(tenant_a):
    for i, name in enumerate(["Bruno", "Bárbara", "Carla", "beatriz", "Davi"]):
        add(tenant_a, f"1191234{5600 + i}", name=name, tags=["time"] if i % 2 == 0 else [])
    add(tenant_a, "21987654321", name="Zé")
    names = [c["name"] for c in tenant_a.get("/api/contacts", params={"q": "b"}).json()["items"]]
    assert names == ["Bárbara", "beatriz", "Bruno"]
    assert [c["name"] for c in tenant_a.get("/api/contacts", params={"q": "BAR"}).json()["items"]] == ["Bárbara"]
    by_phone = tenant_a.get("/api/contacts", params={"q": "21 98765"}).json()["items"]
    assert [c["name"] for c in by_phone] == ["Zé"]
    assert len(tenant_a.get("/api/contacts", params={"q": "+55 11"}).json()["items"]) == 5
    tagged = tenant_a.get("/api/contacts", params={"tag": "time"}).json()["items"]
    assert sorted(c["name"] for c in tagged) == ["Bruno", "Carla", "Davi"]
    seen, cursor = [], None
    while True:
        page = tenant_a.get("/api/contacts", params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        assert len(page["items"]) <= 2
        seen += [c["name"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["Bárbara", "beatriz", "Bruno", "Carla", "Davi", "Zé"]
    assert tenant_a.get("/api/contacts", params={"cursor": "bm9wZQ"}).status_code == 422


def test_bulk_tags_by_ids_and_by_filter_keep_exact_counts(tenant_a):
    ids = [add(tenant_a, f"1198888{1000 + i}", name=f"C{i}")["id"] for i in range(6)]
    r = tenant_a.post("/api/contacts/tags", {"add": ["promo"], "ids": ids[:4]})
    assert r.status_code == 200 and r.json()["added"] == {"promo": 4}
    r = tenant_a.post("/api/contacts/tags", {"add": ["promo", "novo"], "ids": ids[2:]})  # 2 already have promo
    assert r.json()["added"] == {"promo": 2, "novo": 4}
    r = tenant_a.post("/api/contacts/tags", {"remove": ["promo"], "filter": {"tag": "novo"}})
    assert r.json() == {"matched": 4, "added": {}, "removed": {"promo": 4}}
    counts = {t["tag"]: t["count"] for t in tenant_a.get("/api/contacts/tags").json()["items"]}
    assert counts == {"promo": 2, "novo": 4}
    assert tenant_a.post("/api/contacts/tags", {"add": ["x"]}).status_code == 422
    assert tenant_a.post("/api/contacts/tags", {"add": ["x"], "ids": ["nope"]}).status_code == 404


def test_opt_out_is_excluded_from_audience_and_filterable(tenant_a):
    a = add(tenant_a, "11911110001", name="A", tags=["camp"])
    b = add(tenant_a, "11911110002", name="B", tags=["camp", "outra"])
    c = add(tenant_a, "11911110003", name="C")
    tid = tenant_a.tenant_id
    audience = list(svc.iter_audience(tid, ["camp", "outra"], [c["id"], a["id"]]))
    assert sorted(x["phone"] for x in audience) == ["+5511911110001", "+5511911110002", "+5511911110003"]
    assert set(audience[0]) == {"id", "phone", "name", "email", "fields", "tags"}
    r = tenant_a.post(f"/api/contacts/{b['id']}/opt-out", {"reason": "pediu para sair"})
    assert r.status_code == 200 and r.json()["opted_out"]["reason"] == "pediu para sair"
    assert svc.set_opt_out(tid, "+5511911110003", reason="SAIR", source="keyword") is True
    assert svc.set_opt_out(tid, "11 91111-0003", reason="SAIR", source="keyword") is False  # already
    assert [x["phone"] for x in svc.iter_audience(tid, ["camp", "outra"], [c["id"]])] == ["+5511911110001"]
    assert svc.count_audience(tid, ["camp"], None) == 1
    outs = tenant_a.get("/api/contacts", params={"opted_out": "true"}).json()["items"]
    assert sorted(x["name"] for x in outs) == ["B", "C"]
    assert tenant_a.post(f"/api/contacts/{b['id']}/opt-in").json()["opted_out"] is None
    assert svc.count_audience(tid, ["camp"], None) == 2
    assert svc.get_by_phone(tid, "(11) 91111-0003")["opted_out"]["source"] == "keyword"
    assert svc.get_by_phone(tid, "11 90000-0000") is None
    svc.touch_interaction(tid, "+5511911110001", "2030-01-01T00:00:00.000Z")
    svc.touch_interaction(tid, "+5511911110001", "2020-01-01T00:00:00.000Z")  # never back in time
    assert svc.get_by_phone(tid, "+5511911110001")["last_interaction_at"] == "2030-01-01T00:00:00.000Z"


def test_custom_fields_are_typed(tenant_a):
    assert tenant_a.post("/api/contacts/fields", {"name": "pontos", "type": "number"}).status_code == 201
    assert tenant_a.post("/api/contacts/fields", {"name": "aniversario", "type": "date",
                                                  "label": "Aniversário"}).status_code == 201
    assert tenant_a.post("/api/contacts/fields", {"name": "pontos", "type": "text"}).status_code == 409
    assert tenant_a.post("/api/contacts/fields", {"name": "Bad Name", "type": "text"}).status_code == 422
    assert tenant_a.post("/api/contacts/fields", {"name": "x", "type": "color"}).status_code == 422
    c = add(tenant_a, "11977776666", fields={"pontos": "1.234,5", "aniversario": "31/12/1990"})
    assert c["fields"] == {"pontos": 1234.5, "aniversario": "1990-12-31"}
    r = tenant_a.patch(f"/api/contacts/{c['id']}", {"fields": {"pontos": "abc"}})
    assert r.status_code == 422 and r.json()["field"] == "fields.pontos"
    r = tenant_a.patch(f"/api/contacts/{c['id']}", {"fields": {"pontos": 7, "aniversario": None}})
    assert r.json()["fields"] == {"pontos": 7}
    assert tenant_a.patch(f"/api/contacts/{c['id']}", {"fields": {"nope": 1}}).status_code == 422
    names = [f["name"] for f in tenant_a.get("/api/contacts/fields").json()["items"]]
    assert names == ["aniversario", "pontos"]


def test_plan_limit_has_a_clear_message(tenant_a):
    from alrea.store.tenants import set_limits

    set_limits(tenant_a.tenant_id, max_contacts=2)
    add(tenant_a, "11955550001")
    add(tenant_a, "11955550002")
    r = tenant_a.post("/api/contacts", {"phone": "11955550003"})
    assert r.status_code == 402 and "até 2 contatos" in r.json()["message"]


def test_export_streams_the_current_filter(tenant_a):
    tenant_a.post("/api/contacts/fields", {"name": "cidade", "type": "text"})
    add(tenant_a, "11944440001", name="João Ção", tags=["x"], fields={"cidade": "São Paulo"})
    add(tenant_a, "11944440002", name="Outro")
    r = tenant_a.get("/api/contacts/export.csv", params={"tag": "x"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["telefone", "nome", "email"] and rows[0][-1] == "cidade"
    # the phone is exported as text ("'" first: no spreadsheet formula, see alrea.domain.csv_cells)
    assert len(rows) == 2 and rows[1][0] == "'+5511944440001"
    assert rows[1][1] == "João Ção" and rows[1][-1] == "São Paulo"


def test_inbound_contact_merges_into_the_same_record(tenant_a):
    tid = tenant_a.tenant_id
    store.upsert(tid, "+5511933332222", phone="+5511933332222", name="Pushname")  # what the pipeline does
    found = tenant_a.get("/api/contacts", params={"q": "11 93333"}).json()["items"]
    assert len(found) == 1 and found[0]["source"] == "inbound" and found[0]["id"]
    assert tenant_a.get(f"/api/contacts/{found[0]['id']}").json()["name"] == "Pushname"
    dup = tenant_a.post("/api/contacts", {"phone": "11933332222"})
    assert dup.status_code == 409
    store.upsert(tid, "+5511933332222", phone="+5511933332222", name="Novo nome")
    again = tenant_a.get(f"/api/contacts/{found[0]['id']}").json()
    assert again["id"] == found[0]["id"] and again["created_at"] == found[0]["created_at"]
    assert again["name"] == "Novo nome"


@pytest.mark.parametrize("body", [{"phone": ""}, {"phone": "x" * 300}, {"phone": "11999999999", "tags": ["a#b"]},
                                  {"phone": "11999999999", "extra": 1}])
def test_bad_input_is_a_clear_4xx(tenant_a, body):
    r = tenant_a.post("/api/contacts", body)
    assert r.status_code == 422 and r.json()["message"]
