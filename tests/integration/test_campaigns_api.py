"""/api/campaigns over the FastAPI app on moto: CRUD, preview, audience count, lifecycle, recipients, export,
timeline, the monthly plan limit, roles and tenant isolation."""
from __future__ import annotations

import uuid

import pytest

from alrea.core.clock import iso, utcnow


class RecordingPacer:
    def __init__(self) -> None:
        self.started: list[tuple[str, str, str]] = []

    def start(self, tenant_id: str, campaign_id: str, run_id: str) -> None:
        self.started.append((tenant_id, campaign_id, run_id))


@pytest.fixture
def pacer(api_runtime):
    api_runtime.pacer = RecordingPacer()
    return api_runtime.pacer


def number(tenant_id: str) -> str:
    from alrea.store import instances

    inst = instances.Instance(tenant_id=tenant_id, instance_id=str(uuid.uuid4()), name="Loja",
                              evolution_name="evo-" + uuid.uuid4().hex[:8], webhook_token="hook_" + uuid.uuid4().hex,
                              jwt_key="jwt", state="open", created_at=iso(utcnow()))
    return instances.create(inst, max_numbers=5, limit_message="limite").instance_id


def contacts(tenant_id: str, tag: str, n: int) -> list[str]:
    from alrea.store import contacts as cstore
    from alrea.store import tags as tag_store

    phones = [f"+5511988{uuid.uuid4().int % 10**6:06d}" for _ in range(n)]
    for i, phone in enumerate(phones):
        cstore.create(cstore.new_item(tenant_id, phone, source="test", name=f"Cliente {i}", tags=[tag],
                                      fields={"cidade": "Recife"}))
    tag_store.add_members(tenant_id, [(tag, p) for p in phones])
    return phones


def body(instance_id: str, **extra) -> dict:
    return {"name": "Black Friday", "variants": [{"text": "{Oi|Olá} {{nome|cliente}} de {{cidade}}!"}],
            "audience": {"tags": ["vip"]}, "instance_ids": [instance_id],
            "pacing": {"min_delay_s": 10, "max_delay_s": 30, "window_start": "08:00", "window_end": "20:00",
                       "weekdays": [0, 1, 2, 3, 4], "daily_cap_per_number": 200}, **extra}


def test_campaign_crud_preview_and_start(tenant_a, tenant_b, pacer):
    iid = number(tenant_a.tenant_id)
    phones = contacts(tenant_a.tenant_id, "vip", 3)

    r = tenant_a.post("/api/campaigns", body(iid))
    assert r.status_code == 201, r.text
    campaign = r.json()
    cid = campaign["id"]
    assert campaign["status"] == "draft" and campaign["counters"]["total"] == 0
    assert tenant_a.get("/api/campaigns").json()["items"][0]["id"] == cid
    assert tenant_b.get(f"/api/campaigns/{cid}").status_code == 404  # another tenant's id

    r = tenant_a.patch(f"/api/campaigns/{cid}", {"name": "Black Friday 2026", "pacing": {"max_delay_s": 40}})
    assert r.status_code == 200 and r.json()["name"] == "Black Friday 2026"
    assert r.json()["pacing"]["max_delay_s"] == 40 and r.json()["pacing"]["min_delay_s"] == 10

    r = tenant_a.post("/api/campaigns/preview", {"text": "Oi {{nome}} {{cupom}}",
                                                "contact": {"name": "Ana Lima", "phone": "+5511900000000"}})
    assert r.json() == {"rendered": "Oi Ana", "variants": ["Oi Ana"], "missing_variables": ["cupom"]}
    count = tenant_a.get("/api/campaigns/audience-count", params={"tags": "vip"})
    assert count.json() == {"count": 3}

    r = tenant_a.post(f"/api/campaigns/{cid}/start")
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "running" and r.json()["counters"]["pending"] == 3 and r.json()["eta"]
    assert pacer.started and pacer.started[0][:2] == (tenant_a.tenant_id, cid)
    assert tenant_a.patch(f"/api/campaigns/{cid}", {"name": "x"}).status_code == 409
    assert tenant_a.delete(f"/api/campaigns/{cid}").status_code == 409

    listed = tenant_a.get(f"/api/campaigns/{cid}/recipients", params={"status": "pending", "limit": 2}).json()
    assert len(listed["items"]) == 2 and listed["next_cursor"]
    rest = tenant_a.get(f"/api/campaigns/{cid}/recipients",
                        params={"status": "pending", "cursor": listed["next_cursor"]}).json()
    assert {i["phone"] for i in listed["items"] + rest["items"]} == set(phones)
    assert tenant_a.get(f"/api/campaigns/{cid}/recipients", params={"status": "nope"}).status_code == 422
    csv = tenant_a.get(f"/api/campaigns/{cid}/export.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.content.decode("utf-8-sig").count("\n") == 4 and "pending" in csv.text
    assert tenant_a.get(f"/api/campaigns/{cid}/timeline").json() == {"buckets": [], "bucket_s": 60}

    assert tenant_a.post(f"/api/campaigns/{cid}/pause").json()["status"] == "paused"
    assert tenant_a.post(f"/api/campaigns/{cid}/pause").status_code == 409
    assert tenant_a.post(f"/api/campaigns/{cid}/resume").json()["status"] == "running"
    assert len(pacer.started) == 2 and pacer.started[1][2] != pacer.started[0][2]  # a new run id
    assert tenant_a.post(f"/api/campaigns/{cid}/cancel").json()["status"] == "cancelled"
    assert tenant_a.post(f"/api/campaigns/{cid}/resume").status_code == 409


def test_bad_input_scheduling_delete_and_limits(tenant_a, pacer, client):
    iid = number(tenant_a.tenant_id)
    assert tenant_a.post("/api/campaigns", body(iid, variants=[])).status_code == 422
    assert tenant_a.post("/api/campaigns", body(str(uuid.uuid4()))).status_code == 422
    bad_pacing = body(iid)
    bad_pacing["pacing"]["min_delay_s"] = 100
    assert tenant_a.post("/api/campaigns", bad_pacing).status_code == 422
    assert tenant_a.post("/api/campaigns", body(iid, schedule_at="amanhã")).status_code == 422
    assert tenant_a.post("/api/campaigns", {**body(iid), "extra": 1}).status_code == 422

    empty = tenant_a.post("/api/campaigns", body(iid)).json()
    r = tenant_a.post(f"/api/campaigns/{empty['id']}/start")
    assert r.status_code == 422 and "Nenhum contato" in r.json()["message"]
    assert tenant_a.delete(f"/api/campaigns/{empty['id']}").status_code == 204
    assert tenant_a.get(f"/api/campaigns/{empty['id']}").status_code == 404

    contacts(tenant_a.tenant_id, "vip", 1)
    later = tenant_a.post("/api/campaigns", body(iid, schedule_at="2099-01-01T12:00:00Z")).json()
    r = tenant_a.post(f"/api/campaigns/{later['id']}/start")
    assert r.json()["status"] == "scheduled" and not pacer.started
    from alrea.store import campaigns as store

    assert [c.id for c in store.due("2099-01-01T12:00:01.000Z")] == [later["id"]]
    assert store.due("2098-12-31T00:00:00.000Z") == []

    # trial: 5 campaigns a month (the scheduled one counted already)
    for _ in range(4):
        c = tenant_a.post("/api/campaigns", body(iid)).json()
        assert tenant_a.post(f"/api/campaigns/{c['id']}/start").status_code == 200
    sixth = tenant_a.post("/api/campaigns", body(iid)).json()
    r = tenant_a.post(f"/api/campaigns/{sixth['id']}/start")
    assert r.status_code == 402 and "campanhas por mês" in r.json()["message"]

    agent = tenant_a.user("agent", tenant_a.department())
    as_agent = tenant_a.login_as(agent["email"])
    assert as_agent.get("/api/campaigns").status_code == 403


def test_scheduler_starts_due_campaigns(tenant_a, pacer):
    from datetime import timedelta

    from alrea.services import campaigns as svc
    from alrea.store import campaigns as store

    iid = number(tenant_a.tenant_id)
    contacts(tenant_a.tenant_id, "vip", 2)
    at = utcnow() + timedelta(minutes=5)
    c = tenant_a.post("/api/campaigns", body(iid, schedule_at=iso(at))).json()
    assert tenant_a.post(f"/api/campaigns/{c['id']}/start").json()["status"] == "scheduled"
    assert svc.start_due(utcnow()) == 0
    assert svc.start_due(at + timedelta(seconds=1)) == 1
    item = store.get(tenant_a.tenant_id, c["id"])
    assert item.status == "running" and item.counters()["pending"] == 2  # off the due index: below
    assert store.due(iso(at + timedelta(hours=1))) == []


def test_opt_out_settings_roles_validation_and_isolation(tenant_a, tenant_b):
    path = "/api/campaigns/settings/opt-out"
    default = tenant_a.get(path).json()
    assert default["keywords"] == ["SAIR", "PARAR", "STOP", "CANCELAR"]
    assert "não receberá mais" in default["confirmation"]

    r = tenant_a.put(path, {"keywords": ["chega", "Não quero!", "  ", "CHEGA"], "confirmation": " Removido. "})
    assert r.status_code == 200, r.text
    assert r.json()["keywords"] == ["CHEGA", "NAO QUERO"] and r.json()["confirmation"] == "Removido."
    assert tenant_a.get(path).json()["keywords"] == ["CHEGA", "NAO QUERO"]

    r = tenant_a.put(path, {"keywords": ["", "!!"], "confirmation": "Ok"})
    assert r.status_code == 422 and "palavra de descadastro" in r.json()["message"]
    r = tenant_a.put(path, {"keywords": ["SAIR"], "confirmation": "   "})
    assert r.status_code == 422 and "confirmação" in r.json()["message"]
    assert tenant_a.put(path, {"keywords": "SAIR", "confirmation": "Ok"}).status_code == 422
    assert tenant_a.put(path, {"keywords": [f"K{i}" for i in range(21)], "confirmation": "Ok"}).status_code == 422

    assert tenant_b.get(path).json()["keywords"] == ["SAIR", "PARAR", "STOP", "CANCELAR"]  # another tenant's own
    manager = tenant_a.user("manager", tenant_a.department())
    as_manager = tenant_a.login_as(manager["email"])
    assert as_manager.get(path).status_code == 200
    assert as_manager.put(path, {"keywords": ["X"], "confirmation": "Ok"}).status_code == 403


def test_a_contacts_campaigns_route_is_tenant_scoped(tenant_a, tenant_b):
    contact = tenant_a.post("/api/contacts", {"phone": "+5511912345678", "name": "Ana"}).json()
    r = tenant_a.get(f"/api/contacts/{contact['id']}/campaigns")
    assert r.status_code == 200 and r.json() == {"items": [], "next_cursor": None}
    assert tenant_b.get(f"/api/contacts/{contact['id']}/campaigns").status_code == 404


def test_media_upload_warmup_and_retry_uncertain_routes(tenant_a, tenant_b, api_runtime):
    from alrea.store import instances

    r = tenant_a.post("/api/campaigns/media", {"file_name": "oferta.png", "mimetype": "image/png", "size": 1000})
    assert r.status_code == 201, r.text
    upload = r.json()
    assert upload["key"].startswith(f"t/{tenant_a.tenant_id}/campaigns/") and upload["mediatype"] == "image"
    assert upload["upload_url"].startswith("http") and upload["headers"] == {"Content-Type": "image/png"}
    r = tenant_a.post("/api/campaigns/media", {"file_name": "x.png", "mimetype": "image/png", "size": 9 << 20})
    assert r.status_code == 422 and "5 MB" in r.json()["message"]
    r = tenant_a.post("/api/campaigns/media", {"file_name": "x.exe", "mimetype": "application/x-msdownload",
                                               "size": 10})
    assert r.status_code == 422
    assert tenant_a.get("/api/campaigns/media-url", params={"key": upload["key"]}).status_code == 200
    assert tenant_b.get("/api/campaigns/media-url", params={"key": upload["key"]}).status_code == 422

    old, new = number(tenant_a.tenant_id), number(tenant_a.tenant_id)
    item = instances.InstanceItem(*instances.InstanceItem.key(tenant_a.tenant_id, new))
    item.update(actions=[instances.InstanceItem.connected_at.set(iso(utcnow()))])
    r = tenant_a.get("/api/campaigns/warmup", params={"instance_ids": f"{old},{new}", "daily_cap_per_number": 200})
    assert r.status_code == 200, r.text
    warm = {w["instance_id"]: w for w in r.json()["items"]}
    assert warm[old]["warming"] is False and warm[old]["limit_today"] == 200
    assert warm[new]["warming"] is True and warm[new]["limit_today"] == 20
    assert tenant_b.get("/api/campaigns/warmup", params={"instance_ids": new}).json()["items"] == []

    cid = tenant_a.post("/api/campaigns", body(old)).json()["id"]
    assert tenant_b.post(f"/api/campaigns/{cid}/recipients/retry-uncertain").status_code == 404
    assert tenant_a.post(f"/api/campaigns/{cid}/recipients/retry-uncertain").status_code == 409  # a draft


def test_preview_of_a_file_without_caption(tenant_a):
    media = {"key": f"t/{tenant_a.tenant_id}/campaigns/x-oferta.png", "mimetype": "image/png"}
    r = tenant_a.post("/api/campaigns/preview", {"variants": [{"text": "", "media": media}]})
    assert r.status_code == 200 and r.json()["rendered"] == ""
    assert tenant_a.post("/api/campaigns/preview", {"variants": [{"text": " "}]}).status_code == 422
