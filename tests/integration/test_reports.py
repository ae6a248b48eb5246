"""Report figures against a seeded scenario with known answers: three customers write at known times, two get
answers 120 s and 600 s later (median first response 360 s), one is closed (resolution from its first message),
one still waits; messages in/out per day, per attendant and per department; a number's sends, deliveries and
reads from receipts (a repeated receipt counts once); the dashboard reads a bounded number of items."""
from __future__ import annotations

import time

import pytest

from alrea.simulator import payloads as p
from alrea.store import conversations

from inbox_world import process_webhook, staffed_tenant  # noqa: I001 - the tests' shared world (not conftest)


@pytest.fixture
def w(new_tenant):
    return staffed_tenant(new_tenant, "Numeros Ltda", {"ag_v": ("agent", "Vendas"), "mgr_v": ("manager", "Vendas")},
                          "reports-evo")


def message(w, phone: str, text: str, at: int, *, from_me: bool = False, wamid: str | None = None) -> str:
    jid = f"{phone}@s.whatsapp.net"
    data = p.inbound_message(w["instance"].instance_id, jid, p.text_content(text), "conversation",
                             None if from_me else "Cliente", now=at, message_id=wamid)
    if from_me:
        data["key"]["fromMe"] = True
        data["status"] = "SERVER_ACK"
    process_webhook(w, "messages.upsert", data)
    return conversations.conversation_id(w["tid"], w["instance"].instance_id, jid)


def receipt(w, wamid: str, phone: str, status: str) -> None:
    process_webhook(w, "messages.update", p.message_update(wamid, f"{phone}@s.whatsapp.net", status,
                                                           w["instance"].instance_id, "db-" + wamid))


def test_dashboard_figures_of_a_seeded_scenario(w):
    admin, ag = w["admin"], w["as"]["ag_v"]
    t0 = int(time.time()) - 3 * 3600
    if time.gmtime(t0).tm_yday != time.gmtime().tm_yday:
        t0 = int(time.time()) - 1200  # keep the scenario inside today (UTC)
    a = message(w, "5511970000001", "oi, quero comprar", t0)
    b = message(w, "5511970000002", "boa tarde", t0 + 60)
    message(w, "5511970000003", "alguém aí?", t0 + 100)
    for cid in (a, b):
        assert admin.post(f"/api/conversations/{cid}/assign", json={"user_id": ag.user_id}).status_code == 200
    message(w, "5511970000001", "claro! qual modelo?", t0 + 120, from_me=True, wamid="3EB0AAAA0001")
    message(w, "5511970000002", "boa tarde! em que posso ajudar?", t0 + 60 + 600, from_me=True, wamid="3EB0AAAA0002")
    closed_at = time.time()
    assert ag.post(f"/api/conversations/{a}/close").status_code == 200
    # receipts: one delivered then read, one delivered twice (counted once)
    for status in ("DELIVERY_ACK", "READ"):
        receipt(w, "3EB0AAAA0001", "5511970000001", status)
    for _ in range(2):
        receipt(w, "3EB0AAAA0002", "5511970000002", "DELIVERY_ACK")

    r = admin.get("/api/reports/dashboard")
    assert r.status_code == 200, r.text
    board = r.json()
    today = board["today"]
    assert (today["opened"], today["closed"]) == (3, 1)
    assert (today["messages_in"], today["messages_out"]) == (3, 2)
    assert today["first_responses"] == 2 and today["first_response_median_s"] == 360.0
    assert abs(today["resolution_median_s"] - (closed_at - t0)) < 30
    assert board["waiting_now"] == 1
    assert len(board["per_day"]) == 7 and board["per_day"][-1]["messages_in"] == 3
    [vendas] = [d for d in board["departments"] if d["name"] == "Vendas"]
    assert vendas["today"]["opened"] == 3 and vendas["waiting"] == 1
    [agent] = [u for u in board["attendants"] if u["id"] == ag.user_id]
    assert agent["today"]["first_response_median_s"] == 360.0 and agent["today"]["closed"] == 1
    assert agent["today"]["messages_out"] == 2

    health = admin.get(f"/api/reports/numbers/{w['instance'].instance_id}").json()
    assert health["today"]["sent"] == 2 and health["today"]["delivered"] == 2 and health["today"]["read"] == 1
    assert health["today"]["received"] == 3
    assert health["today"]["delivery_rate"] == 1.0 and health["today"]["read_rate"] == 0.5
    assert [n["id"] for n in admin.get("/api/reports/numbers").json()["items"]] == [w["instance"].instance_id]
    # agents keep the inbox: no reports for them
    assert ag.get("/api/reports/dashboard").status_code == 403
    assert w["as"]["mgr_v"].get("/api/reports/dashboard").status_code == 200
    assert admin.get("/api/reports/numbers/" + "0" * 36).status_code == 404


def test_campaign_rates_per_variant_and_per_number(w):
    """Known moves of a two-variant campaign on two numbers → its rates per variant (winner) and per number."""
    import uuid

    from alrea.services import hooks
    from alrea.store import instances

    admin = w["admin"]
    other = instances.create(instances.Instance(
        tenant_id=w["tid"], instance_id=str(uuid.uuid4()), name="Loja Dois", evolution_name="evo-" + uuid.uuid4().hex[:6],
        webhook_token="hook_" + uuid.uuid4().hex, jwt_key="k"), max_numbers=5, limit_message="limite")
    a, b = w["instance"].instance_id, other.instance_id
    created = admin.post("/api/campaigns", json={"name": "A/B", "variants": [{"text": "Oi A"}, {"text": "Oi B"}],
                                                 "audience": {"tags": ["vip"]}, "instance_ids": [a, b]})
    assert created.status_code == 201, created.text
    cid = created.json()["id"]

    def moves(variant, number, sent, delivered, read, replied, failed):
        out = [(variant, number, "sending", "sent")] * sent + [(variant, number, "sending", "failed")] * failed
        out += [(variant, number, "sent", "delivered")] * delivered + [(variant, number, "delivered", "read")] * read
        out += [(variant, number, "read", "replied")] * replied
        return out

    batch = moves(0, a, 12, 10, 6, 3, 1) + moves(1, b, 10, 9, 8, 1, 0)
    for start in range(0, len(batch), 7):  # in several batches, as the sender and the events emit them
        hooks.campaign_recipients_moved(hooks.CampaignRecipientsMoved(w["tid"], cid, tuple(batch[start:start + 7])))

    r = admin.get(f"/api/reports/campaigns/{cid}")
    assert r.status_code == 200, r.text
    got = r.json()
    va, vb = got["variants"]
    assert (va["label"], va["text"], va["counters"]["sent"], va["counters"]["replied"]) == ("A", "Oi A", 12, 3)
    assert va["rates"]["delivered"] == round(10 / 12, 4) and va["rates"]["replied"] == 0.25
    assert vb["rates"]["read"] == 0.8 and vb["rates"]["replied"] == 0.1
    assert va["winner"] is True and vb["winner"] is False  # the better reply rate
    numbers = {n["name"]: n for n in got["numbers"]}
    assert numbers["Loja"]["counters"]["failed"] == 1 and numbers["Loja"]["rates"]["failed"] == round(1 / 13, 4)
    assert numbers["Loja Dois"]["rates"]["delivered"] == 0.9
    assert w["as"]["ag_v"].get(f"/api/reports/campaigns/{cid}").status_code == 403


def test_a_failure_spike_on_a_number_alerts_admins_and_managers_once(w):
    from alrea.core.clock import iso, utcnow
    from alrea.services import hooks, reports

    iid, now = w["instance"].instance_id, iso(utcnow())

    def status(wamid: str, value: str, rank: int) -> None:
        reports.on_status_changed(hooks.StatusChanged(w["tid"], iid, wamid, value, rank, now, known_message=False))

    for n in range(25):
        status(f"C{n}", "sent", 20)
    for n in range(5):  # 3/28 crosses 10%: one alert; the next failures add nothing
        status(f"F{n}", "failed", 15)

    def kinds(account):
        return [n["kind"] for n in account.get("/api/notifications").json()["items"]]
    assert kinds(w["admin"]) == ["number_health"] and kinds(w["as"]["mgr_v"]) == ["number_health"]
    assert kinds(w["as"]["ag_v"]) == []
    health = w["admin"].get(f"/api/reports/numbers/{iid}").json()
    assert health["today"]["failed"] == 5 and [a["kind"] for a in health["alerts"]] == ["failures"]
